"""Natural-language questions vs keyword queries on the full SaudiNewsNet index.

benchmarks/questions.tsv holds 36 questions (من/متى/ما/كم/هل/أين/كيف/لماذا …) written about corpus articles,
each with the keyword query a user might type for the same need. For each we find the rank of the article
that answers it, and report MRR@10 and Recall@10 for: the questions as typed (question words are stopwords,
dropped at query time), the keyword queries, and the questions with every word kept (each word quoted, which
is how a stopword is forced into a query) — what ranking would look like if question words were searched.

    python -m benchmarks.questions [--corpus ../shared/corpus/saudinewsnet] [--index /tmp/arsearch-full] [--engine E]

The index is built with `arsearch index CORPUS` the first time (about a minute) and reused afterwards; so is a
second one, INDEX-lead0, built with the lead weight off, for comparison (``--skip-lead-off``: not built, not run).
Each figure is given on all questions and on the questions of each half of the held-out split
(``benchmarks/evaluation/split.py``, the half of the answering article's source).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from arsearch import Index, search
from arsearch.search import DEFAULT_RANKING, Ranking
from arsearch.ingest import index_paths
from arsearch.analysis.tokenize import tokenize
from benchmarks.common.corpus import DEFAULT_CORPUS
from benchmarks.evaluation.corpus import read_records
from benchmarks.evaluation.split import HALVES, half_of

HERE = Path(__file__).resolve().parent
CORPUS = DEFAULT_CORPUS


def load_questions(path: Path) -> list[tuple[str, str, str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            qid, url, question, keywords = line.split("\t")
            rows.append((qid, url, question, keywords))
    return rows


def rank_of(index: Index, query: str, wanted: str, depth: int = 100, ranking: Ranking = DEFAULT_RANKING) -> int | None:
    for hit in search(index, query, limit=depth, snippet_width=0, collapse=False, ranking=ranking).hits:
        if hit.id == wanted:
            return hit.rank
    return None


def every_word_kept(question: str) -> str:
    return " ".join(f'"{surface}"' for surface, _, _ in tokenize(question))


def metrics(ranks: list[int | None]) -> tuple[float, float]:
    if not ranks:
        return 0.0, 0.0
    mrr = sum(1 / r for r in ranks if r is not None and r <= 10) / len(ranks)
    recall = sum(1 for r in ranks if r is not None and r <= 10) / len(ranks)
    return mrr, recall


def halves_of(corpus: Path, urls: set[str]) -> dict[str, str]:
    """The half of the split each of ``urls`` (an article's url) belongs to."""
    return {a.url: half_of(a.source) for a in read_records(corpus) if a.url in urls}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--index", type=Path, default=Path("/tmp/arsearch-full"))
    parser.add_argument("--engine", default=None, help="the engine of the indexes built (default: arsearch's)")
    parser.add_argument("--skip-lead-off", action="store_true", help="neither build nor run the lead-off index")
    parser.add_argument("--proximity", default="", help="also rank with proximity pairs: comma-separated W/S (boost "
                        "W, slop S; W/S/q: and the question phrasing dropped, Ranking.questions), each a row of the "
                        "questions as typed and the keyword queries")
    args = parser.parse_args()
    if not Index.exists(args.index):
        engine = ["--engine", args.engine] if args.engine else []
        subprocess.run([sys.executable, "-m", "arsearch", "index", str(args.corpus), "--index",
                        str(args.index), *engine], check=True, stdout=subprocess.DEVNULL)
    lead_off = args.index.with_name(f"{args.index.name}-lead0")
    if not args.skip_lead_off and not Index.exists(lead_off):
        with Index.create(lead_off, lead_weight=0, engine=args.engine) as index:
            index_paths(index, [args.corpus], procs=os.cpu_count() or 1)
    rows = load_questions(HERE / "questions.tsv")
    half = halves_of(args.corpus, {url for _, url, _, _ in rows})
    variants = {
        "questions as typed (question words dropped)": lambda q, k: q,
        "keyword queries": lambda q, k: k,
        "questions with every word searched": lambda q, k: every_word_kept(q),
    }
    indexes = [args.index] if args.skip_lead_off else [args.index, lead_off]
    opened = [Index.open(path) for path in indexes]
    try:
        index = opened[0]
        print(f"{len(rows)} questions ({', '.join(f'{h} {list(half.values()).count(h)}' for h in HALVES)}); "
              + "; ".join(f"index {path} with {ix.document_count()} documents, lead weight {ix.lead_weight:g}"
                          for path, ix in zip(indexes, opened)) + "\n")
        print("| queries | lead weight | MRR@10 | Recall@10 | " + " | ".join(f"{h} MRR@10 | {h} R@10" for h in HALVES)
              + " |\n|---|---|---|---|" + "---|---|" * len(HALVES))
        misses = []
        for label, make in variants.items():
            for ix in opened:
                ranks = [rank_of(ix, make(q, k), url) for _, url, q, k in rows]
                mrr, recall = metrics(ranks)
                per_half = [metrics([r for (_, url, _, _), r in zip(rows, ranks) if half.get(url) == h])
                            for h in HALVES]
                print(f"| {label} | {ix.lead_weight:g} | {mrr:.3f} | {recall:.3f} | "
                      + " | ".join(f"{m:.3f} | {r:.3f}" for m, r in per_half) + " |")
                if label.startswith("questions as typed") and ix is index:
                    misses = [(qid, q, r) for (qid, _, q, _), r in zip(rows, ranks) if r is None or r > 10]
        for variant in filter(None, args.proximity.split(",")):
            weight, slop, *flags = variant.split("/")
            ranking = Ranking(proximity=float(weight), proximity_slop=int(slop), questions="q" in flags)
            for label, make in list(variants.items())[:2]:
                ranks = [rank_of(index, make(q, k), url, ranking=ranking) for _, url, q, k in rows]
                mrr, recall = metrics(ranks)
                per_half = [metrics([r for (_, url, _, _), r in zip(rows, ranks) if half.get(url) == h])
                            for h in HALVES]
                print(f"| {label}, proximity {weight} slop {slop}{', question phrasing dropped' if flags else ''} | "
                      f"{index.lead_weight:g} | {mrr:.3f} | "
                      f"{recall:.3f} | " + " | ".join(f"{m:.3f} | {r:.3f}" for m, r in per_half) + " |")
    finally:
        for ix in opened:
            ix.close()
    print("\nquestions as typed whose article is not in the top 10:")
    for qid, question, rank in misses:
        print(f"  {qid} rank {rank or '>100'}: {question}")


if __name__ == "__main__":
    main()
