"""End-to-end tests of the ``arsearch`` command line (typer's CliRunner on ``arsearch.interfaces.cli.app``)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from rich.text import Text
from typer.testing import CliRunner, Result

from arsearch.interfaces import render
from arsearch.analysis import Analyzer
from arsearch.interfaces.cli import app
from arsearch.index import INDEX_FORMAT
from arsearch.interfaces.terminal import HIGHLIGHT
from helpers import NEWS_IDS, SEED_FACTIONS, SEED_RESISTANCE

runner = CliRunner()
BOTH_SEEDS = {SEED_FACTIONS, SEED_RESISTANCE}
ANALYZER = Analyzer()
HIT_KEYS = {"id", "title", "score", "snippet", "date", "source", "url", "path"}
TREC_LINE = re.compile(r"^(\S+) Q0 (\S+) (\d+) (-?\d+\.\d{4}) arsearch$")


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No index from the environment or the current folder leaks into a test."""
    monkeypatch.delenv("ARSEARCH_INDEX", raising=False)
    monkeypatch.delenv("ARSEARCH_BIDI", raising=False)
    monkeypatch.delenv("ARSEARCH_DEBUG", raising=False)
    monkeypatch.chdir(tmp_path)


def run(*args: str | Path, **kwargs: Any) -> Result:
    return runner.invoke(app, [str(a) for a in args], **kwargs)


def query_json(index: Path, *args: str) -> list[dict[str, Any]]:
    result = run("query", *args, "--index", index, "--json")
    assert result.exit_code == 0, result.stderr
    hits = json.loads(result.stdout)
    assert isinstance(hits, list)
    return hits


def ids_of(hits: list[dict[str, Any]]) -> set[str]:
    return {h["id"] for h in hits}


