"""What a search reads of a segment besides its postings, read once per segment reader and kept while it lives.

A segment never changes, and a searcher keeps its segment readers until the index changes, so a value read once
serves every search of that commit: the length norms BM25F needs, the date, source, id and group columns, and
column readers for values looked up one at a time (a document's sketch, the ids of near-duplicate candidates).
Building a Whoosh column reader reads the column's table of offsets, which per search and per hit cost more
than the work the values are read for.
"""

from __future__ import annotations

import weakref
from array import array
from collections.abc import Callable
from typing import Any

from arsearch.engine.api import NO_DATE


class SegmentValues:
    """The cached values of one segment reader."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self.norms: dict[tuple[str, float, float, float], list[float]] = {}
        self._columns: dict[str, list[Any] | None] = {}
        self._readers: dict[str, Any] = {}
        self._dates: array[int] | None = None
        self._date_range: tuple[int, int] | bool | None = False
        self._sources: list[tuple[str, ...]] | None = None

    def column(self, name: str) -> list[Any] | None:
        """Every raw value of the column ``name`` (bytes; not decoded, which would cost more than reading them),
        None if the segment has none."""
        if name not in self._columns:
            reader = self._reader
            has = reader.has_column(name)
            self._columns[name] = list(reader.column_reader(name, translate=False)) if has else None
        return self._columns[name]

    def read(self, name: str) -> list[Any] | None:
        """:meth:`column`, read now and not kept unless it already is (a pass over every document)."""
        if name in self._columns:
            return self._columns[name]
        reader = self._reader
        return list(reader.column_reader(name, translate=False)) if reader.has_column(name) else None

    def value(self, name: str, docnum: int) -> bytes:
        """One raw value of the column ``name`` (b"" if the segment has none), without reading the others."""
        if name not in self._readers:
            reader = self._reader
            has = reader.has_column(name)
            self._readers[name] = reader.column_reader(name, translate=False) if has else None
        found = self._readers[name]
        return b"" if found is None else bytes(found[docnum])

    def dates(self) -> array[int]:
        """The raw date of each document (``NO_DATE`` when undated)."""
        if self._dates is None:
            reader = self._reader
            has = reader.has_column("date")
            values = array("Q", reader.column_reader("date", translate=False) if has else ())
            if len(values) < reader.doc_count_all():  # no column (an index without dates): every document undated
                values.extend([NO_DATE] * (reader.doc_count_all() - len(values)))
            self._dates = values
        return self._dates

    def date_range(self) -> tuple[int, int] | None:
        if self._date_range is False:
            dated = [value for value in self.dates() if value != NO_DATE]
            self._date_range = (min(dated), max(dated)) if dated else None
        return self._date_range  # type: ignore[return-value]

    def sources(self, split: Callable[[str], tuple[str, ...]]) -> list[tuple[str, ...]]:
        """The source names of each document, as ``split`` (the source field's analysis) gives them."""
        if self._sources is None:
            reader = self._reader
            raw = self.column("source")
            if raw is None:
                raw = [reader.stored_fields(n).get("source") or "" for n in range(reader.doc_count_all())]
            names: dict[Any, tuple[str, ...]] = {}
            found = []
            for value in raw:
                if value not in names:
                    names[value] = split(value.decode("utf-8") if isinstance(value, bytes) else str(value or ""))
                found.append(names[value])
            found.extend([()] * (reader.doc_count_all() - len(found)))
            self._sources = found
        return self._sources


_CACHE: weakref.WeakKeyDictionary[Any, SegmentValues] = weakref.WeakKeyDictionary()


def values_of(reader: Any) -> SegmentValues:
    """The cache of one segment reader."""
    found = _CACHE.get(reader)
    if found is None:
        found = _CACHE[reader] = SegmentValues(reader)
    return found
