"""The engine contract (:mod:`arsearch.engine.api`) on a Whoosh index folder: creating and opening it, one
snapshot per thread, and the writer."""

from __future__ import annotations

import os
import re
import threading
import weakref
from pathlib import Path
from typing import Any

import whoosh.index
from whoosh.index import LockError
from whoosh.searching import Searcher
from whoosh.writing import SegmentWriter

from arsearch.documents import writable
from arsearch.engine.api import Layout, StoredDocument
from arsearch.engine.whoosh.durable import create_index, open_index, writing_view
from arsearch.engine.whoosh.merging import merge_bounded
from arsearch.engine.whoosh.schema import build_schema, joined_values
from arsearch.engine.whoosh.snapshot import WhooshSnapshot
from arsearch.engine.whoosh.term_tables import TermTables
from arsearch.engine.whoosh.writing import FastMpWriter, FastSegmentWriter, abandon
from arsearch.errors import IndexFormatError, IndexLockedError

#: Whoosh writes ``_MAIN_<gen>.toc.<time>`` and renames it; a writer killed in between leaves it behind.
_TOC_TEMP_RE = re.compile(r"^_MAIN_\d+\.toc\.")
_TOC_RE = re.compile(r"^_MAIN_\d+\.toc$")
#: Tries at a searcher whose files are all open while commits keep coming (see ``WhooshEngine._fresh_searcher``).
_OPEN_ATTEMPTS = 5


class WhooshKind:
    name = "whoosh"
    #: Whoosh's own write lock: removing it while another process holds it would let a second writer in.
    kept_on_rebuild = frozenset({"MAIN_WRITELOCK"})

    def exists(self, path: Path) -> bool:
        """Whether the folder holds a Whoosh TOC, without reading it (``whoosh.index.exists_in`` reads it and
        raises on a damaged one)."""
        try:
            return any(_TOC_RE.match(name) for name in os.listdir(path))
        except OSError:
            return False

    def create(self, path: Path, layout: Layout) -> WhooshEngine:
        return WhooshEngine(path, create_index(path, build_schema(layout)))

    def open(self, path: Path, layout: Layout) -> WhooshEngine:
        try:
            engine = WhooshEngine(path, open_index(path, build_schema(layout)))
            engine.snapshot()  # reads the TOC and opens the segments, so damage shows here, not mid-query
        except Exception as exc:  # Whoosh raises many types for a damaged TOC or segment
            raise IndexFormatError(f"cannot open the index at {path}, it is damaged ({type(exc).__name__}: {exc})",
                                   rebuild=True) from exc
        return engine


class WhooshEngine:
    """An open Whoosh index; one searcher per thread.

    A Whoosh reader reads its files by seek-then-read on shared file objects, so two threads searching through
    one reader corrupt each other's reads (checked: "Block tag error", zlib errors).  A changed index gets a new
    searcher, not ``Searcher.refresh()``: whoosh-reloaded 2.7.5's refresh adds the old reader's segments to the
    new ones, so after a merge it counts documents twice (checked: 11 instead of 6), and it fails on an index
    that was empty.  The old searcher is left to the garbage collector, so a snapshot still held by the caller
    keeps working on its commit.
    """

    def __init__(self, path: Path, ix: whoosh.index.FileIndex) -> None:
        self.path = path
        self.whoosh = ix
        self._local = threading.local()
        self._searchers: weakref.WeakSet[Searcher] = weakref.WeakSet()
        self._searchers_lock = threading.Lock()
        self._term_tables = TermTables()

    def snapshot(self) -> WhooshSnapshot:
        current: WhooshSnapshot | None = getattr(self._local, "snapshot", None)
        if current is not None and current.is_current():
            return current
        fresh = WhooshSnapshot(self._fresh_searcher(), self._term_tables)
        self._local.snapshot = fresh
        with self._searchers_lock:
            if current is not None:
                self._searchers.discard(current.searcher)
            self._searchers.add(fresh.searcher)
        return fresh

    def _fresh_searcher(self) -> Searcher:
        """A new searcher with every column file of its segments already open.

        A writer deletes the files of the segments it merged away as soon as it commits. Files a searcher has open
        stay readable, but Whoosh opens column files on first use, so a search that began before such a commit
        failed on a column it had not read yet (TypeError in ``stored_fields``, seen under load in
        benchmarks/server_load.py). If the index changes while the files are being opened, some may be gone:
        start again on the new commit."""
        for _ in range(_OPEN_ATTEMPTS):
            searcher = self.whoosh.searcher()
            try:
                open_column_files(searcher, self.whoosh.storage.list())
                if searcher.up_to_date():
                    return searcher
            except OSError:
                pass
            searcher.close()
        return self.whoosh.searcher()

    def writer(self, *, procs: int = 1, memory_mb: int = 256, durable: bool = True) -> WhooshWriter:
        return WhooshWriter(self, procs=procs, memory_mb=memory_mb, durable=durable)

    def generation(self) -> int:
        return int(self.whoosh.latest_generation())

    def settle(self) -> None:
        """Nothing runs after a Whoosh commit: it merges segments before it returns."""

    def close(self) -> None:
        with self._searchers_lock:
            for searcher in list(self._searchers):
                searcher.close()
            self._searchers.clear()
        self._local = threading.local()
        self._term_tables.clear()
        self.whoosh.close()


