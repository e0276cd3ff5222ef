"""Snippets and highlight spans (``arsearch.highlight``)."""

from __future__ import annotations

import random
from collections.abc import Collection

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arsearch.analysis import Analyzer
from arsearch.search.highlight import (ELLIPSIS, SENTENCE_ENDS, Snippet, _window_bounds, highlight_whole, make_snippet,
                                      match_spans, sentence_ends)
from arsearch.index import Index
from helpers import SEED_FACTIONS, SEED_RESISTANCE

ANALYZER = Analyzer()


def query_terms(query: str) -> set[str]:
    return {t.term for t in ANALYZER.tokens(query)}


def surfaces(snippet: Snippet) -> list[str]:
    return [snippet.text[s:e] for s, e in snippet.spans]


def assert_spans_are_query_terms(snippet: Snippet, terms: Collection[str]) -> None:
    """Every span is a run of whole tokens of the snippet, each of which analyzes to a query term."""
    text = snippet.text
    tokens = ANALYZER.tokens(text)
    starts = {t.start for t in tokens}
    ends = {t.end for t in tokens}
    previous_end = -1
    for start, end in snippet.spans:
        assert previous_end < start < end <= len(text), snippet
        assert start in starts and end in ends, (text[start:end], snippet)
        inside = ANALYZER.tokens(text[start:end])
        assert inside, (text[start:end], snippet)
        assert all(t.term in terms for t in inside), (text[start:end], terms)
        previous_end = end


def assert_every_match_is_highlighted(snippet: Snippet, terms: Collection[str]) -> None:
    for token in ANALYZER.tokens(snippet.text):
        if token.term in terms and not snippet.text.endswith(token.surface):  # the last word may be cut
            assert any(s <= token.start and token.end <= e for s, e in snippet.spans), (token, snippet)


@pytest.mark.parametrize("doc_id", [SEED_FACTIONS, SEED_RESISTANCE])
@pytest.mark.parametrize("query", ["كونيكو", "الصواريخ", "دير الزور", "الولايات المتحدة", "إيران", "الأميركية",
                                   "في", "العراق الحشد الشعبي", "قاعده كونيكو الأمريكيه"])
@pytest.mark.parametrize("width", [60, 220, 1000])
def test_seed_snippet_spans_are_query_terms(seed_index: Index, doc_id: str, query: str, width: int) -> None:
    content = seed_index.get(doc_id)["content"]  # type: ignore[index]
    terms = query_terms(query)
    snippet = make_snippet(ANALYZER, content, terms, width)
    assert_spans_are_query_terms(snippet, terms)
    assert_every_match_is_highlighted(snippet, terms)
    body = snippet.text.removeprefix(ELLIPSIS + " ").removesuffix(" " + ELLIPSIS)
    assert body in content.replace("\n", " ").replace("\r", " ").replace("\t", " ")
    assert len(body) <= width


WORDS = ["كونيكو", "كُونِيكُو", "الصواريخ", "بالصواريخ", "الصَّوَارِيخ", "الأمريكية", "الامريكيه", "الأمريـكية",
         "قاعدة", "القاعدة", "وقاعدة", "في", "من", "دير", "الزور", "سوريا", "إيران", "ايران", "مستشفى", "مستشفي",
         "2024", "٢٠٢٤", "news", "News", "ﷺ", "ـ", "؟", "…"]
SEPARATORS = [" ", " ", " ", "، ", ". ", "\n", " «", "» ", "\"", "-", "\t", "؛ "]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    words=st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), min_size=1, max_size=80),
    query=st.lists(st.sampled_from(WORDS), min_size=1, max_size=4),
    width=st.integers(min_value=10, max_value=300),
)
def test_generated_snippet_spans_are_query_terms(words: list[tuple[str, str]], query: list[str],
                                                 width: int) -> None:
    text = "".join(w + sep for w, sep in words)
    terms = query_terms(" ".join(query))
    snippet = make_snippet(ANALYZER, text, terms, width)
    assert_spans_are_query_terms(snippet, terms)
    title = highlight_whole(ANALYZER, text, terms)
    assert_spans_are_query_terms(title, terms)
    assert_every_match_is_highlighted(title, terms)
    assert "".join(p for p, _ in snippet.segments()) == snippet.text


def test_vocalized_text_is_highlighted_with_harakat_intact() -> None:
    text = "قَصَفَتْ فَصَائِلُ عِرَاقِيَّةٌ قَاعِدَةَ كُونِيكُو الأَمْرِيكِيَّةَ فِي سُورِيَا"
    snippet = make_snippet(ANALYZER, text, query_terms("الأمريكية قاعدة"))
    assert snippet.text == text
    assert surfaces(snippet) == ["قَاعِدَةَ", "الأَمْرِيكِيَّةَ"]
    assert snippet.to_html() == ("قَصَفَتْ فَصَائِلُ عِرَاقِيَّةٌ <mark>قَاعِدَةَ</mark> كُونِيكُو "
                                 "<mark>الأَمْرِيكِيَّةَ</mark> فِي سُورِيَا")


