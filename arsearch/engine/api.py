"""The contract between arsearch and an index engine: what the index, search and ingest layers call.

An engine stores documents whose text it analyzes with arsearch's own :class:`~arsearch.analysis.Analyzer`, so
terms are the same on every engine, and answers a :class:`Snapshot` of its last commit: queries as trees of
:data:`Query`, BM25F scores of a :class:`BagOfTerms`, per-document columns, term statistics and stored fields.
Documents are numbered within a snapshot (``0 .. doc_count_all() - 1``, deleted documents included); a number
means nothing in another snapshot.

Modelled on what arsearch calls, not on any engine's API: an implementation lives in its own folder
(:mod:`arsearch.engine.whoosh`) and is the only importer of its library.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol, Union

from arsearch.analysis import AnalyzerSettings
from arsearch.documents import Document

#: Analyzed text fields; a query word without ``field:`` searches :data:`TEXT_FIELDS`.
TEXT_FIELDS = ("title", "content")
SCORED_FIELDS = frozenset({"title", "content", "author"})
#: Fields a query may name with ``field:``.
QUERY_FIELDS = ("title", "content", "author", "source", "id", "url")
#: Per-document values a snapshot reads without loading stored text (:meth:`Snapshot.column`); ``date`` as
#: :func:`date_value` (:data:`NO_DATE`: undated), ``sketch`` as bytes, the others as text.
COLUMNS = ("id", "path", "fingerprint", "source", "group", "sketch", "date")
#: The date column's value for a document without a date; other values count microseconds since
#: ``datetime.min`` (:func:`date_value`).
NO_DATE = 2**64 - 1
DAY_MICROSECONDS = 86_400_000_000
#: A document's lead is its first words: news states its subject there.
LEAD_WORDS = 30
#: An occurrence in the lead counts 1 + this many times in the term's weight (BM25F's frequency).
DEFAULT_LEAD_WEIGHT = 4.0


def date_value(moment: datetime) -> int:
    """A date as the date column holds it: microseconds since ``datetime.min`` (naive, as stored)."""
    delta = moment.replace(tzinfo=None) - datetime.min
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def date_of(value: int) -> datetime:
    """The inverse of :func:`date_value`."""
    return datetime.min + timedelta(microseconds=value)


# Queries ---------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    """Documents with ``text`` (an analyzed term; a lowercased name for ``source``) in ``field``."""

    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase:
    """Documents with ``words`` (analyzed terms) at consecutive positions of ``field``."""

    field: str
    words: tuple[str, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class AnyOf:
    """Documents matching any part; ``scale``: a coordination bonus for matching more of them (BM25F's sum
    times Whoosh's ``CoordMatcher`` formula), None for the plain sum."""

    parts: tuple[Query, ...]
    scale: float | None = None


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Query, ...]


@dataclass(frozen=True)
class AndMaybe:
    """Documents matching ``required``; ``optional`` only adds to their score."""

    required: Query
    optional: Query


@dataclass(frozen=True)
class AndNot:
    """Documents matching ``positive`` and not ``negative``."""

    positive: Query
    negative: Query


Query = Union[Term, Phrase, AnyOf, AllOf, AndMaybe, AndNot]


def leaves(query: Query) -> Iterator[Term | Phrase]:
    if isinstance(query, (Term, Phrase)):
        yield query
    elif isinstance(query, (AnyOf, AllOf)):
        for part in query.parts:
            yield from leaves(part)
    elif isinstance(query, AndMaybe):
        yield from leaves(query.required)
        yield from leaves(query.optional)
    else:
        yield from leaves(query.positive)
        yield from leaves(query.negative)


@dataclass(frozen=True)
class BagOfTerms:
    """What a query of words and phrases scores by: its terms ``(field, text, boost)`` in query order, its phrases,
    and the coordination scale of its top-level :class:`AnyOf` (None: none)."""

    leaves: tuple[tuple[str, str, float], ...]
    scale: float | None = None
    phrases: tuple[Phrase, ...] = ()


@dataclass(frozen=True)
class Bm25:
    k1: float = 1.2
    b: float = 0.75


#: ``(document number, score)`` pairs.
Scored = list[tuple[int, float]]


# What engines do -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Layout:
    """What an engine must know to store documents the arsearch way."""

    settings: AnalyzerSettings
    #: The lead weight of the content field (0: none, index format 1).
    lead_weight: float = 0.0
    #: Whether documents carry a near-duplicate ``group`` and ``sketch`` (index format 3).
    groups: bool = False


@dataclass(frozen=True)
class EngineStats:
    documents: int
    deleted: int
    terms: int
    segments: int


