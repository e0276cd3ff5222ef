"""Which queries the bag-of-terms scorer (:mod:`arsearch.engine.whoosh.scoring`) can rank, and by which terms
(:class:`BagOfTerms`).

A query built of AnyOf, AllOf, AndMaybe and AndNot scores as the sum of the parts that match (an excluded part
scores nothing), so the sum over its leaves, on the documents the query matches, is BM25F's ranking of it.
The scorer computes that sum a posting list at a time; this module decides when it applies.
"""

from __future__ import annotations

from dataclasses import dataclass

from arsearch.engine.api import AllOf, AndMaybe, AndNot, AnyOf, Phrase, Query, Term

#: ``(Whoosh document number, score)`` pairs.
Scored = list[tuple[int, float]]


@dataclass(frozen=True)
class BagOfTerms:
    """What a query of words and phrases scores by: its terms ``(field, text, boost)`` in query order, its phrases,
    and the coordination scale of its top-level :class:`AnyOf` (None: none)."""

    leaves: tuple[tuple[str, str, float], ...]
    scale: float | None = None
    phrases: tuple[Phrase, ...] = ()


def bag_of_terms(query: Query, fields: frozenset[str]) -> tuple[BagOfTerms, bool] | None:
    """The terms and phrases of ``fields`` that score ``query``, and whether Whoosh's matchers must select its
    documents; None when only Whoosh's own evaluation of the whole query can rank it.

    An AnyOf of words needs no selection: a document matches when it has a leaf.  Required or excluded parts, and
    terms of other fields (``source:``, ``id:``), need it; those terms may only select documents, so one under an
    AnyOf, where a document could match by it alone, leaves the query to the engine.  A coordination bonus is
    applied for the top-level AnyOf of words only, as Whoosh's ``CoordMatcher`` does.
    """
    leaves: list[tuple[str, str, float]] = []
    phrases: list[Phrase] = []
    selects = deep = False

    def walk(q: Query, optional: bool, ors: int = 0) -> bool:
        nonlocal selects, deep
        if isinstance(q, Term):
            if q.field in fields:
                leaves.append((q.field, q.text, q.boost))
                return True
            selects = True
            return not optional
        if isinstance(q, Phrase):
            if q.field in fields:
                phrases.append(q)
                return True
            return False
        if isinstance(q, AnyOf):
            if q.scale and q is not query:  # coordination inside: the engine's matchers decide
                return False
            deep = deep or ors >= 2
            return all(walk(sub, optional or len(q.parts) > 1, ors + 1) for sub in q.parts)
        selects = True
        if isinstance(q, AllOf):
            return all(walk(sub, optional, ors) for sub in q.parts)
        if isinstance(q, AndMaybe):
            return walk(q.required, optional, ors) and walk(q.optional, True, ors)
        if isinstance(q, AndNot):
            return walk(q.positive, optional, ors)
        return False

    if not walk(query, False) or not (leaves or phrases):
        return None
    # a lone part is scored as it is, without coordination
    scale = query.scale if isinstance(query, AnyOf) and len(query.parts) > 1 else None
    if scale and (selects or deep):  # CoordMatcher's count is checked for an AnyOf of words (each of fields)
        return None
    return BagOfTerms(tuple(leaves), scale or None, tuple(phrases)), selects
