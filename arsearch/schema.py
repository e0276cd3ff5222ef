"""The Whoosh schema of an arsearch index."""

from __future__ import annotations

from collections.abc import Iterator
from pickle import dumps
from typing import Any

from whoosh.fields import DATETIME, ID, KEYWORD, TEXT, Schema
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint

from arsearch.analysis import AnalyzerSettings
from arsearch.analysis.tokenize import TOKEN_RE
from arsearch.analysis.whoosh_adapter import ArabicWhooshAnalyzer

#: Fields searched when a query word names no field.
TEXT_FIELDS = ("title", "content")
#: Fields a query may name with ``field:``.
QUERY_FIELDS = ("title", "content", "author", "source", "id", "url")
#: The ``lead`` field holds the first words of the content: news states its subject there.
LEAD_FIELD = "lead"
LEAD_WORDS = 30


def lead_of(content: str, words: int = LEAD_WORDS) -> str:
    """The beginning of ``content`` up to the end of its ``words``-th token."""
    end = 0
    for n, match in enumerate(TOKEN_RE.finditer(content), start=1):
        end = match.end()
        if n == words:
            break
    return content[:end]


class ArabicText(TEXT):
    """A TEXT field that builds its postings from :meth:`ArabicWhooshAnalyzer.term_positions` instead of a stream
    of Whoosh Tokens: the same terms, weights and position bytes as ``Positions.word_values``, for less than
    half the cost of the hot path of indexing."""

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        if kwargs or not self.can_index_text(value):
            yield from super().index(value, **kwargs)
            return
        for term, count, weight, value_bytes in self.index_text(value):
            yield term.encode("utf-8"), count, weight, value_bytes

    def can_index_text(self, value: Any) -> bool:
        return isinstance(value, str) and type(self.format) in (Positions, Frequency) \
            and isinstance(self.analyzer, ArabicWhooshAnalyzer)

    def index_text(self, value: str) -> Iterator[tuple[str, int, float, bytes]]:
        """:meth:`index` with the terms as str (the writer encodes each distinct term once per segment)."""
        boost = self.format.field_boost
        if type(self.format) is Frequency:
            for term, positions in self.analyzer.term_positions(value).items():
                count = len(positions)
                yield term, count, float(count) * boost, pack_uint(count)
            return
        single = _SINGLE_POSITION
        for term, positions in self.analyzer.term_positions(value).items():
            count = len(positions)
            if count == 1:
                position = positions[0]
                value_bytes = single.get(position)
                if value_bytes is None:
                    value_bytes = single[position] = pack_uint(1) + dumps(positions, 2)
                yield term, 1, boost, value_bytes
                continue
            # Positions.encode: the count, then the pickled gaps between positions (the first from 0).
            gaps = [b - a for a, b in zip([0, *positions], positions)]
            yield term, count, float(count) * boost, pack_uint(count) + dumps(gaps, 2)


#: Encoded value of a term that occurs once, by its position (most terms of a document occur once).
_SINGLE_POSITION: dict[int, bytes] = {}


def build_schema(settings: AnalyzerSettings) -> Schema:
    analyzer = ArabicWhooshAnalyzer(settings.stemmer)
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        title=ArabicText(analyzer=analyzer, stored=True, phrase=True),
        content=ArabicText(analyzer=analyzer, stored=True, phrase=True),
        author=ArabicText(analyzer=analyzer, stored=True, phrase=True),
        lead=ArabicText(analyzer=analyzer, stored=False, phrase=False),
        date=DATETIME(stored=True, sortable=True),
        source=KEYWORD(stored=True, lowercase=True, commas=True, sortable=True),
        url=ID(stored=True),
        path=ID(stored=True, sortable=True),
        fingerprint=ID(stored=True, sortable=True),
    )
