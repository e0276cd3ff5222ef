"""Finding input files and reading them into documents."""

from __future__ import annotations

import gzip
import json
import os
import random
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from helpers import CORPUS
from hypothesis import given
from hypothesis import strategies as st

from arsearch.ingest import sources
from arsearch.documents import Document
from arsearch.ingest.sources import (
    SUPPORTED_SUFFIXES,
    Skipped,
    SourceFile,
    decode_text,
    discover,
    read_documents,
)

pytestmark = pytest.mark.engine_independent


ARABIC = "أعلنت وزارة الصحة في الرياض اليوم عن حملة تطعيم جديدة تشمل جميع المناطق"
FRENCH = "Le président a déclaré que l'économie française était forte cette année."
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def jsonl(*records: object) -> str:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n"


def read_file(path: Path) -> list[Document | Skipped]:
    found, skipped = discover([path])
    assert skipped == []
    assert len(found) == 1
    return list(read_documents(found[0]))


def only_documents(items: list[Document | Skipped]) -> list[Document]:
    assert all(isinstance(item, Document) for item in items), items
    return [item for item in items if isinstance(item, Document)]


def read_record(tmp_path: Path, record: dict[str, object]) -> Document:
    (doc,) = only_documents(read_file(write(tmp_path / "r.json", json.dumps(record))))
    return doc


def test_supported_suffixes() -> None:
    plain = {".txt", ".md", ".json", ".jsonl", ".ndjson"}
    assert set(SUPPORTED_SUFFIXES) == plain | {s + ".gz" for s in plain} | {".zip"}


# --------------------------------------------------------------------------- formats

TWO_RECORDS = [{"id": "a1", "content": "نص أول"}, {"id": "a2", "content": "نص ثان"}]
TWO_RECORDS_IDS = [("a1", "نص أول"), ("a2", "نص ثان")]


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        pytest.param("a.txt", "عنوان الخبر\nنص الخبر", [("a.txt", "عنوان الخبر\nنص الخبر")], id="txt"),
        pytest.param("a.txt", b"\xef\xbb\xbf" + "عنوان\nنص".encode(), [("a.txt", "عنوان\nنص")], id="txt-bom"),
        pytest.param("a.txt", ARABIC.encode("cp1256"), [("a.txt", ARABIC)], id="txt-cp1256"),
        pytest.param("n.md", "# عنوان\n\nفقرة", [("n.md", "# عنوان\n\nفقرة")], id="md"),
        pytest.param("f.json", json.dumps(TWO_RECORDS), TWO_RECORDS_IDS, id="json-array"),
        pytest.param("f.json", json.dumps({"content": "وحيد"}), [("f.json#1", "وحيد")], id="json-object"),
        pytest.param("f.jsonl", jsonl(*TWO_RECORDS), TWO_RECORDS_IDS, id="jsonl"),
        pytest.param("f.ndjson", jsonl(*TWO_RECORDS), TWO_RECORDS_IDS, id="ndjson"),
        pytest.param("f.json.gz", gzip.compress(json.dumps(TWO_RECORDS).encode()), TWO_RECORDS_IDS, id="json-gz"),
        pytest.param("f.jsonl.gz", gzip.compress(jsonl(*TWO_RECORDS).encode()), TWO_RECORDS_IDS, id="jsonl-gz"),
        pytest.param("a.txt.gz", gzip.compress("سطر\nآخر".encode()), [("a.txt.gz", "سطر\nآخر")], id="txt-gz"),
        pytest.param("UPPER.TXT", "نص", [("UPPER.TXT", "نص")], id="suffix-case"),
    ],
)
def test_reads_each_format(tmp_path: Path, name: str, data: bytes | str, expected: list[tuple[str, str]]) -> None:
    path = write(tmp_path / name, data)
    docs = only_documents(read_file(path))
    assert [(d.id, d.content) for d in docs] == expected
    assert all(d.path == str(path) for d in docs)


