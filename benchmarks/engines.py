"""The two arsearch engines on the whole SaudiNewsNet corpus, against tantivy with its own Snowball Arabic
analyzer and SQLite FTS5 in the same run (issue 13's full-corpus targets).

    pip install '.[bench]'
    python -m benchmarks.engines [--corpus DIR] [--workdir DIR] [--queries N] [--markdown FILE]

1. The corpus as ``benchmarks/common/corpus.py`` prepares it (blank contents dropped, one record per url, 1,000 held
   out), one JSONL file a day in ``WORKDIR/docs``.
2. One full build per system from scratch, each in a subprocess measured like ``benchmarks/scale.py`` does:
   ``arsearch index DOCS --engine whoosh|tantivy``, ``benchmarks/tantivy_peer.py index``,
   ``benchmarks/peers/fts5.py index``: wall and CPU time, peak memory of the process tree, size on disk.
3. Query latency in this process with every index open, the systems taking turns query by query:
   ``--queries`` titles of indexed articles (``speed.sample_queries``), ids only (what ``arsearch query --batch``
   does: ``snippet_width=0, suggest=False, collapse=False``) and each request type of
   ``benchmarks/request_types.py`` (top 10 with snippets: plain, a month in the middle of the corpus's days,
   facets, newest first, recency, ``+word -word``, the corpus's two largest sources), as ``benchmarks/scale.py``
   measures them (FTS5: the plain one).
4. A cold process: the median of several ``python -m arsearch query TEXT --index DIR`` runs per engine and of
   ``python -m benchmarks.tantivy_peer query DIR TEXT``, start-up to ten hits printed.

The issue's targets for the tantivy engine: a build at most 1.5 times tantivy's own, p50 at most 2 ms with
snippets and 0.5 ms ids only, a cold ``arsearch query`` at most 0.3 s; each request type's p50 at most 1.5 times
tantivy's own.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from benchmarks.common.machine import REPO_ROOT

from benchmarks.evaluation.sample import plain_query
from benchmarks.common.process import run_measured
from benchmarks import request_types
from benchmarks.scale import build, checked, query_latency, request_table, request_targets
from benchmarks.common.corpus import DEFAULT_CORPUS, prepare
from benchmarks.common.machine import cpu_model, loadavg, repo_env as cli_env
from benchmarks.common.queries import headlines as sample_queries
from benchmarks.tantivy_peer import record_date

SYSTEMS = ("arsearch-whoosh", "arsearch-tantivy", "tantivy-snowball", "fts5")
REFERENCE = "tantivy-snowball"
COLD_RUNS = 7
COLD_QUERY = "وزير الصحة يفتتح مستشفى"


def cold_seconds(command: list[str]) -> float:
    return statistics.median(run_measured(command, env=cli_env()).seconds for _ in range(COLD_RUNS))


def cold_command(system: str, target: Path) -> list[str] | None:
    if system.startswith("arsearch-"):
        return [sys.executable, "-m", "arsearch", "query", COLD_QUERY, "--index", str(target)]
    script = {"tantivy-snowball": "tantivy_peer.py", "fts5": "peers/fts5.py"}[system]
    return [sys.executable, str(REPO_ROOT / "benchmarks" / script), "query", str(target), COLD_QUERY]


def ratio(value: float, reference: float) -> str:
    return f"{value / reference:.2f}×" if reference else "–"


def workload(titles: list[str], records: list[dict[str, Any]]) -> request_types.Workload:
    """The request types' workload on the corpus: its days and sources."""
    days = [d.date() for d in map(record_date, records) if d is not None]
    sources = Counter(r["source"] for r in records if r.get("source"))
    return request_types.workload([plain_query(t) for t in titles], min(days), max(days), sources)


