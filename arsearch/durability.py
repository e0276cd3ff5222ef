"""Making written files survive a power loss or an OS crash: ``fsync`` of a file's data, and of a folder's
entries (the names of new and renamed files), which every engine and the index layer call before and after the
rename that publishes a commit."""

from __future__ import annotations

import os
from typing import IO


def sync_file(stream: IO[bytes] | IO[str]) -> None:
    """Flush ``stream``'s buffer and wait until its data is on the disk."""
    stream.flush()
    os.fsync(stream.fileno())


def sync_folder(path: str | os.PathLike[str]) -> None:
    """Wait until the entries of the folder ``path`` (files created, renamed or removed in it) are on the disk."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
