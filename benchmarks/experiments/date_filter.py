"""Latency of date-filtered searches: arsearch's scorer with the date column against Whoosh's matchers with its
DateRange filter, on the same index, queries and dates, in the same run.

Frozen since issue 21: written for the storage-level engine contract (document numbers, columns) that the
request-level one replaced; it runs on commit 7ee31ba or earlier. The same requests on today's code:
``benchmarks/request_types.py`` (through ``engines.py`` and ``scale.py``).

    python -m benchmarks.experiments.date_filter [--index /tmp/arsearch-speed/arsearch-index] [--queries 300]

The index is any arsearch index (the one ``benchmarks/speed.py`` leaves in its workdir by default). Queries are
headlines of indexed articles (fixed seed), each searched with a one-week window and unfiltered; the engines
alternate query by query. Top 10 with snippets, as ``arsearch query`` prints them. The Whoosh side is
:func:`whoosh_filtered`: ``search(engine="whoosh")`` now filters by the date column too, so it is not the peer.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, time as dtime
from pathlib import Path

from whoosh import query as wq

from arsearch import Index, search
from arsearch.engine.api import Scored
from arsearch.engine.whoosh.queries import to_whoosh
from arsearch.search.collapsing import Groups, collapsed_page
from arsearch.search.compiler import QueryCompiler
from arsearch.search.searching import make_hit
from arsearch.search.spelling import has_unknown_term

SEED = 7
#: One week of the corpus (it spans 2015-07-21 to 2015-08-11): about a third of the articles.
SINCE, UNTIL = date(2015, 7, 25), date(2015, 7, 31)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def whoosh_filtered(index: Index, text: str) -> int:
    """``search(index, text, since=SINCE, until=UNTIL).total`` as it was with ``engine="whoosh"`` before the engine
    seam: Whoosh's own matchers and BM25F with its ``DateRange`` query as the filter, then arsearch's collapsing,
    snippets and unknown-word check. Deliberately Whoosh's internals: it reads the raw Whoosh searcher of the
    snapshot (``WhooshSnapshot.searcher``), whose default weighting is BM25F with arsearch's default k1 and b."""
    query, terms = QueryCompiler(index.analyzer).compile(text)
    snapshot = index.snapshot()
    searcher = snapshot.searcher  # type: ignore[attr-defined]
    window = wq.DateRange("date", datetime.combine(SINCE, dtime.min), datetime.combine(UNTIL, dtime.max))
    whoosh_query = to_whoosh(query)

    def ranked(n: int) -> tuple[Scored, int]:
        results = searcher.search(whoosh_query, limit=n, filter=window, terms=False)
        return [(hit.docnum, hit.score) for hit in results], len(results)

    groups = Groups.of(snapshot, index.has_groups)
    page, total = collapsed_page(ranked, groups, 0, 10) if groups is not None else ranked(10)
    for rank, (docnum, score) in enumerate(page, start=1):
        make_hit(index.analyzer, snapshot, docnum, score, rank, terms, 220, groups)
    has_unknown_term(snapshot, terms)
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=Path("/tmp/arsearch-speed/arsearch-index"))
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    if not Index.exists(args.index):
        print(f"no arsearch index at {args.index}: run benchmarks/speed.py or `arsearch index` first", file=sys.stderr)
        return 2
    with Index.open(args.index) as index:
        snapshot = index.snapshot()
        stored = (snapshot.stored(n) for n in snapshot.live_documents())
        titles = sorted({" ".join(str(f.get("title") or "").split()) for f in stored} - {""})
        queries = random.Random(SEED).sample(titles, min(args.queries, len(titles)))
        cases: dict[str, Callable[[str], int]] = {
            "arsearch, filtered": lambda q: search(index, q, since=SINCE, until=UNTIL).total,
            "whoosh matchers, filtered": lambda q: whoosh_filtered(index, q),
            "arsearch, unfiltered": lambda q: search(index, q).total,
        }
        for query in queries[:20]:  # warm the caches of both paths
            for run in cases.values():
                run(query)
        times: dict[str, list[float]] = {name: [] for name in cases}
        totals: dict[str, int] = {name: 0 for name in cases}
        for query in queries:
            for name, run in cases.items():
                started = time.perf_counter()
                total = run(query)
                times[name].append((time.perf_counter() - started) * 1000)
                totals[name] += total
        print(f"{len(queries)} headline queries, window {SINCE} to {UNTIL}, index {args.index} "
              f"({index.document_count()} documents)\n")
        peer = statistics.median(times["whoosh matchers, filtered"])
        print("| search | p50 ms | p95 ms | mean ms | p50 ÷ Whoosh filtered | hits per query |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, values in times.items():
            print(f"| {name} | {percentile(values, 0.5):.1f} | {percentile(values, 0.95):.1f} | "
                  f"{statistics.mean(values):.1f} | {percentile(values, 0.5) / peer:.2f} | "
                  f"{totals[name] / len(queries):.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
