"""One Whoosh commit by Whoosh's own document numbers: matching, the bag-of-terms scorer and Whoosh's matchers,
per-document columns, dates, sources and stored fields.  What :mod:`.requests` and :mod:`.groups` loop over, and
what :class:`~arsearch.engine.whoosh.snapshot.WhooshSnapshot` answers the contract with."""

from __future__ import annotations

import heapq
import time
from array import array
from bisect import bisect_right
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from whoosh.reading import EmptyReader, TermNotFound
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from arsearch.documents import writable
from arsearch.engine.api import STORED_FIELDS, Bm25, Query
from arsearch.engine.whoosh.columns import values_of
from arsearch.engine.whoosh.plan import BagOfTerms, Scored
from arsearch.engine.whoosh.queries import to_whoosh
from arsearch.engine.whoosh import term_tables
from arsearch.engine.whoosh.schema import term_bytes
from arsearch.engine.whoosh.scoring import all_documents, top_documents
from arsearch.engine.whoosh.term_tables import FieldTable, TermTables, has_table


class Commit:
    """One Whoosh searcher (one commit) by its global document numbers, which never leave the engine: matching,
    BM25F scoring, per-document values and stored fields.  Deleted documents keep their numbers: the
    per-document values (:meth:`column`, :meth:`dates`, :meth:`sources`) include them, matching and scoring leave
    them out.

    Term statistics come from Whoosh term by term until a field's look-ups have cost
    :data:`~.term_tables.TABLE_AFTER_SECONDS` and what reading the field's table would, then from the table
    (:mod:`.term_tables`)."""

    def __init__(self, searcher: Searcher, tables: TermTables | None = None) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        leaves = self.reader.leaf_readers()
        self.leaves = [leaf for leaf, _ in leaves]
        self.offsets = [offset for _, offset in leaves]
        self._weighted: dict[Bm25, Searcher] = {}
        self._dates: array[int] | None = None
        self._sources: list[tuple[str, ...]] | None = None
        self._term_tables = tables if tables is not None else TermTables()
        self._segment_ids = tuple(getattr(leaf.segment(), "segid", "") if hasattr(leaf, "segment") else ""
                                  for leaf in self.leaves)
        #: field -> its table, or the seconds its look-ups through Whoosh have cost so far
        self._tables: dict[str, FieldTable | float] = {}
        self._indexed: dict[str, bool] = {}
        #: field -> the seconds reading its table would cost (:meth:`TermTables.read_cost`)
        self._read_costs: dict[str, float] = {}

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

    # term statistics

    def indexed(self, field: str) -> bool:
        found = self._indexed.get(field)
        if found is None:
            schema = self.reader.schema
            found = self._indexed[field] = field in schema and schema[field].format is not None
        return found

    def table(self, field: str) -> FieldTable | None:
        """The table of ``field``, if this commit has one or its look-ups have paid for it."""
        found = self._tables.get(field, 0.0)
        if isinstance(found, FieldTable):
            return found
        table = self._term_tables.cached(self._segment_ids, field)
        if table is None and found >= term_tables.TABLE_AFTER_SECONDS and self.indexed(field) \
                and has_table(self.reader.schema[field]) and found >= self._read_cost(field):
            generation = self.reader.generation()
            table = self._term_tables.table(self.leaves, self._segment_ids, -1 if generation is None else generation,
                                            field)
        if table is not None:
            self._tables[field] = table
        return table

    def _read_cost(self, field: str) -> float:
        found = self._read_costs.get(field)
        if found is None:
            found = self._read_costs[field] = self._term_tables.read_cost(self.leaves, self._segment_ids, field)
        return found

    def _spent(self, field: str, started: float) -> None:
        """Counts a look-up of ``field`` through Whoosh that began at ``started``."""
        spent = self._tables.get(field, 0.0)
        if not isinstance(spent, FieldTable):
            self._tables[field] = spent + time.perf_counter() - started

    def has_term(self, field: str, text: str) -> bool:
        if not self.indexed(field):
            return False
        table = self.table(field)
        if table is not None:
            return term_bytes(text) in table
        started = time.perf_counter()
        found = (field, writable(text)) in self.reader
        self._spent(field, started)
        return bool(found)

    def doc_frequency(self, field: str, text: str) -> int:
        if not self.indexed(field):
            return 0
        table = self.table(field)
        if table is not None:
            return table.frequency(term_bytes(text))
        started = time.perf_counter()
        found = int(self.reader.doc_frequency(field, writable(text)))
        self._spent(field, started)
        return found

    def terms(self, field: str, prefix: str = "", limit: int | None = None) -> list[tuple[str, int]]:
        if not self.indexed(field) or limit == 0:
            return []
        table = self.table(field)
        if table is not None:
            return [(term.decode("utf-8"), frequency) for term, frequency in table.prefixed(term_bytes(prefix), limit)]
        started = time.perf_counter()
        per_segment = [((term, info.doc_frequency()) for term, info in leaf.iter_prefix(field, writable(prefix)))
                       for leaf in self.leaves if not isinstance(leaf, EmptyReader)]
        found: list[tuple[str, int]] = []
        last: bytes | None = None
        for term, frequency in heapq.merge(*per_segment):
            if term == last:
                found[-1] = (found[-1][0], found[-1][1] + frequency)
                continue
            if len(found) == limit:
                break
            found.append((term.decode("utf-8"), frequency))
            last = term
        if prefix:  # a pass over every term is no look-up
            self._spent(field, started)
        return found

    def term_documents(self, field: str, text: str) -> list[int]:
        """The live documents with the term, in document order."""
        found: list[int] = []
        if not self.indexed(field):
            return found
        key = term_bytes(text)
        table = self.table(field)
        started = time.perf_counter()
        for index in range(len(self.leaves)) if table is None else table.segments(key):
            leaf = self.leaves[index]
            if isinstance(leaf, EmptyReader):
                continue
            try:  # one look-up tells whether the segment has the term and where its postings are
                info = leaf._terms.term_info(field, key)
            except TermNotFound:
                continue
            ids = info.inlined_postings()[0] if info.is_inlined() else leaf.postings(field, key).all_ids()
            if leaf.has_deletions():
                deleted = leaf.deleted_docs_set
                ids = [docnum for docnum in ids if docnum not in deleted]
            offset = self.offsets[index]
            found.extend(docnum + offset for docnum in ids)
        if table is None:
            self._spent(field, started)
        return found

    # stored fields

    def document_number(self, doc_id: str) -> int | None:
        """The first live document with the id (as ``Searcher.document_number``), None if there is none."""
        found = self.term_documents("id", doc_id)
        return found[0] if found else None

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
