"""How arsearch grows with the archive: synthetic archives of 100k, 300k and 1M articles (issue 13).

    pip install '.[bench]'      # matplotlib for the PNG, tantivy for the peer
    python -m benchmarks.scale [--sizes 100000,300000,1000000] [--engines whoosh,tantivy]
        [--peers tantivy-snowball,fts5] [--whoosh-up-to 100000] [--queries 200] [--workdir /tmp/arsearch-scale]
        [--resume]

For each size, in this order:

1. The archive: ``benchmarks/synthetic.py`` writes it (seeded, from SaudiNewsNet's sentences, real titles and
   sources) to ``WORKDIR/archives/SIZE/docs`` unless a finished one is there.
2. One full build per system, each from scratch in a subprocess: ``python -m arsearch index DOCS --index DIR``
   (with ``--engine NAME`` for an engine other than the default) for each arsearch engine, and the peers'
   ``benchmarks/tantivy_peer.py index`` (tantivy with its own Snowball Arabic analyzer) and
   ``benchmarks/peers/fts5.py index`` (SQLite FTS5).  Wall time; peak memory of the whole process tree and of its
   largest process (``benchmarks/common/process.py``), and of the tree's unshared pages (RSS without the index
   files a process maps); index size on disk.  ``--resume`` keeps a build finished by an earlier run (its
   figures are those of that run) if this checkout can open it.  The Whoosh engine only at sizes up to
   ``--whoosh-up-to``.
3. Query latency in this process with every index open, the systems taking turns query by query so background
   load hits all alike: ``--queries`` real headlines of the corpus (seeded, made bags of words by
   ``plain_query``), each asked as ids only (``snippet_width=0, suggest=False, collapse=False``, what
   ``query --batch`` does; the peers read the id of each hit) and as each request type of
   ``benchmarks/request_types.py`` (top 10 with snippets: plain, a one-month window, facets, newest first,
   recency, ``+word -word``, two sources), arsearch through ``arsearch.search`` and tantivy-snowball with
   tantivy's own means; FTS5 does the plain one.  The workload's window is a month in the middle of the
   archive's days, its sources the archive's two largest.  20 warm-up queries are not measured; their answers
   are checked (``request_types.problems``: dates inside the window, only the sources asked for, newest first,
   facets summing to the total), and what the checks found goes into each row.

Each size's rows are merged into ``--results`` (JSON, by system and size), and the table of every row there is
written to ``--markdown`` with the growth curves drawn into ``--png``; so sizes and engines can be run one at a
time, by different people, into one report.  An arsearch engine not in ``arsearch.engine.ENGINES`` (or whose
library is missing) is skipped with a note.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from itertools import pairwise
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from benchmarks.common.machine import REPO_ROOT

from benchmarks.peers import fts5 as fts5_peer
from benchmarks import request_types, synthetic
from benchmarks.evaluation.sample import plain_query
from benchmarks.common.latency import take_turns
from benchmarks.common.process import dir_size, run_measured
from benchmarks.request_types import LIMIT, RATIO_TARGET, REQUESTS, TITLES, Workload
from benchmarks.common.machine import cpu_model, loadavg, repo_env as cli_env

from benchmarks.common.corpus import DEFAULT_CORPUS
DEFAULT_WORKDIR = Path("/tmp/arsearch-scale")
DEFAULT_SIZES = "100000,300000,1000000"
PEERS = ("tantivy-snowball", "fts5")
#: The peer every ratio is taken against.
REFERENCE = "tantivy-snowball"
WARMUP_QUERIES = 20
#: The Whoosh engine is built and queried at sizes up to this (``--whoosh-up-to``): beyond, a build takes hours.
WHOOSH_UP_TO = 100_000
#: The issue's targets for the tantivy engine at 1M articles.
TARGET_SIZE = 1_000_000
TARGET_BUILD_S = 15 * 60
TARGET_PEAK_BYTES = 2 * 2**30
TARGET_INDEX_RATIO = 1.5
TARGET_P50_MS = 20.0
#: And for each request type there (besides at most RATIO_TARGET times tantivy's own p50).
TARGET_REQUEST_P50_MS = 30.0
TARGET_REQUEST_P95_MS = 100.0

FTS5_IDS_SQL = "SELECT id FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 10"


# --------------------------------------------------------------------------- the systems


def available_engines(requested: list[str]) -> tuple[list[str], list[str]]:
    """The arsearch engines of ``requested`` this checkout can run, and a note for each one it cannot."""
    from arsearch.engine import ENGINES, engine_kind
    from arsearch.errors import EngineUnavailableError

    usable, notes = [], []
    for name in requested:
        if name not in ENGINES:
            notes.append(f"engine {name!r} skipped: not in arsearch.engine.ENGINES {ENGINES} of this checkout")
            continue
        try:
            engine_kind(name)
        except (ImportError, EngineUnavailableError) as exc:
            notes.append(f"engine {name!r} skipped: {exc}")
            continue
        usable.append(name)
    return usable, notes


def peers_available(requested: list[str]) -> tuple[list[str], list[str]]:
    usable, notes = [], []
    for name in requested:
        if name not in PEERS:
            raise SystemExit(f"unknown peer {name!r}: use {', '.join(PEERS)}")
        if name == "tantivy-snowball":
            try:
                import tantivy  # noqa: F401
            except ImportError:
                notes.append("peer tantivy-snowball skipped: the tantivy package is not installed "
                             "(pip install '.[bench]')")
                continue
        usable.append(name)
    return usable, notes


def system_name(engine: str) -> str:
    return f"arsearch-{engine}"


def build_command(system: str, docs: Path, target: Path) -> list[str]:
    if system.startswith("arsearch-"):
        from arsearch.engine import DEFAULT_ENGINE

        engine = system.removeprefix("arsearch-")
        flag = [] if engine == DEFAULT_ENGINE else ["--engine", engine]
        return [sys.executable, "-m", "arsearch", "index", str(docs), "--index", str(target), *flag, "--json"]
    script = {"tantivy-snowball": "tantivy_peer.py", "fts5": "peers/fts5.py"}[system]
    return [sys.executable, str(REPO_ROOT / "benchmarks" / script), "index", str(target), str(docs)]


def index_path(workdir: Path, size: int, system: str) -> Path:
    folder = workdir / "indexes" / str(size)
    return folder / ("fts5.db" if system == "fts5" else system)


def opens(system: str, target: Path) -> bool:
    """Whether this checkout can search the index an earlier run built (its format or schema may be older)."""
    try:
        if system.startswith("arsearch-"):
            from arsearch import Index

            Index.open(target).close()
        elif system == "tantivy-snowball":
            from benchmarks.tantivy_peer import open_index

            open_index(target)
    except Exception as exc:  # any failure to open means: build it again
        print(f"  {system}: the earlier build does not open ({exc}): built again", file=sys.stderr)
        return False
    return True


#: Seconds between two reads of a build's committed documents (the per-100k curve).
PROGRESS_SECONDS = 2.0
PER = 100_000


def committed_documents(system: str, target: Path) -> int | None:
    """The documents a tantivy index (arsearch's or the peer's) holds at its last commit, from its meta.json."""
    try:
        meta = json.loads((target / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return sum(int(segment.get("max_doc", 0)) for segment in meta.get("segments", []))


class ProgressSampler:
    """Reads a build's committed documents every :data:`PROGRESS_SECONDS`, each new count written to
    ``TARGET.progress.jsonl`` as it comes (so a stopped run still has its curve)."""

    def __init__(self, system: str, target: Path) -> None:
        import threading

        self.points: list[tuple[float, int]] = []
        self._system, self._target = system, target
        self._file = target.with_name(target.name + ".progress.jsonl")
        self._file.unlink(missing_ok=True)
        self._stop = threading.Event()
        self._started = time.perf_counter()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(PROGRESS_SECONDS):
            self.sample()

    def sample(self) -> None:
        found = committed_documents(self._system, self._target)
        if found is not None and (not self.points or found > self.points[-1][1]):
            point = (round(time.perf_counter() - self._started, 1), found)
            self.points.append(point)
            with open(self._file, "a", encoding="utf-8") as out:
                out.write(json.dumps({"seconds": point[0], "documents": found,
                                      "load": loadavg()}) + "\n")

    def stop(self) -> list[tuple[float, int]]:
        self._stop.set()
        self._thread.join()
        self.sample()  # the last commit
        return self.points


def per_100k(points: list[tuple[float, int]], total_s: float | None = None,
             size: int | None = None) -> list[float]:
    """Seconds the build took for each 100,000 articles, from its committed-documents curve (the last stretch
    ends at ``total_s`` when the build finished with ``size`` articles); none when the curve does not tell them
    apart (a build that commits once, as tantivy-snowball's, has every article at its end)."""
    marks = [0.0]
    for k in range(1, 1 + (points[-1][1] if points else 0) // PER):
        marks.append(next(t for t, n in points if n >= k * PER))
    if total_s is not None and size is not None and size % PER == 0 and len(marks) == size // PER:
        marks.append(total_s)
    stretches = [round(b - a, 1) for a, b in pairwise(marks)]
    return stretches if resolved(stretches) else []


def resolved(stretches: list[float]) -> bool:
    """Whether a build's seconds per 100,000 articles were each measured (rows of earlier runs may hold a
    single commit's time as the first stretch and zeros after it)."""
    return bool(stretches) and not (len(stretches) > 1 and 0.0 in stretches)


def build(system: str, docs: Path, target: Path, size: int, resume: bool) -> dict[str, Any]:
    """Build ``system``'s index of ``docs`` from scratch (or keep a finished one with ``resume``)."""
    record = target.with_name(target.name + ".build.json")
    if resume and record.is_file() and target.exists():
        done = json.loads(record.read_text(encoding="utf-8"))
        if done.get("documents") == size and opens(system, target):
            print(f"  {system}: kept the build of {done['date']}", file=sys.stderr)
            return done
    record.unlink(missing_ok=True)
    if target.is_dir():
        shutil.rmtree(target)
    target.unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    print(f"  {system}: building…", file=sys.stderr)
    load = loadavg()
    sampler = ProgressSampler(system, target) if system in ("arsearch-tantivy", "tantivy-snowball") else None
    try:
        run = run_measured(build_command(system, docs, target), env=cli_env())
    finally:
        points = sampler.stop() if sampler is not None else []
    added = json.loads(run.stdout.strip().splitlines()[-1]).get("added")
    if added != size:
        raise SystemExit(f"{system} indexed {added} of {size} articles: {run.stdout[-500:]}")
    done = {
        "documents": size, "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "build_s": round(run.seconds, 1), "build_cpu_s": round(run.cpu_seconds, 1), "peak_rss": run.peak_rss,
        "peak_process_rss": run.peak_process_rss, "peak_private": run.peak_private,
        "index_bytes": dir_size(target), "load_before": load, "load_after": loadavg(),
        "memory_curve": [[round(t, 1), *values] for t, *values in run.curve],
        "committed_curve": [list(point) for point in points],
        "per_100k_s": per_100k(points, run.seconds, size) if points else [],
    }
    record.write_text(json.dumps(done), encoding="utf-8")
    print(f"  {system}: {run.seconds:.0f} s, peak {run.peak_rss / 2**30:.2f} GB", file=sys.stderr)
    return done


# --------------------------------------------------------------------------- querying


Run = Callable[[str], object]


def open_requests(system: str, target: Path, workload: Workload) -> tuple[dict[str, Run], Callable[[], None]]:
    """``({"ids": ..., request type: ...}, close)`` for one built index: ids only, and every request type of
    ``benchmarks/request_types.py`` the system does (FTS5: the plain one)."""
    if system.startswith("arsearch-"):
        from arsearch import Index, search

        ix = Index.open(target)
        ix.snapshot()

        def ids(q: str) -> object:
            return [h.id for h in search(ix, q, limit=LIMIT, snippet_width=0, suggest=False, collapse=False).hits]

        return {"ids": ids, **request_types.arsearch_requests(ix, workload)}, ix.close
    if system == "tantivy-snowball":
        from benchmarks.tantivy_peer import Searcher

        peer = Searcher(target)
        return {"ids": peer.ids, **request_types.peer_requests(peer, workload)}, lambda: None
    db = sqlite3.connect(target)

    def fts5_ids(q: str) -> object:
        expr = fts5_peer.match_expression(q)
        return db.execute(FTS5_IDS_SQL, (expr,)).fetchall() if expr else []

    return {"ids": fts5_ids, "plain": lambda q: fts5_peer.search(db, q)}, db.close


def checked(system: str, found: list[str]) -> dict[str, Any]:
    """A row's record of what the checks of the answers found (printed too)."""
    for problem in found:
        print(f"  {system}: {problem}", file=sys.stderr)
    return {"problems": len(found), "problem_examples": found[:3]}


def percentiles(samples: list[float]) -> tuple[float, float]:
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return q[49], q[94]


def latency_key(mode: str) -> str:
    """The name of a mode's figures in a row: ``p50_KEY_ms`` (the plain request keeps its earlier name)."""
    return "snippets" if mode == "plain" else mode


def query_latency(systems: dict[str, Path], workload: Workload) -> tuple[dict[str, dict[str, float]],
                                                                          dict[str, list[str]]]:
    """p50 and p95 in ms per system and mode (ids only and each request type), the systems taking turns query by
    query; and per system, what :func:`request_types.problems` found in the answers of the warm-up queries."""
    opened = {name: open_requests(name, target, workload) for name, target in systems.items()}
    found: dict[str, list[str]] = {name: [] for name in systems}
    count = len(workload.queries)
    try:
        for n in range(min(WARMUP_QUERIES, count)):
            for name in systems:
                answers = {mode: run(workload.text(mode, n)) for mode, run in opened[name][0].items()}
                checked = {mode: a for mode, a in answers.items() if isinstance(a, request_types.Answer)}
                found[name] += [f"{workload.queries[n]!r}: {p}" for p in request_types.problems(checked, workload)]
        times = take_turns({name: runs for name, (runs, _) in opened.items()}, workload.text, WARMUP_QUERIES, count)
    finally:
        for _runs, close in opened.values():
            close()
    out: dict[str, dict[str, float]] = {}
    for name, modes in times.items():
        out[name] = {}
        for mode, samples in modes.items():
            p50, p95 = percentiles(samples)
            out[name][f"p50_{latency_key(mode)}_ms"] = round(p50, 2)
            out[name][f"p95_{latency_key(mode)}_ms"] = round(p95, 2)
    return out, found


# --------------------------------------------------------------------------- results and report


def load_results(path: Path) -> dict[str, Any]:
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    return {"rows": []}


def save_results(results: dict[str, Any], path: Path) -> None:
    """One row a line, so a later run's rows show as changed lines."""
    rows = ",\n".join(json.dumps(r, ensure_ascii=False) for r in results["rows"])
    path.write_text(f'{{"machine": {json.dumps(results.get("machine", ""))},\n"rows": [\n{rows}\n]}}\n',
                    encoding="utf-8")


def merge_rows(results: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    fresh = {(r["system"], r["documents"]) for r in rows}
    results["rows"] = [r for r in results["rows"] if (r["system"], r["documents"]) not in fresh] + rows
    results["rows"].sort(key=lambda r: (r["documents"], r["system"]))


def gb(n: float) -> str:
    return f"{n / 2**30:.2f} GB"


def mb(n: float) -> str:
    return f"{n / 2**20:.0f} MB"


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a is not None and b else "–"


def latency(row: dict[str, Any], key: str) -> str:
    """A row's p50 / p95 of a mode, or – for a build-only row."""
    if f"p50_{key}_ms" not in row:
        return "– (build only)"
    return f"{row[f'p50_{key}_ms']:.1f} / {row[f'p95_{key}_ms']:.1f} ms"


def table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| documents | system | build | docs/s | peak RSS, tree | largest process | unshared, tree | index | "
        "p50 / p95, snippets | p50 / p95, ids only | build, RSS, index, p50 vs tantivy-snowball | run |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    reference = {r["documents"]: r for r in rows if r["system"] == REFERENCE}
    for r in rows:
        ref = reference.get(r["documents"])
        ratios = "–" if ref is None or r is ref else " / ".join((
            ratio(r["build_s"], ref["build_s"]), ratio(r["peak_rss"], ref["peak_rss"]),
            ratio(r["index_bytes"], ref["index_bytes"]), ratio(r.get("p50_snippets_ms"), ref.get("p50_snippets_ms"))))
        if ref is not None and r is not ref and ref["run"] != r["run"]:
            ratios += " (peer of another run)"
        lines.append(
            f"| {r['documents']:,} | {r['system']} | {r['build_s']:.0f} s | {r['documents'] / r['build_s']:.0f} | "
            f"{gb(r['peak_rss'])} | {gb(r['peak_process_rss'])} | "
            f"{gb(r['peak_private']) if 'peak_private' in r else '–'} | {mb(r['index_bytes'])} | "
            f"{latency(r, 'snippets')} | {latency(r, 'ids')} | {ratios} | {r['run']}, load {r['load_before']} → "
            f"{r['load_after']} |")
    return lines


def growth(rows: list[dict[str, Any]]) -> list[str]:
    """Query p50 (with snippets) at the largest size measured over the smallest, per system."""
    by_system: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_system.setdefault(r["system"], []).append(r)
    lines = []
    for system, found in sorted(by_system.items()):
        found.sort(key=lambda r: r["documents"])
        if len(found) < 2:
            continue
        first, last = found[0], found[-1]
        query = ratio(last.get("p50_snippets_ms"), first.get("p50_snippets_ms"))
        lines.append(f"- {system}: p50 with snippets {query} from {first['documents']:,} to "
                     f"{last['documents']:,} articles (×{last['documents'] / first['documents']:.0f} the documents); "
                     f"build ×{last['build_s'] / first['build_s']:.2f}, "
                     f"peak RSS ×{last['peak_rss'] / first['peak_rss']:.2f}")
    return lines or ["- (one size only so far)"]


def own_memory(row: dict[str, Any]) -> str | None:
    """The indexing process's own unshared memory at a tenth of the build and at its end (documents come at an
    even pace, so a tenth of the build is about a tenth of the articles), from the memory curve."""
    curve = [point for point in row.get("memory_curve") or [] if len(point) >= 4]
    if len(curve) < 10:
        return None
    tenth = max(point[3] for point in curve if point[0] <= row["build_s"] / 10)
    last = max(point[3] for point in curve if point[0] >= row["build_s"] * 0.9)
    return (f"the indexing process's own unshared memory {gb(tenth)} at a tenth of the build, {gb(last)} at its "
            f"end (×{last / tenth:.2f})" if tenth else None)


def has_requests(row: dict[str, Any]) -> bool:
    """Whether the row measured the request types (beyond the plain one)."""
    return any(f"p50_{latency_key(r)}_ms" in row for r in REQUESTS if r != "plain")


def request_cell(row: dict[str, Any], reference: dict[str, Any] | None, request: str) -> str:
    """``p50 / p95`` of one request type, with the ratio of the p50 to the reference's."""
    key = latency_key(request)
    p50 = row.get(f"p50_{key}_ms")
    if p50 is None:
        return "–"
    cell = f"{p50:.1f} / {row[f'p95_{key}_ms']:.1f}"
    peer = reference.get(f"p50_{key}_ms") if reference is not None and reference is not row else None
    return cell + (f" ({p50 / peer:.1f}×)" if peer else "")


def request_table(rows: list[dict[str, Any]]) -> list[str]:
    """p50 / p95 in ms of each request type, per size and system, with the p50's ratio to tantivy-snowball's."""
    shown = [r for r in rows if has_requests(r)]
    if not shown:
        return ["(no run has measured the request types yet)"]
    lines = ["| documents | system | " + " | ".join(TITLES[r] for r in REQUESTS) + " | answers checked |",
             "|---:|---|" + "---:|" * len(REQUESTS) + "---|"]
    reference = {r["documents"]: r for r in shown if r["system"] == REFERENCE}
    for r in shown:
        problems, ref = r.get("problems"), reference.get(r["documents"])
        checks = "–" if problems is None else "fine" if not problems else f"**{problems} problems**"
        if ref is not None and ref.get("run") != r.get("run"):
            checks += " (peer of another run)"
        lines.append(f"| {r['documents']:,} | {r['system']} | "
                     + " | ".join(request_cell(r, ref, q) for q in REQUESTS) + f" | {checks} |")
    return lines


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def request_targets(mine: dict[str, Any], peer: dict[str, Any], *, p50_ms: float | None = None,
                    p95_ms: float | None = None) -> list[str]:
    """Each request type of ``mine`` against the issue's targets: p50 at most
    :data:`~benchmarks.request_types.RATIO_TARGET` times the peer's, and (when given) at most ``p50_ms``, p95 at
    most ``p95_ms``."""
    lines = []
    for request in REQUESTS:
        key = latency_key(request)
        p50, p95, theirs = mine.get(f"p50_{key}_ms"), mine.get(f"p95_{key}_ms"), peer.get(f"p50_{key}_ms")
        if p50 is None or p95 is None or not theirs:
            continue
        parts = [f"p50 {p50:.1f} ms, {p50 / theirs:.2f}× tantivy's own (≤ {RATIO_TARGET}×): "
                 f"{verdict(p50 <= RATIO_TARGET * theirs)}"]
        if p50_ms is not None:
            parts.append(f"p50 ≤ {p50_ms:.0f} ms: {verdict(p50 <= p50_ms)}")
        if p95_ms is not None:
            parts.append(f"p95 {p95:.1f} ms (≤ {p95_ms:.0f} ms): {verdict(p95 <= p95_ms)}")
        lines.append(f"- {TITLES[request]}: " + "; ".join(parts))
    return lines


def targets(rows: list[dict[str, Any]]) -> list[str]:
    """The issue's targets for the tantivy engine at 1M articles, checked on the rows there are."""
    mine = {r["documents"]: r for r in rows if r["system"] == "arsearch-tantivy"}
    peer = {r["documents"]: r for r in rows if r["system"] == REFERENCE}
    big = mine.get(TARGET_SIZE)
    if big is None:
        return [f"- not checked: no arsearch-tantivy row at {TARGET_SIZE:,} articles yet"]

    own = own_memory(big)
    lines = [
        *([f"- {own}"] if own else []),
        f"- build {big['build_s'] / 60:.1f} min (≤ 15 min): {verdict(big['build_s'] <= TARGET_BUILD_S)}",
        f"- peak memory {gb(big['peak_rss'])} (≤ 2 GB): {verdict(big['peak_rss'] <= TARGET_PEAK_BYTES)}",
        (f"- query p50 with snippets {big['p50_snippets_ms']:.1f} ms (≤ 20 ms): "
         f"{verdict(big['p50_snippets_ms'] <= TARGET_P50_MS)}" if "p50_snippets_ms" in big else
         "- query p50 with snippets: not measured (the row is of a build-only run)"),
    ]
    if TARGET_SIZE in peer:
        share = big["index_bytes"] / peer[TARGET_SIZE]["index_bytes"]
        lines.append(f"- index {share:.2f}× tantivy-snowball's (≤ 1.5×): {verdict(share <= TARGET_INDEX_RATIO)}")
    small = min(set(mine) & set(peer), default=None)
    if small is not None and small != TARGET_SIZE and TARGET_SIZE in peer and all(
            "p50_snippets_ms" in r for r in (mine[small], peer[small])):
        ours = big["p50_snippets_ms"] / mine[small]["p50_snippets_ms"]
        theirs = peer[TARGET_SIZE]["p50_snippets_ms"] / peer[small]["p50_snippets_ms"]
        lines.append(f"- query time growth {small:,} → {TARGET_SIZE:,}: ×{ours:.2f} against tantivy-snowball's "
                     f"×{theirs:.2f}: {verdict(ours <= theirs)}")
    if TARGET_SIZE in peer:
        lines += request_targets(big, peer[TARGET_SIZE], p50_ms=TARGET_REQUEST_P50_MS, p95_ms=TARGET_REQUEST_P95_MS)
    return lines


def draw(rows: list[dict[str, Any]], png: Path) -> str:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "PNG not drawn: matplotlib is not installed (pip install '.[bench]')"
    panels = (("build_s", "build, s", 1), ("peak_rss", "peak RSS of the process tree, GB", 2**30),
              ("index_bytes", "index size, MB", 2**20), ("p50_snippets_ms", "query p50 with snippets, ms", 1))
    fig, axes = plt.subplots(3, 2, figsize=(11, 12))
    systems = sorted({r["system"] for r in rows})
    for ax, engine in zip(axes.flat[4:], ("arsearch-tantivy", "arsearch-whoosh")):
        draw_request_ratios(ax, rows, engine)
    for ax, (key, title, unit) in zip(axes.flat, panels):
        for system in systems:
            found = sorted((r for r in rows if r["system"] == system and key in r), key=lambda r: r["documents"])
            ax.plot([r["documents"] for r in found], [r[key] / unit for r in found], marker="o", label=system)
        measured = any(key in r for r in rows)
        ax.set_title(title if measured else f"{title}: not measured (build-only rows)")
        if not measured:
            continue
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("articles")
        ax.grid(True, which="both", alpha=0.3)
    axes.flat[0].legend()
    fig.tight_layout()
    fig.savefig(png, dpi=90)
    plt.close(fig)
    curves = png.with_name(png.stem + "-memory" + png.suffix)
    draw_memory_curves(plt, rows, curves)
    text = f"![growth curves]({png.name})\n\n![memory over each build]({curves.name})"
    per = png.with_name(png.stem + "-per100k" + png.suffix)
    if draw_per_100k(plt, rows, per):
        text += f"\n\n![build time per 100,000 articles]({per.name})"
    return text


def draw_per_100k(plt: Any, rows: list[dict[str, Any]], png: Path) -> bool:
    """Build seconds of each 100,000 articles, one line per build that has its committed-documents curve."""
    found = sorted((r for r in rows if resolved(r.get("per_100k_s") or [])),
                   key=lambda r: (r["system"], r["documents"]))
    if not found:
        return False
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for r in found:
        ax.plot(range(1, len(r["per_100k_s"]) + 1), r["per_100k_s"], marker="o",
                label=f"{r['system']}, {r['documents']:,} articles")
    ax.set_xlabel("100,000 articles, in the order built")
    ax.set_ylabel("build seconds")
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(png, dpi=90)
    plt.close(fig)
    return True


def draw_request_ratios(ax: Any, rows: list[dict[str, Any]], system: str) -> None:
    """One line per request type: ``system``'s p50 over tantivy-snowball's at each size both measured."""
    from matplotlib.ticker import FuncFormatter

    reference = {r["documents"]: r for r in rows if r["system"] == REFERENCE}
    mine = sorted((r for r in rows if r["system"] == system and has_requests(r) and r["documents"] in reference),
                  key=lambda r: r["documents"])
    ax.set_title(f"{system}: p50 ÷ {REFERENCE}'s p50")
    if not mine:
        ax.text(0.5, 0.5, "not measured", ha="center", va="center", transform=ax.transAxes)
        return
    for request in REQUESTS:
        key = f"p50_{latency_key(request)}_ms"
        found = [r for r in mine if r.get(key) and reference[r["documents"]].get(key)]
        ax.plot([r["documents"] for r in found], [r[key] / reference[r["documents"]][key] for r in found],
                marker="o", label=TITLES[request])
    ax.axhline(RATIO_TARGET, color="grey", linestyle="--", linewidth=1)
    ax.set_xscale("log")
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}×"))
    ax.set_xlabel("articles")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)


def draw_memory_curves(plt: Any, rows: list[dict[str, Any]], png: Path) -> None:
    """RSS of the process tree and of its largest process over each build, one panel per size."""
    sizes = sorted({r["documents"] for r in rows if r.get("memory_curve")})
    fig, axes = plt.subplots(1, len(sizes), figsize=(5.5 * len(sizes), 4), squeeze=False)
    for ax, size in zip(axes.flat, sizes):
        for r in sorted((r for r in rows if r["documents"] == size and r.get("memory_curve")),
                        key=lambda r: r["system"]):
            t, total, largest = list(zip(*r["memory_curve"]))[:3]
            share = [x / r["build_s"] for x in t]
            line, = ax.plot(share, [v / 2**30 for v in total], label=f"{r['system']}, tree")
            ax.plot(share, [v / 2**30 for v in largest], linestyle="--", color=line.get_color(),
                    label=f"{r['system']}, largest process")
        ax.set_title(f"{size:,} articles")
        ax.set_xlabel("share of the build")
        ax.set_ylabel("RSS, GB")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(png, dpi=90)
    plt.close(fig)


def write_report(results: dict[str, Any], markdown: Path, png: Path, notes: list[str]) -> str:
    rows = results["rows"]
    picture = draw(rows, png) if rows else ""
    machine = results.get("machine", "")
    lines = [
        f"machine: {machine}",
        *(f"note: {n}" for n in notes),
        "",
        *table(rows),
        "",
        "Growth with the archive:",
        "",
        *growth(rows),
        "",
        "Request types (`benchmarks/request_types.py`), top 10 with snippets: p50 / p95 in ms, and in brackets the "
        f"p50 over {REFERENCE}'s:",
        "",
        *request_table(rows),
        "",
        "The issue's targets for the tantivy engine at 1M articles:",
        "",
        *targets(rows),
        "",
        picture,
    ]
    text = "\n".join(lines) + "\n"
    if markdown.is_file():
        text = splice(markdown.read_text(encoding="utf-8"), text)
    markdown.write_text(text, encoding="utf-8")
    return text


BEGIN, END = "<!-- scale.py: begin -->", "<!-- scale.py: end -->"


def splice(document: str, generated: str) -> str:
    """``document`` with the part between the markers replaced by ``generated`` (appended if it has none)."""
    block = f"{BEGIN}\n{generated}{END}"
    if BEGIN in document and END in document:
        head, rest = document.split(BEGIN, 1)
        return head + block + rest.split(END, 1)[1]
    return document.rstrip("\n") + "\n\n" + block + "\n"


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR,
                        help="archives and indexes go here (never the repository)")
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="comma-separated article counts")
    parser.add_argument("--engines", default=None, help="arsearch engines [default: every one of "
                        "arsearch.engine.ENGINES]; 'none' for the peers alone")
    parser.add_argument("--peers", default=",".join(PEERS), help="of tantivy-snowball,fts5; 'none' for none")
    parser.add_argument("--whoosh-up-to", type=int, default=WHOOSH_UP_TO, metavar="N",
                        help=f"build and query the Whoosh engine only at sizes up to N articles [{WHOOSH_UP_TO:,}; "
                        "0: never]")
    parser.add_argument("--queries", type=int, default=200, help="headlines queried (the first 20 warm up)")
    parser.add_argument("--build-only", action="store_true",
                        help="builds only (no queries): the rows keep the query figures of an earlier run")
    parser.add_argument("--resume", action="store_true", help="keep builds an earlier run finished in the workdir")
    parser.add_argument("--results", type=Path, default=REPO_ROOT / "benchmarks" / "scale_results.json")
    parser.add_argument("--markdown", type=Path, default=REPO_ROOT / "benchmarks" / "SCALE.md")
    parser.add_argument("--png", type=Path, default=REPO_ROOT / "benchmarks" / "scale.png")
    parser.add_argument("--report-only", action="store_true",
                        help="measure nothing: write the markdown and PNGs again from --results")
    args = parser.parse_args()
    if args.report_only:
        print(write_report(load_results(args.results), args.markdown, args.png, []))
        return

    from arsearch.engine import ENGINES

    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    wanted = list(ENGINES) if args.engines is None else [e for e in args.engines.split(",") if e and e != "none"]
    engines, notes = available_engines(wanted)
    peers, peer_notes = peers_available([p for p in args.peers.split(",") if p and p != "none"])
    notes += peer_notes
    systems = [system_name(e) for e in engines] + peers
    if not systems:
        raise SystemExit("nothing to measure: " + "; ".join(notes))
    if args.workdir.resolve().is_relative_to(REPO_ROOT):
        raise SystemExit(f"--workdir {args.workdir} is inside the repository: use a folder outside it")
    for n in notes:
        print(n, file=sys.stderr)

    results = load_results(args.results)
    results["machine"] = (f"{os.cpu_count()} cores, {cpu_model()}, Python {platform.python_version()}, "
                          f"SQLite {sqlite3.sqlite_version}, shared with other agents' work (see each row's load)")
    run_id = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print("loading the corpus…", file=sys.stderr)
    material = synthetic.load_material(args.corpus)
    queries = [plain_query(q) for q in synthetic.headlines(material, args.queries)]
    for size in sizes:
        measured = [s for s in systems if s != "arsearch-whoosh" or size <= args.whoosh_up_to]
        if measured != systems:
            notes.append(f"arsearch-whoosh skipped at {size:,} articles (--whoosh-up-to {args.whoosh_up_to:,})")
            print(notes[-1], file=sys.stderr)
        print(f"{size:,} articles: writing the archive…", file=sys.stderr)
        folder = args.workdir / "archives" / str(size)
        docs = synthetic.write_archive(material, folder, size)
        work = request_types.workload(queries, *synthetic.date_range(size), synthetic.source_counts(folder))
        builds = {s: build(s, docs, index_path(args.workdir, size, s), size, args.resume) for s in measured}
        print(f"{size:,} articles: {len(queries)} queries, window {work.since}..{work.until}, sources "
              f"{', '.join(work.sources)}…", file=sys.stderr)
        if args.build_only:
            rows = [{"system": s, "run": run_id, **builds[s]} for s in measured]
            merge_rows(results, rows)
            save_results(results, args.results)
            for row in rows:
                print(f"{size:,} {row['system']}: build {row['build_s']} s, CPU {row['build_cpu_s']} s, tree "
                      f"{gb(row['peak_rss'])}, unshared {gb(row['peak_private'])}, per 100k "
                      f"{row.get('per_100k_s')}, load {row['load_before']} → {row['load_after']}", flush=True)
            continue
        latency, found = query_latency({s: index_path(args.workdir, size, s) for s in measured}, work)
        rows = [{"system": s, "run": run_id, "queries": len(queries) - WARMUP_QUERIES, **builds[s], **latency[s],
                 **checked(s, found[s])} for s in measured]
        merge_rows(results, rows)
        save_results(results, args.results)
        print("\n".join([*table(rows), "", *request_table(rows)]))
    if args.build_only:
        return
    text = write_report(results, args.markdown, args.png, notes)
    print(text)


if __name__ == "__main__":
    main()
