"""The command line's manners: help that shows every default, --version, completion, quiet closed pipes, standard
input, progress within a file, readable stats."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from arsearch.analysis.analyzer import ANALYZER_VERSION
from arsearch.interfaces.cli import app
from arsearch.version import VERSION
from helpers import SEEDS, build_index, cli_command, cli_env

runner = CliRunner()
COMMANDS = get_command(app).commands  # type: ignore[attr-defined]
#: Typer's type labels, e.g. ``<list[str]>``, ``<int range>``, ``<bool>``.
TYPE_LABEL = re.compile(r"<[a-z]+(?: range)?(?:\[[A-Za-z]+\])?>")


def help_text(command: str) -> str:
    """``arsearch COMMAND --help`` as a wide terminal shows it, with the box drawing and wrapping undone."""
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "240", "TERMINAL_WIDTH": "240"})
    assert result.exit_code == 0, result.output
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", result.output).split())


def stated_default(param: Any) -> str | None:
    """The default an option's help must show: its ``show_default`` text, or its value when shown."""
    if getattr(param, "is_flag", False):
        return None
    if isinstance(param.show_default, str):
        return str(param.show_default)
    if param.default is None or param.show_default is False:
        return None
    return str(param.default)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_help_shows_every_default(command: str) -> None:
    shown = help_text(command)
    for param in COMMANDS[command].params:
        default = stated_default(param)
        if default is not None:
            assert f"default: {default}" in shown or f"default: ({default})" in shown, (param.name, shown)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_help_shows_no_type_labels(command: str) -> None:
    assert TYPE_LABEL.findall(help_text(command)) == []


def test_help_states_the_defaults_in_words() -> None:
    for command, param in COMMANDS.items():
        if any(p.name == "index" for p in param.params):
            assert "default: (index/ in the current folder)" in help_text(command), command
    assert "default: (one per CPU core)" in help_text("index")
    assert "default: (light)" in help_text("index")
    assert "Index folder ." not in help_text("query")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_help_shows_each_help_text_whole(command: str) -> None:
    """Nothing of an option's help is taken for markup (``[default: ...]`` was, and vanished)."""
    shown = help_text(command)
    for param in COMMANDS[command].params:
        if getattr(param, "help", None):
            assert " ".join(param.help.split()) in shown, param.name


# --------------------------------------------------------------------------- --version, completion


def test_version_prints_the_package_version(arsearch: Any) -> None:
    run = arsearch("--version")
    assert (run.returncode, run.stdout, run.stderr) == (0, f"arsearch {VERSION}\n", "")


def test_show_completion_prints_a_script_for_the_shell() -> None:
    # the shell named, not detected from the parent processes (there may be no shell among them, as under nohup)
    env = {**cli_env(), "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    run = subprocess.run(cli_command("--show-completion", "bash"), env=env, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    assert "_ARSEARCH_COMPLETE=complete_bash" in run.stdout and "complete " in run.stdout


def test_completion_completes_commands_and_options() -> None:
    def complete(*words: str) -> list[str]:
        env = {**cli_env(), "_ARSEARCH_COMPLETE": "complete_bash", "COMP_WORDS": " ".join(["arsearch", *words]),
               "COMP_CWORD": str(len(words))}
        run = subprocess.run(cli_command(), env=env, capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
        return run.stdout.split()

    assert complete("qu") == ["query"]
    assert complete("query", "--so") == ["--source", "--sort"]


# --------------------------------------------------------------------------- a closed pipe


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_index(tmp_path_factory.mktemp("conventions") / "index", SEEDS)


@pytest.mark.parametrize("extra", [[], ["--json"]])
def test_a_closed_pipe_ends_quietly(seed_index: Path, extra: list[str]) -> None:
    """``arsearch query … | head -n 0``: the reader is gone before the first write."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        run = subprocess.run(cli_command("query", "كونيكو", "--index", seed_index, *extra), env=cli_env(),
                             stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert (run.returncode, run.stderr) == (0, "")


def test_a_closed_pipe_mid_output_ends_quietly(seed_index: Path) -> None:
    """A reader that takes a few lines and goes (``| head -n 3``), on output longer than the pipe holds."""
    batch = seed_index.parent / "queries.tsv"
    batch.write_text("".join(f"q{n}\tكونيكو\n" for n in range(3_000)), encoding="utf-8")
    proc = subprocess.Popen(cli_command("query", "--batch", batch, "--index", seed_index), env=cli_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stderr is not None
    first = [proc.stdout.readline() for _ in range(3)]
    proc.stdout.close()
    assert proc.wait(timeout=120) == 0 and proc.stderr.read() == ""
    assert all(re.match(r"q[01] Q0 ", line) for line in first), first


# --------------------------------------------------------------------------- index - (standard input)


def test_index_reads_json_lines_from_standard_input(arsearch: Any, tmp_path: Path) -> None:
    records = "".join(json.dumps({"id": f"s{n}", "content": f"خبر رقم {n} عن كونيكو", "date": "2015-07-22"},
                                 ensure_ascii=False) + "\n" for n in range(3))
    run = arsearch("index", "-", "--index", tmp_path / "ix", "--json", stdin=records)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["added"] == 3
    hits = json.loads(arsearch("query", "كونيكو", "--index", tmp_path / "ix", "--json").stdout)
    assert sorted(h["id"] for h in hits) == ["s0", "s1", "s2"]
    assert {h["date"][:10] for h in hits} == {"2015-07-22"}


def test_index_reads_plain_text_from_standard_input_as_one_document(arsearch: Any, tmp_path: Path) -> None:
    text = (SEEDS / "konico-iraqi-factions-rocket-attack.txt").read_text(encoding="utf-8")
    for _ in range(2):  # the same text again is the same document, unchanged
        run = arsearch("index", "-", "--index", tmp_path / "ix", "--json", stdin=text)
        assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["unchanged"] == 1
    hits = json.loads(arsearch("query", "كونيكو", "--index", tmp_path / "ix", "--json").stdout)
    assert len(hits) == 1 and hits[0]["id"].startswith("stdin:") and hits[0]["title"]


def test_index_reads_files_and_standard_input_together(arsearch: Any, tmp_path: Path) -> None:
    record = json.dumps({"id": "piped", "content": "خبر عن كونيكو"}, ensure_ascii=False)
    run = arsearch("index", SEEDS, "-", "--index", tmp_path / "ix", "--json", stdin=record)
    assert (run.returncode, json.loads(run.stdout)["added"]) == (0, 3), run.stderr


def test_index_of_empty_standard_input_is_a_one_line_error(arsearch: Any, tmp_path: Path) -> None:
    run = arsearch("index", "-", "--index", tmp_path / "ix", stdin="")
    assert run.returncode == 6 and run.stderr.startswith("error: nothing could be indexed from - (empty file)")


# --------------------------------------------------------------------------- stats


def test_stats_reads_as_text_not_as_python(seed_index: Path) -> None:
    result = runner.invoke(app, ["stats", "--index", str(seed_index)])
    assert result.exit_code == 0, result.output
    lines = dict(line.strip().split(": ", 1) for line in result.stdout.splitlines())
    assert lines["documents"] == "2"
    assert lines["analyzer"] == f"light stemmer, version {ANALYZER_VERSION}"
    assert lines["updating"] == "no"
    assert re.fullmatch(r"\d+\.\d (KiB|MiB)", lines["size on disk"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", lines["updated"])
    assert not any(c in result.stdout for c in "{}'")