def test_text_file_title_is_first_non_empty_line(tmp_path: Path) -> None:
    (doc,) = only_documents(read_file(write(tmp_path / "a.md", "\n  \n  العنوان هنا  \nالنص\n")))
    assert doc.title == "العنوان هنا"
    assert doc.content == "\n  \n  العنوان هنا  \nالنص\n"


@pytest.mark.parametrize(
    ("first_line", "expected"),
    [
        pytest.param("كلمة " * 10, ("كلمة " * 10).strip(), id="short"),
        pytest.param("x" * 120, "x" * 120, id="exactly-120"),
        pytest.param("x" * 200, "x" * 119 + "…", id="one-long-word"),
        pytest.param("abcd " * 40, ("abcd " * 24).strip() + "…", id="space-right-after-limit"),
        pytest.param("abcdef " * 30, ("abcdef " * 17).strip() + "…", id="cut-before-word"),
    ],
)
def test_title_is_shortened_at_a_word_boundary(tmp_path: Path, first_line: str, expected: str) -> None:
    (doc,) = only_documents(read_file(write(tmp_path / "a.txt", first_line + "\nbody")))
    assert doc.title == expected
    assert len(doc.title) <= 120


def test_five_megabyte_single_line_file(tmp_path: Path) -> None:
    line = "خبر عاجل من الرياض " * 150_000
    assert len(line.encode()) > 5_000_000
    (doc,) = only_documents(read_file(write(tmp_path / "big.txt", line)))
    assert doc.content == line
    assert doc.title.endswith("…") and len(doc.title) <= 120
    assert line.startswith(doc.title[:-1])


def test_zip_members(tmp_path: Path) -> None:
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("z.jsonl", jsonl({"content": "سطر"}, {"url": "http://u", "content": "ب"}))
        zf.writestr("a.json", json.dumps([{"content": "أ"}, {"title": "بلا نص"}]))
        zf.writestr("dir/", "")
        zf.writestr("dir/c.txt.gz", gzip.compress("نص مضغوط".encode()))
        zf.writestr(".hidden.json", json.dumps({"content": "مخفي"}))
        zf.writestr("__MACOSX/._a.json", b"\x00\x05")
        zf.writestr("notes.pdf", b"%PDF")
        zf.writestr("inner.zip", b"PK")
    items = read_file(archive)
    assert [(i.id, i.content) if isinstance(i, Document) else i for i in items] == [
        ("bundle.zip/a.json#1", "أ"),
        Skipped("bundle.zip/a.json#2", "record has no content"),
        ("bundle.zip/dir/c.txt.gz", "نص مضغوط"),
        ("bundle.zip/z.jsonl#1", "سطر"),
        ("http://u", "ب"),
    ]
    assert {i.path for i in items if isinstance(i, Document)} == {str(archive)}


# --------------------------------------------------------------------------- fields, ids and dates


@pytest.mark.parametrize(
    ("record", "content"),
    [
        pytest.param({"content": "c", "body": "b"}, "c", id="content-first"),
        pytest.param({"body": "b", "text": "t"}, "b", id="body"),
        pytest.param({"content": "  ", "text": "t"}, "t", id="blank-content-falls-back"),
        pytest.param({"contents": "cs"}, "cs", id="contents"),
        pytest.param({"content": " نص \n"}, " نص \n", id="content-kept-verbatim"),
        pytest.param({"content": 42}, "42", id="number-content"),
    ],
)
def test_content_aliases(tmp_path: Path, record: dict[str, object], content: str) -> None:
    assert read_record(tmp_path, record).content == content


def test_metadata_fields(tmp_path: Path) -> None:
    doc = read_record(
        tmp_path,
        {"id": 7, "title": " عنوان ", "content": "نص", "source": True, "url": "http://x",
         "author": None, "published": "2015-07-23"},
    )
    assert (doc.id, doc.title, doc.source, doc.url, doc.author) == ("7", "عنوان", "True", "http://x", "")
    assert doc.date == datetime(2015, 7, 23)


