"""Latency of date-filtered searches: arsearch's scorer with the date column against Whoosh's matchers with its
DateRange filter (``engine="whoosh"``), on the same index, queries and dates, in the same run.

    PYTHONPATH=. python benchmarks/date_filter.py [--index /tmp/arsearch-speed/arsearch-index] [--queries 300]

The index is any arsearch index (the one ``benchmarks/speed.py`` leaves in its workdir by default). Queries are
headlines of indexed articles (fixed seed), each searched with a one-week window and unfiltered; the engines
alternate query by query. Top 10 with snippets, as ``arsearch query`` prints them.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from arsearch import Index, search  # noqa: E402

SEED = 7
#: One week of the corpus (it spans 2015-07-21 to 2015-08-11): about a third of the articles.
SINCE, UNTIL = date(2015, 7, 25), date(2015, 7, 31)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=Path("/tmp/arsearch-speed/arsearch-index"))
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    if not Index.exists(args.index):
        print(f"no arsearch index at {args.index}: run benchmarks/speed.py or `arsearch index` first", file=sys.stderr)
        return 2
    with Index.open(args.index) as index:
        reader = index.searcher().reader()
        titles = sorted({" ".join(f.get("title", "").split()) for f in reader.all_stored_fields()} - {""})
        queries = random.Random(SEED).sample(titles, min(args.queries, len(titles)))
        cases = {
            "arsearch, filtered": {"since": SINCE, "until": UNTIL},
            "whoosh matchers, filtered": {"since": SINCE, "until": UNTIL, "engine": "whoosh"},
            "arsearch, unfiltered": {},
        }
        for query in queries[:20]:  # warm the caches of both paths
            for kwargs in cases.values():
                search(index, query, **kwargs)  # type: ignore[arg-type]
        times: dict[str, list[float]] = {name: [] for name in cases}
        totals: dict[str, int] = {name: 0 for name in cases}
        for query in queries:
            for name, kwargs in cases.items():
                started = time.perf_counter()
                results = search(index, query, **kwargs)  # type: ignore[arg-type]
                times[name].append((time.perf_counter() - started) * 1000)
                totals[name] += results.total
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
