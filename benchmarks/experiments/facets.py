"""Latency of source filters, facets and the date and recency orders on the whole SaudiNewsNet corpus, against
SQLite FTS5 doing the same in the same run, and a check of the facet counts against a brute-force recount.

Frozen since issue 21: written for the storage-level engine contract (document numbers, columns) that the
request-level one replaced; it runs on commit 7ee31ba or earlier. The same requests on today's code:
``benchmarks/request_types.py`` (through ``engines.py`` and ``scale.py``).

    python -m benchmarks.experiments.facets [--corpus DIR] [--workdir /tmp/arsearch-facets] [--queries 300]

The documents and queries are benchmarks/speed.py's: its ``prepare`` (the corpus without 1,000 held-out
articles, one JSONL file per day) and its ``sample_queries`` (headlines of indexed articles, seed 4).  Both
indexes are built once into the workdir (``arsearch index`` and ``benchmarks/fts5_peer.py index``) and reused.
Each query runs in five ways, the engines alternating query by query, top 10 with snippets:

- plain: arsearch ``search(q)``; FTS5 ``MATCH`` (the words OR-ed) ``ORDER BY rank`` with ``snippet()``.
- source: ``sources=["okaz", "sabq"]``; FTS5 ``AND source IN ('okaz', 'sabq')``.
- facets: ``facets=True`` (top 10 and counts per source, month and day of every match); FTS5 the top 10 and
  ``SELECT source, substr(date, 1, 10), count(*) … GROUP BY 1, 2`` (one pass; sources, days and months summed
  from its rows in Python).
- date: ``sort="date"``; FTS5 ``ORDER BY date DESC, rank``.
- recency: ``sort="recency"``; FTS5 ``ORDER BY bm25(docs) * pow(0.5, age in days / half-life)`` with the same
  half-life and the same reference date (the newest article).

The check: for the first ``--checked`` queries, the facets of ``search(..., facets=True)`` equal counts made from
the stored source and date of every document the engine's own matchers select for the query
(``Snapshot.matching``: Whoosh's ``docs_for_query``).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from arsearch import Index, search
from arsearch.search.ordering import DEFAULT_HALF_LIFE_DAYS
from arsearch.search.compiler import QueryCompiler
from benchmarks.peers import fts5 as fts5_peer
from benchmarks.common.corpus import DEFAULT_CORPUS, prepare
from benchmarks.common.machine import loadavg, repo_env as cli_env
from benchmarks.common.queries import headlines as sample_queries

SOURCES = ["okaz", "sabq"]
WARMUP = 20
CASES = ("plain", "source", "facets", "date", "recency")
SNIPPET = "snippet(docs, 1, '[', ']', '…', 24)"


def build(corpus: Path, workdir: Path) -> tuple[Path, Path, list[dict]]:
    prepared = prepare(corpus, workdir)
    ix_dir, db = workdir / "arsearch-index", workdir / "fts5.db"
    if not (workdir / "built").is_file():
        subprocess.run([sys.executable, "-m", "arsearch", "index", str(prepared.docs_dir), "--index", str(ix_dir),
                        "--rebuild"], check=True, capture_output=True, env=cli_env())
        db.unlink(missing_ok=True)
        fts5_peer.index(str(db), str(prepared.docs_dir))
        (workdir / "built").write_text("ok")
    return ix_dir, db, prepared.indexed


class FTS5:
    """The same five searches in SQL."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.newest = db.execute("SELECT max(date) FROM docs").fetchone()[0]

    def top(self, expr: str, where: str = "", order: str = "rank", params: tuple = ()) -> list[tuple]:
        sql = (f"SELECT id, title, {SNIPPET} FROM docs WHERE docs MATCH ? {where} ORDER BY {order} LIMIT 10")
        return self.db.execute(sql, (expr, *params)).fetchall()

    def run(self, case: str, text: str) -> Any:
        expr = fts5_peer.match_expression(text)
        if expr is None:
            return None
        if case == "plain":
            return self.top(expr)
        if case == "source":
            return self.top(expr, f"AND source IN ({', '.join('?' * len(SOURCES))})", params=tuple(SOURCES))
        if case == "date":
            return self.top(expr, order="date DESC, rank")
        if case == "recency":
            return self.top(expr, order="bm25(docs) * pow(0.5, (julianday(?) - julianday(date)) / ?)",
                            params=(self.newest, DEFAULT_HALF_LIFE_DAYS))
        top = self.top(expr)
        rows = self.db.execute("SELECT source, substr(date, 1, 10), count(*) FROM docs WHERE docs MATCH ? "
                               "GROUP BY 1, 2", (expr,)).fetchall()
        sources: Counter[str] = Counter()
        days: Counter[str] = Counter()
        for source, day, count in rows:
            sources[source] += count
            days[day] += count
        months: Counter[str] = Counter()
        for day, count in days.items():
            months[day[:7]] += count
        return top, sources.most_common(), sorted(days.items()), sorted(months.items())


