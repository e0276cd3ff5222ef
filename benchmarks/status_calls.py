"""How long the status calls take on an index: ``GET /api/stats`` of ``arsearch serve``, ``Index.stats()`` in a
process, and a whole ``arsearch stats --json`` process (issue 21: no pass over every document or term).

    python -m benchmarks.status_calls INDEX [INDEX ...] [--requests 50]

For each index: p50 and p95 of ``--requests`` calls of ``GET /api/stats`` over loopback (after 5 unmeasured ones),
of ``Index.stats()`` in this process, the median of 3 ``arsearch stats --json`` processes, and the one call of
``Index.stats(count_terms=True)`` (the pass over every term that only ``--terms`` asks for).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time
from pathlib import Path

import httpx


from arsearch import Index
from benchmarks.server_load import arsearch_command, start_server, wait_ready

WARMUP = 5


def percentiles(samples: list[float]) -> tuple[float, float]:
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return q[49], q[94]


def timed(call: object, count: int) -> list[float]:
    found = []
    for n in range(WARMUP + count):
        started = time.perf_counter()
        call()  # type: ignore[operator]
        if n >= WARMUP:
            found.append((time.perf_counter() - started) * 1000)
    return found


def measure(index: Path, requests: int) -> str:
    server, url = start_server(index)
    try:
        wait_ready(url)  # a warm start: measured once the server says it is ready
        with httpx.Client(base_url=url, timeout=60) as client:
            http = timed(lambda: client.get("/api/stats").raise_for_status(), requests)
    finally:
        server.terminate()
        server.wait()
    with Index.open(index) as ix:
        documents = ix.document_count()
        engine = ix.engine_name
        library = timed(ix.stats, requests)
        started = time.perf_counter()
        ix.stats(count_terms=True)
        terms_ms = (time.perf_counter() - started) * 1000
    processes = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(arsearch_command("stats", "--index", index, "--json"), check=True, capture_output=True)
        processes.append(time.perf_counter() - started)
    (http50, http95), (lib50, lib95) = percentiles(http), percentiles(library)
    return (f"| {documents:,} | {engine} | {http50:.1f} / {http95:.1f} | {lib50:.2f} / {lib95:.2f} | "
            f"{statistics.median(processes):.2f} s | {terms_ms / 1000:.1f} s |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("indexes", type=Path, nargs="+")
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, load {load}\n")
    print("| documents | engine | GET /api/stats p50 / p95, ms | Index.stats() p50 / p95, ms | "
          "`arsearch stats --json` process | with the terms counted |")
    print("|---:|---|---:|---:|---:|---:|")
    for index in args.indexes:
        print(measure(index, args.requests), flush=True)


if __name__ == "__main__":
    main()
