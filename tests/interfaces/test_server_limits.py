"""The server under hostile clients: body size, time per request, requests in flight per client, the API token
for writes, CORS, ``/health``, query length, and several worker processes over one index."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

httpx = pytest.importorskip("httpx", reason="the server tests need the test extra (httpx)")
pytest.importorskip("fastapi", reason="the server tests need the server extra")

from fastapi.testclient import TestClient  # noqa: E402
from helpers import assert_one_line_error  # noqa: E402
from serving import running_server  # noqa: E402

from arsearch import Index  # noqa: E402
from arsearch.interfaces.server.app import create_app  # noqa: E402
from arsearch.interfaces.server.limits import ClientConcurrency, Limits, RequestTimeLimit  # noqa: E402
from arsearch.search.compiler import MAX_QUERY_CHARS  # noqa: E402

TOKEN = "s3cret"
DOCUMENT = {"id": "w1", "content": "خبر عن الطاقة"}


@pytest.fixture
def index(tmp_path: Path) -> Iterator[Index]:
    ix = Index.create(tmp_path / "ix")
    ix.add([{"id": f"d{n}", "content": f"اجتماع وزراء الطاقة رقم {n}"} for n in range(5)])
    yield ix
    ix.close()


def client(index: Index, **options: Any) -> TestClient:
    return TestClient(create_app(index, **options), raise_server_exceptions=False)


def assert_error(response: Any, status: int, fragment: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] == status and fragment in body["error"]


def test_writes_need_the_token(index: Index) -> None:
    api = client(index, allow_writes=True, token=TOKEN)
    assert_error(api.post("/api/documents", json=DOCUMENT), 401, "Authorization: Bearer")
    assert_error(api.post("/api/documents", json=DOCUMENT, headers={"Authorization": "Bearer wrong"}), 401, "token")
    assert_error(api.delete("/api/documents/d1"), 401, "token")
    assert index.get("w1") is None and index.get("d1") is not None
    good = {"Authorization": f"Bearer {TOKEN}"}
    assert api.post("/api/documents", json=DOCUMENT, headers=good).json() == {"indexed": 1}
    assert api.delete("/api/documents/d1", headers=good).json() == {"deleted": "d1"}


def test_writes_without_a_configured_token_are_refused_even_when_allowed(index: Index) -> None:
    api = client(index, allow_writes=True)
    assert_error(api.post("/api/documents", json=DOCUMENT), 403, "writes need an API token")
    assert index.get("w1") is None


def test_a_body_over_the_limit_is_413_and_nothing_is_written(index: Index) -> None:
    api = client(index, allow_writes=True, token=TOKEN, limits=Limits(max_body_bytes=2_000))
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    big = [{"id": f"b{n}", "content": "نص طويل " * 20} for n in range(20)]
    assert_error(api.post("/api/documents", json=big, headers=headers), 413, "the limit is 2,000 bytes")

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit counts the bytes as they come
        yield b"["
        for n in range(100):
            yield (b"," if n else b"") + b'{"id": "c%d", "content": "text text text text text"}' % n
        yield b"]"

    assert_error(api.post("/api/documents", content=chunks(), headers=headers), 413, "too large")
    assert index.get("b0") is None and index.get("c0") is None
    small = api.post("/api/documents", json=DOCUMENT, headers=headers)
    assert small.status_code == 200 and index.get("w1") is not None


def test_health_and_the_query_length_limit(index: Index) -> None:
    app = create_app(index)
    assert app.state.warmth.ready.wait(30)
    api = TestClient(app, raise_server_exceptions=False)
    assert api.get("/health").json() == {"status": "ok", "documents": 5}
    assert_error(api.get("/api/search", params={"q": "a" * (MAX_QUERY_CHARS + 1)}), 400, "at most")
    assert_error(api.get("/api/search", params={"q": "طاقة", "limit": 101}), 400, "limit")
    body = api.get("/api/search", params={"q": "الطاقة"}).json()
    assert body["total"] == 5 and body["partial"] is False


def test_cors_only_for_the_origins_given(index: Index) -> None:
    preflight = {"Origin": "https://news.example", "Access-Control-Request-Method": "GET"}
    allowed = client(index, cors_origins=["https://news.example"])
    response = allowed.options("/api/search", headers=preflight)
    assert response.headers.get("access-control-allow-origin") == "https://news.example"
    answer = allowed.get("/api/search", params={"q": "الطاقة"}, headers={"Origin": "https://news.example"})
    assert answer.headers.get("access-control-allow-origin") == "https://news.example"
    other = allowed.get("/api/search", params={"q": "الطاقة"}, headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    plain = client(index).get("/api/search", params={"q": "الطاقة"}, headers={"Origin": "https://news.example"})
    assert "access-control-allow-origin" not in plain.headers


def _scope(path: str = "/api/search", client: str = "10.0.0.1", method: str = "GET") -> dict[str, Any]:
    return {"type": "http", "path": path, "method": method, "headers": [], "client": (client, 1234)}


async def _call(app: Any, scope: dict[str, Any]) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


def _status(sent: list[dict[str, Any]]) -> int:
    return int(sent[0]["status"])


def test_one_client_gets_at_most_its_share_of_requests_in_flight() -> None:
    release = asyncio.Event()

    async def slow(scope: Any, receive: Any, send: Any) -> None:
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    async def main() -> tuple[list[int], int, int]:
        app = ClientConcurrency(slow, limit=2)
        held = [asyncio.ensure_future(_call(app, _scope())) for _ in range(2)]
        await asyncio.sleep(0.01)
        refused = await _call(app, _scope())
        other = asyncio.ensure_future(_call(app, _scope(client="10.0.0.2")))  # another client is not held back
        health = asyncio.ensure_future(_call(app, _scope(path="/health")))
        await asyncio.sleep(0.01)
        release.set()
        answered = [_status(await f) for f in held]
        assert dict(refused[0]["headers"])[b"retry-after"] == b"1"
        return answered + [_status(refused)], _status(await other), _status(await health)

    statuses, other, health = asyncio.run(main())
    assert statuses == [200, 200, 429] and other == 200 and health == 200


def test_a_read_over_the_time_limit_is_503_and_a_write_is_not_cut() -> None:
    async def slow(scope: Any, receive: Any, send: Any) -> None:
        await asyncio.sleep(0.5)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    app = RequestTimeLimit(slow, seconds=0.05)
    read = asyncio.run(_call(app, _scope()))
    assert _status(read) == 503 and b"longer than 0.05 s" in read[1]["body"]
    assert b"shorter query" in read[1]["body"]
    stats = asyncio.run(_call(app, _scope(path="/api/stats")))
    message = json.loads(stats[1]["body"])["error"]
    assert _status(stats) == 503 and "GET /api/stats took longer than 0.05 s" in message
    assert "query" not in message  # a status call is not a query: the hint says what timed out
    assert _status(asyncio.run(_call(app, _scope(method="POST", path="/api/documents")))) == 200


def test_serve_refuses_writes_without_a_token(tmp_path: Path, arsearch: Any, index: Index) -> None:
    result = arsearch("serve", "--index", index.path, "--port", "0", "--allow-writes")  # cli_env: no ARSEARCH_*
    assert result.returncode == 2
    assert_one_line_error(result.stderr, "--allow-writes needs an API token")


def test_several_workers_serve_one_index(tmp_path: Path, index: Index) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(index.path, copy)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with running_server(copy, "--workers", "2", "--allow-writes", "--token", TOKEN) as url, \
            httpx.Client(base_url=url, timeout=30) as api:
        assert api.get("/health").json()["documents"] == 5
        assert api.post("/api/documents", json=DOCUMENT, headers=headers).json() == {"indexed": 1}
        # whichever worker answers, it follows the commit another made
        totals = {api.get("/api/search", params={"q": "الطاقة"}).json()["total"] for _ in range(20)}
        assert totals == {6}


def test_a_search_stuck_in_its_thread_gets_its_503_at_the_time_limit() -> None:
    import time

    from fastapi import FastAPI

    slow = FastAPI()

    @slow.get("/api/search")
    def stuck() -> dict[str, str]:  # a sync endpoint: it runs in the thread pool and cannot be cancelled
        time.sleep(1.5)
        return {}

    slow.add_middleware(RequestTimeLimit, seconds=0.1)
    started = time.perf_counter()
    response = TestClient(slow).get("/api/search")
    assert response.status_code == 503 and time.perf_counter() - started < 1.2
