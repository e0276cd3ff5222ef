"""Writing a tantivy index: documents analyzed by arsearch (in worker processes for big batches) and handed to
tantivy's writer as JSON, in the order the changes were made."""

from __future__ import annotations

import atexit
import queue
from collections import deque
from pathlib import Path
from typing import Any, Union

import tantivy

from arsearch.documents import writable
from arsearch.engine.api import Layout, StoredDocument
from arsearch.engine.processes import prepare_workers
from arsearch.engine.tantivy.schema import DocumentEncoder
from arsearch.errors import IndexLockedError

#: Documents a worker process analyzes per task.
BATCH = 128
#: Batches a worker analyzes before it starts again with an empty word cache.
TASKS_PER_WORKER = 2000
#: tantivy's smallest memory budget per indexing thread.
_MIN_THREAD_MB = 15

Change = Union[StoredDocument, str]  # a document to add, or the id of one to delete


class TantivyWriter:
    """One commit's changes.  Deletes and adds reach tantivy in the order they were made (a delete applies to
    the documents added before it), a batch at a time once its documents are analyzed."""

    def __init__(self, ix: tantivy.Index, path: Path, layout: Layout, *, procs: int, memory_mb: int) -> None:
        self._layout = layout
        self._procs = procs
        self._encoder: DocumentEncoder | None = None
        threads = max(1, min(4, procs // 2))
        heap = max(memory_mb, _MIN_THREAD_MB * threads) * 1_000_000
        try:
            self._writer: tantivy.IndexWriter | None = ix.writer(heap_size=heap, num_threads=threads)
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
        writer.wait_merging_threads()  # merges the new segments, and releases the lock

    def cancel(self) -> None:
        self._changes.clear()
        for _, encoded in self._pending:
            if not isinstance(encoded, list):
                _pool(self._layout, self._procs).forget(encoded)
        self._pending.clear()
        if self._writer is not None:
            self._writer.rollback()
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

class _Encoders:
    """Worker processes that analyze batches of documents, answering each batch by its number."""

    def __init__(self, layout: Layout, procs: int) -> None:
        context = prepare_workers("arsearch.engine.tantivy.writing")
        self._jobs: Any = context.Queue()
        self._results: Any = context.Queue()
        self._done: dict[int, list[str] | str] = {}
        self._forgotten: set[int] = set()
        self._next = 0
        self._workers = [context.Process(target=_serve, args=(layout, self._jobs, self._results),  # type: ignore[attr-defined]
                                         name="arsearch-encoder", daemon=True) for _ in range(procs)]
        for worker in self._workers:
            worker.start()

    def submit(self, documents: list[StoredDocument]) -> int:
        number, self._next = self._next, self._next + 1
        self._jobs.put((number, documents))
        return number

    def result(self, number: int) -> list[str]:
        while number not in self._done:
            if not all(worker.is_alive() for worker in self._workers):
                raise RuntimeError("a worker process analyzing documents for tantivy died")
            try:
                found, encoded = self._results.get(timeout=1.0)
            except queue.Empty:
                continue
            if found in self._forgotten:
                self._forgotten.discard(found)
            else:
                self._done[found] = encoded
        answer = self._done.pop(number)
        if isinstance(answer, str):
            raise RuntimeError(f"a worker process could not analyze a batch: {answer}")
        return answer

    def forget(self, number: int) -> None:
        """The batch ``number`` of a cancelled writer: its answer is dropped when it comes."""
        if self._done.pop(number, None) is None:
            self._forgotten.add(number)

    def healthy(self) -> bool:
        return all(worker.is_alive() for worker in self._workers)

    def stop(self) -> None:
        for worker in self._workers:
            worker.kill()
        for worker in self._workers:
            worker.join(timeout=5)


def _serve(layout: Layout, jobs: Any, results: Any) -> None:
    """A worker: analyze batches until told to stop, with a fresh analyzer every :data:`TASKS_PER_WORKER` batches
    (its word cache grows with the vocabulary it has seen)."""
    encoder, done = DocumentEncoder(layout), 0
    while True:
        number, documents = jobs.get()
        try:
            results.put((number, [encoder.encode(document) for document in documents]))
        except Exception as exc:  # sent back whole: the writer raises it in the indexing process
            results.put((number, f"{type(exc).__name__}: {exc}"))
        done += 1
        if done % TASKS_PER_WORKER == 0:
            encoder = DocumentEncoder(layout)


_POOLS: dict[tuple[Layout, int], _Encoders] = {}


def _pool(layout: Layout, procs: int) -> _Encoders:
    """The worker processes of this layout, kept for the next commit (starting them costs a second)."""
    key = (layout, procs)
    found = _POOLS.get(key)
    if found is None or not found.healthy():
        _stop_pools()
        found = _POOLS[key] = _Encoders(layout, procs)
    return found


@atexit.register
def _stop_pools() -> None:
    for pool in _POOLS.values():
        pool.stop()
    _POOLS.clear()
