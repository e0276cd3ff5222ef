"""An in-memory engine of the request-level contract, enough for the index layer's own tests: term statistics
(deleted documents counted until a merge, as real engines do), ``sharing``, stored documents, and searches of
exact-value terms counted over live documents.  It records what a writer asks of it, so tests can check that a
writer never reads the whole archive.

``fake`` (the fixture) makes ``Index.create`` use it; ``fake.options.merge_on_commit`` (False by default) drops
deleted documents at each commit; ``fake.options.committed_deletes_only`` makes deletes and replacements reach only
documents committed before the writer, as Whoosh's writer does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from arsearch.analysis import Analyzer
from arsearch.engine.api import (STORED_FIELDS, AllOf, AndMaybe, AndNot, AnyOf, EngineHit, EngineStats, Layout,
                                 Query, SearchRequest, SearchResponse, StoredDocument, Term)

MARKER = "fake.engine"
ANALYZED = ("title", "content", "author")


@dataclass
class Record:
    id: str
    fields: dict[str, Any]
    sketch: bytes
    terms: dict[str, frozenset[str]]
    deleted: bool = False


@dataclass
class Store:
    analyzer: Analyzer
    records: list[Record] = field(default_factory=list)
    generation: int = 1


class Calls(Counter[str]):
    """What snapshots were asked, by method name."""


class FakeSnapshot:
    def __init__(self, store: Store, calls: Calls) -> None:
        self._records = [Record(r.id, r.fields, r.sketch, r.terms, r.deleted) for r in store.records]
        self._generation = store.generation
        self._store = store
        self.calls = calls

    def _live(self) -> Iterator[Record]:
        return (r for r in self._records if not r.deleted)

    def is_current(self) -> bool:
        return self._generation == self._store.generation

    def doc_count(self) -> int:
        return sum(1 for _ in self._live())

    def stats(self) -> EngineStats:
        live = self.doc_count()
        return EngineStats(live, len(self._records) - live, 1 if self._records else 0)

    def count_terms(self) -> int:
        self.calls["count_terms"] += 1
        return len({(name, t) for r in self._records for name, texts in r.terms.items() for t in texts})

    def search(self, request: SearchRequest) -> SearchResponse:
        self.calls["search"] += 1
        assert request.filters.first is None and request.filters.last is None and request.filters.sources is None
        found = [r for r in self._live() if _matches(request.query, r)]
        page = found[request.offset:request.offset + request.limit]
        hits = tuple(EngineHit(r.id, 1.0, dict(r.fields), str(r.fields["group"])) for r in page)
        return SearchResponse(hits, len(found))

    def has_term(self, field: str, text: str) -> bool:
        return any(text in r.terms.get(field, ()) for r in self._records)

    def doc_frequency(self, field: str, text: str) -> int:
        return sum(text in r.terms.get(field, ()) for r in self._records)

    def terms(self, field: str, prefix: str = "", limit: int | None = None) -> list[tuple[str, int]]:
        self.calls[f"terms {field}"] += 1
        counts = Counter(t for r in self._records for t in r.terms.get(field, ()) if t.startswith(prefix))
        return sorted(counts.items())[:limit]

    def sharing(self, field: str, texts: Sequence[str], *, at_least: int, limit: int) -> list[tuple[str, int]]:
        self.calls["sharing"] += 1
        wanted = set(texts)
        counts = [(r.id, len(wanted & r.terms.get(field, frozenset()))) for r in self._live()]
        return sorted(((i, n) for i, n in counts if n >= at_least), key=lambda item: (-item[1], item[0]))[:limit]

    def get(self, doc_id: str, *, content: bool = True, sketch: bool = True) -> dict[str, Any] | None:
        self.calls["get"] += 1
        for r in self._live():
            if r.id == doc_id:
                found = dict(r.fields)
                if not content:
                    del found["content"]
                if sketch:
                    found["sketch"] = r.sketch
                return found
        return None

    def states(self) -> Iterator[tuple[str, str, str]]:
        self.calls["states"] += 1
        for r in self._live():
            yield r.id, r.fields["path"], r.fields["fingerprint"]

    def date_range(self) -> tuple[datetime, datetime] | None:
        dates = [r.fields["date"] for r in self._live() if r.fields["date"] is not None]
        return (min(dates), max(dates)) if dates else None


def _matches(query: Query, record: Record) -> bool:
    if isinstance(query, Term):
        return query.text in record.terms.get(query.field, ())
    if isinstance(query, AnyOf):
        return any(_matches(part, record) for part in query.parts)
    if isinstance(query, AllOf):
        return all(_matches(part, record) for part in query.parts)
    if isinstance(query, AndMaybe):
        return _matches(query.required, record)
    if isinstance(query, AndNot):
        return _matches(query.positive, record) and not _matches(query.negative, record)
    raise NotImplementedError(query)


class FakeWriter:
    def __init__(self, engine: FakeEngine) -> None:
        self._engine = engine
        self._changes: list[tuple[StoredDocument, bool] | str] = []

    def add(self, stored: StoredDocument, *, replace: bool = True) -> None:
        self._changes.append((stored, replace))

    def delete(self, doc_id: str) -> None:
        self._changes.append(doc_id)

    def commit(self) -> None:
        store, options = self._engine.store, self._engine.options
        records = [Record(r.id, r.fields, r.sketch, r.terms, r.deleted) for r in store.records]
        committed = len(records)
        for change in self._changes:
            doc_id = change if isinstance(change, str) else change[0].document.id
            if isinstance(change, str) or change[1]:
                reach = records[:committed] if options.committed_deletes_only else records
                for r in reach:
                    if r.id == doc_id:
                        r.deleted = True
            if not isinstance(change, str):
                records.append(_record(change[0], store.analyzer))
        if options.merge_on_commit:
            records = [r for r in records if not r.deleted]
        store.records = records
        store.generation += 1
        self._changes = []

    def cancel(self) -> None:
        self._changes = []


def _record(stored: StoredDocument, analyzer: Analyzer) -> Record:
    doc = stored.document
    fields = {"id": doc.id, "title": doc.title, "content": doc.content, "author": doc.author, "date": doc.date,
              "source": doc.source, "url": doc.url, "path": doc.path, "fingerprint": doc.fingerprint(),
              "group": stored.group}
    assert set(fields) == set(STORED_FIELDS)
    terms = {name: frozenset(analyzer.index_terms(fields[name])) for name in ANALYZED}
    terms.update({"id": frozenset({doc.id}), "group": frozenset({stored.group}),
                  "source": frozenset({doc.source.lower()} if doc.source else ())})
    terms.update({name: frozenset(texts) for name, texts in stored.keywords.items()})
    return Record(doc.id, fields, stored.sketch, terms)


@dataclass
class Options:
    merge_on_commit: bool = False
    committed_deletes_only: bool = False


class FakeEngine:
    def __init__(self, store: Store, options: Options, calls: Calls) -> None:
        self.store = store
        self.options = options
        self.calls = calls

    def snapshot(self) -> FakeSnapshot:
        return FakeSnapshot(self.store, self.calls)

    def writer(self, *, procs: int = 1, memory_mb: int = 256, durable: bool = True) -> FakeWriter:
        return FakeWriter(self)

    def generation(self) -> int:
        return self.store.generation

    def settle(self) -> None:
        pass

    def close(self) -> None:
        pass


class FakeKind:
    name = "fake"
    kept_on_rebuild: frozenset[str] = frozenset()

    def __init__(self) -> None:
        self.stores: dict[Path, Store] = {}
        self.options = Options()
        self.calls = Calls()

    def exists(self, path: Path) -> bool:
        return (path / MARKER).is_file() and path.resolve() in self.stores

    def create(self, path: Path, layout: Layout) -> FakeEngine:
        path.mkdir(parents=True, exist_ok=True)
        (path / MARKER).write_text("fake\n")
        store = self.stores[path.resolve()] = Store(Analyzer(layout.settings))
        return FakeEngine(store, self.options, self.calls)

    def open(self, path: Path, layout: Layout) -> FakeEngine:
        return FakeEngine(self.stores[path.resolve()], self.options, self.calls)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeKind:
    """The fake engine, the default of ``Index.create`` for the test."""
    import arsearch.index.index as index_module

    kind = FakeKind()
    real = index_module.engine_kind
    monkeypatch.setattr(index_module, "engine_kind", lambda name: kind if name == "fake" else real(name))
    monkeypatch.setattr(index_module, "DEFAULT_ENGINE", "fake")
    return kind
