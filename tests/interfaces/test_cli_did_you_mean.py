"""The README's did-you-mean transcripts, in a fresh ``arsearch query`` process as a user runs it, on every engine,
on an index of days of the SaudiNewsNet corpus (skipped without it): the suggestion is shown, with the hits it gets,
and a skipped or shortened did-you-mean is never called a partial answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import CORPUS, cli_command, cli_env

from arsearch import Index, index_paths, search

DAYS = [CORPUS / "2015-07-23.zip", CORPUS / "2015-07-24.zip"]

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not all(day.is_file() for day in DAYS), reason="SaudiNewsNet corpus not found in ../shared"),
]


@pytest.fixture(scope="module")
def days_index(engine_name: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp(f"dym-{engine_name}") / "ix"
    with Index.create(path, engine=engine_name) as index:
        index_paths(index, DAYS)
    return path


def _query(index: Path, *args: str) -> tuple[str, str]:
    import subprocess

    run = subprocess.run(cli_command("query", *args, "--index", index), env=cli_env(), capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stdout, run.stderr


def _hits(index: Path, text: str) -> int:
    with Index.open(index) as ix:
        return search(ix, text, suggest=False).total


def test_a_missing_space(days_index: Path) -> None:
    stdout, _ = _query(days_index, "وزارةالصحة", "--bidi", "off")
    assert f"Did you mean: وزارة الصحة? ({_hits(days_index, 'وزارة الصحة')} hits)" in stdout
    assert "Partial answer" not in stdout


def test_a_sound_alike_letter_as_json(days_index: Path) -> None:
    stdout, _ = _query(days_index, "الصخة", "--json", "--envelope")
    shape = json.loads(stdout)
    assert shape["total"] == 0
    assert shape["suggestion"] == {"query": "الصحة", "total": _hits(days_index, "الصحة")}
    assert shape["partial"] is False
