"""The engine contract (:mod:`arsearch.engine.api`) on a tantivy index folder: creating and opening it, one
snapshot per thread, and the writer."""

from __future__ import annotations

import json
import os
import threading
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tantivy

from arsearch.engine.api import Layout
from arsearch.engine.tantivy.schema import TOKENIZERS, build_schema, field_names
from arsearch.engine.tantivy.snapshot import TantivySnapshot
from arsearch.errors import IndexFormatError

if TYPE_CHECKING:  # imported by writer(): a search process never writes
    from arsearch.engine.tantivy.writing import TantivyWriter

#: tantivy's table of contents: the segments of the last commit, replaced atomically by each commit.
META_FILE = "meta.json"
#: Tries at a searcher whose segments are those ``meta.json`` lists while commits keep coming.
_OPEN_ATTEMPTS = 5


class TantivyKind:
    name = "tantivy"
    #: tantivy's own locks: removing one while another process holds it would let a second writer in.
    kept_on_rebuild = frozenset({".tantivy-writer.lock", ".tantivy-meta.lock"})

    def exists(self, path: Path) -> bool:
        return (path / META_FILE).is_file()

    def create(self, path: Path, layout: Layout) -> TantivyEngine:
        path.mkdir(parents=True, exist_ok=True)
        return TantivyEngine(path, tantivy.Index(build_schema(), path=str(path), reuse=False), layout)

    def open(self, path: Path, layout: Layout) -> TantivyEngine:
        try:
            engine = TantivyEngine(path, tantivy.Index.open(str(path)), layout)
            engine.check_schema()
            engine.snapshot()  # opens the segments, so damage shows here, not mid-query
        except IndexFormatError:
            raise
        except Exception as exc:  # tantivy raises ValueError or OSError for a damaged folder
            raise IndexFormatError(f"cannot open the index at {path}, it is damaged ({type(exc).__name__}: {exc})",
                                   rebuild=True) from exc
        return engine


class TantivyEngine:
    """An open tantivy index: one searcher per thread, refreshed when ``meta.json`` changes."""

    def __init__(self, path: Path, ix: tantivy.Index, layout: Layout) -> None:
        self.path = path
        self.tantivy = ix
        self.layout = layout
        self.schema = ix.schema
        self.fields = field_names()
        ix.config_reader(reload_policy="manual")
        self._local = threading.local()
        self._reload_lock = threading.Lock()
        self._kept: tantivy.IndexWriter | None = None
        #: the last generation read, with the stamp of the ``meta.json`` it was read from
        self._generation: tuple[tuple[int, int, int], int] | None = None

    def check_schema(self) -> None:
        """IndexFormatError when the folder's fields are not those this arsearch writes."""
        with open(self.path / META_FILE, encoding="utf-8") as handle:
            schema = json.load(handle).get("schema", [])
        found = {field["name"] for field in schema}
        if found != set(self.fields):
            raise IndexFormatError(f"the tantivy index at {self.path} was written by another version of arsearch (its "
                                   f"fields differ: {', '.join(sorted(found ^ set(self.fields)))})", rebuild=True)
        tokenized = {field["name"]: field.get("options", {}).get("indexing", {}).get("tokenizer")
                     for field in schema if field.get("type") == "text"}
        if tokenized != TOKENIZERS:
            changed = sorted(name for name in TOKENIZERS if tokenized.get(name) != TOKENIZERS[name])
            raise IndexFormatError(f"the tantivy index at {self.path} was written by another version of arsearch (it "
                                   f"splits the terms of {', '.join(changed)} otherwise)", rebuild=True)

    def snapshot(self) -> TantivySnapshot:
        current: TantivySnapshot | None = getattr(self._local, "snapshot", None)
        if current is not None and current.is_current():
            return current
        fresh = self._fresh_snapshot()
        self._local.snapshot = fresh
        return fresh

    def _fresh_snapshot(self) -> TantivySnapshot:
        """A searcher on the last commit, with the sizes of its segments from the same ``meta.json``: read before
        and after the reload, they must agree (a commit in between starts again)."""
        for _ in range(_OPEN_ATTEMPTS):
            before = self._stamp()
            segments = _segments(self._meta())
            with self._reload_lock:
                self.tantivy.reload()
                searcher = self.tantivy.searcher()
            if self._stamp() == before and searcher.num_segments == len(segments) \
                    and searcher.num_docs == sum(size - deleted for size, deleted in segments):
                return TantivySnapshot(searcher, self.schema, self.fields, [size for size, _ in segments],
                                       partial(self._is_stamp, before))
        raise IndexFormatError(f"the index at {self.path} kept changing while it was opened "
                               f"({_OPEN_ATTEMPTS} tries); try again")

    def _meta(self) -> dict[str, Any]:
        with open(self.path / META_FILE, encoding="utf-8") as handle:
            found: dict[str, Any] = json.load(handle)
        return found

    def _is_stamp(self, stamp: tuple[int, int, int]) -> bool:
        return self._stamp() == stamp

    def _stamp(self) -> tuple[int, int, int]:
        """What changes when a commit replaces ``meta.json``."""
        status = os.stat(self.path / META_FILE)
        return status.st_ino, status.st_mtime_ns, status.st_size

    def writer(self, *, procs: int = 1, memory_mb: int = 256, durable: bool = True) -> TantivyWriter:
        """``durable`` cannot be turned off: tantivy fdatasyncs a commit's segment files and its ``meta.json`` (an
        atomic replace) before the commit returns, whatever it is asked (seen with strace)."""
        from arsearch.engine.tantivy.writing import TantivyWriter

        return TantivyWriter(self, self.path, self.layout, procs=procs, memory_mb=memory_mb)

    def tantivy_writer(self, heap: int, threads: int) -> tantivy.IndexWriter:
        """The writer the last commit kept (its merges still running), or a new one; ValueError when another
        program holds tantivy's write lock."""
        kept, self._kept = self._kept, None
        return kept if kept is not None else self.tantivy.writer(heap_size=heap, num_threads=threads)

    def keep(self, writer: tantivy.IndexWriter) -> None:
        """A committed (or rolled back) writer, for the next writer of this process: tantivy merges segments in
        the background meanwhile, instead of the indexing process waiting for every merge at every commit."""
        self.settle()
        self._kept = writer

    def settle(self) -> None:
        kept, self._kept = self._kept, None
        if kept is not None:
            kept.wait_merging_threads()  # and releases tantivy's write lock

    def generation(self) -> int:
        stamp = self._stamp()
        known = self._generation
        if known is not None and known[0] == stamp:
            return known[1]
        found = int(self._meta().get("opstamp", 0))
        if self._stamp() == stamp:  # no commit while it was read
            self._generation = (stamp, found)
        return found

    def close(self) -> None:
        self.settle()
        self._local = threading.local()


def _segments(meta: dict[str, Any]) -> list[tuple[int, int]]:
    """``(documents, deleted)`` of each segment of a commit, in the searcher's order."""
    found = []
    for segment in meta.get("segments", []):
        deletes = segment.get("deletes") or {}
        found.append((int(segment["max_doc"]), int(deletes.get("num_deleted_docs", 0))))
    return found
