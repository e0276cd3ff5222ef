"""Bad queries and arguments: a one-line message (JSON on stderr with --json) and the documented exit code, or
a sensible result; never a traceback.  Runs ``arsearch.interfaces.cli.main`` (the console script) in-process, plus a few
cases through a real subprocess."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arsearch import Index, search
from arsearch.interfaces.cli import main
from arsearch.errors import QueryError
from helpers import Run, SEEDS, assert_one_line_error

DOCS = [
    {"id": "d1", "title": "قصف قاعدة كونيكو", "content": "قصفت فصائل مسلحة قاعدة حقل كونيكو في دير الزور.",
     "date": "2015-07-21", "source": "spa"},
    {"id": "d2", "title": "وزارة الصحة", "content": "أعلنت وزارة الصحة عن حملة تطعيم في الرياض.",
     "date": "2015-08-01", "source": "okaz"},
]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "ix"
    with Index.create(path) as ix:
        ix.add(DOCS)
    return path


def run_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
             *args: str | Path) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of the ``arsearch`` entry point; an escaping exception fails the test."""
    monkeypatch.setattr(sys, "argv", ["arsearch", *map(str, args)])
    with pytest.raises(SystemExit) as exit_info:
        main()
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 0), out, err


def damaged(index_dir: Path, tmp_path: Path, how: str) -> Path:
    copy = tmp_path / "copy"
    shutil.copytree(index_dir, copy)
    meta_path = copy / "arsearch.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if how == "analyzer":
        meta["analyzer"]["version"] = 999
    elif how == "format":
        meta["format"] = 99
    elif how == "stemmer":
        meta["analyzer"]["stemmer"] = "snowball"
    elif how == "extra setting":
        meta["analyzer"]["stopwords"] = "custom.txt"
    if how == "garbage":
        meta_path.write_text("{not json", encoding="utf-8")
    elif how == "toc":
        (toc,) = copy.glob("_MAIN_*.toc")
        toc.write_bytes(toc.read_bytes()[:20])
    elif how == "segment":
        for segment in copy.glob("MAIN_*"):
            if segment.name != "MAIN_WRITELOCK":
                segment.unlink()
    else:
        meta_path.write_text(json.dumps(meta), encoding="utf-8")
    return copy


