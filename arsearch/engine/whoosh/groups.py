"""Collapsing near-duplicates: one hit per group, and each hit's group's other live documents.

A document's group label is its ``group`` field (the label the index layer gave it; "" is a document of no group,
alone).  :func:`collapsed_page` asks the ranking for more documents than a page needs until the page's groups are
all known and keeps each group's first document; :meth:`Groups.members` lists a group's other live documents from
the ``group`` postings and the id, source and date columns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from arsearch.engine.api import NO_DATE, Member, date_of
from arsearch.engine.whoosh.commit import Commit
from arsearch.engine.whoosh.plan import Scored
GROUP_FIELD = "group"
#: ``ranked(n)`` -> (the first ``n`` (docnum, score) pairs in order; the number of matching documents).
Ranked = Callable[[int], tuple[Scored, int]]


class Groups:
    """The group labels of one commit, read from the ``group`` column of a segment when first asked."""

    def __init__(self, commit: Commit) -> None:
        self._commit = commit
        #: label -> the group's live documents (as members, with their numbers) in the order of ``members``
        self._groups: dict[str, list[tuple[Member, int]]] = {}
        self._labels = commit.column(GROUP_FIELD)
        self._ids = commit.column("id")
        self._sources = commit.column("source")
        self._dates = commit.column("date")

    def label(self, docnum: int) -> str:
        return str(self._labels[docnum] or "")

    def collapse(self, ranked: Scored, limit: int | None = None) -> Scored:
        """The first document of each group, in order; only the first ``limit`` groups when given (the labels of
        the documents after them are not read)."""
        seen: set[str] = set()
        kept = []
        for docnum, score in ranked:
            label = self.label(docnum)
            if label not in seen:
                if label:
                    seen.add(label)
                kept.append((docnum, score))
                if len(kept) == limit:
                    break
        return kept

    def count(self, docnums: Iterable[int]) -> int:
        """The groups of ``docnums``, a document of no group counted as a group of its own."""
        labels = self._labels
        alone = 0
        seen: set[object] = set()
        for docnum in docnums:
            label = labels[docnum]
            if label:
                seen.add(label)
            else:
                alone += 1
        return len(seen) + alone

    def members(self, docnum: int, label: str) -> tuple[Member, ...]:
        """The other live documents of ``docnum``'s group ``label``, oldest first, undated last, then by id."""
        commit = self._commit
        # most stories have one copy: a label in one document (deleted ones counted) is ``docnum``'s alone
        if not label or commit.doc_frequency(GROUP_FIELD, label) == 1:
            return ()
        group = self._groups.get(label)
        if group is None:  # read once for the copies of one story on the same page
            found = [(self._member(n), n) for n in commit.term_documents(GROUP_FIELD, label)]
            group = self._groups[label] = sorted(found, key=lambda item: _oldest_first(item[0]))
        return tuple(member for member, number in group if number != docnum)

    def _member(self, docnum: int) -> Member:
        raw_date = self._dates[docnum]
        return Member(str(self._ids[docnum]), str(self._sources[docnum] or ""),
                      None if raw_date == NO_DATE or not isinstance(raw_date, int) else date_of(raw_date))


def _oldest_first(member: Member) -> tuple[bool, datetime, str]:
    return member.date is None, member.date or datetime.min, member.id


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
