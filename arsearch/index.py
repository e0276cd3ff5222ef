"""An arsearch index: a Whoosh index in a folder plus ``arsearch.json`` (format and analyzer settings)."""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
import weakref
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any

import whoosh.index
from whoosh.index import LockError
from whoosh.searching import Searcher as WhooshSearcher
from whoosh.writing import SegmentWriter

from arsearch import __version__
from arsearch.analysis import ANALYZER_VERSION, Analyzer, AnalyzerSettings, Token
from arsearch.atomic import write_json_atomically
from arsearch.documents import Document
from arsearch.grouping import GroupTracker, group_sizes
from arsearch.near_duplicates import sketch, to_bytes
from arsearch.errors import IndexFormatError, IndexLockedError, IndexNotFoundError
from arsearch.interrupts import deferred_interrupt
from arsearch.locking import HOLDER_FILE, LOCK_FILE, IndexLock
from arsearch.merging import merge_bounded
from arsearch.schema import DEFAULT_LEAD_WEIGHT, build_schema
from arsearch.writing import FastMpWriter, FastSegmentWriter

#: Bump when the layout of the folder or the schema changes; older formats stay readable.
#: 2: content postings weigh the lead (``lead_weight`` in the metadata; format 1 had none).
#: 3: near-duplicate groups (``group`` and ``sketch`` fields, :mod:`arsearch.grouping`); formats 1 and 2 are
#: read and updated without them (searches do not collapse) until rebuilt.
INDEX_FORMAT = 3
#: The first format with near-duplicate groups.
GROUPS_FORMAT = 3
META_FILE = "arsearch.json"
DEFAULT_INDEX_DIR = "index"
INDEX_ENV_VAR = "ARSEARCH_INDEX"
#: Files that stay when an index is rebuilt: removing a lock file while it is held would let a second writer in.
_KEPT_ON_REBUILD = frozenset({LOCK_FILE, HOLDER_FILE, "MAIN_WRITELOCK"})
#: Whoosh writes ``_MAIN_<gen>.toc.<time>`` and renames it; a writer killed in between leaves it behind.
_TOC_TEMP_RE = re.compile(r"^_MAIN_\d+\.toc\.")
_TOC_RE = re.compile(r"^_MAIN_\d+\.toc$")


def default_index_path() -> Path:
    """``$ARSEARCH_INDEX`` if set, else ``index/`` in the current folder."""
    return Path(os.environ.get(INDEX_ENV_VAR) or DEFAULT_INDEX_DIR)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class IndexStats:
    path: str
    documents: int
    deleted: int
    terms: int
    segments: int
    size_bytes: int
    analyzer: dict[str, object]
    format: int
    arsearch_version: str
    created: str
    updated: str
    #: The process updating the index right now (``{"pid", "host", "started"}``), or None.
    updating: dict[str, object] | None = None
    #: How many times more a word counts in a document's first words (0: format 1 indexes).
    lead_weight: float = 0.0
    #: Groups of near-duplicates with two or more live documents, and the documents in them (0: before format 3).
    duplicate_groups: int = 0
    grouped_documents: int = 0


