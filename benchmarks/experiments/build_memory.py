"""Memory of every process of an ``arsearch index`` run: which one grows, and with what.

    python -m benchmarks.experiments.build_memory DOCS [--index DIR] [--engine NAME]
    python -m benchmarks.experiments.build_memory --held INDEX

Builds a fresh index of DOCS (any path ``arsearch index`` takes) and samples, every 0.5 s, the VmRSS and RssAnon
(``/proc/PID/status``) of each process of the tree: the indexing process, the Whoosh writer's workers (a new
pair per batch) and the fork server they start from.  Prints each process's lifetime and peak, then the peak of
the indexing process, of the largest other process and of the tree's sum in each quarter of the run: a curve
that rises from quarter to quarter is memory that grows with the index.

``--held INDEX`` measures (with tracemalloc) what an indexing run holds for every document already in INDEX:
the ``{id: (path, fingerprint)}`` of ``Index.stored_states`` and the near-duplicate ``GroupTracker``. Frozen since
issue 21, which took the tracker's load out of the writer: ``--held`` runs on commit 7ee31ba or earlier.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common.process import processes
from benchmarks.common.machine import loadavg, repo_env as cli_env

INTERVAL = 0.5


def _status_mb(pid: int) -> tuple[int, int] | None:
    """VmRSS and RssAnon of ``pid`` in MB (None once it is gone)."""
    found = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "RssAnon"):
                    found[key] = int(value.split()[0]) // 1024
    except OSError:
        return None
    return found.get("VmRSS", 0), found.get("RssAnon", 0)


def _role(pid: int, root: int) -> str:
    if pid == root:
        return "indexing process"
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "?"
    if b"multiprocessing.forkserver" in cmdline:
        return "forkserver or worker"
    if b"resource_tracker" in cmdline:
        return "resource tracker"
    return "worker (forked)"


Samples = list[tuple[float, dict[int, tuple[int, int]]]]


def trace(cmd: list[str]) -> tuple[Samples, dict[int, str], int, float]:
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env(), text=True)
    samples: list[tuple[float, dict[int, tuple[int, int]]]] = []
    roles: dict[int, str] = {}
    while proc.poll() is None:
        tree, _cpu = processes()
        row: dict[int, tuple[int, int]] = {}
        todo = [proc.pid]
        while todo:
            pid = todo.pop()
            todo.extend(tree.get(pid, ()))
            status = _status_mb(pid)
            if status is not None:
                row[pid] = status
                roles.setdefault(pid, _role(pid, proc.pid))
        samples.append((time.perf_counter() - started, row))
        time.sleep(INTERVAL)
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-3000:]}")
    print(out.strip().splitlines()[-1])
    return samples, roles, proc.pid, time.perf_counter() - started


def report(samples: Samples, roles: dict[int, str], root: int,
           seconds: float) -> None:
    lives: dict[int, list[float]] = {}
    for t, row in samples:
        for pid, (rss, anon) in row.items():
            life = lives.setdefault(pid, [t, t, 0, 0])
            life[1], life[2], life[3] = t, max(life[2], rss), max(life[3], anon)
    print(f"\n{seconds:.0f} s, load average {loadavg()}\n")
    print("| process | role | from – to, s | peak RSS | peak RssAnon |\n|---:|---|---|---:|---:|")
    for pid, (first, last, rss, anon) in lives.items():
        print(f"| {pid} | {roles.get(pid, '?')} | {first:.0f} – {last:.0f} | {rss} MB | {anon} MB |")
    print("\n| quarter of the run | indexing process | largest other process | tree (sum) |\n|---|---:|---:|---:|")
    for q in range(4):
        part = [row for t, row in samples if q * seconds / 4 <= t <= (q + 1) * seconds / 4]
        if not part:
            continue
        main = max(row.get(root, (0, 0))[0] for row in part)
        other = max((rss for row in part for pid, (rss, _) in row.items() if pid != root), default=0)
        total = max(sum(rss for rss, _ in row.values()) for row in part)
        print(f"| {q + 1} | {main} MB | {other} MB | {total} MB |")


def held(index_dir: Path) -> None:
    import gc
    import tracemalloc

    from arsearch import Index

    with Index.open(index_dir) as ix:
        documents = ix.document_count()
        ix.snapshot()
        tracemalloc.start()
        kept = []
        print(f"{documents:,} documents in {index_dir}\n\n| held by a run | MB | bytes a document |\n|---|---:|---:|")
        for name, load in (("stored states (id, path, fingerprint; with the column caches)", ix.stored_states),
                           ("near-duplicate GroupTracker", ix._group_tracker)):
            gc.collect()
            before = tracemalloc.get_traced_memory()[0]
            kept.append(load())
            gc.collect()
            grown = tracemalloc.get_traced_memory()[0] - before
            print(f"| {name} | {grown / 2**20:.0f} | {grown / max(documents, 1):.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("docs", type=Path, nargs="?")
    parser.add_argument("--held", type=Path, metavar="INDEX", help="measure what a run holds per document of INDEX")
    parser.add_argument("--index", type=Path, help="where to build [default: a temporary folder, removed after]")
    parser.add_argument("--engine", help="an arsearch engine other than the default")
    args = parser.parse_args()
    if args.held:
        held(args.held)
        return
    if args.docs is None:
        parser.error("DOCS is required (or --held INDEX)")
    target = args.index or Path(tempfile.mkdtemp(prefix="arsearch-build-memory-")) / "index"
    if target.exists():
        shutil.rmtree(target)
    cmd = [sys.executable, "-m", "arsearch", "index", str(args.docs), "--index", str(target), "--json"]
    if args.engine:
        cmd[-1:-1] = ["--engine", args.engine]
    samples, roles, root, seconds = trace(cmd)
    report(samples, roles, root, seconds)
    if args.index is None:
        shutil.rmtree(target.parent)


if __name__ == "__main__":
    main()
