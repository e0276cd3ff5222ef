"""The JSON shapes of the HTTP API, for its OpenAPI schema.

Handlers return the library's own dicts (``SearchResults.to_dict()``, ...), so keys the library adds reach clients
unchanged; these models document the shapes and the tests check real responses against them.
"""

from __future__ import annotations

from typing import Optional

from pydantic import BaseModel, ConfigDict, Field


class DuplicateOut(BaseModel):
    id: str
    source: str
    date: Optional[str] = Field(description="ISO 8601, or null.")


class HitOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    title: str
    score: float
    snippet: str = Field(description="A passage of the original text around the matches.")
    date: Optional[str] = Field(description="ISO 8601, or null.")
    source: str
    url: str
    path: str
    rank: int = Field(description="1-based, counted over the whole result (offset + 1 for the first hit).")
    highlights: list[list[int]] = Field(description="[start, end) character offsets of matched words in snippet.")
    group: str = Field(description="Label of the hit's near-duplicate group (\"\" in an index before format 3).")
    duplicate_count: int = Field(description="How many other documents are in the group.")
    duplicates: list[DuplicateOut] = Field(description="The group's other documents, oldest first.")


class FacetCountOut(BaseModel):
    value: Optional[str] = Field(description="null: documents without a source or date.")
    count: int


class SuggestionOut(BaseModel):
    query: str = Field(description="The query with its unknown words corrected from the index vocabulary.")
    total: int = Field(description="Documents the corrected query finds.")


class SearchOut(BaseModel):
    """``SearchResults.to_dict()``: the same object as ``arsearch query --json --envelope``."""

    model_config = ConfigDict(extra="allow")

    query: str
    total: int = Field(description="Documents matching the query and filters.")
    groups: Optional[int] = Field(None, description="When copies are folded (not all=true): the stories (groups "
                                  "of near-duplicates) among the matches, what offset pages through; absent "
                                  "otherwise.")
    elapsed_ms: float
    hits: list[HitOut]
    facets: Optional[dict[str, list[FacetCountOut]]] = Field(
        None, description="With facets=true: counts of all matches per source, month and day.")
    suggestion: Optional[SuggestionOut] = Field(
        None, description="Did you mean: a corrected query when a query word is unknown to the index, else null.")
    partial: bool = Field(False, description="true when the search reached its budget: the hits and total are "
                                             "those of the query without its commonest optional words, or there "
                                             "was no time for did-you-mean.")


class TokenOut(BaseModel):
    term: str = Field(description="What the word is indexed and searched as.")
    surface: str = Field(description="The word as written: text[start:end].")
    start: int
    end: int
    position: int
    stopword: bool


class AnalyzeOut(BaseModel):
    text: str
    tokens: list[TokenOut]


class DocumentIn(BaseModel):
    """A document to index, read as a file's record is (other keys, such as ``body`` or ``date_extracted``, are
    read too); a document with the same id is replaced.  A record without content or id is refused (400)."""

    model_config = ConfigDict(extra="allow")

    id: str = Field("", description="The document's id; without it, its url.")
    content: str = Field("", description="The text (or, when it is blank, body, text or contents).")
    title: str = ""
    date: Optional[str] = Field(None, description="YYYY-MM-DD or YYYY/MM/DD, optionally with a time and zone "
                                "(2015-07-22T01:00:00+03:00): filed under the day it says.")
    source: str = ""
    url: str = ""
    author: str = ""


class DocumentOut(BaseModel):
    id: str
    title: str
    content: str
    date: Optional[str]
    source: str
    url: str
    author: str
    path: str


class IndexedOut(BaseModel):
    indexed: int = Field(description="Documents added or replaced, in one commit.")


class DeletedOut(BaseModel):
    deleted: str


class HealthOut(BaseModel):
    status: str = Field(description="\"ok\" (200), or \"starting\" (503) while the server warms up.")
    documents: int


class ErrorOut(BaseModel):
    error: str = Field(description="One line saying what went wrong.")
    status: int = Field(description="The HTTP status code, repeated.")
