"""Index engines: the contract every engine keeps (:mod:`arsearch.engine.api`) and its implementations, each in
its own folder and the only importer of its library (:mod:`arsearch.engine.whoosh`).  :func:`engine_kind` is
the one place that picks an implementation by name; nothing above this folder imports one directly."""

from __future__ import annotations

from arsearch.engine.api import EngineKind
from arsearch.errors import EngineUnavailableError, IndexFormatError

#: Every engine arsearch has; the first is the default.
ENGINES = ("whoosh", "tantivy")
DEFAULT_ENGINE = ENGINES[0]


def engine_kind(name: str) -> EngineKind:
    """The engine called ``name``, imported on first use."""
    if name == "whoosh":
        from arsearch.engine.whoosh import KIND

        return KIND
    if name == "tantivy":
        try:
            from arsearch.engine.tantivy import KIND as TANTIVY
        except ImportError as exc:
            raise EngineUnavailableError(f"the tantivy engine cannot be loaded: {exc}") from exc
        return TANTIVY
    raise IndexFormatError(f"unknown index engine {name!r}: this arsearch has {', '.join(ENGINES)}", upgrade=True)
