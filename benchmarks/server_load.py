"""Load on ``arsearch serve`` over loopback: requests/s and latency of concurrent headline searches, alone and while
another process updates the index, against the same searches run in-process through the library (issue 7).

    .venv/bin/python -m benchmarks.server_load [--corpus DIR] [--index DIR] [--workdir DIR]
        [--clients 8] [--requests 1000] [--seconds 60] [--update 5000]

1. The base index (``--index``) is built from the corpus with ``arsearch index`` if it is not there; every run works
   on a fresh copy of it in ``WORKDIR``, so updates never change the base.
2. Queries: headlines of corpus articles (fixed seed, as in the relevance benchmark: quotes and operators made
   plain), one query per request, in the same order for every phase.
3. Four phases, each bounded by ``--requests`` and ``--seconds``, with ``--clients`` requests in flight:
   - library, alone: ``search(ix, q, limit=10)`` from a pool of ``--clients`` threads in this process (the peer);
   - HTTP, alone: ``GET /api/search?q=…&limit=10`` from ``--clients`` asyncio/httpx connections to
     ``arsearch serve`` (another process, loopback);
   - library and HTTP while ``arsearch index UPDATE --batch-size 500`` runs in another process, replacing
     ``--update`` corpus articles (same urls, so the same ids, with changed text): the phase ends when the update
     ends (or at the bounds).
   Each phase starts with 30 unmeasured warm-up requests.
4. Prints requests/s, p50/p95/p99 latency, errors and HTTP/library ratios as a Markdown table.

With ``--fresh`` (issue 26) each hostile query of ``benchmarks/hostile_queries.py`` is the first request of a freshly
started server (ready once ``/health`` says so), with a headline search sent at the same time: their seconds, on
``--before CHECKOUT`` and this one.  With ``--flood`` (issue 26) ``--clients`` clients, each from its own loopback
address, send ``--pace`` headline searches a second for ``--seconds``, alone and then beside one client that keeps
16 requests in flight (another process, another address): their p50/p95 and the flooder's statuses, on
``--before`` and on this checkout with ``--rate-limit``/``--rate-burst`` on loopback too.

With ``--hostile`` (issue 16) it measures instead the server under one hostile client, on two checkouts in the
same run: ``--before CHECKOUT`` (``arsearch serve`` as it was) and this one, in one process and with
``--workers WORKERS`` (default 2); the load generator is one client address, so ``--client-concurrency`` is
raised to 64.  For 1, 8 and 32 clients of headline searches (``--seconds`` each), one more client
sends the hostile queries of ``benchmarks/hostile_queries.py`` one after another (those an HTTP client can
send: the 1 MB one cannot be a URL); prints requests/s, p50 and p95 of the headline searches, their errors,
and the hostile requests answered, with their statuses and slowest time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from benchmarks.common.machine import REPO_ROOT

from arsearch import Index, search
from benchmarks.evaluation.corpus import Article, deduplicate, read_records
from benchmarks.evaluation.sample import plain_query

from benchmarks.common.corpus import DEFAULT_CORPUS
SEED = 7
WARMUP = 30
#: What the server writes to stderr after its first line (uvicorn logs tracebacks of 500s there).
SERVER_LOG: list[str] = []


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def row(self) -> dict[str, float]:
        ms = sorted(x * 1000 for x in self.latencies)

        def pct(p: float) -> float:
            return ms[min(len(ms) - 1, int(p * len(ms)))] if ms else float("nan")

        return {"requests": len(ms), "errors": len(self.errors), "rps": len(ms) / self.seconds if self.seconds else 0.0,
                "p50": statistics.median(ms) if ms else float("nan"), "p95": pct(0.95), "p99": pct(0.99)}


class Bounds:
    """Stops a phase after ``requests`` requests, ``seconds`` seconds, or when ``until`` says so."""

    def __init__(self, requests: int, seconds: float, until: Callable[[], bool] = lambda: False) -> None:
        self.left, self.deadline, self.until = requests, time.monotonic() + seconds, until
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0 or time.monotonic() > self.deadline or self.until():
                return False
            self.left -= 1
            return True


def run_library(ix: Index, queries: list[str], clients: int, bounds: Bounds, phase: Phase) -> None:
    position = iter(range(10**9))

    def worker() -> None:
        while bounds.take():
            q = queries[next(position) % len(queries)]
            started = time.perf_counter()
            try:
                search(ix, q, limit=10)
            except Exception as exc:
                phase.errors.append(f"{type(exc).__name__}: {exc}")
                continue
            phase.latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for future in [pool.submit(worker) for _ in range(clients)]:
            future.result()
    phase.seconds = time.perf_counter() - started


async def timed_search(client: httpx.AsyncClient, q: str, phase: Phase, shown: int | None = None) -> None:
    """One search over HTTP: its latency into ``phase``, or what went wrong (the first ``shown`` characters)."""
    started = time.perf_counter()
    try:
        response = await client.get("/api/search", params={"q": q, "limit": 10})
        problem = "" if response.status_code == 200 else f"{response.status_code} {response.text}"
    except httpx.HTTPError as exc:
        problem = f"{type(exc).__name__}: {exc}"
    if problem:
        phase.errors.append(f"{q!r}: {problem[:shown]}")
    else:
        phase.latencies.append(time.perf_counter() - started)


def run_http(url: str, queries: list[str], clients: int, bounds: Bounds, phase: Phase) -> None:
    async def main() -> None:
        position = iter(range(10**9))
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
            async def worker() -> None:
                while bounds.take():
                    await timed_search(client, queries[next(position) % len(queries)], phase)

            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(clients)))
            phase.seconds = time.perf_counter() - started

    asyncio.run(main())


def headline_queries(articles: list[Article], count: int) -> list[str]:
    titles = [plain_query(a.title) for a in articles if len(a.title.split()) >= 3]
    return random.Random(SEED).sample(titles, min(count, len(titles)))


def write_update(articles: list[Article], count: int, folder: Path, marker: str) -> Path:
    """``count`` articles with their urls (so their ids) and a changed text, as one JSONL file in ``folder``."""
    chosen = random.Random(SEED + 1).sample([a for a in articles if a.url], count)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    lines = [json.dumps({"url": a.url, "title": a.title, "content": f"{a.content} {marker}", "date": a.date,
                         "source": a.source}, ensure_ascii=False) for a in chosen]
    (folder / "update.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def arsearch_command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "arsearch", *map(str, args)]


def start_server(index: Path, checkout: Path = REPO_ROOT, *args: str) -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen(arsearch_command("serve", "--index", index, "--port", "0", *args),
                              stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(checkout)},
                              cwd=checkout)
    line = server.stderr.readline() if server.stderr else ""
    found = re.search(r"http://[\d.:]+", line)
    if not found:
        server.kill()
        raise SystemExit(f"arsearch serve did not start: {line}")
    threading.Thread(target=lambda: SERVER_LOG.extend(server.stderr or ()), daemon=True).start()
    return server, found.group(0)


def during_update(index: Path, folder: Path, load: Callable[[Bounds], None], args: argparse.Namespace) -> float:
    """Run ``load`` while ``arsearch index FOLDER`` updates ``index``; returns the update's wall time."""
    update = subprocess.Popen(arsearch_command("index", folder, "--index", index, "--batch-size", "500", "--json"),
                              stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    started = time.perf_counter()
    load(Bounds(args.requests, args.seconds, until=lambda: update.poll() is not None))
    out, _ = update.communicate(timeout=600)
    elapsed = time.perf_counter() - started
    report = json.loads(out)
    print(f"  update: {report['updated']} updated, {report['added']} added in {elapsed:.1f} s "
          f"(exit {update.returncode})", file=sys.stderr)
    return elapsed


@dataclass
class Hostile:
    """The hostile client's requests: how many were answered, with which statuses, and the slowest."""

    statuses: Counter[int] = field(default_factory=Counter)
    slowest: float = 0.0


def run_under_attack(url: str, queries: list[str], hostile: list[str], clients: int, seconds: float,
                     phase: Phase, attack: Hostile) -> None:
    """``clients`` connections of headline searches for ``seconds`` while one more sends ``hostile`` in turn."""
    async def main() -> None:
        position = iter(range(10**9))
        deadline = time.monotonic() + seconds
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with httpx.AsyncClient(base_url=url, limits=limits, timeout=120) as client, \
                httpx.AsyncClient(base_url=url, timeout=120) as attacker:
            async def worker() -> None:
                while time.monotonic() < deadline:
                    await timed_search(client, queries[next(position) % len(queries)], phase, shown=200)

            async def attack_loop() -> None:
                turn = 0
                while time.monotonic() < deadline:
                    started = time.perf_counter()
                    try:
                        response = await attacker.get("/api/search", params={"q": hostile[turn % len(hostile)]})
                        attack.statuses[response.status_code] += 1
                    except httpx.HTTPError:
                        attack.statuses[0] += 1
                    attack.slowest = max(attack.slowest, time.perf_counter() - started)
                    turn += 1

            started = time.perf_counter()
            attacking = asyncio.ensure_future(attack_loop())
            await asyncio.gather(*(worker() for _ in range(clients)))
            phase.seconds = time.perf_counter() - started  # the headline searches' time, not the last attack's
            await attacking

    asyncio.run(main())


def hostile_main(args: argparse.Namespace, queries: list[str]) -> None:
    from benchmarks.hostile_queries import cases

    hostile = [q for q in cases(args.corpus, args.index).values() if len(str(httpx.QueryParams({"q": q}))) < 60_000]
    # one load generator is one client address: the per-client limit would refuse most of 32 clients
    variants = [("before", args.before, ()),
                ("after, 1 process", REPO_ROOT, ("--client-concurrency", "64")),
                ("after", REPO_ROOT, ("--workers", str(args.workers), "--client-concurrency", "64"))]
    rows: list[tuple[str, int, dict[str, float], Hostile]] = []
    load_before = os.getloadavg()
    for label, checkout, extra in variants:
        server, url = start_server(args.index, checkout, *extra)
        try:
            run_http(url, queries[:WARMUP], 4, Bounds(WARMUP * 2, 60), Phase("warm-up"))
            for clients in (1, 8, 32):
                phase, attack = Phase(f"{label} {clients}"), Hostile()
                run_under_attack(url, queries[WARMUP:], hostile, clients, args.seconds, phase, attack)
                rows.append((label, clients, phase.row(), attack))
                for problem in phase.errors[:3]:
                    print(f"  {label} {clients} error: {problem}", file=sys.stderr)
                print(f"  {label} {clients}: {phase.row()} hostile {dict(attack.statuses)}", file=sys.stderr)
        finally:
            server.terminate()
            server.wait(timeout=60)
    load_after = os.getloadavg()
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, load average "
          f"{load_before[0]:.2f} before, {load_after[0]:.2f} after; {args.seconds:.0f} s per row; "
          f"{len(hostile)} hostile queries in turn; after: --workers {args.workers}\n")
    print("| server | clients | requests | errors | requests/s | p50 ms | p95 ms | hostile answered | hostile statuses "
          "| hostile slowest s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    for label, clients, r, attack in rows:
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(attack.statuses.items()))
        print(f"| {label} | {clients} | {r['requests']} | {r['errors']} | {r['rps']:.1f} | {r['p50']:.1f} | "
              f"{r['p95']:.1f} | {sum(attack.statuses.values())} | {statuses} | {attack.slowest:.2f} |")
    by = {(label, clients): r for label, clients, r, _ in rows}
    for clients in (1, 8, 32):
        b, one, a = by[("before", clients)], by[("after, 1 process", clients)], by[("after", clients)]
        print(f"\n{clients} clients, after / before: requests/s ×{a['rps'] / b['rps']:.2f}, "
              f"p95 ×{a['p95'] / b['p95']:.2f} (1 process: ×{one['rps'] / b['rps']:.2f}, ×{one['p95'] / b['p95']:.2f})")


