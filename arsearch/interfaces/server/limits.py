"""What one HTTP client may ask of the server: body size, time per request, requests in flight at once.

Plain ASGI middleware (no FastAPI), outermost first: the rate per client (:mod:`.rates`, 429),
:class:`ClientConcurrency` (429), :class:`RequestTimeLimit` (503), :class:`BodyLimit` (413).  Each answers with
the API's error shape, ``{"error": ..., "status": N}``.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Paths no limit applies to: load balancers poll them.
UNLIMITED_PATHS = frozenset({"/health"})


@dataclass(frozen=True)
class Limits:
    """What one request and one client may use; 0 turns a limit off."""

    #: Largest request body of a write, in bytes (413 beyond).
    max_body_bytes: int = 4 * 1024 * 1024
    #: Longest a read (GET) may take before the client gets a 503 (searches also stop themselves: their budget).
    request_seconds: float = 10.0
    #: Requests one client address may have in flight in one server process (429 beyond).
    client_concurrency: int = 8
    #: Requests a second one client address may send on average, counted across the server's processes
    #: (:mod:`.rates`; 429 with Retry-After beyond).
    client_rate: float = 5.0
    #: Requests one client address may send at once before ``client_rate`` applies.
    client_burst: int = 20
    #: Whether clients on this machine (loopback addresses) are rate-limited too.
    limit_loopback: bool = False


async def send_error(send: Send, status: int, message: str, headers: tuple[tuple[bytes, bytes], ...] = ()) -> None:
    body = json.dumps({"error": message, "status": status}).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": body})


def limited(scope: Scope) -> bool:
    return scope["type"] == "http" and scope.get("path") not in UNLIMITED_PATHS


class BodyLimit:
    """Refuses a request body over ``max_bytes`` with 413, from its Content-Length or while it streams in, before
    the app reads any of it (the app then gets the body already read)."""

    def __init__(self, app: App, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.max_bytes or not limited(scope) or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await send_error(send, 413, self._message())
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await send_error(send, 413, self._message())
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    def _message(self) -> str:
        return f"request body too large: the limit is {self.max_bytes:,} bytes (send fewer documents per request)"


class RequestTimeLimit:
    """Answers 503 when a read takes longer than ``seconds``, at once: a search runs in a thread that cannot be
    stopped (its budget ends it), so the late answer is dropped.  Writes are not cut: their commit would go on
    while the client was told it failed; a write is bounded by its body size and the lock wait instead."""

    def __init__(self, app: App, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.seconds or not limited(scope) or scope.get("method") not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        started = late = False

        async def guarded(message: Message) -> None:
            nonlocal started
            if not late:
                started = True
                await send(message)

        task = asyncio.ensure_future(self.app(scope, receive, guarded))
        done, _ = await asyncio.wait({task}, timeout=self.seconds)
        if done:
            task.result()  # its exception, if any, for the error handlers
            return
        late = True
        task.cancel()
        if not started:
            await send_error(send, 503, timed_out(scope, self.seconds))


#: The paths whose time a query's length and filters decide.
SEARCH_PATHS = ("/api/search",)


def timed_out(scope: Scope, seconds: float) -> str:
    """What the 503 of a read over ``seconds`` says: which call timed out, and what may help."""
    path = str(scope.get("path") or "/")
    call = f"{scope.get('method', 'GET')} {path}"
    if path in SEARCH_PATHS:
        return f"the search took longer than {seconds:g} s ({call}): try a shorter query or fewer filters"
    if path.endswith("/similar"):
        return f"related stories took longer than {seconds:g} s ({call}): the server is busy, try again later"
    return f"{call} took longer than {seconds:g} s: the server is busy, try again later"


class ClientConcurrency:
    """At most ``limit`` requests in flight per client address (in this process); 429 with Retry-After beyond."""

    def __init__(self, app: App, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.in_flight: Counter[str] = Counter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.limit or not limited(scope):
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("?", 0))[0]
        if self.in_flight[client] >= self.limit:
            await send_error(send, 429, f"too many requests at once from {client}: at most {self.limit} in flight",
                             ((b"retry-after", b"1"),))
            return
        self.in_flight[client] += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight[client] -= 1
            if not self.in_flight[client]:
                del self.in_flight[client]
