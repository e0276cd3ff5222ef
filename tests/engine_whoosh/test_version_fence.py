"""The Whoosh engine reads whoosh-reloaded's private names, so it refuses any release but the one it was checked on."""

from __future__ import annotations

import tomllib
from importlib import metadata

import pytest

from arsearch.engine.whoosh import WHOOSH_VERSION, _installed_version, check_version


def test_the_installed_whoosh_is_the_release_the_engine_was_checked_on() -> None:
    assert metadata.version("whoosh-reloaded") == _installed_version() == WHOOSH_VERSION
    check_version(WHOOSH_VERSION)


@pytest.mark.parametrize("found", ["2.7.4", "2.7.6", "3.0.0", None])
def test_any_other_release_is_refused_with_the_install_command(found: str | None) -> None:
    with pytest.raises(ImportError, match=f"whoosh-reloaded=={WHOOSH_VERSION}"):
        check_version(found)


def test_the_pin_in_pyproject_is_the_fenced_release() -> None:
    from helpers import ROOT

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert f"whoosh-reloaded=={WHOOSH_VERSION}" in project["dependencies"]
