"""``arsearch index`` on a messy real-world folder: every bad file is skipped (or read correctly) with a reason
in the summary, and never stops the run."""

from __future__ import annotations

import builtins
import json
import os
import sys
from pathlib import Path

import pytest

from arsearch import Index, search
from arsearch.interfaces.cli import main
from helpers import Run, assert_one_line_error

ARABIC = "أعلنت وزارة الصحة في الرياض اليوم عن حملة تطعيم جديدة تشمل جميع المناطق"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def jsonl(*records: object) -> str:
    return "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records) + "\n"


def make_messy_folder(root: Path) -> Path:
    folder = root / "messy"
    folder.mkdir()
    (folder / "good.txt").write_text("عنوان جيد\n" + ARABIC + " سليم", encoding="utf-8")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / "latin1.txt").write_bytes("Ceci est un café très français, déjà vu.".encode("latin-1"))
    (folder / "windows.txt").write_bytes(("خبر قديم بترميز ويندوز\n" + ARABIC + " مشفر").encode("cp1256"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.md").write_text(" \n\t\n", encoding="utf-8")
    (folder / "huge.txt").write_text("سطر طويل " + "كلمة " * 1_100_000 + "الخاتمة", encoding="utf-8")
    (folder / "broken.json").write_text('[{"id": "b1", "content": "نص غير مكتمل', encoding="utf-8")
    (folder / "feed.jsonl").write_text(jsonl(
        {"id": "feed-1", "content": "الخبر الأول عن أسعار النفط"},
        '{"id": "feed-bad", "content": ',
        {"id": "feed-2", "content": "الخبر الثاني عن الأمطار"},
        {"id": "no-content", "title": "عنوان بلا نص"},
        {"id": "feed-dup", "content": "النسخة الأولى"},
        {"id": "feed-dup", "content": "النسخة الأخيرة"},
    ), encoding="utf-8")
    (folder / "loop").mkdir()
    (folder / "loop" / "back").symlink_to("..")
    return folder


@pytest.fixture(scope="module")
def messy_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object], str]:
    """The messy folder indexed once by the real CLI with --json: (index path, JSON summary, text summary)."""
    import subprocess

    from helpers import cli_command, cli_env

    root = tmp_path_factory.mktemp("messy")
    folder = make_messy_folder(root)
    unreadable = folder / "secret.txt"
    unreadable.write_text(ARABIC, encoding="utf-8")
    unreadable.chmod(0)
    index = root / "ix"
    first = subprocess.run(cli_command("index", folder, "--index", index, "--json"), env=cli_env(),
                           capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""
    again = subprocess.run(cli_command("index", folder, "--index", index), env=cli_env(), capture_output=True,
                           text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    return index, json.loads(first.stdout), again.stdout


def reasons(summary: dict[str, object]) -> dict[str, str]:
    return {s["where"]: s["reason"] for s in summary["skipped"]}  # type: ignore[attr-defined, index]


@pytest.mark.parametrize("where,reason", [
    ("messy/image.txt", "binary file"),
    ("messy/latin1.txt", "not valid UTF-8 or Windows-1256 text"),
    ("messy/empty.txt", "empty file"),
    ("messy/blank.md", "empty file"),
    ("messy/broken.json", "invalid JSON at line 1, column "),
    ("messy/feed.jsonl:2", "invalid JSON at column "),
    ("messy/feed.jsonl:4", "record has no content"),
    ("messy/loop/back", "symlink loop"),
])
def test_bad_file_is_skipped_with_its_reason(messy_run: tuple[Path, dict[str, object], str], where: str,
                                             reason: str) -> None:
    _, summary, text = messy_run
    assert reasons(summary)[where].startswith(reason)
    # reported again by the rerun, which did not reread the files: alone, or among the others of its reason
    assert f"skipped {where}: {reason}" in text or any(
        where in line and f"({reason}" in line for line in text.splitlines() if line.startswith("  skipped "))


@pytest.mark.skipif(IS_ROOT, reason="root can read any file (see the in-process test below)")
def test_unreadable_file_is_skipped(messy_run: tuple[Path, dict[str, object], str]) -> None:
    assert reasons(messy_run[1])["messy/secret.txt"] == "permission denied"


def test_good_input_is_all_indexed(messy_run: tuple[Path, dict[str, object], str]) -> None:
    index, summary, text = messy_run
    expected = {"messy/good.txt", "messy/windows.txt", "messy/huge.txt", "feed-1", "feed-2", "feed-dup"}
    if IS_ROOT:
        expected.add("messy/secret.txt")
    with Index.open(index) as ix:
        assert set(ix.stored_states()) == expected
    assert summary["added"] == len(expected)
    assert f"0 added, 0 updated, {len(expected)} unchanged" in text


def test_windows_1256_is_read_as_arabic_not_mojibake(messy_run: tuple[Path, dict[str, object], str]) -> None:
    with Index.open(messy_run[0]) as ix:
        doc = ix.get("messy/windows.txt")
        assert doc is not None
        assert doc["title"] == "خبر قديم بترميز ويندوز"
        assert doc["content"].endswith(ARABIC + " مشفر")
        assert [h.id for h in search(ix, "مشفر").hits] == ["messy/windows.txt"]


def test_jsonl_good_records_around_a_bad_line_are_indexed(messy_run: tuple[Path, dict[str, object], str]) -> None:
    with Index.open(messy_run[0]) as ix:
        assert [h.id for h in search(ix, "النفط").hits] == ["feed-1"]
        assert [h.id for h in search(ix, "الأمطار").hits] == ["feed-2"]


def test_duplicate_id_last_copy_wins_and_is_reported(messy_run: tuple[Path, dict[str, object], str]) -> None:
    index, summary, text = messy_run
    assert summary["duplicate_ids"] == ["feed-dup"]
    assert "1 duplicate ids in this run (the last copy wins), e.g. feed-dup" in text
    with Index.open(index) as ix:
        assert ix.get("feed-dup")["content"] == "النسخة الأخيرة"  # type: ignore[index]


def test_five_megabyte_single_line_file_is_indexed_whole(messy_run: tuple[Path, dict[str, object], str]) -> None:
    with Index.open(messy_run[0]) as ix:
        doc = ix.get("messy/huge.txt")
        assert doc is not None and len(doc["content"].encode("utf-8")) > 5_000_000
        assert [h.id for h in search(ix, "الخاتمة").hits] == ["messy/huge.txt"]  # the last word is indexed


def test_duplicate_id_across_files_is_stable_over_reruns(tmp_path: Path, arsearch: Run) -> None:
    (tmp_path / "a.jsonl").write_text(jsonl({"id": "x", "content": "نسخة الملف الأول"}), encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(jsonl({"id": "x", "content": "نسخة الملف الثاني"}), encoding="utf-8")
    index = tmp_path / "ix"
    for _ in range(3):
        run = arsearch("index", tmp_path / "a.jsonl", tmp_path / "b.jsonl", "--index", index, "--json")
        assert run.returncode == 0, run.stderr
        assert json.loads(run.stdout)["duplicate_ids"] == ["x"]
        with Index.open(index) as ix:
            assert ix.get("x")["content"] == "نسخة الملف الثاني"  # type: ignore[index]
            assert ix.document_count() == 1


def test_unreadable_file_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Works as root too: permission is denied by patching os.access and open for one file."""
    (tmp_path / "ok.txt").write_text(ARABIC, encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text(ARABIC, encoding="utf-8")
    real_access, real_open = os.access, builtins.open

    def access(path: object, mode: int, **kwargs: object) -> bool:
        return os.fspath(path) != str(secret) and real_access(path, mode, **kwargs)  # type: ignore[arg-type]

    def guarded_open(file: object, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if isinstance(file, (str, os.PathLike)) and os.fspath(file) == str(secret):
            raise PermissionError(13, "Permission denied", str(secret))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(builtins, "open", guarded_open)
    # the index folder is inside the folder indexed: its own files must not be read as input
    monkeypatch.setattr(sys, "argv", ["arsearch", "index", str(tmp_path), "--index", str(tmp_path / "ix"), "--json"])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["added"] == 1
    assert reasons(summary) == {f"{tmp_path.name}/secret.txt": "permission denied"}


@pytest.mark.parametrize("as_json", [False, True])
def test_nothing_indexable_is_exit_6_with_one_line(tmp_path: Path, arsearch: Run, as_json: bool) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "image.txt").write_bytes(b"\x00\x01\x02binary")
    (folder / "zero.jsonl").write_bytes(b"")
    run = arsearch("index", folder, "--index", tmp_path / "ix", *(["--json"] if as_json else []))
    assert run.returncode == 6
    if as_json:
        assert json.loads(run.stderr) == {"error": f"nothing could be indexed from {folder} (binary file)",
                                          "exit_code": 6}
        assert json.loads(run.stdout)["skipped"]  # the summary still says what was skipped and why
    else:
        assert_one_line_error(run.stderr, "nothing could be indexed from", "(binary file)")
        assert "skipped bad/image.txt: binary file" in run.stdout


def test_missing_path_is_exit_6(tmp_path: Path, arsearch: Run) -> None:
    run = arsearch("index", tmp_path / "nowhere", "--index", tmp_path / "ix")
    assert run.returncode == 6
    assert_one_line_error(run.stderr, "nothing could be indexed", "(does not exist)")
