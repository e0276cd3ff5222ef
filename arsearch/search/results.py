"""What a search returns: ranked hits with highlighted snippets, and what is known of the whole result."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from arsearch.search.collapsing import Duplicate
from arsearch.search.facets import Facets
from arsearch.search.highlight import Snippet
from arsearch.search.spelling import Suggestion


@dataclass(frozen=True)
class Hit:
    rank: int
    id: str
    score: float
    title: Snippet
    snippet: Snippet
    fields: dict[str, Any] = field(repr=False)
    #: The label of the hit's near-duplicate group ("" for an index without groups, format 2 and older).
    group: str = ""
    #: The other documents of the group (every copy, shown or not).
    duplicates: tuple[Duplicate, ...] = ()

    @property
    def date(self) -> datetime | None:
        return self.fields.get("date")

    @property
    def source(self) -> str:
        return str(self.fields.get("source") or "")

    @property
    def url(self) -> str:
        return str(self.fields.get("url") or "")

    @property
    def path(self) -> str:
        return str(self.fields.get("path") or "")

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``arsearch query --json``."""
        return {
            "id": self.id,
            "title": self.title.text,
            "score": round(self.score, 4),
            "snippet": self.snippet.text,
            "date": self.date.isoformat() if self.date else None,
            "source": self.source,
            "url": self.url,
            "path": self.path,
            "rank": self.rank,
            "highlights": [list(span) for span in self.snippet.spans],
            "group": self.group,
            "duplicate_count": len(self.duplicates),
            "duplicates": [d.to_dict() for d in self.duplicates],
        }


@dataclass(frozen=True)
class SearchResults:
    query: str
    hits: list[Hit]
    total: int
    elapsed_ms: float
    terms: frozenset[str]
    #: Counts per source, month and day of all matches, when ``search(..., facets=True)`` asked for them.
    facets: Facets | None = None
    #: A corrected query when a word of this one is unknown to the index (``search(suggest=True)``).
    suggestion: Suggestion | None = None
    #: What the search's budget cut (:mod:`arsearch.search.budget`), in words; empty for a whole answer.
    cuts: tuple[str, ...] = ()
    #: With collapsing: the near-duplicate groups among the matches, what ``offset`` can page through (None: the
    #: engine did not count them, or copies were not folded).
    groups: int | None = None
    #: Optional work the budget skipped or stopped short (did-you-mean), in words: the hits and total are whole.
    skipped: tuple[str, ...] = ()

    @property
    def partial(self) -> bool:
        """Whether the budget cut the search: hits and total are those of a reduced query (a did-you-mean skipped
        for time is in :attr:`skipped`, not here)."""
        return bool(self.cuts)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``arsearch query --json --envelope`` (and of the HTTP API): the hits with what is
        known of the whole result."""
        shape = {
            "query": self.query,
            "total": self.total,
            "elapsed_ms": round(self.elapsed_ms, 3),
            "hits": [hit.to_dict() for hit in self.hits],
            "suggestion": self.suggestion.to_dict() if self.suggestion else None,
            "partial": self.partial,
        }
        if self.groups is not None:
            shape["groups"] = self.groups
        if self.facets is not None:
            shape["facets"] = self.facets.to_dict()
        return shape
