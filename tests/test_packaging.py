"""What the package says about itself: the license, its metadata, one version, and the code checks of the `dev`
extra (run when ruff and mypy are installed: ``pip install '.[dev]'``)."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys

import pytest

from helpers import ROOT

import arsearch
from arsearch.version import VERSION

PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_the_license_file_is_mit_as_the_metadata_says() -> None:
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
    assert 'license = { text = "MIT" }' in PYPROJECT
    assert '"License :: OSI Approved :: MIT License"' in PYPROJECT


def test_the_metadata_has_classifiers_keywords_and_the_python_versions() -> None:
    assert re.search(r"^classifiers = \[", PYPROJECT, re.M) and re.search(r"^keywords = \[", PYPROJECT, re.M)
    low = re.search(r'requires-python = ">=3\.(\d+)"', PYPROJECT)
    assert low is not None and f'"Programming Language :: Python :: 3.{low.group(1)}"' in PYPROJECT


def test_the_version_is_written_in_one_place() -> None:
    assert arsearch.__version__ == VERSION
    assert 'version = { attr = "arsearch.version.VERSION" }' in PYPROJECT
    written = [p for p in (ROOT / "arsearch").rglob("*.py") if VERSION in p.read_text(encoding="utf-8")]
    assert written == [ROOT / "arsearch" / "version.py"]


def test_the_dev_extra_has_the_code_checks() -> None:
    dev = re.search(r"^dev = \[(.*)\]$", PYPROJECT, re.M)
    assert dev is not None and '"ruff' in dev.group(1) and '"mypy' in dev.group(1)
    assert "[tool.ruff.lint]" in PYPROJECT and "[tool.mypy]" in PYPROJECT


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
