"""Durable Whoosh commits: a Whoosh ``FileStorage`` that fsyncs what a commit writes, in the order that makes
the commit survive a power loss or an OS crash.

A Whoosh commit writes the new segment's files, then a table of contents (``_MAIN_<gen>.toc.<time>``) that it
renames to ``_MAIN_<gen>.toc``: the rename is the commit.  With ``sync=True`` every file the writer creates is
fsync'ed when it is closed (so the segment files and the TOC are on the disk before the rename), the folder is
fsync'ed before the rename (the new files' names) and after it (the rename itself).  Temporary posting pools
(a sub-folder removed after the commit) are not synced.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import whoosh.index
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile

from arsearch.durability import sync_file, sync_folder


class SyncedFileStorage(FileStorage):
    """``FileStorage`` whose new files and renames reach the disk before Whoosh goes on (when ``sync``)."""

    def __init__(self, path: str, *, sync: bool = True, **kwargs: Any) -> None:
        super().__init__(path, **kwargs)
        self.sync = sync

    def create_file(self, name: str, excl: bool = False, mode: str = "wb", **kwargs: Any) -> StructFile:
        stream = super().create_file(name, excl=excl, mode=mode, **kwargs)
        if self.sync:
            stream.onclose = _chain_sync(stream.onclose)
        return stream

    def rename_file(self, oldname: str, newname: str, safe: bool = False) -> None:
        if self.sync:
            sync_folder(self.folder)  # the names of the files the renamed one refers to
        super().rename_file(oldname, newname, safe=safe)
        if self.sync:
            sync_folder(self.folder)


def _chain_sync(onclose: Any) -> Any:
    def sync_then_close(stream: StructFile) -> None:
        if onclose is not None:
            onclose(stream)
        sync_file(stream.file)

    return sync_then_close


def create_index(path: Path, schema: Any) -> whoosh.index.FileIndex:
    """A new empty Whoosh index in ``path``, its first TOC synced."""
    return SyncedFileStorage(str(path), sync=True).create().create_index(schema)


def open_index(path: Path, schema: Any) -> whoosh.index.FileIndex:
    return SyncedFileStorage(str(path), sync=False).open_index(schema=schema)


def writing_view(ix: whoosh.index.FileIndex, *, sync: bool) -> whoosh.index.FileIndex:
    """``ix`` as a writer should see it: the same folder, through a storage that syncs or not."""
    view = copy.copy(ix)
    view.storage = SyncedFileStorage(ix.storage.folder, sync=sync, supports_mmap=ix.storage.supports_mmap)
    return view
