"""arsearch.display: Arabic shaping and visual ordering for terminals without bidi support.

Expected values are written out by hand from the Unicode Arabic Presentation Forms-B chart
(U+FE70–U+FEFF), in code points, so they do not depend on the code under test.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arsearch.interfaces.display import Segment, shape, visual, visual_text

# Presentation forms used below (chart names: isolated / final / initial / medial).
ALEF_ISO, ALEF_FIN = "\uFE8D", "\uFE8E"
BEH_ISO, BEH_FIN, BEH_INI, BEH_MED = "\uFE8F", "\uFE90", "\uFE91", "\uFE92"
TEH_ISO, TEH_FIN, TEH_INI, TEH_MED = "\uFE95", "\uFE96", "\uFE97", "\uFE98"
DAL_ISO, DAL_FIN = "\uFEA9", "\uFEAA"
REH_ISO = "\uFEAD"
SEEN_INI = "\uFEB3"
AIN_INI = "\uFECB"
FEH_FIN, FEH_INI = "\uFED2", "\uFED3"
QAF_INI = "\uFED7"
KAF_INI, KAF_MED = "\uFEDB", "\uFEDC"
LAM_ISO, LAM_INI = "\uFEDD", "\uFEDF"
MEEM_ISO, MEEM_INI = "\uFEE1", "\uFEE3"
NOON_FIN, NOON_MED = "\uFEE6", "\uFEE8"
HEH_INI = "\uFEEB"
WAW_FIN = "\uFEEE"
YEH_FIN, YEH_INI, YEH_MED = "\uFEF2", "\uFEF3", "\uFEF4"
HAMZA_ISO = "\uFE80"
JEEM_INI = "\uFE9F"
LAM_ALEF_ISO, LAM_ALEF_FIN = "\uFEFB", "\uFEFC"
LAM_ALEF_HAMZA_ABOVE_ISO = "\uFEF7"
# Persian letters, from Arabic Presentation Forms-A (U+FB50–U+FDFF).
PEH_ISO, PEH_INI, PEH_MED = "\uFB56", "\uFB58", "\uFB59"
JEH_ISO, JEH_FIN = "\uFB8A", "\uFB8B"
GAF_ISO, GAF_INI = "\uFB92", "\uFB94"
KEHEH_FIN = "\uFB8F"
FARSI_YEH_MED = "\uFBFF"
FATHA, SHADDA, TATWEEL = "\u064E", "\u0651", "\u0640"

# Visual forms of a few words (reversed, shaped), reused below.
QAL = LAM_ISO + ALEF_FIN + QAF_INI            # قال
MIN = NOON_FIN + MEEM_INI                     # من
HUNA = ALEF_FIN + NOON_MED + HEH_INI          # هنا
SALAM = MEEM_ISO + LAM_ALEF_FIN + SEEN_INI    # سلام


@pytest.mark.parametrize(
    ("logical", "expected"),
    [
        pytest.param("كتب", KAF_INI + TEH_MED + BEH_FIN, id="initial-medial-final"),
        pytest.param("بيت", BEH_INI + YEH_MED + TEH_FIN, id="beit"),
        pytest.param("ب", BEH_ISO, id="single-letter-isolated"),
        pytest.param("سلام", SEEN_INI + LAM_ALEF_FIN + MEEM_ISO, id="lam-alef-final"),
        pytest.param("لا", LAM_ALEF_ISO, id="lam-alef-isolated"),
        pytest.param("لأ", LAM_ALEF_HAMZA_ABOVE_ISO, id="lam-alef-hamza"),
        pytest.param("بدر", BEH_INI + DAL_FIN + REH_ISO, id="dal-does-not-join-left"),
        pytest.param("دار", DAL_ISO + ALEF_ISO + REH_ISO, id="all-right-joining"),
        pytest.param("ماء", MEEM_INI + ALEF_FIN + HAMZA_ISO, id="hamza-non-joining"),
        pytest.param("كَتَبَ", KAF_INI + FATHA + TEH_MED + FATHA + BEH_FIN + FATHA, id="harakat-transparent"),
        pytest.param("بّب", BEH_INI + SHADDA + BEH_FIN, id="shadda-between-letters"),
        pytest.param("لَا", LAM_ALEF_ISO + FATHA, id="lam-haraka-alef"),
        pytest.param("بـ", BEH_INI + TATWEEL, id="tatweel-join-causing-after"),
        pytest.param("ـب", TATWEEL + BEH_FIN, id="tatweel-join-causing-before"),
        pytest.param("ب\u200cب", BEH_ISO + "\u200c" + BEH_ISO, id="zwnj-breaks-join"),
        pytest.param("پ", PEH_ISO, id="persian-letter-isolated"),
        pytest.param("بپب", BEH_INI + PEH_MED + BEH_FIN, id="persian-letter-joins-both-sides"),
        pytest.param("گژ", GAF_INI + JEH_FIN, id="gaf-and-right-joining-jeh"),
        pytest.param("ژگ", JEH_ISO + GAF_ISO, id="jeh-does-not-join-left"),
        pytest.param("پیک", PEH_INI + FARSI_YEH_MED + KEHEH_FIN, id="peyk"),
        pytest.param("ب\u066eب", BEH_ISO + "\u066e" + BEH_ISO, id="letter-without-forms-does-not-join"),
        pytest.param("Hello, world! 123", "Hello, world! 123", id="latin-unchanged"),
        pytest.param("ب b ب", BEH_ISO + " b " + BEH_ISO, id="space-breaks-join"),
        pytest.param("", "", id="empty"),
    ],
)
def test_shape(logical: str, expected: str) -> None:
    assert shape(logical) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param("Hello, world! (1+2) [x] 50%", "Hello, world! (1+2) [x] 50%", id="latin-unchanged"),
        pytest.param("سلام", SALAM, id="arabic-word"),
        pytest.param("كتب", BEH_FIN + TEH_MED + KAF_INI, id="arabic-word-no-ligature"),
        pytest.param("لا", LAM_ALEF_ISO, id="lam-alef"),
        pytest.param(
            "السلام",
            MEEM_ISO + LAM_ALEF_FIN + "\uFEB4" + LAM_INI + ALEF_ISO,
            id="article-and-lam-alef",
        ),
        pytest.param("دار", REH_ISO + ALEF_ISO + DAL_ISO, id="right-joining-breaks"),
        pytest.param("بدر", REH_ISO + DAL_FIN + BEH_INI, id="dal-final"),
        pytest.param(
            "كَتَبَ",
            BEH_FIN + FATHA + TEH_MED + FATHA + KAF_INI + FATHA,
            id="harakat-follow-their-letter",
        ),
        pytest.param("قال من", MIN + " " + QAL, id="two-words"),
        pytest.param(
            "عام 2023 م",
            MEEM_ISO + " 2023 " + MEEM_ISO + ALEF_FIN + AIN_INI,
            id="number-keeps-digit-order",
        ),
        pytest.param(
            "هاتف iPhone 15 جديد",
            DAL_FIN + YEH_INI + DAL_FIN + JEEM_INI + " iPhone 15 " + FEH_FIN + TEH_INI + ALEF_FIN + HEH_INI,
            id="latin-and-its-number-inside-arabic",
        ),
        pytest.param("قال Linux", "Linux " + QAL, id="latin-word-inside-arabic"),
        pytest.param(
            "the word سلام means peace",
            "the word " + SALAM + " means peace",
            id="ltr-line-with-arabic-word",
        ),
        pytest.param(
            "Hello سلام 123 قال",
            "Hello " + QAL + " 123 " + SALAM,
            id="ltr-line-with-arabic-phrase-holding-number",
        ),
        pytest.param("سلام.", "." + SALAM, id="final-punctuation-goes-left"),
        pytest.param("قال (من)", "(" + MIN + ") " + QAL, id="parentheses-mirrored"),
        pytest.param("«من»", "«" + MIN + "»", id="guillemets-mirrored"),
        pytest.param("[من]", "[" + MIN + "]", id="square-brackets-mirrored"),
        pytest.param(
            "قال (AP) هنا",
            HUNA + " (AP) " + QAL,
            id="brackets-around-latin-in-arabic",
        ),
        pytest.param("see (سلام) now", "see (" + SALAM + ") now", id="brackets-in-ltr-not-mirrored"),
        pytest.param("f(x) < g[y]", "f(x) < g[y]", id="ltr-brackets-untouched"),
        pytest.param("... 123 ...", "... 123 ...", id="no-strong-character-is-ltr"),
        pytest.param("", "", id="empty"),
    ],
)
def test_visual_text(line: str, expected: str) -> None:
    assert visual_text(line) == expected


@pytest.mark.parametrize(
    ("line", "number"),
    [
        pytest.param("عام 2023 م", "2023", id="year"),
        pytest.param("بلغ 1,500.75 مليون", "1,500.75", id="thousands-and-decimals"),
        pytest.param("نسبة 50% فقط", "%50", id="percent-after-arabic-reads-right-to-left"),
        pytest.param("عام ٢٠٢٣ م", "٢٠٢٣", id="arabic-indic-digits"),
        pytest.param("بلغ ٣٫٥ مليون", "٣٫٥", id="arabic-decimal-separator"),
        pytest.param("الساعة 10:30 صباحا", "10:30", id="time"),
    ],
)
def test_numbers_keep_left_to_right_order(line: str, number: str) -> None:
    out = visual_text(line)
    assert number in out
    # The number sits between the two Arabic words, which swapped sides.
    first_word, last_word = line.split(" ")[0], line.split(" ")[-1]
    assert out.index(number) > 0
    assert out.endswith(visual_text(first_word))
    assert out.startswith(visual_text(last_word))


@pytest.mark.parametrize(
    ("segments", "expected"),
    [
        pytest.param(
            [("قال ", None), ("من", "hl"), (" هنا", None)],
            [(HUNA + " ", None), (MIN, "hl"), (" " + QAL, None)],
            id="highlighted-middle-word-in-arabic",
        ),
        pytest.param(
            [("قال", "a"), (" ", None), ("من", "hl"), (" ", None), ("هنا", "b")],
            [(HUNA, "b"), (" ", None), (MIN, "hl"), (" ", None), (QAL, "a")],
            id="every-word-styled",
        ),
        pytest.param(
            [("ال", None), ("كتاب", "hl")],
            [(BEH_ISO + ALEF_FIN + TEH_MED + KAF_MED, "hl"), (LAM_INI + ALEF_ISO, None)],
            id="highlight-inside-word-still-joins",
        ),
        pytest.param([("ل", "a"), ("ا", "b")], [(LAM_ALEF_ISO, "a")], id="ligature-takes-lam-style"),
        pytest.param(
            [("see ", None), ("سلام", "hl"), (" now", None)],
            [("see ", None), (SALAM, "hl"), (" now", None)],
            id="arabic-highlight-in-ltr-line",
        ),
        pytest.param(
            [("عام ", None), ("2023", "hl"), (" م", None)],
            [(MEEM_ISO + " ", None), ("2023", "hl"), (" " + MEEM_ISO + ALEF_FIN + AIN_INI, None)],
            id="highlighted-number-in-arabic",
        ),
        pytest.param(
            [("قال ", None), ("Linux", "hl")],
            [("Linux", "hl"), (" " + QAL, None)],
            id="highlighted-latin-in-arabic",
        ),
        pytest.param(
            [("", "x"), ("ab", "s"), ("cd", "s"), ("", None)],
            [("abcd", "s")],
            id="same-style-merged-empty-dropped",
        ),
        pytest.param([], [], id="no-segments"),
        pytest.param([("", "hl")], [], id="only-empty-segments"),
    ],
)
def test_visual_styles_follow_characters(segments: list[Segment], expected: list[Segment]) -> None:
    assert visual(segments) == expected


# --- properties -------------------------------------------------------------------------------

_MIRROR_PAIRS = ["()", "[]", "{}", "<>", "«»", "‹›"]
_CANONICAL_BRACKET = {char: pair[0] for pair in _MIRROR_PAIRS for char in pair}


def _is_presentation_form(char: str) -> bool:
    return 0xFB50 <= ord(char) <= 0xFBFF or 0xFE70 <= ord(char) <= 0xFEFC


def _unshaped(form: str) -> str:
    """The letters a presentation form stands for (one level of decomposition: U+FBDD is U+0677, not its NFKC)."""
    return "".join(chr(int(code, 16)) for code in unicodedata.decomposition(form).split()[1:])


def _unshaped_multiset(text: str) -> list[str]:
    """Characters with presentation forms mapped back (by their decomposition) and each bracket pair merged."""
    chars: list[str] = []
    for char in text:
        if _is_presentation_form(char):
            chars.extend(_unshaped(char))
        else:
            chars.append(_CANONICAL_BRACKET.get(char, char))
    return sorted(chars)


_ARABIC_HEAVY = st.characters(
    codec="utf-8",
    categories=("Lo", "Mn", "Nd", "Po", "Ps", "Pe", "Zs"),
    min_codepoint=0x20,
    max_codepoint=0x6FF,
)
_LINE = st.text(alphabet=st.one_of(st.characters(exclude_characters="\n"), _ARABIC_HEAVY), max_size=40)
_SEGMENTS = st.lists(st.tuples(_LINE, st.sampled_from([None, "hl", "dim"])), max_size=5)


@settings(max_examples=300, deadline=None)
@given(_SEGMENTS)
def test_visual_keeps_every_character(segments: list[Segment]) -> None:
    out = visual(segments)
    assert all(text for text, _ in out)
    assert all(a[1] != b[1] for a, b in zip(out, out[1:]))
    assert {style for _, style in out} <= {style for text, style in segments if text}
    logical = "".join(text for text, _ in segments)
    assert _unshaped_multiset("".join(text for text, _ in out)) == _unshaped_multiset(logical)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(exclude_characters="\n", exclude_categories=("Cs",))))
def test_text_without_right_to_left_characters_is_unchanged(text: str) -> None:
    text = "".join(char for char in text if unicodedata.bidirectional(char) not in ("R", "AL"))
    assert visual_text(text) == text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_ARABIC_HEAVY, max_size=30))
def test_shape_substitutes_forms_in_place(text: str) -> None:
    shaped = shape(text)
    assert _unshaped_multiset(shaped) == _unshaped_multiset(text)
    if "\u0644" not in text:  # without lam there is no ligature: one form per character
        assert len(shaped) == len(text)
        assert all(new == old or (_is_presentation_form(new) and _unshaped(new) == old)
                   for old, new in zip(text, shaped))
