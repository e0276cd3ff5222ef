"""Adding and deleting documents: one engine writer under the index's write lock, with near-duplicate groups and
the keyword fields of the side state (:mod:`arsearch.index.words`, :mod:`arsearch.index.grouping`)."""

from __future__ import annotations

import warnings
from collections import deque
from types import TracebackType
from typing import Protocol, Union

from arsearch.documents import Document
from arsearch.engine.api import Engine, EngineWriter, StoredDocument
from arsearch.index.grouping import DUP_KEY_FIELD, GroupTracker, dup_keys
from arsearch.index.interrupts import deferred_interrupt
from arsearch.index.locking import IndexLock
from arsearch.index.meta import GroupCounts
from arsearch.index.near_duplicates import to_bytes
from arsearch.index.preparing import BATCH as PREPARED_BATCH
from arsearch.index.preparing import Prepared, prepare, preparers
from arsearch.index.words import SPELLING_FIELD, WORD_KEY_FIELD

Change = Union[tuple[Document, bool], str]  # a document to add (and whether it replaces), or an id to delete


class WritableIndex(Protocol):
    """What a writer needs of its :class:`~arsearch.index.Index`."""

    engine: Engine
    write_lock: IndexLock

    def _committed(self, before: int, change: GroupCounts, *, durable: bool = True) -> None: ...


def renamed_memory_mb(memory_mb: int, limitmb: int | None) -> int:
    """``limitmb``, Whoosh's name of ``memory_mb``, still accepted with a warning."""
    if limitmb is None:
        return memory_mb
    warnings.warn("limitmb is deprecated: use memory_mb", DeprecationWarning, stacklevel=3)
    return limitmb


class IndexWriter:
    """Adds and deletes documents; commits on a clean exit from ``with``, discards everything on an exception.

    Holds the index's write lock (see :mod:`arsearch.index.locking`) from creation to commit or cancel; ``wait``
    is how many seconds to wait for another writer to finish before raising :class:`IndexLockedError`;
    ``durable``: the commit is fsync'ed (see :meth:`arsearch.index.Index.writer`).
    """

    def __init__(self, index: WritableIndex, *, procs: int = 1, memory_mb: int = 256, wait: float = 0.0,
                 durable: bool = True, limitmb: int | None = None) -> None:
        memory_mb = renamed_memory_mb(memory_mb, limitmb)
        self._index = index
        self._durable = durable
        index.write_lock.acquire(wait)
        try:
            self._writer: EngineWriter = index.engine.writer(procs=procs, memory_mb=memory_mb, durable=durable)
        except BaseException:
            index.write_lock.release()
            raise
        #: The commit this writer started from.
        self._generation = index.engine.generation()
        self._open = True
        #: The grouping of this writer's changes, made on the first add or delete.
        self._groups: GroupTracker | None = None
        self._procs = procs
        #: Changes not yet given to the engine writer, in order: documents to add (with ``replace``) and ids to
        #: delete; each batch of documents is prepared by worker processes (:mod:`arsearch.index.preparing`)
        #: while earlier batches are grouped and written.
        self._changes: list[Change] = []
        self._pending: deque[tuple[list[Change], int | list[Prepared]]] = deque()

    def _tracker(self) -> GroupTracker:
        if self._groups is None:
            self._groups = GroupTracker(self._index.engine.snapshot())
        return self._groups

    def add(self, document: Document, *, replace: bool = True) -> None:
        """Add ``document``, replacing any document with the same id (``replace=False`` when the caller knows
        there is none: no look-up of the id in every segment)."""
        self._changes.append((document, replace))
        if len(self._changes) >= PREPARED_BATCH:
            self._submit()

    def delete(self, doc_id: str) -> None:
        self._changes.append(doc_id)
        if len(self._changes) >= PREPARED_BATCH:
            self._submit()

    def _submit(self) -> None:
        if not self._changes:
            return
        changes, self._changes = self._changes, []
        documents = [change[0] for change in changes if isinstance(change, tuple)]
        if self._procs > 1 and (self._pending or len(documents) >= PREPARED_BATCH):
            self._pending.append((changes, preparers(self._procs).submit(documents)))
        else:
            self._pending.append((changes, [prepare(document) for document in documents]))
        while len(self._pending) > 2 * self._procs:
            self._apply_oldest()

    def _apply_oldest(self) -> None:
        changes, answer = self._pending.popleft()
        prepared = iter(answer if isinstance(answer, list) else preparers(self._procs).result(answer))
        groups = self._tracker()
        for change in changes:
            if isinstance(change, str):
                groups.remove(change)
                self._writer.delete(change)
                continue
            document, replace = change
            sketch, keys, spellings = next(prepared)
            label = groups.assign(document.id, sketch, replace=replace)
            keywords = {WORD_KEY_FIELD: _lines(keys), SPELLING_FIELD: _lines(spellings),
                        DUP_KEY_FIELD: dup_keys(sketch)}
            self._writer.add(StoredDocument(document, label, to_bytes(sketch), keywords), replace=replace)

    def _flush(self) -> None:
        self._submit()
        while self._pending:
            self._apply_oldest()

    def commit(self) -> None:
        """Make the changes visible to new searches; a Ctrl-C during the commit takes effect after it."""
        if self._open:
            self._open = False
            try:
                self._flush()
                with deferred_interrupt():
                    groups = self._tracker()
                    change, unsure = groups.change()
                    self._writer.commit()
                    if unsure:
                        change += GroupTracker.unsure_change(self._index.engine.snapshot(), unsure)
                    self._index._committed(self._generation, change, durable=self._durable)
            finally:
                self._index.write_lock.release()

    def cancel(self) -> None:
        if self._open:
            self._open = False
            self._changes.clear()
            for _, answer in self._pending:
                if not isinstance(answer, list):
                    preparers(self._procs).forget(answer)
            self._pending.clear()
            try:
                self._writer.cancel()
            finally:
                self._index.write_lock.release()

    def __enter__(self) -> IndexWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.cancel()


def _lines(joined: str) -> list[str]:
    return joined.split("\n") if joined else []
