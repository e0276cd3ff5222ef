"""Proximity (:mod:`arsearch.search.proximity`): pairs of adjacent query words as sloppy phrases rank documents
where the words stand together above those where they are apart, match no other document, and never make an
answer partial."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from arsearch.analysis import Analyzer
from arsearch.engine.api import AndMaybe, AnyOf, Phrase
from arsearch.index import Index
from arsearch.search import Ranking, search
from arsearch.search.budget import Budget
from arsearch.search.compiler import QueryCompiler
from arsearch.search.proximity import MAX_PAIRS, adjacent_pairs

NEAR = Ranking(proximity=0.5, proximity_slop=2)
OFF = Ranking(proximity=0)
#: "near": both words together; "apart": the same words far from each other, repeated so BM25 alone prefers it.
DOCUMENTS = [
    {"id": "near", "content": "أعلنت وزارة الصحة اليوم حملة جديدة " + " ".join(["خبر"] * 40)},
    {"id": "apart", "content": "حملة وزارة " + " ".join(["خبر"] * 30) + " الصحة خبر خبر خبر خبر وزارة خبر خبر خبر خبر "
                               "الصحة حملة"},
    {"id": "other", "content": "مباراة في الرياض " + " ".join(["خبر"] * 10)},
]


@pytest.fixture
def index(tmp_path: Path, every_engine: str) -> Iterator[Index]:
    with Index.create(tmp_path / "ix", engine=every_engine, lead_weight=0) as ix:  # no lead: BM25 alone
        ix.add(DOCUMENTS)
        yield ix


def scores_phrases_like_the_local_engines(engine: str) -> None:
    if engine == "opensearch":
        pytest.xfail("OpenSearch scores a sloppy phrase by Lucene's own phrase weight (its words' idf, not the Whoosh "
                     "idf ratio the engine gives its terms): in this three-document index the pair does not lift the "
                     "near document above the BM25 lead of the other; measured on the corpus it ranks as Whoosh does "
                     "(known items 0.665 against 0.666)")


def ranked(index: Index, text: str, ranking: Ranking, **kwargs: object) -> list[str]:
    return [h.id for h in search(index, text, ranking=ranking, collapse=False, snippet_width=0,
                                 **kwargs).hits]  # type: ignore[arg-type]


def test_words_near_each_other_rank_higher_and_nothing_else_matches(index: Index, every_engine: str) -> None:
    assert ranked(index, "وزارة الصحة", OFF)[0] == "apart"
    assert set(ranked(index, "وزارة الصحة الرياض", NEAR)) == set(ranked(index, "وزارة الصحة الرياض", OFF))
    assert set(ranked(index, "وزارة الصحة", NEAR)) == {"near", "apart"}
    scores_phrases_like_the_local_engines(every_engine)
    assert ranked(index, "وزارة الصحة", NEAR) == ["near", "apart"]


def test_pairs_never_make_an_answer_partial(index: Index) -> None:
    results = search(index, "وزارة الصحة", ranking=NEAR, budget=Budget(postings=4))
    assert not results.partial
    assert {h.id for h in results.hits} == {"near", "apart"}


def test_pairs_are_the_adjacent_content_words_in_each_field() -> None:
    compiler = QueryCompiler(Analyzer(), NEAR)
    compiler.compile("ما هي حملة وزارة الصحة في جدة؟ -الرياض")
    analyzer = Analyzer()
    words = [analyzer.query_terms(w)[0] for w in ("حملة", "وزارة", "الصحة", "جدة")]
    assert compiler.pairs == tuple(Phrase(field, pair, boost, 2) for pair in zip(words, words[1:])
                                   for field, boost in (("title", 1.0), ("content", 0.5)))
    off = QueryCompiler(Analyzer(), OFF)
    assert off.compile("وزارة الصحة") and off.pairs == ()


def test_a_long_query_gets_no_pairs() -> None:
    words = [f"w{n}" for n in range(MAX_PAIRS + 2)]
    assert adjacent_pairs(words, [("content", 1.0)], 2) == ()
    assert len(adjacent_pairs(words[:MAX_PAIRS + 1], [("content", 1.0)], 2)) == MAX_PAIRS


def test_pairs_join_an_or_and_stay_optional_beside_required_words(index: Index, every_engine: str) -> None:
    compiler = QueryCompiler(index.analyzer, NEAR)
    query, _ = compiler.compile("وزارة الصحة")
    assert isinstance(query, AnyOf)
    query, _ = compiler.compile("+وزارة الصحة")
    assert isinstance(query, AndMaybe)
    assert set(ranked(index, "+وزارة الصحة", NEAR)) == {"near", "apart"}
    scores_phrases_like_the_local_engines(every_engine)
    assert ranked(index, "+وزارة الصحة", NEAR) == ["near", "apart"]
