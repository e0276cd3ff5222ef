"""The article lexicon of the light stemmer (issue 14): words whose article belongs to them keep it in their term.
One row per rule, rows that must not change, and the builder's two rules on a small made-up corpus."""

import collections
from types import ModuleType

import pytest

from arsearch.analysis import light_stem, normalize
from arsearch.analysis.stem import article_terms


def stem(word: str) -> str:
    return light_stem(normalize(word))


STEMS = [
    # a name whose article form is another name: its documents are about other things than the bare form's
    ("the city الظهران is not ظهران الجنوب", "الظهران", "الظهران"),
    ("with a preposition", "بالظهران", "الظهران"),
    ("with لل, the article written after ل", "للظهران", "الظهران"),
    ("Cameroon is not Cameron", "الكاميرون", "الكاميرون"),
    ("the nisba goes with the name its documents are about", "الكاميرونيين", "الكاميرون"),
    ("and its nisba, with or without the article", "كاميرونية", "الكاميرون"),
    ("the UAE are not emirates", "الإمارات", "الامارات"),
    ("nor are its nisba's forms", "بالإماراتية", "الامارات"),
    # a family name in ي: almost never bare, feminine or plural
    ("family name", "المالكي", "المالكي"),
    ("family name with a clitic", "وللمالكي", "المالكي"),
    ("family name of a region", "النجدي", "النجدي"),
    ("family name of a president", "السيسي", "السيسي"),
]


@pytest.mark.parametrize("rule,word,expected", STEMS, ids=[s[0] for s in STEMS])
def test_stem_rule(rule: str, word: str, expected: str) -> None:
    assert stem(word) == expected


NOT_CHANGED = [
    ("the bare name stays", "ظهران", "ظهران"),
    ("Cameron stays", "كاميرون", "كاميرون"),
    ("emirates stay", "إمارات", "امارات"),
    ("إمارة stays", "إمارة", "امار"),
    ("the base of a family name stays", "مالك", "مالك"),
    ("the city stays", "بغداد", "بغداد"),
    ("its bare nisba still meets the city", "بغدادي", "بغداد"),
    ("a plural that is no family name", "العباد", "عباد"),
    ("an adjective in ي with a feminine keeps losing ي", "العربي", "عرب"),
    ("and another", "الاقتصادي", "اقتصاد"),
    ("a country's nisba still meets the country", "الفرنسي", "فرنسا"),
    ("a name whose two forms share their documents stays one term", "السلمان", "سلمان"),
    ("a noun in the name lexicon stays one term", "القانون", "قانون"),
    ("الله stays", "الله", "الله"),
    ("وزارة is not زار", "وزارة", "وزار"),
]


@pytest.mark.parametrize("rule,word,expected", NOT_CHANGED, ids=[s[0] for s in NOT_CHANGED])
def test_not_changed(rule: str, word: str, expected: str) -> None:
    assert stem(word) == expected


def test_article_terms_are_their_own_term_and_keep_the_article() -> None:
    terms = article_terms()
    assert len(terms) > 100
    assert all(terms[term] == term and term.startswith("ال") for term in terms.values())
    assert all(stem(term) == term for term in set(terms.values()))



def _corpus(documents: list[list[str]]) -> tuple[collections.Counter[str], list[frozenset[str]]]:
    return collections.Counter(w for d in documents for w in d), [frozenset(d) for d in documents]


def test_a_name_whose_two_forms_are_about_different_things_is_split(build_lexicons: ModuleType) -> None:
    build = build_lexicons
    city = [["الظهران", "ارامكو", "الشرقيه", f"حي{i}"] for i in range(40)]
    province = [["ظهران", "الجنوب", "عسير", f"قريه{i}"] for i in range(40)]
    spread = [["ارامكو"], ["عسير"], *([["كلمه"]] * 40)]  # the context words are not in every document
    lexicons = build.Lexicons(*_corpus(city + province + spread))
    assert lexicons.split_names(["ظهران"]) == ["الظهران"]


def test_a_name_whose_two_forms_are_about_one_thing_is_kept_whole(build_lexicons: ModuleType) -> None:
    build = build_lexicons
    law = [["القانون", "المحكمه", "النظام", f"ماده{i}"] for i in range(40)]
    bare = [["قانون", "المحكمه", "النظام", f"ماده{i}"] for i in range(40)]
    lexicons = build.Lexicons(*_corpus(law + bare + [["كلمه"]] * 40))
    assert lexicons.split_names(["قانون"]) == []


@pytest.mark.parametrize("counts,listed", [
    ({"المالكي": 100, "مالكي": 3}, ["المالكي"]),            # almost never bare: a family name
    ({"المالكي": 100, "مالكي": 30}, []),                    # often bare: an adjective
    ({"الدولي": 100, "الدوليه": 90}, []),                   # a feminine: an adjective
    ({"الفرنسي": 100}, []),                                  # the nisba of a listed name
    ({"الذي": 100}, []),                                      # a stopword
])
def test_family_names(build_lexicons: ModuleType, counts: dict[str, int], listed: list[str]) -> None:
    lexicons = build_lexicons.Lexicons(collections.Counter(counts))
    assert lexicons.family_names({"فرنسي"}) == listed
