"""Term statistics of a commit from tables in memory, for the fields a snapshot looks up many terms of.

Whoosh answers a look-up segment by segment, each time hashing the term and reading the segment's terms file a
few times, so a look-up costs as much again for each segment of the commit.  Did-you-mean looks up hundreds of
candidate words per typo, and grouping sixteen keys per new document: once a snapshot has spent
:data:`TABLE_AFTER_SECONDS` on look-ups of a field, it reads the field's :class:`FieldTable`, every term of the
field in the commit with its document frequency and the segments that hold it, and answers from it.

A segment never changes, so its part of a table (:class:`SegmentTerms`, read from its terms file in one pass) is
kept by the engine's :class:`TermTables` while the segment is in the newest commit seen, and a later commit's
table is added up from the parts it already has and those of its new segments.  Threads on the same commit share
its tables.  Document frequencies count deleted documents, as Whoosh's do.
"""

from __future__ import annotations

import bisect
import struct
import threading
import weakref
from array import array
from collections.abc import Iterator, Sequence
from typing import Any

from whoosh.fields import FieldType
from whoosh.reading import EmptyReader
from whoosh.system import pack_ushort

#: Seconds of look-ups of one field, term by term through Whoosh, before a snapshot considers reading the field's
#: table; it reads it once its look-ups have also cost what reading the table would (:meth:`TermTables.read_cost`),
#: so a one-off burst (a did-you-mean in a fresh process) never pays seconds and a table of the whole field.
TABLE_AFTER_SECONDS = 0.1
#: What reading and tabling one byte of a field's part of a terms file costs, in seconds (about 50 ns measured on
#: the corpus's word keys; a little less, so that a field looked up all the time gets its table soon).
READ_SECONDS_PER_BYTE = 30e-9
#: A table's value for a term: its document frequency in the low bits, above them one bit per segment holding it.
_SEGMENT_SHIFT = 32
_FREQUENCY_MASK = (1 << _SEGMENT_SHIFT) - 1
#: Between the terms of a :class:`SegmentTerms` (a byte no UTF-8 text has).
_SEPARATOR = b"\xff"
#: An entry of Whoosh's terms file: key length, value length; then the key (field number, term) and the value, a
#: W3TermInfo whose document frequency follows a flags byte and a float.
_LENGTHS = struct.Struct("!ii")
_KEY_PREFIX = 2
_FREQUENCY = struct.Struct("!I")
_FREQUENCY_AT = 5


def has_table(field: Any) -> bool:
    """Whether the terms of ``field`` (a Whoosh field) can be tabled: an indexed field whose terms are the UTF-8
    bytes of their text."""
    return bool(field.indexed) and type(field).to_bytes is FieldType.to_bytes


class SegmentTerms:
    """The terms of one field in one segment, in term order, with their document frequencies."""

    __slots__ = ("_joined", "frequencies")

    def __init__(self, terms: Sequence[bytes], frequencies: array[int]) -> None:
        self._joined = _SEPARATOR.join(terms)
        self.frequencies = frequencies

    def terms(self) -> list[bytes]:
        return self._joined.split(_SEPARATOR) if self.frequencies else []

    def __len__(self) -> int:
        return len(self.frequencies)

    @classmethod
    def read(cls, leaf: Any, field: str) -> SegmentTerms:
        """The terms of ``field`` in the segment of ``leaf`` (a Whoosh segment reader), from one read of its part of
        the terms file (the terms are stored in key order, the field's number first)."""
        frequencies: array[int] = array("I")
        found = _field_range(leaf, field)
        if found is None:
            return cls([], frequencies)
        table, start, end = found
        data = table.dbfile.get(start, end - start)
        terms = []
        lengths, frequency = _LENGTHS.unpack_from, _FREQUENCY.unpack_from
        position, size = 0, len(data)
        while position < size:
            key_length, value_length = lengths(data, position)
            key = position + _LENGTHS.size
            value = key + key_length
            terms.append(data[key + _KEY_PREFIX:value])
            frequencies.append(frequency(data, value + _FREQUENCY_AT)[0])
            position = value + value_length
        return cls(terms, frequencies)


def _field_range(leaf: Any, field: str) -> tuple[Any, int, int] | None:
    """The terms table of the segment of ``leaf`` (a Whoosh segment reader) and where ``field``'s part of it starts
    and ends (the terms are stored in key order, the field's number first); None when it has no such part."""
    if isinstance(leaf, EmptyReader):
        return None
    reader = leaf._terms
    number = reader._fieldmap.get(field)
    table = reader._tindex
    start = None if number is None else table.closest_key_pos(pack_ushort(number))
    if start is None:
        return None
    end = table.closest_key_pos(pack_ushort(number + 1)) if number + 1 < 0xFFFF else None
    return table, start, table.endofdata if end is None else end


