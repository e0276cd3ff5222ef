"""A per-client token bucket shared by every process of one server: each client address may send ``rate``
requests a second on average and ``burst`` at once; beyond, 429 with ``Retry-After``.

The buckets live in a shared memory map of :data:`SLOTS` fixed slots (a file that every worker process maps, or an
anonymous map for a server of one process), a client's slot chosen by a hash of its address (two clients whose
addresses share a slot share a bucket: at most as strict, never looser).  A slot holds the tokens left and when
they were counted, as two doubles, and is updated under a lock on its bytes (``fcntl.lockf``): the processes
share one budget per client, whichever of them a connection lands on.  The clock is ``time.monotonic``, which is
the same for every process of a machine.
"""

from __future__ import annotations

import asyncio
import fcntl
import math
import mmap
import os
import struct
import tempfile
import time
import zlib
from collections.abc import Callable
from ipaddress import ip_address
from pathlib import Path

from arsearch.interfaces.server.limits import App, Limits, Receive, Scope, Send, limited, send_error

#: Slots of the shared table (16 bytes each: 1 MiB).
SLOTS = 65_536
_SLOT = struct.Struct("dd")


class Buckets:
    """The shared table of token buckets, mapped from ``path`` (None: an anonymous map, for one process)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        size = SLOTS * _SLOT.size
        if path is None:
            self._fd = -1
            self._map = mmap.mmap(-1, size)
        else:
            self._fd = os.open(path, os.O_RDWR)
            self._map = mmap.mmap(self._fd, size)

    @staticmethod
    def create(folder: Path | None = None) -> Path:
        """A zeroed table file for several processes to map (in shared memory when the machine has it)."""
        where = folder or (Path("/dev/shm") if Path("/dev/shm").is_dir() else None)
        fd, name = tempfile.mkstemp(prefix="arsearch-rates-", dir=where)
        try:
            os.ftruncate(fd, SLOTS * _SLOT.size)
        finally:
            os.close(fd)
        return Path(name)

    def take(self, client: str, rate: float, burst: int, now: float | None = None) -> float:
        """Take one token from ``client``'s bucket: 0.0 when there was one, else the seconds until there is."""
        slot = zlib.crc32(client.encode("utf-8")) % SLOTS
        offset = slot * _SLOT.size
        moment = time.monotonic() if now is None else now
        self._lock(offset, fcntl.LOCK_EX)
        try:
            tokens, stamp = _SLOT.unpack_from(self._map, offset)
            # a client not seen yet starts with a full bucket
            tokens = float(burst) if stamp == 0.0 else min(float(burst), tokens + max(0.0, moment - stamp) * rate)
            wait = 0.0 if tokens >= 1.0 else (1.0 - tokens) / rate
            if not wait:
                tokens -= 1.0
            _SLOT.pack_into(self._map, offset, tokens, moment or 1e-9)
        finally:
            self._lock(offset, fcntl.LOCK_UN)
        return wait

    def _lock(self, offset: int, how: int) -> None:
        if self._fd >= 0:  # an anonymous map is one process's: its event loop takes one request at a time
            fcntl.lockf(self._fd, how, _SLOT.size, offset, os.SEEK_SET)

    def close(self) -> None:
        self._map.close()
        if self._fd >= 0:
            os.close(self._fd)


def is_loopback(address: str) -> bool:
    try:
        return ip_address(address).is_loopback
    except ValueError:
        return address in ("localhost", "testclient")


#: Seconds a refused request is held before its 429.
HELD = 1.0


class RateLimited:
    """ASGI middleware: a request beyond its client's bucket gets 429 with ``Retry-After`` (whole seconds), before
    anything else of the server runs, once it has been held :data:`HELD` seconds.  ``/health`` is never
    limited."""

    def __init__(self, app: App, limits: Limits, buckets: Callable[[], Buckets]) -> None:
        self.app = app
        self.rate, self.burst, self.loopback = limits.client_rate, limits.client_burst, limits.limit_loopback
        self._open = buckets
        self._buckets: Buckets | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.rate or not limited(scope):
            await self.app(scope, receive, send)
            return
        client = str((scope.get("client") or ("?", 0))[0])
        if not self.loopback and is_loopback(client):
            await self.app(scope, receive, send)
            return
        if self._buckets is None:
            self._buckets = self._open()
        wait = self._buckets.take(client, self.rate, self.burst)
        if wait:
            seconds = max(1, math.ceil(wait))
            # held first: a client that does not wait for Retry-After cannot make the server spin answering 429s
            # (a held request costs a timer), each of its connections gets one a second at most
            await asyncio.sleep(HELD)
            await send_error(send, 429, f"too many requests from {client}: at most {self.rate:g} a second "
                             f"(bursts of {self.burst}); try again in {seconds} s",
                             ((b"retry-after", str(seconds).encode()),))
            return
        await self.app(scope, receive, send)
