"""An exclusive OS lock on a file, without waiting: ``flock`` on POSIX, ``msvcrt.locking`` on Windows.

The OS drops the lock when its process ends, even on ``kill -9``, so no lock outlives its holder.
"""

from __future__ import annotations

import errno
import os

_BUSY = (errno.EAGAIN, errno.EACCES, errno.EDEADLK)


class FileLock:
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self._fd: int | None = None

    def acquire(self) -> bool:
        """Take the lock if it is free; False if another process (or another FileLock) holds it."""
        fd = os.open(self.filename, os.O_CREAT | os.O_WRONLY)
        try:
            _lock(fd)
        except OSError as exc:
            os.close(fd)
            if exc.errno in _BUSY:
                return False
            raise
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                _unlock(fd)
            finally:
                os.close(fd)


if os.name == "nt":
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]

    def _unlock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
