"""An arsearch index: a Whoosh index in a folder plus ``arsearch.json`` (format and analyzer settings)."""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterable
from dataclasses import dataclass
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
from arsearch.documents import Document
from arsearch.errors import IndexFormatError, IndexLockedError, IndexNotFoundError
from arsearch.schema import build_schema
from arsearch.writing import FastMpWriter, FastSegmentWriter

#: Bump when the layout of the folder or the schema changes incompatibly.
INDEX_FORMAT = 1
META_FILE = "arsearch.json"
DEFAULT_INDEX_DIR = "index"
INDEX_ENV_VAR = "ARSEARCH_INDEX"


def default_index_path() -> Path:
    """``$ARSEARCH_INDEX`` if set, else ``index/`` in the current folder."""
    return Path(os.environ.get(INDEX_ENV_VAR) or DEFAULT_INDEX_DIR)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _write_json_atomically(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)


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


class IndexWriter:
    """Adds and deletes documents; commits on a clean exit from ``with``, discards everything on an exception."""

    def __init__(self, index: Index, *, procs: int = 1, limitmb: int = 256) -> None:
        self._index = index
        try:
            # compound=False: Whoosh opens a compound segment by copying each of its files into a BytesIO (0.4 s
            # for the 12 segments of the full corpus, on every open); separate files are read in place.
            kwargs: dict[str, Any] = {"limitmb": limitmb, "compound": False}
            if procs > 1:
                kwargs.update(procs=procs, multisegment=True)
            writer_class = FastMpWriter if procs > 1 else FastSegmentWriter
            self._writer: SegmentWriter = writer_class(index.whoosh, **kwargs)
        except LockError as exc:
            raise IndexLockedError(f"index {index.path} is being updated by another process") from exc
        self._open = True

    def add(self, document: Document, *, replace: bool = True) -> None:
        """Add ``document``, replacing any document with the same id (``replace=False`` when the caller knows
        there is none: no look-up of the id in every segment)."""
        write = self._writer.update_document if replace else self._writer.add_document
        write(
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

    def commit(self) -> None:
        if self._open:
            self._open = False
            self._writer.commit()
            self._index._touch()

    def cancel(self) -> None:
        if self._open:
            self._open = False
            self._writer.cancel()

    def __enter__(self) -> IndexWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.cancel()


class Index:
    """A search index in a folder.  Use :meth:`create`, :meth:`open` or :meth:`open_or_create`."""

    def __init__(self, path: Path, whoosh_index: whoosh.index.FileIndex, meta: dict[str, Any]) -> None:
        self.path = path
        self.whoosh = whoosh_index
        self.meta = meta
        self.settings = AnalyzerSettings(**meta["analyzer"])
        self.analyzer = Analyzer(self.settings)
        self._searcher: WhooshSearcher | None = None
        self._searcher_lock = threading.Lock()

    # lifecycle -------------------------------------------------------------------------------------------

    @staticmethod
    def exists(path: str | Path) -> bool:
        path = Path(path)
        return (path / META_FILE).is_file() and whoosh.index.exists_in(str(path))

    @classmethod
    def create(cls, path: str | Path, settings: AnalyzerSettings | None = None, *,
               overwrite: bool = False) -> Index:
        """Create an empty index; an existing one is replaced only with ``overwrite=True``."""
        path = Path(path)
        settings = settings or AnalyzerSettings()
        if cls.exists(path):
            if not overwrite:
                raise IndexFormatError(f"an index already exists at {path}")
            cls._remove_contents(path)
        path.mkdir(parents=True, exist_ok=True)
        meta = {
            "format": INDEX_FORMAT,
            "arsearch_version": __version__,
            "analyzer": settings.to_dict(),
            "created": _now(),
            "updated": _now(),
        }
        ix = whoosh.index.create_in(str(path), build_schema(settings))
        _write_json_atomically(path / META_FILE, meta)
        return cls(path, ix, meta)

    @classmethod
    def open(cls, path: str | Path) -> Index:
        path = Path(path)
        if not path.is_dir():
            raise IndexNotFoundError(f"no index at {path}: create one with `arsearch index PATH --index {path}`")
        meta_path = path / META_FILE
        if not meta_path.is_file() or not whoosh.index.exists_in(str(path)):
            raise IndexNotFoundError(f"{path} is not an arsearch index (no {META_FILE} or no Whoosh index)")
        meta = cls._read_meta(meta_path)
        settings = AnalyzerSettings(**meta["analyzer"])
        try:
            ix = whoosh.index.open_dir(str(path), schema=build_schema(settings))
        except Exception as exc:  # Whoosh raises many types for a damaged TOC
            raise IndexFormatError(f"cannot open the index at {path}: {exc}") from exc
        return cls(path, ix, meta)

    @classmethod
    def open_or_create(cls, path: str | Path, settings: AnalyzerSettings | None = None) -> Index:
        """Open the index at ``path`` (checking ``settings`` match if given) or create it."""
        if not cls.exists(path):
            return cls.create(path, settings)
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
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IndexFormatError(f"{meta_path} is damaged: {exc}") from exc
        if fmt > INDEX_FORMAT:
            raise IndexFormatError(
                f"the index at {meta_path.parent} has format {fmt}, newer than this arsearch supports "
                f"({INDEX_FORMAT}): upgrade arsearch")
        if analyzer.get("version") != ANALYZER_VERSION or analyzer.get("stemmer") not in ("light", "none"):
            raise IndexFormatError(
                f"the index at {meta_path.parent} was built with analyzer settings {analyzer}, this arsearch "
                f"uses analyzer version {ANALYZER_VERSION}: rebuild it with `arsearch index --rebuild`")
        return meta

    @staticmethod
    def _remove_contents(path: Path) -> None:
        for child in path.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()

    def _touch(self) -> None:
        self.meta["updated"] = _now()
        self.meta["arsearch_version"] = __version__
        _write_json_atomically(self.path / META_FILE, self.meta)

    def close(self) -> None:
        with self._searcher_lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
        self.whoosh.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # writing ---------------------------------------------------------------------------------------------

    def writer(self, *, procs: int = 1, limitmb: int = 256) -> IndexWriter:
        """``with index.writer() as w: w.add(doc)`` — committed when the block ends without an exception."""
        return IndexWriter(self, procs=procs, limitmb=limitmb)

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

    # reading ---------------------------------------------------------------------------------------------

    def searcher(self) -> WhooshSearcher:
        """A Whoosh searcher on the latest commit; shared, refreshed when the index has changed."""
        with self._searcher_lock:
            if self._searcher is None:
                self._searcher = self.whoosh.searcher()
            elif not self._searcher.up_to_date():
                if self._searcher.doc_count_all() == 0:  # Whoosh cannot refresh a searcher on an empty index
                    self._searcher.close()
                    self._searcher = self.whoosh.searcher()
                else:
                    self._searcher = self._searcher.refresh()
            return self._searcher

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
        )


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
