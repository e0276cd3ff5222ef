"""Fuzzing the file readers (issue 16): random bytes under every supported name, truncated and damaged gzip and
zip files, zip bombs, JSON of any shape (deeply nested, huge numbers, NUL bytes, lone surrogates).  A reader
never raises: every file gives documents or ``Skipped`` items, and every document can be indexed."""

from __future__ import annotations

import gzip
import io
import json
import os
import struct
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arsearch import Index, search
from arsearch.documents import Document
from arsearch.ingest import index_paths, sources
from arsearch.ingest.sources import SUPPORTED_SUFFIXES, Skipped, SourceFile, read_documents

#: Examples per property; ARSEARCH_FUZZ_EXAMPLES=5000 fuzzes longer than CI does.
FUZZ = settings(max_examples=int(os.environ.get("ARSEARCH_FUZZ_EXAMPLES", 100)), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
#: Characters that broke or could break a reader or the index: NUL, lone surrogates, BOM, bidi marks, Arabic.
_NASTY = st.sampled_from(["\x00", "\ud800", "\udfff", "\udc80", "\ufeff", "\u202e", "\u2028", "ا", "ً", "\n"])
TEXT = st.text(st.one_of(_NASTY, st.characters()), max_size=40)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-10**40, max_value=10**40) | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["id", "content", "title", "date", "source", "url", "author", "body", "text"]) | TEXT,
        inner, max_size=6),
    max_leaves=20)


def read(folder: Path, name: str, data: bytes) -> list[Document | Skipped]:
    path = folder / name
    path.write_bytes(data)
    items = list(read_documents(SourceFile(path, name, len(data), 0)))
    for item in items:
        assert isinstance(item, (Document, Skipped)), item
        if isinstance(item, Document):
            for value in (item.id, item.content, item.title, item.source, item.url, item.author, item.path):
                value.encode("utf-8")  # no lone surrogate is left: the index can write it
    return items


@pytest.mark.engine_independent
@FUZZ
@given(suffix=st.sampled_from(SUPPORTED_SUFFIXES), data=st.binary(max_size=3000))
def test_random_bytes_under_any_supported_name(suffix: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        read(Path(folder), "f" + suffix, data)


def _valid_archives() -> dict[str, bytes]:
    records = [{"id": f"r{n}", "content": f"خبر رقم {n} عن الأمطار", "date": "2015-03-0%d" % (n + 1)} for n in range(5)]
    jsonl = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.json", json.dumps(records, ensure_ascii=False))
        zf.writestr("b.jsonl.gz", gzip.compress(jsonl))
        zf.writestr("c.txt", "نص خبر قصير")
    return {"f.jsonl.gz": gzip.compress(jsonl), "f.zip": zipped.getvalue()}


ARCHIVES = _valid_archives()


@pytest.mark.engine_independent
@FUZZ
@given(name=st.sampled_from(sorted(ARCHIVES)), cut=st.integers(min_value=0), flips=st.lists(
    st.tuples(st.integers(min_value=0), st.integers(min_value=1, max_value=255)), max_size=3))
def test_truncated_or_damaged_gzip_and_zip(name: str, cut: int, flips: list[tuple[int, int]]) -> None:
    data = bytearray(ARCHIVES[name])
    for at, mask in flips:
        data[at % len(data)] ^= mask
    data = data[:cut % (len(data) + 1)]
    with tempfile.TemporaryDirectory() as folder:
        items = read(Path(folder), name, bytes(data))
    if not flips and len(data) == len(ARCHIVES[name]):
        assert sum(isinstance(i, Document) for i in items) == (5 if name.endswith(".gz") else 11)


@pytest.mark.engine_independent
@FUZZ
@given(value=JSON_VALUES, as_lines=st.booleans())
def test_json_of_any_shape(value: object, as_lines: bool) -> None:
    text = json.dumps(value)  # ASCII: lone surrogates travel as \ud800 escapes, as in real files
    with tempfile.TemporaryDirectory() as folder:
        read(Path(folder), "f.jsonl" if as_lines else "f.json", text.encode())


@pytest.mark.engine_independent
@pytest.mark.parametrize("depth", [10_000, 200_000])
def test_deeply_nested_json(tmp_path: Path, depth: int) -> None:
    array = "[" * depth + "]" * depth
    nested_field = '{"content": "خبر", "title": ' + '{"a": ' * depth + "1" + "}" * (depth + 1)
    for items in (read(tmp_path, "a.json", array.encode()), read(tmp_path, "b.jsonl", nested_field.encode())):
        assert len(items) == 1 and isinstance(items[0], Skipped) and "invalid JSON" in items[0].reason, items


def _zip_with_declared_size(member: bytes, declared: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("bomb.json", member)
    data = bytearray(buffer.getvalue())
    struct.pack_into("<I", data, 22, declared)  # the local header's uncompressed size
    struct.pack_into("<I", data, data.find(b"PK\x01\x02") + 24, declared)  # the central directory's
    return bytes(data)


@pytest.mark.engine_independent
def test_zip_bombs_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a member whose header says it expands beyond the limit is refused before anything is inflated
    declared = _zip_with_declared_size(b"[]", sources.MAX_DECOMPRESSED_BYTES + 1)
    assert read(tmp_path, "a.zip", declared) == [Skipped("a.zip/bomb.json", "file too large after decompression")]
    monkeypatch.setattr(sources, "MAX_DECOMPRESSED_BYTES", 1 << 20)
    zeros = b" " * (8 << 20)  # 8 MiB of blanks deflate to a few KiB
    honest = _zip_with_declared_size(zeros, len(zeros))
    lying = _zip_with_declared_size(zeros, 100)  # inflating stops at the limit or at the lie, not at 8 MiB
    assert read(tmp_path, "b.zip", honest) == [Skipped("b.zip/bomb.json", "file too large after decompression")]
    assert [type(i) for i in read(tmp_path, "c.zip", lying)] == [Skipped]
    assert read(tmp_path, "d.json.gz", gzip.compress(zeros)) == [Skipped("d.json.gz",
                                                                         "file too large after decompression")]


NASTY_RECORDS = [
    {"id": "surrogate-id\udfff", "content": "نص فيه بديل وحيد \ud800", "source": "\udc80src", "url": "http://x/\ud83d"},
    {"id": "nul", "content": "نص\u0000فيه صفر", "title": "عنوان\u0000"},
    {"id": 10**30, "content": "رقم كبير جدا", "date": 1e308},
    {"id": "far-date", "content": "تاريخ بعيد", "date": "9999-12-31T23:59:59-14:00"},
    {"id": "early-date", "content": "تاريخ قديم", "date": "0001-01-01T00:00:00+01:00"},
    {"id": "numbers", "content": 12345, "title": float("nan"), "author": -0.0},
]


def test_nasty_records_are_indexed_and_found(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in NASTY_RECORDS), encoding="ascii")
    (folder / "huge.json").write_text('{"content": "x", "id": ' + "9" * 5000 + "}", encoding="ascii")
    with Index.create(tmp_path / "ix") as ix:
        report = index_paths(ix, [folder])
        assert report.added == len(NASTY_RECORDS)
        assert [s.where for s in report.skipped] == ["in/huge.json"]
        assert {h.id for h in search(ix, "بديل").hits} == {"surrogate-id\ufffd"}
        assert ix.get("surrogate-id\udfff") is not None  # looked up as it was written
        assert [h.id for h in search(ix, "صفر").hits] == ["nul"]
        assert [h.id for h in search(ix, "بعيد").hits] == ["far-date"]
        ix.delete(["surrogate-id\udfff"])
        assert ix.get("surrogate-id\ufffd") is None
