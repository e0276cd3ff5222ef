"""Near-duplicate groups at index time: which group each new document joins.

A document joins the group of its most similar live document when that similarity reaches the threshold
(:mod:`arsearch.near_duplicates`), else it starts a group of its own.  The group's label is the id of the
document that started it (with ``#2``, ``#3``... when that label is still in use by other documents), stored in
the ``group`` field (indexed for member look-ups, a column for collapsing); the sketch is stored in the
``sketch`` column.  Labels never change once written: a group keeps its label when the document that started it
is deleted or changed, and a changed document is grouped again as a new one.

:class:`GroupTracker` holds the sketch and label of every live document and the look-up keys, loaded from the
columns of the last commit; the writer keeps it up to date as it adds and deletes, so documents of the same batch
find each other, and the index keeps it after a commit, so the next batch of the same run does not load it again.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable

from arsearch.engine.api import Snapshot
from arsearch.index.near_duplicates import (DEFAULT_THRESHOLD, LSH_KEYS, MIN_SHARED_KEYS, SKETCH_SIZE, from_bytes,
                                           similarity, to_bytes)

#: Fields of the schema that hold the groups (index format 3).
GROUP_FIELD = "group"
SKETCH_FIELD = "sketch"
#: A look-up key held by more documents than this is a boilerplate shingle (a paper's "share on Twitter" line
#: starts 2,800 of its articles): it finds no candidates.  Copies of one story share many other keys.
MAX_KEY_HOLDERS = 100
_SKETCH_BYTES = 4 * SKETCH_SIZE


class _KeyTable:
    """Look-up key → the documents holding it (as numbers), in the order they came: open addressing over two
    arrays of 32-bit values, about 16 bytes a key against about 70 for a dict of Python ints (16 keys a document).

    A key already held by more than :data:`MAX_KEY_HOLDERS` documents takes no more: look-ups ignore it anyway.
    (Unlike a list of every holder, it stays ignored when deletions bring its holders back under the limit.)
    """

    _EMPTY = 0xFFFFFFFF
    _GONE = 0xFFFFFFFE  # a holder removed: the slot keeps the probe sequence going

    def __init__(self, capacity: int = 1 << 10) -> None:
        self._empty(capacity)

    def _empty(self, capacity: int) -> None:
        self._keys = array("I", bytes(4 * capacity))
        self._holders = array("I", [self._EMPTY]) * capacity
        self._shift = 32 - (capacity.bit_length() - 1)
        self._mask = capacity - 1
        self._filled = 0  # slots not empty (holders and removed ones)

    def _home(self, key: int) -> int:
        return ((key * 0x9E3779B1) & 0xFFFFFFFF) >> self._shift

    def shared_holders(self, keys: Iterable[int], *, limit: int = MAX_KEY_HOLDERS) -> list[int]:
        """The holders of each of ``keys`` held by at most ``limit`` documents, one after the other."""
        table, holders, mask, shift, empty, gone = self._keys, self._holders, self._mask, self._shift, \
            self._EMPTY, self._GONE
        found: list[int] = []
        for key in keys:
            held, slot = [], ((key * 0x9E3779B1) & 0xFFFFFFFF) >> shift
            while (holder := holders[slot]) != empty:
                if table[slot] == key and holder != gone:
                    held.append(holder)
                slot = (slot + 1) & mask
            if len(held) <= limit:
                found += held
        return found

    def add(self, keys: Iterable[int], holder: int) -> None:
        """``holder`` holds each of ``keys``."""
        for key in keys:
            if 10 * (self._filled + 1) > 6 * len(self._holders):
                self._grow()
            table, holders, mask, empty, gone = self._keys, self._holders, self._mask, self._EMPTY, self._GONE
            slot, count = ((key * 0x9E3779B1) & 0xFFFFFFFF) >> self._shift, 0
            while (found := holders[slot]) != empty:
                if table[slot] == key and found != gone:
                    count += 1
                slot = (slot + 1) & mask
            if count <= MAX_KEY_HOLDERS:
                table[slot], holders[slot] = key, holder
                self._filled += 1

    def remove(self, keys: Iterable[int], holder: int) -> None:
        table, holders, mask, empty = self._keys, self._holders, self._mask, self._EMPTY
        for key in keys:
            slot = ((key * 0x9E3779B1) & 0xFFFFFFFF) >> self._shift
            while (found := holders[slot]) != empty:
                if found == holder and table[slot] == key:
                    holders[slot] = self._GONE
                    break
                slot = (slot + 1) & mask

    def _grow(self) -> None:
        old_keys, old_holders = self._keys, self._holders
        live = sum(1 for holder in old_holders if holder < self._GONE)
        capacity = len(old_holders)
        while 10 * (live + 1) > 3 * capacity:  # half as full as when it must grow again
            capacity *= 2
        self._empty(capacity)
        # From an empty slot round the table: each run of filled slots is read from its start, so each key's
        # holders go into the new table in the order they came.
        size = len(old_holders)
        start = old_holders.index(self._EMPTY)
        holders, mask, empty = self._holders, self._mask, self._EMPTY
        for n in range(start, start + size):
            holder = old_holders[n % size]
            if holder < self._GONE:
                key = old_keys[n % size]
                slot = self._home(key)
                while holders[slot] != empty:
                    slot = (slot + 1) & mask
                self._keys[slot], holders[slot] = key, holder
                self._filled += 1


class GroupTracker:
    """The grouping state of an index: each live document's label and sketch, and the look-up keys.

    Documents are numbered in the order they were registered (numbers are not reused, so "the earlier one" of
    two is the smaller number); the sketches sit in one bytearray, :data:`SKETCH_SIZE` values a document.
    """

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        self._numbers: dict[str, int] = {}
        self._labels: list[str | None] = []
        self._sketches = bytearray()
        self._lengths = bytearray()
        self._keys = _KeyTable()
        self._sizes: Counter[str] = Counter()

    @classmethod
    def load(cls, snapshot: Snapshot, threshold: float = DEFAULT_THRESHOLD) -> GroupTracker:
        """The state of the live documents of ``snapshot`` (its ``group`` and ``sketch`` columns)."""
        tracker = cls(threshold)
        ids, labels, sketches = (snapshot.column(name) for name in ("id", GROUP_FIELD, SKETCH_FIELD))
        for docnum in snapshot.live_documents():
            label, sketch = labels[docnum], sketches[docnum]
            if label is not None:
                doc_id, label = str(ids[docnum]), str(label)
                label = doc_id if label == doc_id else label  # one string, not two equal ones
                tracker._register(doc_id, label, sketch if isinstance(sketch, bytes) else b"")
        return tracker

    def __len__(self) -> int:
        return len(self._numbers)

    def label_of(self, doc_id: str) -> str | None:
        number = self._numbers.get(doc_id)
        return None if number is None else self._labels[number]

    def assign(self, doc_id: str, sketch: tuple[int, ...]) -> str:
        """The label of ``doc_id``'s group (replacing what was known of it) and remember it."""
        self.remove(doc_id)
        best = self._best_match(sketch)
        label = best if best is not None else self._new_label(doc_id)
        self._register(doc_id, label, to_bytes(sketch))
        return label

    def remove(self, doc_id: str) -> None:
        number = self._numbers.pop(doc_id, None)
        if number is None:
            return
        label = self._labels[number]
        assert label is not None
        self._labels[number] = None
        self._sizes[label] -= 1
        if not self._sizes[label]:
            del self._sizes[label]
        self._keys.remove(self._sketch(number)[:LSH_KEYS], number)

    def _register(self, doc_id: str, label: str, sketch: bytes) -> None:
        number = len(self._labels)
        self._numbers[doc_id] = number
        self._labels.append(label)
        self._sizes[label] += 1
        values = sketch[:_SKETCH_BYTES]
        self._sketches += values.ljust(_SKETCH_BYTES, b"\0")
        self._lengths.append(len(values) // 4)
        self._keys.add(from_bytes(values[:4 * LSH_KEYS]), number)

    def _sketch(self, number: int) -> tuple[int, ...]:
        start = number * _SKETCH_BYTES
        return from_bytes(bytes(self._sketches[start:start + 4 * self._lengths[number]]))

    def _best_match(self, sketch: tuple[int, ...]) -> str | None:
        """The label of the most similar document at or above the threshold (the earlier one on a tie)."""
        if not sketch:
            return None
        shared = Counter(self._keys.shared_holders(sketch[:LSH_KEYS]))
        best_label, best_score = None, self.threshold
        for other, count in shared.items():
            if count < MIN_SHARED_KEYS:
                continue
            score = similarity(sketch, self._sketch(other))
            if score >= best_score and (best_label is None or score > best_score):
                best_label, best_score = self._labels[other], score
        return best_label

    def _new_label(self, doc_id: str) -> str:
        label, n = doc_id, 1
        while label in self._sizes:
            n += 1
            label = f"{doc_id}#{n}"
        return label

    def sketch_of(self, doc_id: str) -> tuple[int, ...]:
        number = self._numbers.get(doc_id)
        return () if number is None else self._sketch(number)


def group_sizes(snapshot: Snapshot) -> Counter[str]:
    """Live documents per group label, read from the ``group`` column alone (no sketches)."""
    labels = snapshot.column(GROUP_FIELD)
    return Counter(str(label) for label in map(labels.__getitem__, snapshot.live_documents()) if label is not None)
