"""Latency of plain ``search(q)`` (top 10 with snippets) in one checkout of arsearch, for an A/B of two versions.

    git archive BASE arsearch | tar -x -C /tmp/base
    python -m benchmarks.experiments.plain_path_ab /tmp/base INDEX
    python -m benchmarks.experiments.plain_path_ab . INDEX  # repeat, alternating

300 headlines of the index's articles (seed 7, as benchmarks/date_filter.py draws them), 20 warm-up queries.
A checkout from before the engine seam (2c22500) has no ``Index.snapshot()``: its titles are read through its
Whoosh reader, so the A/B can span the seam.
"""

from __future__ import annotations

import random
import statistics
import sys
import time

if len(sys.argv) != 3:
    sys.exit(__doc__)
checkout, index_dir = sys.argv[1], sys.argv[2]
sys.path.insert(0, checkout)

import arsearch  # noqa: E402
from arsearch import Index, search  # noqa: E402

with Index.open(index_dir) as index:
    if hasattr(index, "snapshot"):
        snapshot = index.snapshot()
        stored = (snapshot.stored(n) for n in snapshot.live_documents())
    else:  # a checkout from before the engine seam
        stored = index.searcher().reader().all_stored_fields()
    titles = sorted({" ".join(str(f.get("title") or "").split()) for f in stored} - {""})
    queries = random.Random(7).sample(titles, 300)
    for query in queries[:20]:
        search(index, query)
    times = []
    for query in queries:
        started = time.perf_counter()
        search(index, query)
        times.append((time.perf_counter() - started) * 1000)
times.sort()
print(f"{arsearch.__file__}: p50 {statistics.median(times):.2f} ms, p95 {times[int(0.95 * len(times))]:.2f} ms, "
      f"mean {statistics.mean(times):.2f} ms")
