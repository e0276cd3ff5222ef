"""Choosing the half-life of ``--sort recency``: how far each half-life moves the top 10 towards recent news,
and what it costs the known-item queries of benchmarks/relevance.py.

Frozen since issue 21: written for the storage-level engine contract (document numbers, columns) that the
request-level one replaced; it runs on commit 7ee31ba or earlier. The same requests on today's code:
``benchmarks/request_types.py`` (through ``engines.py`` and ``scale.py``).

    python -m benchmarks.experiments.recency [--corpus DIR] [--workdir /tmp/arsearch-recency]

The protocol of benchmarks/relevance.py (same deduplicated corpus, the same 1,000 headline queries, seed 42, each
article indexed without its title, the article the headline came from the one relevant document), with each
article's date indexed too.  For every query all matches are scored once; each half-life then re-ranks them with
``arsearch.search.ordering.recency_boosted``, the function ``search(sort="recency")`` uses (checked on the first
queries).  Reported per half-life: MRR@10 and Recall@10 of the known item, and the date spread of the top 10 (mean
age in days before the newest article of the corpus, and the share of hits from the last 7 days).

Rule, fixed before the run: the default half-life is the shortest one that keeps MRR@10 at 98% or more of plain
relevance's.  Known items are spread evenly over the corpus's three weeks, so every boost costs some MRR; the
rule buys the strongest pull towards recent news that leaves the relevance ranking nearly intact.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

from arsearch import Index, Ranking, search
from arsearch.engine.api import NO_DATE, SCORED_FIELDS
from arsearch.search.compiler import QueryCompiler
from arsearch.search.ordering import by_relevance, recency_boosted
from arsearch.search.plan import bag_of_terms
from benchmarks.evaluation.corpus import deduplicate, read_records
from benchmarks.evaluation.metrics import reciprocal_rank
from benchmarks.evaluation.sample import known_items, plain_query

from benchmarks.common.corpus import DEFAULT_CORPUS
HALF_LIVES = [0.5, 1.0, 2.0, 3.0, 5.0, 7.0, 10.0, 14.0, 21.0, 30.0, 60.0, 90.0, 120.0, 180.0, 365.0]
MRR_KEPT = 0.98
CHECKED_QUERIES = 50
_DAY = 86_400_000_000


def build(corpus: Path, workdir: Path) -> tuple[Path, list]:
    articles, _counts = deduplicate(read_records(corpus))
    topics, _sample = known_items(articles)
    index_dir = workdir / "index"
    if not (workdir / "built").is_file():
        docs = workdir / "docs.jsonl"
        with docs.open("w", encoding="utf-8") as out:
            for a in articles:
                out.write(json.dumps({"id": a.id, "content": a.content, "date": a.date, "source": a.source},
                                     ensure_ascii=False) + "\n")
        subprocess.run([sys.executable, "-m", "arsearch", "index", str(docs), "--index", str(index_dir),
                        "--rebuild"], check=True, capture_output=True)
        (workdir / "built").write_text("ok")
    return index_dir, topics


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/arsearch-recency"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    index_dir, topics = build(args.corpus, args.workdir)
    rows: dict[str, dict[str, list[float]]] = {}
    with Index.open(index_dir) as index:
        snapshot = index.snapshot()
        dates = snapshot.dates()
        extremes = snapshot.date_range()
        newest = extremes[1]  # type: ignore[index]
        compiler = QueryCompiler(index.analyzer)
        ids = snapshot.column("id")  # by docnum
        ranking = Ranking()
        for n, topic in enumerate(topics):
            text = plain_query(topic.title)
            query, _terms = compiler.compile(text)
            bag, _selects = bag_of_terms(query, SCORED_FIELDS)  # type: ignore[misc]
            matches = snapshot.all(bag, ranking.bm25)
            orders = {"relevance": by_relevance(matches, 10)}
            for half_life in HALF_LIVES:
                orders[f"{half_life:g} days"] = by_relevance(recency_boosted(matches, dates, half_life, extremes), 10)
            for name, top in orders.items():
                ranked = [ids[d] for d, _ in top]
                ages = [(newest - dates[d]) / _DAY for d, _ in top if dates[d] != NO_DATE]
                row = rows.setdefault(name, {"rr": [], "r10": [], "age": [], "week": []})
                row["rr"].append(reciprocal_rank(ranked, {topic.doc_id}, 10))
                row["r10"].append(float(topic.doc_id in ranked))
                row["age"].extend(ages)
                row["week"].extend(float(a < 7) for a in ages)
            if n < CHECKED_QUERIES:  # the shortcut ranks as search(sort="recency") does, near-duplicates not folded
                for half_life in (1.0, 7.0):
                    hits = search(index, text, sort="recency", ranking=Ranking(half_life_days=half_life),
                                  snippet_width=0, collapse=False).hits
                    assert [h.id for h in hits] == [ids[d] for d, _ in orders[f"{half_life:g} days"]], text
    base = statistics.mean(rows["relevance"]["rr"])
    chosen = next((h for h in HALF_LIVES if statistics.mean(rows[f"{h:g} days"]["rr"]) >= MRR_KEPT * base), None)
    print(f"{len(topics)} known-item headline queries (seed 42), index {index_dir}; the first {CHECKED_QUERIES} "
          "re-ranked by search(sort='recency') too, identically\n")
    print("| order | MRR@10 | ÷ relevance | Recall@10 | mean age of top 10, days | top-10 hits from the last 7 days |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, row in rows.items():
        mrr = statistics.mean(row["rr"])
        print(f"| {name} | {mrr:.3f} | {mrr / base:.3f} | {statistics.mean(row['r10']):.3f} | "
              f"{statistics.mean(row['age']):.1f} | {statistics.mean(row['week']):.0%} |")
    print(f"\nshortest half-life keeping MRR@10 >= {MRR_KEPT:.0%} of relevance's: {chosen} days")
    return 0


if __name__ == "__main__":
    sys.exit(main())
