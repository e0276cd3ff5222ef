"""``arsearch serve`` over real HTTP: a server started in a subprocess, requests with httpx."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

httpx = pytest.importorskip("httpx", reason="the server tests need the test extra (httpx)")
pytest.importorskip("fastapi", reason="the server tests need the server extra")

from helpers import SEED_FACTIONS  # noqa: E402
from helpers import assert_one_line_error, cli_env  # noqa: E402
from serving import build_server_index, running_server  # noqa: E402

from arsearch import Index, IndexStats, search, similar  # noqa: E402
from arsearch.interfaces.server import models  # noqa: E402


@pytest.fixture(scope="module")
def index_path(tmp_path_factory: pytest.TempPathFactory, engine_name: str) -> Path:
    """The server's index, on every engine."""
    return build_server_index(tmp_path_factory.mktemp("server"), engine_name)


@pytest.fixture(scope="module")
def api(index_path: Path) -> Iterator[httpx.Client]:
    """A client of a read-only server (writes off, the default)."""
    with running_server(index_path) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


#: The API token of the writable server.
TOKEN = "test-token"


@pytest.fixture
def writable(tmp_path: Path, index_path: Path) -> Iterator[tuple[httpx.Client, Path]]:
    """A client (sending the API token) of a server started with --allow-writes on a copy of the index, and the
    copy's path."""
    copy = tmp_path / "index"
    shutil.copytree(index_path, copy)
    with running_server(copy, "--allow-writes", "--token", TOKEN) as url, \
            httpx.Client(base_url=url, timeout=60, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        yield client, copy


def library_search(path: Path, text: str, **options: Any) -> dict[str, Any]:
    with Index.open(path) as ix:
        found = search(ix, text, **options).to_dict()
    del found["elapsed_ms"]
    return found


def ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


def assert_error(response: httpx.Response, status: int, fragment: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "status"} and body["status"] == status
    assert fragment in body["error"] and "Traceback" not in body["error"]


def test_search_answers_what_the_library_answers(api: httpx.Client, index_path: Path) -> None:
    body = ok(api.get("/api/search", params={"q": "كونيكو"}))
    assert body["elapsed_ms"] >= 0
    del body["elapsed_ms"]
    assert body == library_search(index_path, "كونيكو")
    assert body["total"] > 10 and len(body["hits"]) == 10
    seed = next(h for h in body["hits"] if h["id"] == SEED_FACTIONS)
    assert {seed["snippet"][start:end] for start, end in seed["highlights"]} == {"كونيكو"}


def test_paging(api: httpx.Client, index_path: Path) -> None:
    body = ok(api.get("/api/search", params={"q": "كونيكو", "offset": 10, "limit": 5}))
    assert [h["rank"] for h in body["hits"]] == [11, 12, 13, 14, 15]
    assert body["hits"] == library_search(index_path, "كونيكو", offset=10, limit=5)["hits"]


def test_date_filters(api: httpx.Client) -> None:
    body = ok(api.get("/api/search", params={"q": "المملكة", "since": "2016", "until": "2016-12"}))
    assert sorted(h["id"] for h in body["hits"]) == ["n3", "n4"]
    assert all(h["date"].startswith("2016-") for h in body["hits"])


def test_sources_sort_and_facets(api: httpx.Client, index_path: Path) -> None:
    params = {"q": "المملكة", "source": ["spa", "okaz"], "sort": "date", "facets": "true"}
    body = ok(api.get("/api/search", params=params))
    assert [h["id"] for h in body["hits"]] == ["n4", "n2", "n1"]
    del body["elapsed_ms"]
    assert body == library_search(index_path, "المملكة", sources=["spa", "okaz"], sort="date", facets=True)
    assert body["facets"]["source"][0] == {"value": "spa", "count": 2}
    models.SearchOut.model_validate(ok(api.get("/api/search", params=params)))
    assert "facets" not in ok(api.get("/api/search", params={"q": "المملكة"}))
    assert_error(api.get("/api/search", params={"q": "المملكة", "source": "nowhere"}), 400, "nowhere")
    assert_error(api.get("/api/search", params={"q": "المملكة", "sort": "oldest"}), 400, "sort")


def test_all_lists_every_copy(api: httpx.Client, index_path: Path) -> None:
    body = ok(api.get("/api/search", params={"q": "كونيكو", "all": "true", "limit": 50}))
    del body["elapsed_ms"]
    assert body == library_search(index_path, "كونيكو", collapse=False, limit=50)
    collapsed = ok(api.get("/api/search", params={"q": "كونيكو", "limit": 50}))
    assert len(collapsed["hits"]) + sum(h["duplicate_count"] for h in collapsed["hits"]) >= len(body["hits"])


def test_similar_answers_what_the_library_answers(api: httpx.Client, index_path: Path) -> None:
    """An id with a slash (a seed file) still reaches the similar endpoint, not the document one."""
    body = ok(api.get(f"/api/documents/{SEED_FACTIONS}/similar", params={"limit": 5, "include_duplicates": "true"}))
    with Index.open(index_path) as ix:
        expected = similar(ix, SEED_FACTIONS, limit=5, include_duplicates=True).to_dict()
    models.SearchOut.model_validate(body)
    del body["elapsed_ms"], expected["elapsed_ms"]
    assert body == expected and body["hits"]
    assert SEED_FACTIONS not in {h["id"] for h in body["hits"]}
    assert_error(api.get("/api/documents/no-such-id/similar"), 404, "no-such-id")


def test_responses_have_the_documented_shapes(api: httpx.Client) -> None:
    """The OpenAPI models name every key the real responses have (extra keys would go undocumented)."""
    checks = [
        ("/api/search?q=كونيكو", models.SearchOut), ("/api/analyze?text=بالصواريخ", models.AnalyzeOut),
        (f"/api/documents/{SEED_FACTIONS}", models.DocumentOut),
    ]
    for path, model in checks:
        body = ok(api.get(path))
        model.model_validate(body)
        required = {name for name, f in model.model_fields.items() if f.is_required()}
        assert required <= set(body) <= set(model.model_fields), path
    assert set(ok(api.get("/api/stats"))) == {f.name for f in dataclasses.fields(IndexStats)}
    hit = ok(api.get("/api/search", params={"q": "كونيكو"}))["hits"][0]
    assert set(hit) == set(models.HitOut.model_fields)


def test_analyze_uses_the_index_analyzer(api: httpx.Client) -> None:
    body = ok(api.get("/api/analyze", params={"text": "بالصواريخ في دير"}))
    assert [(t["term"], t["surface"], t["start"], t["end"], t["stopword"]) for t in body["tokens"]][:2] == [
        ("صواريخ", "بالصواريخ", 0, 9, False), ("في", "في", 10, 12, True)]


def test_get_document_by_an_id_with_slashes(api: httpx.Client) -> None:
    body = ok(api.get(f"/api/documents/{SEED_FACTIONS}"))
    assert body["id"] == SEED_FACTIONS and "كونيكو" in body["content"] and body["date"] is None
    assert ok(api.get("/api/documents/n1"))["date"] == "2015-01-10T00:00:00"


def test_stats(api: httpx.Client, index_path: Path) -> None:
    body = ok(api.get("/api/stats"))
    assert body["documents"] == 2 + 5 + 30 + 2
    assert body["path"] == str(index_path) and body["updating"] is None


@pytest.mark.parametrize(("path", "status", "fragment"), [
    ("/api/search", 400, "q: Field required"),
    ("/api/search?q=", 400, "q: String should have at least 1 character"),
    ("/api/search?q=%20%20", 400, "empty query"),
    ("/api/search?q=foo:bar", 400, "unknown field 'foo'"),
    ("/api/search?q=*", 400, "wildcards"),
    ("/api/search?q=x&since=2015-13", 400, "invalid date '2015-13' for since"),
    ("/api/search?q=x&limit=0", 400, "limit: Input should be greater than or equal to 1"),
    ("/api/search?q=x&limit=ten", 400, "limit: Input should be a valid integer"),
    ("/api/search?q=x&offset=-1", 400, "offset"),
    ("/api/analyze", 400, "text: Field required"),
    ("/api/documents/no-such-id", 404, "no document with id 'no-such-id'"),
    ("/api/nothing-here", 404, "no route /api/nothing-here"),
])
def test_errors_are_json_with_the_status(api: httpx.Client, path: str, status: int, fragment: str) -> None:
    assert_error(api.get(path), status, fragment)


def test_wrong_method_is_a_json_405(api: httpx.Client) -> None:
    assert_error(api.put("/api/search"), 405, "Method Not Allowed")


def test_writes_are_off_by_default(api: httpx.Client) -> None:
    assert_error(api.post("/api/documents", json={"id": "w", "content": "نص"}), 403, "--allow-writes")
    assert_error(api.post("/api/documents", content=b"not json"), 403, "--allow-writes")
    assert_error(api.delete(f"/api/documents/{SEED_FACTIONS}"), 403, "--allow-writes")
    assert ok(api.get(f"/api/documents/{SEED_FACTIONS}"))["id"] == SEED_FACTIONS
    assert ok(api.get("/api/search", params={"q": "نص", "limit": 1}))["hits"][0]["id"] != "w"


def test_openapi_schema_lists_every_endpoint(api: httpx.Client) -> None:
    spec = ok(api.get("/openapi.json"))
    assert {path: sorted(ops) for path, ops in spec["paths"].items()} == {
        "/api/search": ["get"], "/api/analyze": ["get"], "/api/stats": ["get"],
        "/api/documents/{doc_id}": ["delete", "get"], "/api/documents": ["post"],
        "/api/documents/{doc_id}/similar": ["get"], "/health": ["get"]}
    search_params = {p["name"]: p for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert list(search_params) == ["q", "limit", "offset", "since", "until", "source", "sort", "facets", "all"]
    assert search_params["q"]["required"]
    assert "ErrorOut" in spec["components"]["schemas"]


def test_binds_to_loopback_by_default(api: httpx.Client) -> None:
    assert api.base_url.host == "127.0.0.1"


def test_page_and_static_files(api: httpx.Client) -> None:
    page = api.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<html dir="rtl" lang="ar">' in page.text
    for asset, kind in (("/static/app.js", "javascript"), ("/static/style.css", "text/css")):
        response = api.get(asset)
        assert response.status_code == 200 and kind in response.headers["content-type"]


def test_add_replace_and_delete_documents(writable: tuple[httpx.Client, Path]) -> None:
    api, path = writable
    added = [{"id": "w1", "title": "خبر جديد", "content": "وصلت قافلة الإغاثة إلى المدينة", "date": "2021-03-04",
              "source": "test"}, {"id": "w2", "content": "قافلة ثانية"}]
    assert ok(api.post("/api/documents", json=added)) == {"indexed": 2}
    assert sorted(h["id"] for h in ok(api.get("/api/search", params={"q": "قافلة"}))["hits"]) == ["w1", "w2"]
    assert ok(api.post("/api/documents", json={"id": "w2", "content": "نص آخر"})) == {"indexed": 1}
    assert [h["id"] for h in ok(api.get("/api/search", params={"q": "قافلة"}))["hits"]] == ["w1"]
    assert ok(api.get("/api/documents/w1"))["date"] == "2021-03-04T00:00:00"
    assert ok(api.delete("/api/documents/w1")) == {"deleted": "w1"}
    assert_error(api.get("/api/documents/w1"), 404, "no document")
    assert_error(api.delete("/api/documents/w1"), 404, "no document")
    with Index.open(path) as ix:  # committed to disk, seen by another reader
        assert ix.get("w2") is not None and ix.get("w1") is None


@pytest.mark.parametrize(("body", "headers", "fragment"), [
    ([{"id": "x"}], {}, "bad document: record has no content"),  # the rule of every way in
    ({"content": "نص"}, {}, "bad document: record has no id"),
    ({"id": "x", "content": "نص", "date": "2020-02-30"}, {}, "bad document: invalid date '2020-02-30': day is out of range"),
    (b"[{", {"content-type": "application/json"}, "not valid JSON"),
    (b'{"id": "x", "content": "y"}', {"content-type": "text/plain"}, "Content-Type: application/json"),
])
def test_bad_documents_are_400(writable: tuple[httpx.Client, Path], body: Any, headers: dict[str, str],
                               fragment: str) -> None:
    api, _ = writable
    if isinstance(body, bytes):
        response = api.post("/api/documents", content=body, headers=headers)
    else:
        response = api.post("/api/documents", json=body)
    assert_error(response, 400, fragment)
    assert_error(api.get("/api/documents/x"), 404, "no document")


def test_a_busy_index_answers_409(writable: tuple[httpx.Client, Path]) -> None:
    api, path = writable
    with Index.open(path) as ix, ix.writer() as writer:  # another writer holds the lock
        assert_error(api.post("/api/documents", json={"id": "x", "content": "نص"}), 409, "being updated")
        assert_error(api.delete("/api/documents/n1"), 409, "being updated")
        writer.cancel()
    assert ok(api.post("/api/documents", json={"id": "x", "content": "نص"})) == {"indexed": 1}


def test_searches_run_during_a_write_and_see_all_or_nothing(writable: tuple[httpx.Client, Path]) -> None:
    """Four clients search while one POST adds 1,500 documents: every search answers, before or after the
    commit, never with part of the batch."""
    api, _ = writable
    batch = [{"id": f"bulk-{n}", "content": f"تقرير سنوي رقم {n} عن حصاد التمور"} for n in range(1500)]
    done = threading.Event()
    totals: list[int] = []
    failures: list[str] = []

    def searcher() -> None:
        with httpx.Client(base_url=str(api.base_url), timeout=60) as client:
            while not done.is_set():
                response = client.get("/api/search", params={"q": "حصاد التمور", "limit": 3})
                if response.status_code != 200:
                    failures.append(response.text)
                    return
                totals.append(response.json()["total"])

    threads = [threading.Thread(target=searcher) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        assert ok(api.post("/api/documents", json=batch)) == {"indexed": 1500}
    finally:
        done.set()
        for thread in threads:
            thread.join(timeout=60)
    assert failures == []
    assert set(totals) <= {0, 1500} and totals.count(0) > 0
    assert ok(api.get("/api/search", params={"q": "حصاد التمور"}))["total"] == 1500


def test_a_bug_is_a_json_500_without_a_traceback(index_path: Path) -> None:
    import uvicorn

    from arsearch.interfaces.server.app import bind, create_app

    with Index.open(index_path) as ix:
        ix.stats = lambda: 1 / 0  # type: ignore[method-assign]
        sock = bind("127.0.0.1", 0)
        server = uvicorn.Server(uvicorn.Config(create_app(ix), log_level="critical"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]})
        thread.start()
        try:
            url = f"http://127.0.0.1:{sock.getsockname()[1]}"
            assert_error(httpx.get(url + "/api/stats", timeout=30), 500, "internal error (ZeroDivisionError)")
        finally:
            server.should_exit = True
            thread.join(timeout=30)


def test_serve_without_an_index_fails_cleanly(tmp_path: Path, arsearch: Any) -> None:
    result = arsearch("serve", "--index", tmp_path / "missing", "--port", "0")
    assert result.returncode == 3
    assert_one_line_error(result.stderr, "no index at")


def test_serve_without_the_extra_names_it(index_path: Path) -> None:
    blocked = ("import sys; sys.modules['fastapi'] = None; sys.argv = ['arsearch', 'serve', '--index', "
               f"{str(index_path)!r}]; from arsearch.interfaces.cli import main; main()")
    result = subprocess.run([sys.executable, "-c", blocked], env=cli_env(), capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1
    assert_one_line_error(result.stderr, "the server extra", "pip install '", "[server]'")


def test_the_listening_socket_says_tcp_so_answers_are_not_delayed() -> None:
    """asyncio turns on TCP_NODELAY only for sockets whose proto is IPPROTO_TCP; without it every answer on a
    kept-alive connection waited for the client's delayed ACK (about 40 ms; benchmarks/SERVER.md)."""
    import socket

    from arsearch.interfaces.server.app import bind

    with bind("127.0.0.1", 0) as sock:
        assert sock.proto == socket.IPPROTO_TCP
