"""One Whoosh commit by Whoosh's own document numbers: matching, the bag-of-terms scorer and Whoosh's matchers,
per-document columns, dates, sources and stored fields.  What :mod:`.requests` and :mod:`.groups` loop over, and
what :class:`~arsearch.engine.whoosh.snapshot.WhooshSnapshot` answers the contract with."""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from arsearch.documents import writable
from arsearch.engine.api import STORED_FIELDS, Bm25, Query
from arsearch.engine.whoosh.columns import values_of
from arsearch.engine.whoosh.plan import BagOfTerms, Scored
from arsearch.engine.whoosh.queries import to_whoosh
from arsearch.engine.whoosh.scoring import all_documents, top_documents


class Commit:
    """One Whoosh searcher (one commit) by its global document numbers, which never leave the engine: matching,
    BM25F scoring, per-document values and stored fields.  Deleted documents keep their numbers: the
    per-document values (:meth:`column`, :meth:`dates`, :meth:`sources`) include them, matching and scoring leave
    them out."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        leaves = self.reader.leaf_readers()
        self.leaves = [leaf for leaf, _ in leaves]
        self.offsets = [offset for _, offset in leaves]
        self._weighted: dict[Bm25, Searcher] = {}
        self._dates: array[int] | None = None
        self._sources: list[tuple[str, ...]] | None = None

    def doc_count_all(self) -> int:
        """Document numbers in use, deleted documents included."""
        return int(self.searcher.doc_count_all())

    def _scoring(self, bm25: Bm25) -> Searcher:
        """A searcher on the same reader that scores by ``bm25`` (phrase matchers read it from the context)."""
        found = self._weighted.get(bm25)
        if found is None:
            weighting = BM25F(B=bm25.b, K1=bm25.k1)
            found = self._weighted[bm25] = Searcher(self.reader, weighting=weighting, closereader=False)
        return found

    # matching and scoring

    def matching(self, query: Query) -> set[int]:
        """Every live document that matches ``query``."""
        return set(self.searcher.docs_for_query(to_whoosh(query)))

    def top(self, bag: BagOfTerms, limit: int, bm25: Bm25, allowed: Collection[int] | None = None, *,
            selected: bool = False) -> tuple[Scored, int]:
        """The best ``limit`` documents with a term or phrase of ``bag`` (among ``allowed``, if given; with
        ``selected``, every one of ``allowed``) by BM25F, best first and ties by document number, and how many
        match."""
        return top_documents(self._scoring(bm25), bag, limit, k1=bm25.k1, b=bm25.b, allowed=allowed,
                             selected=selected)

    def all(self, bag: BagOfTerms, bm25: Bm25, allowed: Collection[int] | None = None, *,
            selected: bool = False) -> Scored:
        """Every document :meth:`top` would rank, in no order."""
        return all_documents(self._scoring(bm25), bag, k1=bm25.k1, b=bm25.b, allowed=allowed, selected=selected)

    def run(self, query: Query, limit: int | None, bm25: Bm25, allowed: set[int] | None = None
            ) -> tuple[Scored, int]:
        """``query`` matched and scored by Whoosh's matchers (among ``allowed``, if given), best first (``limit``
        None: every match, in no order), and how many match."""
        if allowed is not None and not allowed:
            return [], 0  # Whoosh reads an empty filter as none
        results = self._scoring(bm25).search(to_whoosh(query), limit=None if limit is None else max(limit, 1),
                                             filter=allowed, terms=False)
        if limit is None:
            found = list(results.items())
            return found, len(found)
        return [(hit.docnum, hit.score) for hit in results][:limit], len(results)

    # per-document values

    def column(self, name: str) -> ColumnView:
        return ColumnView(name, self.leaves, self.offsets, self.doc_count_all())

    def value(self, name: str, docnum: int) -> bytes:
        """One raw value of a column, read alone (b"": none)."""
        index = bisect_right(self.offsets, docnum) - 1
        return values_of(self.leaves[index]).value(name, docnum - self.offsets[index])

    def dates(self) -> array[int]:
        """The date of every document number as :func:`~arsearch.engine.api.date_value` (``NO_DATE``: undated)."""
        if self._dates is None:
            found: array[int] = array("Q")
            for leaf in self.leaves:
                found.extend(values_of(leaf).dates())
            self._dates = found
        return self._dates

    def date_range(self) -> tuple[int, int] | None:
        """The oldest and newest date (deleted documents included), None when no document is dated."""
        found = [r for r in (values_of(leaf).date_range() for leaf in self.leaves) if r is not None]
        return (min(r[0] for r in found), max(r[1] for r in found)) if found else None

    def sources(self) -> list[tuple[str, ...]]:
        """The source names of every document number, as the ``source`` field indexes them."""
        if self._sources is None:
            analyzer = self.reader.schema["source"].analyzer

            def split(text: str) -> tuple[str, ...]:
                return tuple(dict.fromkeys(t.text for t in analyzer(text)))

            found: list[tuple[str, ...]] = []
            for leaf in self.leaves:
                found.extend(values_of(leaf).sources(split))
            self._sources = found
        return self._sources

    # terms and stored fields

    def term_documents(self, field: str, text: str) -> list[int]:
        """The live documents with the term, in document order."""
        found: list[int] = []
        term = (field, text)
        for leaf, offset in zip(self.leaves, self.offsets):
            if term in leaf:
                found.extend(docnum + offset for docnum in leaf.postings(field, text).all_ids())
        return found

    def document_number(self, doc_id: str) -> int | None:
        found = self.searcher.document_number(id=writable(doc_id))
        return None if found is None else int(found)

    def stored(self, docnum: int, *, content: bool = True) -> dict[str, Any]:
        """The :data:`~arsearch.engine.api.STORED_FIELDS` of a document, every one present: text "" when empty
        (``content`` too when not asked for), ``date`` a datetime or None."""
        found = self.searcher.stored_fields(docnum)
        fields: dict[str, Any] = {}
        for name in STORED_FIELDS:
            value = found.get(name)
            fields[name] = value if isinstance(value, str) else ""
        date = found.get("date")
        fields["date"] = date if isinstance(date, datetime) else None
        if not content:
            fields["content"] = ""
        return fields


class ColumnView(Sequence[Any]):
    """One column of every segment, by global document number: a segment's values are read on the first look-up
    in it (a search looks at the few segments its hits are in), text decoded per look-up.  None where a segment
    lacks the column (Whoosh's multi-segment column reader fails then, as for the dates of a segment without)."""

    def __init__(self, name: str, leaves: list[Any], offsets: list[int], length: int) -> None:
        self._name = name
        self._leaves = leaves
        self._segments: list[Sequence[Any] | bool | None] = [False] * len(leaves)  # False: not read yet
        self._offsets = offsets
        self._length = length

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, docnum: int) -> Any:  # type: ignore[override]
        index = bisect_right(self._offsets, docnum) - 1
        values = self._segments[index]
        if values is False:
            cache = values_of(self._leaves[index])
            values = self._segments[index] = cache.dates() if self._name == "date" else cache.column(self._name)
        if values is None:
            return None
        value = values[docnum - self._offsets[index]]  # type: ignore[index]
        return value.decode("utf-8") if isinstance(value, bytes) else value
