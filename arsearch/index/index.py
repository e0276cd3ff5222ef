"""An arsearch index: an engine's index in a folder plus ``arsearch.json`` (format, engine, analyzer settings)."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from arsearch.analysis import Analyzer, AnalyzerSettings, Token
from arsearch.documents import Document
from arsearch.engine import DEFAULT_ENGINE, engine_kind
from arsearch.engine.api import DEFAULT_LEAD_WEIGHT, Engine, EngineKind, Layout, Snapshot
from arsearch.errors import IndexFormatError, IndexNotFoundError
from arsearch.index.grouping import GroupTracker, group_sizes
from arsearch.index.locking import HOLDER_FILE, LOCK_FILE, IndexLock
from arsearch.index.meta import (GROUPS_FORMAT, META_FILE, check_lead_weight, engine_name, new_meta, read_meta,
                                 touch, write_meta)
from arsearch.index.records import document_from_dict
from arsearch.index.stats import IndexStats
from arsearch.index.writer import IndexWriter

#: Files that stay when an index is rebuilt: removing a lock file while it is held would let a second writer in.
_KEPT_ON_REBUILD = frozenset({LOCK_FILE, HOLDER_FILE})


class Index:
    """A search index in a folder.  Use :meth:`create`, :meth:`open` or :meth:`open_or_create`.

    Thread safety: searching (:meth:`snapshot`, :func:`arsearch.search`, :meth:`get`, :meth:`document_count`,
    :meth:`stats`, :meth:`analyze`) is safe from many threads at once.  Writing is one writer at a time per index,
    across threads and processes (:meth:`writer` raises :class:`IndexLockedError` otherwise); one
    :class:`IndexWriter` must not be used by several threads, and :meth:`close` must not run during searches.
    """

    def __init__(self, path: Path, engine: Engine, meta: dict[str, Any]) -> None:
        self.path = path
        self.engine = engine
        self.meta = meta
        self.settings = AnalyzerSettings(**meta["analyzer"])
        self.analyzer = Analyzer(self.settings)
        #: How much more a word in a document's lead weighs (see :data:`arsearch.engine.api.LEAD_WORDS`).
        self.lead_weight = float(meta.get("lead_weight", 0.0))
        #: Held by :class:`IndexWriter` and for a whole ``index_paths`` run.
        self.write_lock = IndexLock(path)
        #: Whether documents are grouped by near-duplicates (index format 3 and later).
        self.has_groups = int(meta["format"]) >= GROUPS_FORMAT
        #: (generation, tracker) of the last commit of this process's writers, reused by the next writer.
        self._groups_state: tuple[int, GroupTracker] | None = None

    # lifecycle -------------------------------------------------------------------------------------------

    @staticmethod
    def exists(path: str | Path) -> bool:
        path = Path(path)
        return (path / META_FILE).is_file() and _kind_of(path).exists(path)

    @classmethod
    def create(cls, path: str | Path, settings: AnalyzerSettings | None = None, *,
               overwrite: bool = False, wait: float = 0.0, lead_weight: float = DEFAULT_LEAD_WEIGHT,
               engine: str = DEFAULT_ENGINE) -> Index:
        """Create an empty index; an existing one is replaced only with ``overwrite=True``, under the write lock
        (waiting up to ``wait`` seconds for another writer).  ``lead_weight``: how many times more a word counts
        in the first words of a document (0 turns it off; kept by the index).  ``engine``: one of
        :data:`arsearch.engine.ENGINES`, kept by the index."""
        lead_weight = check_lead_weight(lead_weight)
        kind = engine_kind(engine)
        path = Path(path)
        _check_not_a_file(path)
        lock = IndexLock(path)
        lock.acquire(wait)
        try:
            if cls.exists(path):
                if not overwrite:
                    raise IndexFormatError(f"an index already exists at {path}")
                cls._remove_contents(path)
            settings = settings or AnalyzerSettings()
            meta = new_meta(settings, lead_weight, kind.name)
            created = kind.create(path, Layout(settings, lead_weight, groups=True))
            write_meta(path, meta)
            return cls(path, created, meta)
        finally:
            lock.release()

    @classmethod
    def open(cls, path: str | Path) -> Index:
        path = Path(path)
        _check_not_a_file(path)
        if not path.is_dir():
            raise IndexNotFoundError(f"no index at {path}", path=str(path), missing=True)
        kind = _kind_of(path)
        if not (path / META_FILE).is_file() or not kind.exists(path):
            raise IndexNotFoundError(f"{path} is not an arsearch index (no {META_FILE} or no {kind.name} index)",
                                     path=str(path))
        meta = read_meta(path)  # the engine it names is ``kind``: _kind_of read the same file
        layout = Layout(AnalyzerSettings(**meta["analyzer"]), float(meta.get("lead_weight", 0)),
                        groups=int(meta["format"]) >= GROUPS_FORMAT)
        return cls(path, kind.open(path, layout), meta)

    @classmethod
    def open_or_create(cls, path: str | Path, settings: AnalyzerSettings | None = None, *,
                       wait: float = 0.0) -> Index:
        """Open the index at ``path`` (checking ``settings`` match if given) or create it (under the write lock,
        waiting up to ``wait`` seconds, so that two processes starting at once do not both create it)."""
        try:
            if not cls.exists(path):
                return cls.create(path, settings, wait=wait)
        except IndexFormatError:
            if not cls.exists(path):
                raise  # created by another process in the meantime: open it below
        index = cls.open(path)
        if settings is not None and settings != index.settings:
            raise IndexFormatError(
                f"the index at {path} uses stemmer {index.settings.stemmer!r}; it must be rebuilt to use "
                f"{settings.stemmer!r}", rebuild=True)
        return index

    @staticmethod
    def _remove_contents(path: Path) -> None:
        """Everything but the lock files; ``arsearch.json`` first, so that a half-removed folder is no index."""
        kept = _KEPT_ON_REBUILD | _kind_of(path).kept_on_rebuild
        (path / META_FILE).unlink(missing_ok=True)
        for child in path.iterdir():
            if child.name in kept:
                continue
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()

    def close(self) -> None:
        """Close every thread's snapshot; do not call it while other threads are still searching."""
        self.engine.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # writing ---------------------------------------------------------------------------------------------

    def writer(self, *, procs: int = 1, limitmb: int = 256, wait: float = 0.0, durable: bool = True) -> IndexWriter:
        """``with index.writer() as w: w.add(doc)`` — committed when the block ends without an exception.

        One writer at a time per index, across processes and threads: another one raises
        :class:`IndexLockedError` unless it finishes within ``wait`` seconds.  ``durable`` (the default): once
        the commit returns it survives a power loss or an OS crash (its files are fsync'ed); False skips the
        fsyncs, for bulk loads that can be run again."""
        return IndexWriter(self, procs=procs, limitmb=limitmb, wait=wait, durable=durable)

    def add(self, documents: Iterable[Document | dict[str, Any]]) -> int:
        """Add (or replace) documents and commit; dicts use :class:`Document`'s field names."""
        count = 0
        with self.writer() as w:
            for doc in documents:
                w.add(doc if isinstance(doc, Document) else document_from_dict(doc))
                count += 1
        return count

    def delete(self, doc_ids: Iterable[str]) -> None:
        with self.writer() as w:
            for doc_id in doc_ids:
                w.delete(doc_id)

    def _group_tracker(self) -> GroupTracker:
        """The near-duplicate state of the last commit; called by a writer, which holds the write lock."""
        state, self._groups_state = self._groups_state, None  # the writer changes it: no longer a commit's state
        if state is not None and state[0] == self.engine.generation():
            return state[1]
        return GroupTracker.load(self.engine.snapshot())

    def _committed(self, tracker: GroupTracker | None, *, durable: bool = True) -> None:
        """After a writer's commit: record the update; ``tracker`` is the state of the new generation."""
        touch(self.path, self.meta, durable=durable)
        self._keep_group_tracker(tracker)

    def _keep_group_tracker(self, tracker: GroupTracker | None) -> None:
        """``tracker`` is the state of the latest generation (None: forget it, e.g. on cancel)."""
        self._groups_state = (self.engine.generation(), tracker) if tracker is not None else None

    # reading ---------------------------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The latest commit, for the calling thread (one per thread, refreshed when the index has changed)."""
        return self.engine.snapshot()

    def analyze(self, text: str) -> list[Token]:
        return self.analyzer.tokens(text)

    def document_count(self) -> int:
        return self.snapshot().doc_count()

    def get(self, doc_id: str) -> dict[str, Any] | None:
        """The stored fields of one document, or None."""
        snapshot = self.snapshot()
        docnum = snapshot.document_number(doc_id)
        return snapshot.stored(docnum) if docnum is not None else None

    def stored_states(self) -> dict[str, tuple[str, str]]:
        """``{id: (path, fingerprint)}`` for every live document, read from columns (no stored text loaded)."""
        snapshot = self.snapshot()
        ids, paths, prints = (snapshot.column(name) for name in ("id", "path", "fingerprint"))
        return {str(ids[n]): (str(paths[n]), str(prints[n])) for n in snapshot.live_documents()}

    def stats(self) -> IndexStats:
        snapshot = self.snapshot()
        engine = snapshot.stats()
        size = sum(f.stat().st_size for f in self.path.iterdir() if f.is_file())
        try:  # another process may have committed since this Index was opened
            self.meta = read_meta(self.path)
        except IndexFormatError:
            pass
        holder = self.write_lock.holder()
        return IndexStats(
            path=str(self.path),
            documents=engine.documents,
            deleted=engine.deleted,
            terms=engine.terms,
            segments=engine.segments,
            size_bytes=size,
            analyzer=dict(self.meta["analyzer"]),
            format=int(self.meta["format"]),
            arsearch_version=str(self.meta.get("arsearch_version", "")),
            created=str(self.meta.get("created", "")),
            updated=str(self.meta.get("updated", "")),
            updating=asdict(holder) if holder else None,
            lead_weight=self.lead_weight,
            **self._group_counts(snapshot),
        )

    def _group_counts(self, snapshot: Snapshot) -> dict[str, int]:
        if not self.has_groups:
            return {"duplicate_groups": 0, "grouped_documents": 0}
        sizes: Counter[str] = group_sizes(snapshot)
        shared = [n for n in sizes.values() if n > 1]
        return {"duplicate_groups": len(shared), "grouped_documents": sum(shared)}


def _kind_of(path: Path) -> EngineKind:
    """The engine named in the folder's metadata (the default when it names none or cannot be read)."""
    try:
        meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
        name = engine_name(meta) if isinstance(meta, dict) else DEFAULT_ENGINE
    except (OSError, ValueError):
        name = DEFAULT_ENGINE
    return engine_kind(name)


def _check_not_a_file(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise IndexNotFoundError(f"{path} is a file, not an index folder", path=str(path), is_file=True)
