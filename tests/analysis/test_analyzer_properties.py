"""Properties of the analyzer over arbitrary Unicode text, Arabic-heavy text included (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from strategies import EXAMPLES, SETTINGS, TEXTS, with_examples

from arsearch.analysis import Analyzer, AnalyzerSettings, normalize
from arsearch.analysis.tokenize import TOKEN_RE

ANALYZERS = {name: Analyzer(AnalyzerSettings(stemmer=name)) for name in ("light", "none")}

@pytest.mark.parametrize("stemmer", sorted(ANALYZERS))
@SETTINGS
@with_examples
@given(text=TEXTS)
def test_analysis_never_raises_and_gives_nonempty_terms(stemmer: str, text: str) -> None:
    tokens = ANALYZERS[stemmer].tokens(text)
    assert all(t.term and not t.term.isspace() for t in tokens)
    assert [t.position for t in tokens] == list(range(len(tokens)))


@SETTINGS
@with_examples
@given(text=TEXTS)
def test_offsets_are_inside_the_text_and_point_at_the_surface_form(text: str) -> None:
    """Every token's [start, end) is a non-empty slice of the text, in order, that is one whole token of the
    tokenizer; its term comes from that surface alone (the surface analyzed by itself gives it) and is already
    normalized (stemmer "none").  So highlights mark exactly the word as written, diacritics included."""
    analyzer = ANALYZERS["none"]
    previous_start = previous_end = 0
    for token in analyzer.tokens(text):
        assert 0 <= token.start < token.end <= len(text)
        assert text[token.start:token.end] == token.surface
        assert TOKEN_RE.fullmatch(token.surface)
        # one surface may give several terms (ﷺ, ½): they share its span; spans never overlap otherwise
        assert token.start >= previous_end or (token.start, token.end) == (previous_start, previous_end)
        assert token.term in [t.term for t in analyzer.tokens(token.surface)]
        assert normalize(token.term) == token.term
        previous_start, previous_end = token.start, token.end


@pytest.mark.parametrize("stemmer", sorted(ANALYZERS))
@SETTINGS
@with_examples
@given(text=TEXTS)
def test_normalizing_then_analyzing_gives_the_same_terms(stemmer: str, text: str) -> None:
    """Let N be the text made of ``normalize(surface)`` for every token surface of ``text``, joined by single
    spaces.  Then ``analyze(N)`` gives the same terms, with the same stopword flags, in the same order, as
    ``analyze(text)``.  So normalized text (what people type when they drop diacritics, hamza and teh marbuta,
    or what another system stored) is searchable with the same terms as the original."""
    analyzer = ANALYZERS[stemmer]
    tokens = analyzer.tokens(text)
    surfaces = dict.fromkeys((t.start, t.surface) for t in tokens)  # a ligature's terms share one surface
    normalized = " ".join(normalize(surface) for _, surface in surfaces)
    assert [(t.term, t.stopword) for t in analyzer.tokens(normalized)] == [(t.term, t.stopword) for t in tokens]


@SETTINGS
@example(text=EXAMPLES[1], other=EXAMPLES)
@given(text=TEXTS, other=st.lists(TEXTS, max_size=5))
def test_same_input_same_output(text: str, other: list[str]) -> None:
    """A fresh analyzer and one whose per-surface cache was filled by other texts agree, call after call."""
    fresh = Analyzer().tokens(text)
    warmed = Analyzer()
    for t in other:
        warmed.tokens(t)
    assert warmed.tokens(text) == fresh
    assert warmed.tokens(text) == fresh
    assert Analyzer().tokens(text) == fresh


@SETTINGS
@with_examples
@given(text=TEXTS)
def test_a_term_analyzes_to_itself(text: str) -> None:
    """With stemmer "none", analyzing a term gives exactly that term: terms are fixed points of the analyzer,
    so a term shown by ``arsearch analyze`` can be searched for as it is."""
    analyzer = ANALYZERS["none"]
    for token in analyzer.tokens(text):
        assert [t.term for t in analyzer.tokens(token.term)] == [token.term]


@SETTINGS
@given(text=TEXTS)
def test_index_terms_are_the_terms_of_iter_terms_in_position_order(text: str) -> None:
    """What the tantivy engine indexes (a term per position) is what the Whoosh engine indexes."""
    analyzer = Analyzer(AnalyzerSettings())
    by_position = [term for term, _stop, _start, _end, _pos in analyzer.iter_terms(text)]
    assert analyzer.index_terms(text) == by_position
    assert not any(len(term.split()) != 1 for term in by_position)  # tantivy's whitespace tokenizer splits them
    positions = analyzer.term_positions(text)
    assert sorted((p, t) for t, ps in positions.items() for p in ps) == list(enumerate(by_position))
