"""Ranking variants tried on the known-item sample, with a small BM25 written here rather than the engine.

    python -m benchmarks.experiments.ranking_experiments [--workdir benchmarks/work] [--only NAME,...]

Reads the documents and topics that ``benchmarks/relevance.py`` wrote to its workdir (run that first), analyzes
every document once with arsearch's analyzer, keeps the postings in memory and scores each variant over all
1,000 queries (about 15 s a variant). The plain variant is BM25 as the engine computes it (same idf, k1, b,
stopwords indexed and dropped from queries), so it reproduces the engine's figures to within the order of tied
scores; the variants change one thing each. Variants that the engine adopted are measured again end to end by
``benchmarks/relevance.py``.
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from arsearch.analysis.analyzer import Analyzer, AnalyzerSettings
from benchmarks.evaluation.sample import plain_query

K1, B = 1.2, 0.75
Postings = dict[int, dict[int, list[int]]]  # term -> document -> positions
Scorer = Callable[[list[int]], dict[int, float]]


class Collection:
    """The documents as term-id sequences (stopwords as -1, so positions stay those of the engine)."""

    def __init__(self, texts: list[str], analyzer: Analyzer) -> None:
        self.vocab: dict[str, int] = {}
        self.docs = [[-1 if stop else self.vocab.setdefault(term, len(self.vocab))
                      for term, stop, _s, _e, _p in analyzer.iter_terms(text)] for text in texts]
        self.n = len(self.docs)
        self.lengths = [len(d) for d in self.docs]
        self.avg = sum(self.lengths) / self.n
        self.postings: Postings = defaultdict(dict)
        for doc, seq in enumerate(self.docs):
            for position, term in enumerate(seq):
                if term >= 0:
                    self.postings[term].setdefault(doc, []).append(position)

    def idf(self, df: int) -> float:
        return math.log(self.n / (df + 1)) + 1  # whoosh.scoring's idf, as the engine

    def norm(self, doc: int, b: float = B, k1: float = K1) -> float:
        return k1 * ((1 - b) + b * self.lengths[doc] / self.avg)


def bm25(c: Collection, terms: list[int], *, k1: float = K1, b: float = B, lead: int = 0, lead_weight: float = 0.0,
         idf: Callable[[int], float] | None = None) -> dict[int, float]:
    """BM25; with ``lead``, an occurrence among the first ``lead`` positions counts ``1 + lead_weight`` times."""
    scores: dict[int, float] = defaultdict(float)
    for t in terms:
        postings = c.postings[t]
        w = (idf or c.idf)(len(postings))
        for doc, positions in postings.items():
            tf = len(positions)
            if lead:
                tf += lead_weight * sum(1 for p in positions if p < lead)
            scores[doc] += w * tf * (k1 + 1) / (tf + c.norm(doc, b, k1))
    return scores


def lead_as_field(c: Collection, terms: list[int], lead: int, weight: float) -> dict[int, float]:
    """BM25 of the content plus ``weight`` × BM25 of a separate lead field (Whoosh's BM25F sums fields this way)."""
    scores = bm25(c, terms)
    lead_lengths = [min(lead, n) for n in c.lengths]
    lead_avg = sum(lead_lengths) / c.n
    for t in terms:
        in_lead = {doc: sum(1 for p in ps if p < lead) for doc, ps in c.postings[t].items() if ps[0] < lead}
        if not in_lead:
            continue
        w = c.idf(len(in_lead))
        for doc, tf in in_lead.items():
            norm = K1 * ((1 - B) + B * lead_lengths[doc] / lead_avg)
            scores[doc] += weight * w * tf * (K1 + 1) / (tf + norm)
    return scores


def with_proximity(c: Collection, terms: list[int], base: dict[int, float], window: int, weight: float,
                   depth: int = 200) -> dict[int, float]:
    """Rasolofo & Savoy's term-pair proximity bonus (1/distance² within ``window``) on the top ``depth``."""
    scores = dict(base)
    idfs = {t: c.idf(len(c.postings[t])) for t in terms}
    for doc in sorted(scores, key=scores.__getitem__, reverse=True)[:depth]:
        present = [(t, c.postings[t][doc]) for t in terms if doc in c.postings[t]]
        bonus = 0.0
        for i, (ti, pi) in enumerate(present):
            for tj, pj in present[i + 1:]:
                closeness = 0.0
                for p in pi:
                    k = bisect.bisect_left(pj, p - window)
                    while k < len(pj) and pj[k] <= p + window:
                        if pj[k] != p:
                            closeness += 1.0 / (pj[k] - p) ** 2
                        k += 1
                if closeness:
                    bonus += min(idfs[ti], idfs[tj]) * closeness * (K1 + 1) / (closeness + c.norm(doc))
        scores[doc] += weight * bonus
    return scores


def evaluate(scorer: Scorer, queries: list[tuple[int, list[int]]]) -> tuple[float, float, float, float]:
    mrr = r10 = r100 = 0.0
    started = time.perf_counter()
    for relevant, terms in queries:
        scores = scorer(terms)
        ranked = sorted(scores, key=lambda d: (-scores[d], d))[:100]
        if relevant in ranked:
            r100 += 1
            rank = ranked.index(relevant) + 1
            if rank <= 10:
                mrr += 1 / rank
                r10 += 1
    n = len(queries)
    return mrr / n, r10 / n, r100 / n, (time.perf_counter() - started) / n * 1000


def query_ids(c: Collection, analyzer: Analyzer, titles: Iterable[str]) -> list[list[int]]:
    return [list(dict.fromkeys(c.vocab[t] for t in analyzer.query_terms(plain_query(title)) if t in c.vocab))
            for title in titles]


def variants(c: Collection) -> dict[str, Scorer]:
    lucene_idf = lambda df: math.log(1 + (c.n - df + 0.5) / (df + 0.5))  # noqa: E731
    out: dict[str, Scorer] = {"bm25 (the engine without the lead)": lambda ts: bm25(c, ts)}
    for lead in (20, 30, 50):
        for weight in (2, 4, 8):
            out[f"lead {lead} words, weight {weight}"] = \
                lambda ts, lead=lead, weight=weight: bm25(c, ts, lead=lead, lead_weight=weight)
    for lead in (30,):
        for weight in (0.5, 1.0):
            out[f"lead {lead} words as a separate BM25 field, weight {weight}"] = \
                lambda ts, lead=lead, weight=weight: lead_as_field(c, ts, lead, weight)
    for k1 in (0.9, 1.5):
        out[f"lead 30 weight 4, k1 {k1}"] = lambda ts, k1=k1: bm25(c, ts, k1=k1, lead=30, lead_weight=4)
    for b in (0.5, 0.9):
        out[f"lead 30 weight 4, b {b}"] = lambda ts, b=b: bm25(c, ts, b=b, lead=30, lead_weight=4)
    out["lead 30 weight 4, Lucene's idf"] = lambda ts: bm25(c, ts, lead=30, lead_weight=4, idf=lucene_idf)
    for window, weight in ((5, 0.3), (5, 1.0), (10, 1.0)):
        out[f"lead 30 weight 4 + proximity window {window}, weight {weight}"] = \
            lambda ts, window=window, weight=weight: with_proximity(
                c, ts, bm25(c, ts, lead=30, lead_weight=4), window, weight)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, default=Path(__file__).resolve().parent / "work")
    parser.add_argument("--only", default="", help="comma-separated substrings of variant names")
    args = parser.parse_args()
    docs_files = sorted(args.workdir.glob("docs-*.jsonl"))
    topics_file = args.workdir / "topics.tsv"
    if not docs_files or not topics_file.is_file():
        print(f"no docs-*.jsonl or topics.tsv in {args.workdir}: run benchmarks/relevance.py first", file=sys.stderr)
        return 2
    started = time.perf_counter()
    records = [json.loads(line) for line in docs_files[-1].open(encoding="utf-8")]
    analyzer = Analyzer(AnalyzerSettings())
    c = Collection([r["content"] for r in records], analyzer)
    position = {r["id"]: n for n, r in enumerate(records)}
    topics = [line.rstrip("\n").split("\t") for line in topics_file.open(encoding="utf-8")]
    terms = query_ids(c, analyzer, (title for _qid, _doc, title in topics))
    queries = [(position[doc], ts) for (_qid, doc, _title), ts in zip(topics, terms)]
    print(f"{c.n} documents, {len(c.vocab)} terms, {len(queries)} queries; analyzed in "
          f"{time.perf_counter() - started:.0f} s\n")
    print("| variant | MRR@10 | R@10 | R@100 | ms/query |\n|---|---:|---:|---:|---:|")
    wanted = [w for w in args.only.split(",") if w]
    for name, scorer in variants(c).items():
        if wanted and not any(w in name for w in wanted):
            continue
        mrr, r10, r100, ms = evaluate(scorer, queries)
        print(f"| {name} | {mrr:.3f} | {r10:.3f} | {r100:.3f} | {ms:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
