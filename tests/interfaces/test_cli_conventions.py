"""The command line's manners: help that shows every default, --version, completion, quiet closed pipes, standard
input, progress within a file, readable stats."""

from __future__ import annotations

import re
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from arsearch.interfaces.cli import app

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