def wait_ready(url: str, seconds: float = 300) -> float:
    """Poll ``/health`` until it answers 200 (a warm start answers 503 before); the seconds it took."""
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        try:
            if httpx.get(url + "/health", timeout=10).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"{url} not ready after {seconds:.0f} s")


def fresh_main(args: argparse.Namespace, queries: list[str]) -> None:
    """Each hostile query as the first request of a freshly started server, with a headline search sent beside
    it: their seconds, per checkout (issue 26: a warm start and every query within its budget)."""
    from benchmarks.hostile_queries import cases

    hostile = {name: q for name, q in cases(args.corpus, args.index).items()
               if len(str(httpx.QueryParams({"q": q}))) < 60_000}
    checkouts = ([("before", args.before)] if args.before else []) + [("after", REPO_ROOT)]
    rows: dict[str, dict[str, tuple[float, float, float, str]]] = {}
    load_before = os.getloadavg()
    for label, checkout in checkouts:
        rows[label] = {}
        for n, (name, text) in enumerate(hostile.items()):
            server, url = start_server(args.index, checkout)
            try:
                ready = wait_ready(url)
                normal = queries[WARMUP + n]

                async def pair(text: str = text, normal: str = normal, url: str = url) -> tuple[float, float, str]:
                    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
                        async def timed(q: str) -> tuple[float, int, bool]:
                            started = time.perf_counter()
                            response = await client.get("/api/search", params={"q": q, "limit": 10})
                            partial = response.status_code == 200 and bool(response.json().get("partial"))
                            return time.perf_counter() - started, response.status_code, partial

                        (worst, status, partial), (beside, _, _) = await asyncio.gather(timed(text), timed(normal))
                        return worst, beside, f"{status}{' partial' if partial else ''}"

                worst, beside, note = asyncio.run(pair())
                rows[label][name] = (ready, worst, beside, note)
                print(f"  {label} {name}: ready {ready:.2f} s, {worst:.3f} s ({note}), beside {beside:.3f} s",
                      file=sys.stderr)
            finally:
                server.terminate()
                server.wait(timeout=60)
    load_after = os.getloadavg()
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, load average "
          f"{load_before[0]:.2f} before, {load_after[0]:.2f} after; index {args.index}; one fresh server per "
          "query, its first request, a headline search sent at the same time\n")
    head = " | ".join(f"{label} ready s | {label} query s | {label} beside s | {label} answer"
                      for label, _ in checkouts)
    print(f"| case | {head} |")
    print("|---|" + "---:|---:|---:|---|" * len(checkouts))
    for name in hostile:
        cells = " | ".join("{:.2f} | {:.3f} | {:.3f} | {}".format(*rows[label][name]) for label, _ in checkouts)
        print(f"| {name} | {cells} |")
    for label, _ in checkouts:
        worst = max(rows[label].values(), key=lambda r: r[1])
        beside = max(r[2] for r in rows[label].values())
        print(f"\n{label}: worst query {worst[1]:.3f} s, slowest search beside one {beside:.3f} s")


