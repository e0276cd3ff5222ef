"""``arsearch.json``: the format of an index folder, its engine and the analyzer settings it was built with."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from arsearch.version import VERSION
from arsearch.analysis import ANALYZER_VERSION, STEMMERS, AnalyzerSettings
from arsearch.engine import DEFAULT_ENGINE
from arsearch.errors import IndexFormatError
from arsearch.index.atomic import write_json_atomically

#: Bump when the layout of the folder or the schema changes; older formats stay readable.
#: 2: content postings weigh the lead (``lead_weight`` in the metadata; format 1 had none).
#: 3: near-duplicate groups (``group`` and ``sketch`` fields, :mod:`arsearch.index.grouping`); formats 1 and 2
#: are read and updated without them (searches do not collapse) until rebuilt.
INDEX_FORMAT = 3
#: The first format with near-duplicate groups.
GROUPS_FORMAT = 3
META_FILE = "arsearch.json"


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def new_meta(settings: AnalyzerSettings, lead_weight: float, engine: str) -> dict[str, Any]:
    return {
        "format": INDEX_FORMAT,
        "engine": engine,
        "arsearch_version": VERSION,
        "analyzer": settings.to_dict(),
        "lead_weight": lead_weight,
        "created": now(),
        "updated": now(),
    }


def engine_name(meta: dict[str, Any]) -> str:
    """The engine of an index (indexes made before there was a choice are Whoosh's)."""
    return str(meta.get("engine") or DEFAULT_ENGINE)


def read_meta(path: Path) -> dict[str, Any]:
    """The metadata of the index folder ``path``, checked: :class:`IndexFormatError` when it is damaged, newer
    than this arsearch, or of other analyzer settings."""
    meta_path = path / META_FILE
    try:
        meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
        fmt = int(meta["format"])
        analyzer = dict(meta["analyzer"])
        check_lead_weight(meta.get("lead_weight", 0))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexFormatError(f"{meta_path} is damaged: {exc}", rebuild=True) from exc
    if fmt > INDEX_FORMAT:
        raise IndexFormatError(f"the index at {path} has format {fmt}, newer than this arsearch supports "
                               f"({INDEX_FORMAT})", upgrade=True)
    if (analyzer.get("version") != ANALYZER_VERSION or analyzer.get("stemmer") not in STEMMERS
            or set(analyzer) != set(AnalyzerSettings().to_dict())):
        raise IndexFormatError(f"the index at {path} was built with analyzer settings {analyzer}, this arsearch "
                               f"uses analyzer version {ANALYZER_VERSION}", rebuild=True)
    return meta


def write_meta(path: Path, meta: dict[str, Any], *, durable: bool = True) -> None:
    write_json_atomically(path / META_FILE, meta, durable=durable)


def touch(path: Path, meta: dict[str, Any], *, durable: bool = True) -> None:
    """Record an update (after a commit; ``durable``: fsync'ed like the commit)."""
    meta["updated"] = now()
    meta["arsearch_version"] = VERSION
    write_meta(path, meta, durable=durable)


def check_lead_weight(value: object) -> float:
    """``value`` as a lead weight: a finite number >= 0, else ValueError."""
    weight = float(value)  # type: ignore[arg-type]
    if not 0 <= weight < float("inf"):
        raise ValueError(f"lead_weight must be a number >= 0, not {value!r}")
    return weight
