"""The orders a search can give its hits: by score, newest first, and relevance with a recency boost (the engine
sorts; this names the orders and checks a user's choice)."""

from __future__ import annotations

from arsearch.engine.api import Sort as Sort
from arsearch.errors import QueryError

SORTS: tuple[Sort, ...] = ("relevance", "date", "recency")
#: Half-life of the recency boost in days, chosen on the corpus (benchmarks/experiments/FACETS.md).
DEFAULT_HALF_LIFE_DAYS = 90.0


def check_sort(sort: str) -> Sort:
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r}: use relevance, date or recency")
    return sort
