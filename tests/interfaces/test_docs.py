"""The README is part of the product: its commands, its API example and the CLI must agree."""

import re
from pathlib import Path

import pytest

from helpers import ROOT
from typer.main import get_command

from arsearch.interfaces.cli import app

README = (ROOT / "README.md").read_text(encoding="utf-8")


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
def test_every_command_is_documented_and_has_help(name: str) -> None:
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


@pytest.mark.parametrize("name", sorted(get_command(app).commands))  # type: ignore[attr-defined]
def test_every_option_is_documented(name: str) -> None:
    command = get_command(app).commands[name]  # type: ignore[attr-defined]
    options = [o for p in command.params for o in p.opts if o.startswith("--") and o != "--help"]
    assert options and [o for o in options if not re.search(re.escape(o) + r"(?![\w-])", README)] == []


def test_every_option_of_arsearch_itself_is_documented() -> None:
    options = [o for p in get_command(app).params for o in p.opts if o.startswith("--") and o != "--help"]
    assert "--version" in options and [o for o in options if f"arsearch {o}" not in README] == []


def test_every_file_the_readme_points_to_is_there() -> None:
    named = set(re.findall(r"`((?:benchmarks|tests|arsearch)/[\w./-]+|[A-Z]+\.md|LICENSE)`", README))
    assert "DESIGN.md" in named and "benchmarks/experiments/SPEED.md" in named
    assert sorted(n for n in named if not (ROOT / n).exists()) == []
