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

from collections import Counter
from dataclasses import dataclass

from arsearch.engine.api import Snapshot
from arsearch.index.near_duplicates import (DEFAULT_THRESHOLD, LSH_KEYS, MIN_SHARED_KEYS, from_bytes, similarity,
                                      to_bytes)

#: Fields of the schema that hold the groups (index format 3).
GROUP_FIELD = "group"
SKETCH_FIELD = "sketch"
#: A look-up key held by more documents than this is a boilerplate shingle (a paper's "share on Twitter" line
#: starts 2,800 of its articles): it finds no candidates.  Copies of one story share many other keys.
MAX_KEY_HOLDERS = 100


@dataclass(slots=True)
class _Member:
    label: str
    #: The sketch as stored in the column (4 bytes a value: a quarter of the memory of a tuple of ints).
    sketch: bytes

    def keys(self) -> tuple[int, ...]:
        return from_bytes(self.sketch[:4 * LSH_KEYS])


class GroupTracker:
    """The grouping state of an index: each live document's label and sketch, and the look-up keys."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        self._members: dict[str, _Member] = {}
        #: key -> the ids holding it, in the order they came; most keys have one holder, kept as the bare id (a
        #: list each would be two thirds of the tracker's memory: 16 keys a document).
        self._keys: dict[int, str | list[str]] = {}
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
                tracker._register(doc_id, _Member(label, sketch if isinstance(sketch, bytes) else b""))
        return tracker

    def __len__(self) -> int:
        return len(self._members)

    def label_of(self, doc_id: str) -> str | None:
        member = self._members.get(doc_id)
        return member.label if member else None

    def assign(self, doc_id: str, sketch: tuple[int, ...]) -> str:
        """The label of ``doc_id``'s group (replacing what was known of it) and remember it."""
        self.remove(doc_id)
        best = self._best_match(sketch)
        label = best if best is not None else self._new_label(doc_id)
        self._register(doc_id, _Member(label, to_bytes(sketch)))
        return label

    def remove(self, doc_id: str) -> None:
        member = self._members.pop(doc_id, None)
        if member is None:
            return
        self._sizes[member.label] -= 1
        if not self._sizes[member.label]:
            del self._sizes[member.label]
        keys = self._keys
        for key in member.keys():  # noqa: SIM118 (a sketch's keys, not a dict's)
            holders = keys.get(key)
            if holders is None:
                continue
            if isinstance(holders, str):
                if holders == doc_id:
                    del keys[key]
                continue
            holders.remove(doc_id)
            if len(holders) == 1:
                keys[key] = holders[0]

    def _register(self, doc_id: str, member: _Member) -> None:
        self._members[doc_id] = member
        self._sizes[member.label] += 1
        keys = self._keys
        for key in member.keys():  # noqa: SIM118 (a sketch's keys, not a dict's)
            holders = keys.get(key)
            if holders is None:
                keys[key] = doc_id
            elif isinstance(holders, str):
                keys[key] = [holders, doc_id]
            else:
                holders.append(doc_id)

    def _best_match(self, sketch: tuple[int, ...]) -> str | None:
        """The label of the most similar document at or above the threshold (the earlier one on a tie)."""
        if not sketch:
            return None
        shared: Counter[str] = Counter()
        for key in sketch[:LSH_KEYS]:
            holders = self._keys.get(key)
            if holders is None:
                continue
            if isinstance(holders, str):
                shared[holders] += 1
            elif len(holders) <= MAX_KEY_HOLDERS:
                shared.update(holders)
        best_label, best_score = None, self.threshold
        for other, count in shared.items():
            if count < MIN_SHARED_KEYS:
                continue
            member = self._members[other]
            score = similarity(sketch, from_bytes(member.sketch))
            if score >= best_score and (best_label is None or score > best_score):
                best_label, best_score = member.label, score
        return best_label

    def _new_label(self, doc_id: str) -> str:
        label, n = doc_id, 1
        while label in self._sizes:
            n += 1
            label = f"{doc_id}#{n}"
        return label

    def sketch_of(self, doc_id: str) -> tuple[int, ...]:
        member = self._members.get(doc_id)
        return from_bytes(member.sketch) if member else ()


def group_sizes(snapshot: Snapshot) -> Counter[str]:
    """Live documents per group label, read from the ``group`` column alone (no sketches)."""
    labels = snapshot.column(GROUP_FIELD)
    return Counter(str(label) for label in map(labels.__getitem__, snapshot.live_documents()) if label is not None)
