"""arsearch's query tree (:data:`arsearch.engine.api.Query`) and filters as OpenSearch's query DSL.

Terms reach the cluster as arsearch analyzed them: a ``term`` query of the analyzed field (never a ``match``,
which would analyze them again), a phrase as ``match_phrase`` of the terms joined by spaces (the whitespace
analyzer splits them back).  ``AnyOf.scale`` (Whoosh's coordination bonus, off in the default ranking) has no
counterpart here, as on the tantivy engine: an :class:`AnyOf` is the plain sum of its parts.  A term of an
analyzed field can be weighted (its boost times ``weight(field, text)``): the snapshot uses it to give each term
the idf the Whoosh engine gives it.  Filters are ``filter`` clauses, which score nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from arsearch.documents import writable
from arsearch.engine.api import AllOf, AndMaybe, AnyOf, Filters, Phrase, Query, Term
from arsearch.engine.opensearch.schema import ANALYZED, INDEXED, SOURCE_NAMES

Clause = dict[str, Any]
NOTHING: Clause = {"match_none": {}}
EVERYTHING: Clause = {"match_all": {}}


class QueryBuilder:
    def __init__(self, weight: Callable[[str, str], float] | None = None) -> None:
        self._weight = weight

    def query(self, query: Query) -> Clause:
        if isinstance(query, Term):
            return self.term(query.field, query.text, query.boost)
        if isinstance(query, Phrase):
            return self._phrase(query)
        if isinstance(query, AnyOf):
            parts = [self.query(part) for part in _flat(query)]
            return {"bool": {"should": parts, "minimum_should_match": 1}} if parts else NOTHING
        if isinstance(query, AllOf):
            return {"bool": {"must": [self.query(part) for part in query.parts]}} if query.parts else NOTHING
        if isinstance(query, AndMaybe):
            return {"bool": {"must": [self.query(query.required)], "should": [self.query(query.optional)]}}
        return {"bool": {"must": [self.query(query.positive)], "must_not": [self.query(query.negative)]}}

    def term(self, field: str, text: str, boost: float = 1.0) -> Clause:
        name = INDEXED.get(field)
        if name is None:
            return NOTHING
        text = writable(text)
        if self._weight is not None and field in ANALYZED:
            boost *= self._weight(field, text)
        return {"term": {name: {"value": text, "boost": boost}}}

    def _phrase(self, phrase: Phrase) -> Clause:
        if len(phrase.words) == 1:
            return self.term(phrase.field, phrase.words[0], phrase.boost)
        if phrase.field not in ANALYZED or not phrase.words:
            return NOTHING
        found: dict[str, Any] = {"query": " ".join(writable(word) for word in phrase.words), "boost": phrase.boost}
        if phrase.slop:
            found["slop"] = phrase.slop
        return {"match_phrase": {phrase.field: found}}

    # filters
    @staticmethod
    def filters(filters: Filters, *, sources: bool = True) -> list[Clause]:
        """The clauses of ``filters`` (without its sources when not ``sources``)."""
        found: list[Clause] = []
        if filters.has_dates:
            bounds: dict[str, int] = {}
            if filters.first is not None:
                bounds["gte"] = filters.first
            if filters.last is not None:
                bounds["lte"] = filters.last
            found.append({"range": {"date": bounds}})
        if sources and filters.sources is not None:
            found.append(sources_clause(filters.sources))
        return found


def sources_clause(sources: tuple[str, ...]) -> Clause:
    names = sorted({writable(name) for name in sources})
    return {"terms": {SOURCE_NAMES: names}} if names else NOTHING


def filtered(query: Clause, clauses: list[Clause]) -> Clause:
    """``query``'s matches that match every clause, scored as ``query`` scores them."""
    return {"bool": {"must": [query], "filter": clauses}} if clauses else query


def _flat(query: AnyOf) -> list[Query]:
    found: list[Query] = []
    for part in query.parts:
        if isinstance(part, AnyOf) and part.scale is None:
            found.extend(_flat(part))
        else:
            found.append(part)
    return found
