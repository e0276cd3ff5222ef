"""One writer per index at a time, across processes, and a message that says who is writing.

The lock is an OS file lock (:mod:`arsearch.index.file_lock`: ``flock`` on POSIX, ``msvcrt.locking`` on Windows)
on ``<index>/arsearch.lock``.  The OS drops it when its process ends, even on ``kill -9``, so no lock outlives its
holder and there is nothing to clean up.  The holder then writes ``arsearch.lock.json`` (pid, host, start time)
so that a second writer can say "being updated by process N".  That note is only a label: a note left behind by
a dead process never blocks anyone and is not reported; the next holder overwrites it.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType

from arsearch.errors import IndexLockedError
from arsearch.index.atomic import write_json_atomically
from arsearch.index.file_lock import FileLock

LOCK_FILE = "arsearch.lock"
HOLDER_FILE = "arsearch.lock.json"
#: How often a writer waiting with ``wait=`` tries the lock again.
POLL_SECONDS = 0.1


@dataclass(frozen=True)
class LockHolder:
    """Who holds the write lock, as the holder wrote it."""

    pid: int
    host: str
    started: str

    def describe(self) -> str:
        where = "" if self.host == socket.gethostname() else f" on {self.host}"
        return f"process {self.pid}{where} (since {self.started})"


class IndexLock:
    """The write lock of one index folder; re-entrant within the thread that holds it."""

    def __init__(self, folder: Path, on_release: Callable[[], None] | None = None) -> None:
        """``on_release`` runs when the outermost holder lets go, before the lock is released."""
        self.folder = folder
        self._on_release = on_release
        self._file_lock = FileLock(str(folder / LOCK_FILE))
        self._mutex = threading.Lock()
        self._depth = 0
        self._owner: int | None = None

    def acquire(self, wait: float = 0.0) -> None:
        """Take the lock, trying again every :data:`POLL_SECONDS` for up to ``wait`` seconds.

        Raises :class:`IndexLockedError` naming the holder when it stays busy.
        """
        deadline = time.monotonic() + max(wait, 0.0)
        while not self._try_acquire():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise IndexLockedError(self._busy_message(wait), waited=wait)
            time.sleep(min(POLL_SECONDS, remaining))

    def release(self) -> None:
        with self._mutex:
            if self._depth == 0 or self._owner != threading.get_ident():
                return
            self._depth -= 1
            if self._depth:
                return
            try:
                if self._on_release is not None:
                    self._on_release()
            finally:
                self._owner = None
                try:  # remove the note before unlocking, so it never names a process that let go
                    (self.folder / HOLDER_FILE).unlink(missing_ok=True)
                except OSError:
                    pass
                self._file_lock.release()

    def holder(self) -> LockHolder | None:
        """The holder named in the note, unless the note is unreadable or names a process that is gone."""
        try:
            data = json.loads((self.folder / HOLDER_FILE).read_text(encoding="utf-8"))
            holder = LockHolder(int(data["pid"]), str(data["host"]), str(data["started"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if holder.host == socket.gethostname() and not _process_alive(holder.pid):
            return None
        return holder

    def __enter__(self) -> IndexLock:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()

    def _try_acquire(self) -> bool:
        with self._mutex:
            if self._depth:
                if self._owner != threading.get_ident():
                    return False
                self._depth += 1
                return True
            self.folder.mkdir(parents=True, exist_ok=True)
            if not self._file_lock.acquire():
                return False
            self._depth, self._owner = 1, threading.get_ident()
        self._write_note()
        return True

    def _write_note(self) -> None:
        note = {"pid": os.getpid(), "host": socket.gethostname(),
                "started": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        try:
            write_json_atomically(self.folder / HOLDER_FILE, note, durable=False)
        except OSError:
            pass  # the note is only a label, not worth an fsync; the OS lock is what counts

    def _busy_message(self, wait: float) -> str:
        holder = self.holder()
        who = holder.describe() if holder else "another process"
        if self._owner is not None and self._owner != threading.get_ident():
            who = "another thread of this process"
        waited = f" (waited {wait:g} s)" if wait > 0 else ""
        return f"index {self.folder} is being updated by {who}{waited}"


def _process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    except OSError:
        return False
    return True