# (id, arguments after the index option, exit code, fragment of the message)
ERRORS = [
    ("empty query", ["query", ""], 2, "empty query"),
    ("blank query", ["query", " \t "], 2, "empty query"),
    ("no query", ["query"], 2, "empty query"),
    ("lone star", ["query", "*"], 2, "wildcards (* and ?) are not supported"),
    ("lone question mark", ["query", "?"], 2, "wildcards (* and ?) are not supported"),
    ("unknown field", ["query", "foo:bar"], 2, "unknown field 'foo': use one of title, content"),
    ("only an exclusion", ["query", "--", "-قصف"], 2, "nothing to search for"),
    ("query read as an option", ["query", "-قصف"], 2, "to search for '-قصف', put -- before it"),
    ("20,000 distinct words", ["query", " ".join(f"كلمة{n}" for n in range(2300))[:20_000]], 2,
     "query too long ("),
    ("invalid --since", ["query", "قصف", "--since", "2015-13-01"], 2, "invalid date '2015-13-01' for --since"),
    ("word as --until", ["query", "قصف", "--until", "yesterday"], 2, "invalid date 'yesterday' for --until"),
    ("--limit 0", ["query", "قصف", "--limit", "0"], 2, "Invalid value for '--limit'"),
    ("unknown option", ["query", "قصف", "--frobnicate"], 2, "No such option: --frobnicate"),
    ("unknown --bidi", ["query", "قصف", "--bidi", "sideways"], 2, "'sideways' is not one of 'auto', 'on', 'off'"),
    ("--batch file missing", ["query", "--batch", "/nonexistent/topics.tsv"], 1, "No such file or directory"),
    ("--batch file not UTF-8", ["query", "--batch", "LATIN1"], 2, "is not UTF-8 text (byte 5): save it as UTF-8"),
    ("stemmer of another index", ["index", "SEEDS", "--stemmer", "none"], 4, "uses stemmer 'light'"),
    ("unknown stemmer", ["index", "SEEDS", "--stemmer", "snowball"], 2, "'snowball' is not one of 'light', 'none'"),
    ("--batch-size 0", ["index", "SEEDS", "--batch-size", "0"], 2, "Invalid value for '--batch-size'"),
    ("negative --wait", ["index", "SEEDS", "--wait", "-1"], 2, "Invalid value for '--wait'"),
]


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize("args,code,fragment", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_bad_query_or_argument(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                               tmp_path: Path, index_dir: Path, args: list[str], code: int, fragment: str,
                               as_json: bool) -> None:
    index = tmp_path / "ix"
    shutil.copytree(index_dir, index)  # "index SEEDS" must not change the shared index
    (tmp_path / "topics.tsv").write_bytes("1\tcafé\n".encode("latin-1"))
    args = [{"SEEDS": str(SEEDS), "LATIN1": str(tmp_path / "topics.tsv")}.get(a, a) for a in args]
    options = ["--index", str(index), *(["--json"] if as_json else [])]
    exit_code, out, err = run_main(monkeypatch, capsys, args[0], *options, *args[1:])
    assert exit_code == code
    if as_json:
        assert json.loads(err)["exit_code"] == code
        assert fragment in json.loads(err)["error"]
        assert len(err.strip().splitlines()) == 1
    else:
        assert_one_line_error(err, fragment)


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize("command", [["query", "قصف"], ["stats"], ["index", str(SEEDS)]])
@pytest.mark.parametrize("how,code,fragment", [
    ("missing folder", 3, "no index at"),
    ("not an index", 3, "is not an arsearch index"),
    ("a file", 3, "is a file, not an index folder"),
    ("analyzer", 4, "uses analyzer version"),
    ("stemmer", 4, "rebuild it with `arsearch index --rebuild`"),
    ("format", 4, "has format 99, newer than this arsearch supports (4): upgrade arsearch"),
    ("garbage", 4, "arsearch.json is damaged"),
    ("toc", 4, "it is damaged ("),
    ("segment", 4, "it is damaged ("),
    ("extra setting", 4, "uses analyzer version"),
])
def test_bad_index_folder(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path,
                          index_dir: Path, command: list[str], how: str, code: int, fragment: str,
                          as_json: bool) -> None:
    if how == "missing folder":
        target = tmp_path / "nowhere"
    elif how == "not an index":
        target = tmp_path / "folder"
        target.mkdir()
        (target / "notes.txt").write_text("x", encoding="utf-8")
    elif how == "a file":
        target = tmp_path / "file.txt"
        target.write_text("x", encoding="utf-8")
    else:
        target = damaged(index_dir, tmp_path, how)
    if command[0] == "index" and how in ("missing folder", "not an index"):
        code, fragment = 0, ""  # indexing into a new or empty-of-index folder creates the index there
    exit_code, out, err = run_main(monkeypatch, capsys, *command, "--index", target,
                                   *(["--json"] if as_json else []))
    assert exit_code == code, err
    if code == 0:
        assert err == ""
        assert Index.exists(target)
    elif as_json:
        assert json.loads(err) == {"error": json.loads(err)["error"], "exit_code": code}
        assert fragment in json.loads(err)["error"]
    else:
        assert_one_line_error(err, fragment)


@pytest.mark.parametrize("query,expected", [
    ("في من على", ["d1", "d2"]),  # only stopwords: searched for anyway
    ('"دير الزور', ["d1"]),  # unbalanced quote: the phrase runs to the end
    ("(قصف OR (وزارة", ["d1", "d2"]),  # unbalanced parentheses are closed
    ("قصف)) -- ++ \" AND OR", ["d1"]),  # stray operators are ignored
    ("(" * 10_000 + "قصف", ["d1"]),  # nesting beyond 32 levels is ignored, no RecursionError
    ("title: " * 3_000 + "قصف", ["d1"]),  # 21,000 characters of field prefixes
    ("قصف قاعدة " * 2_000, ["d1"]),  # 20,000 characters of repeated words
    ("ليس موجودا", []),  # a sensible empty result
])
def test_odd_queries_give_sensible_results(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                           index_dir: Path, query: str, expected: list[str]) -> None:
    exit_code, out, err = run_main(monkeypatch, capsys, "query", query, "--index", index_dir, "--json")
    assert (exit_code, err) == (0, "")
    assert sorted(hit["id"] for hit in json.loads(out)) == expected


def test_errors_through_a_real_process(tmp_path: Path, index_dir: Path, arsearch: Run) -> None:
    """The console entry point as a process: exit codes and one-line stderr, JSON with --json."""
    run = arsearch("query", "قصف", "--index", tmp_path / "nowhere")
    assert run.returncode == 3
    assert_one_line_error(run.stderr, f"no index at {tmp_path / 'nowhere'}")
    run = arsearch("query", "قصف", "--index", index_dir, "--since", "2015-02-30", "--json")
    assert run.returncode == 2
    assert json.loads(run.stderr) == {"error": "invalid date '2015-02-30' for --since: use YYYY-MM-DD, YYYY-MM or "
                                               "YYYY", "exit_code": 2}
    assert run.stdout == ""
    run = arsearch("query", "--limit", "many", "--index", index_dir)
    assert run.returncode == 2
    assert_one_line_error(run.stderr, "Invalid value for '--limit'", "(see arsearch query --help)")
    run = arsearch("query", "-", "--index", index_dir, "--json")
    assert run.returncode == 2
    assert json.loads(run.stderr)["exit_code"] == 2


_QUERY_PIECES = st.one_of(
    st.sampled_from(["(", ")", '"', "“", "”", "«", "»", "-", "+", "*", "?", ":", " ", "OR", "AND", "NOT",
                     "title:", "source:", "id:", "foo:", "قصف", "في", "من", "دير", "الزور", "كونيكو", "2015"]),
    st.characters(),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=st.lists(_QUERY_PIECES, max_size=30).map(" ".join) | st.lists(_QUERY_PIECES, max_size=30).map("".join))
def test_any_query_gives_hits_or_a_query_error(index_dir: Path, query: str) -> None:
    """Whatever the text, search returns hits (ranked, each once) or raises QueryError (exit code 2)."""
    with Index.open(index_dir) as ix:
        try:
            results = search(ix, query, limit=5)
        except QueryError as exc:
            assert str(exc) and "\n" not in str(exc)
            return
    ids = [hit.id for hit in results.hits]
    assert len(ids) == len(set(ids)) and set(ids) <= {"d1", "d2"}
    assert [hit.rank for hit in results.hits] == list(range(1, len(ids) + 1))
