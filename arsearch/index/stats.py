"""What ``arsearch stats`` reports of an index."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class IndexStats:
    path: str
    documents: int
    deleted: int
    terms: int
    segments: int
    size_bytes: int
    analyzer: dict[str, object]
    format: int
    arsearch_version: str
    created: str
    updated: str
    #: The process updating the index right now (``{"pid", "host", "started"}``), or None.
    updating: dict[str, object] | None = None
    #: How many times more a word counts in a document's first words (0: format 1 indexes).
    lead_weight: float = 0.0
    #: Groups of near-duplicates with two or more live documents, and the documents in them (0: before format 3).
    duplicate_groups: int = 0
    grouped_documents: int = 0
    #: The engine underneath (:data:`arsearch.engine.ENGINES`).
    engine: str = "whoosh"

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``arsearch stats --json`` and ``GET /api/stats``."""
        return asdict(self)
