"""What the package says about itself: the license, its metadata, one version, and the code checks of the `dev`
extra (run when ruff and mypy are installed: ``pip install '.[dev]'``)."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import tomllib

import pytest

from helpers import ROOT

import arsearch
from arsearch.version import VERSION

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
METADATA = PROJECT["project"]


def test_the_license_file_is_mit_as_the_metadata_says() -> None:
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
    assert METADATA["license"] == {"text": "MIT"}
    assert "License :: OSI Approved :: MIT License" in METADATA["classifiers"]


def test_the_declared_python_versions_start_at_the_required_one() -> None:
    lowest = re.fullmatch(r">=3\.(\d+)", METADATA["requires-python"])
    declared = sorted(int(c.rsplit(".", 1)[1]) for c in METADATA["classifiers"]
                      if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c))
    assert lowest is not None and declared and declared[0] == int(lowest.group(1))
    assert METADATA["keywords"]


def test_the_version_is_written_in_one_place() -> None:
    assert arsearch.__version__ == VERSION
    assert PROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "arsearch.version.VERSION"}
    written = [p for p in (ROOT / "arsearch").rglob("*.py") if VERSION in p.read_text(encoding="utf-8")]
    assert written == [ROOT / "arsearch" / "version.py"]


def test_the_dev_extra_has_the_code_checks() -> None:
    dev = METADATA["optional-dependencies"]["dev"]
    assert any(d.startswith("ruff") for d in dev) and any(d.startswith("mypy") for d in dev)
    assert "lint" in PROJECT["tool"]["ruff"] and "mypy" in PROJECT["tool"]


@pytest.mark.skipif(shutil.which("ruff") is None and importlib.util.find_spec("ruff") is None,
                    reason="ruff is in the dev extra")
def test_ruff_finds_nothing() -> None:
    run = subprocess.run([sys.executable, "-m", "ruff", "check", "arsearch"], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy is in the dev extra")
def test_mypy_strict_finds_nothing() -> None:
    run = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
