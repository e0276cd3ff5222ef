"""Adding and deleting documents: one engine writer under the index's write lock, with near-duplicate groups."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol

from arsearch.documents import Document
from arsearch.engine.api import Engine, EngineWriter, StoredDocument
from arsearch.index.grouping import GroupTracker
from arsearch.index.interrupts import deferred_interrupt
from arsearch.index.locking import IndexLock
from arsearch.index.near_duplicates import sketch, to_bytes
from arsearch.index.words import WordsChange


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

    def _tracker(self) -> GroupTracker | None:
        if self._groups is None and self._index.has_groups:
            self._groups = self._index._group_tracker()
        return self._groups

    def add(self, document: Document, *, replace: bool = True) -> None:
        """Add ``document``, replacing any document with the same id (``replace=False`` when the caller knows
        there is none: no look-up of the id in every segment)."""
        groups = self._tracker()
        stored = StoredDocument(document)
        if groups is not None:
            signature = sketch(document.content)
            stored = StoredDocument(document, groups.assign(document.id, signature), to_bytes(signature))
        self._writer.add(stored, replace=replace)
        self._words.add(document.id, (document.title, document.content), replace=replace)

    def delete(self, doc_id: str) -> None:
        self._writer.delete(doc_id)
        self._words.delete(doc_id)
        groups = self._tracker()
        if groups is not None:
            groups.remove(doc_id)

    def commit(self) -> None:
        """Make the changes visible to new searches; a Ctrl-C during the commit takes effect after it."""
        if self._open:
            self._open = False
            try:
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
