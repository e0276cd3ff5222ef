"""What searches remember between calls: the same answers as without them."""

from __future__ import annotations

from pathlib import Path

import pytest

from arsearch import Document, Index, search
from arsearch.engine import ENGINES
from arsearch.search.searching import writes_all
from arsearch.search.spelling import query_keys


@pytest.mark.parametrize("engine", ENGINES)
def test_remembered_written_words_follow_each_commit(tmp_path: Path, engine: str) -> None:
    with Index.create(tmp_path / "ix", engine=engine) as ix:
        ix.add([Document("a", "وزارة الصحة تعلن حملة تطعيم في الرياض", title="حملة الصحة")])
        queries = ["وزارة الصحة", "حملة جدة", "جدة", "الرياض تطعيم", "مستشفى جدة"]
        for query in queries * 2:
            assert writes_all(ix, query_keys(query)) == ix.writes_all(query_keys(query)), query
        assert not writes_all(ix, query_keys("جدة"))
        ix.add([Document("b", "افتتاح مستشفى في جدة", title="مستشفى جدة")])
        for query in queries:
            assert writes_all(ix, query_keys(query)) == ix.writes_all(query_keys(query)), query
        assert writes_all(ix, query_keys("مستشفى جدة"))


@pytest.mark.parametrize("engine", ENGINES)
def test_a_process_that_searches_often_reads_the_words_file_and_answers_alike(
        tmp_path: Path, engine: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from arsearch.search import searching

    with Index.create(tmp_path / "ix", engine=engine) as ix:
        ix.add([Document("a", "وزارة الصحة تعلن حملة تطعيم في الرياض", title="حملة الصحة"),
                Document("b", "افتتاح مستشفى في جدة", title="مستشفى جدة")])
    queries = ["وزارة الصحة", "مستشفى جده", "حملة تطعيمم", "الرياض", "جدة مستشفي"]

    def answers(ix: Index) -> list[dict[str, object]]:
        found = [search(ix, query).to_dict() for query in queries]
        return [{key: value for key, value in shape.items() if key != "elapsed_ms"} for shape in found]

    with Index.open(tmp_path / "ix") as ix:
        expected = answers(ix)
    monkeypatch.setattr(searching, "WORDS_IN_MEMORY_AFTER", 1)
    with Index.open(tmp_path / "ix") as ix:
        reads: list[int] = []
        words = ix.words
        ix.words = lambda: reads.append(1) or words()  # type: ignore[method-assign]
        assert answers(ix) == expected
        assert reads
        assert answers(ix) == expected
