"""A :class:`~arsearch.engine.api.Snapshot` on one Whoosh searcher: matching, scoring, columns, stored fields."""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Collection, Iterator, Sequence
from typing import Any

import whoosh.index
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from arsearch.documents import writable
from arsearch.engine.api import BagOfTerms, Bm25, EngineStats, Query, Scored
from arsearch.engine.whoosh.columns import values_of
from arsearch.engine.whoosh.queries import to_whoosh
from arsearch.engine.whoosh.scoring import all_documents, top_documents


class WhooshSnapshot:
    """One Whoosh searcher (one commit), used by one thread."""

    def __init__(self, searcher: Searcher, ix: whoosh.index.FileIndex) -> None:
        self.searcher = searcher
        self._ix = ix
        self._reader = searcher.reader()
        leaves = self._reader.leaf_readers()
        self._leaves = [leaf for leaf, _ in leaves]
        self._offsets = [offset for _, offset in leaves]
        self._weighted: dict[Bm25, Searcher] = {}

    def _scoring(self, bm25: Bm25) -> Searcher:
        """A searcher on the same reader that scores by ``bm25`` (phrase matchers read it from the context)."""
        found = self._weighted.get(bm25)
        if found is None:
            weighting = BM25F(B=bm25.b, K1=bm25.k1)
            found = self._weighted[bm25] = Searcher(self._reader, weighting=weighting, closereader=False)
        return found

    def is_current(self) -> bool:
        return bool(self.searcher.up_to_date())

    def doc_count(self) -> int:
        return int(self.searcher.doc_count())

    def doc_count_all(self) -> int:
        return int(self.searcher.doc_count_all())

    def stats(self) -> EngineStats:
        documents = self.doc_count()
        return EngineStats(documents=documents, deleted=self.doc_count_all() - documents,
                           terms=sum(1 for _ in self._reader.all_terms()), segments=len(self._ix._segments()))

    def has_term(self, field: str, text: str) -> bool:
        return (field, text) in self._reader

    def doc_frequency(self, field: str, text: str) -> int:
        return int(self._reader.doc_frequency(field, text))

    def term_documents(self, field: str, text: str, limit: int | None = None) -> list[int]:
        reader = self._reader
        if (field, text) not in reader:
            return []
        found = []
        for docnum in reader.postings(field, text).all_ids():
            if not reader.is_deleted(docnum):
                found.append(docnum)
                if len(found) == limit:
                    break
        return found

    def field_terms(self, field: str) -> list[str]:
        return sorted({t.decode("utf-8") if isinstance(t, bytes) else t for t in self._reader.lexicon(field)})

    def matching(self, query: Query) -> set[int]:
        return set(self.searcher.docs_for_query(to_whoosh(query)))

    def top(self, bag: BagOfTerms, limit: int, bm25: Bm25, allowed: Collection[int] | None = None
            ) -> tuple[Scored, int]:
        return top_documents(self._scoring(bm25), bag, limit, k1=bm25.k1, b=bm25.b, allowed=allowed)

    def all(self, bag: BagOfTerms, bm25: Bm25, allowed: Collection[int] | None = None) -> Scored:
        return all_documents(self._scoring(bm25), bag, k1=bm25.k1, b=bm25.b, allowed=allowed)

    def run(self, query: Query, limit: int | None, bm25: Bm25, allowed: Collection[int] | None = None
            ) -> tuple[Scored, int]:
        chosen = allowed if allowed is None or isinstance(allowed, set) else set(allowed)
        results = self._scoring(bm25).search(to_whoosh(query), limit=limit, filter=chosen, terms=False)
        if limit is None:
            found = list(results.items())
            return found, len(found)
        return [(hit.docnum, hit.score) for hit in results], len(results)

    def column(self, name: str) -> ColumnView:
        return ColumnView(name, self._leaves, self._offsets, self.doc_count_all())

    def dates(self) -> array[int]:
        found: array[int] = array("Q")
        for leaf in self._leaves:
            found.extend(values_of(leaf).dates())
        return found

    def date_range(self) -> tuple[int, int] | None:
        found = [r for r in (values_of(leaf).date_range() for leaf in self._leaves) if r is not None]
        return (min(r[0] for r in found), max(r[1] for r in found)) if found else None

    def sources(self) -> list[tuple[str, ...]]:
        analyzer = self._reader.schema["source"].analyzer

        def split(text: str) -> tuple[str, ...]:
            return tuple(dict.fromkeys(t.text for t in analyzer(text)))

        found: list[tuple[str, ...]] = []
        for leaf in self._leaves:
            found.extend(values_of(leaf).sources(split))
        return found

    def live_documents(self) -> Iterator[int]:
        return iter(self._reader.all_doc_ids())

    def document_number(self, doc_id: str) -> int | None:
        return self.searcher.document_number(id=writable(doc_id))

    def stored(self, docnum: int, *, content: bool = True) -> dict[str, object]:
        found = dict(self.searcher.stored_fields(docnum))
        if not content:
            found.pop("content", None)
        return found


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
        self._text = name != "sketch"

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
        return value.decode("utf-8") if self._text and isinstance(value, bytes) else value
