"""Index-time analysis at C speed: a text's terms in position order, without offsets, joined by spaces.

Indexing needs each text's terms in position order and nothing else (no offsets, no stopword flags).  One
``findall`` of the tokenizer's compiled pattern gives the text's words; each word's terms come from a table
(word → its terms joined by spaces), filled from the analyzer's own per-word function
(:meth:`Analyzer.terms_of <arsearch.analysis.analyzer.Analyzer.terms_of>`) on a miss; the terms are joined
once, by ``str.join`` over ``map``: no Python code runs per word once the table knows it.  A word with several
terms (a word ligature such as ﷺ) is looked up as its terms joined by spaces, one with none as an empty string,
so the joined text split on whitespace is exactly the analyzer's terms, whatever its rules are (a test checks
it on the corpus's words and on generated texts).
"""

from __future__ import annotations

from arsearch.analysis.analyzer import Analyzer
from arsearch.analysis.tokenize import TOKEN_RE

#: Words a table holds before it starts again empty (about 150 bytes each): bounded whatever the archive.
TABLE_LIMIT = 300_000


class IndexTerms:
    """The terms of texts as indexing needs them, by ``analyzer``'s rules."""

    def __init__(self, analyzer: Analyzer, limit: int = TABLE_LIMIT) -> None:
        self._terms_of = analyzer.terms_of
        self._limit = limit
        self._table: dict[str, str] = {}

    def joined(self, text: str) -> str:
        """The terms of ``text`` in position order, separated by whitespace (a run of several spaces where a
        word has no term): ``joined(text).split()`` is every term, stopwords included."""
        words = TOKEN_RE.findall(text)
        table = self._table
        try:
            return " ".join(map(table.__getitem__, words))
        except KeyError:
            self._learn(words)
            return " ".join(map(self._table.__getitem__, words))

    def terms(self, text: str) -> list[str]:
        """The terms of ``text`` in position order."""
        return self.joined(text).split()

    def _learn(self, words: list[str]) -> None:
        table = self._table
        new = set(words).difference(table)
        if len(table) + len(new) > self._limit:
            table = self._table = {}
            new = set(words)
        terms_of = self._terms_of
        for word in new:
            table[word] = " ".join(term for term, _ in terms_of(word))
