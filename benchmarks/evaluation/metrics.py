"""TREC run and qrels files, and the known-item metrics computed from them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

#: A run: for each query id, the retrieved document ids, best first.
Run = dict[str, list[str]]
#: Relevance judgments: for each query id, the set of relevant document ids.
Qrels = dict[str, set[str]]


def parse_run(lines: Iterable[str]) -> Run:
    """Read ``qid Q0 docid rank score tag`` lines; documents are ordered by rank (then by file order)."""
    ranked: dict[str, list[tuple[int, int, str]]] = {}
    for n, line in enumerate(lines):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 6:
            raise ValueError(f"run line {n + 1}: expected 6 fields, got {len(parts)}: {line!r}")
        qid, doc_id, rank = parts[0], parts[2], int(parts[3])
        ranked.setdefault(qid, []).append((rank, n, doc_id))
    return {qid: [doc for _r, _n, doc in sorted(items)] for qid, items in ranked.items()}


def format_run(run: Mapping[str, Sequence[tuple[str, float]]], tag: str) -> Iterable[str]:
    """TREC lines for ``{qid: [(doc_id, score), ...]}``, ranks from 1."""
    for qid, hits in run.items():
        for rank, (doc_id, score) in enumerate(hits, start=1):
            yield f"{qid} Q0 {doc_id} {rank} {score:.4f} {tag}\n"


def parse_qrels(lines: Iterable[str]) -> Qrels:
    """Read ``qid 0 docid relevance`` lines; relevance > 0 means relevant."""
    qrels: Qrels = {}
    for line in lines:
        parts = line.split()
        if len(parts) == 4:
            qrels.setdefault(parts[0], set())
            if int(parts[3]) > 0:
                qrels[parts[0]].add(parts[2])
    return qrels


def write_qrels(path: Path, qrels: Mapping[str, Iterable[str]]) -> None:
    path.write_text("".join(f"{qid} 0 {doc} 1\n" for qid, docs in qrels.items() for doc in sorted(docs)),
                    encoding="utf-8")


def reciprocal_rank(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """1/rank of the first relevant document among the top ``k``, else 0."""
    for rank, doc in enumerate(ranked[:k], start=1):
        if doc in relevant:
            return 1.0 / rank
    return 0.0


def recall(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """Share of the relevant documents found among the top ``k`` (0 when nothing is relevant)."""
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def mean_over_queries(run: Run, qrels: Qrels, metric: str, k: int) -> float:
    """Mean of ``metric`` ("rr" or "recall") at ``k`` over every query of ``qrels``; a query missing from the run
    (no hits, or an error) scores 0 and still counts."""
    if not qrels:
        raise ValueError("no queries to evaluate")
    fn = reciprocal_rank if metric == "rr" else recall
    return sum(fn(run.get(qid, []), relevant, k) for qid, relevant in qrels.items()) / len(qrels)


@dataclass(frozen=True)
class Scores:
    mrr10: float
    recall10: float
    recall100: float
    queries: int
    answered: int


def evaluate(run: Run, qrels: Qrels) -> Scores:
    """MRR@10, Recall@10 and Recall@100 over the queries of ``qrels``; ``answered`` counts queries with any hit."""
    return Scores(
        mrr10=mean_over_queries(run, qrels, "rr", 10),
        recall10=mean_over_queries(run, qrels, "recall", 10),
        recall100=mean_over_queries(run, qrels, "recall", 100),
        queries=len(qrels),
        answered=sum(1 for qid in qrels if run.get(qid)),
    )


def rank_of(ranked: Sequence[str], relevant: set[str]) -> int | None:
    """1-based rank of the first relevant document, or None when it was not retrieved."""
    for rank, doc in enumerate(ranked, start=1):
        if doc in relevant:
            return rank
    return None
