"""The merge policy: a commit merges only small or mostly deleted segments, within a bounded number of documents."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from arsearch.engine.whoosh import merging
from arsearch.index import Index
from arsearch.engine.whoosh.merging import MAX_MERGED_DOCS, MIN_SEGMENTS_TO_MERGE, segments_to_merge
from arsearch.search import search


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


def _names(index: Index) -> list[str]:
    return [s.segment_id() for s in index.engine.whoosh._segments()]


@pytest.mark.parametrize("procs", [1, 2])
def test_commits_merge_small_segments_and_keep_the_large_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            procs: int) -> None:
    monkeypatch.setattr(merging, "MAX_MERGED_DOCS", 20)
    monkeypatch.setattr(merging, "MIN_SEGMENTS_TO_MERGE", 3)
    with Index.create(tmp_path / "ix") as index:
        index.add([{"id": f"big{n}", "content": f"خبر رقم {n} عن الرياض"} for n in range(30)])
        (large,) = _names(index)
        for n in range(3):
            with index.writer(procs=procs) as writer:
                writer.add(_doc(f"small{n}", "أمطار غزيرة على جدة"))
            assert len(_names(index)) == 2 + n
        small = set(_names(index)) - {large}
        with index.writer(procs=procs) as writer:  # three small segments wait: merged into this commit's
            writer.add(_doc("small3", "أمطار غزيرة على جدة"))
        names = _names(index)
        assert large in names and not small & set(names)
        assert len(names) == (2 if procs == 1 else 3)  # with workers, their new segment and the merged one
        assert index.document_count() == 34
        assert search(index, "أمطار جدة", limit=10).total == 4
        assert search(index, "الرياض", limit=100).total == 30


def test_a_mostly_deleted_segment_is_rewritten_without_its_deleted_documents(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        index.add([{"id": f"d{n}", "content": f"خبر رقم {n} عن الرياض"} for n in range(30)])
        index.delete(f"d{n}" for n in range(20))
        (segment,) = index.engine.whoosh._segments()
        assert segment.doc_count_all() == 10 and not segment.has_deletions()
        assert search(index, "الرياض", limit=100).total == 10


def _doc(doc_id: str, content: str):  # type: ignore[no-untyped-def]
    from arsearch.index import document_from_dict

    return document_from_dict({"id": doc_id, "content": content})
