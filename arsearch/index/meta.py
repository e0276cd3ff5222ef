"""``arsearch.json``: the format of an index folder, its engine and the analyzer settings it was built with."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from arsearch.version import VERSION
from arsearch.analysis import ANALYZER_VERSION, STEMMERS, AnalyzerSettings
from arsearch.errors import IndexFormatError
from arsearch.index.atomic import write_json_atomically

#: Bump when the layout of the folder or the schema changes: an index of another format must be rebuilt.
#: 4: near-duplicate groups, the lead weight and the keyword fields of the side state (the written words, the
#: near-duplicate look-up keys) in every index; the duplicate counts in the metadata (:data:`GROUP_COUNTS`).
INDEX_FORMAT = 4
META_FILE = "arsearch.json"
#: The key of the metadata that holds the near-duplicate counts of one engine generation (see
#: :class:`GroupCounts`).
GROUP_COUNTS = "groups"


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def new_meta(settings: AnalyzerSettings, lead_weight: float, engine: str, generation: int) -> dict[str, Any]:
    """The metadata of an empty index whose engine is at ``generation``."""
    return {
        "format": INDEX_FORMAT,
        "engine": engine,
        "arsearch_version": VERSION,
        "analyzer": settings.to_dict(),
        "lead_weight": lead_weight,
        GROUP_COUNTS: GroupCounts(0, 0).stamped(generation),
        "created": now(),
        "updated": now(),
    }


def engine_name(meta: dict[str, Any]) -> str:
    """The engine of an index (of metadata that :func:`read_meta` checked)."""
    return str(meta["engine"])


def read_meta(path: Path) -> dict[str, Any]:
    """The metadata of the index folder ``path``, checked: :class:`IndexFormatError` when it is damaged, of
    another format than this arsearch's (older: rebuild it; newer: upgrade arsearch), or of other analyzer
    settings."""
    meta_path = path / META_FILE
    try:
        meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
        fmt = int(meta["format"])
        analyzer = dict(meta["analyzer"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexFormatError(f"{meta_path} is damaged: {exc}", rebuild=True) from exc
    if fmt > INDEX_FORMAT:
        raise IndexFormatError(f"the index at {path} has format {fmt}, newer than this arsearch supports "
                               f"({INDEX_FORMAT})", upgrade=True)
    if fmt < INDEX_FORMAT:
        raise IndexFormatError(f"the index at {path} has format {fmt}, older than this arsearch reads "
                               f"({INDEX_FORMAT}): it must be rebuilt", rebuild=True)
    try:
        check_lead_weight(meta["lead_weight"])
        if not isinstance(meta["engine"], str):
            raise TypeError(f"engine {meta['engine']!r} is no name")
    except (ValueError, KeyError, TypeError) as exc:
        raise IndexFormatError(f"{meta_path} is damaged: {exc}", rebuild=True) from exc
    if (analyzer.get("version") != ANALYZER_VERSION or analyzer.get("stemmer") not in STEMMERS
            or set(analyzer) != set(AnalyzerSettings().to_dict())):
        raise IndexFormatError(f"the index at {path} was built with analyzer settings {analyzer}, this arsearch "
                               f"uses analyzer version {ANALYZER_VERSION}", rebuild=True)
    return meta


def write_meta(path: Path, meta: dict[str, Any], *, durable: bool = True) -> None:
    write_json_atomically(path / META_FILE, meta, durable=durable)


def touch(path: Path, meta: dict[str, Any], *, durable: bool = True) -> None:
    """Record an update (after a commit, with the commit's :data:`GROUP_COUNTS`; ``durable``: fsync'ed like the
    commit)."""
    meta["updated"] = now()
    meta["arsearch_version"] = VERSION
    write_meta(path, meta, durable=durable)


def check_lead_weight(value: object) -> float:
    """``value`` as a lead weight: a finite number >= 0, else ValueError."""
    weight = float(value)  # type: ignore[arg-type]
    if not 0 <= weight < float("inf"):
        raise ValueError(f"lead_weight must be a number >= 0, not {value!r}")
    return weight


@dataclass(frozen=True)
class GroupCounts:
    """Near-duplicate groups with two or more live documents, and the live documents in them."""

    groups: int
    documents: int

    def stamped(self, generation: int) -> dict[str, int]:
        """As the metadata keeps it: with the engine generation it describes."""
        return {"generation": generation, "duplicate_groups": self.groups, "grouped_documents": self.documents}

    def __add__(self, other: GroupCounts) -> GroupCounts:
        return GroupCounts(self.groups + other.groups, self.documents + other.documents)


def group_counts_of(meta: dict[str, Any], generation: int) -> GroupCounts | None:
    """The counts the metadata keeps if they describe ``generation`` (None: they describe another commit, after a
    crash between a commit and its metadata, or they are damaged)."""
    stamp = meta.get(GROUP_COUNTS)
    try:
        if not isinstance(stamp, dict) or int(stamp["generation"]) != generation:
            return None
        return GroupCounts(int(stamp["duplicate_groups"]), int(stamp["grouped_documents"]))
    except (KeyError, TypeError, ValueError):
        return None
