"""Pseudo-relevance feedback tried on the known items and the questions (issue 24): a second pass that adds the
commonest content terms of the first pass's top documents (a simple RM3: each term's share of a document's
terms, weighted by the document's share of the top scores, summed; stopwords, numbers, the query's own terms
and terms of fewer than 3 letters left out) to the query with a small boost.  Kept in arsearch only if it helps
on the held-out half; this script is how it was measured, not a feature.

    PYTHONPATH=. python benchmarks/feedback.py --known-items WORKDIR --index KNOWN_ITEM_INDEX \\
        --questions-index QUESTIONS_INDEX [--corpus DIR]

Rows: the default ranking (one pass) and each variant ``k/m/w`` (k feedback documents, m terms, boost w), with
MRR@10 and R@10 on all queries and on each half of the split, and the extra milliseconds a query spent on
feedback (fetching and analyzing the k documents, the second search).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from arsearch import Index  # noqa: E402
from arsearch.engine.api import AnyOf, Query, SearchRequest, Term  # noqa: E402
from arsearch.search.compiler import QueryCompiler  # noqa: E402
from benchmarks.evaluation.corpus import read_records  # noqa: E402
from benchmarks.evaluation.sample import plain_query  # noqa: E402
from benchmarks.evaluation.split import HALVES, half_of  # noqa: E402
from benchmarks.questions import load_questions  # noqa: E402
from benchmarks.relevance import DEFAULT_CORPUS  # noqa: E402

DEPTH = 100
VARIANTS = ("5/10/0.3", "5/10/0.6", "3/5/0.3", "10/20/0.3")


def feedback_terms(index: Index, ids: Sequence[str], scores: Sequence[float], own: set[str],
                   terms: int) -> list[tuple[str, float]]:
    """The ``terms`` heaviest expansion terms of the documents ``ids`` and their weights (the heaviest 1)."""
    snapshot = index.snapshot()
    total = sum(scores) or 1.0
    weights: Counter[str] = Counter()
    for doc_id, score in zip(ids, scores):
        found = snapshot.get(doc_id)
        if not found:
            continue
        tokens = [t for t in index.analyzer.tokens(f"{found.get('title', '')}\n{found.get('content', '')}")
                  if not t.stopword and len(t.term) >= 3 and not t.term.isdigit() and t.term not in own]
        counts = Counter(t.term for t in tokens)
        for term, count in counts.items():
            weights[term] += count / len(tokens) * score / total
    best = weights.most_common(terms)
    top = best[0][1] if best else 1.0
    return [(term, weight / top) for term, weight in best]


def ranked(index: Index, query: Query) -> tuple[list[str], list[float]]:
    response = index.snapshot().search(SearchRequest(query, limit=DEPTH, members=False, content=False))
    return [h.id for h in response.hits], [h.score for h in response.hits]


def run(index: Index, texts: Sequence[str], variant: str | None) -> tuple[list[list[str]], float]:
    compiler = QueryCompiler(index.analyzer)
    found, extra = [], 0.0
    for text in texts:
        query, own = compiler.compile(text)
        ids, scores = ranked(index, query)
        if variant is not None and ids:
            k, m, w = variant.split("/")
            started = time.perf_counter()
            expansion = feedback_terms(index, ids[:int(k)], scores[:int(k)], set(own), int(m))
            parts = query.parts if isinstance(query, AnyOf) and query.scale is None else (query,)
            expanded = AnyOf(parts + tuple(Term("content", t, float(w) * weight) for t, weight in expansion))
            ids, _ = ranked(index, expanded)
            extra += time.perf_counter() - started
        found.append(ids)
    return found, extra * 1000 / max(len(texts), 1)


def scores(found: Sequence[list[str]], wanted: Sequence[str], halves: Sequence[str]) -> str:
    cells = []
    for keep in (None, *HALVES):
        ranks = [next((r for r, d in enumerate(ids[:10], 1) if d == w), None)
                 for ids, w, h in zip(found, wanted, halves) if keep is None or h == keep]
        mrr = sum(1 / r for r in ranks if r) / max(len(ranks), 1)
        cells.append(f"{mrr:.3f} | {sum(1 for r in ranks if r) / max(len(ranks), 1):.3f}")
    return " | ".join(cells)


def table(name: str, index: Index, texts: Sequence[str], wanted: Sequence[str], halves: Sequence[str],
          variants: Sequence[str]) -> None:
    print(f"\n{name} ({len(texts)}; " + ", ".join(f"{h} {list(halves).count(h)}" for h in HALVES) + ")\n")
    print("| ranking | MRR@10 | R@10 | " + " | ".join(f"{h} MRR@10 | {h} R@10" for h in HALVES)
          + " | feedback ms/query |\n|---|" + "---:|" * 7)
    for variant in (None, *variants):
        found, extra = run(index, texts, variant)
        print(f"| {variant or 'one pass'} | {scores(found, wanted, halves)} | {extra:.1f} |", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--known-items", type=Path, help="relevance.py's workdir (its topics.tsv)")
    parser.add_argument("--index", type=Path, help="the known-item index")
    parser.add_argument("--questions-index", type=Path, help="questions.py's index (full corpus, titles)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    args = parser.parse_args()
    variants = args.variants.split(",")
    records = list(read_records(args.corpus))
    if args.known_items and args.index:
        half = {a.id: half_of(a.source) for a in records}
        topics = [line.split("\t") for line in (args.known_items / "topics.tsv").read_text(encoding="utf-8").splitlines()]
        with Index.open(args.index) as index:
            table("known items", index, [plain_query(t[2]) for t in topics], [t[1] for t in topics],
                  [half[t[1]] for t in topics], variants)
    if args.questions_index:
        by_url = {a.url: half_of(a.source) for a in records}
        rows = load_questions(Path(__file__).resolve().parent / "questions.tsv")
        with Index.open(args.questions_index) as index:
            table("questions as typed", index, [q for _, _, q, _ in rows], [u for _, u, _, _ in rows],
                  [by_url.get(u, "") for _, u, _, _ in rows], variants)
    return 0


if __name__ == "__main__":
    sys.exit(main())