class IndexWriter:
    """Adds and deletes documents; commits on a clean exit from ``with``, discards everything on an exception.

    Holds the index's write lock (see :mod:`arsearch.locking`) from creation to commit or cancel; ``wait`` is how
    many seconds to wait for another writer to finish before raising :class:`IndexLockedError`.
    """

    def __init__(self, index: Index, *, procs: int = 1, limitmb: int = 256, wait: float = 0.0) -> None:
        self._index = index
        index.write_lock.acquire(wait)
        try:
            index._remove_leftovers()
            # compound=False: Whoosh opens a compound segment by copying each of its files into a BytesIO (0.4 s
            # for the 12 segments of the full corpus, on every open); separate files are read in place.
            kwargs: dict[str, Any] = {"limitmb": limitmb, "compound": False}
            if procs > 1:
                kwargs.update(procs=procs, multisegment=True)
            writer_class = FastMpWriter if procs > 1 else FastSegmentWriter
            self._writer: SegmentWriter = writer_class(index.whoosh, **kwargs)
        except LockError as exc:
            index.write_lock.release()
            raise IndexLockedError(f"index {index.path} is being updated by another program that holds "
                                   f"Whoosh's write lock (MAIN_WRITELOCK)") from exc
        except BaseException:
            index.write_lock.release()
            raise
        self._open = True
        #: Near-duplicate state, loaded on the first add or delete (None: the index has no groups).
        self._groups: GroupTracker | None = None

    def _tracker(self) -> GroupTracker | None:
        if self._groups is None and self._index.has_groups:
            self._groups = self._index._group_tracker()
        return self._groups

    def add(self, document: Document, *, replace: bool = True) -> None:
        """Add ``document``, replacing any document with the same id (``replace=False`` when the caller knows
        there is none: no look-up of the id in every segment)."""
        write = self._writer.update_document if replace else self._writer.add_document
        groups = self._tracker()
        extra: dict[str, Any] = {}
        if groups is not None:
            signature = sketch(document.content)
            extra = {"group": groups.assign(document.id, signature), "sketch": to_bytes(signature)}
        write(
            **extra,
            id=document.id,
            title=document.title,
            content=document.content,
            author=document.author,
            date=document.date,
            source=document.source,
            url=document.url,
            path=document.path,
            fingerprint=document.fingerprint(),
        )

    def delete(self, doc_id: str) -> None:
        self._writer.delete_by_term("id", doc_id)
        groups = self._tracker()
        if groups is not None:
            groups.remove(doc_id)

    def commit(self) -> None:
        """Make the changes visible to new searchers; a Ctrl-C during the commit takes effect after it."""
        if self._open:
            self._open = False
            try:
                with deferred_interrupt():
                    self._writer.commit(mergetype=merge_bounded)
                    self._index._touch()
                    self._index._keep_group_tracker(self._groups)
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


