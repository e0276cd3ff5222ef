"""Incremental indexing with ``arsearch.ingest.index_paths``: added, updated, unchanged, removed, kept."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from arsearch.index import Index
from arsearch.ingest import IngestReport, index_paths
from arsearch.search import search
from helpers import NEWS_IDS, NEWS_RECORDS


def write_json(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def touch_later(path: Path) -> None:
    """Move the mtime forward so a rewrite is never mistaken for the same file."""
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 5_000_000_000))


def rewrite(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    touch_later(path)


def ingest(index_dir: Path, *paths: Path, batch_size: int = 5000) -> IngestReport:
    """One ``arsearch index`` run: open (or create) the index, bring it up to date, close it."""
    with Index.open_or_create(index_dir) as ix:
        return index_paths(ix, list(paths), batch_size=batch_size)


def counts(report: IngestReport) -> tuple[int, int, int, int]:
    return report.added, report.updated, report.unchanged, report.removed


def doc_ids(index_dir: Path) -> set[str]:
    with Index.open(index_dir) as ix:
        return set(ix.stored_states())


def found(index_dir: Path, query: str) -> set[str]:
    with Index.open(index_dir) as ix:
        return {h.id for h in search(ix, query, limit=100).hits}


def stored(index_dir: Path, doc_id: str) -> dict[str, Any] | None:
    with Index.open(index_dir) as ix:
        return ix.get(doc_id)


@pytest.fixture
def ix_dir(tmp_path: Path) -> Path:
    return tmp_path / "index"


def test_first_run_adds_everything(ix_dir: Path, news_dir: Path) -> None:
    report = ingest(ix_dir, news_dir)
    assert counts(report) == (5, 0, 0, 0)
    assert report.files == 3
    assert report.skipped == [] and report.duplicate_ids == []
    assert report.indexed == 5
    assert doc_ids(ix_dir) == set(NEWS_IDS)
    assert (ix_dir / "arsearch-files.json").is_file()


def test_unchanged_run(ix_dir: Path, news_dir: Path) -> None:
    ingest(ix_dir, news_dir)
    report = ingest(ix_dir, news_dir)
    assert counts(report) == (0, 0, 5, 0)
    assert report.indexed == 5
    with Index.open(ix_dir) as ix:
        assert ix.stats().documents == 5


def test_unchanged_run_reads_fingerprints_when_manifest_is_lost(ix_dir: Path, news_dir: Path) -> None:
    ingest(ix_dir, news_dir)
    (ix_dir / "arsearch-files.json").unlink()
    assert counts(ingest(ix_dir, news_dir)) == (0, 0, 5, 0)


def test_changed_file_updates_and_old_content_is_gone(ix_dir: Path, news_dir: Path) -> None:
    ingest(ix_dir, news_dir)
    assert found(ix_dir, "المنتخب") == {"n3"}
    changed = [dict(NEWS_RECORDS[2], content="أعلن نادي الهلال عن تعاقده مع مدرب برتغالي جديد للموسم المقبل.",
                    title="الهلال يتعاقد مع مدرب"), NEWS_RECORDS[3]]
    rewrite(news_dir / "2016.json", json.dumps(changed, ensure_ascii=False))
    report = ingest(ix_dir, news_dir)
    assert counts(report) == (0, 1, 4, 0)
    assert found(ix_dir, "برتغالي") == {"n3"}
    assert found(ix_dir, "الهلال") == {"n3"}
    assert found(ix_dir, "منتخب") == set()
    assert found(ix_dir, '"مباراة ودية"') == set()
    assert stored(ix_dir, "n3")["title"] == "الهلال يتعاقد مع مدرب"  # type: ignore[index]
    assert doc_ids(ix_dir) == set(NEWS_IDS)


def test_touched_but_identical_file_is_unchanged(ix_dir: Path, news_dir: Path) -> None:
    ingest(ix_dir, news_dir)
    touch_later(news_dir / "2016.json")
    assert counts(ingest(ix_dir, news_dir)) == (0, 0, 5, 0)


def test_deleted_file_is_removed(ix_dir: Path, news_dir: Path) -> None:
    ingest(ix_dir, news_dir)
    (news_dir / "2015.jsonl").unlink()
    report = ingest(ix_dir, news_dir)
    assert counts(report) == (0, 0, 3, 2)
    assert doc_ids(ix_dir) == {"n3", "n4", "n5"}
    assert stored(ix_dir, "n1") is None
    assert found(ix_dir, "أمطار") == set()
    manifest = json.loads((ix_dir / "arsearch-files.json").read_text(encoding="utf-8"))["files"]
    assert str(news_dir / "2015.jsonl") not in manifest
    assert counts(ingest(ix_dir, news_dir)) == (0, 0, 3, 0)


def test_record_removed_from_file_is_removed(ix_dir: Path, news_dir: Path) -> None:
    ingest(ix_dir, news_dir)
    write_jsonl(news_dir / "2015.jsonl", NEWS_RECORDS[:1])
    touch_later(news_dir / "2015.jsonl")
    assert counts(ingest(ix_dir, news_dir)) == (0, 0, 4, 1)
    assert doc_ids(ix_dir) == {"n1", "n3", "n4", "n5"}


def test_added_file_is_added(ix_dir: Path, news_dir: Path) -> None:
    ingest(ix_dir, news_dir)
    write_json(news_dir / "extra" / "2018.json", {"id": "n6", "title": "معرض الكتاب",
                                                  "content": "افتتح معرض الرياض الدولي للكتاب أبوابه للزوار."})
    report = ingest(ix_dir, news_dir)
    assert counts(report) == (1, 0, 5, 0)
    assert report.files == 4
    assert found(ix_dir, "معرض") == {"n6"}


def test_duplicate_ids_in_one_run_last_wins(ix_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "dup"
    write_jsonl(folder / "a.jsonl", [
        {"id": "X", "title": "النسخة الأولى", "content": "نص قديم عن الزراعة"},
        {"id": "Y", "content": "خبر آخر عن الاقتصاد"},
        {"id": "X", "title": "النسخة الأخيرة", "content": "نص جديد عن الصناعة"},
    ])
    report = ingest(ix_dir, folder)
    assert report.duplicate_ids == ["X"]
    assert doc_ids(ix_dir) == {"X", "Y"}
    assert stored(ix_dir, "X")["title"] == "النسخة الأخيرة"  # type: ignore[index]
    assert found(ix_dir, "الصناعة") == {"X"}
    assert found(ix_dir, "الزراعة") == set()


def test_duplicate_ids_across_files_last_file_wins(ix_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "dup"
    write_json(folder / "a.json", {"id": "X", "title": "من الملف الأول", "content": "نص الملف الأول"})
    write_json(folder / "b.json", {"id": "X", "title": "من الملف الثاني", "content": "نص الملف الثاني"})
    report = ingest(ix_dir, folder)
    assert report.duplicate_ids == ["X"]
    assert doc_ids(ix_dir) == {"X"}
    assert stored(ix_dir, "X")["title"] == "من الملف الثاني"  # type: ignore[index]


def test_duplicate_ids_are_counted_once(ix_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "dup"
    write_jsonl(folder / "a.jsonl", [{"id": "X", "content": "واحد"}, {"id": "X", "content": "اثنان"}])
    report = ingest(ix_dir, folder)
    assert report.added == 1
    assert doc_ids(ix_dir) == {"X"}


def test_duplicate_ids_across_files_rerun_is_stable(ix_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "dup"
    write_json(folder / "a.json", {"id": "X", "title": "من الملف الأول", "content": "نص الملف الأول"})
    write_json(folder / "b.json", {"id": "X", "title": "من الملف الثاني", "content": "نص الملف الثاني"})
    ingest(ix_dir, folder)
    report = ingest(ix_dir, folder)  # nothing changed on disk
    assert report.updated == 0
    assert stored(ix_dir, "X")["title"] == "من الملف الثاني"  # type: ignore[index]


@pytest.mark.parametrize("broken", ["{not json", '[{"id": "n3", "content": ', "", "   \n"],
                         ids=["syntax", "truncated", "empty", "blank"])
def test_unreadable_file_keeps_previous_documents(ix_dir: Path, news_dir: Path, broken: str) -> None:
    ingest(ix_dir, news_dir)
    rewrite(news_dir / "2016.json", broken)
    report = ingest(ix_dir, news_dir)
    assert report.removed == 0
    assert [s.where for s in report.skipped] == ["news/2016.json"]
    assert doc_ids(ix_dir) == set(NEWS_IDS)
    assert found(ix_dir, "المنتخب") == {"n3"}
    assert counts(ingest(ix_dir, news_dir))[3] == 0  # still kept on the next run


def test_malformed_json_reason_and_recovery(ix_dir: Path, news_dir: Path) -> None:
    ingest(ix_dir, news_dir)
    rewrite(news_dir / "2016.json", "{not json")
    report = ingest(ix_dir, news_dir)
    assert report.skipped[0].reason.startswith("invalid JSON at line 1, column 2")
    rewrite(news_dir / "2016.json", json.dumps(NEWS_RECORDS[2:4], ensure_ascii=False))
    report = ingest(ix_dir, news_dir)
    assert counts(report) == (0, 0, 5, 0)
    assert report.skipped == []


def test_second_folder_does_not_remove_first(ix_dir: Path, news_dir: Path, tmp_path: Path) -> None:
    ingest(ix_dir, news_dir)
    other = tmp_path / "other"
    write_json(other / "more.json", [{"id": "o1", "content": "خبر من مجلد آخر عن الطقس"}])
    report = ingest(ix_dir, other)
    assert counts(report) == (1, 0, 0, 0)
    assert doc_ids(ix_dir) == set(NEWS_IDS) | {"o1"}
    report = ingest(ix_dir, news_dir)
    assert counts(report) == (0, 0, 5, 0)
    assert doc_ids(ix_dir) == set(NEWS_IDS) | {"o1"}


def test_folder_whose_name_extends_another_is_separate(ix_dir: Path, tmp_path: Path) -> None:
    write_json(tmp_path / "news" / "a.json", {"id": "a", "content": "أول"})
    write_json(tmp_path / "news2" / "b.json", {"id": "b", "content": "ثاني"})
    ingest(ix_dir, tmp_path / "news")
    ingest(ix_dir, tmp_path / "news2")
    (tmp_path / "news2" / "b.json").unlink()
    report = ingest(ix_dir, tmp_path / "news2")
    assert report.removed == 1
    assert doc_ids(ix_dir) == {"a"}


def test_same_named_folders_share_ids_and_the_collision_is_reported(ix_dir: Path, tmp_path: Path) -> None:
    """Path ids are relative to the parent of the folder given (stable whatever the current directory), so two
    folders that are both called news/ give the same id: the last indexed copy wins and the report says so."""
    for owner in ("alice", "bob"):
        (tmp_path / owner / "news").mkdir(parents=True)
        (tmp_path / owner / "news" / "x.txt").write_text(f"خبر كتبه {owner} عن الطقس", encoding="utf-8")
    assert ingest(ix_dir, tmp_path / "alice" / "news").duplicate_ids == []
    report = ingest(ix_dir, tmp_path / "bob" / "news")
    assert report.duplicate_ids == ["news/x.txt"]
    with Index.open(ix_dir) as ix:
        assert ix.document_count() == 1
        assert "bob" in ix.get("news/x.txt")["content"]  # type: ignore[index]


@pytest.mark.parametrize("batch_size", [1, 2, 3, 5000])
def test_batch_size_does_not_change_counts(ix_dir: Path, tmp_path: Path, batch_size: int) -> None:
    folder = tmp_path / "many"
    for f in range(5):
        write_jsonl(folder / f"part{f}.jsonl",
                    [{"id": f"d{f}-{r}", "content": f"خبر رقم {f} {r} عن الرياض"} for r in range(3)])
    report = ingest(ix_dir, folder, batch_size=batch_size)
    assert counts(report) == (15, 0, 0, 0)
    with Index.open(ix_dir) as ix:
        assert ix.document_count() == 15
        assert ix.stats().deleted == 0
        assert len(search(ix, "الرياض", limit=100).hits) == 15
    assert len(doc_ids(ix_dir)) == 15
    assert counts(ingest(ix_dir, folder, batch_size=batch_size)) == (0, 0, 15, 0)
    rewrite(folder / "part1.jsonl", "".join(
        json.dumps({"id": f"d1-{r}", "content": f"خبر معدل {r} عن جدة"}, ensure_ascii=False) + "\n"
        for r in range(3)))
    (folder / "part3.jsonl").unlink()
    assert counts(ingest(ix_dir, folder, batch_size=batch_size)) == (0, 3, 9, 3)
    with Index.open(ix_dir) as ix:
        assert ix.document_count() == 12
        assert {h.id for h in search(ix, "جدة", limit=100).hits} == {"d1-0", "d1-1", "d1-2"}


def test_same_index_object_can_run_twice(ix_dir: Path, news_dir: Path) -> None:
    """An index created empty and filled in the same process (the searcher must be reopened)."""
    with Index.create(ix_dir) as ix:
        assert counts(index_paths(ix, [news_dir])) == (5, 0, 0, 0)
        assert counts(index_paths(ix, [news_dir])) == (0, 0, 5, 0)
        assert ix.document_count() == 5


def test_single_file_argument(ix_dir: Path, news_dir: Path) -> None:
    report = ingest(ix_dir, news_dir / "2017.json")
    assert counts(report) == (1, 0, 0, 0)
    assert doc_ids(ix_dir) == {"n5"}
    report = ingest(ix_dir, news_dir)
    assert counts(report) == (4, 0, 1, 0)


def test_progress_callback(ix_dir: Path, news_dir: Path) -> None:
    seen = []
    with Index.open_or_create(ix_dir) as ix:
        index_paths(ix, [news_dir], progress=seen.append)
    reading = [p for p in seen if p.phase == "reading"]
    assert [p.files_done for p in reading] == [1, 2, 3]
    assert [p.phase for p in seen[len(reading):]] == ["committing"]  # one commit at the end
    assert all(p.files_total == 3 for p in seen)
    assert seen[-1].bytes_done == seen[-1].bytes_total == sum(f.stat().st_size for f in news_dir.iterdir())
    assert seen[-1].documents == 5


def test_a_run_that_defers_writing_the_manifest_writes_it_at_its_end(ix_dir: Path, news_dir: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from arsearch.ingest import run

    writes: list[int] = []
    real = run.write_json_atomically
    monkeypatch.setattr(run, "MANIFEST_WRITE_SHARE", 10**9)  # after the first write, none until the end
    monkeypatch.setattr(run, "write_json_atomically",
                        lambda path, data, **kw: (writes.append(len(data["files"])), real(path, data, **kw)))
    ingest(ix_dir, news_dir, batch_size=1)
    assert len(writes) == 2 and writes[-1] == 3  # the first batch's commit, then the end of the run
    manifest = json.loads((ix_dir / "arsearch-files.json").read_text(encoding="utf-8"))["files"]
    assert len(manifest) == 3
    monkeypatch.setattr(run, "write_json_atomically", real)
    assert counts(ingest(ix_dir, news_dir)) == (0, 0, 5, 0)