#: The address the flooding client sends from; the others each have their own (loopback has every 127.x.y.z).
FLOODER = "127.0.0.2"


def flood_process(url: str, queries: list[str], seconds: float, connections: int) -> None:
    """In a child process: ``connections`` requests in flight from :data:`FLOODER`, one after another, for
    ``seconds``; prints how many were answered with each status."""
    statuses: Counter[int] = Counter()

    async def main() -> None:
        transport = httpx.AsyncHTTPTransport(local_address=FLOODER)
        async with httpx.AsyncClient(base_url=url, transport=transport, timeout=60,
                                     limits=httpx.Limits(max_connections=connections)) as client:
            deadline = time.monotonic() + seconds
            turn = iter(range(10**9))

            async def loop() -> None:
                while time.monotonic() < deadline:
                    try:
                        response = await client.get("/api/search", params={"q": queries[next(turn) % len(queries)]})
                        statuses[response.status_code] += 1
                    except httpx.HTTPError:
                        statuses[0] += 1

            await asyncio.gather(*(loop() for _ in range(connections)))

    asyncio.run(main())
    print(json.dumps(dict(statuses)))


def paced_clients(url: str, queries: list[str], clients: int, rate: float, seconds: float, phase: Phase) -> None:
    """``clients`` clients, each from its own loopback address, each sending ``rate`` searches a second."""
    async def main() -> None:
        turn = iter(range(10**9))

        async def client_loop(n: int) -> None:
            transport = httpx.AsyncHTTPTransport(local_address=f"127.0.1.{n + 1}")
            async with httpx.AsyncClient(base_url=url, transport=transport, timeout=60) as client:
                deadline = time.monotonic() + seconds
                next_at = time.monotonic() + n / (clients * rate)
                while next_at < deadline:
                    await asyncio.sleep(max(0.0, next_at - time.monotonic()))
                    await timed_search(client, queries[next(turn) % len(queries)], phase, shown=200)
                    next_at += 1 / rate

        started = time.perf_counter()
        await asyncio.gather(*(client_loop(n) for n in range(clients)))
        phase.seconds = time.perf_counter() - started

    asyncio.run(main())


