"""One row per normalization rule (after Lucene's TestArabicNormalizationFilter)."""

import pytest

from arsearch.analysis import normalize

RULES = [
    ("alef madda", "آجل", "اجل"),
    ("alef hamza above", "أحمد", "احمد"),
    ("alef hamza below", "إسلام", "اسلام"),
    ("alef wasla", "ٱلكتاب", "الكتاب"),
    ("alef maksura", "مستشفى", "مستشفي"),
    ("teh marbuta", "مدرسة", "مدرسه"),
    ("waw hamza to hamza", "مسؤول", "مسءول"),
    ("yeh hamza to hamza", "مسئول", "مسءول"),
    ("alef carrying fathatan goes with it", "كتابًا", "كتاب"),
    ("fathatan before the alef", "كبيراً", "كبير"),
    ("fathatan alone", "شكرً", "شكر"),
    ("dammatan", "كتابٌ", "كتاب"),
    ("kasratan", "كتابٍ", "كتاب"),
    ("fatha damma kasra", "كَتُبِ", "كتب"),
    ("shadda", "محمّد", "محمد"),
    ("sukun", "مِنْ", "من"),
    ("superscript alef", "هٰذا", "هذا"),
    ("tatweel", "الـــعراق", "العراق"),
    ("quranic annotation marks", "الرَّحِيمِۖ", "الرحيم"),
    ("zero width non-joiner", "می\u200cخواهم", "ميخواهم"),
    ("zero width joiner and bidi marks", "\u200fالعراق\u200d", "العراق"),
    ("arabic letter mark", "سوريا\u061c", "سوريا"),
    ("presentation forms", "ﺍﻟﻌﺮﺍﻕ", "العراق"),
    ("lam alef ligature", "ﻻ", "لا"),
    ("lam alef hamza ligature", "ﻷ", "لا"),
    ("persian keheh", "کتاب", "كتاب"),
    ("persian yeh", "ایران", "ايران"),
    ("persian heh with yeh", "خانۀ", "خانه"),
    ("urdu heh goal", "ہ", "ه"),
    ("arabic-indic digits", "٢٠٢٣", "2023"),
    ("persian digits", "۱۴۰۲", "1402"),
    ("latin case fold", "COVID", "covid"),
    ("fullwidth latin", "ＧＰＳ", "gps"),
    ("empty", "", ""),
    ("latin passthrough", "whoosh", "whoosh"),
]


@pytest.mark.parametrize("rule,text,expected", RULES, ids=[r[0] for r in RULES])
def test_normalize_rule(rule: str, text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize("text", [r[1] for r in RULES])
def test_normalize_is_idempotent(text: str) -> None:
    assert normalize(normalize(text)) == normalize(text)


def test_word_ligature_becomes_several_words() -> None:
    assert normalize("ﷺ").split() == ["صلي", "الله", "عليه", "وسلم"]
