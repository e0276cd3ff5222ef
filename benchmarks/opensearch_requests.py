"""The seven request types of ``benchmarks/request_types.py`` on existing arsearch indexes, one after the other:
p50 and p95 per request type, top 10 with snippets, through ``arsearch.search`` (for the opensearch engine against
the tantivy engine on the same corpus; any engine's index works).

    PYTHONPATH=. python benchmarks/opensearch_requests.py --queries FILE INDEX [INDEX ...]

``FILE``: ``qid<TAB>query`` lines (the known-item titles ``benchmarks/relevance.py`` writes to its workdir's
``queries.tsv``).  The window is a month in the middle of the first index's dates, the sources its two largest.
Each index answers every query of every type once as a warm-up, then again timed; the answers are checked with
``request_types.problems``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from arsearch import Index  # noqa: E402
from benchmarks import request_types  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(path: Path, work: request_types.Workload) -> dict[str, object]:
    with Index.open(path) as ix:
        requests = request_types.arsearch_requests(ix, work)
        for request, ask in requests.items():  # warm-up: every query once
            for n in range(len(work.queries)):
                ask(work.text(request, n))
        times: dict[str, list[float]] = {request: [] for request in requests}
        problems: list[str] = []
        for n in range(len(work.queries)):
            answers = {}
            for request, ask in requests.items():
                started = time.perf_counter()
                answers[request] = ask(work.text(request, n))
                times[request].append((time.perf_counter() - started) * 1000)
            problems += [f"query {n}: {p}" for p in request_types.problems(answers, work)]
        return {"engine": ix.engine_name, "documents": ix.document_count(),
                "p50": {r: statistics.median(t) for r, t in times.items()},
                "p95": {r: percentile(t, 0.95) for r, t in times.items()}, "problems": problems}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("indexes", type=Path, nargs="+")
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--count", type=int, default=200, help="queries (the first of the file)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    queries = [line.split("\t", 1)[1] for line in args.queries.read_text(encoding="utf-8").splitlines()
               if "\t" in line][:args.count]
    with Index.open(args.indexes[0]) as ix:
        snapshot = ix.snapshot()
        first, last = snapshot.date_range() or (None, None)
        sources = dict(snapshot.terms("source"))
    assert first is not None and last is not None, "the first index has no dates"
    work = request_types.workload(queries, first.date(), last.date(), sources)
    load = os.getloadavg()
    results = {str(path): measure(path, work) for path in args.indexes}
    print(f"{len(queries)} queries; window {work.since}..{work.until}; sources {', '.join(work.sources)}; "
          f"load before {load[0]:.1f}, after {os.getloadavg()[0]:.1f}; p50 / p95 ms")
    print("| request | " + " | ".join(f"{r['engine']} ({r['documents']} docs)" for r in results.values()) + " |")
    print("|---|" + "---|" * len(results))
    for request in request_types.REQUESTS:
        print(f"| {request_types.TITLES[request]} | " + " | ".join(
            f"{r['p50'][request]:.1f} / {r['p95'][request]:.1f}" for r in results.values()) + " |")  # type: ignore[index]
    for path, r in results.items():
        print(f"{path}: {len(r['problems'])} problems" + (f", e.g. {r['problems'][0]}" if r["problems"] else ""))  # type: ignore[arg-type,index]
    if args.json:
        args.json.write_text(json.dumps({"load": load, "results": results}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
