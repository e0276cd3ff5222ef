"""``arsearch index PATH...``: read files into the index incrementally.

Changed documents are replaced, unchanged ones skipped (whole files skipped by size and mtime via the manifest
``arsearch-files.json``), and documents from files under PATH that are gone are removed.  Documents are written
in batches, each its own commit; the manifest is written only after a commit, so it never claims more than the
index holds.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from arsearch.documents import Document
from arsearch.index import Index, _write_json_atomically
from arsearch.sources import Skipped, SourceFile, discover, read_documents

MANIFEST_FILE = "arsearch-files.json"
DEFAULT_BATCH_SIZE = 5000
PROGRESS_EVERY = 50
#: Fewer documents per worker process than this are written in this process (starting workers costs more).
MIN_DOCS_PER_PROCESS = 200


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    duplicate_ids: list[str] = field(default_factory=list)
    files: int = 0
    seconds: float = 0.0

    @property
    def indexed(self) -> int:
        return self.added + self.updated + self.unchanged


@dataclass(frozen=True)
class Progress:
    """Where a run is: ``documents`` counts documents written or found unchanged; ``phase`` is "reading",
    "writing" or "committing"."""

    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int
    documents: int
    phase: str = "reading"


ProgressCallback = Callable[[Progress], None]


class _Manifest:
    """``{abs path: {"size", "mtime_ns", "ids"}}`` for files whose documents are all committed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.files: dict[str, dict[str, object]] = json.loads(path.read_text(encoding="utf-8"))["files"]
        except (OSError, ValueError, KeyError, TypeError):
            self.files = {}
        self.pending: dict[str, dict[str, object]] = {}

    def unchanged_ids(self, source: SourceFile) -> list[str] | None:
        entry = self.files.get(str(source.path))
        if entry and entry.get("size") == source.size and entry.get("mtime_ns") == source.mtime_ns:
            return list(entry.get("ids", []))  # type: ignore[call-overload]
        return None

    def record(self, source: SourceFile, ids: list[str]) -> None:
        self.pending[str(source.path)] = {"size": source.size, "mtime_ns": source.mtime_ns, "ids": ids}

    def commit(self) -> None:
        self.files.update(self.pending)
        self.pending.clear()
        _write_json_atomically(self.path, {"files": self.files})

    def forget(self, paths: set[str]) -> None:
        for p in paths:
            self.files.pop(p, None)


