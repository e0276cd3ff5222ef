"""Narrowing a search to sources, and the counts of its matches per source, month and day (facets).

The engine counts (:class:`~arsearch.engine.api.FacetCounts`, per source name and per day); this module checks
the source names a user gives against the index's, and lays the counts out as users read them: months added up
from the days, most common sources first, days and months oldest first, documents without one last.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from arsearch.engine.api import FacetCounts, Snapshot
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

    @classmethod
    def of(cls, counts: FacetCounts) -> Facets:
        sources = sorted(((name, n) for name, n in counts.sources.items() if name is not None and n),
                         key=lambda item: (-item[1], item[0]))
        days = sorted((day, n) for day, n in counts.days.items() if day is not None and n)
        months: Counter[str] = Counter()
        for day, n in days:
            months[day[:7]] += n
        undated = counts.days.get(None, 0)
        return cls(source=_with_missing(sources, counts.sources.get(None, 0)),
                   month=_with_missing(sorted(months.items()), undated),
                   day=_with_missing(days, undated))


def source_names(snapshot: Snapshot, names: Collection[str] | str) -> tuple[str, ...]:
    """``names`` as the index spells its sources (case-insensitive, exact; one name may be a plain str);
    :class:`QueryError` naming the index's sources when one of them is not in the index."""
    wanted = sorted({name.strip().lower() for name in ([names] if isinstance(names, str) else names)})
    if not wanted or "" in wanted:
        raise QueryError("empty source name: give the name of a source, such as okaz")
    unknown = [name for name in wanted if not snapshot.has_term("source", name)]
    if unknown:
        known = [term for term, _ in snapshot.terms("source")]
        raise QueryError(f"no source {unknown[0]!r} in this index; its sources: "
                         + (", ".join(known) if known else "none (its documents have no source)"))
    return tuple(wanted)


def _with_missing(counts: Iterable[tuple[str, int]], missing: int) -> tuple[FacetCount, ...]:
    found = [FacetCount(value, count) for value, count in counts]
    return tuple([*found, FacetCount(None, missing)] if missing else found)
