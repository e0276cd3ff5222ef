"""``arsearch index PATH...``: read files into the index incrementally.

Changed documents are replaced, unchanged ones skipped (whole files skipped by size and mtime via the manifest
``arsearch-files.json``), and documents from files under PATH that are gone are removed.  Documents are written
in batches of ``batch_size`` (a big file is split over several), each its own commit; the manifest is written only
after a commit, and a file is recorded only once all its documents are committed, so it never claims more than the
index holds.  A run holds the index's write lock from start to end.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from arsearch.documents import Document
from arsearch.errors import IndexWriteError, Interrupted
from arsearch.index import Index
from arsearch.index.atomic import write_json_atomically
from arsearch.index.interrupts import deferred_interrupt
from arsearch.ingest.sources import Skipped, SourceFile, discover, read_documents, read_stream

MANIFEST_FILE = "arsearch-files.json"
DEFAULT_BATCH_SIZE = 5000
PROGRESS_EVERY = 50
#: Fewer documents per worker process than this are written in this process (starting workers costs more).
MIN_DOCS_PER_PROCESS = 200
#: A run writes the manifest of unchanged files after a batch's commit when this many times the last writing's
#: time has passed since it (and always at its end).
MANIFEST_WRITE_SHARE = 10


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

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of ``arsearch index --json`` (which adds the index folder)."""
        return {
            "files": self.files, "added": self.added, "updated": self.updated, "unchanged": self.unchanged,
            "removed": self.removed, "seconds": round(self.seconds, 3),
            "skipped": [{"where": s.where, "reason": s.reason} for s in self.skipped],
            "duplicate_ids": self.duplicate_ids,
        }


