"""Near-duplicate candidates: the committed documents that share the most look-up keys with a new document, each
with its sketch, ranked the same way by every engine.

A snapshot that can (:class:`BatchedCandidates`, the tantivy engine) reads them from its columns, without loading
a stored document; any other gets them from :meth:`Snapshot.sharing` and :meth:`Snapshot.get`
(:func:`candidates_many`).  Candidates sharing as many keys are ranked by :func:`text_key` of their ids, a number
an engine keeps in a column, so no engine reads an id to rank them.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from hashlib import blake2b
from typing import Any, Protocol, runtime_checkable

from arsearch.engine.api import Snapshot, get_documents, sharing_many

#: How many more documents than asked a look-up fetches, so that those tied with the last one are most often all
#: there without a second look-up.
TIES = 40


def text_key(text: str) -> int:
    """A 64-bit number of ``text`` (an id or a group label), the same in every process and engine."""
    return int.from_bytes(blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


def sketch_bytes(values: Sequence[int]) -> bytes:
    """A sketch as engines store it: its 32-bit values, native order."""
    return array("I", values).tobytes()


def sketch_values(data: bytes) -> tuple[int, ...]:
    """A sketch stored as bytes (32-bit values, native order), as its values."""
    found = array("I")
    found.frombytes(data)
    return tuple(found)


@dataclass(frozen=True)
class Candidate:
    """A committed document sharing ``shared`` look-up keys with a new one: ``key`` is :func:`text_key` of its id;
    ``ref`` is what its snapshot needs to read its group label (:func:`candidate_label`)."""

    key: int
    shared: int
    sketch: tuple[int, ...]
    ref: Any


@runtime_checkable
class BatchedCandidates(Protocol):
    """A snapshot that ranks candidates itself (optional, as the other batched look-ups of the contract)."""

    def candidates_many(self, field: str, texts: Sequence[Sequence[str]], *, at_least: int,
                        limit: int) -> list[list[Candidate]]:
        """:func:`candidates_many` of each of ``texts``."""

    def candidate_label(self, candidate: Candidate) -> str:
        """The group label of ``candidate`` (its id when it has none)."""


def ranked(found: Sequence[tuple[str, int]], limit: int) -> list[tuple[str, int]]:
    """Of ``(id, shared keys)``, the first ``limit`` by most keys, then by :func:`text_key` of the id."""
    return sorted(found, key=lambda hit: (-hit[1], text_key(hit[0])))[:limit]


def complete(found: list[tuple[str, int]], asked: int, limit: int) -> bool:
    """Whether :meth:`Snapshot.sharing`'s answer ``found`` to a look-up of ``asked`` documents holds every document
    tied with the ``limit``-th (it holds fewer than asked, or its last shares fewer keys)."""
    return len(found) < asked or found[-1][1] < found[min(limit, len(found)) - 1][1]


def candidates_many(snapshot: Snapshot, field: str, texts: Sequence[Sequence[str]], *, at_least: int,
                    limit: int) -> list[list[Candidate]]:
    """For each of ``texts`` (look-up keys, terms of ``field``), the live documents with at least ``at_least`` of
    them: the ``limit`` with the most (ties by :func:`text_key` of the id), with their sketches, in that order."""
    native = getattr(snapshot, "candidates_many", None)  # not isinstance: a protocol check costs microseconds
    if native is not None:
        return list(native(field, texts, at_least=at_least, limit=limit))
    asked = limit + TIES
    answers = sharing_many(snapshot, field, texts, at_least=at_least, limit=asked)
    chosen: list[list[tuple[str, int]]] = []
    for terms, found in zip(texts, answers):
        more = asked
        while found and not complete(found, more, limit):
            more *= 2
            found = snapshot.sharing(field, terms, at_least=at_least, limit=more)
        chosen.append(ranked(found, limit))
    ids = list(dict.fromkeys(doc_id for hits in chosen for doc_id, _ in hits))
    stored = dict(zip(ids, get_documents(snapshot, ids, content=False)))
    return [[Candidate(text_key(doc_id), shared, sketch_values(bytes(document.get("sketch") or b"")), document)
             for doc_id, shared in hits if (document := stored[doc_id]) is not None] for hits in chosen]


def candidate_label(snapshot: Snapshot, candidate: Candidate) -> str:
    """The group label of ``candidate``, one of :func:`candidates_many`'s answers from ``snapshot``."""
    native = getattr(snapshot, "candidate_label", None)
    if native is not None:
        return str(native(candidate))
    stored: dict[str, Any] = candidate.ref
    return str(stored.get("group") or stored.get("id") or "")
