"""The Whoosh engine (whoosh-reloaded): the only package that imports ``whoosh``, and the only code that reads
its private names (the scorer reads posting blocks and length columns, the writer fills posting blocks, the
engine opens column files), so it runs only on the exact version those reads were checked against."""

from __future__ import annotations

from importlib import metadata

#: The whoosh-reloaded release whose private names this package reads (``pyproject.toml`` pins the same).
WHOOSH_VERSION = "2.7.5"


def check_version(found: str | None) -> None:
    """ImportError unless ``found`` is :data:`WHOOSH_VERSION`."""
    if found != WHOOSH_VERSION:
        raise ImportError(f"arsearch's Whoosh engine needs whoosh-reloaded {WHOOSH_VERSION} exactly, found "
                          f"{found or 'none'}: pip install 'whoosh-reloaded=={WHOOSH_VERSION}'")


def _installed_version() -> str | None:
    try:
        return metadata.version("whoosh-reloaded")
    except metadata.PackageNotFoundError:
        return None


check_version(_installed_version())

from arsearch.engine.whoosh.engine import WhooshKind  # noqa: E402  (after the check: it reads private names)

KIND = WhooshKind()

__all__ = ["KIND", "WHOOSH_VERSION", "check_version"]
