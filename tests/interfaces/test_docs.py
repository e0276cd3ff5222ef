"""The README and docs/ are part of the product: their commands, transcripts, API example, CLI reference and the
files they point to must agree with what arsearch does."""

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT, SEEDS, cli_command, cli_env
from typer.main import get_command

from arsearch.interfaces.cli import app

README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = {path: path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs").glob("*.md"))}
#: What changes from run to run in a transcript: the time a command took and the rate it reports.
TIMES = [(re.compile(r"in \d+(\.\d+)? s \(\d+ docs/s\)"), "in T s (R docs/s)"),
         (re.compile(r"in \d+(\.\d+)? ms$", re.M), "in T ms")]


def shell_commands() -> list[str]:
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", README, re.S)]


def test_readme_starts_with_two_commands_run_then_test() -> None:
    first, second = shell_commands()[:2]
    assert "arsearch index seeds/" in first and 'arsearch query "كونيكو"' in first
    assert "pytest" in second


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert shell_commands()[1] in ci.splitlines()


@pytest.mark.parametrize("name", sorted(get_command(app).commands))  # type: ignore[attr-defined]
def test_every_command_is_in_the_readme_and_has_help(name: str) -> None:
    command = get_command(app).commands[name]  # type: ignore[attr-defined]
    assert f"arsearch {name}" in README
    assert command.help and len(command.help) > 20


def test_readme_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    code = re.findall(r"```python\n(.*?)```", README, re.S)[0]
    code = code.replace('"/tmp/arsearch-demo"', repr(str(tmp_path / "demo")))
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert out.startswith("1 a1 ")
    assert "<mark>" in out and "('صواريخ', 0, 9)" in out


def test_the_cli_reference_is_what_the_cli_prints() -> None:
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "cli_reference.py"), "--check"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr


def transcript(block: str) -> list[tuple[str, str]]:
    """``(command, expected output)`` of each ``$ arsearch ...`` line of a console block."""
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps:
            steps[-1][1].append(line)
    return [(command, "\n".join(lines).strip("\n")) for command, lines in steps]


def without_times(text: str) -> str:
    for pattern, placeholder in TIMES:
        text = pattern.sub(placeholder, text)
    return text


def test_the_readme_transcript_on_the_samples_is_what_arsearch_prints(tmp_path: Path) -> None:
    block = re.findall(r"```console\n(.*?)```", README, re.S)[0]
    steps = transcript(block)
    assert [command for command, _ in steps] == ["arsearch index seeds/", 'arsearch query "كونيكو"']
    shutil.copytree(SEEDS, tmp_path / "seeds")
    for command, expected in steps:
        args = shlex.split(command)[1:]
        run = subprocess.run(cli_command(*args), cwd=tmp_path, env=cli_env(), capture_output=True, text=True,
                             timeout=120)
        assert run.returncode == 0, run.stderr
        assert without_times((run.stdout + run.stderr).strip("\n")) == without_times(expected), command


def test_every_file_the_readme_and_the_docs_point_to_is_there() -> None:
    named = set()
    for path, text in [(ROOT / "README.md", README), *DOCS.items()]:
        named |= {(ROOT / n) for n in re.findall(
            r"`((?:benchmarks|tests|arsearch|scripts|docs)/[\w./-]+\.\w+|[A-Z]+\.md|LICENSE)`", text)}
        named |= {(path.parent / link).resolve() for link in re.findall(r"\]\(([\w./-]+)(?:#[\w-]*)?\)", text)}
    assert ROOT / "DESIGN.md" in named and ROOT / "docs" / "guarantees.md" in named
    assert sorted(str(n) for n in named if not n.exists()) == []


def test_every_guarantee_names_a_test_that_is_there() -> None:
    guarantees = re.findall(r"^- \*\*(.*?)\*\*(.*?)(?=^- \*\*|\Z)", DOCS[ROOT / "docs" / "guarantees.md"],
                            re.S | re.M)
    assert len(guarantees) > 10
    unnamed = [title for title, text in guarantees
               if title != "Not covered" and not re.search(r"`tests/[\w/]+\.py(::\w+)?`", text)]
    assert unnamed == []