@dataclass(frozen=True)
class Progress:
    """Where a run is: ``documents`` counts documents written or found unchanged, ``bytes_done`` the bytes of the
    input files they take (by their place in their file), out of ``bytes_total``; ``phase`` is "reading",
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

    def __init__(self, path: Path, *, durable: bool = True) -> None:
        self.path = path
        self.durable = durable
        try:
            self.files: dict[str, dict[str, object]] = json.loads(path.read_text(encoding="utf-8"))["files"]
        except (OSError, ValueError, KeyError, TypeError):
            self.files = {}
        self.pending: dict[str, dict[str, object]] = {}
        #: Whether committed files are not yet on disk (see :meth:`commit`).
        self.unwritten = False
        self._written_at = self._write_seconds = 0.0

    def unchanged(self, source: SourceFile) -> tuple[list[str], list[Skipped]] | None:
        """The ids (in file order, repeats included) and the problems of ``source`` if it has not changed."""
        entry = self.files.get(str(source.path))
        if not entry or entry.get("size") != source.size or entry.get("mtime_ns") != source.mtime_ns:
            return None
        try:
            ids = [str(i) for i in entry.get("ids", [])]  # type: ignore[attr-defined]
            problems = [Skipped(str(w), str(r)) for w, r in entry.get("skipped", [])]  # type: ignore[attr-defined]
        except (TypeError, ValueError):
            return None
        return ids, problems

    def record(self, source: SourceFile, ids: list[str], problems: list[Skipped]) -> None:
        self.pending[str(source.path)] = {"size": source.size, "mtime_ns": source.mtime_ns, "ids": ids,
                                          "skipped": [[p.where, p.reason] for p in problems]}

    def commit(self, *, final: bool = True) -> None:
        """Record the pending files as committed; written to disk at once when ``final``, otherwise once the time
        since the last write is at least :data:`MANIFEST_WRITE_SHARE` times what that write took (at a million
        documents the file is tens of megabytes, and a run commits a batch every few seconds).  A manifest
        behind the index only costs the next run a reading of files whose documents it then finds unchanged."""
        self.files.update(self.pending)
        self.pending.clear()
        now = time.perf_counter()
        if not final and now - self._written_at < MANIFEST_WRITE_SHARE * self._write_seconds:
            self.unwritten = True
            return
        write_json_atomically(self.path, {"files": self.files}, durable=self.durable)
        self._written_at = time.perf_counter()
        self._write_seconds = self._written_at - now
        self.unwritten = False

    def forget(self, paths: set[str]) -> None:
        for p in paths:
            self.files.pop(p, None)


class _Ingest:
    def __init__(self, index: Index, report: IngestReport, batch_size: int, procs: int,
                 sources: Sequence[SourceFile], progress: ProgressCallback | None, durable: bool) -> None:
        self.index = index
        self.progress = progress
        self.run_paths = {str(s.path) for s in sources}
        self.files_total = len(sources)
        self.bytes_total = sum(s.size for s in sources)
        self.files_done = self.bytes_done = self.documents = 0
        #: Bytes of the files before the current one, and up to the record just read.
        self.file_start = self.read_position = 0
        #: Where each document of the batch ends in the input (for ``bytes_done`` once it is written).
        self.positions: dict[str, int] = {}
        self.report = report
        self.batch_size = batch_size
        self.procs = procs
        self.durable = durable
        self.manifest = _Manifest(index.path / MANIFEST_FILE, durable=durable)
        #: ``{id: (path, fingerprint)}`` as committed: at the start, then updated by each commit.
        self.stored = index.stored_states()
        self.at_start = dict(self.stored)
        #: What this run does to each id it reads: "added", "updated" or "unchanged" (the last copy decides).
        self.outcome: dict[str, str] = {}
        self.seen: set[str] = set()
        self.batch: dict[str, Document] = {}
        #: Documents added, replaced or deleted by the commits of this run.
        self.committed = 0
        self.uncommitted_deletions = 0

    def source(self, source: SourceFile) -> None:
        """Read one file (or count it unchanged from the manifest) into the current batch."""
        known = self.manifest.unchanged(source)
        if known is not None and self.unchanged_file(source, *known):
            return
        ids, problems = self.documents_of(read_documents(source, self.reading))
        self.report.skipped.extend(problems)
        if not ids and problems:
            self.keep_previous(str(source.path))
        else:
            self.manifest.record(source, ids, problems)

    def stream(self, stream: IO[bytes]) -> None:
        """Read the documents of a stream (standard input) into the current batch."""
        _, problems = self.documents_of(read_stream(stream))
        self.report.skipped.extend(problems)

    def documents_of(self, items: Iterable[Document | Skipped]) -> tuple[list[str], list[Skipped]]:
        ids: list[str] = []
        problems: list[Skipped] = []
        for item in items:
            if isinstance(item, Skipped):
                problems.append(item)
            else:
                self.document(item)
                ids.append(item.id)
                if len(self.batch) >= self.batch_size:
                    self.flush()
        return ids, problems

    def reading(self, done: int) -> None:
        """Told by the reader where in the current file the next document ends."""
        self.read_position = self.file_start + done

    def next_file(self, source: SourceFile) -> None:
        self.files_done += 1
        self.file_start += source.size
        self.read_position = self.file_start
        if not self.batch:  # all its documents are written (or were unchanged)
            self.bytes_done = self.file_start
        self.tell("reading")

    def unchanged_file(self, source: SourceFile, ids: list[str], problems: list[Skipped]) -> bool:
        """Count a file the manifest knows as unchanged, without reading it, if its documents are all still
        the ones in the index; the problems it had are reported again."""
        unique = list(dict.fromkeys(ids))
        path = str(source.path)
        if any(i in self.seen or self.stored.get(i, ("", ""))[0] != path for i in unique):
            return False  # an id also in an earlier file, or replaced since: read it, so the last copy wins
        self.seen.update(unique)
        self.outcome.update(dict.fromkeys(unique, "unchanged"))
        self.documents += len(unique)
        self.report.duplicate_ids.extend(ids[n] for n in range(len(ids)) if ids[n] in ids[:n])
        self.report.skipped.extend(problems)
        self.manifest.record(source, ids, problems)
        return True

    def document(self, doc: Document) -> None:
        state = (doc.path, doc.fingerprint())
        before = self.at_start.get(doc.id)
        if doc.id in self.seen:
            self.report.duplicate_ids.append(doc.id)
            self.batch.pop(doc.id, None)
            self.positions.pop(doc.id, None)
        elif before is not None and before[0] != doc.path and before[0] not in self.run_paths \
                and os.path.exists(before[0]):
            self.report.duplicate_ids.append(doc.id)  # a file outside this run has this id too: last wins
        self.seen.add(doc.id)
        self.outcome[doc.id] = "added" if before is None else "unchanged" if before == state else "updated"
        if self.stored.get(doc.id) != state:
            self.batch[doc.id] = doc
            self.positions[doc.id] = self.read_position
        else:
            self.documents += 1
            if not self.batch:
                self.bytes_done = max(self.bytes_done, self.read_position)
            if self.documents % PROGRESS_EVERY == 0:
                self.tell("reading")

    def tell(self, phase: str) -> None:
        if self.progress:
            self.progress(Progress(self.files_done, self.files_total, self.bytes_done, self.bytes_total,
                                   self.documents, phase))

    def count(self) -> None:
        outcomes = list(self.outcome.values())
        self.report.added = outcomes.count("added")
        self.report.updated = outcomes.count("updated")
        self.report.unchanged = outcomes.count("unchanged")

    def keep_previous(self, path: str) -> None:
        """A file that could not be read at all keeps the documents it had."""
        self.seen.update(i for i, (p, _) in self.stored.items() if p == path)

    def flush(self, deletions: Sequence[str] = (), *, final: bool = False) -> None:
        if not (self.batch or deletions or self.manifest.pending or self.manifest.unwritten or final):
            return
        if not (self.batch or deletions):
            self.manifest.commit(final=final)
            return
        self.uncommitted_deletions = len(deletions)
        procs = self.procs if len(self.batch) >= MIN_DOCS_PER_PROCESS * self.procs else 1
        writer = self.index.writer(procs=procs, durable=self.durable)
        try:
            for n, doc in enumerate(self.batch.values(), start=1):
                writer.add(doc, replace=doc.id in self.stored)
                self.documents += 1
                self.bytes_done = max(self.bytes_done, self.positions[doc.id])
                if n % PROGRESS_EVERY == 0:
                    self.tell("writing")
            for doc_id in deletions:
                writer.delete(doc_id)
            self.tell("committing")
            writer.prepare_commit()  # interruptible: the engine's work before the commit itself
        except BaseException:
            writer.cancel()
            raise
        with deferred_interrupt():  # a Ctrl-C now takes effect once the batch and the manifest are committed
            writer.commit()
            for doc in self.batch.values():
                self.stored[doc.id] = (doc.path, doc.fingerprint())
            self.committed += len(self.batch) + len(deletions)
            self.batch.clear()
            self.positions.clear()
            self.bytes_done = max(self.bytes_done, self.read_position)
            self.uncommitted_deletions = 0
            self.manifest.commit(final=final)

    def interrupted(self) -> Interrupted:
        return Interrupted(f"interrupted: {self.what_was_kept()}; run the same command again to finish")

    def write_failed(self, exc: OSError) -> IndexWriteError:
        return IndexWriteError(f"cannot write to the index at {self.index.path} ({exc.strerror or exc}): "
                               f"{self.what_was_kept()}")

    def what_was_kept(self) -> str:
        kept = f"{self.committed} documents committed by this run are kept"
        if self.batch or self.uncommitted_deletions:
            deletions = f", {self.uncommitted_deletions} deletions" if self.uncommitted_deletions else ""
            return (f"the current batch ({len(self.batch)} documents read since the last commit{deletions}) "
                    f"was discarded; {kept}")
        return f"stopped between batches, nothing was discarded; {kept}"

    def removals(self, roots: list[str]) -> list[str]:
        def under_root(path: str) -> bool:
            return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)

        return sorted(i for i, (p, _) in self.stored.items() if i not in self.seen and under_root(p))


def index_paths(index: Index, paths: Sequence[str | Path], *, batch_size: int = DEFAULT_BATCH_SIZE,
                procs: int = 1, progress: ProgressCallback | None = None, wait: float = 0.0,
                stream: IO[bytes] | None = None, durable: bool = True, exclude: Sequence[str] = ()) -> IngestReport:
    """Bring ``index`` up to date with the files under ``paths``, less those ``exclude``'s glob patterns match
    (:func:`~arsearch.ingest.sources.discover`; the documents of a file excluded are removed as a deleted file's).

    Holds the index's write lock for the whole run, waiting up to ``wait`` seconds for another writer
    (:class:`~arsearch.errors.IndexLockedError` after that).  On an exception the current batch is discarded and
    earlier batches stay committed; on Ctrl-C the same happens and :class:`~arsearch.errors.Interrupted` says
    how many documents were committed and discarded (:class:`~arsearch.errors.IndexWriteError` when the index
    cannot be written, a full disk say).

    ``procs`` > 1 writes each large batch with that many worker processes (each batch then adds ``procs``
    segments).  ``stream``: documents to read after the files, such as standard input (see
    :func:`~arsearch.ingest.sources.read_stream`); they are not removed by a later run.  ``durable`` (the default):
    each batch's commit survives a power loss or an OS crash once made (fsync'ed); False skips the fsyncs, for a
    bulk load that can be run again.
    """
    index.write_lock.acquire(wait)
    try:
        return _index_paths(index, paths, batch_size, procs, progress, stream, durable, exclude)
    finally:
        index.write_lock.release()


def _index_paths(index: Index, paths: Sequence[str | Path], batch_size: int, procs: int,
                 progress: ProgressCallback | None, stream: IO[bytes] | None,
                 durable: bool, exclude: Sequence[str] = ()) -> IngestReport:
    started = time.perf_counter()
    report = IngestReport()
    sources, skipped = discover(paths, exclude, not_into=[index.path])
    own = os.path.realpath(index.path) + os.sep  # the index's own files, when it sits inside a folder given
    sources = [s for s in sources if not os.path.realpath(s.path).startswith(own)]
    report.skipped.extend(skipped)
    report.files = len(sources)
    run = _Ingest(index, report, batch_size, procs, sources, progress, durable)
    try:
        for source in sources:
            run.source(source)
            run.next_file(source)
        if stream is not None:
            run.stream(stream)
        roots = [os.path.abspath(p) for p in paths if os.path.exists(p)]
        gone = run.removals(roots)
        report.removed = len(gone)
        run.manifest.forget({p for p in run.manifest.files if not os.path.exists(p)})
        run.flush(gone, final=True)
        run.count()
    except KeyboardInterrupt:
        raise run.interrupted() from None
    except OSError as exc:  # the input's errors are Skipped items: this one is the index's (a full disk, say)
        raise run.write_failed(exc) from exc
    report.seconds = time.perf_counter() - started
    return report
