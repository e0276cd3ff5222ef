"""The contract between arsearch and an index engine: what the index, search and ingest layers call.

An engine stores documents whose text it analyzes with arsearch's own :class:`~arsearch.analysis.Analyzer`, so
terms are the same on every engine, and answers a :class:`Snapshot` of its last commit at the level of a whole
request: a :class:`SearchRequest` (a query tree of :data:`Query`, non-scoring filters, an order, collapsing by
near-duplicate group, facets, a page) in, a :class:`SearchResponse` (hits by external id with their stored fields,
the total, the facet counts) out; beside it, term statistics (document frequencies, terms by prefix) and stored
documents by id.  No engine's document numbers cross it, so an engine may live in a folder or on other machines.

Modelled on what arsearch calls, not on any engine's API: an implementation lives in its own folder
(:mod:`arsearch.engine.whoosh`, :mod:`arsearch.engine.tantivy`) and is the only importer of its library.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal, Protocol, Union, runtime_checkable

from arsearch.analysis import AnalyzerSettings
from arsearch.documents import Document

#: Analyzed text fields; a query word without ``field:`` searches :data:`TEXT_FIELDS`.
TEXT_FIELDS = ("title", "content")
SCORED_FIELDS = frozenset({"title", "content", "author"})
#: Fields a query may name with ``field:``.
QUERY_FIELDS = ("title", "content", "author", "source", "id", "url")
#: The date value engines store for a document without a date; other values count microseconds since
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
    """Documents with ``words`` (analyzed terms) in order at consecutive positions of ``field``.  With ``slop`` > 0
    (a sloppy phrase: words near each other, what a ranking's proximity asks for), up to ``slop`` other positions
    may stand between each word and the next; an engine may also match the words out of order within the slop
    (Lucene and tantivy count a swap of two words as moves of their positions), never farther apart."""

    field: str
    words: tuple[str, ...]
    boost: float = 1.0
    slop: int = 0


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
class Bm25:
    k1: float = 1.2
    b: float = 0.75



# What engines do -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Layout:
    """What an engine must know to store documents the arsearch way."""

    settings: AnalyzerSettings
    #: The lead weight of the content field (0: none).
    lead_weight: float = DEFAULT_LEAD_WEIGHT


@dataclass(frozen=True)
class EngineStats:
    """What an engine knows of its last commit without a pass over its documents or terms."""

    documents: int
    deleted: int
    segments: int


# Requests --------------------------------------------------------------------------------------------------------

Sort = Literal["relevance", "date", "recency"]
#: ``"auto"``: the engine ranks as fast as it can; ``"matchers"``: the engine's general query evaluation, to the
#: same scores (the check that both agree; engines with one way ignore it).
Scoring = Literal["auto", "matchers"]


@dataclass(frozen=True)
class Filters:
    """Non-scoring filters, combined by AND: documents dated from ``first`` to ``last`` (:func:`date_value`,
    inclusive; None: unbounded; undated documents are outside any window) and of any of ``sources`` (lowercased
    names as the ``source`` field indexes them; None: every source)."""

    first: int | None = None
    last: int | None = None
    sources: tuple[str, ...] | None = None

    @property
    def has_dates(self) -> bool:
        return self.first is not None or self.last is not None


@dataclass(frozen=True)
class SearchRequest:
    """One whole search, as an engine answers it.

    ``sort``: ``"relevance"`` (score, then the engine's document order), ``"date"`` (newest first, the same date
    by score, undated last) or ``"recency"`` (each score times ``0.5 ** (age / half_life_days)``, the age counted
    back from the newest dated document of the index, an undated document as old as the oldest; the hit's score
    is that product).  ``collapse``: one hit per near-duplicate group, its first in the order; ``offset`` and
    ``limit`` then count groups.  ``facets``: count every match per source (ignoring ``filters.sources``, as
    multi-select facets do) and per day (every filter).  ``members``: give each hit its group's other live
    documents.  ``content``: return the ``content`` field (False: a hit without a snippet).
    """

    query: Query
    filters: Filters = field(default_factory=Filters)
    sort: Sort = "relevance"
    half_life_days: float = 90.0
    collapse: bool = False
    facets: bool = False
    offset: int = 0
    limit: int = 10
    members: bool = True
    content: bool = True
    bm25: Bm25 = field(default_factory=Bm25)
    scoring: Scoring = "auto"


@dataclass(frozen=True)
class Member:
    """Another live document of a hit's near-duplicate group."""

    id: str
    source: str
    date: datetime | None


@dataclass(frozen=True)
class EngineHit:
    """A hit by external id: its score (as the request's order scores it), its stored fields
    (:data:`STORED_FIELDS`, every one present), its group label and the group's other live documents."""

    id: str
    score: float
    fields: dict[str, Any]
    group: str = ""
    members: tuple[Member, ...] = ()


@dataclass(frozen=True)
class FacetCounts:
    """Matches per source name (None: no source) and per day (``YYYY-MM-DD``; None: undated), in no order."""

    sources: dict[str | None, int]
    days: dict[str | None, int]


@dataclass(frozen=True)
class SearchResponse:
    """``total``: the matching documents (copies included when collapsing); ``facets`` when asked for;
    ``partial``: the engine answered without all of its data (a shard that did not answer); ``groups``: when
    collapsing with facets, the near-duplicate groups among the matches (a document of no group is a group of its
    own: the number of hits collapsed paging can reach); None without facets, unless the engine counted them at no
    cost, and None without collapsing."""

    hits: tuple[EngineHit, ...]
    total: int
    facets: FacetCounts | None = None
    partial: bool = False
    groups: int | None = None


#: The stored fields of a document, as :meth:`Snapshot.get` and :attr:`EngineHit.fields` give them: text fields
#: as text ("" when empty), ``date`` a naive datetime or None.
STORED_FIELDS = ("id", "title", "content", "author", "date", "source", "url", "path", "fingerprint", "group")
#: Exact-value fields that are indexed, not stored, several values a document: their term statistics are the
#: index's side state (the written words for did-you-mean, the near-duplicate look-up keys), committed with the
#: documents that hold them.
KEYWORD_FIELDS = ("word_key", "spelling", "dup_key")


class Snapshot(Protocol):
    """One commit of an index, used by one thread at a time: requests, term statistics and stored documents.
    Nothing that crosses it names a document by an engine's own number."""

    def is_current(self) -> bool:
        """Whether this is still the last commit."""

    def doc_count(self) -> int:
        """Live documents."""

    def stats(self) -> EngineStats:
        """Without a pass over every document or term."""

    def count_terms(self) -> int:
        """The distinct terms of every indexed field (a pass over the term dictionaries)."""

    def search(self, request: SearchRequest) -> SearchResponse: ...

    # term statistics
    def has_term(self, field: str, text: str) -> bool: ...

    def doc_frequency(self, field: str, text: str) -> int:
        """Documents with the term (deleted documents may be counted until the engine merges them away)."""

    def terms(self, field: str, prefix: str = "", limit: int | None = None) -> list[tuple[str, int]]:
        """The terms of ``field`` that start with ``prefix`` with their document frequencies, ordered by term;
        the first ``limit`` of them."""

    def sharing(self, field: str, texts: Sequence[str], *, at_least: int, limit: int) -> list[tuple[str, int]]:
        """The live documents (by id) with at least ``at_least`` of the terms ``texts`` of ``field``, with how many
        of them each has, most first (ties by id), at most ``limit``."""

    # documents
    def get(self, doc_id: str, *, content: bool = True, sketch: bool = True) -> dict[str, Any] | None:
        """The stored fields (:data:`STORED_FIELDS`) of a live document and, when ``sketch``, its ``sketch``
        (bytes), or None."""

    def states(self) -> Iterator[tuple[str, str, str]]:
        """``(id, path, fingerprint)`` of every live document."""

    def date_range(self) -> tuple[datetime, datetime] | None:
        """The oldest and newest date of the live documents (deleted ones may count until merged away)."""


@dataclass(frozen=True)
class StoredDocument:
    """A document as an engine writes it: with its group label, its near-duplicate sketch (its 32-bit values as
    bytes, :func:`~arsearch.engine.candidates.sketch_bytes`; kept, returned by :meth:`Snapshot.get`) and the terms
    of each of :data:`KEYWORD_FIELDS`."""

    document: Document
    group: str = ""
    sketch: bytes = b""
    keywords: Mapping[str, Sequence[str]] = field(default_factory=dict)


class EngineWriter(Protocol):
    """Changes that become one commit; one writer at a time (the index facade holds the lock)."""

    def add(self, stored: StoredDocument, *, replace: bool = True) -> None:
        """Write a document, first deleting any of the same id when ``replace``."""

    def delete(self, doc_id: str) -> None: ...

    def commit(self) -> None: ...

    def cancel(self) -> None: ...


class DocumentEncoding(Protocol):
    """An engine's own work on a document (its analysed text, say), done in the worker processes of the index's
    pipeline before the document's group is known: picklable, called there with the document without its group
    label; the answer is given to :meth:`EncodingWriter.add_encoded`."""

    def __call__(self, stored: StoredDocument) -> object: ...


@runtime_checkable
class BatchedStatistics(Protocol):
    """A snapshot that looks up many document frequencies at once (optional: a cluster does it in one request,
    where each look-up is a round trip)."""

    def doc_frequencies(self, terms: Sequence[tuple[str, str]]) -> list[int]:
        """:meth:`Snapshot.doc_frequency` of each ``(field, text)``."""


def doc_frequencies(snapshot: Snapshot, terms: Sequence[tuple[str, str]]) -> list[int]:
    """:meth:`Snapshot.doc_frequency` of each ``(field, text)``, in one go where the snapshot can."""
    batched = getattr(snapshot, "doc_frequencies", None)  # not isinstance: a protocol check costs microseconds
    if batched is not None:
        return list(batched(terms))
    return [snapshot.doc_frequency(field, text) for field, text in terms]


@runtime_checkable
class BatchedDocuments(Protocol):
    """A snapshot that gives many stored documents at once (optional, as :class:`BatchedStatistics`)."""

    def get_many(self, doc_ids: Sequence[str], *, content: bool = True,
                 sketch: bool = True) -> list[dict[str, Any] | None]:
        """:meth:`Snapshot.get` of each of ``doc_ids``."""


def get_documents(snapshot: Snapshot, doc_ids: Sequence[str], *, content: bool = True,
                  sketch: bool = True) -> list[dict[str, Any] | None]:
    """:meth:`Snapshot.get` of each of ``doc_ids``, in one go where the snapshot can."""
    batched = getattr(snapshot, "get_many", None)
    if batched is not None:
        return list(batched(doc_ids, content=content, sketch=sketch))
    return [snapshot.get(doc_id, content=content, sketch=sketch) for doc_id in doc_ids]


@runtime_checkable
class BatchedSharing(Protocol):
    """A snapshot that answers many :meth:`Snapshot.sharing` look-ups at once (optional, as
    :class:`BatchedStatistics`)."""

    def sharing_many(self, field: str, texts: Sequence[Sequence[str]], *, at_least: int,
                     limit: int) -> list[list[tuple[str, int]]]:
        """:meth:`Snapshot.sharing` of each of ``texts``."""


def sharing_many(snapshot: Snapshot, field: str, texts: Sequence[Sequence[str]], *, at_least: int,
                 limit: int) -> list[list[tuple[str, int]]]:
    """:meth:`Snapshot.sharing` of each of ``texts``, in one go where the snapshot can."""
    batched = getattr(snapshot, "sharing_many", None)
    if batched is not None:
        return list(batched(field, texts, at_least=at_least, limit=limit))
    return [snapshot.sharing(field, terms, at_least=at_least, limit=limit) for terms in texts]


class UngroupedEncoder(Protocol):
    """An engine's encoder of documents for its writer, made for one layout."""

    def encode_ungrouped(self, stored: StoredDocument) -> Any: ...


@dataclass(frozen=True)
class LayoutEncoding:
    """A :class:`DocumentEncoding` by an engine's encoder class: one encoder per class and layout in each process,
    so its analyzer's word table is reused from batch to batch."""

    encoder: Callable[[Layout], UngroupedEncoder]
    layout: Layout

    def __call__(self, stored: StoredDocument) -> Any:
        key = (self.encoder, self.layout)
        encoder = _ENCODERS.get(key)
        if encoder is None:
            encoder = _ENCODERS[key] = self.encoder(self.layout)
        return encoder.encode_ungrouped(stored)


_ENCODERS: dict[tuple[Callable[[Layout], UngroupedEncoder], Layout], UngroupedEncoder] = {}


@runtime_checkable
class EncodingWriter(EngineWriter, Protocol):
    """A writer whose documents can be encoded in worker processes (optional: a writer without it gets each
    document through :meth:`EngineWriter.add`)."""

    def encoding(self) -> DocumentEncoding: ...

    def add_encoded(self, stored: StoredDocument, encoded: object, *, replace: bool = True) -> None:
        """:meth:`add` of ``stored`` (its document and group label; its sketch and keywords may be left out),
        given what :meth:`encoding` made of it without its label."""


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
