"""Writing a tantivy index: documents analyzed by arsearch and handed to tantivy's writer as JSON, in the order the
changes were made.  The analysis is done in the worker processes of the index's pipeline (:meth:`encoding`, a
document's JSON without its group label) or, for a document given to :meth:`add`, here.

The changes reach tantivy's writer from a thread of the writer, in order: ``add_json`` parses the JSON without
the GIL for most of its work, so the indexing process groups the next documents meanwhile.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import Protocol

import tantivy

from arsearch.documents import writable
from arsearch.engine.api import Layout, LayoutEncoding, StoredDocument
from arsearch.engine.tantivy.schema import DocumentEncoder, with_group
from arsearch.errors import IndexLockedError

#: tantivy's smallest memory budget per indexing thread.
_MIN_THREAD_MB = 15
#: Changes waiting for the thread that hands them to tantivy.
_FEED = 1024


class WriterKeeper(Protocol):
    """Where a writer gets tantivy's writer, and gives it back after its commit (the engine)."""

    def tantivy_writer(self, heap: int, threads: int) -> tantivy.IndexWriter: ...

    def keep(self, writer: tantivy.IndexWriter) -> None: ...


class TantivyWriter:
    """One commit's changes.  Deletes and adds reach tantivy in the order they were made (a delete applies to
    the documents added before it)."""

    def __init__(self, engine: WriterKeeper, path: Path, layout: Layout, *, procs: int, memory_mb: int) -> None:
        self._engine = engine
        self._layout = layout
        threads = max(1, min(4, procs // 2))
        heap = max(memory_mb, _MIN_THREAD_MB * threads) * 1_000_000
        try:
            self._writer: tantivy.IndexWriter | None = engine.tantivy_writer(heap, threads)
        except ValueError as exc:
            raise IndexLockedError(f"index {path} is being updated by another program that holds tantivy's "
                                   f"write lock (.tantivy-writer.lock)") from exc
        #: ("add", JSON) or ("delete", id) in order, for :attr:`_feeder`; None ends it.
        self._feed: queue.Queue[tuple[str, str] | None] = queue.Queue(_FEED)
        self._feeder: threading.Thread | None = None
        self._failure: BaseException | None = None

    def encoding(self) -> LayoutEncoding:
        return LayoutEncoding(DocumentEncoder, self._layout)

    def add(self, stored: StoredDocument, *, replace: bool = True) -> None:
        self.add_encoded(stored, self.encoding()(stored), replace=replace)

    def add_encoded(self, stored: StoredDocument, encoded: object, *, replace: bool = True) -> None:
        doc_id = stored.document.id
        if replace:
            self._put(("delete", writable(doc_id)))
        self._put(("add", with_group(str(encoded), doc_id, stored.group)))

    def delete(self, doc_id: str) -> None:
        self._put(("delete", writable(doc_id)))

    def commit(self) -> None:
        writer = self._open()
        self._drain()
        self._writer = None
        writer.commit()
        self._engine.keep(writer)  # merging the new segments, until the engine settles

    def cancel(self) -> None:
        while True:  # what the thread has not taken yet is dropped
            try:
                self._feed.get_nowait()
            except queue.Empty:
                break
        try:
            self._drain()
        except Exception:  # a change that failed: cancelled with the rest
            pass
        if self._writer is not None:
            self._writer.rollback()
            self._engine.keep(self._writer)
            self._writer = None

    def _open(self) -> tantivy.IndexWriter:
        writer = self._writer
        assert writer is not None, "the writer was already committed or cancelled"
        return writer

    def _put(self, change: tuple[str, str]) -> None:
        if self._failure is not None:
            raise self._failure
        if self._feeder is None:
            self._feeder = threading.Thread(target=self._feeding, args=(self._open(),), name="arsearch-tantivy-feed",
                                            daemon=True)
            self._feeder.start()
        self._feed.put(change)

    def _feeding(self, writer: tantivy.IndexWriter) -> None:
        while True:
            change = self._feed.get()
            if change is None:
                return
            if self._failure is not None:
                continue
            kind, value = change
            try:
                if kind == "add":
                    writer.add_json(value)
                else:
                    writer.delete_documents_by_term("id", value)
            except BaseException as exc:  # raised in the indexing process's thread by the next change or the commit
                self._failure = exc

    def _drain(self) -> None:
        """Wait until the thread has handed every change to tantivy (and ended); raise what failed."""
        feeder, self._feeder = self._feeder, None
        if feeder is not None:
            self._feed.put(None)
            feeder.join()
        failure, self._failure = self._failure, None
        if failure is not None:
            raise failure
