"""The Python API of an index: create/open/exists/open_or_create, add, get, delete, stats, search."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from arsearch.analysis import ANALYZER_VERSION, AnalyzerSettings
from arsearch.documents import Document
from arsearch.errors import IndexFormatError, IndexNotFoundError, QueryError
from arsearch.search.highlight import Snippet
from arsearch.index import INDEX_FORMAT, META_FILE, Index, document_from_dict
from arsearch.search import Hit, SearchResults, search

DOCS = [
    {"id": "a1", "title": "وزارة الصحة تعلن", "content": "أعلنت وزارةُ الصحة اليوم عن حملة تطعيم جديدة.",
     "date": "2015-08-01", "source": "spa", "url": "https://example.com/a1", "author": "محرر"},
    {"id": "a2", "title": "أخبار الرياضة", "content": "فاز الفريق في المباراة النهائية.", "source": "okaz"},
    {"id": "a3", "title": "قصف بالصواريخ", "content": "سقطت الصواريخ على القاعدة الأمريكية في دير الزور."},
]


@pytest.fixture
def index(tmp_path: Path) -> Index:
    ix = Index.create(tmp_path / "ix")
    assert ix.add(DOCS) == 3
    yield ix
    ix.close()


def test_exists_create_open(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    assert not Index.exists(path)
    with Index.create(path) as ix:
        assert ix.path == path
        assert ix.settings == AnalyzerSettings()
    assert Index.exists(path)
    meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
    assert meta["format"] == INDEX_FORMAT
    assert meta["analyzer"] == {"stemmer": "light", "version": ANALYZER_VERSION}
    with Index.open(str(path)) as ix:
        assert ix.document_count() == 0


def test_create_refuses_existing_index_unless_overwrite(index: Index) -> None:
    with pytest.raises(IndexFormatError, match="already exists"):
        Index.create(index.path)
    index.close()
    with Index.create(index.path, overwrite=True) as fresh:
        assert fresh.document_count() == 0
    with Index.open(index.path) as reopened:
        assert reopened.get("a1") is None


def test_create_with_stemmer_none_is_stored(tmp_path: Path) -> None:
    Index.create(tmp_path / "ix", AnalyzerSettings(stemmer="none")).close()
    with Index.open(tmp_path / "ix") as ix:
        assert ix.settings.stemmer == "none"
        assert [t.term for t in ix.analyze("بالصواريخ")] == ["بالصواريخ"]


def test_open_or_create(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    with Index.open_or_create(path) as ix:
        ix.add(DOCS[:1])
    with Index.open_or_create(path) as ix:
        assert ix.document_count() == 1
    with Index.open_or_create(path, AnalyzerSettings(stemmer="light")) as ix:
        assert ix.document_count() == 1
    with pytest.raises(IndexFormatError, match="uses stemmer 'light'.*rebuilt") as info:
        Index.open_or_create(path, AnalyzerSettings(stemmer="none"))
    assert info.value.rebuild


@pytest.mark.parametrize("setup", ["missing", "empty folder", "a file", "meta only", "whoosh only"])
def test_open_non_index_raises_not_found(tmp_path: Path, setup: str) -> None:
    path = tmp_path / "ix"
    if setup == "empty folder":
        path.mkdir()
    elif setup == "a file":
        path.write_text("not an index", encoding="utf-8")
    elif setup in ("meta only", "whoosh only"):
        Index.create(path).close()
        if setup == "meta only":
            for f in path.iterdir():
                if f.name != META_FILE:
                    f.unlink()
        else:
            (path / META_FILE).unlink()
    with pytest.raises(IndexNotFoundError) as info:
        Index.open(path)
    assert str(path) in str(info.value)
    assert info.value.missing == (setup == "missing") and info.value.is_file == (setup == "a file")
    assert not Index.exists(path)


def _edit_meta(path: Path, **changes: object) -> None:
    meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
    meta.update(changes)
    (path / META_FILE).write_text(json.dumps(meta), encoding="utf-8")


def test_newer_format_raises_format_error(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    Index.create(path).close()
    _edit_meta(path, format=INDEX_FORMAT + 1)
    with pytest.raises(IndexFormatError, match=f"format {INDEX_FORMAT + 1}, newer") as info:
        Index.open(path)
    assert info.value.upgrade and not info.value.rebuild


@pytest.mark.parametrize("changes, message", [
    ({"analyzer": {"stemmer": "light", "version": ANALYZER_VERSION + 1}}, "analyzer version"),
    ({"analyzer": {"stemmer": "porter", "version": ANALYZER_VERSION}}, "analyzer version"),
    ({"format": "one"}, "damaged"),
    ({"analyzer": None}, "damaged"),
])
def test_other_analyzer_or_damaged_meta_raises_format_error(tmp_path: Path, changes: dict, message: str) -> None:
    path = tmp_path / "ix"
    Index.create(path).close()
    _edit_meta(path, **changes)
    with pytest.raises(IndexFormatError, match=message) as info:
        Index.open(path)
    assert info.value.rebuild


def test_unparsable_meta_raises_format_error(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    Index.create(path).close()
    (path / META_FILE).write_text("{", encoding="utf-8")
    with pytest.raises(IndexFormatError, match="damaged"):
        Index.open(path)


def test_add_then_search_returns_hits(index: Index) -> None:
    results = search(index, "الوزارة الصحه")
    assert isinstance(results, SearchResults)
    assert results.total == 1
    assert results.query == "الوزارة الصحه"
    assert results.terms == frozenset({"وزار", "صحه"})  # what the query words were analyzed into
    (hit,) = results.hits
    assert isinstance(hit, Hit)
    assert hit.id == "a1"
    assert hit.rank == 1
    assert isinstance(hit.score, float) and hit.score > 0
    assert isinstance(hit.title, Snippet) and hit.title.text == "وزارة الصحة تعلن"
    assert [hit.title.text[s:e] for s, e in hit.title.spans] == ["وزارة الصحة"]
    assert isinstance(hit.snippet, Snippet)
    assert hit.snippet.text == "أعلنت وزارةُ الصحة اليوم عن حملة تطعيم جديدة."
    assert [hit.snippet.text[s:e] for s, e in hit.snippet.spans] == ["وزارةُ الصحة"]
    assert hit.fields["source"] == "spa"
    assert hit.fields["url"] == "https://example.com/a1"
    assert hit.fields["author"] == "محرر"
    assert hit.fields["date"] == datetime(2015, 8, 1)
    assert "content" not in hit.fields
    assert (hit.date, hit.source, hit.url, hit.path) == (datetime(2015, 8, 1), "spa", "https://example.com/a1", "")
    assert hit.to_dict() == {
        "id": "a1", "title": "وزارة الصحة تعلن", "score": round(hit.score, 4),
        "snippet": "أعلنت وزارةُ الصحة اليوم عن حملة تطعيم جديدة.", "date": "2015-08-01T00:00:00",
        "source": "spa", "url": "https://example.com/a1", "path": "", "rank": 1,
        "highlights": [[6, 18]], "group": "a1", "duplicate_count": 0, "duplicates": [],
    }


def test_search_query_errors(index: Index) -> None:
    with pytest.raises(QueryError, match="unknown field 'lang'"):
        search(index, "lang:ar")
    with pytest.raises(QueryError, match="nothing to search for"):
        search(index, "-الصحة")


def test_get(index: Index) -> None:
    doc = index.get("a2")
    assert doc is not None
    assert doc["id"] == "a2"
    assert doc["title"] == "أخبار الرياضة"
    assert doc["content"] == "فاز الفريق في المباراة النهائية."
    assert doc["source"] == "okaz"
    assert "date" not in doc or doc["date"] is None
    assert index.get("nope") is None


def test_add_replaces_same_id(index: Index) -> None:
    index.add([{"id": "a2", "title": "عنوان جديد", "content": "نص جديد عن السباحة"}])
    assert index.document_count() == 3
    assert index.get("a2")["title"] == "عنوان جديد"  # type: ignore[index]
    assert [h.id for h in search(index, "السباحة").hits] == ["a2"]
    assert search(index, "المباراة").hits == []


def test_add_document_objects_and_writer(index: Index) -> None:
    with index.writer() as w:
        w.add(Document(id="d1", content="خبر عن الطقس", title="الطقس"))
    assert index.add([Document(id="d2", content="خبر آخر عن الطقس")]) == 1
    assert {h.id for h in search(index, "الطقس").hits} == {"d1", "d2"}


def test_writer_discards_on_exception(index: Index) -> None:
    with pytest.raises(RuntimeError):
        with index.writer() as w:
            w.add(Document(id="lost", content="لن يحفظ هذا الخبر"))
            raise RuntimeError("boom")
    assert index.get("lost") is None
    assert index.document_count() == 3


def test_delete(index: Index) -> None:
    index.delete(["a3", "missing"])
    assert index.get("a3") is None
    assert index.document_count() == 2
    assert search(index, "الصواريخ").hits == []
    stats = index.stats()
    assert stats.documents == 2


def test_stats(index: Index) -> None:
    stats = index.stats()
    assert stats.path == str(index.path)
    assert stats.documents == 3
    assert stats.deleted == 0
    assert stats.terms is None and index.stats(count_terms=True).terms > 10  # type: ignore[operator]
    assert stats.segments == 1
    assert stats.size_bytes > 0
    assert stats.analyzer == {"stemmer": "light", "version": ANALYZER_VERSION}
    assert stats.format == INDEX_FORMAT
    assert stats.created and stats.updated >= stats.created


def test_empty_index_searched_then_filled(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as ix:
        assert search(ix, "الصحة").hits == []
        assert ix.document_count() == 0
        ix.add(DOCS)
        assert [h.id for h in search(ix, "الصحة").hits] == ["a1"]
        assert ix.document_count() == 3


def test_analyze(index: Index) -> None:
    tokens = index.analyze("بالصواريخ")
    assert [(t.term, t.surface, t.start, t.end) for t in tokens] == [("صواريخ", "بالصواريخ", 0, 9)]


@pytest.mark.engine_independent
@pytest.mark.parametrize("record, reason", [({"content": "نص"}, "no id"), ({"id": "x"}, "no content"),
                                            ({"id": "", "content": "نص"}, "no id"),
                                            ({"id": "x", "content": " \n"}, "no content")])
def test_document_from_dict_rejects_incomplete_records(record: dict, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        document_from_dict(record)


@pytest.mark.engine_independent
def test_document_from_dict_fields() -> None:
    doc = document_from_dict({"id": 7, "content": "نص", "date": "2016-05-04T03:02:01", "title": None})
    assert doc == Document(id="7", content="نص", title="", date=datetime(2016, 5, 4, 3, 2, 1))


def test_two_indexes_are_independent(tmp_path: Path) -> None:
    with Index.create(tmp_path / "one") as one, Index.create(tmp_path / "two") as two:
        one.add(DOCS[:1])
        two.add(DOCS[1:])
        assert [h.id for h in search(one, "الصحة").hits] == ["a1"]
        assert search(two, "الصحة").hits == []
