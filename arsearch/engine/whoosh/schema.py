"""The Whoosh schema of an arsearch index: the fields of :class:`~arsearch.engine.api.Layout`, the near-duplicate
group and sketch, and the exact-value :data:`~arsearch.engine.api.KEYWORD_FIELDS`."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence
from pickle import dumps
from typing import Any, NamedTuple

from whoosh.analysis import IDTokenizer
from whoosh.fields import COLUMN, DATETIME, ID, KEYWORD, TEXT, FieldType, Schema
from whoosh.formats import Existence, Positions
from whoosh.system import pack_uint

from arsearch.documents import writable
from arsearch.engine.api import KEYWORD_FIELDS, LEAD_WORDS, Layout
from arsearch.engine.whoosh.analyzer import ArabicWhooshAnalyzer


class ArabicText(TEXT):
    """A TEXT field that builds its postings from :meth:`ArabicWhooshAnalyzer.term_positions` instead of a stream
    of Whoosh Tokens: the same terms, weights and position bytes as ``Positions.word_values``, for less than
    half the cost of the hot path of indexing.

    With ``lead_weight``, a posting's weight (the frequency BM25 reads) is the term's count plus ``lead_weight``
    times its count among the first :data:`LEAD_WORDS` positions: BM25F with the lead as a second field of the
    same length norm, computed once when indexing instead of on every query.
    """

    lead_weight: float = 0.0

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        if kwargs or not self.can_index_text(value):
            yield from super().index(value, **kwargs)
            return
        for term, count, weight, value_bytes in self.index_text(value):
            yield term.encode("utf-8"), count, weight, value_bytes

    def can_index_text(self, value: Any) -> bool:
        return isinstance(value, str) and type(self.format) is Positions \
            and isinstance(self.analyzer, ArabicWhooshAnalyzer)

    def index_text(self, value: str) -> Iterator[tuple[str, int, float, bytes]]:
        """:meth:`index` with the terms as str (the writer encodes each distinct term once per segment)."""
        boost = self.format.field_boost
        lead_weight = self.lead_weight
        single = _SINGLE_POSITION
        for term, positions in self.analyzer.term_positions(value).items():
            count = len(positions)
            if count == 1:
                position = positions[0]
                value_bytes = single.get(position)
                if value_bytes is None:
                    value_bytes = single[position] = pack_uint(1) + dumps(positions, 2)
                weight = 1.0 + lead_weight if lead_weight and position < LEAD_WORDS else 1.0
                yield term, 1, weight * boost, value_bytes
                continue
            weight = float(count)
            if lead_weight and positions[0] < LEAD_WORDS:
                weight += lead_weight * bisect_left(positions, LEAD_WORDS)
            # Positions.encode: the count, then the pickled gaps between positions (the first from 0).
            gaps = [b - a for a, b in zip([0, *positions], positions)]
            yield term, count, weight * boost, pack_uint(count) + dumps(gaps, 2)


#: Encoded value of a term that occurs once, by its position (most terms of a document occur once).
_SINGLE_POSITION: dict[int, bytes] = {}


class JoinedValues(NamedTuple):
    """Values of an :class:`ExactValues` field joined by :data:`VALUE_SEPARATOR`, which none of them holds: a
    document goes to a worker process pickled, and one string pickles in a fraction of the time of hundreds."""

    text: str


VALUE_SEPARATOR = "\x00"


def joined_values(values: Sequence[str]) -> JoinedValues | Sequence[str]:
    """``values`` as one :class:`JoinedValues`, or as they are when one of them holds the separator."""
    text = VALUE_SEPARATOR.join(values)
    return JoinedValues(text) if text.count(VALUE_SEPARATOR) == len(values) - 1 else values


class ExactValues(FieldType):
    """Several exact values a document, each indexed as one term just as given (no analysis, so commas, spaces
    and case are kept): not stored, not scored.  A value is one text, a sequence of texts or
    :class:`JoinedValues`."""

    def __init__(self) -> None:
        super().__init__(Existence(), IDTokenizer())

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        for text in self.texts(value):
            yield term_bytes(text), 1, 1.0, b""

    @staticmethod
    def texts(value: str | Sequence[str] | JoinedValues) -> list[str]:
        """The distinct terms of ``value`` as text."""
        if isinstance(value, JoinedValues):
            values: Sequence[str] = value.text.split(VALUE_SEPARATOR)
        else:
            values = [value] if isinstance(value, str) else value
        distinct = dict.fromkeys(values)
        distinct.pop("", None)
        return list(distinct)


def term_bytes(text: str) -> bytes:
    """A term's text as the index stores it (a lone surrogate, which UTF-8 cannot hold, as U+FFFD)."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return writable(text).encode("utf-8")


def build_schema(layout: Layout) -> Schema:
    """The schema of an index; a lead weight > 0 weights the content's first words."""
    analyzer = ArabicWhooshAnalyzer(layout.settings.stemmer)
    content = ArabicText(analyzer=analyzer, stored=True, phrase=True)
    content.lead_weight = layout.lead_weight
    keywords = {name: ExactValues() for name in KEYWORD_FIELDS}
    return Schema(
        **keywords,
        id=ID(stored=True, unique=True, sortable=True),
        title=ArabicText(analyzer=analyzer, stored=True, phrase=True),
        content=content,
        author=ArabicText(analyzer=analyzer, stored=True, phrase=True),
        date=DATETIME(stored=True, sortable=True),
        source=KEYWORD(stored=True, lowercase=True, commas=True, sortable=True),
        url=ID(stored=True),
        path=ID(stored=True, sortable=True),
        fingerprint=ID(stored=True, sortable=True),
        group=ID(stored=True, sortable=True),
        sketch=COLUMN(),
    )
