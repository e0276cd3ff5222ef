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
from arsearch.index.words import (READ_LIMIT, WordCounts, WordsChange, WrittenWords, is_current,
                                  unwritten_on_disk)
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
        #: The engine underneath, one of :data:`arsearch.engine.ENGINES` (fixed when the index was created).
        self.engine_name = engine_name(meta)
        self.settings = AnalyzerSettings(**meta["analyzer"])
        self.analyzer = Analyzer(self.settings)
        #: How much more a word in a document's lead weighs (see :data:`arsearch.engine.api.LEAD_WORDS`).
        self.lead_weight = float(meta.get("lead_weight", 0.0))
        #: Held by :class:`IndexWriter` and for a whole ``index_paths`` run.
        self.write_lock = IndexLock(path, on_release=engine.settle)
        #: Whether documents are grouped by near-duplicates (index format 3 and later).
        self.has_groups = int(meta["format"]) >= GROUPS_FORMAT
        #: (generation, tracker) of the last commit of this process's writers, reused by the next writer.
        self._groups_state: tuple[int, GroupTracker] | None = None
        #: (generation, counts) of the words of the last commit of this process's writers, and what :meth:`words`
        #: last read.
        self._words_state: tuple[int, WordCounts] | None = None
        self._written: WrittenWords | None = None

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
            meta = new_meta(settings, lead_weight, kind.name)
            created = kind.create(path, Layout(settings, lead_weight, groups=True))
            WordCounts().save(path, created.generation())
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

    def _words_committed(self, change: WordsChange, removed: list[set[str]], before: int) -> None:
        """After a writer's commit: the words file of the new generation, from the counts of ``before`` (the
        generation the writer started from) changed by the writer, or read again from the stored text."""
        state, self._words_state = self._words_state, None
        counts = state[1] if state is not None and state[0] == before else WordCounts.load(self.path, before)
        after = self.engine.snapshot()
        if counts is None:
            counts = WordCounts.of_snapshot(after)
        else:
            change.apply(counts, removed, after)
        generation = self.engine.generation()
        self._written = counts.save(self.path, generation)
        self._words_state = (generation, counts)

    def refresh_words(self, wait: float = 0.0) -> None:
        """Write the words file of the latest commit from the stored text when it has none (an index of an older
        arsearch, or a crash between a commit and its words file), under the write lock (waiting up to ``wait``
        seconds for another writer).  About a second per thousand documents; nothing when the file is current."""
        self.write_lock.acquire(wait)
        try:
            generation = self.engine.generation()
            if not is_current(self.path, generation):
                counts = WordCounts.of_snapshot(self.engine.snapshot())
                self._written = counts.save(self.path, generation)
                self._words_state = (generation, counts)
        finally:
            self.write_lock.release()

    # reading ---------------------------------------------------------------------------------------------

    def writes_all(self, keys: list[str]) -> bool:
        """Whether the indexed text writes every one of ``keys`` (normalized words), looked up in the words file
        without reading it all when :meth:`words` has not read it yet; True when the index has no words."""
        generation = self.engine.generation()
        cached = self._written
        if cached is None or cached.generation != generation:
            unwritten = unwritten_on_disk(self.path, generation, keys)
            if unwritten is not None:
                return not unwritten
            cached = self.words()
            if cached is None:
                return True
        return all(cached.spelling(key) is not None for key in keys)

    def words(self) -> WrittenWords | None:
        """The words of the indexed text as written (what did-you-mean suggests), for the latest commit; None when
        its words file is missing or of another commit and the index is too big to read it now (more than
        :data:`~arsearch.index.words.READ_LIMIT` documents): the next commit writes it."""
        generation = self.engine.generation()
        cached = self._written
        if cached is not None and cached.generation == generation:
            return cached
        found = WrittenWords.load(self.path, generation)
        if found is None:
            snapshot = self.snapshot()
            if snapshot.doc_count() > READ_LIMIT:
                return None
            found = WrittenWords.of_counts(WordCounts.of_snapshot(snapshot), generation)
        self._written = found
        return found

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
            engine=self.engine_name,
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