@pytest.mark.parametrize("query, text, expected", [
    ("الصواريخ", "قصفت الفصائل بالصواريخ القاعدة", ["بالصواريخ"]),
    ("كونيكو", "قاعدة «كونيكو» في دير الزور", ["كونيكو"]),
    ("كونيكو", "قاعدة كـــونيكو", ["كـــونيكو"]),
    ("الأمريكية", "القوات الامريكيه، والأمريكيّة", ["الامريكيه", "والأمريكيّة"]),
    ("الأمريكية", "القوات الامريكيه والأمريكيّة", ["الامريكيه والأمريكيّة"]),  # adjacent: one span
    ("دير الزور", "ريف دير الزور الشمالي", ["دير الزور"]),  # adjacent matches are one span
    ("دير الزور", "دير، الزور", ["دير", "الزور"]),        # not across punctuation
    ("مستشفى", "في مستشفي المدينة", ["مستشفي"]),
    ("2024", "في عام ٢٠٢٤ وعام 2024", ["٢٠٢٤", "2024"]),
    ("news", "NEWS and News", ["NEWS", "News"]),
])
def test_surface_forms_are_highlighted(query: str, text: str, expected: list[str]) -> None:
    snippet = make_snippet(ANALYZER, text, query_terms(query))
    assert surfaces(snippet) == expected


def test_fragment_with_most_distinct_terms_is_chosen() -> None:
    filler = " ".join(["كلمة"] * 80)
    first = "كونيكو كونيكو كونيكو في البداية."
    best = "سقطت الصواريخ على قاعدة كونيكو."
    text = f"{first} {filler}. {best} {filler}."
    snippet = make_snippet(ANALYZER, text, query_terms("كونيكو الصواريخ"), width=120)
    assert snippet.text.startswith(ELLIPSIS + " " + best)
    assert set(surfaces(snippet)) == {"الصواريخ", "كونيكو"}


def test_fragment_prefers_more_matches_on_a_tie() -> None:
    filler = " ".join(["كلمة"] * 80)
    text = f"كونيكو وحدها. {filler}. كونيكو ثم كونيكو مرة أخرى. {filler}."
    snippet = make_snippet(ANALYZER, text, query_terms("كونيكو"), width=100)
    assert surfaces(snippet) == ["كونيكو", "كونيكو"]


def test_chosen_fragment_really_shows_the_distinct_terms() -> None:
    filler = " ".join(["كلمة"] * 40)
    far_apart = "كونيكو " + " ".join(["نص"] * 62) + " صواريخ"  # the two terms 196 characters apart
    close = "كونيكو قصف صواريخ"
    text = f"{filler} {far_apart} {filler} {close} {filler}"
    terms = query_terms("كونيكو صواريخ")
    snippet = make_snippet(ANALYZER, text, terms, width=220)
    assert set(surfaces(snippet)) == {"كونيكو", "صواريخ"}


def test_window_is_scored_as_it_is_shown_after_a_sentence_start() -> None:
    # The snippet that starts at "كونيكو" (right after a sentence end) runs 100 characters from there and so
    # reaches "صواريخ" 85 characters on; scored from 25 characters before the anchor, it would not, and the
    # earlier passage with كونيكو twice would win with only one distinct term.
    filler = " ".join(["كلمة"] * 40)
    gap = " ".join(["نص"] * 26)  # 77 characters
    text = f"كونيكو كونيكو {filler} جملة. كونيكو {gap} صواريخ {filler}"
    terms = query_terms("كونيكو صواريخ")
    assert text.index("صواريخ") - text.index("جملة. كونيكو") - 6 == 85
    snippet = make_snippet(ANALYZER, text, terms, width=100)
    assert snippet.text.startswith(ELLIPSIS + " كونيكو " + gap)
    assert surfaces(snippet) == ["كونيكو", "صواريخ"]


@pytest.mark.parametrize("width", [40, 100, 220])
def test_no_snippet_laid_out_at_another_match_shows_more_distinct_terms(width: int) -> None:
    words = ["كونيكو", "صواريخ", "قاعدة", "سوريا"]
    rnd = random.Random(width)
    text = " ".join(rnd.choice(words + ["كلمة"] * 12) + ("." if rnd.random() < 0.1 else "") for _ in range(400))
    terms = query_terms(" ".join(words))

    def shown(piece: str) -> tuple[int, int]:
        found = [t.term for t in ANALYZER.tokens(piece) if t.term in terms]
        return len(set(found)), len(found)

    chosen = make_snippet(ANALYZER, text, terms, width)
    best = shown(chosen.text)
    assert best[0] >= 2
    for start, _, _ in match_spans(ANALYZER, text, terms):
        begin, end = _window_bounds(text, start, width)
        assert shown(text[begin:end]) <= best


