"""Shared fixtures."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from helpers import Run, cli_command, cli_env


@pytest.fixture
def arsearch() -> Run:
    """``arsearch(*args, timeout=120, stdin=None)`` runs the CLI in a subprocess and returns the completed process."""

    def run(*args: str | Path, timeout: float = 120, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(cli_command(*args), env=cli_env(), capture_output=True, text=True, timeout=timeout,
                              input=stdin)

    return run
