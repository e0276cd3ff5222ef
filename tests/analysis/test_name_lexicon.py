"""The name lexicon and the double-lam rule of the light stemmer (issue 14): one row per rule, and rows that
must not change (after Lucene's TestArabicStemFilter)."""

import pytest

from arsearch.analysis import light_stem, normalize
from arsearch.analysis.stem import name_terms


def stem(word: str) -> str:
    return light_stem(normalize(word))


STEMS = [
    # an ending that is not a suffix, because the nisba adjective is common with the article
    ("ين of a name is kept", "البحرين", "بحرين"),
    ("ان of a name is kept", "لبنان", "لبنان"),
    ("ات of a name is kept", "الاستخبارات", "استخبارات"),
    ("ان of a word is kept", "القانون", "قانون"),
    ("nisba of a name meets the name", "البحرينية", "بحرين"),
    ("plural nisba meets the name", "الفلسطينيين", "فلسطين"),
    ("nisba with a clitic", "وللبنانيين", "لبنان"),
    # an ending that is not a dual: the oblique dual is never seen
    ("ان that is no dual", "ظهران", "ظهران"),
    ("first name in ان", "سلمان", "سلمان"),
    # a country in ا meets its nisba
    ("country in ا", "فرنسا", "فرنسا"),
    ("its nisba", "الفرنسية", "فرنسا"),
    ("country in يا and its nisba", "البريطانيين", "بريطانيا"),
    ("ال that belongs to the name", "ألمانيا", "المانيا"),
    ("preposition before that ال", "بألمانيا", "المانيا"),
    ("nisba of that name", "الألمانية", "المانيا"),
    # spelling variants and plurals the rules cannot see
    ("spelling variant", "أميركا", "امريكا"),
    ("variant's nisba", "الأميركيون", "امريكا"),
    ("broken plural", "الأتراك", "تركيا"),
    # ل before a word that begins with ل
    ("lam before a name in ل", "لليبيا", "ليبيا"),
    ("lam before a noun in ل", "للاعبين", "لاعب"),
    ("lam before a name in ك", "لكندا", "كندا"),
]


@pytest.mark.parametrize("rule,word,expected", STEMS, ids=[s[0] for s in STEMS])
def test_stem_rule(rule: str, word: str, expected: str) -> None:
    assert stem(word) == expected


NOT_CHANGED = [
    ("a real dual still loses ان", "الطرفان", "طرف"),
    ("and its oblique form ين", "الطرفين", "طرف"),
    ("a verb keeps losing ون", "يقولون", "يقول"),
    ("a verb's dual keeps losing ان", "يقومان", "يقوم"),
    ("masculine plural", "المسلمين", "مسلم"),
    ("feminine plural", "القرارات", "قرار"),
    ("an adverb in ا is no country", "رسميا", "رسميا"),
    ("and its adjective keeps its stem", "الرسمية", "رسم"),
    ("a word with ال in ا stays", "العليا", "عليا"),
    ("لل that is the article", "للحشد", "حشد"),
    ("the nisba of a word not listed", "العراقية", "عراق"),
    ("إمارة is not the Emirates", "إمارة", "امار"),
    ("البحر is not Bahrain", "البحر", "بحر"),
    ("السلم is not Salman", "السلم", "سلم"),
    ("الظهر is not Dhahran", "الظهر", "ظهر"),
]


@pytest.mark.parametrize("rule,word,expected", NOT_CHANGED, ids=[s[0] for s in NOT_CHANGED])
def test_not_changed(rule: str, word: str, expected: str) -> None:
    assert stem(word) == expected


def test_lexicon_terms_are_their_own_term() -> None:
    terms = name_terms()
    assert len(terms) > 500
    assert all(terms[term] == term for term in terms.values())
    assert all(word == normalize(word) for word in terms)
