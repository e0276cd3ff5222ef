"""arsearch's query trees as Whoosh queries."""

from __future__ import annotations

from whoosh import query as wq

from arsearch.engine import api
from arsearch.engine.api import AllOf, AndMaybe, AnyOf, Phrase, Query, Term
from arsearch.engine.whoosh.exclusion import AndNot


def to_whoosh(query: Query) -> wq.Query:
    if isinstance(query, Term):
        return wq.Term(query.field, query.text, boost=query.boost)
    if isinstance(query, Phrase):
        # Whoosh's slop is the largest step between the positions of one word and the next (1: adjacent)
        return wq.Phrase(query.field, list(query.words), slop=query.slop + 1, boost=query.boost)
    if isinstance(query, AnyOf):
        return wq.Or([to_whoosh(part) for part in query.parts], scale=query.scale)
    if isinstance(query, AllOf):
        return wq.And([to_whoosh(part) for part in query.parts])
    if isinstance(query, AndMaybe):
        return wq.AndMaybe(to_whoosh(query.required), to_whoosh(query.optional))
    if isinstance(query, api.AndNot):
        return AndNot(to_whoosh(query.positive), to_whoosh(query.negative))
    raise TypeError(f"not a query: {query!r}")
