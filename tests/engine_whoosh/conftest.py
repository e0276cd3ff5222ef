"""Whoosh engines built directly through the engine contract, without the index layer above them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from arsearch.analysis import AnalyzerSettings
from arsearch.documents import Document
from arsearch.engine import engine_kind
from arsearch.engine.api import DEFAULT_LEAD_WEIGHT, Engine, Layout, StoredDocument

NewEngine = Callable[..., Engine]
Commit = Callable[..., None]


@pytest.fixture
def new_engine(tmp_path: Path) -> Iterator[NewEngine]:
    """``new_engine(name="ix", lead_weight=DEFAULT_LEAD_WEIGHT)``: an empty Whoosh engine in ``tmp_path / name``,
    closed after the test."""
    opened: list[Engine] = []

    def create(name: str = "ix", *, lead_weight: float = DEFAULT_LEAD_WEIGHT) -> Engine:
        path = tmp_path / name
        path.mkdir()
        engine = engine_kind("whoosh").create(path, Layout(AnalyzerSettings(), lead_weight=lead_weight))
        opened.append(engine)
        return engine

    yield create
    for engine in opened:
        engine.close()


@pytest.fixture(scope="session")
def commit() -> Commit:
    """``commit(engine, documents, procs=1, deleted=())``: one commit that adds ``documents`` (StoredDocuments,
    Documents or records of Document's fields) and deletes the ids ``deleted``."""

    def write(engine: Engine, documents: Iterable[StoredDocument | Document | dict[str, object]], *,
              procs: int = 1, deleted: Iterable[str] = ()) -> None:
        writer = engine.writer(procs=procs, durable=False)
        for document in documents:
            if isinstance(document, dict):
                document = Document(**document)  # type: ignore[arg-type]
            writer.add(document if isinstance(document, StoredDocument) else StoredDocument(document))
        for doc_id in deleted:
            writer.delete(doc_id)
        writer.commit()

    return write