@pytest.mark.parametrize(
    ("name", "records", "ids"),
    [
        pytest.param("f.json", [{"id": "x", "url": "http://u", "content": "c"}], ["x"], id="id"),
        pytest.param("f.json", [{"id": "", "url": "http://u", "content": "c"}], ["http://u"], id="empty-id-uses-url"),
        pytest.param("f.json", [{"content": "a"}, {"url": "http://u", "content": "b"}, {"content": "c"}],
                     ["f.json#1", "http://u", "f.json#3"], id="position"),
        pytest.param("f.jsonl", [{"content": "a"}, {"id": None, "content": "b"}], ["f.jsonl#1", "f.jsonl#2"],
                     id="jsonl-line"),
    ],
)
def test_id_fallbacks(tmp_path: Path, name: str, records: list[dict[str, object]], ids: list[str]) -> None:
    data = json.dumps(records) if name.endswith(".json") else jsonl(*records)
    docs = only_documents(read_file(write(tmp_path / name, data)))
    assert [d.id for d in docs] == ids


def test_jsonl_default_id_counts_blank_lines(tmp_path: Path) -> None:
    docs = only_documents(read_file(write(tmp_path / "f.jsonl", '{"content": "a"}\n\n  \n{"content": "b"}\n')))
    assert [d.id for d in docs] == ["f.jsonl#1", "f.jsonl#4"]


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("date", "2015-07-23 19:28:17", datetime(2015, 7, 23, 19, 28, 17)),
        ("date", "2015-07-23T19:28:17", datetime(2015, 7, 23, 19, 28, 17)),
        ("date", "2015-07-23T19:28:17.5", datetime(2015, 7, 23, 19, 28, 17, 500_000)),
        # a zone never moves the time: the article's own clock dates it
        ("date", "2015-07-23T19:28:17.123456789Z", datetime(2015, 7, 23, 19, 28, 17, 123_456)),
        ("date", "2015-07-23T19:28:17Z", datetime(2015, 7, 23, 19, 28, 17)),
        ("date", "2015-07-23T22:28:17+03:00", datetime(2015, 7, 23, 22, 28, 17)),
        ("date", "2015-07-23T01:00:00-02:30", datetime(2015, 7, 23, 1, 0)),
        ("date", "2015-01-01T01:00:00+03:00", datetime(2015, 1, 1, 1, 0)),
        ("date", "2015-07-23", datetime(2015, 7, 23)),
        ("date", " 2015/07/23 ", datetime(2015, 7, 23)),
        ("date_extracted", "2015-07-23 19:28:17", datetime(2015, 7, 23, 19, 28, 17)),
        ("published", "2015-07-23", datetime(2015, 7, 23)),
        ("date", "23/07/2015", None),
        ("date", "2015-13-01", None),
        ("date", "2015-07-23T25:00:00", None),
        ("date", "٢٠١٥-٠٧-٢٣", None),
        ("date", "yesterday", None),
        ("date", "", None),
        ("date", 20150723, None),
    ],
)
def test_dates(tmp_path: Path, key: str, value: object, expected: datetime | None) -> None:
    doc = read_record(tmp_path, {"content": "نص", key: value})
    assert doc.date == expected
    assert doc.date is None or doc.date.tzinfo is None


# --------------------------------------------------------------------------- skipped content


