"""Speed of arsearch on the whole SaudiNewsNet corpus, side by side with SQLite FTS5 in the same run (issue 4).

    python -m benchmarks.experiments.speed [--corpus DIR] [--workdir DIR] [--queries N]

What it does, in this order, every run from scratch (nothing measured is cached between runs):

1. Reads the corpus zips, drops records with blank content, keeps the last record of a duplicate url (arsearch's
   id), and holds out 1,000 articles (fixed seed).  The rest go to ``WORKDIR/docs/`` as one JSONL file per day;
   the held-out ones to ``WORKDIR/extra.jsonl``.  Both engines index exactly these files.
2. Full build: ``python -m arsearch index WORKDIR/docs --index WORKDIR/arsearch`` (the real CLI, in a
   subprocess) and ``python -m benchmarks.peers.fts5 index WORKDIR/fts5.db WORKDIR/docs``.  Wall time; peak memory
   is the largest sum of VmRSS over the process and all its descendants, sampled from /proc every 50 ms (shared
   pages of forked workers count once per process, so this over-states rather than under-states).
3. Re-index of the unchanged folder, then ``extra.jsonl`` is copied into the folder and both run again (adding
   1,000 articles to the existing index).
4. Query latency in this process with both indexes open: ``arsearch.search.search(ix, q, limit=10)`` (snippets of
   the top 10 included) against FTS5 ``MATCH`` with ``snippet()``, ``ORDER BY rank LIMIT 10``.  Queries are titles
   of indexed articles and two adjacent words of such titles (fixed seed); the engines alternate query by query so
   background load hits both alike.  FTS5 gets the words of the query OR-ed, arsearch's default operator.
5. Cold process: the median of several ``python -m arsearch query TEXT --index DIR`` runs against the median of
   ``python -m benchmarks.peers.fts5 query DB TEXT`` runs (start-up, open, search, print ten hits with snippets).

The arsearch top-10 ids, scores and totals of every query are written to ``WORKDIR/arsearch-ranking.jsonl``;
``--compare-ranking`` an earlier run's file reports how far the top 10s moved, and the title queries are scored
as known-item queries (the article the title came from is the relevant hit), so a speed-up can be shown not to
cost relevance.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.common.machine import REPO_ROOT

from benchmarks.peers import fts5 as fts5_peer
from benchmarks.common.corpus import DEFAULT_CORPUS, Corpus, prepare
from benchmarks.common.machine import cpu_model, loadavg, repo_env as cli_env
from benchmarks.common.process import Run, dir_size, run_measured
from benchmarks.common.queries import headlines as sample_queries
from benchmarks.common.stats import percentile

DEFAULT_WORKDIR = Path("/tmp/arsearch-speed")
COLD_RUNS = 7
WARMUP_QUERIES = 20
_WORD = re.compile(r"\w{3,}")


def arsearch_index(corpus: Corpus, ix_dir: Path) -> Run:
    return run_measured([sys.executable, "-m", "arsearch", "index", str(corpus.docs_dir), "--index", str(ix_dir),
                         "--json"], env=cli_env())


def fts5_index(corpus: Corpus, db: Path) -> Run:
    return run_measured([sys.executable, str(REPO_ROOT / "benchmarks" / "peers/fts5.py"), "index", str(db),
                         str(corpus.docs_dir)], env=cli_env())


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    return percentile(samples, 0.5), percentile(samples, 0.95), percentile(samples, 0.99)


@dataclass
class Latency:
    arsearch: list[float] = field(default_factory=list)
    fts5: list[float] = field(default_factory=list)


def query_latency(ix_dir: Path, db_path: Path, queries: list[str], ranking_out) -> tuple[Latency, list[list[str]]]:
    from arsearch.index import Index
    from arsearch.search import search

    lat = Latency()
    runs: list[list[str]] = []
    with Index.open(ix_dir) as ix:
        db = sqlite3.connect(db_path)
        for q in queries[-WARMUP_QUERIES:]:  # warm both engines' file caches; not measured
            search(ix, q, limit=10)
            fts5_peer.search(db, q)
        for q in queries:
            t0 = time.perf_counter()
            results = search(ix, q, limit=10)
            t1 = time.perf_counter()
            fts5_peer.search(db, q)
            t2 = time.perf_counter()
            lat.arsearch.append((t1 - t0) * 1000)
            lat.fts5.append((t2 - t1) * 1000)
            row = {"q": q, "total": results.total, "hits": [[h.id, round(h.score, 6)] for h in results.hits]}
            ranking_out.write(json.dumps(row, ensure_ascii=False) + "\n")
            runs.append([h.id for h in results.hits])
        db.close()
    return lat, runs


def whoosh_rankings(ix_dir: Path, queries: list[str]) -> list[list[str]]:
    from arsearch.index import Index
    from arsearch.search import search

    with Index.open(ix_dir) as ix:
        return [[h.id for h in search(ix, q, limit=10, snippet_width=0, engine="whoosh").hits] for q in queries]


def known_item(runs: list[list[str]], urls: list[str]) -> tuple[float, float]:
    """Success@1 and MRR@10 of title queries, the article the title came from being the one relevant hit."""
    ranks = [run.index(url) + 1 if url in run else None for run, url in zip(runs, urls)]
    return (sum(r == 1 for r in ranks) / len(ranks), sum(1 / r for r in ranks if r) / len(ranks))


def overlap(runs: list[list[str]], queries: list[str], previous: Path | None) -> str:
    """Mean share of each top 10 also in the top 10 of the same query in an earlier run's ranking file."""
    if previous is None or not previous.is_file():
        return "–"
    rows = [json.loads(line) for line in previous.read_text(encoding="utf-8").splitlines()]
    before = {row["q"]: [h[0] for h in row["hits"]] for row in rows}
    pairs = [(run, before[q]) for run, q in zip(runs, queries) if q in before]
    if not pairs:
        return "no query in common"
    shares = [len(set(a) & set(b)) / max(len(b), 1) for a, b in pairs]
    same = sum(a == b for a, b in pairs)
    return f"{sum(shares) / len(shares):.3f} over {len(pairs)} queries in both ({same} identical)"


