"""What searches remember between calls, and what collapsing reads: the same answers as without them."""

from __future__ import annotations

from pathlib import Path

import pytest

from arsearch import Document, Index, search
from arsearch.engine import ENGINES
from arsearch.search.collapsing import Groups
from arsearch.search.searching import writes_all
from arsearch.search.spelling import query_keys


class _Labels:
    """A snapshot with only the columns :class:`Groups` reads."""

    def __init__(self, labels: list[str]) -> None:
        self.labels = labels
        self.read: list[int] = []

    def column(self, name: str) -> object:
        snapshot = self

        class Column:
            def __getitem__(self, docnum: int) -> str:
                if name == "group":
                    snapshot.read.append(docnum)
                return snapshot.labels[docnum] if name == "group" else str(docnum)

        return Column()


def test_collapse_stops_at_the_groups_asked_for() -> None:
    snapshot = _Labels(["a", "a", "b", "c", "b", "d", "e"])
    ranked = [(n, 10.0 - n) for n in range(7)]
    groups = Groups(snapshot)  # type: ignore[arg-type]
    whole = groups.collapse(ranked)
    assert [n for n, _ in whole] == [0, 2, 3, 5, 6]
    for limit in range(1, 7):
        snapshot.read.clear()
        assert groups.collapse(ranked, limit) == whole[:limit]
        last = whole[limit - 1][0] if limit <= len(whole) else len(ranked) - 1
        assert snapshot.read == list(range(last + 1))  # no label read past the last group kept


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
