"""Adding and deleting documents: one engine writer under the index's write lock, with near-duplicate groups and
the keyword fields of the side state (:mod:`arsearch.index.words`, :mod:`arsearch.index.grouping`)."""

from __future__ import annotations

import gc
import warnings
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Protocol, Union

from arsearch.documents import Document, document_from_record
from arsearch.engine.api import EncodingWriter, Engine, EngineWriter, StoredDocument
from arsearch.index.grouping import GroupTracker
from arsearch.index.interrupts import deferred_interrupt
from arsearch.index.locking import IndexLock
from arsearch.index.meta import GroupCounts
from arsearch.index.near_duplicates import to_bytes
from arsearch.index.pipeline import Worked, batches, keywords
from arsearch.index.preparing import BATCH

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
        #: Changes not yet given to the pipeline, in order: documents to add (with ``replace``) and ids to delete.
        #: Each batch's documents are worked on by the pipeline's worker processes (:mod:`arsearch.index.pipeline`)
        #: while earlier batches are grouped and written.
        self._changes: list[Change] = []
        #: Whether this writer turned the cyclic garbage collector off (see :meth:`_apply`).
        self._collector_paused = False
        self._encoded = isinstance(self._writer, EncodingWriter)
        self._batches = batches(self._writer.encoding() if self._encoded else None, procs)  # type: ignore[attr-defined]

    def _tracker(self) -> GroupTracker:
        if self._groups is None:
            self._groups = GroupTracker(self._index.engine.snapshot())
        return self._groups

    def add(self, document: Document | Mapping[str, Any], *, replace: bool = True) -> None:
        """Add ``document`` (a dict is read as a file's record is: :func:`~arsearch.documents.document_from_record`,
        :class:`~arsearch.errors.DocumentError` at once for one that cannot be a document), replacing any document
        with the same id (``replace=False`` when the caller knows there is none: no look-up of the id in every
        segment)."""
        if not isinstance(document, Document):
            document = document_from_record(document)
        self._changes.append((document, replace))
        if len(self._changes) >= BATCH:
            self._submit()

    def delete(self, doc_id: str) -> None:
        self._changes.append(doc_id)
        if len(self._changes) >= BATCH:
            self._submit()

    def _submit(self) -> None:
        if not self._changes:
            return
        changes, self._changes = self._changes, []
        documents = [change[0] for change in changes if isinstance(change, tuple)]
        for done, worked in self._batches.submit(changes, documents):
            self._apply(done, worked)

    def _apply(self, changes: list[Change], worked: list[Worked]) -> None:
        if not self._collector_paused and gc.isenabled():
            # What a writer keeps until its commit (its grouping's tables, the batches in flight) is long-lived:
            # every full collection walked all of it again.  Reference counting frees the rest (a change makes no
            # cycles); collection resumes at the commit.
            gc.disable()
            self._collector_paused = True
        groups = self._tracker()
        sketches = iter(prepared[0] for prepared, _ in worked)
        groups.look_ahead([change if isinstance(change, str) else (change[0].id, next(sketches), change[1])
                           for change in changes])
        answers = iter(worked)
        writer = self._writer
        for change in changes:
            if isinstance(change, str):
                groups.remove(change)
                writer.delete(change)
                continue
            document, replace = change
            prepared, encoded = next(answers)
            sketch = prepared[0]
            label = groups.assign(document.id, sketch, replace=replace)
            if self._encoded:  # the encoding holds the sketch and keywords already
                writer.add_encoded(StoredDocument(document, label), encoded, replace=replace)  # type: ignore[attr-defined]
            else:
                writer.add(StoredDocument(document, label, to_bytes(sketch), keywords(prepared)), replace=replace)

    def _flush(self) -> None:
        self._submit()
        for changes, worked in self._batches.drain():
            self._apply(changes, worked)

    def prepare_commit(self) -> None:
        """The work of :meth:`commit` that a Ctrl-C may still abandon: every change handed to the engine, and the
        engine's own preparation (an engine writer's optional ``prepare_commit``: Whoosh's worker processes
        finishing their segments).  Idempotent; :meth:`commit` calls it first."""
        if self._open:
            self._flush()
            prepare = getattr(self._writer, "prepare_commit", None)
            if prepare is not None:
                prepare()

    def commit(self) -> None:
        """Make the changes visible to new searches; a Ctrl-C during the commit takes effect after it (during
        :meth:`prepare_commit`, it cancels the writer)."""
        if self._open:
            try:
                self.prepare_commit()
            except BaseException:
                self.cancel()
                raise
            self._open = False
            try:
                with deferred_interrupt():
                    groups = self._tracker()
                    change, unsure = groups.change()
                    self._writer.commit()
                    if unsure:
                        change += GroupTracker.unsure_change(self._index.engine.snapshot(), unsure)
                    self._index._committed(self._generation, change, durable=self._durable)
            finally:
                self._resume_collector()
                self._index.write_lock.release()

    def cancel(self) -> None:
        if self._open:
            self._open = False
            self._changes.clear()
            self._batches.cancel()
            try:
                self._writer.cancel()
            finally:
                self._resume_collector()
                self._index.write_lock.release()

    def _resume_collector(self) -> None:
        if self._collector_paused:
            self._collector_paused = False
            gc.enable()

    def __enter__(self) -> IndexWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.cancel()

