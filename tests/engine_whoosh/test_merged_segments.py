"""A search that began before another writer merged its segments away still reads them (issue 7's load test)."""

from __future__ import annotations

from datetime import datetime

import pytest

from news_queries import words

from arsearch.documents import Document
from arsearch.engine.api import Engine, SearchRequest


def merge_everything(engine: Engine, compound: bool) -> None:
    """What a writer in another process does: one commit that merges every segment and deletes their files."""
    engine.whoosh.writer(compound=compound).commit(optimize=True)  # type: ignore[attr-defined]


@pytest.mark.parametrize("compound", [False, True], ids=["separate-files", "compound"])
def test_a_searcher_reads_columns_of_segments_merged_after_it_opened(new_engine, commit, tmp_path,  # type: ignore[no-untyped-def]
                                                                     compound: bool) -> None:
    engine = new_engine()
    commit(engine, [Document("a", "قصف قاعدة كونيكو في دير الزور", "قاعدة كونيكو", datetime(2020, 1, 2), "x")])
    commit(engine, [Document("b", "حقل كونيكو للغاز", "حقل الغاز", source="y")])
    before = engine.snapshot()
    files = set((tmp_path / "ix").iterdir())
    merge_everything(engine, compound)
    assert files - set((tmp_path / "ix").iterdir())  # the old segments' files are gone
    assert sorted(before.states()) == sorted((d, "", before.get(d)["fingerprint"]) for d in "ab")  # type: ignore[index]
    found = before.search(SearchRequest(words("كونيكو"), sort="date", facets=True))
    assert [h.id for h in found.hits] == ["a", "b"] and found.facets.sources == {"x": 1, "y": 1}  # type: ignore[union-attr]
    after = engine.snapshot()  # the next search moves on to the merged segment
    assert after.search(SearchRequest(words("كونيكو"))).total == 2 and after.stats().segments == 1
