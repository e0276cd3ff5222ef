"""What the command line says when a user slips: wildcards inside a word, options that would be ignored, a missing
engine (its own exit code, an install command that works where arsearch runs from), ids and URLs never reordered,
skipped files grouped by reason, --exclude, and "partial" only when the hits were cut."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from rich.console import Console

from helpers import ROOT, SEEDS, assert_one_line_error

from arsearch import Index
from arsearch.interfaces import exits, render
from arsearch.interfaces.cli import main
from arsearch.search import SearchResults

ARABIC_URL = "https://www.okaz.com.sa/news/الصحة-تفتتح-مستشفى"


def run_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str | Path
             ) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["arsearch", *map(str, args)])
    with pytest.raises(SystemExit) as exit_info:
        main()
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 0), out, err


@pytest.fixture
def index(tmp_path: Path) -> Path:
    path = tmp_path / "ix"
    with Index.create(path) as ix:
        ix.add([{"url": ARABIC_URL, "title": "وزارة الصحة تفتتح مستشفى", "content": "وزارة الصحة تفتتح مستشفى جديدا"},
                {"id": "b", "content": "الأمطار تهطل على الرياض"}])
    return path


@pytest.mark.parametrize("query", ["فلسط*", "*فلسطين", "فل*طين", "فلس?ين", "وزارة الصح*"])
def test_a_wildcard_inside_a_word_is_refused_like_a_lone_one(monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str], index: Path,
                                                             query: str) -> None:
    code, _, err = run_main(monkeypatch, capsys, "query", query, "--index", index)
    assert code == 2
    assert_one_line_error(err, "wildcards (* and ?) are not supported")


def test_a_question_mark_ending_a_question_is_punctuation(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str], index: Path) -> None:
    code, out, _ = run_main(monkeypatch, capsys, "query", "هل تفتتح الصحة مستشفى؟", "--index", index, "--json")
    assert code == 0 and json.loads(out)[0]["id"] == ARABIC_URL


@pytest.mark.parametrize("args, expected", [
    (["query", "الصحة", "--sort", "newest", "--index", "IX"],
     "error: Invalid value for '--sort': 'newest' is not one of 'relevance', 'date', 'recency'. (see arsearch query "
     "--help)"),
    (["query", "الصحة", "--bidi", "sideways"], "error: Invalid value for '--bidi' (env var: 'ARSEARCH_BIDI'): "
                                               "'sideways' is not one of 'auto', 'on', 'off'. (see arsearch query "
                                               "--help)"),
    (["analyze", "نص", "--stemmer", "porter"], "error: Invalid value for '--stemmer': 'porter' is not one of "
                                               "'light', 'none'. (see arsearch analyze --help)"),
])
def test_a_choice_not_listed_is_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                         index: Path, args: list[str], expected: str) -> None:
    code, _, err = run_main(monkeypatch, capsys, *[str(index) if a == "IX" else a for a in args])
    assert code == 2 and err.strip() == expected


@pytest.mark.parametrize("args, fragment", [
    (["query", "الصحة", "--envelope"], "--envelope shapes the JSON output: use it with --json"),
    (["similar", "b", "--envelope"], "--envelope shapes the JSON output: use it with --json"),
    (["query", "الصحة", "--batch", "TOPICS"], "--batch reads its queries from FILE"),
    (["query", "--batch", "TOPICS", "--facets"], "--facets does not apply"),
])
def test_options_that_would_be_ignored_are_refused(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str], index: Path, tmp_path: Path,
                                                  args: list[str], fragment: str) -> None:
    topics = tmp_path / "topics.tsv"
    topics.write_text("1\tالصحة\n", encoding="utf-8")
    code, out, err = run_main(monkeypatch, capsys, *[str(topics) if a == "TOPICS" else a for a in args],
                              "--index", index)
    assert code == 2 and out == ""
    assert_one_line_error(err, fragment)


def test_a_missing_engine_has_its_own_exit_code_and_an_install_command_that_works_here(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for name in [m for m in sys.modules if m == "tantivy" or m.startswith(("tantivy.", "arsearch.engine.tantivy"))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "tantivy", None)  # import tantivy raises ImportError
    monkeypatch.chdir(ROOT)
    code, _, err = run_main(monkeypatch, capsys, "index", SEEDS, "--index", tmp_path / "ix", "--engine", "tantivy")
    assert code == exits.EXIT_CODES[exits.EngineUnavailableError] == 7
    assert code not in {c for cls, c in exits.EXIT_CODES.items() if cls is not exits.EngineUnavailableError}
    assert_one_line_error(err, "the tantivy engine cannot be loaded", "pip install '.[fast]'")


def test_install_commands_for_a_checkout_and_for_an_installed_package(monkeypatch: pytest.MonkeyPatch,
                                                                      tmp_path: Path) -> None:
    monkeypatch.chdir(ROOT)
    assert exits.install_hint("fast") == "pip install '.[fast]'"
    monkeypatch.chdir(tmp_path)
    assert exits.install_hint("fast") == f"pip install '{ROOT}[fast]'"
    monkeypatch.setattr(exits, "source_checkout", lambda: None)  # as installed from a wheel
    hint = exits.install_hint("fast")
    assert hint.startswith("pip install 'tantivy") and "0.27" in hint  # the extra's own requirement
    assert exits.install_hint("no-such-extra") == "pip install 'arsearch[no-such-extra]'"


def test_ids_and_urls_are_never_reordered(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                          index: Path) -> None:
    code, out, _ = run_main(monkeypatch, capsys, "query", "الصحة", "--index", index, "--bidi", "on")
    assert code == 0
    assert ARABIC_URL in out  # as typed, so that it can be copied into `arsearch similar`
    assert "ةحصلا" in out or "ﺔﺤﺼﻟﺍ" in out  # the title and snippet are reordered (and shaped)
    code, out, _ = run_main(monkeypatch, capsys, "similar", ARABIC_URL, "--index", index, "--json")
    assert code == 0


def test_skipped_files_are_listed_by_reason(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for n in range(5):
        (folder / f"scan{n}.pdf").write_bytes(b"%PDF-1.4")
    for n in range(2):
        (folder / f"empty{n}.txt").write_text("", encoding="utf-8")
    (folder / "news.txt").write_text("وزارة الصحة تفتتح مستشفى", encoding="utf-8")
    code, out, _ = run_main(monkeypatch, capsys, "index", folder, "--index", tmp_path / "ix")
    assert code == 0
    lines = [line.strip() for line in out.splitlines()]
    assert "skipped 5 (unsupported file type): docs/scan0.pdf, docs/scan1.pdf, docs/scan2.pdf and 2 more" in lines
    assert "skipped 2 (empty file): docs/empty0.txt, docs/empty1.txt" in lines


def test_exclude_leaves_files_out_and_removes_what_they_indexed(monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str],
                                                               tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "UPSTREAM-README.md").write_text("هذا ملف يصف المجموعة", encoding="utf-8")
    (folder / "news.txt").write_text("وزارة الصحة تفتتح مستشفى", encoding="utf-8")
    ix = tmp_path / "ix"
    code, out, _ = run_main(monkeypatch, capsys, "index", folder, "--index", ix, "--json")
    assert code == 0 and json.loads(out)["added"] == 2
    code, out, _ = run_main(monkeypatch, capsys, "index", folder, "--index", ix, "--json", "--exclude", "*.md")
    assert code == 0 and json.loads(out)["removed"] == 1
    with Index.open(ix) as index:
        assert index.document_count() == 1


def _results(cuts: tuple[str, ...], skipped: tuple[str, ...]) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, highlight=False, markup=False)
    found = SearchResults("الصخة", [], 0, 1.0, frozenset(), cuts=cuts, skipped=skipped)
    old = render.out
    render.out = console
    try:
        render.results(found, as_json=False, envelope=False, bidi="off", collapsed=True)
    finally:
        render.out = old
    return buffer.getvalue()


def test_partial_only_when_the_hits_were_cut() -> None:
    only_suggestion = _results((), ("no did-you-mean: no time left",))
    assert "Partial answer" not in only_suggestion and "no did-you-mean: no time left" in only_suggestion
    cut = _results(("3 of 9 optional terms and phrases dropped, the commonest",), ())
    assert "Partial answer (the search reached its budget): 3 of 9 optional terms" in cut
