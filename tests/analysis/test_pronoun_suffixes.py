"""Pronoun suffixes and the teh marbuta they hide (issue 14): data/pronoun_words.txt, one row per rule and rows
that must not change."""

import collections
from types import ModuleType

import pytest

from arsearch.analysis import light_stem, normalize
from arsearch.analysis.stem import pronoun_bases


def stem(word: str) -> str:
    return light_stem(normalize(word))


MEET = [
    ("hum", "ابنهم", "ابن"),
    ("hunna", "دخولهن", "دخول"),
    ("kum", "أبناءكم", "أبناء"),
    ("huma", "ابنهما", "ابن"),
    ("na", "بلادنا", "بلاد"),
    ("teh marbuta before ha", "حكومتها", "حكومة"),
    ("teh marbuta before hu", "مدرسته", "مدرسة"),
    ("teh marbuta before hum", "حكومتهم", "حكومة"),
    ("teh marbuta before na", "شركتنا", "شركة"),
    ("with a clitic", "وحكومتها", "الحكومة"),
    ("teh marbuta before the dual ين", "دولتين", "دولة"),
    ("teh marbuta before the dual ان", "ساعتان", "ساعة"),
    ("teh marbuta before the construct dual ي", "محافظتي", "محافظة"),
    ("a dual with the article", "المدينتين", "مدينة"),
]


@pytest.mark.parametrize("rule,suffixed,plain", MEET, ids=[m[0] for m in MEET])
def test_suffixed_word_meets_the_plain_word(rule: str, suffixed: str, plain: str) -> None:
    assert stem(suffixed) == stem(plain)


NOT_CHANGED = [
    ("ت that belongs to the word", "بيتها", "بيت"),
    ("كم of a noun in the plural", "المحاكم", "محاكم"),
    ("هم of a noun", "المساهم", "مساهم"),
    ("نا of a name", "فيينا", "فيينا"),
    ("a short word keeps هم", "فهم", "فهم"),
    ("a stopword is no base", "علينا", "علينا"),
    ("a verb's ت is not teh marbuta", "اتهمتهم", "اتهمت"),
    ("ت that belongs to the word before a dual", "بيتين", "بيت"),
    ("a name in تين is no dual", "مارتين", "مارت"),
]


@pytest.mark.parametrize("rule,word,expected", NOT_CHANGED, ids=[n[0] for n in NOT_CHANGED])
def test_not_changed(rule: str, word: str, expected: str) -> None:
    assert stem(word) == expected


def test_bases_are_normalized_and_shorter() -> None:
    bases = pronoun_bases()
    assert len(bases) > 1000
    assert all(word == normalize(word) and len(base) < len(word) for word, base in bases.items())


@pytest.mark.parametrize("counts,base", [
    ({"دولتين": 10, "دوله": 100}, "دوله"),                    # the teh marbuta form is the word
    ({"دولتين": 10, "دوله": 100, "دولت": 200}, None),         # the ت form is the word
    ({"مارتين": 30, "ماره": 50}, None),                       # not twice as common as the dual: a name
    ({"قطتين": 10, "قطه": 100}, None),                        # a stem of three letters is left alone
])
def test_dual_bases(build_lexicons: ModuleType, counts: dict[str, int], base: str | None) -> None:
    lexicons = build_lexicons.Lexicons(collections.Counter(counts))
    word = next(iter(counts))
    assert lexicons.dual_base(word) == base
