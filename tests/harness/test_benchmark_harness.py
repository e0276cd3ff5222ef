"""The relevance harness's metrics, sampling and TREC files, on tiny hand-made data (no corpus needed)."""

from __future__ import annotations

import pytest

from benchmarks.evaluation.corpus import Article, deduplicate
from benchmarks.evaluation.engines import fts5_query
from benchmarks.evaluation.metrics import (
    evaluate,
    format_run,
    mean_over_queries,
    parse_qrels,
    parse_run,
    rank_of,
    recall,
    reciprocal_rank,
)
from benchmarks.evaluation.sample import known_items, plain_query

QRELS = {"q1": {"d1"}, "q2": {"d2"}, "q3": {"d3"}, "q4": {"d4"}}
RUN = {
    "q1": ["d1", "x", "y"],                         # rank 1
    "q2": ["x", "y", "d2"],                         # rank 3
    "q3": [f"x{i}" for i in range(10)] + ["d3"],    # rank 11: outside the top 10, inside the top 100
    # q4 has no hits at all
}


@pytest.mark.parametrize(("ranked", "k", "expected"), [
    (["d1", "x"], 10, 1.0),
    (["x", "d1"], 10, 0.5),
    (["x", "y", "z", "d1"], 10, 0.25),
    (["x"] * 10 + ["d1"], 10, 0.0),
    (["x"] * 10 + ["d1"], 11, 1 / 11),
    ([], 10, 0.0),
])
def test_reciprocal_rank(ranked: list[str], k: int, expected: float) -> None:
    assert reciprocal_rank(ranked, {"d1"}, k) == pytest.approx(expected)


def test_reciprocal_rank_uses_the_first_relevant_document() -> None:
    assert reciprocal_rank(["x", "b", "a"], {"a", "b"}, 10) == 0.5


@pytest.mark.parametrize(("ranked", "relevant", "k", "expected"), [
    (["a", "x"], {"a"}, 10, 1.0),
    (["x", "a"], {"a"}, 1, 0.0),
    (["a", "x", "b"], {"a", "b"}, 2, 0.5),
    (["a", "x", "b"], {"a", "b"}, 3, 1.0),
    (["x"], set(), 10, 0.0),
])
def test_recall(ranked: list[str], relevant: set[str], k: int, expected: float) -> None:
    assert recall(ranked, relevant, k) == pytest.approx(expected)


def test_mrr_and_recall_over_queries_count_unanswered_queries_as_zero() -> None:
    assert mean_over_queries(RUN, QRELS, "rr", 10) == pytest.approx((1 + 1 / 3 + 0 + 0) / 4)
    assert mean_over_queries(RUN, QRELS, "recall", 10) == pytest.approx(2 / 4)
    assert mean_over_queries(RUN, QRELS, "recall", 100) == pytest.approx(3 / 4)


def test_evaluate() -> None:
    scores = evaluate(RUN, QRELS)
    assert scores.mrr10 == pytest.approx(1 / 3)
    assert (scores.recall10, scores.recall100) == (0.5, 0.75)
    assert (scores.queries, scores.answered) == (4, 3)


def test_evaluate_ignores_run_queries_without_judgments() -> None:
    assert evaluate({**RUN, "extra": ["d1"]}, QRELS) == evaluate(RUN, QRELS)


def test_run_round_trip_orders_by_rank() -> None:
    lines = list(format_run({"q1": [("d1", 3.0), ("d2", 2.5)], "q2": [("d9", 1.0)]}, "test"))
    assert lines[0] == "q1 Q0 d1 1 3.0000 test\n"
    assert parse_run(reversed(lines)) == {"q1": ["d1", "d2"], "q2": ["d9"]}


def test_parse_run_rejects_malformed_lines() -> None:
    with pytest.raises(ValueError, match="6 fields"):
        parse_run(["q1 Q0 d1 1 2.0"])


def test_parse_qrels() -> None:
    assert parse_qrels(["q1 0 d1 1\n", "q1 0 d2 0\n", "q2 0 d3 2\n"]) == {"q1": {"d1"}, "q2": {"d3"}}


def test_rank_of() -> None:
    assert rank_of(["x", "d1"], {"d1"}) == 2
    assert rank_of(["x"], {"d1"}) is None


def test_deduplicate_drops_blank_and_repeated_contents_keeping_the_first() -> None:
    articles = [Article("1", "t", "نص"), Article("2", "t", "  \n"), Article("3", "u", "نص"), Article("4", "v", "آخر")]
    kept, counts = deduplicate(articles)
    assert [a.id for a in kept] == ["1", "4"]
    assert (counts.records, counts.empty, counts.duplicates, counts.kept) == (4, 1, 1, 2)


def test_known_items_keeps_unique_titles_of_three_words_and_is_reproducible() -> None:
    articles = [Article(f"d{i}", f"عنوان رقم {i} هنا", "نص") for i in range(20)]
    articles += [Article("short", "عنوان قصير", "نص"), Article("r1", "عنوان مكرر هنا", "نص"),
                 Article("r2", " عنوان  مكرر هنا", "نص")]
    topics, counts = known_items(articles, size=5, seed=7)
    assert (counts.eligible, counts.short_titles, counts.repeated_titles) == (20, 1, 2)
    assert {t.doc_id for t in topics} <= {f"d{i}" for i in range(20)}
    assert topics == known_items(articles, size=5, seed=7)[0]
    assert [t.qid for t in topics] == ["q0001", "q0002", "q0003", "q0004", "q0005"]
    with pytest.raises(ValueError):
        known_items(articles, size=21)


@pytest.mark.parametrize(("title", "expected"), [
    ("مجلس الأمن يصادق على «الاتفاق النووي».. وإيران", "مجلس الأمن يصادق على الاتفاق النووي .. وإيران"),
    ('حماس تتلقى "رسالة" (عاجل)', "حماس تتلقى رسالة عاجل"),
    ("-الصحة +التعليم 5 - 3", "الصحة التعليم 5 - 3"),
    ("CNN: news OR views", "CNN news or views"),
])
def test_plain_query_neutralizes_query_syntax(title: str, expected: str) -> None:
    assert plain_query(title) == expected


def test_fts5_query_quotes_every_word() -> None:
    assert fts5_query('قال "نعم" للاتفاق') == '"قال" OR """نعم""" OR "للاتفاق"'
