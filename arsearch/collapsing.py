"""Collapsing near-duplicates at query time: one hit per group, with the group's other members.

The ``group`` column (see :mod:`arsearch.grouping`) gives each document's group label.  :func:`collapsed_page`
asks the ranking for more documents than a page needs until the page's groups are all known, keeps each group's
best-scoring document, and :func:`duplicates_of` lists the group's other live documents from the ``group``
postings and the id, source and date columns.
"""

from __future__ import annotations

import weakref
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from arsearch.facets import NO_DATE, segment_dates
from arsearch.grouping import GROUP_FIELD

#: ``ranked(n)`` -> (the best ``n`` (docnum, score) pairs, best first; the number of matching documents).
Ranked = Callable[[int], tuple[list[tuple[int, float]], int]]


@dataclass(frozen=True)
class Duplicate:
    """Another document of a hit's near-duplicate group."""

    id: str
    source: str
    date: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "source": self.source, "date": self.date.isoformat() if self.date else None}


class Groups:
    """The group columns of one searcher's reader; None from :meth:`of` for an index without groups.

    A segment's ``group``, ``id`` and ``source`` columns are read whole the first time a search needs them and
    kept while the segment reader lives (:data:`_COLUMNS`): building a Whoosh column reader reads the column's
    table of offsets, which per search and per hit cost more than the collapsing itself.
    """

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        leaves = reader.leaf_readers()
        self._leaves = [leaf for leaf, _ in leaves]
        self._offsets = [offset for _, offset in leaves]
        self._date_field = reader.schema["date"]

    @classmethod
    def of(cls, searcher: Any) -> Groups | None:
        reader = searcher.reader()
        if GROUP_FIELD not in searcher.schema or not reader.has_column(GROUP_FIELD):
            return None  # an index of format 2 or older, or an empty one
        return cls(reader)

    def label(self, docnum: int) -> str:
        return _text(self._value(GROUP_FIELD, docnum))

    def collapse(self, ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """The first (best) document of each group, in order."""
        seen: set[str] = set()
        kept = []
        for docnum, score in ranked:
            label = self.label(docnum)
            if label not in seen:
                seen.add(label)
                kept.append((docnum, score))
        return kept

    def duplicates_of(self, docnum: int, exclude: frozenset[int] = frozenset()) -> tuple[Duplicate, ...]:
        """The other live documents of ``docnum``'s group (and not in ``exclude``), oldest first."""
        others = [n for n in self._live_members(docnum) if n != docnum and n not in exclude]
        found = [self._duplicate(n) for n in others]
        return tuple(sorted(found, key=lambda d: (d.date or datetime.max, d.id)))

    def members(self, docnum: int) -> frozenset[int]:
        """Document numbers of ``docnum``'s group, itself included."""
        return frozenset(self._live_members(docnum)) | {docnum}

    def _live_members(self, docnum: int) -> list[int]:
        """The live documents whose group is ``docnum``'s, from the ``group`` postings."""
        label = self.label(docnum).encode("utf-8")
        reader = self._reader
        if (GROUP_FIELD, label) not in reader:
            return []
        return [n for n in reader.postings(GROUP_FIELD, label).all_ids() if not reader.is_deleted(n)]

    def _value(self, name: str, docnum: int) -> Any:
        """The raw column value of one document, from its segment's column (None if the segment has none:
        Whoosh's multi-segment column reader fails when a segment lacks the column, as the date column of a
        segment without dates)."""
        index = bisect_right(self._offsets, docnum) - 1
        column = _segment_column(self._leaves[index], name)
        return None if column is None else column[docnum - self._offsets[index]]

    def _duplicate(self, docnum: int) -> Duplicate:
        index = bisect_right(self._offsets, docnum) - 1
        raw_date = segment_dates(self._leaves[index])[docnum - self._offsets[index]]
        date = None if raw_date == NO_DATE else self._date_field.from_column_value(raw_date)
        source = self._value("source", docnum)
        return Duplicate(_text(self._value("id", docnum)), _text(source) if source else "", date)


#: Per segment reader: the raw values of the columns read so far, by name (None: the segment has no such column).
_COLUMNS: weakref.WeakKeyDictionary[Any, dict[str, list[Any] | None]] = weakref.WeakKeyDictionary()


def _segment_column(leaf: Any, name: str) -> list[Any] | None:
    """Every raw value of a segment's column ``name``, read once per segment reader (segments never change)."""
    columns = _COLUMNS.get(leaf)
    if columns is None:
        columns = _COLUMNS[leaf] = {}
    if name not in columns:
        columns[name] = list(leaf.column_reader(name, translate=False)) if leaf.has_column(name) else None
    return columns[name]


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def collapsed_page(ranked: Ranked, groups: Groups, offset: int, limit: int) -> tuple[list[tuple[int, float]], int]:
    """The page ``[offset, offset + limit)`` of the collapsed ranking, and the number of matching documents.

    Asks ``ranked`` for four times what the page needs, then more, until the page is full or the ranking is
    exhausted: one group's copies rarely fill more than a few places.
    """
    want = offset + limit
    n = want * 4 + 10
    while True:
        top, total = ranked(n)
        kept = groups.collapse(top)
        if len(kept) >= want or len(top) >= total or len(top) < n:
            return kept[offset:want], total
        n *= 4
