"""A :class:`~arsearch.engine.api.Snapshot` on one tantivy searcher.

Tantivy addresses a document by segment and number within it; arsearch's document numbers count across the
segments in the order of tantivy's ``meta.json`` (the order of the searcher's segments), deleted documents
included, as the contract asks.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Collection, Iterator, Sequence
from itertools import accumulate
from math import log
from typing import Any

import tantivy

from arsearch.documents import writable
from arsearch.engine.api import NO_DATE, BagOfTerms, Bm25, EngineStats, Query, Scored, date_of
from arsearch.engine.tantivy.queries import QueryBuilder
from arsearch.engine.tantivy.schema import (ANALYZED, EXACT, ORIGINAL, SOURCE_KEY, SOURCE_NAMES, SOURCE_SET, STORED,
                                            source_key)

#: Stored documents a snapshot keeps decoded (a page of hits, its groups and snippets read the same few).
_STORED_CACHE = 256
#: Document frequencies a snapshot remembers (the budget, the idf weights and did-you-mean ask for the same).
_FREQUENCY_CACHE = 100_000


class TantivySnapshot:
    """One commit: a tantivy searcher and the sizes of its segments."""

    def __init__(self, searcher: tantivy.Searcher, schema: tantivy.Schema, fields: frozenset[str],
                 segment_sizes: Sequence[int], is_current: Callable[[], bool]) -> None:
        self.searcher = searcher
        self._schema = schema
        self._fields = fields
        self._starts = [0, *accumulate(segment_sizes)]
        self._is_current = is_current
        self._documents: dict[int, tantivy.Document] = {}
        self._frequencies: dict[tuple[str, str], int] = {}
        self._stored_names = [name for name in STORED if name in fields]
        self._stored_names_but_content = [name for name in self._stored_names if name != "content"]
        self._build = QueryBuilder(schema, fields, self._whoosh_idf)
        self._dates: list[int] | None = None
        self._sources: list[tuple[str, ...]] | None = None

    # numbering
    def _address(self, docnum: int) -> tantivy.DocAddress:
        if not 0 <= docnum < self._starts[-1]:
            raise IndexError(f"document number {docnum} out of range")
        segment = bisect_right(self._starts, docnum) - 1
        return tantivy.DocAddress(segment, docnum - self._starts[segment])

    def _number(self, address: tantivy.DocAddress) -> int:
        return self._starts[address.segment_ord] + address.doc

    def _hits(self, query: tantivy.Query, limit: int) -> tuple[Scored, int]:
        """The best ``limit`` hits (best first, ties by document number) and the number of matches."""
        if limit <= 0 or not self.searcher.num_docs:
            result = self.searcher.search(query, 1, count=True)
            return [], _count(result)
        result = self.searcher.search(query, min(limit, self.searcher.num_docs), count=True)
        number = self._number
        found = [(number(address), float(score)) for score, address in result.hits]
        found.sort(key=lambda hit: (-hit[1], hit[0]))
        return found, _count(result)

    def _every(self, query: tantivy.Query) -> Scored:
        found, _ = self._hits(query, self.searcher.num_docs)
        return found

    def _whoosh_idf(self, field: str, text: str) -> float:
        """How much more the Whoosh engine's idf of a term is than tantivy's: Whoosh's ``log(N / (df + 1)) + 1``
        weighs rare and common terms less apart than BM25's ``log(1 + (N - df + 0.5) / (df + 0.5))``; with it the
        known-item benchmark (benchmarks/relevance.py) gave MRR@10 0.657, without it 0.651, the Whoosh engine
        0.662."""
        frequency = self._doc_freq(field, text)
        documents = self._starts[-1]
        if not frequency or not documents:
            return 1.0
        tantivy_idf = log(1 + (self.searcher.num_docs - frequency + 0.5) / (frequency + 0.5))
        return (log(documents / (frequency + 1)) + 1) / tantivy_idf if tantivy_idf > 0 else 1.0

    # status
    def is_current(self) -> bool:
        return self._is_current()

    def doc_count(self) -> int:
        return int(self.searcher.num_docs)

    def doc_count_all(self) -> int:
        return self._starts[-1]

    def stats(self) -> EngineStats:
        documents = self.doc_count()
        terms = sum(len(self.searcher.terms_with_prefix(name, "")) for name in (*ANALYZED, *EXACT, SOURCE_NAMES)
                    if name in self._fields)
        return EngineStats(documents=documents, deleted=self.doc_count_all() - documents, terms=terms,
                           segments=len(self._starts) - 1)

    # terms
    def has_term(self, field: str, text: str) -> bool:
        return self.doc_frequency(field, text) > 0

    def doc_frequency(self, field: str, text: str) -> int:
        name = SOURCE_NAMES if field == "source" else field
        if name not in self._fields:
            return 0
        return self._doc_freq(name, writable(text))

    def _doc_freq(self, name: str, text: str) -> int:
        """tantivy's document frequency of a term of a field of the schema (deleted documents included)."""
        key = (name, text)
        found = self._frequencies.get(key)
        if found is None:
            if len(self._frequencies) >= _FREQUENCY_CACHE:
                self._frequencies = {}
            found = self._frequencies[key] = int(self.searcher.doc_freq(name, text))
        return found

    def term_documents(self, field: str, text: str, limit: int | None = None) -> list[int]:
        frequency = self.doc_frequency(field, text)
        if not frequency:
            return []
        query = self._build.term(field, text)
        found = sorted(docnum for docnum, _ in self._hits(query, frequency)[0])
        return found if limit is None else found[:limit]

    def field_terms(self, field: str) -> list[str]:
        name = SOURCE_NAMES if field == "source" else field
        if name not in self._fields:
            return []
        return sorted(term for term, _ in self.searcher.terms_with_prefix(name, ""))

    # matching and scoring
    def matching(self, query: Query) -> set[int]:
        return {docnum for docnum, _ in self._every(self._build.query(query))}

    def top(self, bag: BagOfTerms, limit: int, bm25: Bm25, allowed: Collection[int] | None = None
            ) -> tuple[Scored, int]:
        return self._ranked(self._build.bag(bag), limit, allowed)

    def all(self, bag: BagOfTerms, bm25: Bm25, allowed: Collection[int] | None = None) -> Scored:
        found = self._every(self._build.bag(bag))
        return found if allowed is None else [hit for hit in found if hit[0] in allowed]

    def run(self, query: Query, limit: int | None, bm25: Bm25, allowed: Collection[int] | None = None
            ) -> tuple[Scored, int]:
        compiled = self._build.query(query)
        if limit is None:
            found = self._every(compiled)
            if allowed is not None:
                found = [hit for hit in found if hit[0] in allowed]
            return found, len(found)
        return self._ranked(compiled, limit, allowed)

    def _ranked(self, query: tantivy.Query, limit: int, allowed: Collection[int] | None) -> tuple[Scored, int]:
        if allowed is None:
            return self._hits(query, limit)
        # tantivy cannot be told which documents: rank every match, keep the allowed ones
        found = [hit for hit in self._every(query) if hit[0] in allowed]
        return found[:limit], len(found)

    # per-document values
    def column(self, name: str) -> Sequence[str | bytes | int | None]:
        return _Column(self, name)

    def dates(self) -> list[int]:
        if self._dates is None:
            self._dates = [NO_DATE if value is None else int(value) for value in self._column_values("date")]
        return self._dates

    def _column_values(self, field: str) -> list[int | float | bool | None]:
        """A fast field's value for every document number."""
        addresses = [tantivy.DocAddress(segment, doc) for segment, (start, end)
                     in enumerate(zip(self._starts, self._starts[1:])) for doc in range(end - start)]
        return self.searcher.fast_field_values(field, addresses) if addresses else []

    def date_range(self) -> tuple[int, int] | None:
        dated = [value for value in self.dates() if value != NO_DATE]
        return (min(dated), max(dated)) if dated else None

    def sources(self) -> list[tuple[str, ...]]:
        if self._sources is None:
            names = {source_key(joined): tuple(joined.split(",")) if joined else ()
                     for joined, _ in self.searcher.terms_with_prefix(SOURCE_SET, "")}
            names.setdefault(source_key(""), ())
            self._sources = [names.get(int(key or 0), ()) for key in self._column_values(SOURCE_KEY)]
        return self._sources

    def live_documents(self) -> Iterator[int]:
        return iter(sorted(docnum for docnum, _ in self._every(tantivy.Query.all_query())))

    def document_number(self, doc_id: str) -> int | None:
        found = self._hits(self._build.term("id", doc_id), 1)[0]
        return found[0][0] if found else None

    def stored(self, docnum: int, *, content: bool = True) -> dict[str, object]:
        document = self._document(docnum)
        found: dict[str, object] = {}
        for name in self._stored_names if content else self._stored_names_but_content:
            value = document.get_first(ORIGINAL.get(name, name))
            if value is None or (value in ("", b"") and name != "id"):
                continue
            if name == "date":
                if value != NO_DATE:
                    found[name] = date_of(int(value))
            elif name == "sketch":
                found[name] = bytes(value)
            elif name in ORIGINAL:
                found[name] = bytes(value).decode("utf-8", "surrogatepass")
            else:
                found[name] = value
        return found

    def _document(self, docnum: int) -> tantivy.Document:
        """The stored document (its fields are converted to Python values one at a time, on demand)."""
        found = self._documents.get(docnum)
        if found is None:
            if len(self._documents) >= _STORED_CACHE:  # the oldest goes: freeing all at once took 2 ms
                del self._documents[next(iter(self._documents))]
            found = self._documents[docnum] = self.searcher.doc(self._address(docnum))
        return found


def _count(result: tantivy.SearchResult) -> int:
    """The number of matches of a search run with ``count=True`` (the type stubs of tantivy 0.27 omit it)."""
    return int(getattr(result, "count", 0) or 0)


class _Column(Sequence[Any]):
    """One of :data:`~arsearch.engine.api.COLUMNS` by document number, read on look-up."""

    def __init__(self, snapshot: TantivySnapshot, name: str) -> None:
        self._snapshot = snapshot
        self._name = name

    def __len__(self) -> int:
        return self._snapshot.doc_count_all()

    def __getitem__(self, docnum: int) -> Any:  # type: ignore[override]
        if self._name == "date":
            return self._snapshot.dates()[docnum] if self._snapshot._dates is not None else self._date(docnum)
        value = self._snapshot._document(docnum).get_first(self._name)
        if self._name == "sketch":
            return None if value is None else bytes(value)
        return None if value is None else str(value)

    def _date(self, docnum: int) -> int:
        values = self._snapshot.searcher.fast_field_values("date", [self._snapshot._address(docnum)])
        return NO_DATE if not values or values[0] is None else int(values[0])
