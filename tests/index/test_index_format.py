"""Index format 4 and what ``Index`` reads of its engine (on the fake engine of ``conftest.py``): older formats are
refused with a rebuild, documents come by id, the stats need no pass over documents or terms."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FakeKind

from arsearch import Index
from arsearch.documents import Document
from arsearch.engine.api import DEFAULT_LEAD_WEIGHT
from arsearch.errors import IndexFormatError
from arsearch.index import INDEX_FORMAT, META_FILE


def edit_meta(path: Path, **changes: object) -> None:
    meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
    meta.update(changes)
    for key, value in changes.items():
        if value is None:
            del meta[key]
    (path / META_FILE).write_text(json.dumps(meta), encoding="utf-8")


@pytest.mark.parametrize("fmt", [1, 2, 3])
def test_an_index_of_an_older_format_must_be_rebuilt(tmp_path: Path, fake: FakeKind, fmt: int) -> None:
    Index.create(tmp_path / "ix").close()
    edit_meta(tmp_path / "ix", format=fmt)
    with pytest.raises(IndexFormatError, match="rebuilt") as raised:
        Index.open(tmp_path / "ix")
    assert raised.value.rebuild and not raised.value.upgrade
    Index.create(tmp_path / "ix", overwrite=True).close()
    assert Index.open(tmp_path / "ix").meta["format"] == INDEX_FORMAT == 4


def test_an_index_of_a_newer_format_asks_for_an_upgrade(tmp_path: Path, fake: FakeKind) -> None:
    Index.create(tmp_path / "ix").close()
    edit_meta(tmp_path / "ix", format=INDEX_FORMAT + 1)
    with pytest.raises(IndexFormatError) as raised:
        Index.open(tmp_path / "ix")
    assert raised.value.upgrade and not raised.value.rebuild


@pytest.mark.parametrize("missing", ["lead_weight", "engine"])
def test_metadata_without_a_lead_weight_or_an_engine_is_damaged(tmp_path: Path, fake: FakeKind, missing: str) -> None:
    Index.create(tmp_path / "ix").close()
    edit_meta(tmp_path / "ix", **{missing: None})
    with pytest.raises(IndexFormatError, match="damaged") as raised:
        Index.open(tmp_path / "ix")
    assert raised.value.rebuild


def test_documents_by_id_and_their_states(tmp_path: Path, fake: FakeKind) -> None:
    with Index.create(tmp_path / "ix") as ix:
        ix.add([Document("a", "وزارة الصحة", title="خبر", path="/news/a.json"), Document("b", "جدة")])
        found = ix.get("a")
        assert found is not None and "sketch" not in found
        assert (found["id"], found["title"], found["content"], found["path"], found["group"]) == \
            ("a", "خبر", "وزارة الصحة", "/news/a.json", "a")
        assert ix.get("missing") is None
        assert ix.stored_states() == {"a": ("/news/a.json", Document("a", "وزارة الصحة", title="خبر").fingerprint()),
                                      "b": ("", Document("b", "جدة").fingerprint())}


def test_stats_count_terms_only_when_asked(tmp_path: Path, fake: FakeKind) -> None:
    with Index.create(tmp_path / "ix") as ix:
        empty = ix.stats()
        assert (empty.documents, empty.deleted, empty.terms, empty.duplicate_groups) == (0, 0, None, 0)
        ix.add([Document("a", "وزارة الصحة"), Document("b", "جدة")])
        ix.delete(["b"])
        stats = ix.stats()
        assert (stats.documents, stats.deleted, stats.terms) == (1, 1, None)
        assert (stats.format, stats.engine, stats.lead_weight) == (4, "fake", DEFAULT_LEAD_WEIGHT)
        assert fake.calls["count_terms"] == 0
        counted = ix.stats(count_terms=True).terms
        assert counted is not None and counted > 5 and fake.calls["count_terms"] == 1
