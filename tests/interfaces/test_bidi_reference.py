"""The terminal reordering (arsearch.interfaces.display) against python-bidi, an implementation of UAX #9 in Rust.

python-bidi's ``get_display`` leaves mirroring (rule L4) to the renderer and reverses combining marks with their
letters, so the comparisons use ``shaped=False, mirrored=False`` and lines without marks; how marks and styles
travel is checked separately.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arsearch.interfaces.display import Segment, visual, visual_lines, visual_text

bidi = pytest.importorskip("bidi", reason="python-bidi is in the test extra")


def reference(line: str) -> str:
    return str(bidi.get_display(line))


def reordered(line: str) -> str:
    return visual_text(line, shaped=False, mirrored=False)


MIXED_LINES = [
    "نسبة البطالة 45% في المنطقة",                   # W2: digits after Arabic letters are Arabic numbers
    "ارتفع السهم 3.5% إلى 120 ريالا",
    "السعر 100$ فقط",
    "بلغت الميزانية 1,500.75 مليون ريال",
    "في 2015-08-02 قال المتحدث",                     # a date: - is a separator between Arabic numbers
    "الساعة 10:30 صباحا",
    "مصادر: CNN (عن AP) News",                       # N0: a bracket pair takes the direction of its context
    "قال (من) هنا",
    "قال [AP] و(رويترز) الخبر",
    "نعم (yes) لا",
    "سلام (a b) c",
    "(سلام)",
    "هاتف iPhone 15 جديد",
    "Hello سلام 123 قال",
    "the word سلام means peace",
    "درجة الحرارة -5 درجات",
    "رقم الهاتف +966 11 123 4567",
    "عام ٢٠٢٣ م بنسبة ٣٫٥٪",
    "سلام.",
    "... 123 ...",
]


@pytest.mark.parametrize("line", MIXED_LINES)
def test_mixed_lines_are_ordered_as_uax9_orders_them(line: str) -> None:
    assert reordered(line) == reference(line)


def test_the_issue_examples() -> None:
    assert "%45" in reordered("نسبة 45% من السكان")
    assert "02-08-2015" in reordered("في 2015-08-02 قال")
    assert visual_text("مصادر: CNN (عن AP) News", shaped=False).count(")") == 1  # mirrored once, not twice


# Characters of scraped news: Arabic and Latin letters, both kinds of digits, punctuation of both scripts,
# brackets, signs that attach to numbers, spaces and tabs, the bidi marks.
_NEWS_CHARACTERS = (
    [chr(c) for c in range(0x0621, 0x064B)] + list("abcXYZ") + list("0123456789") + list("٠١٢٣٤٥٦٧٨٩")
    + list(" \t()[]{}<>«».,:;-+/%$#،؛؟٪٫٬!'\"€£°±") + ["\u200e", "\u200f", "\u061c"]
)
_ALL_ORDINARY = st.characters(
    exclude_categories=("Cn", "Cs", "Co", "Cc", "Mn", "Me", "Cf", "Zl", "Zp"), max_codepoint=0x2FFF)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(_NEWS_CHARACTERS), max_size=40))
def test_news_lines_match_python_bidi(line: str) -> None:
    assert reordered(line) == reference(line)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALL_ORDINARY, max_size=30))
def test_any_characters_match_python_bidi(line: str) -> None:
    # explicit embeddings and isolates (category Cf) and paragraph separators are outside what display.py does
    line = "".join(char for char in line if unicodedata.bidirectional(char) != "B")
    assert reordered(line) == reference(line)


_MARKS = "\u064b\u064e\u064f\u0650\u0651\u0652"
_WITH_MARKS = st.text(alphabet=st.sampled_from(_NEWS_CHARACTERS + list(_MARKS)), max_size=30)


@settings(max_examples=300, deadline=None)
@given(_WITH_MARKS)
def test_harakat_stay_after_their_letter(line: str) -> None:
    line = line.lstrip(_MARKS)  # a mark needs a letter to stay with
    out = reordered(line)
    # the same order as python-bidi but for the marks, which it puts before their letter in right-to-left runs
    assert "".join(char for char in out if char not in _MARKS) == "".join(
        char for char in reference(line) if char not in _MARKS)
    assert _marks_after(out) == _marks_after(line)


def _marks_after(text: str) -> list[tuple[str, str]]:
    """(the character before it, the mark) for every mark."""
    pairs, base = [], ""
    for char in text:
        if char in _MARKS:
            pairs.append((base, char))
        else:
            base = char
    return sorted(pairs)


def test_a_haraka_is_kept_on_its_letter() -> None:
    assert reordered("كَتَب") == "بتَكَ"  # python-bidi: "بَتَك", each fatha before its letter


_STYLED = st.lists(st.tuples(st.text(alphabet=st.sampled_from(_NEWS_CHARACTERS), max_size=12),
                             st.sampled_from([None, "hl", "dim"])), max_size=6)


@settings(max_examples=300, deadline=None)
@given(_STYLED)
def test_styles_stay_on_their_characters(segments: list[Segment]) -> None:
    logical = "".join(text for text, _ in segments)
    out = visual(segments, shaped=False, mirrored=False)
    assert "".join(text for text, _ in out) == reference(logical)
    # the i-th character of the logical text lands somewhere with its own style: compare (char, style) multisets
    styled_in = sorted((char, style or "") for text, style in segments for char in text)
    styled_out = sorted((char, style or "") for text, style in out for char in text)
    assert styled_out == styled_in


def test_a_highlighted_number_keeps_its_style_where_uax9_puts_it() -> None:
    out = visual([("نسبة ", None), ("45", "hl"), ("% فقط", None)], shaped=False)
    assert out == [("طقف %", None), ("45", "hl"), (" ةبسن", None)]


def test_wrapped_lines_take_the_direction_of_the_paragraph() -> None:
    # "45%" alone on a line is still an Arabic number of a right-to-left paragraph (the line alone would be LTR)
    right_to_left, lines = visual_lines([("قال 45%", None)], width=4, shaped=False)
    assert right_to_left
    assert ["".join(text for text, _ in line) for line in lines] == ["لاق", "%45"]


@pytest.mark.parametrize("line", MIXED_LINES)
def test_a_paragraph_that_fits_is_one_line_as_visual_gives_it(line: str) -> None:
    _, lines = visual_lines([(line, "s")], width=200)
    assert lines == [visual([(line, "s")])]
