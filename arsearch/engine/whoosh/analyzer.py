"""A thin Whoosh analyzer around :class:`arsearch.analysis.Analyzer`; Whoosh pickles it into the index's TOC by
this module's name, which Whoosh's worker processes unpickle."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Analyzer as WhooshAnalyzer
from whoosh.analysis import Token as WhooshToken

from arsearch.analysis.analyzer import Analyzer, AnalyzerSettings


class ArabicWhooshAnalyzer(WhooshAnalyzer):
    """Yields every token, stopwords included: stopwords are indexed so phrases and stopword-only queries work;
    the query layer decides which terms to search for."""

    def __init__(self, stemmer: str = "light") -> None:
        self.stemmer = stemmer
        self._analyzer = Analyzer(AnalyzerSettings(stemmer=stemmer))  # type: ignore[arg-type]

    def __reduce__(self) -> tuple[type, tuple[str]]:
        return (type(self), (self.stemmer,))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ArabicWhooshAnalyzer) and other.stemmer == self.stemmer

    def __hash__(self) -> int:
        return hash(("ArabicWhooshAnalyzer", self.stemmer))

    def term_positions(self, value: str) -> dict[str, list[int]]:
        """``{term: [position, ...]}``, what indexing needs, without Token objects (see ``schema.ArabicText``)."""
        return self._analyzer.term_positions(value)

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, mode: str = "",
                 **kwargs: Any) -> Iterator[WhooshToken]:
        token = WhooshToken(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for term, _stop, start, end, pos in self._analyzer.iter_terms(value):
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token