def gzip_truncated() -> bytes:
    return gzip.compress(("نص " * 1000).encode())[:-20]


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        pytest.param("bin.txt", b"PK\x03\x04\x00\x00binary", [Skipped("bin.txt", "binary file")], id="binary"),
        pytest.param("fr.txt", FRENCH.encode("latin-1"),
                     [Skipped("fr.txt", "not valid UTF-8 or Windows-1256 text")], id="latin1-french"),
        pytest.param("e.txt", b"", [Skipped("e.txt", "empty file")], id="empty"),
        pytest.param("e.md", b" \n\t\r\n", [Skipped("e.md", "empty file")], id="whitespace"),
        pytest.param("e.json", b"\xef\xbb\xbf\n", [Skipped("e.json", "empty file")], id="bom-only"),
        pytest.param("e.txt.gz", gzip.compress(b""), [Skipped("e.txt.gz", "empty file")], id="empty-gz"),
        pytest.param("m.json", '[{"content": "x"},\n {"content": }]',
                     [Skipped("m.json", "invalid JSON at line 2, column 14: Expecting value")], id="malformed-json"),
        pytest.param("s.json", '"just a string"',
                     [Skipped("s.json", "JSON is neither an object nor an array of objects")], id="scalar-json"),
        pytest.param("a.json", "[]", [Skipped("a.json", "no records")], id="empty-array"),
        pytest.param("r.json", json.dumps([{"title": "t"}, {"content": " "}, 5, ["x"]]),
                     [Skipped("r.json#1", "record has no content"), Skipped("r.json#2", "record has no content"),
                      Skipped("r.json#3", "record is not a JSON object"),
                      Skipped("r.json#4", "record is not a JSON object")], id="bad-records"),
        pytest.param("o.json", json.dumps({"title": "t", "content": None}),
                     [Skipped("o.json#1", "record has no content")], id="object-without-content"),
    ],
)
def test_skipped_content(tmp_path: Path, name: str, data: bytes | str, expected: list[Skipped]) -> None:
    assert read_file(write(tmp_path / name, data)) == expected


@pytest.mark.parametrize(
    ("name", "data", "reason_start"),
    [
        pytest.param("g.json.gz", b"not gzip at all", "corrupt gzip file: ", id="not-gzip"),
        pytest.param("g.txt.gz", gzip_truncated(), "corrupt gzip file: ", id="truncated-gzip"),
        pytest.param("z.zip", b"PK\x03\x04 broken", "corrupt zip file: ", id="corrupt-zip"),
    ],
)
def test_corrupt_archives(tmp_path: Path, name: str, data: bytes, reason_start: str) -> None:
    (item,) = read_file(write(tmp_path / name, data))
    assert isinstance(item, Skipped)
    assert item.where == name
    assert item.reason.startswith(reason_start)


def test_jsonl_bad_line_between_good_ones(tmp_path: Path) -> None:
    data = '{"content": "أول"}\n{bad\n[1]\n{"title": "t"}\n{"content": "أخير"}\n'
    items = read_file(write(tmp_path / "f.jsonl", data))
    assert items[1:4] == [
        Skipped("f.jsonl:2", "invalid JSON at column 2: Expecting property name enclosed in double quotes"),
        Skipped("f.jsonl:3", "record is not a JSON object"),
        Skipped("f.jsonl:4", "record has no content"),
    ]
    assert [(d.id, d.content) for d in items if isinstance(d, Document)] == [("f.jsonl#1", "أول"), ("f.jsonl#5", "أخير")]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("big.txt.gz", gzip.compress(b"a" * 5000), "file too large after decompression"),
        ("big.txt", b"a" * 5000, "file too large"),
    ],
)
def test_size_guard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, data: bytes, reason: str) -> None:
    monkeypatch.setattr(sources, "MAX_DECOMPRESSED_BYTES", 4096)
    assert read_file(write(tmp_path / name, data)) == [Skipped(name, reason)]


def test_zip_member_size_guard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "b.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.txt", "a" * 5000)
        zf.writestr("small.txt", "نص")
    monkeypatch.setattr(sources, "MAX_DECOMPRESSED_BYTES", 4096)
    items = read_file(archive)
    assert items[0] == Skipped("b.zip/big.txt", "file too large after decompression")
    assert isinstance(items[1], Document) and items[1].id == "b.zip/small.txt"


def test_vanished_file_is_skipped(tmp_path: Path) -> None:
    source = SourceFile(tmp_path / "gone.txt", "gone.txt", 0, 0)
    assert list(read_documents(source)) == [Skipped("gone.txt", "does not exist")]


