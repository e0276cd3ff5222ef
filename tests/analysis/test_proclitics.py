"""Prepositions written onto a word (issue 14): the proclitic lexicon keeps out words that take the article.  One row
per rule, rows that must not change, and the builder's rule on made-up counts."""

import collections
from types import ModuleType

import pytest

from arsearch.analysis import light_stem, normalize


def stem(word: str) -> str:
    return light_stem(normalize(word))


STEMS = [
    ("ب before a name", "بتركيا", "تركيا"),
    ("ب before a noun", "بحسب", "حسب"),
    ("ل before a noun", "لجميع", "جميع"),
]


@pytest.mark.parametrize("rule,word,expected", STEMS, ids=[s[0] for s in STEMS])
def test_stem_rule(rule: str, word: str, expected: str) -> None:
    assert stem(word) == expected


NOT_CHANGED = [
    ("a word that takes the article keeps its ب", "بعيد", "بعيد"),
    ("and after و", "وبعيد", "بعيد"),
    ("its ك", "كامل", "كامل"),
    ("its ف", "فكرة", "فكر"),
    ("Kabul is no ك+camels", "كابل", "كابل"),
    ("و alone", "وقال", "قال"),
    ("و that belongs to the word", "وزارة", "وزار"),
    ("و of a name", "واشنطن", "واشنطن"),
    ("a word in ل not in the lexicon", "لبنان", "لبنان"),
]


@pytest.mark.parametrize("rule,word,expected", NOT_CHANGED, ids=[s[0] for s in NOT_CHANGED])
def test_not_changed(rule: str, word: str, expected: str) -> None:
    assert stem(word) == expected



@pytest.mark.parametrize("counts,listed", [
    ({"بتركيا": 10, "تركيا": 100}, ["بتركيا"]),                   # ب + a common word
    ({"بعيد": 100, "عيد": 300, "البعيد": 20}, []),                # takes the article: a word of its own
    ({"بعيد": 100, "عيد": 300, "البعيد": 2}, ["بعيد"]),           # the article too rare to say so
    ({"بيت": 100, "يت": 1}, []),                                    # the rest is no word
])
def test_proclitic_words(build_lexicons: ModuleType, counts: dict[str, int], listed: list[str]) -> None:
    assert build_lexicons.Lexicons(collections.Counter(counts)).proclitic_words() == listed
