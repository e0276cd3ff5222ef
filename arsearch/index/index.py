"""An arsearch index: an engine's index in a folder plus ``arsearch.json`` (format, engine, analyzer settings)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from arsearch.analysis import Analyzer, AnalyzerSettings, Token
from arsearch.documents import Document
from arsearch.engine import DEFAULT_ENGINE, engine_kind
from arsearch.engine.api import DEFAULT_LEAD_WEIGHT, Engine, EngineKind, Layout, Snapshot
from arsearch.errors import IndexFormatError, IndexNotFoundError
from arsearch.index.grouping import group_counts
from arsearch.index.locking import HOLDER_FILE, LOCK_FILE, IndexLock
from arsearch.index.meta import (GROUP_COUNTS, META_FILE, GroupCounts, check_lead_weight, engine_name,
                                 group_counts_of, new_meta, read_meta, touch, write_meta)
from arsearch.index.stats import IndexStats
from arsearch.index.writer import IndexWriter, renamed_memory_mb

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
        #: The engine underneath, one of :data:`arsearch.engine.ENGINES` (fixed when the index was created).
        self.engine_name = engine_name(meta)
        self.settings = AnalyzerSettings(**meta["analyzer"])
        self.analyzer = Analyzer(self.settings)
        #: How much more a word in a document's lead weighs (see :data:`arsearch.engine.api.LEAD_WORDS`).
        self.lead_weight = float(meta["lead_weight"])
        #: Held by :class:`IndexWriter` and for a whole ``index_paths`` run.
        self.write_lock = IndexLock(path, on_release=engine.settle)
        #: (generation, counts) of the last pass over the group labels (when the metadata's counts were of
        #: another commit).
        self._counted: tuple[int, GroupCounts] | None = None

    # lifecycle -------------------------------------------------------------------------------------------

    @staticmethod
    def exists(path: str | Path) -> bool:
        path = Path(path)
        return (path / META_FILE).is_file() and _kind_of(path).exists(path)

    @classmethod
    def create(cls, path: str | Path, settings: AnalyzerSettings | None = None, *,
               overwrite: bool = False, wait: float = 0.0, lead_weight: float = DEFAULT_LEAD_WEIGHT,
               engine: str | None = None) -> Index:
        """Create an empty index; an existing one is replaced only with ``overwrite=True``, under the write lock
        (waiting up to ``wait`` seconds for another writer).  ``lead_weight``: how many times more a word counts
        in the first words of a document (0 turns it off; kept by the index).  ``engine``: one of
        :data:`arsearch.engine.ENGINES`, kept by the index (None: the default, Whoosh)."""
        lead_weight = check_lead_weight(lead_weight)
        kind = engine_kind(engine or DEFAULT_ENGINE)
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
            created = kind.create(path, Layout(settings, lead_weight))
            meta = new_meta(settings, lead_weight, kind.name, created.generation())
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
        layout = Layout(AnalyzerSettings(**meta["analyzer"]), float(meta["lead_weight"]))
        return cls(path, kind.open(path, layout), meta)

    @classmethod
    def open_or_create(cls, path: str | Path, settings: AnalyzerSettings | None = None, *,
                       wait: float = 0.0, engine: str | None = None) -> Index:
        """Open the index at ``path`` (checking ``settings`` and ``engine`` match if given) or create it (under the
        write lock, waiting up to ``wait`` seconds, so that two processes starting at once do not both create
        it) with ``engine`` (None: the default engine)."""
        try:
            if not cls.exists(path):
                return cls.create(path, settings, wait=wait, engine=engine)
        except IndexFormatError:
            if not cls.exists(path):
                raise  # created by another process in the meantime: open it below
        index = cls.open(path)
        if engine is not None and engine != index.engine_name:
            index.close()
            raise IndexFormatError(f"the index at {path} is a {index.engine_name} index; it must be rebuilt to use "
                                   f"the {engine} engine", rebuild=True)
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

    def writer(self, *, procs: int = 1, memory_mb: int = 256, wait: float = 0.0, durable: bool = True,
               limitmb: int | None = None) -> IndexWriter:
        """``with index.writer() as w: w.add(doc)`` — committed when the block ends without an exception.

        One writer at a time per index, across processes and threads: another one raises
        :class:`IndexLockedError` unless it finishes within ``wait`` seconds.  ``durable`` (the default): once
        the commit returns it survives a power loss or an OS crash (its files are fsync'ed); False skips the
        fsyncs, for bulk loads that can be run again.  ``memory_mb``: how much the engine's writer may hold in
        memory before it writes out (``limitmb``, the old name, still works with a ``DeprecationWarning``)."""
        memory_mb = renamed_memory_mb(memory_mb, limitmb)
        return IndexWriter(self, procs=procs, memory_mb=memory_mb, wait=wait, durable=durable)

    def add(self, documents: Iterable[Document | dict[str, Any]]) -> int:
        """Add (or replace) documents and commit, all or none; dicts are read as a file's records are
        (:func:`~arsearch.documents.document_from_record`; :class:`~arsearch.errors.DocumentError` for one that
        cannot be a document, and nothing is committed)."""
        count = 0
        with self.writer() as w:
            for doc in documents:
                w.add(doc)
                count += 1
        return count

    def delete(self, doc_ids: Iterable[str]) -> None:
        with self.writer() as w:
            for doc_id in doc_ids:
                w.delete(doc_id)

    def _committed(self, before: int, change: GroupCounts, *, durable: bool = True) -> None:
        """After a writer's commit: record the update and the group counts of the new generation, those of
        ``before`` (the generation the writer started from) moved by ``change``, or counted again when the
        metadata's counts are of another commit."""
        try:
            meta = read_meta(self.path)
        except IndexFormatError:
            meta = self.meta
        counts = group_counts_of(meta, before)
        counts = counts + change if counts is not None else group_counts(self.engine.snapshot())
        meta[GROUP_COUNTS] = counts.stamped(self.engine.generation())
        touch(self.path, meta, durable=durable)
        self.meta = meta

    # reading ---------------------------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The latest commit, for the calling thread (one per thread, refreshed when the index has changed)."""
        return self.engine.snapshot()

    def analyze(self, text: str) -> list[Token]:
        return self.analyzer.tokens(text)

    def document_count(self) -> int:
        return self.snapshot().doc_count()

    def get(self, doc_id: str) -> dict[str, Any] | None:
        """The stored fields of one document (:data:`~arsearch.engine.api.STORED_FIELDS`), or None."""
        return self.snapshot().get(doc_id, sketch=False)

    def stored_states(self) -> dict[str, tuple[str, str]]:
        """``{id: (path, fingerprint)}`` for every live document (no stored text loaded)."""
        return {doc_id: (path, fingerprint) for doc_id, path, fingerprint in self.snapshot().states()}

    def stats(self, *, count_terms: bool = False) -> IndexStats:
        """What is in the index, without a pass over its documents or terms; ``count_terms``: also count the
        distinct terms (a pass over the term dictionaries; else ``terms`` is None)."""
        generation = self.engine.generation()
        snapshot = self.snapshot()
        engine = snapshot.stats()
        size = sum(f.stat().st_size for f in self.path.iterdir() if f.is_file())
        self._read_meta()  # another process may have committed since this Index was opened
        counts = self._group_counts(generation)
        holder = self.write_lock.holder()
        return IndexStats(
            path=str(self.path),
            documents=engine.documents,
            deleted=engine.deleted,
            terms=snapshot.count_terms() if count_terms else None,
            segments=engine.segments,
            size_bytes=size,
            analyzer=dict(self.meta["analyzer"]),
            format=int(self.meta["format"]),
            arsearch_version=str(self.meta.get("arsearch_version", "")),
            created=str(self.meta.get("created", "")),
            updated=str(self.meta.get("updated", "")),
            updating=asdict(holder) if holder else None,
            lead_weight=self.lead_weight,
            duplicate_groups=counts.groups,
            grouped_documents=counts.documents,
            engine=self.engine_name,
        )

    def _read_meta(self) -> None:
        try:
            self.meta = read_meta(self.path)
        except IndexFormatError:
            pass

    def _group_counts(self, generation: int) -> GroupCounts:
        """The counts the metadata keeps for ``generation`` (or for the commit made since it was read); else, after
        a crash between a commit and its metadata, one pass over the group labels, remembered for the commit."""
        counts = group_counts_of(self.meta, generation)
        if counts is None:
            latest = self.engine.generation()
            if latest != generation:
                generation = latest
                self._read_meta()
                counts = group_counts_of(self.meta, generation)
        if counts is not None:
            return counts
        counted = self._counted
        if counted is None or counted[0] != generation:
            counted = self._counted = (generation, group_counts(self.snapshot()))
        return counted[1]


def _kind_of(path: Path) -> EngineKind:
    """The engine named in the folder's metadata (the default when it names none or cannot be read: opening the
    folder then says what is wrong with it)."""
    try:
        meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        meta = None
    name = meta.get("engine") if isinstance(meta, dict) else None
    return engine_kind(name if isinstance(name, str) else DEFAULT_ENGINE)


def _check_not_a_file(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise IndexNotFoundError(f"{path} is a file, not an index folder", path=str(path), is_file=True)