# --------------------------------------------------------------------------- decode_text


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(ARABIC.encode(), ARABIC, id="utf8"),
        pytest.param(b"\xef\xbb\xbf" + ARABIC.encode(), ARABIC, id="utf8-bom"),
        pytest.param(ARABIC.encode("cp1256"), ARABIC, id="cp1256"),
        pytest.param(("Reuters: " + ARABIC + " 2015").encode("cp1256"), "Reuters: " + ARABIC + " 2015",
                     id="cp1256-mixed"),
        pytest.param(FRENCH.encode("latin-1"), None, id="latin1-french"),
        pytest.param(("Reuters reported from Riyadh today, " + "الرياض").encode("cp1256"), None,
                     id="cp1256-mostly-latin"),
        pytest.param(bytes(b for b in random.Random(0).randbytes(4000) if b), None, id="random-bytes"),
        pytest.param(b"\x80\x85\x95", None, id="no-letters"),
    ],
)
def test_decode_text(data: bytes, expected: str | None) -> None:
    assert decode_text(data) == expected


@given(st.text())
def test_decode_text_round_trips_utf8(text: str) -> None:
    expected = text.removeprefix("\ufeff")
    assert decode_text(text.encode("utf-8")) == expected


# --------------------------------------------------------------------------- discover


def make_tree(root: Path) -> None:
    for name in ["b.txt", "a.json", "Z.jsonl", "sub/c.md", "sub/deep/d.txt.gz", ".hidden.txt",
                 ".git/x.txt", "notes.pdf", "sub/README"]:
        write(root / name, "x")


UNSUPPORTED = [Skipped("root/notes.pdf", "unsupported file type"), Skipped("root/sub/README", "unsupported file type")]


def test_discover_walks_sorted_ignores_hidden_and_lists_unsupported(tmp_path: Path) -> None:
    make_tree(tmp_path / "root")
    found, skipped = discover([tmp_path / "root"])
    assert [f.display for f in found] == [
        "root/Z.jsonl", "root/a.json", "root/b.txt", "root/sub/c.md", "root/sub/deep/d.txt.gz",
    ]
    assert skipped == UNSUPPORTED


@pytest.mark.parametrize("patterns, left_out", [
    (["*.md"], ["root/sub/c.md"]),
    (["sub"], ["root/sub/c.md", "root/sub/deep/d.txt.gz"]),
    (["root/sub/*"], ["root/sub/c.md", "root/sub/deep/d.txt.gz"]),
    (["*.json*", "b.txt"], ["root/Z.jsonl", "root/a.json", "root/b.txt"]),
    (["nothing*"], []),
])
def test_discover_leaves_out_what_exclude_matches(tmp_path: Path, patterns: list[str], left_out: list[str]) -> None:
    make_tree(tmp_path / "root")
    everything, _ = discover([tmp_path / "root"])
    found, _ = discover([tmp_path / "root"], exclude=patterns)
    assert [f.display for f in found] == [f.display for f in everything if f.display not in left_out]


def test_discover_source_file_fields(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "seeds" / "a.txt", "نص")
    monkeypatch.chdir(tmp_path)
    (in_folder,), _ = discover(["seeds/"])
    (direct,), _ = discover([Path("seeds") / "a.txt"])
    assert in_folder.display == "seeds/a.txt"
    assert direct.display == "a.txt"
    info = path.stat()
    for found in (in_folder, direct):
        assert found.path == path and found.path.is_absolute()
        assert (found.size, found.mtime_ns) == (info.st_size, info.st_mtime_ns)


def test_discover_named_arguments(tmp_path: Path) -> None:
    write(tmp_path / "paper.pdf", "x")
    write(tmp_path / ".hidden.txt", "x")
    missing = str(tmp_path / "missing")
    found, skipped = discover([tmp_path / "paper.pdf", missing, tmp_path / ".hidden.txt"])
    assert [f.display for f in found] == [".hidden.txt"]
    assert skipped == [Skipped(str(tmp_path / "paper.pdf"), "unsupported file type"),
                       Skipped(missing, "does not exist")]


