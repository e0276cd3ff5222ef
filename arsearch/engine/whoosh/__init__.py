"""The Whoosh engine (whoosh-reloaded): the only package that imports ``whoosh``, and the only code that reads
its private names (the scorer reads posting blocks and length columns, the writer fills posting blocks, the
engine opens column files), so it runs only on the exact version those reads were checked against."""

from __future__ import annotations

import whoosh

#: The whoosh-reloaded release whose private names this package reads (``pyproject.toml`` pins the same).
WHOOSH_VERSION = "2.7.5"


def check_version(found: str | None) -> None:
    """ImportError unless ``found`` is :data:`WHOOSH_VERSION`."""
    if found != WHOOSH_VERSION:
        raise ImportError(f"arsearch's Whoosh engine needs whoosh-reloaded {WHOOSH_VERSION} exactly, found "
                          f"{found or 'none'}: pip install 'whoosh-reloaded=={WHOOSH_VERSION}'")


def _installed_version() -> str | None:
    """The release of the ``whoosh`` package that Python imports (read from the package: ``importlib.metadata``
    would cost a cold ``arsearch query`` some 60 ms)."""
    found = getattr(whoosh, "__version__", None)
    return ".".join(map(str, found)) if isinstance(found, tuple) else None


check_version(_installed_version())

from arsearch.engine.whoosh.engine import WhooshKind  # noqa: E402  (after the check: it reads private names)

KIND = WhooshKind()

__all__ = ["KIND", "WHOOSH_VERSION", "check_version"]
