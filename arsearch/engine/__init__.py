"""Index engines: the contract every engine keeps (:mod:`arsearch.engine.api`) and its implementations, each in
its own folder and the only importer of its library (:mod:`arsearch.engine.whoosh`).  :func:`engine_kind` is
the one place that picks an implementation by name; nothing above this folder imports one directly."""

from __future__ import annotations

from pathlib import Path

from arsearch.engine.api import EngineKind
from arsearch.errors import EngineUnavailableError, IndexFormatError

#: Every engine arsearch has; the first is the default.
ENGINES = ("whoosh", "tantivy", "opensearch")
DEFAULT_ENGINE = ENGINES[0]
#: Engines whose index lives elsewhere than its folder (the folder says where: :func:`place_index`).
REMOTE_ENGINES = frozenset({"opensearch"})


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
    if name == "opensearch":
        try:
            from arsearch.engine.opensearch import KIND as OPENSEARCH
        except ImportError as exc:
            raise EngineUnavailableError(f"the opensearch engine cannot be loaded: {exc}") from exc
        return OPENSEARCH
    raise IndexFormatError(f"unknown index engine {name!r}: this arsearch has {', '.join(ENGINES)}", upgrade=True)


def place_index(path: str | Path, engine: str, *, url: str | None = None, index: str | None = None,
                shards: int | None = None, replicas: int | None = None) -> None:
    """Say where the index of folder ``path`` lives, for an engine of :data:`REMOTE_ENGINES`, before the index is
    created there: the cluster's ``url``, the ``index`` name, its ``shards`` and ``replicas`` (what is not given
    comes from the folder, then the environment).  Credentials are never written: they come from the environment."""
    if engine != "opensearch":
        raise IndexFormatError(f"the {engine} engine keeps its index in its folder: it takes no location")
    try:
        from arsearch.engine.opensearch import place
    except ImportError as exc:
        raise EngineUnavailableError(f"the opensearch engine cannot be loaded: {exc}") from exc
    place(Path(path), url=url, index=index, shards=shards, replicas=replicas)
