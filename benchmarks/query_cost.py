"""What a ranking feature costs per query: the known-item titles searched as a user searches them (snippets, the
first page, copies collapsed, did-you-mean on), with each ranking in turn on every query (the first of them
rotating from one query to the next, so none always meets the caches cold), so that load on a shared machine
falls on all of them alike.  Prints p50, p90 and the mean in ms for each ranking (issue 24).

    PYTHONPATH=. python benchmarks/query_cost.py --index INDEX --topics WORKDIR/topics.tsv [--queries N]

``INDEX`` is any arsearch index (``benchmarks/relevance.py`` leaves its known-item indexes in its workdir);
``topics.tsv`` is the one ``relevance.py`` writes.  The rankings of ``--rankings``: ``off`` (neither proximity
nor question phrasing: arsearch before issue 24), ``W/S`` (proximity pairs of boost W and slop S), ``q`` (question
phrasing dropped), or several joined by ``+`` (``0.25/3+q``: the default since issue 24).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from arsearch import Index, search  # noqa: E402
from arsearch.search import Ranking  # noqa: E402
from benchmarks.evaluation.sample import plain_query  # noqa: E402


def ranking_of(spec: str) -> Ranking:
    proximity, slop, questions = 0.0, 2, False
    for part in filter(None, spec.split("+")):
        if part == "q":
            questions = True
        elif part != "off":
            weight, slop_text = part.split("/")
            proximity, slop = float(weight), int(slop_text)
    return Ranking(proximity=proximity, proximity_slop=slop, questions=questions)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--topics", type=Path, required=True, help="relevance.py's topics.tsv")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--rankings", default="off,0.25/3+q", help="comma-separated (default: off,0.25/3+q)")
    args = parser.parse_args()
    titles = [line.split("\t")[2] for line in args.topics.read_text(encoding="utf-8").splitlines()][:args.queries]
    specs = args.rankings.split(",")
    rankings = [ranking_of(spec) for spec in specs]
    times: list[list[float]] = [[] for _ in specs]
    with Index.open(args.index) as index:
        for title in titles[:20]:  # warm the caches (terms, postings) before timing
            search(index, plain_query(title))
        for k, title in enumerate(titles):
            for n in [(k + i) % len(rankings) for i in range(len(rankings))]:
                started = time.perf_counter()
                search(index, plain_query(title), ranking=rankings[n])
                times[n].append((time.perf_counter() - started) * 1000)
    print(f"{len(titles)} titles on {args.index} (engine {index.engine_name}), snippets on, first page of 10\n")
    print("| ranking | p50 ms | p90 ms | mean ms |\n|---|---:|---:|---:|")
    for spec, found in zip(specs, times):
        deciles = statistics.quantiles(found, n=10)
        print(f"| {spec} | {statistics.median(found):.1f} | {deciles[8]:.1f} | {statistics.fmean(found):.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