def cold(cmd: list[str]) -> float:
    times = []
    for _ in range(COLD_RUNS):
        times.append(run_measured(cmd, env=cli_env()).seconds)
    return statistics.median(times)


# --------------------------------------------------------------------------- report


def mb(n: int) -> str:
    return f"{n / 2**20:.0f} MB"


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "–"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--queries", type=int, default=1000, help="queries of each kind (titles, two words)")
    parser.add_argument("--markdown", type=Path, help="also write the report to this file")
    parser.add_argument("--no-whoosh-check", action="store_true",
                        help="skip re-running the title queries through Whoosh's matchers (engine='whoosh')")
    parser.add_argument("--compare-ranking", type=Path,
                        help="an earlier run's arsearch-ranking.jsonl (same --queries): report top-10 overlap")
    args = parser.parse_args()

    load_before = loadavg()
    started = datetime.now(timezone.utc)
    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    corpus = prepare(args.corpus, work)
    ix_dir, db = work / "arsearch-index", work / "fts5.db"
    shutil.rmtree(ix_dir, ignore_errors=True)
    db.unlink(missing_ok=True)
    n_docs = len(corpus.indexed)
    print(f"corpus: {n_docs} articles in {corpus.files} files ({corpus.words:,} words, {mb(corpus.bytes)}), "
          f"{corpus.held_out} held out", file=sys.stderr)

    rows: list[tuple[str, str, str, str]] = []

    def row(name: str, fts: float, ars: float, fmt: str = "{:.2f}", unit: str = "") -> None:
        rows.append((name, fmt.format(fts) + unit, fmt.format(ars) + unit, ratio(ars, fts)))

    print("building…", file=sys.stderr)
    fb = fts5_index(corpus, db)
    ab = arsearch_index(corpus, ix_dir)
    report = json.loads(ab.stdout)
    if report["added"] != n_docs:
        raise SystemExit(f"arsearch indexed {report['added']} of {n_docs} articles: {ab.stdout[:500]}")
    row("full build, s", fb.seconds, ab.seconds, unit=" s")
    row("full build, documents/s", n_docs / fb.seconds, n_docs / ab.seconds, "{:.0f}")
    rows.append(("peak memory while building (RSS, process tree)", mb(fb.peak_rss), mb(ab.peak_rss),
                 ratio(ab.peak_rss, fb.peak_rss)))
    fsize, asize = db.stat().st_size, dir_size(ix_dir)
    rows.append(("index size", mb(fsize), mb(asize), ratio(asize, fsize)))

    print("re-indexing…", file=sys.stderr)
    fr = fts5_index(corpus, db)
    ar = arsearch_index(corpus, ix_dir)
    if json.loads(ar.stdout)["unchanged"] != n_docs:
        raise SystemExit(f"re-index did not find every document unchanged: {ar.stdout[:500]}")
    row("re-index unchanged corpus, s", fr.seconds, ar.seconds, unit=" s")

    shutil.copy(corpus.extra, corpus.docs_dir / "zz-extra.jsonl")
    fa = fts5_index(corpus, db)
    aa = arsearch_index(corpus, ix_dir)
    if json.loads(aa.stdout)["added"] != corpus.held_out or json.loads(fa.stdout)["added"] != corpus.held_out:
        raise SystemExit(f"adding the held-out articles went wrong: {aa.stdout[:300]} {fa.stdout[:300]}")
    row(f"add {corpus.held_out} articles to the index, s", fa.seconds, aa.seconds, unit=" s")

    print("querying…", file=sys.stderr)
    titles, urls, pairs = sample_queries(corpus.indexed, args.queries)
    notes = []
    with open(work / "arsearch-ranking.jsonl", "w", encoding="utf-8") as ranking_out:
        for kind, queries in (("titles", titles), ("2 words", pairs)):
            lat, runs = query_latency(ix_dir, db, queries, ranking_out)
            notes.append(f"{kind}: top-10 overlap with {args.compare_ranking or 'no earlier run'}: "
                         f"{overlap(runs, queries, args.compare_ranking)}")
            if kind == "titles":
                s1, mrr = known_item(runs, urls)
                notes.append(f"titles as known-item queries: success@1 {s1:.3f}, MRR@10 {mrr:.3f}")
                if not args.no_whoosh_check:
                    whoosh_runs = whoosh_rankings(ix_dir, queries)
                    s1, mrr = known_item(whoosh_runs, urls)
                    shares = [len(set(a) & set(b)) / max(len(b), 1) for a, b in zip(runs, whoosh_runs)]
                    notes.append(f"the same titles through Whoosh's matchers (engine='whoosh', untimed): success@1 "
                                 f"{s1:.3f}, MRR@10 {mrr:.3f}; top-10 overlap with arsearch's "
                                 f"{sum(shares) / len(shares):.3f}, identical top 10s "
                                 f"{sum(a == b for a, b in zip(runs, whoosh_runs))}/{len(runs)}")
            for name, fp, ap in zip(("p50", "p95", "p99"), percentiles(lat.fts5), percentiles(lat.arsearch)):
                row(f"query {name}, {kind} ({len(queries)}), ms", fp, ap)

    print("cold processes…", file=sys.stderr)
    cold_query = titles[0]
    fc = cold([sys.executable, str(REPO_ROOT / "benchmarks" / "peers/fts5.py"), "query", str(db), cold_query])
    ac = cold([sys.executable, "-m", "arsearch", "query", cold_query, "--index", str(ix_dir)])
    row(f"cold query process (median of {COLD_RUNS}), s", fc, ac, "{:.3f}", " s")

    load_after = loadavg()
    lines = [
        f"date: {started.isoformat(timespec='seconds')}; machine: {os.cpu_count()} cores, {cpu_model()}, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
        f"load average (1, 5, 15 min): {load_before} before, {load_after} after",
        f"corpus: {n_docs} articles ({corpus.words:,} words, {mb(corpus.bytes)} of JSONL in {corpus.files} files) "
        f"+ {corpus.held_out} added afterwards; queries: {args.queries} titles + {args.queries} two-word",
        *(f"arsearch rankings, {n}" for n in notes),
        "",
        "| measure | SQLite FTS5 | arsearch | arsearch / FTS5 |",
        "|---|---:|---:|---:|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
    ]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
