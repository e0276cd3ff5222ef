"""What ``arsearch query`` loads to start: option values that need no conversion skip Typer's pydantic validation,
and come out as Typer's own validation makes them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main

from helpers import cli_env

from arsearch.interfaces.cli import _plain_value, app

_coercion = pytest.importorskip("typer._coercion", reason="a Typer without per-option runtime coercion")

VALUES: list[Any] = ["", "قصف", " x ", "-", "--", "٣", "3", "10", "-1", "1e3", "index", "/tmp", "a b", "~/x", ".",
                     "auto", "okaz", 0, 1, 10, 10_000, 10_001, -1, 0.0, 2.5, None, True, False]


def _typer_params() -> list[Any]:
    group = typer.main.get_command(app)
    params = list(group.params)
    for command in group.commands.values():  # type: ignore[attr-defined]
        params += [p for p in command.params if hasattr(p, "type_descriptor")]
    return params


@pytest.mark.parametrize("param", _typer_params(), ids=lambda p: str(p.name))
def test_plain_values_are_what_typers_own_validation_makes_of_them(param: Any) -> None:
    descriptor = param.type_descriptor
    typer_own = _coercion.build_runtime_param(descriptor)
    for value in VALUES:
        plain = _plain_value(descriptor.annotation, descriptor.parameter_info, value)
        if plain is None:
            continue
        expected = typer_own._coerce_value(value, param=param, ctx=None)
        assert (type(plain[0]), plain[0]) == (type(expected), expected), (param.name, value)


@pytest.mark.parametrize("options, pydantic", [
    ((), False),                   # the query's text, the folder, every other option as its default
    (("--limit", "5"), True),      # a number to read from text: Typer's own validation, with its errors
])
def test_what_a_query_loads_to_read_its_options(tmp_path: Path, options: tuple[str, ...], pydantic: bool) -> None:
    from arsearch import Index

    Index.create(tmp_path / "ix").add([{"id": "a", "title": "خبر", "content": "وزارة الصحة تفتتح مستشفى"}])
    script = ("import sys; from arsearch.interfaces.cli import main\n"
              "sys.argv = ['arsearch', 'query', 'الصحة', '--index', *sys.argv[1:]]\n"
              "try:\n    main()\nexcept SystemExit as exit:\n    code = exit.code\n"
              "print('pydantic' in sys.modules, code, file=sys.stderr)")
    run = subprocess.run([sys.executable, "-c", script, str(tmp_path / "ix"), *options], env=cli_env(),
                         capture_output=True, text=True, timeout=120)
    assert "1 hits" in run.stdout
    assert run.stderr.split()[-2:] == [str(pydantic), "0"]