class WhooshWriter:
    def __init__(self, engine: WhooshEngine, *, procs: int, memory_mb: int, durable: bool) -> None:
        for child in engine.path.iterdir():  # temporary TOC files of a killed writer (Whoosh removes its segments)
            if _TOC_TEMP_RE.match(child.name):
                child.unlink(missing_ok=True)
        # compound=False: Whoosh opens a compound segment by copying each of its files into a BytesIO (0.4 s for
        # the 12 segments of the full corpus, on every open); separate files are read in place.
        kwargs: dict[str, Any] = {"limitmb": memory_mb, "compound": False}
        if procs > 1:
            kwargs.update(procs=procs, multisegment=True)
        writer_class = FastMpWriter if procs > 1 else FastSegmentWriter
        try:
            self._writer: SegmentWriter = writer_class(writing_view(engine.whoosh, sync=durable), **kwargs)
        except LockError as exc:
            raise IndexLockedError(f"index {engine.path} is being updated by another program that holds Whoosh's "
                                   f"write lock (MAIN_WRITELOCK)") from exc

    def add(self, stored: StoredDocument, *, replace: bool = True) -> None:
        document = stored.document
        fields: dict[str, Any] = {name: joined_values(values) for name, values in stored.keywords.items() if values}
        if stored.group:
            fields["group"] = stored.group
        write = self._writer.update_document if replace else self._writer.add_document
        write(
            **fields,
            id=document.id,
            title=document.title,
            content=document.content,
            author=document.author,
            date=document.date,
            source=document.source,
            url=document.url,
            path=document.path,
            fingerprint=document.fingerprint(),
            sketch=stored.sketch,
        )

    def delete(self, doc_id: str) -> None:
        self._writer.delete_by_term("id", writable(doc_id))

    def prepare_commit(self) -> None:
        """The work of the commit that can still be abandoned (worker processes finishing their segments, merges):
        interruptible, unlike :meth:`commit`."""
        if isinstance(self._writer, FastMpWriter):
            try:
                self._writer.prepare_commit(merge_bounded)
            except BaseException:
                abandon(self._writer)
                raise

    def commit(self) -> None:
        try:
            self._writer.commit(mergetype=merge_bounded)
        except BaseException:
            abandon(self._writer)
            raise

    def cancel(self) -> None:
        abandon(self._writer)  # like SegmentWriter.cancel, but it still releases the lock when a file cannot close


def open_column_files(searcher: Searcher, files: list[str]) -> None:
    """Open the column files (``<segment>.<column>.col`` among ``files``) of every segment ``searcher`` reads, and
    answer which columns exist from them."""
    for leaf, _ in searcher.reader().leaf_readers():
        perdoc = getattr(leaf, "_perdoc", None)
        if perdoc is None or not hasattr(perdoc, "_colfiles") or leaf.segment().is_compound():
            continue  # an empty index, or a segment in one compound file (opened with the reader)
        prefix = leaf.segment().make_filename(".")
        columns = {name[len(prefix):-len(".col")] for name in files
                   if name.startswith(prefix) and name.endswith(".col")}
        for column in columns - set(perdoc._colfiles):  # what W3PerDocReader.column_reader does on first use
            perdoc._colfiles[column] = perdoc._get_column_file(column)
        # W3PerDocReader.has_column asks whether the file exists *now*; the answer must stay that of this commit
        perdoc.has_column = columns.__contains__