class Snapshot(Protocol):
    """One commit of an index, searched by one thread at a time.  Deleted documents keep their numbers: the
    per-document values (:meth:`column`, :meth:`dates`, :meth:`date_range`, :meth:`sources`, :meth:`stored`)
    include them, every other operation leaves them out."""

    def is_current(self) -> bool:
        """Whether this is still the last commit."""

    def doc_count(self) -> int:
        """Live documents."""

    def doc_count_all(self) -> int:
        """Document numbers in use, deleted documents included."""

    def stats(self) -> EngineStats: ...

    # terms
    def has_term(self, field: str, text: str) -> bool: ...

    def doc_frequency(self, field: str, text: str) -> int: ...

    def term_documents(self, field: str, text: str, limit: int | None = None) -> list[int]:
        """The live documents with the term, in document order, at most ``limit``."""

    def field_terms(self, field: str) -> list[str]:
        """Every term of ``field`` (for ``source``: the source names)."""

    # matching and scoring
    def matching(self, query: Query) -> set[int]:
        """Every live document that matches ``query``."""

    def top(self, bag: BagOfTerms, limit: int, bm25: Bm25, allowed: Collection[int] | None = None
            ) -> tuple[Scored, int]:
        """The best ``limit`` documents with a term or phrase of ``bag`` (among ``allowed``, if given) by BM25F,
        best first and ties by document number, and how many match."""

    def all(self, bag: BagOfTerms, bm25: Bm25, allowed: Collection[int] | None = None) -> Scored:
        """Every document :meth:`top` would rank, in no order."""

    def run(self, query: Query, limit: int | None, bm25: Bm25, allowed: Collection[int] | None = None
            ) -> tuple[Scored, int]:
        """``query`` matched and scored by the engine itself, best first (``limit`` None: every match): for
        shapes a :class:`BagOfTerms` cannot express, and the check that both score alike."""

    # per-document values
    def column(self, name: str) -> Sequence[str | bytes | int | None]:
        """The value of one of :data:`COLUMNS` for every document number (None: the document has none); for
        looking up a few documents (:meth:`dates` reads them all at once)."""

    def dates(self) -> Sequence[int]:
        """The date of every document number as :func:`date_value` (:data:`NO_DATE`: undated)."""

    def date_range(self) -> tuple[int, int] | None:
        """The oldest and newest date (deleted documents included), None when no document is dated."""

    def sources(self) -> Sequence[tuple[str, ...]]:
        """The source names of every document number, as ``source:`` and :meth:`field_terms` spell them."""

    def live_documents(self) -> Iterator[int]: ...

    def document_number(self, doc_id: str) -> int | None: ...

    def stored(self, docnum: int, *, content: bool = True) -> dict[str, object]:
        """The stored fields of a document: those of :class:`~arsearch.documents.Document`, ``fingerprint`` and,
        with groups, ``group``; without ``content`` when ``content`` is False (a hit without a snippet)."""


@dataclass(frozen=True)
class StoredDocument:
    """A document as an engine writes it."""

    document: Document
    group: str | None = None
    sketch: bytes | None = None


class EngineWriter(Protocol):
    """Changes that become one commit; one writer at a time (the index facade holds the lock)."""

    def add(self, stored: StoredDocument, *, replace: bool = True) -> None:
        """Write a document, first deleting any of the same id when ``replace``."""

    def delete(self, doc_id: str) -> None: ...

    def commit(self) -> None: ...

    def cancel(self) -> None: ...


class Engine(Protocol):
    """An open index folder."""

    def snapshot(self) -> Snapshot:
        """The last commit, for the calling thread (engines may keep one per thread and refresh it)."""

    def writer(self, *, procs: int = 1, memory_mb: int = 256, durable: bool = True) -> EngineWriter:
        """``durable``: the commit survives a power loss or an OS crash once ``commit`` returns (the engine's new
        files and the record of the commit are fsync'ed before it is published, the folder after); False for bulk
        loads that can be run again."""

    def generation(self) -> int:
        """A number that changes with every commit."""

    def settle(self) -> None:
        """Finish what the writers' commits left running (tantivy's segment merges, which a next writer of the
        same process may share) and let go of the engine's own write lock; called when the index's write lock
        is released."""

    def close(self) -> None:
        """Close every snapshot; not while other threads search."""


class EngineKind(Protocol):
    """How to create and open one kind of engine's indexes."""

    name: str
    #: Files of the engine's own that must survive a rebuild (a lock another process may hold).
    kept_on_rebuild: frozenset[str]

    def exists(self, path: Path) -> bool:
        """Whether ``path`` holds this engine's index, without opening it."""

    def create(self, path: Path, layout: Layout) -> Engine: ...

    def open(self, path: Path, layout: Layout) -> Engine:
        """Open and check the index; :class:`~arsearch.errors.IndexFormatError` when it is damaged."""