class Index:
    """A search index in a folder.  Use :meth:`create`, :meth:`open` or :meth:`open_or_create`.

    Thread safety: searching (:meth:`searcher`, :func:`arsearch.search`, :meth:`get`, :meth:`document_count`,
    :meth:`stats`, :meth:`analyze`) is safe from many threads at once.  Writing is one writer at a time per index,
    across threads and processes (:meth:`writer` raises :class:`IndexLockedError` otherwise); one
    :class:`IndexWriter` must not be used by several threads, and :meth:`close` must not run during searches.
    """

    def __init__(self, path: Path, whoosh_index: whoosh.index.FileIndex, meta: dict[str, Any]) -> None:
        self.path = path
        self.whoosh = whoosh_index
        self.meta = meta
        self.settings = AnalyzerSettings(**meta["analyzer"])
        self.analyzer = Analyzer(self.settings)
        #: How much more a word in a document's lead weighs (see :class:`arsearch.schema.ArabicText`).
        self.lead_weight = float(meta.get("lead_weight", 0.0))
        #: Held by :class:`IndexWriter` and for a whole ``index_paths`` run.
        self.write_lock = IndexLock(path)
        self._local = threading.local()
        self._searchers: weakref.WeakSet[WhooshSearcher] = weakref.WeakSet()
        self._searchers_lock = threading.Lock()
        #: Whether documents are grouped by near-duplicates (index format 3 and later).
        self.has_groups = int(meta["format"]) >= GROUPS_FORMAT
        #: (generation, tracker) of the last commit of this process's writers, reused by the next writer.
        self._groups_state: tuple[int, GroupTracker] | None = None

    # lifecycle -------------------------------------------------------------------------------------------

    @staticmethod
    def exists(path: str | Path) -> bool:
        path = Path(path)
        return (path / META_FILE).is_file() and _has_toc(path)

    @classmethod
    def create(cls, path: str | Path, settings: AnalyzerSettings | None = None, *,
               overwrite: bool = False, wait: float = 0.0, lead_weight: float = DEFAULT_LEAD_WEIGHT) -> Index:
        """Create an empty index; an existing one is replaced only with ``overwrite=True``, under the write lock
        (waiting up to ``wait`` seconds for another writer).  ``lead_weight``: how many times more a word counts
        in the first words of a document (0 turns it off; kept by the index)."""
        lead_weight = _lead_weight(lead_weight)
        path = Path(path)
        _check_not_a_file(path)
        lock = IndexLock(path)
        lock.acquire(wait)
        try:
            if cls.exists(path):
                if not overwrite:
                    raise IndexFormatError(f"an index already exists at {path}")
                cls._remove_contents(path)
            return cls._create(path, settings or AnalyzerSettings(), lead_weight)
        finally:
            lock.release()

    @classmethod
    def _create(cls, path: Path, settings: AnalyzerSettings, lead_weight: float) -> Index:
        meta = {
            "format": INDEX_FORMAT,
            "arsearch_version": __version__,
            "analyzer": settings.to_dict(),
            "lead_weight": lead_weight,
            "created": _now(),
            "updated": _now(),
        }
        ix = whoosh.index.create_in(str(path), build_schema(settings, lead_weight, groups=True))
        write_json_atomically(path / META_FILE, meta)
        return cls(path, ix, meta)

    @classmethod
    def open(cls, path: str | Path) -> Index:
        path = Path(path)
        _check_not_a_file(path)
        if not path.is_dir():
            raise IndexNotFoundError(f"no index at {path}: create one with `arsearch index PATH --index {path}`")
        meta_path = path / META_FILE
        if not meta_path.is_file() or not _has_toc(path):
            raise IndexNotFoundError(f"{path} is not an arsearch index (no {META_FILE} or no Whoosh index)")
        meta = cls._read_meta(meta_path)
        settings = AnalyzerSettings(**meta["analyzer"])
        schema = build_schema(settings, float(meta.get("lead_weight", 0)), groups=int(meta["format"]) >= GROUPS_FORMAT)
        try:
            ix = whoosh.index.open_dir(str(path), schema=schema)
            index = cls(path, ix, meta)
            index.searcher()  # reads the TOC and opens the segments, so damage shows here, not mid-query
        except Exception as exc:  # Whoosh raises many types for a damaged TOC or segment
            raise IndexFormatError(f"cannot open the index at {path}, it is damaged ({type(exc).__name__}: "
                                   f"{exc}): rebuild it with `arsearch index --rebuild`") from exc
        return index

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
                f"the index at {path} uses stemmer {index.settings.stemmer!r}; "
                f"rebuild it to use {settings.stemmer!r} (arsearch index --rebuild)")
        return index

    @staticmethod
    def _read_meta(meta_path: Path) -> dict[str, Any]:
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            fmt = int(meta["format"])
            analyzer = dict(meta["analyzer"])
            _lead_weight(meta.get("lead_weight", 0))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IndexFormatError(f"{meta_path} is damaged: {exc}") from exc
        if fmt > INDEX_FORMAT:
            raise IndexFormatError(
                f"the index at {meta_path.parent} has format {fmt}, newer than this arsearch supports "
                f"({INDEX_FORMAT}): upgrade arsearch")
        if (analyzer.get("version") != ANALYZER_VERSION or analyzer.get("stemmer") not in ("light", "none")
                or set(analyzer) != set(AnalyzerSettings().to_dict())):
            raise IndexFormatError(
                f"the index at {meta_path.parent} was built with analyzer settings {analyzer}, this arsearch "
                f"uses analyzer version {ANALYZER_VERSION}: rebuild it with `arsearch index --rebuild`")
        return meta

    @staticmethod
    def _remove_contents(path: Path) -> None:
        """Everything but the lock files; ``arsearch.json`` first, so that a half-removed folder is no index."""
        (path / META_FILE).unlink(missing_ok=True)
        for child in path.iterdir():
            if child.name in _KEPT_ON_REBUILD:
                continue
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()

    def _remove_leftovers(self) -> None:
        """Temporary TOC files of a writer that was killed (Whoosh deletes its orphan segments itself)."""
        for child in self.path.iterdir():
            if _TOC_TEMP_RE.match(child.name):
                child.unlink(missing_ok=True)

    def _touch(self) -> None:
        self.meta["updated"] = _now()
        self.meta["arsearch_version"] = __version__
        write_json_atomically(self.path / META_FILE, self.meta)

    def close(self) -> None:
        """Close every thread's searcher; do not call it while other threads are still searching."""
        with self._searchers_lock:
            for searcher in list(self._searchers):
                searcher.close()
            self._searchers.clear()
        self._local = threading.local()
        self.whoosh.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # writing ---------------------------------------------------------------------------------------------

    def writer(self, *, procs: int = 1, limitmb: int = 256, wait: float = 0.0) -> IndexWriter:
        """``with index.writer() as w: w.add(doc)`` — committed when the block ends without an exception.

        One writer at a time per index, across processes and threads: another one raises
        :class:`IndexLockedError` unless it finishes within ``wait`` seconds."""
        return IndexWriter(self, procs=procs, limitmb=limitmb, wait=wait)

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
        if state is not None and state[0] == self.whoosh.latest_generation():
            return state[1]
        with self.whoosh.searcher() as searcher:
            return GroupTracker.load(searcher.reader())

    def _keep_group_tracker(self, tracker: GroupTracker | None) -> None:
        """After a commit: ``tracker`` is the state of the new generation (None: forget it, e.g. on cancel)."""
        self._groups_state = (self.whoosh.latest_generation(), tracker) if tracker is not None else None

    # reading ---------------------------------------------------------------------------------------------

    def searcher(self) -> WhooshSearcher:
        """A Whoosh searcher on the latest commit, refreshed when the index has changed.

        One per thread: a Whoosh reader reads its files by seek-then-read on shared file objects, so two threads
        searching through one reader corrupt each other's reads (checked: "Block tag error", zlib errors).
        A changed index gets a new searcher, not ``Searcher.refresh()``: whoosh-reloaded 2.7.5's refresh adds the
        old reader's segments to the new ones, so after a merge it counts documents twice (checked: 11 instead
        of 6), and it fails on an index that was empty.  The old searcher is left to the garbage collector, so
        one still held by the caller keeps working on its commit.
        """
        current: WhooshSearcher | None = getattr(self._local, "searcher", None)
        if current is not None and current.up_to_date():
            return current
        fresh = self._searcher_with_open_files()
        self._local.searcher = fresh
        with self._searchers_lock:
            if current is not None:
                self._searchers.discard(current)
            self._searchers.add(fresh)
        return fresh

    def _searcher_with_open_files(self) -> WhooshSearcher:
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

    def analyze(self, text: str) -> list[Token]:
        return self.analyzer.tokens(text)

    def document_count(self) -> int:
        return self.searcher().doc_count()

    def get(self, doc_id: str) -> dict[str, Any] | None:
        """The stored fields of one document, or None."""
        fields = self.searcher().document(id=doc_id)
        return dict(fields) if fields else None

    def stored_states(self) -> dict[str, tuple[str, str]]:
        """``{id: (path, fingerprint)}`` for every live document, read from columns (no stored text loaded)."""
        reader = self.searcher().reader()
        if reader.doc_count() == 0:
            return {}
        ids = reader.column_reader("id")
        paths = reader.column_reader("path")
        prints = reader.column_reader("fingerprint")
        return {ids[n]: (paths[n], prints[n]) for n in reader.all_doc_ids()}

    def stats(self) -> IndexStats:
        searcher = self.searcher()
        reader = searcher.reader()
        size = sum(f.stat().st_size for f in self.path.iterdir() if f.is_file())
        terms = sum(1 for _ in reader.all_terms())
        try:  # another process may have committed since this Index was opened
            self.meta = self._read_meta(self.path / META_FILE)
        except IndexFormatError:
            pass
        holder = self.write_lock.holder()
        return IndexStats(
            path=str(self.path),
            documents=searcher.doc_count(),
            deleted=searcher.doc_count_all() - searcher.doc_count(),
            terms=terms,
            segments=len(self.whoosh._segments()),
            size_bytes=size,
            analyzer=dict(self.meta["analyzer"]),
            format=int(self.meta["format"]),
            arsearch_version=str(self.meta.get("arsearch_version", "")),
            created=str(self.meta.get("created", "")),
            updated=str(self.meta.get("updated", "")),
            updating=asdict(holder) if holder else None,
            lead_weight=self.lead_weight,
            **self._group_counts(searcher),
        )

    def _group_counts(self, searcher: WhooshSearcher) -> dict[str, int]:
        if not self.has_groups:
            return {"duplicate_groups": 0, "grouped_documents": 0}
        sizes = group_sizes(searcher.reader())
        shared = [n for n in sizes.values() if n > 1]
        return {"duplicate_groups": len(shared), "grouped_documents": sum(shared)}


