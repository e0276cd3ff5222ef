"""Which passage a snippet shows: the window scored as it is shown (now) against the window scored before the
sentence-start shift and word cut (before), on the same hits, in the same run.

    python -m benchmarks.experiments.snippet_windows --index /tmp/arsearch-speed/arsearch-index [--queries 1000]

Queries are headlines of indexed articles (seed 11); for the top 10 hits of each, both choices lay out a
220-character snippet of the content. Reported: distinct query terms shown per snippet (mean), the share of
snippets showing every query term the document has (all it could show, when they fit), how often the two choices
differ, and the time to choose and lay out one snippet (matching the terms in the content included).
"""

from __future__ import annotations

import argparse
import bisect
import random
import sys
import time
from pathlib import Path

from arsearch import Index, search
from arsearch.search.highlight import _best_window, _window_bounds, match_spans

SEED = 11
WIDTH = 220


def before(matches: list[tuple[int, int, str]], width: int) -> int:
    """The choice before: each window counted from a quarter width before its match, as if never shifted or cut."""
    lead = width // 4
    starts = [s for s, _, _ in matches]
    best, best_score = 0, (-1, -1)
    for i, anchor in enumerate(starts):
        start = max(0, anchor - lead)
        window = matches[bisect.bisect_left(starts, start):bisect.bisect_right(starts, start + width)]
        inside = [term for _, e, term in window if e <= start + width]
        score = (len(set(inside)), len(inside))
        if score > best_score:
            best, best_score = i, score
    return best


def shown(text: str, matches: list[tuple[int, int, str]], choice: int) -> set[str]:
    start, end = _window_bounds(text, matches[choice][0], WIDTH)
    return {term for s, e, term in matches if s >= start and e <= end}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=Path("/tmp/arsearch-speed/arsearch-index"))
    parser.add_argument("--queries", type=int, default=1000)
    args = parser.parse_args()
    if not Index.exists(args.index):
        print(f"no arsearch index at {args.index}: run `arsearch index` first", file=sys.stderr)
        return 2
    with Index.open(args.index) as index:
        snapshot = index.snapshot()
        stored = (snapshot.stored(n) for n in snapshot.live_documents())
        titles = sorted({" ".join(str(f.get("title") or "").split()) for f in stored} - {""})
        queries = random.Random(SEED).sample(titles, min(args.queries, len(titles)))
        choosers = {"before": lambda text, m: before(m, WIDTH), "now": lambda text, m: _best_window(text, m, WIDTH)}
        distinct = {name: 0 for name in choosers}
        complete = {name: 0 for name in choosers}
        seconds = {name: 0.0 for name in choosers}
        snippets = differ = more = fewer = 0
        for query in queries:
            results = search(index, query, snippet_width=0, suggest=False)
            for hit in results.hits:
                text = str(index.get(hit.id)["content"])  # type: ignore[index]
                matches = match_spans(index.analyzer, text, results.terms)
                if not matches:
                    continue
                snippets += 1
                present = {term for _, _, term in matches}
                picks = {}
                for name, choose in choosers.items():
                    started = time.perf_counter()
                    choice = choose(text, match_spans(index.analyzer, text, results.terms))
                    _window_bounds(text, matches[choice][0], WIDTH)
                    seconds[name] += time.perf_counter() - started
                    terms = shown(text, matches, choice)
                    picks[name] = choice
                    distinct[name] += len(terms)
                    complete[name] += terms == present
                old, new = shown(text, matches, picks["before"]), shown(text, matches, picks["now"])
                differ += old != new
                more += len(new) > len(old)
                fewer += len(new) < len(old)
        print(f"{args.index}: {len(queries)} headline queries (seed {SEED}), {snippets} snippets of {WIDTH} "
              f"characters (top-10 hits with a match in the content)")
        print(f"\n{'window choice':10} {'distinct terms shown':>21} {'all present terms shown':>24} {'ms/snippet':>11}")
        for name in choosers:
            print(f"{name:10} {distinct[name] / snippets:21.3f} {100 * complete[name] / snippets:23.1f}% "
                  f"{1000 * seconds[name] / snippets:11.3f}")
        print(f"\nthe two choices show different terms in {differ} snippets ({100 * differ / snippets:.1f}%): more "
              f"distinct terms now in {more}, fewer in {fewer}; "
              f"now/before: distinct ×{distinct['now'] / distinct['before']:.3f}, "
              f"time ×{seconds['now'] / seconds['before']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
