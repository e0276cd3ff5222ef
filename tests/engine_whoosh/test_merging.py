"""The merge policy: a commit merges only small or mostly deleted segments, within a bounded number of documents."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from news_queries import words

from arsearch.documents import Document
from arsearch.engine.api import Engine, SearchRequest
from arsearch.engine.whoosh import merging
from arsearch.engine.whoosh.merging import MAX_MERGED_DOCS, MIN_SEGMENTS_TO_MERGE, segments_to_merge


@dataclass(eq=False)
class FakeSegment:
    total: int
    deleted: int = 0

    def doc_count_all(self) -> int:
        return self.total

    def deleted_count(self) -> int:
        return self.deleted

    def doc_count(self) -> int:
        return self.total - self.deleted


def test_segments_of_a_full_build_are_left_alone() -> None:
    assert segments_to_merge([FakeSegment(2500) for _ in range(14)]) == []


def test_small_segments_are_merged_once_enough_of_them_wait() -> None:
    big = [FakeSegment(2500) for _ in range(14)]
    small = [FakeSegment(50) for _ in range(MIN_SEGMENTS_TO_MERGE)]
    assert segments_to_merge(big + small[:-1]) == []
    assert set(segments_to_merge(big + small)) == set(small)


def test_a_merge_never_takes_more_than_the_document_budget() -> None:
    size = MAX_MERGED_DOCS // (MIN_SEGMENTS_TO_MERGE - 2)
    assert segments_to_merge([FakeSegment(size) for _ in range(3 * MIN_SEGMENTS_TO_MERGE)]) == []
    many = [FakeSegment(10) for _ in range(MAX_MERGED_DOCS // 10 + 5)]
    chosen = segments_to_merge(many)
    assert sum(s.doc_count() for s in chosen) == MAX_MERGED_DOCS


def test_mostly_deleted_segments_are_merged_to_drop_their_deleted_documents() -> None:
    purged = FakeSegment(2500, deleted=2000)
    kept = FakeSegment(2500, deleted=1000)
    assert segments_to_merge([FakeSegment(2500), purged, kept]) == [purged]
    assert segments_to_merge([FakeSegment(9000, deleted=6000)]) == []  # 3,000 live: over the budget


def _names(engine: Engine) -> list[str]:
    return [s.segment_id() for s in engine.whoosh._segments()]  # type: ignore[attr-defined]


def _total(engine: Engine, *texts: str) -> int:
    return engine.snapshot().search(SearchRequest(words(*texts), limit=1)).total


@pytest.mark.parametrize("procs", [1, 2])
def test_commits_merge_small_segments_and_keep_the_large_one(new_engine, commit, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                                            procs: int) -> None:
    monkeypatch.setattr(merging, "MAX_MERGED_DOCS", 20)
    monkeypatch.setattr(merging, "MIN_SEGMENTS_TO_MERGE", 3)
    engine = new_engine()
    commit(engine, [Document(f"big{n}", f"خبر رقم {n} عن الرياض") for n in range(30)])
    (large,) = _names(engine)
    for n in range(3):
        commit(engine, [Document(f"small{n}", "أمطار غزيرة على جدة")], procs=procs)
        assert len(_names(engine)) == 2 + n
    small = set(_names(engine)) - {large}
    commit(engine, [Document("small3", "أمطار غزيرة على جدة")], procs=procs)  # three small ones wait: merged
    names = _names(engine)
    assert large in names and not small & set(names)
    assert len(names) == (2 if procs == 1 else 3)  # with workers, their new segment and the merged one
    assert engine.snapshot().doc_count() == 34
    assert _total(engine, "أمطار", "جدة") == 4
    assert _total(engine, "الرياض") == 30


def test_a_mostly_deleted_segment_is_rewritten_without_its_deleted_documents(new_engine, commit) -> None:  # type: ignore[no-untyped-def]
    engine = new_engine()
    commit(engine, [Document(f"d{n}", f"خبر رقم {n} عن الرياض") for n in range(30)])
    commit(engine, [], deleted=[f"d{n}" for n in range(20)])
    (segment,) = engine.whoosh._segments()
    assert segment.doc_count_all() == 10 and not segment.has_deletions()
    assert _total(engine, "الرياض") == 10
