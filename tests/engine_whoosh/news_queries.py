"""Query trees as the search layer compiles plain words and quoted phrases: each in the title (weight 2) or the
content; for engine tests that do not go through the search layer."""

from __future__ import annotations

from arsearch.analysis import Analyzer
from arsearch.engine.api import AnyOf, Phrase, Query, Term

ANALYZER = Analyzer()
TITLE_WEIGHT = 2.0
#: A sentence of news filler without the words the tests search for.
FILLER = "وقال المتحدث إن العمل مستمر في جميع المراحل حسب الخطة الموضوعة سابقا. "


def term(word: str) -> str:
    (found,) = ANALYZER.query_terms(word)
    return found


def words(*texts: str, coord: float | None = None) -> Query:
    """``texts`` as separate words (OR), with the coordination bonus ``coord``; a word of several terms (a word
    with digits) as their phrase."""
    parts = tuple(_word(text) for text in texts)
    return parts[0] if len(parts) == 1 else AnyOf(parts, scale=coord)


def phrase(text: str) -> Query:
    return _phrase(tuple(term(word) for word in text.split()))


def _word(text: str) -> Query:
    terms = ANALYZER.query_terms(text)
    if len(terms) > 1:
        return _phrase(tuple(terms))
    return AnyOf((Term("title", terms[0], TITLE_WEIGHT), Term("content", terms[0])))


def _phrase(terms: tuple[str, ...]) -> Query:
    return AnyOf((Phrase("title", terms, TITLE_WEIGHT), Phrase("content", terms)))
