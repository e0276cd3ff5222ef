"""Proximity: documents where the query's words stand near each other rank higher.

Each pair of words next to each other in the query (stopwords left out) becomes a sloppy :class:`Phrase` of the
engine contract with a small boost, an optional part of the query: it matches no document the words do not, and
adds to the score of those where the two words stand within ``slop`` positions of each other, in the title or the
content.  Every engine runs it, as it runs any phrase.  The pairs are added after the query is cut to its budget
(:mod:`arsearch.search.budget`), only those whose words the cut query still has and only as many as the postings
left allow (cheapest first): proximity only reorders, so leaving pairs out makes no answer partial.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from arsearch.engine.api import SCORED_FIELDS, AllOf, AndMaybe, AndNot, AnyOf, Phrase, Query, Snapshot, Term, leaves
from arsearch.search.budget import PHRASE_COST

#: Pairs of a longer query are not added: a pasted paragraph is searched by its words.
MAX_PAIRS = 16


def adjacent_pairs(words: Sequence[str], fields: Sequence[tuple[str, float]], slop: int) -> tuple[Phrase, ...]:
    """Sloppy phrases of each two consecutive ``words`` (distinct, in query order) in each ``(field, boost)``;
    none when the query has more than :data:`MAX_PAIRS` pairs."""
    pairs = list(dict.fromkeys((a, b) for a, b in pairwise(words) if a != b))
    if len(pairs) > MAX_PAIRS:
        return ()
    return tuple(Phrase(field, pair, boost, slop) for pair in pairs for field, boost in fields if boost > 0)


def with_proximity(query: Query, pairs: Sequence[Phrase], snapshot: Snapshot, postings: int) -> Query:
    """``query`` with the ``pairs`` whose words it still searches in that field, cheapest first while their
    postings (``PHRASE_COST`` times their words' document frequencies) fit in what ``postings`` leaves after the
    query's own."""
    if not pairs:
        return query
    searched = {(leaf.field, word) for leaf in leaves(query)
                for word in ((leaf.text,) if isinstance(leaf, Term) else leaf.words)}
    frequency: dict[tuple[str, str], int] = {}

    def df(field: str, word: str) -> int:
        key = (field, word)
        if key not in frequency:
            frequency[key] = snapshot.doc_frequency(field, word)
        return frequency[key]

    def cost(leaf: Term | Phrase) -> int:
        if isinstance(leaf, Term):
            return df(leaf.field, leaf.text) if leaf.field in SCORED_FIELDS else 0
        return PHRASE_COST * sum(df(leaf.field, word) for word in dict.fromkeys(leaf.words))

    postings -= sum(cost(leaf) for leaf in dict.fromkeys(leaves(query)))
    candidates = [pair for pair in pairs if all((pair.field, word) in searched for word in pair.words)]
    kept = []
    for pair in sorted(candidates, key=cost):
        if cost(pair) == 0:
            continue  # a word the field does not have: the phrase matches nothing
        if cost(pair) > postings:
            break
        postings -= cost(pair)
        kept.append(pair)
    if not kept:
        return query
    order = {pair: n for n, pair in enumerate(pairs)}
    return _attached(query, tuple(sorted(kept, key=order.__getitem__)))


def _attached(query: Query, pairs: tuple[Phrase, ...]) -> Query:
    """``query`` with ``pairs`` as optional parts: in its top-level OR of words when it is one (a pair matches
    only documents with both its words, which that OR matches), else beside it, where they only add to the
    score."""
    if isinstance(query, AnyOf) and query.scale is None:
        return AnyOf(query.parts + pairs)
    if isinstance(query, AndNot):
        return AndNot(_attached(query.positive, pairs), query.negative)
    if isinstance(query, AndMaybe):
        optional = query.optional
        parts = optional.parts if isinstance(optional, AnyOf) and optional.scale is None else (optional,)
        return AndMaybe(query.required, AnyOf(parts + pairs))
    if isinstance(query, (Term, Phrase, AllOf, AnyOf)):
        return AndMaybe(query, AnyOf(pairs) if len(pairs) > 1 else pairs[0])
    raise TypeError(f"not a query: {query!r}")
