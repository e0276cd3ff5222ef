"""Narrowing a search to sources, and counting its matches per source, month and day (facets).

Both read per-document values from the snapshot's columns (the engine reads each segment's once): the source
names as the ``source`` field indexes them, so a facet value is a valid source filter, and the dates.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from arsearch.engine.api import DAY_MICROSECONDS, NO_DATE, AnyOf, Snapshot, Term, date_value
from arsearch.errors import QueryError


@dataclass(frozen=True)
class FacetCount:
    """How many matching documents have ``value``; ``None`` stands for documents without a source or date."""

    value: str | None
    count: int


@dataclass(frozen=True)
class Facets:
    """Counts of all matching documents (not just the page shown).

    ``source``: most documents first (ties by name); it ignores the ``sources`` filter, as multi-select facets do,
    so it also shows what other sources would add; the hits and ``month``/``day`` use every filter.  ``month``
    (``YYYY-MM``) and ``day`` (``YYYY-MM-DD``): oldest first.  Documents without a source or a date are counted
    under ``None``, listed last.
    """

    source: tuple[FacetCount, ...]
    month: tuple[FacetCount, ...]
    day: tuple[FacetCount, ...]

    def to_dict(self) -> dict[str, list[dict[str, Any]]]:
        return {name: [{"value": c.value, "count": c.count} for c in getattr(self, name)]
                for name in ("source", "month", "day")}


def source_documents(snapshot: Snapshot, names: Collection[str]) -> set[int]:
    """Document numbers of any of the sources ``names`` (case-insensitive, exact; one name may be a plain str);
    :class:`QueryError` naming the index's sources when one of them is not in the index."""
    wanted = sorted({name.strip().lower() for name in ([names] if isinstance(names, str) else names)})
    if not wanted or "" in wanted:
        raise QueryError("empty source name: give the name of a source, such as okaz")
    unknown = [name for name in wanted if not snapshot.has_term("source", name)]
    if unknown:
        known = snapshot.field_terms("source")
        raise QueryError(f"no source {unknown[0]!r} in this index; its sources: "
                         + (", ".join(known) if known else "none (its documents have no source)"))
    return snapshot.matching(AnyOf(tuple(Term("source", name) for name in wanted)))


def dated_documents(snapshot: Snapshot, first: datetime, last: datetime) -> set[int]:
    """Numbers of the documents dated from ``first`` to ``last`` included, read from the date column: what a
    date-range query matches, without expanding the range into terms (10 times faster with Whoosh)."""
    low, high = date_value(first), min(date_value(last), NO_DATE - 1)
    return {n for n, value in enumerate(snapshot.dates()) if low <= value <= high}


def count_facets(snapshot: Snapshot, unfiltered: Iterable[int], matched: Iterable[int]) -> Facets:
    """Facets of a search: sources counted over ``unfiltered`` (its matches before the source filter), months and
    days over ``matched`` (every filter applied)."""
    sources = snapshot.sources()
    by_source: Counter[str | None] = Counter()
    for docnum in unfiltered:
        names = sources[docnum]
        if names:
            by_source.update(names)
        else:
            by_source[None] += 1
    dates = snapshot.dates()
    by_day: Counter[int] = Counter(dates[docnum] // DAY_MICROSECONDS for docnum in matched)
    undated = by_day.pop(NO_DATE // DAY_MICROSECONDS, 0)
    days = [(date.fromordinal(day + 1).isoformat(), count) for day, count in sorted(by_day.items())]
    by_month: Counter[str] = Counter()
    for day, count in days:
        by_month[day[:7]] += count
    source_counts = sorted(((name, n) for name, n in by_source.items() if name is not None),
                           key=lambda item: (-item[1], item[0]))
    return Facets(
        source=_with_missing(source_counts, by_source[None]),
        month=_with_missing(sorted(by_month.items()), undated),
        day=_with_missing(days, undated),
    )


def _with_missing(counts: Iterable[tuple[str, int]], missing: int) -> tuple[FacetCount, ...]:
    found = [FacetCount(value, count) for value, count in counts]
    return tuple([*found, FacetCount(None, missing)] if missing else found)