def _field_bytes(leaf: Any, field: str) -> int:
    """The bytes of ``field``'s part of the terms file of the segment of ``leaf``."""
    found = _field_range(leaf, field)
    return 0 if found is None else int(found[2] - found[1])


class FieldTable:
    """One field's terms in one commit: each term's document frequency and the segments that hold it (by their
    position among the commit's segments)."""

    def __init__(self, parts: Sequence[SegmentTerms]) -> None:
        entries: dict[bytes, int] = {}
        get = entries.get
        for index, part in enumerate(parts):
            bit = 1 << (_SEGMENT_SHIFT + index)
            if not entries:
                entries = dict(zip(part.terms(), (frequency | bit for frequency in part.frequencies)))
                get = entries.get
                continue
            for term, frequency in zip(part.terms(), part.frequencies):
                entries[term] = get(term, 0) + (frequency | bit)
        self._entries = entries
        self._ordered: list[bytes] | None = None
        self._lock = threading.Lock()

    def __contains__(self, term: bytes) -> bool:
        return term in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def frequency(self, term: bytes) -> int:
        return self._entries.get(term, 0) & _FREQUENCY_MASK

    def segments(self, term: bytes) -> Iterator[int]:
        """The positions of the segments holding ``term``, in order."""
        bits = self._entries.get(term, 0) >> _SEGMENT_SHIFT
        index = 0
        while bits:
            if bits & 1:
                yield index
            bits >>= 1
            index += 1

    def prefixed(self, prefix: bytes, limit: int | None) -> list[tuple[bytes, int]]:
        """The terms starting with ``prefix`` (the first ``limit``), in term order, with their frequencies."""
        ordered = self._ordered
        if ordered is None:
            with self._lock:
                if self._ordered is None:
                    self._ordered = sorted(self._entries)
                ordered = self._ordered
        found: list[tuple[bytes, int]] = []
        entries = self._entries
        for index in range(bisect.bisect_left(ordered, prefix), len(ordered)):
            term = ordered[index]
            if not term.startswith(prefix) or len(found) == limit:
                break
            found.append((term, entries[term] & _FREQUENCY_MASK))
        return found


class TermTables:
    """The tables of one engine's commits and their segments' parts, shared by its threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        #: (segment id, field) -> its terms, for the segments of the newest commit a table was read for
        self._parts: dict[tuple[str, str], SegmentTerms] = {}
        self._newest = -1
        #: (segment ids of a commit, field) -> its table, while a snapshot holds it
        self._tables: weakref.WeakValueDictionary[tuple[tuple[str, ...], str], FieldTable] = \
            weakref.WeakValueDictionary()

    def cached(self, segments: tuple[str, ...], field: str) -> FieldTable | None:
        """The table of ``field`` in the commit of ``segments``, if a snapshot of it has one."""
        with self._lock:
            return self._tables.get((segments, field))

    def read_cost(self, leaves: Sequence[Any], segments: tuple[str, ...], field: str) -> float:
        """The seconds reading the table of ``field`` would take: its part of the terms file in each segment whose
        part is not kept yet, at :data:`READ_SECONDS_PER_BYTE`."""
        if self.cached(segments, field) is not None:
            return 0.0
        size = 0
        for leaf, segment in zip(leaves, segments):
            with self._lock:
                if (segment, field) in self._parts:
                    continue
            size += _field_bytes(leaf, field)
        return size * READ_SECONDS_PER_BYTE

    def table(self, leaves: Sequence[Any], segments: tuple[str, ...], generation: int, field: str) -> FieldTable:
        """The table of ``field`` in the commit of generation ``generation`` whose segment readers are ``leaves``
        and whose segment ids are ``segments``."""
        found = self.cached(segments, field)
        if found is not None:
            return found
        parts = []
        for leaf, segment in zip(leaves, segments):
            with self._lock:
                part = self._parts.get((segment, field))
            if part is None:
                part = SegmentTerms.read(leaf, field)
                with self._lock:
                    self._parts[(segment, field)] = part
            parts.append(part)
        table = FieldTable(parts)
        with self._lock:
            self._tables[(segments, field)] = table
            if generation >= self._newest:  # the segments of older commits are merged away or soon will be
                self._newest = generation
                kept = set(segments)
                for key in [key for key in self._parts if key[1] == field and key[0] not in kept]:
                    del self._parts[key]
        return table

    def clear(self) -> None:
        with self._lock:
            self._parts.clear()
            self._tables.clear()
