"""The per-client token bucket (:mod:`arsearch.interfaces.server.rates`): its arithmetic, one table shared by
several processes, and a real ``arsearch serve --workers 2`` that answers 429 with Retry-After."""

from __future__ import annotations

import multiprocessing
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the server tests need the server extra")

from serving import build_server_index, running_server

from arsearch.interfaces.server.rates import Buckets, is_loopback


def test_a_bucket_allows_its_burst_then_its_rate() -> None:
    buckets = Buckets()
    waits = [buckets.take("10.0.0.1", rate=2.0, burst=3, now=100.0) for _ in range(4)]
    assert waits[:3] == [0.0, 0.0, 0.0] and waits[3] == pytest.approx(0.5)  # one token comes back in 1/2 s
    assert buckets.take("10.0.0.1", rate=2.0, burst=3, now=100.6) == 0.0
    assert buckets.take("10.0.0.1", rate=2.0, burst=3, now=100.6) > 0
    assert buckets.take("10.0.0.2", rate=2.0, burst=3, now=100.6) == 0.0  # another client has its own bucket
    assert [buckets.take("10.0.0.1", rate=2.0, burst=3, now=200.0) for _ in range(4)][:3] == [0.0] * 3  # refilled


def _take_many(path: str, count: int, granted: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    buckets = Buckets(Path(path))
    granted.put(sum(buckets.take("10.0.0.9", rate=0.001, burst=50) == 0.0 for _ in range(count)))


def test_processes_share_one_bucket_per_client(tmp_path: Path) -> None:
    table = Buckets.create(tmp_path)
    context = multiprocessing.get_context("spawn")
    granted: multiprocessing.Queue = context.Queue()  # type: ignore[type-arg]
    workers = [context.Process(target=_take_many, args=(str(table), 40, granted)) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert sum(granted.get(timeout=5) for _ in workers) == 50  # 120 asked, the burst of 50 granted once


def test_loopback_addresses() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("127.0.0.2")
    assert not is_loopback("10.0.0.1") and not is_loopback("2001:db8::1")


def _get(url: str) -> tuple[int, str | None]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, None
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Retry-After")


def test_a_server_of_two_processes_limits_a_client_across_both(tmp_path: Path) -> None:
    index = build_server_index(tmp_path)
    with running_server(index, "--workers", "2", "--rate-limit", "0.2", "--rate-burst", "6",
                        "--rate-limit-loopback") as url:
        # each request on a new connection: the two processes take them in turn
        answers = [_get(url + "/api/search?q=%D9%83%D9%88%D9%86%D9%8A%D9%83%D9%88") for _ in range(14)]
        statuses = Counter(status for status, _ in answers)
        assert statuses[200] <= 6 + 1 and statuses[429] >= 14 - 7  # the burst, not one per process
        assert all(retry and 1 <= int(retry) <= 5 for status, retry in answers if status == 429)
        assert _get(url + "/health")[0] == 200  # a probe is never limited


def test_clients_on_this_machine_are_not_limited_by_default(tmp_path: Path) -> None:
    index = build_server_index(tmp_path)
    with running_server(index, "--rate-limit", "0.2", "--rate-burst", "2") as url:
        assert {_get(url + "/api/stats")[0] for _ in range(6)} == {200}