def test_snippet_starts_after_a_sentence_end() -> None:
    text = "الجملة الأولى هنا. وفي الجملة الثانية ذكر كونيكو مرة واحدة وبعدها كلام كثير " + "كلام " * 60
    snippet = make_snippet(ANALYZER, text, query_terms("كونيكو"), width=100)
    assert snippet.text.startswith(ELLIPSIS + " وفي الجملة الثانية ذكر كونيكو")
    assert snippet.text.endswith(" " + ELLIPSIS)


@pytest.mark.parametrize("terms", [set(), {"غير_موجود"}, query_terms("طوكيو")])
def test_no_match_gives_the_beginning_of_the_text(terms: set[str]) -> None:
    text = "أعلنت وزارة الصحة اليوم عن حملة تطعيم جديدة. " * 20
    snippet = make_snippet(ANALYZER, text, terms, width=100)
    assert snippet.spans == ()
    assert snippet.text.startswith("أعلنت وزارة الصحة اليوم")
    assert not snippet.text.startswith(ELLIPSIS)
    assert snippet.text.endswith(" " + ELLIPSIS)
    assert len(snippet.text) <= 100 + 2


def test_short_text_is_whole_without_ellipses() -> None:
    snippet = make_snippet(ANALYZER, "خبر قصير عن كونيكو", query_terms("كونيكو"))
    assert snippet.text == "خبر قصير عن كونيكو"
    assert surfaces(snippet) == ["كونيكو"]


def test_whitespace_trimmed_whole_text_has_no_ellipses() -> None:
    snippet = make_snippet(ANALYZER, "\nخبر قصير عن كونيكو\n", query_terms("كونيكو"))
    assert snippet.text == "خبر قصير عن كونيكو"


def test_newlines_and_tabs_are_flattened() -> None:
    snippet = make_snippet(ANALYZER, "سطر أول عن كونيكو\tوسطر\r\nآخر", query_terms("كونيكو"))
    assert snippet.text == "سطر أول عن كونيكو وسطر  آخر"
    assert surfaces(snippet) == ["كونيكو"]


def test_match_spans_reports_terms() -> None:
    assert match_spans(ANALYZER, "قصف بالصواريخ على كونيكو", {"صواريخ", "كونيكو"}) == [
        (4, 13, "صواريخ"), (18, 24, "كونيكو")]
    assert match_spans(ANALYZER, "قصف بالصواريخ", set()) == []


def test_to_html_escapes_markup() -> None:
    text = 'قال: <كونيكو> & "البنتاغون" <b>'
    snippet = make_snippet(ANALYZER, text, query_terms("كونيكو البنتاغون"))
    assert surfaces(snippet) == ["كونيكو", "البنتاغون"]
    assert snippet.to_html() == "قال: &lt;<mark>كونيكو</mark>&gt; &amp; &quot;<mark>البنتاغون</mark>&quot; &lt;b&gt;"
    assert snippet.to_html("em").count("<em>") == 2


def test_to_html_escapes_inside_highlight() -> None:
    snippet = Snippet("a<b>&c", ((0, 6),))
    assert snippet.to_html() == "<mark>a&lt;b&gt;&amp;c</mark>"
    assert Snippet("x & y").to_html() == "x &amp; y"


def test_segments() -> None:
    snippet = Snippet("قصف قاعدة كونيكو اليوم", ((4, 9), (10, 16)))
    assert snippet.segments() == [("قصف ", False), ("قاعدة", True), (" ", False), ("كونيكو", True),
                                  (" اليوم", False)]
    assert Snippet("").segments() == []


def test_highlight_whole_title() -> None:
    title = highlight_whole(ANALYZER, "قصف بالصواريخ على\nقاعدة كونيكو", query_terms("الصواريخ قاعدة كونيكو"))
    assert title.text == "قصف بالصواريخ على قاعدة كونيكو"
    assert surfaces(title) == ["بالصواريخ", "قاعدة كونيكو"]



@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(["ك", "و", " ", "\n", ".", "؟", "!", "؛", "۔", "\t", "\u00a0"]),
                    max_size=120),
       width=st.integers(min_value=1, max_value=80))
def test_window_bounds_from_the_sentence_ends_of_the_whole_text(text: str, width: int) -> None:
    """The snippet laid out with the sentence ends found once per text is the one laid out by looking back from
    each match."""
    ends = sentence_ends(text)
    for anchor in range(len(text)):
        assert _window_bounds(text, anchor, width, ends) == _window_bounds(text, anchor, width)


def test_window_bounds_start_after_the_last_sentence_end() -> None:
    text = "أول. ثان! ثالث؟ رابع؛ خامس\nسادس۔ سابع كونيكو"
    anchor = text.index("كونيكو")
    for width in (8, 20, 40, 200):
        start = max(0, anchor - width // 4)
        ends = [i for i in range(start, anchor) if text[i] in SENTENCE_ENDS]
        begin, _ = _window_bounds(text, anchor, width)
        if ends:
            assert begin == ends[-1] + 1 + (text[ends[-1] + 1] == " ")
        else:
            assert begin >= start