def report(builds: dict[str, dict[str, Any]], latency: dict[str, dict[str, float]], cold: dict[str, float],
           documents: int, queries: int, started: str, loads: tuple[str, str], work: request_types.Workload,
           problems: dict[str, list[str]]) -> str:
    ref_build, ref = builds[REFERENCE], latency[REFERENCE]
    lines = [
        f"Run {started} on {cpu_model()}, {platform.python_implementation()} {platform.python_version()}; "
        f"load average {loads[0]} before, {loads[1]} after (the machine was shared with other work).",
        f"{documents:,} SaudiNewsNet articles; {queries} title queries, top 10; ratios against {REFERENCE}.", "",
        "| system | build | ratio | CPU | peak RSS, tree | index | p50 / p95 snippets | ratio p50 | "
        "p50 / p95 ids only | ratio p50 | cold query process |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for system in SYSTEMS:
        b, q = builds[system], latency[system]
        lines.append(
            f"| {system} | {b['build_s']:.1f} s | {ratio(b['build_s'], ref_build['build_s'])} | "
            f"{b['build_cpu_s']:.1f} s | {b['peak_rss'] / 2**20:.0f} MB | {b['index_bytes'] / 2**20:.0f} MB | "
            f"{q['p50_snippets_ms']:.2f} / {q['p95_snippets_ms']:.2f} ms | "
            f"{ratio(q['p50_snippets_ms'], ref['p50_snippets_ms'])} | "
            f"{q['p50_ids_ms']:.2f} / {q['p95_ids_ms']:.2f} ms | {ratio(q['p50_ids_ms'], ref['p50_ids_ms'])} | "
            f"{cold[system]:.3f} s |")
    t, tb = latency["arsearch-tantivy"], builds["arsearch-tantivy"]
    checks = [
        ("build ≤ 1.5× tantivy's own", tb["build_s"] <= 1.5 * ref_build["build_s"],
         f"{tb['build_s'] / ref_build['build_s']:.2f}×"),
        ("p50 with snippets ≤ 2 ms", t["p50_snippets_ms"] <= 2, f"{t['p50_snippets_ms']:.2f} ms"),
        ("p50 ids only ≤ 0.5 ms", t["p50_ids_ms"] <= 0.5, f"{t['p50_ids_ms']:.2f} ms"),
        ("cold arsearch query ≤ 0.3 s", cold["arsearch-tantivy"] <= 0.3, f"{cold['arsearch-tantivy']:.3f} s"),
    ]
    rows = [{"system": s, "documents": documents, **latency[s], **checked(s, problems[s])} for s in SYSTEMS]
    lines += ["", f"Request types (`benchmarks/request_types.py`; window {work.since}..{work.until}, sources "
              f"{', '.join(work.sources)}), top 10 with snippets: p50 / p95 in ms, and in brackets the p50 over "
              f"{REFERENCE}'s:", "", *request_table(rows)]
    lines += ["", "The tantivy engine against the issue's targets:", ""]
    lines += [f"- {name}: {value}, {'met' if ok else 'not met'}" for name, ok, value in checks]
    lines += request_targets(latency["arsearch-tantivy"], ref)
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/arsearch-engines"))
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--resume", action="store_true", help="keep builds an earlier run finished")
    parser.add_argument("--markdown", type=Path, help="also write the report to this file")
    args = parser.parse_args()
    started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load_before = loadavg()
    corpus = prepare(args.corpus, args.workdir)
    documents = len(corpus.indexed)
    targets = {s: args.workdir / "indexes" / ("fts5.db" if s == "fts5" else s) for s in SYSTEMS}
    builds = {s: build(s, corpus.docs_dir, targets[s], documents, args.resume) for s in SYSTEMS}
    titles, _urls, _pairs = sample_queries(corpus.indexed, args.queries)
    work = workload(titles, corpus.indexed)
    print(f"querying… (window {work.since}..{work.until}, sources {', '.join(work.sources)})", file=sys.stderr)
    latency, problems = query_latency(targets, work)
    print("cold processes…", file=sys.stderr)
    cold = {s: cold_seconds(cold_command(s, targets[s]) or []) for s in SYSTEMS}
    text = report(builds, latency, cold, documents, len(titles) - 20, started, (load_before, loadavg()), work,
                  problems)
    print(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    measured = {"builds": builds, "latency": latency, "cold": cold, "problems": problems}
    (args.workdir / "engines.json").write_text(json.dumps(measured), encoding="utf-8")


if __name__ == "__main__":
    main()