#: Tries at a searcher whose files are all open while commits keep coming (see ``Index._searcher_with_open_files``).
_OPEN_ATTEMPTS = 5


def open_column_files(searcher: WhooshSearcher, files: list[str]) -> None:
    """Open the column files (``<segment>.<column>.col`` among ``files``) of every segment ``searcher`` reads, and
    answer which columns exist from them."""
    for leaf, _ in searcher.reader().leaf_readers():
        perdoc = getattr(leaf, "_perdoc", None)
        if perdoc is None or not hasattr(perdoc, "_colfiles") or leaf.segment().is_compound():
            continue  # an empty index, or a segment in one compound file (opened with the reader)
        prefix = leaf.segment().make_filename(".")
        columns = {name[len(prefix):-len(".col")] for name in files if name.startswith(prefix) and name.endswith(".col")}
        for column in columns - set(perdoc._colfiles):  # what W3PerDocReader.column_reader does on first use
            perdoc._colfiles[column] = perdoc._get_column_file(column)
        # W3PerDocReader.has_column asks whether the file exists *now*; the answer must stay that of this commit
        perdoc.has_column = columns.__contains__


def _has_toc(path: Path) -> bool:
    """Whether the folder holds a Whoosh TOC, without reading it (``whoosh.index.exists_in`` reads it and
    raises on a damaged one)."""
    try:
        return any(_TOC_RE.match(name) for name in os.listdir(path))
    except OSError:
        return False


def _lead_weight(value: object) -> float:
    """``value`` as a lead weight: a finite number >= 0, else ValueError."""
    weight = float(value)  # type: ignore[arg-type]
    if not 0 <= weight < float("inf"):
        raise ValueError(f"lead_weight must be a number >= 0, not {value!r}")
    return weight


def _check_not_a_file(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise IndexNotFoundError(f"{path} is a file, not an index folder: give a folder with --index")


def document_from_dict(record: dict[str, Any]) -> Document:
    """A :class:`Document` from a dict with ``id`` and ``content`` (``title``, ``date``, ... optional)."""
    if not record.get("id") or not isinstance(record.get("content"), str):
        raise ValueError("a document needs an 'id' and a string 'content'")
    date = record.get("date")
    if isinstance(date, str):
        date = datetime.fromisoformat(date)
    return Document(
        id=str(record["id"]),
        content=record["content"],
        title=str(record.get("title") or ""),
        date=date,
        source=str(record.get("source") or ""),
        url=str(record.get("url") or ""),
        author=str(record.get("author") or ""),
        path=str(record.get("path") or ""),
    )
