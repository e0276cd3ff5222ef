"""The whole chain: tokenization, offsets into the original text, stopwords, settings, pickling."""


import pytest

from arsearch.analysis import Analyzer, AnalyzerSettings, load_stopwords, normalize
from arsearch.analysis.tokenize import tokenize

TOKENIZATION = [
    ("vocalized word stays one token", "مَبْنًى جديد", ["مَبْنًى", "جديد"]),
    ("tatweel inside a word", "العـــراق", ["العـــراق"]),
    ("arabic comma and semicolon split", "سوريا،العراق؛لبنان", ["سوريا", "العراق", "لبنان"]),
    ("arabic question mark", "لماذا؟", ["لماذا"]),
    ("guillemets and curly quotes", "«كونيكو» “حقل”", ["كونيكو", "حقل"]),
    ("lost emoji are not tokens", "خبر ???? عاجل 😀", ["خبر", "عاجل"]),
    ("symbols are not tokens", "— • © ★ …", []),
    ("latin and numbers", "G20 summit 2023", ["G20", "summit", "2023"]),
    ("decimal number", "نمو 3.5 بالمائة", ["نمو", "3.5", "بالمائة"]),
    ("arabic-indic number", "عام ٢٠٢٣", ["عام", "٢٠٢٣"]),
    ("digit glued to a clitic", "بـ3 قذائف", ["بـ", "3", "قذائف"]),
    ("arabic glued to latin", "iPhoneالجديد", ["iPhone", "الجديد"]),
    ("hyphenated latin", "F-16", ["F", "16"]),
    ("presentation forms", "ﺍﻟﻌﺮﺍﻕ", ["ﺍﻟﻌﺮﺍﻕ"]),
    ("zero-width non-joiner inside a word", "می\u200cخواهم", ["می\u200cخواهم"]),
    ("empty", "", []),
]


@pytest.mark.parametrize("rule,text,surfaces", TOKENIZATION, ids=[t[0] for t in TOKENIZATION])
def test_tokenize(rule: str, text: str, surfaces: list[str]) -> None:
    assert [s for s, _, _ in tokenize(text)] == surfaces


@pytest.mark.parametrize("text", [t[1] for t in TOKENIZATION] + [
    "قَصَفَتْ فصائلُ عراقيةٌ مسلحةٌ، بالصواريخِ قاعدةَ حقلِ \"كونيكو\" الأمريكيةَ",
])
def test_offsets_point_at_the_surface_form(text: str) -> None:
    for token in Analyzer().tokens(text):
        assert text[token.start:token.end] == token.surface
        assert token.surface  # never an empty token


def test_terms_of_a_vocalized_sentence() -> None:
    text = "قَصَفَتْ فصائلُ عراقيةٌ بالصواريخِ قاعدةَ حقلِ «كونيكو»"
    assert [t.term for t in Analyzer().tokens(text)] == ["قصفت", "فصاءل", "عراق", "صواريخ", "قاعد", "حقل", "كونيكو"]


def test_spelling_variants_give_the_same_terms() -> None:
    a = Analyzer()
    variants = ["الأمريكية", "الامريكيه", "الأمريكيّة", "الأمريـكية", "ﺍﻷﻣﺮﻳﻜﻴﺔ"]
    assert len({tuple(t.term for t in a.tokens(v)) for v in variants}) == 1


def test_stopwords_are_marked_not_dropped() -> None:
    tokens = Analyzer().tokens("قال إن القصف في العراق")
    assert [(t.term, t.stopword) for t in tokens] == [
        ("قال", False), ("ان", True), ("قصف", False), ("في", True), ("عراق", False)]
    assert [t.position for t in tokens] == [0, 1, 2, 3, 4]


def test_stopwords_are_not_stemmed() -> None:
    assert [t.term for t in Analyzer().tokens("التي عليها")] == ["التي", "عليها"]


def test_query_terms_drop_stopwords_unless_nothing_else_is_left() -> None:
    a = Analyzer()
    assert a.query_terms("القصف في العراق") == ["قصف", "عراق"]
    assert a.query_terms("من هو") == ["من", "هو"]


def test_default_stopword_list_loads_normalized() -> None:
    stops = load_stopwords()
    assert len(stops) > 200
    assert "في" in stops and "الي" in stops and "هءلاء" in stops
    assert all(word == normalize(word) for word in stops)


def test_custom_stopword_file(tmp_path) -> None:
    path = tmp_path / "stops.txt"
    path.write_text("# comment\nإلى\n\nعلى # trailing comment\n", encoding="utf-8")
    assert load_stopwords(path) == frozenset({"الي", "علي"})


def test_stemmer_none_only_normalizes() -> None:
    a = Analyzer(AnalyzerSettings(stemmer="none"))
    assert [t.term for t in a.tokens("بالصواريخ الأمريكية")] == ["بالصواريخ", "الامريكيه"]


def test_word_ligature_gives_several_terms_at_one_offset() -> None:
    tokens = Analyzer().tokens("النبي ﷺ قال")
    assert [t.term for t in tokens][1:5] == ["صلي", "الله", "عليه", "سلم"]
    assert {(t.start, t.end) for t in tokens[1:5]} == {(6, 7)}