def one_line_error(result: Result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def terms(text: str) -> set[str]:
    return {t.term for t in ANALYZER.tokens(text)}


# --------------------------------------------------------------------------- index + query on seeds/


@pytest.fixture
def cli_seed_index(tmp_path: Path, seeds_dir: Path) -> Path:
    """An index of seeds/ built with ``arsearch index``."""
    index = tmp_path / "ix"
    result = run("index", seeds_dir, "--index", index)
    assert result.exit_code == 0, result.output
    assert "2 added, 0 updated, 0 unchanged, 0 removed, 0 skipped" in result.stdout
    return index


def test_index_then_query_returns_both_seed_articles(cli_seed_index: Path) -> None:
    hits = query_json(cli_seed_index, "كونيكو")
    assert ids_of(hits) == BOTH_SEEDS
    assert [h["rank"] for h in hits] == [1, 2]
    assert hits[0]["score"] >= hits[1]["score"] > 0


def test_json_highlights_slice_snippet_to_the_query_word(cli_seed_index: Path) -> None:
    hits = query_json(cli_seed_index, "كونيكو")
    for hit in hits:
        assert hit["highlights"], hit
        for start, end in hit["highlights"]:
            assert hit["snippet"][start:end] == "كونيكو"


def test_query_hit_json_shape(cli_seed_index: Path) -> None:
    hits = query_json(cli_seed_index, "كونيكو")
    assert len(hits) == 2
    for hit in hits:
        assert HIT_KEYS <= set(hit)
        assert isinstance(hit["id"], str) and isinstance(hit["title"], str)
        assert isinstance(hit["score"], float)
        assert isinstance(hit["snippet"], str) and hit["snippet"]
        assert "\x1b" not in hit["snippet"] and "[bold" not in hit["snippet"] and "<mark>" not in hit["snippet"]
        assert "\n" not in hit["snippet"]
        assert hit["date"] is None and hit["source"] == "" and hit["url"] == ""
        assert Path(hit["path"]).name == Path(hit["id"]).name
        assert Path(hit["path"]).is_absolute()
        assert all(isinstance(span, list) and len(span) == 2 for span in hit["highlights"])
    by_id = {h["id"]: h for h in hits}
    assert by_id[SEED_FACTIONS]["title"].startswith("قصفت فصائل عراقية مسلحة")
    assert by_id[SEED_RESISTANCE]["title"].startswith("أعلنت “المقاومة الإسلامية في العراق”")


def _styled(console_kwargs: dict[str, Any], text: str, style: str) -> str:
    """How ``console_kwargs``'s console writes ``text`` in ``style`` (the escape codes around it)."""
    buffer = io.StringIO()
    Console(file=buffer, **console_kwargs).print(Text(text, style=style), end="")
    return buffer.getvalue()


def test_rich_output_wraps_query_word_in_ansi_style(cli_seed_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    options: dict[str, Any] = {"force_terminal": True, "color_system": "standard", "width": 200}
    buffer = io.StringIO()
    monkeypatch.setattr(render, "out", Console(file=buffer, **options))
    result = run("query", "كونيكو", "--index", cli_seed_index, "--bidi", "off")
    assert result.exit_code == 0, result.stderr
    text = buffer.getvalue()
    marked = _styled(options, "كونيكو", HIGHLIGHT)
    assert marked.startswith("\x1b[") and marked != "كونيكو"
    assert text.count(marked) == 5  # both titles, twice in the first snippet, once in the second
    assert "bold" not in text  # styles are rendered as escape codes, not left as markup
    assert _styled(options, "قاعدة", HIGHLIGHT) not in text
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    assert SEED_FACTIONS in plain and SEED_RESISTANCE in plain
    assert "2 hits (showing 1–2) for كونيكو" in plain


def test_plain_output_without_terminal_has_no_escape_codes(cli_seed_index: Path) -> None:
    result = run("query", "كونيكو", "--index", cli_seed_index)
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout
    assert result.stdout.count("كونيكو") >= 4
    assert "2 hits (showing 1–2) for كونيكو" in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("variants, expected", [
    # both: the other seed writes أميركية, a spelling the analyzer joins with أمريكية (issue 14)
    (["الأمريكية", "الامريكيه", "الأمريكيّة", "الأمريـــكية", "الأَمْرِيكِيَّة", "الامريكية"], BOTH_SEEDS),
    (["إيران", "ايران", "أيران", "إيـران", "إِيرَان"], BOTH_SEEDS),
    (["العظمى", "العظمي", "العُظْمَى"], {SEED_FACTIONS}),
    (["مُدانة", "مدانة", "مدانه", "مـدانـة"], {SEED_FACTIONS}),
    (["المسيّرات", "المسيرات", "المسيّـرات"], {SEED_RESISTANCE}),
], ids=["hamza-teh-marbuta-shadda-tatweel", "hamza-below-above", "alef-maqsura", "diacritics", "shadda"])
def test_spelling_variants_find_the_same_documents(cli_seed_index: Path, variants: list[str],
                                                   expected: set[str]) -> None:
    for word in variants:
        hits = query_json(cli_seed_index, word)
        assert ids_of(hits) == expected, word
        # the surface highlighted is the document's spelling, whatever the query spelling
        for hit in hits:
            for start, end in hit["highlights"]:
                assert terms(hit["snippet"][start:end]) <= terms(word)


def test_query_highlights_prefixed_form_in_snippet(cli_seed_index: Path) -> None:
    hits = query_json(cli_seed_index, "الصواريخ")
    assert ids_of(hits) == BOTH_SEEDS
    surfaces = [h["snippet"][s:e] for h in hits for s, e in h["highlights"]]
    assert "بالصواريخ" in surfaces
    assert set(surfaces) <= {"الصواريخ", "بالصواريخ"}


@pytest.mark.parametrize("query, expected", [
    ('"دير الزور"', BOTH_SEEDS),
    ("“دير الزور”", BOTH_SEEDS),
    ("«دير الزور»", BOTH_SEEDS),
    ('"قاعدة حقل"', {SEED_FACTIONS}),
    ('"دير سوريا"', set()),      # both words are in both articles, never next to each other
    ('"الزور دير"', set()),      # word order matters
    ("دير سوريا", BOTH_SEEDS),   # the same words without quotes
])
def test_phrase_search(cli_seed_index: Path, query: str, expected: set[str]) -> None:
    assert ids_of(query_json(cli_seed_index, query)) == expected


def test_phrase_highlight_covers_the_phrase(cli_seed_index: Path) -> None:
    for hit in query_json(cli_seed_index, '"دير الزور"'):
        surfaces = {hit["snippet"][s:e] for s, e in hit["highlights"]}
        assert "دير الزور" in surfaces


@pytest.mark.parametrize("query, expected", [
    ("كونيكو -البنتاغون", {SEED_FACTIONS}),
    ("كونيكو -المرصد", {SEED_RESISTANCE}),
    ('كونيكو -"دير الزور"', set()),
    ("كونيكو NOT المرصد", {SEED_RESISTANCE}),
    ("البنتاغون", {SEED_RESISTANCE}),
    ("المرصد", {SEED_FACTIONS}),
    ("البنتاغون OR المرصد", BOTH_SEEDS),
    ("البنتاغون المرصد", BOTH_SEEDS),
    ("البنتاغون AND المرصد", set()),
    ("+البنتاغون المرصد", {SEED_RESISTANCE}),
    ("المقاومة", BOTH_SEEDS),
    ("title:المقاومة", {SEED_RESISTANCE}),
    ('title:"المقاومة الإسلامية"', {SEED_RESISTANCE}),
    ("title:المرصد", set()),
    ("content:المرصد", {SEED_FACTIONS}),
    (f"id:{SEED_FACTIONS}", {SEED_FACTIONS}),
])
def test_operators_and_fields(cli_seed_index: Path, query: str, expected: set[str]) -> None:
    assert ids_of(query_json(cli_seed_index, query)) == expected


def test_query_starting_with_minus_after_double_dash(cli_seed_index: Path) -> None:
    result = run("query", "--index", cli_seed_index, "--json", "--", "-المرصد كونيكو")
    assert result.exit_code == 0, result.stderr
    assert ids_of(json.loads(result.stdout)) == {SEED_RESISTANCE}


def test_deeply_nested_query_is_not_an_internal_error(cli_seed_index: Path) -> None:
    result = run("query", "(" * 400 + "كونيكو", "--index", cli_seed_index, "--json")
    assert result.exit_code in (0, 2), result.stderr


def test_limit(cli_seed_index: Path) -> None:
    hits = query_json(cli_seed_index, "كونيكو", "--limit", "1")
    assert len(hits) == 1
    assert hits[0]["rank"] == 1
    assert hits[0]["id"] == query_json(cli_seed_index, "كونيكو")[0]["id"]
    result = run("query", "كونيكو", "--index", cli_seed_index, "-n", "1")
    assert result.exit_code == 0
    assert "2 hits (showing 1–1)" in result.stdout


def test_no_hits_is_an_empty_json_array(cli_seed_index: Path) -> None:
    result = run("query", "طوكيو", "--index", cli_seed_index, "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


# --------------------------------------------------------------------------- dates on the synthetic corpus


@pytest.mark.parametrize("options, expected", [
    ([], NEWS_IDS),
    (["--since", "2016"], ["n3", "n4", "n5"]),
    (["--until", "2015"], ["n1", "n2"]),
    (["--since", "2016", "--until", "2016"], ["n3", "n4"]),
    (["--since", "2015-03-05"], ["n2", "n3", "n4", "n5"]),   # inclusive
    (["--until", "2015-03-05"], ["n1", "n2"]),               # the whole last day
    (["--until", "2017-02-14"], NEWS_IDS),                   # a time of day on the last day
    (["--since", "2016-07", "--until", "2016-11"], ["n4"]),
    (["--since", "2015-2-1", "--until", "2016-6-20"], ["n2", "n3"]),
    (["--since", "2018"], []),
])
def test_since_until(news_index_path: Path, options: list[str], expected: list[str]) -> None:
    hits = query_json(news_index_path, "المملكة", *options)
    assert sorted(ids_of(hits)) == expected


def test_json_hit_fields_from_records(news_index_path: Path) -> None:
    hits = query_json(news_index_path, "حملة تطعيم")
    assert hits[0]["id"] == "n1"
    assert hits[0]["title"] == "وزارة الصحة تطلق حملة تطعيم ضد الإنفلونزا"
    assert hits[0]["date"] == "2015-01-10T00:00:00"
    assert hits[0]["source"] == "SPA"
    assert hits[0]["url"] == "https://example.com/news/n1"
    assert hits[0]["path"].endswith("2015.jsonl")
    dated = {h["id"]: h["date"] for h in query_json(news_index_path, "المملكة")}
    assert dated == {"n1": "2015-01-10T00:00:00", "n2": "2015-03-05T00:00:00", "n3": "2016-06-20T10:00:00",
                     "n4": "2016-11-02T09:15:00", "n5": "2017-02-14T08:30:00"}


@pytest.mark.parametrize("query, expected", [
    ("source:spa", {"n1", "n4"}),
    ("source:SPA", {"n1", "n4"}),
    ("مستشفى", {"n1", "n4"}),
    ("title:مستشفى", {"n4"}),
    ("title:(مستشفى OR أمطار)", {"n2", "n4"}),
    ("author:التحرير", {"n1"}),
])
def test_fields_on_records(news_index_path: Path, query: str, expected: set[str]) -> None:
    assert ids_of(query_json(news_index_path, query)) == expected


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize("option, value", [
    ("--since", "yesterday"), ("--since", "2024-13"), ("--since", "2024-02-30"), ("--until", "2024/01/01"),
    ("--until", "24-01-01"),
])
def test_invalid_date_exits_2(cli_seed_index: Path, option: str, value: str) -> None:
    result = run("query", "كونيكو", "--index", cli_seed_index, option, value)
    assert result.exit_code == 2
    line = one_line_error(result)
    assert f"invalid date {value!r} for {option}" in line
    assert result.stdout == ""


def test_invalid_month_for_until_exits_2(cli_seed_index: Path) -> None:
    result = run("query", "كونيكو", "--index", cli_seed_index, "--until", "2024-13")
    assert result.exit_code == 2


def test_until_last_representable_year_is_valid(cli_seed_index: Path) -> None:
    result = run("query", "كونيكو", "--index", cli_seed_index, "--until", "9999", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == []  # the seed articles have no date, and a date filter needs one


@pytest.mark.parametrize("args", [["query", ""], ["query", "   "], ["query"], ["query", "--", "-كونيكو"],
                                  ["query", "--", "( )"]])
def test_empty_query_exits_2(cli_seed_index: Path, args: list[str]) -> None:
    result = run(args[0], "--index", cli_seed_index, *args[1:])
    assert result.exit_code == 2
    assert one_line_error(result).startswith("error: ")
    assert result.stdout == ""


@pytest.mark.parametrize("query", ["foo:bar", 'lang:"ar"', "(كونيكو OR date:2024)"])
def test_unknown_field_exits_2(cli_seed_index: Path, query: str) -> None:
    result = run("query", query, "--index", cli_seed_index)
    assert result.exit_code == 2
    line = one_line_error(result)
    assert "unknown field" in line
    assert "title" in line  # tells which fields exist


def test_missing_index_folder_exits_3(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = run("query", "كونيكو", "--index", missing)
    assert result.exit_code == 3
    line = one_line_error(result)
    assert f"no index at {missing}" in line
    assert not missing.exists()


def test_folder_without_index_exits_3(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run("stats", "--index", tmp_path / "empty")
    assert result.exit_code == 3
    assert "is not an arsearch index" in one_line_error(result)


@pytest.mark.parametrize("args, code, fragment", [
    (["query", "كونيكو", "--since", "nope"], 2, "invalid date"),
    (["query", "foo:bar"], 2, "unknown field"),
    (["query", ""], 2, "empty query"),
    (["query", "كونيكو", "--index", "{missing}"], 3, "no index at"),
    (["stats", "--index", "{missing}"], 3, "no index at"),
])
def test_json_errors_are_json_on_stderr(cli_seed_index: Path, tmp_path: Path, args: list[str], code: int,
                                        fragment: str) -> None:
    args = [a.replace("{missing}", str(tmp_path / "missing")) for a in args]
    if "--index" not in args:
        args += ["--index", str(cli_seed_index)]
    result = run(*args, "--json")
    assert result.exit_code == code
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    error = json.loads(lines[0])
    assert set(error) == {"error", "exit_code"}
    assert error["exit_code"] == code
    assert fragment in error["error"]


def test_error_message_keeps_brackets_in_path(tmp_path: Path) -> None:
    missing = tmp_path / "[bold]old"
    result = run("query", "كونيكو", "--index", missing)
    assert result.exit_code == 3
    assert str(missing) in result.stderr


# --------------------------------------------------------------------------- --batch (TREC run)


def test_batch_prints_trec_run(cli_seed_index: Path, tmp_path: Path) -> None:
    topics = tmp_path / "topics.tsv"
    topics.write_text("q1\tكونيكو\n\nq2\tالبنتاغون\nq3\tfoo:bar\nq4\tطوكيو\n", encoding="utf-8")
    result = run("query", "--batch", topics, "--index", cli_seed_index)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    parsed = [TREC_LINE.match(line) for line in lines]
    assert all(parsed), lines
    rows = [(m.group(1), m.group(2), int(m.group(3)), float(m.group(4))) for m in parsed if m]
    assert [(qid, rank) for qid, _, rank, _ in rows] == [("q1", 1), ("q1", 2), ("q2", 1)]
    assert {doc for qid, doc, _, _ in rows if qid == "q1"} == BOTH_SEEDS
    assert [doc for qid, doc, _, _ in rows if qid == "q2"] == [SEED_RESISTANCE]
    assert rows[0][3] >= rows[1][3] > 0
    json_scores = [h["score"] for h in query_json(cli_seed_index, "كونيكو")]
    assert [r[3] for r in rows[:2]] == pytest.approx(json_scores, abs=1e-3)


def test_batch_honours_limit(cli_seed_index: Path, tmp_path: Path) -> None:
    topics = tmp_path / "topics.tsv"
    topics.write_text("q1\tكونيكو\n", encoding="utf-8")
    result = run("query", "--batch", topics, "--index", cli_seed_index, "--limit", "1")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 1


def test_batch_line_without_tab_exits_2(cli_seed_index: Path, tmp_path: Path) -> None:
    topics = tmp_path / "topics.tsv"
    topics.write_text("q1 كونيكو\n", encoding="utf-8")
    result = run("query", "--batch", topics, "--index", cli_seed_index)
    assert result.exit_code == 2
    assert f"{topics}:1: expected 'qid<TAB>query'" in one_line_error(result)


# --------------------------------------------------------------------------- analyze


def test_analyze_json_shape() -> None:
    text = "الأمريكيّة في دير الزور"
    result = run("analyze", text, "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {"text", "tokens"}
    assert data["text"] == text
    assert [t["term"] for t in data["tokens"]] == ["امريكا", "في", "دير", "زور"]
    assert [t["stopword"] for t in data["tokens"]] == [False, True, False, False]
    assert [t["position"] for t in data["tokens"]] == [0, 1, 2, 3]
    for token in data["tokens"]:
        assert {"term", "start", "end", "surface", "position", "stopword"} <= set(token)
        assert text[token["start"]:token["end"]] == token["surface"]


def test_analyze_stemmer_none() -> None:
    result = run("analyze", "بالصواريخ", "--json", "--stemmer", "none")
    assert result.exit_code == 0
    assert [t["term"] for t in json.loads(result.stdout)["tokens"]] == ["بالصواريخ"]


def test_analyze_unknown_stemmer_exits_2() -> None:
    result = run("analyze", "نص", "--stemmer", "porter")
    assert result.exit_code == 2  # Typer's own check of the choice (one line through the console script)
    assert "'porter' is not one of 'light', 'none'" in " ".join(re.sub("[│╭╮╰╯─]", " ", result.output).split())


def test_analyze_stdin_one_json_object_per_line() -> None:
    result = run("analyze", input="كونيكو\nفي الصواريخ\n\n")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    objects = [json.loads(line) for line in lines]
    assert [o["text"] for o in objects] == ["كونيكو", "في الصواريخ", ""]
    assert [[t["term"] for t in o["tokens"]] for o in objects] == [["كونيكو"], ["في", "صواريخ"], []]


def test_analyze_table_output() -> None:
    result = run("analyze", "كونيكو", "--bidi", "off")
    assert result.exit_code == 0
    for column in ("term", "surface", "start", "end", "stopword"):
        assert column in result.stdout
    assert "كونيكو" in result.stdout


# --------------------------------------------------------------------------- stats, environment


def test_stats_json(cli_seed_index: Path) -> None:
    result = run("stats", "--index", cli_seed_index, "--json")
    assert result.exit_code == 0
    stats = json.loads(result.stdout)
    assert set(stats) == {"path", "documents", "deleted", "terms", "segments", "size_bytes", "analyzer", "format",
                          "arsearch_version", "created", "updated", "updating", "lead_weight",
                          "duplicate_groups", "grouped_documents", "engine"}
    assert stats["updating"] is None
    assert stats["path"] == str(cli_seed_index)
    assert stats["documents"] == 2
    assert stats["deleted"] == 0
    assert stats["terms"] is None
    assert json.loads(run("stats", "--index", cli_seed_index, "--json", "--terms").stdout)["terms"] > 100
    assert stats["segments"] >= 1
    assert stats["size_bytes"] > 0
    assert stats["analyzer"]["stemmer"] == "light"
    assert stats["format"] == INDEX_FORMAT


def test_stats_text(cli_seed_index: Path) -> None:
    result = run("stats", "--index", cli_seed_index)
    assert result.exit_code == 0
    assert re.search(r"^\s+documents: 2$", result.stdout, re.M)


def test_index_env_var_used_without_option(cli_seed_index: Path) -> None:
    env = {"ARSEARCH_INDEX": str(cli_seed_index)}
    result = run("query", "كونيكو", "--json", env=env)
    assert result.exit_code == 0, result.stderr
    assert ids_of(json.loads(result.stdout)) == BOTH_SEEDS
    stats = run("stats", "--json", env=env)
    assert stats.exit_code == 0
    assert json.loads(stats.stdout)["path"] == str(cli_seed_index)


def test_index_env_var_for_indexing(tmp_path: Path, seeds_dir: Path) -> None:
    target = tmp_path / "from-env"
    result = run("index", seeds_dir, "--json", env={"ARSEARCH_INDEX": str(target)})
    assert result.exit_code == 0
    assert json.loads(result.stdout)["index"] == str(target)
    assert (target / "arsearch.json").is_file()


def test_default_index_is_index_folder_in_cwd(tmp_path: Path, seeds_dir: Path) -> None:
    missing = run("query", "كونيكو")
    assert missing.exit_code == 3
    assert "no index at index" in missing.stderr
    assert run("index", seeds_dir).exit_code == 0
    assert (tmp_path / "index" / "arsearch.json").is_file()
    assert ids_of(json.loads(run("query", "كونيكو", "--json").stdout)) == BOTH_SEEDS


# --------------------------------------------------------------------------- incremental indexing, settings


def test_second_index_run_reports_unchanged(cli_seed_index: Path, seeds_dir: Path) -> None:
    result = run("index", seeds_dir, "--index", cli_seed_index)
    assert result.exit_code == 0
    assert "0 added, 0 updated, 2 unchanged, 0 removed, 0 skipped" in result.stdout
    report = json.loads(run("index", seeds_dir, "--index", cli_seed_index, "--json").stdout)
    assert report["added"] == 0 and report["updated"] == 0 and report["removed"] == 0
    assert report["unchanged"] == 2
    assert report["files"] == 2


def test_index_json_report_shape(tmp_path: Path, news_dir: Path) -> None:
    result = run("index", news_dir, "--index", tmp_path / "ix", "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert set(report) == {"index", "files", "added", "updated", "unchanged", "removed", "seconds", "skipped",
                           "duplicate_ids"}
    assert (report["files"], report["added"], report["updated"], report["unchanged"], report["removed"]) == \
        (3, 5, 0, 0, 0)
    assert report["skipped"] == [] and report["duplicate_ids"] == []
    assert isinstance(report["seconds"], float)


def test_stemmer_none_is_stored_and_a_different_stemmer_is_refused(tmp_path: Path, seeds_dir: Path) -> None:
    index = tmp_path / "ix"
    assert run("index", seeds_dir, "--index", index, "--stemmer", "none").exit_code == 0
    meta = json.loads((index / "arsearch.json").read_text(encoding="utf-8"))
    assert meta["analyzer"]["stemmer"] == "none"
    # without stemming الصواريخ no longer finds بالصواريخ (only the first article has the bare form)
    assert ids_of(query_json(index, "الصواريخ")) == {SEED_FACTIONS}

    refused = run("index", seeds_dir, "--index", index, "--stemmer", "light")
    assert refused.exit_code == 4
    line = one_line_error(refused)
    assert "'none'" in line and "--rebuild" in line
    assert json.loads(run("stats", "--index", index, "--json").stdout)["analyzer"]["stemmer"] == "none"

    again = run("index", seeds_dir, "--index", index)  # no --stemmer: keeps the stored one
    assert again.exit_code == 0
    assert "2 unchanged" in again.stdout

    rebuilt = run("index", seeds_dir, "--index", index, "--stemmer", "light", "--rebuild")
    assert rebuilt.exit_code == 0
    assert "2 added" in rebuilt.stdout
    assert json.loads(run("stats", "--index", index, "--json").stdout)["analyzer"]["stemmer"] == "light"
    assert ids_of(query_json(index, "الصواريخ")) == BOTH_SEEDS


def test_unknown_stemmer_for_index_exits_2(tmp_path: Path, seeds_dir: Path) -> None:
    result = run("index", seeds_dir, "--index", tmp_path / "ix", "--stemmer", "snowball")
    assert result.exit_code == 2
    assert "'snowball' is not one of 'light', 'none'" in " ".join(re.sub("[│╭╮╰╯─]", " ", result.output).split())
    assert not (tmp_path / "ix").exists()


def test_index_folder_without_supported_files(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "report.pdf").write_bytes(b"%PDF-1.4")
    (folder / "image.png").write_bytes(b"\x89PNG")
    result = run("index", folder, "--index", tmp_path / "ix")
    assert result.exit_code != 0
    assert result.exit_code == 6
    line = one_line_error(result)
    assert "nothing could be indexed" in line and "unsupported file type" in line


def test_index_missing_path_gives_reason(tmp_path: Path) -> None:
    result = run("index", tmp_path / "nope", "--index", tmp_path / "ix", "--json")
    assert result.exit_code == 6
    error = json.loads(result.stderr.strip())
    assert "does not exist" in error["error"]
    assert json.loads(result.stdout)["skipped"] == [{"where": str(tmp_path / "nope"), "reason": "does not exist"}]


def test_index_report_names_skipped_file_with_brackets(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "ok.json").write_text('{"id": "a", "content": "كونيكو"}', encoding="utf-8")
    (folder / "[draft].json").write_text("{broken", encoding="utf-8")
    result = run("index", folder, "--index", tmp_path / "ix")
    assert result.exit_code == 0
    assert "skipped news/[draft].json: invalid JSON" in result.stdout


def test_envelope_is_one_object_with_the_hits_of_the_array(cli_seed_index: Path) -> None:
    result = run("query", "كونيكو", "--index", cli_seed_index, "--json", "--envelope")
    assert result.exit_code == 0, result.stderr
    envelope = json.loads(result.stdout)
    assert set(envelope) >= {"query", "total", "elapsed_ms", "hits"}
    assert envelope["query"] == "كونيكو" and envelope["total"] == 2
    plain = query_json(cli_seed_index, "كونيكو")
    assert [h["id"] for h in envelope["hits"]] == [h["id"] for h in plain]
    assert set(envelope["hits"][0]) == set(plain[0])
