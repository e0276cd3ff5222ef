"""What ``arsearch stats`` reports of an index."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class IndexStats:
    path: str
    documents: int
    deleted: int
    #: Distinct terms of every field; None unless asked for (``Index.stats(count_terms=True)``: a pass over the
    #: term dictionaries).
    terms: int | None
    segments: int
    size_bytes: int
    analyzer: dict[str, object]
    format: int
    arsearch_version: str
    created: str
    updated: str
    #: The process updating the index right now (``{"pid", "host", "started"}``), or None.
    updating: dict[str, object] | None
    #: How many times more a word counts in a document's first words.
    lead_weight: float
    #: Groups of near-duplicates with two or more live documents, and the documents in them.
    duplicate_groups: int
    grouped_documents: int
    #: The engine underneath (:data:`arsearch.engine.ENGINES`).
    engine: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``arsearch stats --json`` and ``GET /api/stats``."""
        return asdict(self)
