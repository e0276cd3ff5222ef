"""A :class:`~arsearch.engine.api.Snapshot` on one Whoosh searcher: whole requests (:mod:`.requests`), term
statistics and stored documents by id, over :class:`~arsearch.engine.whoosh.commit.Commit`, the same searcher by
Whoosh's document numbers."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from whoosh.reading import EmptyReader
from whoosh.searching import Searcher

from arsearch.engine.api import EngineStats, SearchRequest, SearchResponse, date_of
from arsearch.engine.whoosh.columns import values_of
from arsearch.engine.whoosh.commit import Commit
from arsearch.engine.whoosh.requests import answer
from arsearch.engine.whoosh.term_tables import TermTables


class WhooshSnapshot:
    """One Whoosh searcher (one commit), used by one thread."""

    def __init__(self, searcher: Searcher, tables: TermTables | None = None) -> None:
        self.searcher = searcher
        self._commit = Commit(searcher, tables)

    def is_current(self) -> bool:
        return bool(self.searcher.up_to_date())

    def doc_count(self) -> int:
        return int(self.searcher.doc_count())

    def stats(self) -> EngineStats:
        documents = self.doc_count()
        segments = sum(1 for leaf in self._commit.leaves if not isinstance(leaf, EmptyReader))
        return EngineStats(documents=documents, deleted=self._commit.doc_count_all() - documents, segments=segments)

    def count_terms(self) -> int:
        return sum(1 for _ in self._commit.reader.all_terms())

    def search(self, request: SearchRequest) -> SearchResponse:
        return answer(self._commit, request)

    # term statistics

    def has_term(self, field: str, text: str) -> bool:
        return self._commit.has_term(field, text)

    def doc_frequency(self, field: str, text: str) -> int:
        return self._commit.doc_frequency(field, text)

    def terms(self, field: str, prefix: str = "", limit: int | None = None) -> list[tuple[str, int]]:
        return self._commit.terms(field, prefix, limit)

    def sharing(self, field: str, texts: Sequence[str], *, at_least: int, limit: int) -> list[tuple[str, int]]:
        commit = self._commit
        counts: Counter[int] = Counter()
        for text in dict.fromkeys(texts):
            counts.update(commit.term_documents(field, text))
        chosen = sorted((count for count in counts.values() if count >= at_least), reverse=True)
        if not chosen or limit <= 0:
            return []
        least = chosen[min(limit, len(chosen)) - 1]  # the ids of the documents below it are not read
        named = [(-count, commit.value("id", docnum).decode("utf-8")) for docnum, count in counts.items()
                 if count >= least]
        return [(doc_id, -negative) for negative, doc_id in heapq.nsmallest(limit, named)]

    # documents

    def get(self, doc_id: str, *, content: bool = True, sketch: bool = True) -> dict[str, Any] | None:
        commit = self._commit
        docnum = commit.document_number(doc_id)
        if docnum is None:
            return None
        found: dict[str, Any] = commit.stored(docnum, content=content)
        if sketch:
            found["sketch"] = commit.value("sketch", docnum)
        return found

    def states(self) -> Iterator[tuple[str, str, str]]:
        for leaf in self._commit.leaves:
            values = values_of(leaf)
            columns = [values.read(name) or [b""] * leaf.doc_count_all() for name in ("id", "path", "fingerprint")]
            deleted = leaf.deleted_docs_set if leaf.has_deletions() else frozenset()
            for docnum, (doc_id, path, fingerprint) in enumerate(zip(*columns)):
                if docnum not in deleted:
                    yield doc_id.decode("utf-8"), path.decode("utf-8"), fingerprint.decode("utf-8")

    def date_range(self) -> tuple[datetime, datetime] | None:
        found = self._commit.date_range()
        return None if found is None else (date_of(found[0]), date_of(found[1]))