def arsearch_case(case: str) -> dict[str, Any]:
    return {"plain": {}, "source": {"sources": SOURCES}, "facets": {"facets": True}, "date": {"sort": "date"},
            "recency": {"sort": "recency"}}[case]


def brute_force_facets(index: Index, text: str) -> dict[str, list[dict[str, Any]]]:
    """Counts from the stored fields of every document the engine's matchers select (no column, no scorer)."""
    query, _terms = QueryCompiler(index.analyzer).compile(text)
    snapshot = index.snapshot()
    sources: Counter[str | None] = Counter()
    days: Counter[str | None] = Counter()
    for docnum in snapshot.matching(query):
        fields = snapshot.stored(docnum)
        sources[(fields.get("source") or "").lower() or None] += 1
        days[fields["date"].date().isoformat() if fields.get("date") else None] += 1
    months: Counter[str | None] = Counter()
    for day, count in days.items():
        months[day[:7] if day else None] += count

    def listed(counts: Counter, key: Callable[[Any], Any]) -> list[dict[str, Any]]:
        known = sorted((v for v in counts if v is not None), key=key)
        return [{"value": v, "count": counts[v]} for v in known + ([None] if None in counts else [])]

    return {"source": listed(sources, lambda v: (-sources[v], v)), "month": listed(months, str),
            "day": listed(days, str)}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/arsearch-facets"))
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--checked", type=int, default=100, help="queries whose facets are recounted")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    load_before = loadavg()
    started = datetime.now(timezone.utc)
    ix_dir, db_path, records = build(args.corpus, args.workdir)
    titles, _urls, _pairs = sample_queries(records, args.queries)
    times: dict[tuple[str, str], list[float]] = {(engine, case): [] for engine in ("fts5", "arsearch")
                                                 for case in CASES}
    totals: Counter[str] = Counter()
    with Index.open(ix_dir) as index:
        peer = FTS5(sqlite3.connect(db_path))
        for text in titles[-WARMUP:]:
            for case in CASES:
                search(index, text, **arsearch_case(case))
                peer.run(case, text)
        for text in titles:
            for case in CASES:
                t0 = time.perf_counter()
                results = search(index, text, **arsearch_case(case))
                t1 = time.perf_counter()
                peer.run(case, text)
                t2 = time.perf_counter()
                times["arsearch", case].append((t1 - t0) * 1000)
                times["fts5", case].append((t2 - t1) * 1000)
                totals[case] += results.total
        checked = titles[:args.checked]
        wrong = [t for t in checked
                 if search(index, t, facets=True).facets.to_dict() != brute_force_facets(index, t)]  # type: ignore
    print(f"{started.isoformat(timespec='seconds')}; {len(titles)} headline queries (benchmarks/speed.py's "
          f"sample_queries, seed 4); index {ix_dir} ({len(records)} articles); sources {', '.join(SOURCES)}; "
          f"half-life {DEFAULT_HALF_LIFE_DAYS:g} days; load average {load_before} before, {loadavg()} after\n")
    print("| search | FTS5 p50 / p95 ms | arsearch p50 / p95 ms | ratio p50 / p95 | arsearch p50 ÷ its plain p50 | "
          "arsearch hits per query |")
    print("|---|---:|---:|---:|---:|---:|")
    plain = percentile(times["arsearch", "plain"], 0.5)
    for case in CASES:
        f50, f95 = percentile(times["fts5", case], 0.5), percentile(times["fts5", case], 0.95)
        a50, a95 = percentile(times["arsearch", case], 0.5), percentile(times["arsearch", case], 0.95)
        print(f"| {case} | {f50:.1f} / {f95:.1f} | {a50:.1f} / {a95:.1f} | {a50 / f50:.2f}× / {a95 / f95:.2f}× | "
              f"{a50 / plain:.2f} | {totals[case] / len(titles):.0f} |")
    print(f"\nfacet check: {len(checked) - len(wrong)} of {len(checked)} queries' facets equal the brute-force "
          "recount from the engine's matchers and the stored fields"
          + (f"; differing: {json.dumps(wrong[:3], ensure_ascii=False)}" if wrong else ""))
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
