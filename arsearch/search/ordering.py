"""Orders of the hits other than by score alone: newest first, and relevance with a recency boost."""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from typing import Literal

from arsearch.engine.api import DAY_MICROSECONDS, NO_DATE, Scored
from arsearch.errors import QueryError

Sort = Literal["relevance", "date", "recency"]
SORTS: tuple[Sort, ...] = ("relevance", "date", "recency")
#: Half-life of the recency boost in days, chosen on the corpus by benchmarks/recency.py (benchmarks/FACETS.md).
DEFAULT_HALF_LIFE_DAYS = 90.0


def check_sort(sort: str) -> Sort:
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r}: use relevance, date or recency")
    return sort


def by_relevance(matches: Scored, count: int) -> Scored:
    """The best ``count``: highest score first, then the lower document number (as Whoosh's collector)."""
    return heapq.nsmallest(count, matches, key=lambda m: (-m[1], m[0]))


def by_date(matches: Scored, dates: Sequence[int], count: int) -> Scored:
    """The newest ``count``: latest date first, ties by score then document number; undated documents last."""
    return heapq.nsmallest(count, matches, key=lambda m: (dates[m[0]] == NO_DATE, -dates[m[0]], -m[1], m[0]))


def recency_boosted(matches: Scored, dates: Sequence[int], half_life_days: float,
                    extremes: tuple[int, int] | None) -> Scored:
    """Each score times ``0.5 ** (age / half_life_days)``, the age in days counted back from the newest dated
    document of the index (an undated document counts as old as the oldest); ``extremes`` are the oldest and the
    newest date (:meth:`arsearch.engine.api.Snapshot.date_range`).  Only the scores, not their order, depend on that
    reference point: moving it multiplies every score by the same number."""
    if extremes is None or half_life_days <= 0:
        return list(matches)
    oldest, newest = extremes
    per_microsecond = 1 / (half_life_days * DAY_MICROSECONDS)

    def boost(value: int) -> float:
        factor: float = 0.5 ** ((newest - (oldest if value == NO_DATE else value)) * per_microsecond)
        return factor

    return [(docnum, score * boost(dates[docnum])) for docnum, score in matches]