def flood_main(args: argparse.Namespace, queries: list[str]) -> None:
    """The others' latency without and with one flooding client, on each checkout (issue 26: the rate limit)."""
    checkouts = ([("before", args.before, ())] if args.before else []) + [
        ("after", REPO_ROOT, ("--rate-limit", str(args.rate_limit), "--rate-burst", str(args.rate_burst),
                              "--rate-limit-loopback"))]
    rows = []
    load_before = os.getloadavg()
    for label, checkout, extra in checkouts:
        server, url = start_server(args.index, checkout, "--workers", str(args.workers), *extra)
        try:
            wait_ready(url)
            run_http(url, queries[:WARMUP], 4, Bounds(WARMUP * 2, 60), Phase("warm-up"))
            alone = Phase(f"{label} alone")
            paced_clients(url, queries[WARMUP:], args.clients, args.pace, args.seconds, alone)
            flooder = subprocess.Popen([sys.executable, __file__, "--flood-child", url, "--corpus", str(args.corpus),
                                        "--seconds", str(args.seconds + 2), "--index", str(args.index)],
                                       stdout=subprocess.PIPE, text=True, cwd=REPO_ROOT)
            time.sleep(1)
            flooded = Phase(f"{label} flooded")
            paced_clients(url, queries[WARMUP:], args.clients, args.pace, args.seconds, flooded)
            out, _ = flooder.communicate(timeout=120)
            flood = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
            for phase in (alone, flooded):
                for problem in phase.errors[:3]:
                    print(f"  {phase.name} error: {problem}", file=sys.stderr)
            rows.append((label, alone.row(), flooded.row(), flood))
            print(f"  {label}: alone {alone.row()}, flooded {flooded.row()}, flood {flood}", file=sys.stderr)
        finally:
            server.terminate()
            server.wait(timeout=60)
    load_after = os.getloadavg()
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, load average "
          f"{load_before[0]:.2f} before, {load_after[0]:.2f} after; index {args.index}; --workers {args.workers}; "
          f"{args.clients} clients at {args.pace:g} searches/s each, {args.seconds:.0f} s per phase; one flooding "
          f"client with {FLOOD_CONNECTIONS} requests in flight; after: --rate-limit {args.rate_limit:g} "
          f"--rate-burst {args.rate_burst} --rate-limit-loopback\n")
    print("| server | others alone: requests, p50 / p95 ms | others flooded: requests, errors, p50 / p95 ms | "
          "p95 flooded / alone | flooder's answers |")
    print("|---|---:|---:|---:|---|")
    for label, alone, flooded, flood in rows:
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(flood.items()))
        print(f"| {label} | {alone['requests']}, {alone['p50']:.0f} / {alone['p95']:.0f} | {flooded['requests']}, "
              f"{flooded['errors']}, {flooded['p50']:.0f} / {flooded['p95']:.0f} | "
              f"×{flooded['p95'] / alone['p95']:.2f} | {statuses} |")


