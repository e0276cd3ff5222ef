"""Narrowing a search to sources, and counting its matches per source, month and day (facets).

Both read per-document values once per segment and keep them while the segment lives: the source names from the
``source`` column (split and lowercased as the ``source`` field indexes them, so a facet value is a valid
``--source``), the dates from the ``date`` column (:func:`arsearch.search.dated_documents` shares that cache).
"""

from __future__ import annotations

import weakref
from array import array
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from whoosh import query as wq

from arsearch.errors import QueryError

#: The value of the date column for a document without a date (the largest unsigned 64-bit integer).
NO_DATE = 2**64 - 1
#: The date column counts microseconds since ``datetime.min`` (``whoosh.util.times.datetime_to_long``).
_DAY_MICROSECONDS = 86_400_000_000

#: Per segment reader: the raw value of the date column of each document.
_DATES: weakref.WeakKeyDictionary[Any, array[int]] = weakref.WeakKeyDictionary()
#: Per segment reader: its oldest and newest date (raw values), None when it has no dated document.
_DATE_RANGES: weakref.WeakKeyDictionary[Any, tuple[int, int] | None] = weakref.WeakKeyDictionary()
#: Per segment reader: the source names of each document (usually one, none when it has no source).
_SOURCES: weakref.WeakKeyDictionary[Any, list[tuple[str, ...]]] = weakref.WeakKeyDictionary()


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


def segment_dates(reader: Any) -> array[int]:
    """The raw date column value of each document of a segment (``NO_DATE`` when undated); read once."""
    values = _DATES.get(reader)
    if values is None:  # a segment's dates never change
        has = reader.has_column("date")
        values = _DATES[reader] = array("Q", reader.column_reader("date", translate=False) if has else ())
        if len(values) < reader.doc_count_all():  # no column (an index without dates): every document undated
            values.extend([NO_DATE] * (reader.doc_count_all() - len(values)))
    return values


def document_dates(searcher: Any) -> array[int]:
    """The raw date of every document of ``searcher``, by global document number."""
    found: array[int] = array("Q")
    for reader, _offset in searcher.reader().leaf_readers():
        found.extend(segment_dates(reader))
    return found


def date_range(searcher: Any) -> tuple[int, int] | None:
    """The raw dates of the oldest and the newest dated document of ``searcher`` (deleted ones included)."""
    ranges = []
    for reader, _offset in searcher.reader().leaf_readers():
        if reader not in _DATE_RANGES:
            dated = [value for value in segment_dates(reader) if value != NO_DATE]
            _DATE_RANGES[reader] = (min(dated), max(dated)) if dated else None
        ranges.append(_DATE_RANGES[reader])
    found = [r for r in ranges if r is not None]
    return (min(r[0] for r in found), max(r[1] for r in found)) if found else None


def _segment_sources(reader: Any) -> list[tuple[str, ...]]:
    found = _SOURCES.get(reader)
    if found is None:
        field = reader.schema["source"]
        if reader.has_column("source"):
            raw: Iterable[Any] = reader.column_reader("source")
        else:
            raw = (reader.stored_fields(n).get("source") or "" for n in range(reader.doc_count_all()))
        names: dict[Any, tuple[str, ...]] = {}
        found = []
        for value in raw:
            if value not in names:
                text = value.decode("utf-8") if isinstance(value, bytes) else str(value or "")
                names[value] = tuple(dict.fromkeys(t.text for t in field.analyzer(text)))
            found.append(names[value])
        found.extend([()] * (reader.doc_count_all() - len(found)))
        _SOURCES[reader] = found
    return found


def index_sources(searcher: Any) -> list[str]:
    """Every source name in the index, sorted."""
    return sorted({name.decode("utf-8") if isinstance(name, bytes) else name
                   for name in searcher.reader().lexicon("source")})


def source_documents(searcher: Any, names: Collection[str]) -> set[int]:
    """Document numbers of any of the sources ``names`` (case-insensitive, exact; one name may be a plain str);
    :class:`QueryError` naming the index's sources when one of them is not in the index."""
    wanted = sorted({name.strip().lower() for name in ([names] if isinstance(names, str) else names)})
    if not wanted or "" in wanted:
        raise QueryError("empty source name: give a source such as --source okaz")
    reader = searcher.reader()
    unknown = [name for name in wanted if ("source", name) not in reader]
    if unknown:
        known = index_sources(searcher)
        raise QueryError(f"no source {unknown[0]!r} in this index; its sources: "
                         + (", ".join(known) if known else "none (its documents have no source)"))
    return set(searcher.docs_for_query(wq.Or([wq.Term("source", name) for name in wanted])))


def count_facets(searcher: Any, unfiltered: Iterable[int], matched: Iterable[int]) -> Facets:
    """Facets of a search: sources counted over ``unfiltered`` (its matches before the source filter), months and
    days over ``matched`` (every filter applied)."""
    sources: list[tuple[str, ...]] = []
    for reader, _offset in searcher.reader().leaf_readers():
        sources.extend(_segment_sources(reader))
    by_source: Counter[str | None] = Counter()
    for docnum in unfiltered:
        names = sources[docnum]
        if names:
            by_source.update(names)
        else:
            by_source[None] += 1
    dates = document_dates(searcher)
    by_day: Counter[int] = Counter(dates[docnum] // _DAY_MICROSECONDS for docnum in matched)
    undated = by_day.pop(NO_DATE // _DAY_MICROSECONDS, 0)
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
    return tuple(found + [FacetCount(None, missing)] if missing else found)
