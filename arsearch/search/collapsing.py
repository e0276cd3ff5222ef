"""Collapsing near-duplicates at query time: one hit per group, with the group's other members.

The ``group`` column (see :mod:`arsearch.index.grouping`) gives each document's group label.  :func:`collapsed_page`
asks the ranking for more documents than a page needs until the page's groups are all known, keeps each group's
best-scoring document, and :meth:`Groups.duplicates_of` lists the group's other live documents from the ``group``
postings and the id, source and date columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from arsearch.engine.api import NO_DATE, Scored, Snapshot, date_of
from arsearch.index.grouping import GROUP_FIELD

#: ``ranked(n)`` -> (the best ``n`` (docnum, score) pairs, best first; the number of matching documents).
Ranked = Callable[[int], tuple[Scored, int]]


@dataclass(frozen=True)
class Duplicate:
    """Another document of a hit's near-duplicate group."""

    id: str
    source: str
    date: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "source": self.source, "date": self.date.isoformat() if self.date else None}


class Groups:
    """The group labels of one snapshot; None from :meth:`of` for an index without groups."""

    def __init__(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self._labels = snapshot.column(GROUP_FIELD)
        self._ids = snapshot.column("id")
        self._sources = snapshot.column("source")
        self._dates = snapshot.column("date")

    @classmethod
    def of(cls, snapshot: Snapshot, has_groups: bool) -> Groups | None:
        if not has_groups or not snapshot.doc_count_all():
            return None  # an index of format 2 or older, or an empty one
        return cls(snapshot)

    def label(self, docnum: int) -> str:
        return str(self._labels[docnum] or "")

    def collapse(self, ranked: Scored, limit: int | None = None) -> Scored:
        """The first (best) document of each group, in order; only the first ``limit`` groups when given (the
        labels of the documents after them are not read)."""
        seen: set[str] = set()
        kept = []
        for docnum, score in ranked:
            label = self.label(docnum)
            if label not in seen:
                seen.add(label)
                kept.append((docnum, score))
                if len(kept) == limit:
                    break
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
        label = self.label(docnum)
        # most stories have one copy: a label in one document (deleted ones counted) is ``docnum``'s alone
        if self._snapshot.doc_frequency(GROUP_FIELD, label) == 1:
            return [docnum]
        return self._snapshot.term_documents(GROUP_FIELD, label)

    def _duplicate(self, docnum: int) -> Duplicate:
        raw_date = self._dates[docnum]
        return Duplicate(str(self._ids[docnum]), str(self._sources[docnum] or ""),
                         None if raw_date == NO_DATE or not isinstance(raw_date, int) else date_of(raw_date))


def collapsed_page(ranked: Ranked, groups: Groups, offset: int, limit: int) -> tuple[Scored, int]:
    """The page ``[offset, offset + limit)`` of the collapsed ranking, and the number of matching documents.

    Asks ``ranked`` for four times what the page needs, then more, until the page is full or the ranking is
    exhausted: one group's copies rarely fill more than a few places.
    """
    want = offset + limit
    n = want * 4 + 10
    while True:
        top, total = ranked(n)
        kept = groups.collapse(top, want)
        if len(kept) >= want or len(top) >= total or len(top) < n:
            return kept[offset:want], total
        n *= 4