#: Requests the flooding client keeps in flight.
FLOOD_CONNECTIONS = 16


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--index", type=Path, default=Path("/tmp/serve-corpus"))
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/serve-load"))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--update", type=int, default=5000)
    parser.add_argument("--hostile", action="store_true", help="one hostile client, before and after (issue 16)")
    parser.add_argument("--before", type=Path, help="with --hostile: the checkout to compare with")
    parser.add_argument("--workers", type=int, default=2, help="with --hostile or --flood: server processes")
    parser.add_argument("--fresh", action="store_true",
                        help="each hostile query first on a fresh server, a headline search beside it (issue 26)")
    parser.add_argument("--flood", action="store_true",
                        help="paced clients without and with one flooding client (issue 26: the rate limit)")
    parser.add_argument("--pace", type=float, default=2.0, help="with --flood: searches a second per client")
    parser.add_argument("--rate-limit", type=float, default=5.0, help="with --flood: the server's --rate-limit")
    parser.add_argument("--rate-burst", type=int, default=20, help="with --flood: the server's --rate-burst")
    parser.add_argument("--flood-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.flood_child:
        articles, _ = deduplicate(read_records(args.corpus))
        flood_process(args.flood_child, headline_queries(articles, 2000), args.seconds, FLOOD_CONNECTIONS)
        return

    if not Index.exists(args.index):
        subprocess.run(arsearch_command("index", args.corpus, "--index", args.index), check=True)
    articles, _ = deduplicate(read_records(args.corpus))
    queries = headline_queries(articles, args.requests + WARMUP)
    if args.hostile:
        if args.before is None:
            raise SystemExit("--hostile needs --before CHECKOUT")
        hostile_main(args, queries)
        return
    if args.fresh:
        fresh_main(args, queries)
        return
    if args.flood:
        flood_main(args, queries)
        return
    copy = args.workdir / "index"
    shutil.rmtree(args.workdir, ignore_errors=True)
    shutil.copytree(args.index, copy)
    print(f"{len(articles)} articles, {len(queries)} headline queries, {args.clients} clients, at most "
          f"{args.requests} requests / {args.seconds:.0f} s per phase", file=sys.stderr)

    phases: dict[str, Phase] = {name: Phase(name) for name in ("library", "http", "library+update", "http+update")}
    update_seconds: dict[str, float] = {}
    server, url = start_server(copy)
    try:
        with Index.open(copy) as ix:
            def library(phase: Phase) -> Callable[[Bounds], None]:
                return lambda bounds: run_library(ix, queries[WARMUP:], args.clients, bounds, phase)

            def http(phase: Phase) -> Callable[[Bounds], None]:
                return lambda bounds: run_http(url, queries[WARMUP:], args.clients, bounds, phase)

            run_library(ix, queries[:WARMUP], args.clients, Bounds(WARMUP, 60), Phase("warm-up"))
            run_http(url, queries[:WARMUP], args.clients, Bounds(WARMUP, 60), Phase("warm-up"))
            library(phases["library"])(Bounds(args.requests, args.seconds))
            http(phases["http"])(Bounds(args.requests, args.seconds))
            for name, load, marker in (("library+update", library, "تحديث أول"), ("http+update", http, "تحديث ثان")):
                folder = write_update(articles, args.update, args.workdir / "update", marker)
                update_seconds[name] = during_update(copy, folder, load(phases[name]), args)
    finally:
        server.terminate()
        server.wait(timeout=30)

    for phase in phases.values():
        for problem in phase.errors[:5]:
            print(f"  {phase.name} error: {problem}", file=sys.stderr)
    if SERVER_LOG:
        print("server log:\n" + "".join(SERVER_LOG[-40:]), file=sys.stderr)
    print("| phase | requests | errors | requests/s | p50 ms | p95 ms | p99 ms | update s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    rows = {name: phase.row() for name, phase in phases.items()}
    for name, r in rows.items():
        print(f"| {name} | {r['requests']} | {r['errors']} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p95']:.1f} | "
              f"{r['p99']:.1f} | {update_seconds.get(name, float('nan')):.1f} |")
    for base in ("", "+update"):
        h, lib = rows["http" + base], rows["library" + base]
        print(f"\nHTTP / library{base}: requests/s ×{h['rps'] / lib['rps']:.2f}, p50 ×{h['p50'] / lib['p50']:.2f}, "
              f"p95 ×{h['p95'] / lib['p95']:.2f}")


if __name__ == "__main__":
    main()
