"""Index-time analysis at C speed: a text's terms in position order, without offsets, joined by spaces.

Indexing needs each text's terms in position order and nothing else (no offsets, no stopword flags).  One
``findall`` of the tokenizer's compiled pattern gives the text's words; each word's terms come from a table
(word → its terms joined by spaces), filled from the analyzer's own per-word function
(:meth:`Analyzer.terms_of <arsearch.analysis.analyzer.Analyzer.terms_of>`) when a word is missing; the terms
are joined once, by ``str.join`` over ``map``: no Python code runs per word once the table knows it.  A word
with several terms (a word ligature such as ﷺ) is looked up as its terms joined by spaces, one with none as an
empty string, so the joined text split on whitespace is exactly the analyzer's terms, whatever its rules are
(a test checks it on the corpus's words and on generated texts).
"""

from __future__ import annotations

from arsearch.analysis.analyzer import Analyzer
from arsearch.analysis.tokenize import TOKEN_RE

#: Words a table holds before it starts again empty (about 150 bytes each): bounded whatever the archive.
TABLE_LIMIT = 400_000


class _Table(dict):  # type: ignore[type-arg]
    """word → its terms joined by spaces, filled on a miss (``dict.__getitem__`` calls ``__missing__``, so a
    ``map`` over the words fills the table in the same pass)."""

    def __init__(self, analyzer: Analyzer, limit: int) -> None:
        super().__init__()
        self._terms_of = analyzer.terms_of
        self._limit = limit

    def __missing__(self, word: str) -> str:
        if len(self) >= self._limit:
            self.clear()
        found = self[word] = " ".join([term for term, _ in self._terms_of(word)])
        return found


class IndexTerms:
    """The terms of texts as indexing needs them, by ``analyzer``'s rules."""

    def __init__(self, analyzer: Analyzer, limit: int = TABLE_LIMIT) -> None:
        self._table = _Table(analyzer, limit)

    def joined(self, text: str) -> str:
        """The terms of ``text`` in position order, separated by whitespace (a run of several spaces where a
        word has no term): ``joined(text).split()`` is every term, stopwords included."""
        return " ".join(map(self._table.__getitem__, TOKEN_RE.findall(text)))

    def terms(self, text: str) -> list[str]:
        """The terms of ``text`` in position order."""
        return self.joined(text).split()
