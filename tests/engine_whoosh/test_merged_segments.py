"""A search that began before another writer merged its segments away still reads them (issue 7's load test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from arsearch import Index, search


def two_segments(path: Path) -> None:
    with Index.create(path) as ix:
        ix.add([{"id": "a", "title": "قاعدة كونيكو", "content": "قصف قاعدة كونيكو في دير الزور", "date": "2020-01-02",
                 "source": "x"}])
        ix.add([{"id": "b", "title": "حقل الغاز", "content": "حقل كونيكو للغاز", "source": "y"}])


def merge_everything(path: Path, compound: bool) -> None:
    """What a writer in another process does: one commit that merges every segment and deletes their files."""
    with Index.open(path) as other:
        other.engine.whoosh.writer(compound=compound).commit(optimize=True)


@pytest.mark.parametrize("compound", [False, True], ids=["separate-files", "compound"])
def test_a_searcher_reads_columns_of_segments_merged_after_it_opened(tmp_path: Path, compound: bool) -> None:
    two_segments(tmp_path / "ix")
    with Index.open(tmp_path / "ix") as ix:
        before = ix.snapshot().searcher
        files = set((tmp_path / "ix").iterdir())
        merge_everything(tmp_path / "ix", compound)
        assert files - set((tmp_path / "ix").iterdir())  # the old segments' files are gone
        stored = [before.stored_fields(n) for n in range(before.doc_count_all())]
        assert sorted(f["id"] for f in stored) == ["a", "b"]
        assert sorted(before.reader().column_reader("source")) == ["x", "y"]
        assert search(ix, "كونيكو").total == 2  # and the next search moves on to the merged segment
        assert len(ix.snapshot().searcher.reader().leaf_readers()) == 1
