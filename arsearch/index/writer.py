"""Adding and deleting documents: one engine writer under the index's write lock, with near-duplicate groups."""

from __future__ import annotations

from collections import deque
from types import TracebackType
from typing import Protocol, Union

from arsearch.documents import Document
from arsearch.engine.api import Engine, EngineWriter, StoredDocument
from arsearch.index.grouping import GroupTracker
from arsearch.index.interrupts import deferred_interrupt
from arsearch.index.locking import IndexLock
from arsearch.index.near_duplicates import to_bytes
from arsearch.index.preparing import BATCH as PREPARED_BATCH
from arsearch.index.preparing import Prepared, prepare, preparers
from arsearch.index.words import WordsChange

Change = Union[tuple[Document, bool], str]  # a document to add (and whether it replaces), or an id to delete


class WritableIndex(Protocol):
    """What a writer needs of its :class:`~arsearch.index.Index`."""

    engine: Engine
    write_lock: IndexLock
    has_groups: bool

    def _group_tracker(self) -> GroupTracker: ...

    def _committed(self, tracker: GroupTracker | None, *, durable: bool = True) -> None: ...

    def _keep_group_tracker(self, tracker: GroupTracker | None) -> None: ...

    def _words_committed(self, change: WordsChange, removed: list[set[str]], before: int) -> None: ...


class IndexWriter:
    """Adds and deletes documents; commits on a clean exit from ``with``, discards everything on an exception.

    Holds the index's write lock (see :mod:`arsearch.index.locking`) from creation to commit or cancel; ``wait``
    is how many seconds to wait for another writer to finish before raising :class:`IndexLockedError`;
    ``durable``: the commit is fsync'ed (see :meth:`arsearch.index.Index.writer`).
    """

    def __init__(self, index: WritableIndex, *, procs: int = 1, limitmb: int = 256, wait: float = 0.0,
                 durable: bool = True) -> None:
        self._index = index
        self._durable = durable
        index.write_lock.acquire(wait)
        try:
            self._writer: EngineWriter = index.engine.writer(procs=procs, memory_mb=limitmb, durable=durable)
        except BaseException:
            index.write_lock.release()
            raise
        self._open = True
        #: Near-duplicate state, loaded on the first add or delete (None: the index has no groups).
        self._groups: GroupTracker | None = None
        #: The words of what this writer adds and deletes (see :mod:`arsearch.index.words`).
        self._words = WordsChange()
        self._procs = procs
        #: Changes not yet given to the engine writer, in order: documents to add (with ``replace``) and ids to
        #: delete; each batch of documents is prepared by worker processes (:mod:`arsearch.index.preparing`)
        #: while earlier batches are grouped and written.
        self._changes: list[Change] = []
        self._pending: deque[tuple[list[Change], int | list[Prepared]]] = deque()

    def _tracker(self) -> GroupTracker | None:
        if self._groups is None and self._index.has_groups:
            self._groups = self._index._group_tracker()
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
        groups = self._index.has_groups
        if self._procs > 1 and (self._pending or len(documents) >= PREPARED_BATCH):
            self._pending.append((changes, preparers(self._procs, groups=groups).submit(documents)))
        else:
            self._pending.append((changes, [prepare(document, groups=groups) for document in documents]))
        while len(self._pending) > 2 * self._procs:
            self._apply_oldest()

    def _apply_oldest(self) -> None:
        changes, answer = self._pending.popleft()
        prepared = iter(answer if isinstance(answer, list)
                        else preparers(self._procs, groups=self._index.has_groups).result(answer))
        groups = self._tracker()
        for change in changes:
            if isinstance(change, str):
                self._writer.delete(change)
                self._words.delete(change)
                if groups is not None:
                    groups.remove(change)
                continue
            document, replace = change
            signature, words = next(prepared)
            stored = StoredDocument(document)
            if groups is not None:
                stored = StoredDocument(document, groups.assign(document.id, signature), to_bytes(signature))
            self._writer.add(stored, replace=replace)
            self._words.add(document.id, words, replace=replace)

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
                    before = self._index.engine.generation()
                    removed = self._words.removed(self._index.engine.snapshot())
                    self._writer.commit()
                    self._index._committed(self._groups, durable=self._durable)
                    self._index._words_committed(self._words, removed, before)
            finally:
                self._index.write_lock.release()

    def cancel(self) -> None:
        if self._open:
            self._open = False
            self._changes.clear()
            for _, answer in self._pending:
                if not isinstance(answer, list):
                    preparers(self._procs, groups=self._index.has_groups).forget(answer)
            self._pending.clear()
            self._index._keep_group_tracker(None)
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