class _Ingest:
    def __init__(self, index: Index, report: IngestReport, batch_size: int, procs: int,
                 sources: Sequence[SourceFile], progress: ProgressCallback | None) -> None:
        self.index = index
        self.progress = progress
        self.files_total = len(sources)
        self.bytes_total = sum(s.size for s in sources)
        self.files_done = self.bytes_done = self.documents = 0
        self.report = report
        self.batch_size = batch_size
        self.procs = procs
        self.manifest = _Manifest(index.path / MANIFEST_FILE)
        self.stored = index.stored_states()
        self.run_paths = {str(s.path) for s in sources}
        self.kinds: dict[str, str] = {}  # id -> "added" | "updated" | "unchanged", for this run
        self.batch: dict[str, Document] = {}

    def source(self, source: SourceFile) -> None:
        """Read one file (or skip it when the manifest shows it unchanged) into the current batch."""
        ids = self.manifest.unchanged_ids(source)
        if ids is not None and all(self._committed_from_this_run(i, str(source.path)) for i in ids):
            for doc_id in ids:
                self._classify(doc_id, "unchanged")
            self.manifest.record(source, ids)
            self.documents += len(ids)
            return
        ids = []
        problems: list[Skipped] = []
        for item in read_documents(source):
            if isinstance(item, Skipped):
                problems.append(item)
            else:
                self.document(item)
                ids.append(item.id)
        self.report.skipped.extend(problems)
        if not ids and problems:
            self.keep_previous(str(source.path))
        else:
            self.manifest.record(source, ids)
        if len(self.batch) >= self.batch_size:
            self.flush()

    def _committed_from_this_run(self, doc_id: str, path: str) -> bool:
        """The stored copy of ``doc_id`` came from ``path``, or from another file of this run (a duplicate id)."""
        state = self.stored.get(doc_id)
        return state is not None and (state[0] == path or state[0] in self.run_paths)

    def tell(self, phase: str) -> None:
        if self.progress:
            self.progress(Progress(self.files_done, self.files_total, self.bytes_done, self.bytes_total,
                                   self.documents, phase))

    def _classify(self, doc_id: str, kind: str) -> None:
        """Count ``doc_id`` once per run: a later copy of a duplicate id replaces the earlier one (last wins)."""
        previous = self.kinds.get(doc_id)
        if previous is not None:
            self.report.duplicate_ids.append(doc_id)
            setattr(self.report, previous, getattr(self.report, previous) - 1)
            self.batch.pop(doc_id, None)
        self.kinds[doc_id] = kind
        setattr(self.report, kind, getattr(self.report, kind) + 1)

    def document(self, doc: Document) -> None:
        state = self.stored.get(doc.id)
        if state is not None and state == (doc.path, doc.fingerprint()):
            self._classify(doc.id, "unchanged")
            self.documents += 1
            return
        if state is not None and doc.id not in self.kinds and state[0] != doc.path \
                and state[0] not in self.run_paths and os.path.exists(state[0]):
            self.report.duplicate_ids.append(doc.id)  # another file, outside this run, had this id
        self._classify(doc.id, "added" if state is None else "updated")
        self.batch[doc.id] = doc

    def keep_previous(self, path: str) -> None:
        """A file that could not be read at all keeps the documents it had."""
        for doc_id, (stored_path, _) in self.stored.items():
            if stored_path == path and doc_id not in self.kinds:
                self.kinds[doc_id] = "kept"

    def flush(self, deletions: Sequence[str] = (), *, final: bool = False) -> None:
        if not (self.batch or deletions or self.manifest.pending or final):
            return
        if self.batch or deletions:
            procs = self.procs if len(self.batch) >= MIN_DOCS_PER_PROCESS * self.procs else 1
            with self.index.writer(procs=procs) as writer:
                for n, doc in enumerate(self.batch.values(), start=1):
                    writer.add(doc, replace=doc.id in self.stored)
                    self.documents += 1
                    if n % PROGRESS_EVERY == 0:
                        self.tell("writing")
                for doc_id in deletions:
                    writer.delete(doc_id)
                self.tell("committing")
        for doc in self.batch.values():
            self.stored[doc.id] = (doc.path, doc.fingerprint())
        self.batch.clear()
        self.manifest.commit()

    def removals(self, roots: list[str]) -> list[str]:
        def under_root(path: str) -> bool:
            return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)

        return sorted(i for i, (p, _) in self.stored.items() if i not in self.kinds and under_root(p))


def index_paths(index: Index, paths: Sequence[str | Path], *, batch_size: int = DEFAULT_BATCH_SIZE,
                procs: int = 1, progress: ProgressCallback | None = None) -> IngestReport:
    """Bring ``index`` up to date with the files under ``paths``.

    ``procs`` > 1 writes each large batch with that many worker processes (each batch then adds ``procs``
    segments).

    On an exception (or Ctrl-C) the current batch is discarded; earlier batches stay committed.
    """
    started = time.perf_counter()
    report = IngestReport()
    sources, skipped = discover(paths)
    report.skipped.extend(skipped)
    report.files = len(sources)
    run = _Ingest(index, report, batch_size, procs, sources, progress)
    for source in sources:
        run.source(source)
        run.files_done += 1
        run.bytes_done += source.size
        run.tell("reading")
    roots = [os.path.abspath(p) for p in paths if os.path.exists(p)]
    gone = run.removals(roots)
    report.removed = len(gone)
    run.manifest.forget({p for p in run.manifest.files if not os.path.exists(p)})
    run.flush(gone, final=True)
    report.seconds = time.perf_counter() - started
    return report
