"""Writing a tantivy index: documents analyzed by arsearch (in worker processes for big batches) and handed to
tantivy's writer as JSON, in the order the changes were made."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Protocol, Union

import tantivy

from arsearch.documents import writable
from arsearch.engine.api import Layout, StoredDocument
from arsearch import processes
from arsearch.processes import WorkerPool
from arsearch.engine.tantivy.schema import DocumentEncoder
from arsearch.errors import IndexLockedError

#: Documents a worker process analyzes per task.
BATCH = 128
#: Batches a worker analyzes before it starts again with an empty word cache.
TASKS_PER_WORKER = 2000
#: tantivy's smallest memory budget per indexing thread.
_MIN_THREAD_MB = 15

Change = Union[StoredDocument, str]  # a document to add, or the id of one to delete


class WriterKeeper(Protocol):
    """Where a writer gets tantivy's writer, and gives it back after its commit (the engine)."""

    def tantivy_writer(self, heap: int, threads: int) -> tantivy.IndexWriter: ...

    def keep(self, writer: tantivy.IndexWriter) -> None: ...


class TantivyWriter:
    """One commit's changes.  Deletes and adds reach tantivy in the order they were made (a delete applies to
    the documents added before it), a batch at a time once its documents are analyzed."""

    def __init__(self, engine: WriterKeeper, path: Path, layout: Layout, *, procs: int, memory_mb: int) -> None:
        self._engine = engine
        self._layout = layout
        self._procs = procs
        self._encoder: DocumentEncoder | None = None
        threads = max(1, min(4, procs // 2))
        heap = max(memory_mb, _MIN_THREAD_MB * threads) * 1_000_000
        try:
            self._writer: tantivy.IndexWriter | None = engine.tantivy_writer(heap, threads)
        except ValueError as exc:
            raise IndexLockedError(f"index {path} is being updated by another program that holds tantivy's "
                                   f"write lock (.tantivy-writer.lock)") from exc
        self._changes: list[Change] = []
        self._pending: deque[tuple[list[Change], int | list[str]]] = deque()

    def add(self, stored: StoredDocument, *, replace: bool = True) -> None:
        if replace:
            self._changes.append(stored.document.id)
        self._changes.append(stored)
        if len(self._changes) >= BATCH:
            self._submit()

    def delete(self, doc_id: str) -> None:
        self._changes.append(doc_id)

    def commit(self) -> None:
        writer = self._flush()
        writer.commit()
        self._engine.keep(writer)  # merging the new segments, until the engine settles

    def cancel(self) -> None:
        self._changes.clear()
        for _, encoded in self._pending:
            if not isinstance(encoded, list):
                _pool(self._layout, self._procs).forget(encoded)
        self._pending.clear()
        if self._writer is not None:
            self._writer.rollback()
            self._engine.keep(self._writer)
            self._writer = None

    def _flush(self) -> tantivy.IndexWriter:
        self._submit()
        while self._pending:
            self._apply_oldest()
        writer = self._writer
        assert writer is not None, "the writer was already committed or cancelled"
        self._writer = None
        return writer

    def _submit(self) -> None:
        if not self._changes:
            return
        changes, self._changes = self._changes, []
        documents = [change for change in changes if isinstance(change, StoredDocument)]
        pool = _pool(self._layout, self._procs) if self._procs > 1 and (self._pending or len(documents) >= BATCH) \
            else None
        if pool is None:
            if self._encoder is None:
                self._encoder = DocumentEncoder(self._layout)
            self._pending.append((changes, [self._encoder.encode(d) for d in documents]))
        else:
            self._pending.append((changes, pool.submit(documents)))
        while len(self._pending) > 2 * self._procs:
            self._apply_oldest()

    def _apply_oldest(self) -> None:
        changes, encoded = self._pending.popleft()
        documents = iter(encoded if isinstance(encoded, list) else _pool(self._layout, self._procs).result(encoded))
        writer = self._writer
        assert writer is not None
        for change in changes:
            if isinstance(change, str):
                writer.delete_documents_by_term("id", writable(change))
            else:
                writer.add_json(next(documents))


# Worker processes -------------------------------------------------------------------------------------------------

def _pool(layout: Layout, procs: int) -> WorkerPool:
    """The worker processes that analyze batches of this layout's documents."""
    return processes.pool(("arsearch-encoder", layout, procs), lambda: WorkerPool(
        "arsearch-encoder", partial(_encoding, layout), procs, renew_every=TASKS_PER_WORKER,
        preload=("arsearch.engine.tantivy.writing",)))


def _encoding(layout: Layout) -> Callable[[StoredDocument], str]:
    """A worker's function (a fresh analyzer every :data:`TASKS_PER_WORKER` batches: its word cache grows with the
    vocabulary it has seen)."""
    return DocumentEncoder(layout).encode