def test_discover_reports_each_file_once(tmp_path: Path) -> None:
    make_tree(tmp_path / "root")
    (tmp_path / "root" / "sub" / "alias.txt").symlink_to(tmp_path / "root" / "b.txt")
    found, skipped = discover([tmp_path / "root", tmp_path / "root" / "b.txt", tmp_path / "root" / "sub"])
    displays = [f.display for f in found]
    assert len(displays) == len(set(displays)) == 5
    assert "root/sub/alias.txt" not in displays
    assert skipped == UNSUPPORTED


def test_discover_follows_symlinked_folders(tmp_path: Path) -> None:
    write(tmp_path / "elsewhere" / "x.txt", "x")
    write(tmp_path / "root" / "a.txt", "x")
    (tmp_path / "root" / "link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    found, skipped = discover([tmp_path / "root"])
    assert [f.display for f in found] == ["root/a.txt", "root/link/x.txt"]
    assert found[1].path == tmp_path / "root" / "link" / "x.txt"
    assert skipped == []


def test_discover_symlink_loop(tmp_path: Path) -> None:
    write(tmp_path / "root" / "sub" / "a.txt", "x")
    (tmp_path / "root" / "sub" / "back").symlink_to(tmp_path / "root", target_is_directory=True)
    (tmp_path / "root" / "self.txt").symlink_to(tmp_path / "root" / "self.txt")
    found, skipped = discover([tmp_path / "root", tmp_path / "root" / "sub"])
    assert [f.display for f in found] == ["root/sub/a.txt"]
    assert skipped == [Skipped("root/self.txt", "symlink loop"), Skipped("root/sub/back", "symlink loop")]


def test_discover_broken_symlink(tmp_path: Path) -> None:
    (tmp_path / "root").mkdir()
    dead = tmp_path / "root" / "dead.txt"
    dead.symlink_to(tmp_path / "nowhere.txt")
    found, skipped = discover([tmp_path / "root", dead])
    assert found == []
    assert skipped == [Skipped("root/dead.txt", "broken symlink"), Skipped(str(dead), "broken symlink")]


@pytest.mark.skipif(IS_ROOT, reason="root can read any file")
def test_discover_unreadable_file_and_folder(tmp_path: Path) -> None:
    secret = write(tmp_path / "root" / "secret.txt", "x")
    closed = tmp_path / "root" / "closed"
    write(closed / "inner.txt", "x")
    secret.chmod(0)
    closed.chmod(0)
    try:
        found, skipped = discover([tmp_path / "root"])
    finally:
        closed.chmod(0o755)
    assert found == []
    assert skipped == [Skipped("root/closed", "permission denied"), Skipped("root/secret.txt", "permission denied")]


def test_discover_permission_denied_as_reported_by_os_access(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "root" / "ok.txt", "x")
    write(tmp_path / "root" / "secret.txt", "x")
    write(tmp_path / "root" / "closed" / "inner.txt", "x")
    denied = {str(tmp_path / "root" / "secret.txt"), str(tmp_path / "root" / "closed")}
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: path not in denied and real_access(path, mode, **kw))
    found, skipped = discover([tmp_path / "root"])
    assert [f.display for f in found] == ["root/ok.txt"]
    assert skipped == [Skipped("root/closed", "permission denied"), Skipped("root/secret.txt", "permission denied")]


# --------------------------------------------------------------------------- real corpus


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="SaudiNewsNet corpus not present")
def test_reads_saudinewsnet_zip() -> None:
    archive = CORPUS / "2015-07-23.zip"
    found, skipped = discover([archive])
    assert skipped == []
    items = list(read_documents(found[0]))
    docs = [i for i in items if isinstance(i, Document)]
    assert len(docs) > 1000
    assert all(d.id == d.url and d.id.startswith("http") for d in docs)
    assert all(d.content.strip() and d.source and d.path == str(archive) for d in docs)
    assert all(d.date is not None and d.date.year == 2015 for d in docs)
    assert all(isinstance(i, Document) or i.reason == "record has no content" for i in items)
