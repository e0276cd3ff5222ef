"""What one search may spend, and how a query is cut down to fit: the work it asks of the engine is estimated from
term statistics before the engine runs it, so every engine is bounded alike.

The cost of a query is the postings its ranking reads: every term's documents (its document frequency in its
field), and for a phrase its words' documents, :data:`PHRASE_COST` times (their positions are compared).  A
query that costs more than its :class:`Budget` is answered in part, never refused:

- optional terms and phrases (a word or phrase in the title or the content, words of an OR, the optional part
  of ``+a b``) past the first ``terms`` look-ups are dropped unseen (a pasted article is searched by its first
  words);
- of the rest, the costliest are dropped until the others fit ``postings``: common words add the least to a
  BM25 score, so the top hits change least, and a phrase of stopwords is matched in titles only;
- the did-you-mean speller gets what is left of ``seconds`` (at most ``spelling_seconds``) and is skipped when
  nothing is left (noted in :attr:`Spent.skipped`: the hits are whole, so the answer is not partial).

Required and excluded words and phrases are never dropped: a partial answer never matches a document the query
excludes or lacks a word it requires.  When the required words cost more than ``postings`` (each posting
:data:`REQUIRED_COST` times: the engine intersects them), the costliest are matched in titles only until they fit,
so ``+في +من +على`` answers with the documents whose titles hold its commonest words, a subset of its matches.
What was cut is listed in :attr:`Spent.cuts`; ``SearchResults.partial`` is then true.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from arsearch.analysis import Analyzer
from arsearch.engine.api import (SCORED_FIELDS, AllOf, AndMaybe, AndNot, AnyOf, Phrase, Query, Snapshot, Term,
                                 doc_frequencies, leaves)
from arsearch.search.spelling import DEFAULT_BUDGET as DEFAULT_SPELLING_BUDGET
from arsearch.search.spelling import Suggestion, did_you_mean


@dataclass(frozen=True)
class Budget:
    """The most one search may spend.  The defaults were chosen so that queries the budget cuts take about 0.5 s
    at most on the 30,677-article corpus (``benchmarks/hostile_queries.py``; the figures, and what is not
    reached, in ``benchmarks/HARDENING.md``)."""

    #: Terms and phrases looked up (each word is looked up in the title and in the content); optional ones past
    #: this many (in the order of the query) are dropped without being looked up.
    terms: int = 64
    #: Postings the ranking may read (the sum of the document frequencies of the terms it scores).
    postings: int = 100_000
    #: Wall-clock seconds of the whole search after which optional work (did you mean) is skipped.
    seconds: float = 0.4
    #: The most the did-you-mean speller may take of what is left of ``seconds``.
    spelling_seconds: float = 0.2


DEFAULT_BUDGET = Budget()
#: No bound at all: the whole answer however long it takes (benchmarks' peer, exact comparisons).
UNLIMITED = Budget(terms=2**62, postings=2**62, seconds=math.inf, spelling_seconds=math.inf)


@dataclass
class Spent:
    """One search's account against its budget: when it started and what had to be cut."""

    budget: Budget
    started: float = field(default_factory=time.perf_counter)
    cuts: list[str] = field(default_factory=list)
    #: Optional work skipped or stopped short (did-you-mean): the hits and the total are whole.
    skipped: list[str] = field(default_factory=list)

    def cut(self, reason: str) -> None:
        if reason not in self.cuts:
            self.cuts.append(reason)

    def skip(self, reason: str) -> None:
        if reason not in self.skipped:
            self.skipped.append(reason)

    def seconds_left(self) -> float:
        return self.budget.seconds - (time.perf_counter() - self.started)

    def spelling_seconds(self) -> float:
        """The time the speller may take: 0 when the search has none left."""
        return max(0.0, min(self.budget.spelling_seconds, self.seconds_left()))


def fit_query(query: Query, snapshot: Snapshot, spent: Spent) -> Query:
    """``query`` cut down to ``spent.budget`` (see the module): the same query when it fits."""
    costs = _Costs(snapshot)
    required, looked_up, _ = _looked_up(query, spent.budget)
    costs.look_up([*required, *looked_up])
    query = _narrow_required(query, costs, spent)
    budget = spent.budget
    required, looked_up, optional = _looked_up(query, budget)
    if len(optional) > len(looked_up):  # looking them all up would cost more than the budget allows
        spent.cut(f"{len(optional) - len(looked_up)} optional terms past the first {budget.terms} look-ups dropped")
    left = budget.postings - sum(costs.of(leaf) for leaf in required)
    kept: set[tuple[str, object]] = set()
    matching = False  # whether a kept leaf has documents: the cheapest one that has is kept whatever it costs
    for leaf in sorted(looked_up, key=lambda leaf: (costs.of(leaf), str(_key(leaf)))):
        cost = costs.of(leaf)
        if cost > left and matching:
            break
        kept.add(_key(leaf))
        left -= cost
        matching = matching or cost > 0
    if len(kept) == len(optional):
        return query
    pruned = _prune(query, kept)
    if pruned is None:
        return query
    dropped = [leaf for leaf in looked_up if _key(leaf) not in kept]
    phrases = sum(isinstance(leaf, Phrase) for leaf in dropped)
    if dropped:
        spent.cut(f"{len(dropped)} of {len(looked_up)} optional terms and phrases dropped, the commonest"
                  + (f" ({phrases} of them {'a phrase' if phrases == 1 else 'phrases'})" if phrases else ""))
    return pruned


def _looked_up(query: Query, budget: Budget) -> tuple[list[Term | Phrase], list[Term | Phrase], list[Term | Phrase]]:
    """The required leaves of ``query``, the optional ones whose costs the budget lets be looked up, and all the
    optional ones."""
    optional = list(dict.fromkeys(_optional_leaves(query, optional=False)))
    optional_keys = {_key(leaf) for leaf in optional}
    required = [leaf for leaf in dict.fromkeys(leaves(query)) if _key(leaf) not in optional_keys]
    return required, optional[:max(budget.terms - len(required), 1)], optional


#: A phrase's postings cost this many times a term's: the engine reads and compares their positions.
PHRASE_COST = 2


class _Costs:
    """The postings each leaf reads, each document frequency looked up once."""

    def __init__(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self._found: dict[tuple[str, str], int] = {}

    def term(self, fieldname: str, text: str) -> int:
        key = (fieldname, text)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = self._snapshot.doc_frequency(fieldname, text)
        return found

    def look_up(self, leaves_: Iterable[Term | Phrase]) -> None:
        """Look up the terms of ``leaves_`` at once (where the snapshot can), for :meth:`of` to find."""
        wanted: dict[tuple[str, str], None] = {}
        for leaf in leaves_:
            if isinstance(leaf, Term):
                if leaf.field in SCORED_FIELDS:
                    wanted[(leaf.field, leaf.text)] = None
            else:
                wanted.update(dict.fromkeys((leaf.field, word) for word in leaf.words))
        asked = [key for key in wanted if key not in self._found]
        if len(asked) > 1:
            self._found.update(zip(asked, doc_frequencies(self._snapshot, asked)))

    def of(self, leaf: Term | Phrase) -> int:
        if isinstance(leaf, Term):
            return self.term(leaf.field, leaf.text) if leaf.field in SCORED_FIELDS else 0
        return PHRASE_COST * sum(self.term(leaf.field, w) for w in dict.fromkeys(leaf.words))


def _narrow_required(query: Query, costs: _Costs, spent: Spent) -> Query:
    """``query`` with its costliest required words (a word or phrase in the title or the content) matched in the
    title only, until what its required words read fits ``spent.budget.postings``: a narrower query, so a partial
    answer still matches only documents that match ``query``."""
    words = list(dict.fromkeys(_required_words(query, required=False)))
    if not words:
        return query
    beyond = {word: REQUIRED_COST * sum(costs.of(leaf) for leaf in _leaves_of(word) if leaf.field != TITLE)
              for word in words}
    spending = REQUIRED_COST * sum(costs.of(leaf) for word in words for leaf in _leaves_of(word))
    narrowed: dict[AnyOf, Query] = {}
    for word in sorted(words, key=lambda w: -beyond[w]):
        if spending <= spent.budget.postings or not beyond[word]:
            break
        titles = tuple(leaf for leaf in _leaves_of(word) if leaf.field == TITLE)
        narrowed[word] = titles[0] if len(titles) == 1 else AnyOf(titles, word.scale)
        spending -= beyond[word]
    if not narrowed:
        return query
    spent.cut(f"{len(narrowed)} of {len(words)} required words too common for the budget: matched in titles only")
    return _replaced(query, narrowed)


TITLE = "title"
#: A required word's postings cost this many times an optional term's: they are intersected by the engine's general
#: matchers, not scored by its bag of terms.
REQUIRED_COST = 3


def _leaves_of(word: AnyOf) -> tuple[Term | Phrase, ...]:
    return tuple(part for part in word.parts if isinstance(part, (Term, Phrase)))


def _is_word(query: AnyOf) -> bool:
    """Whether ``query`` is one word or phrase searched in the title and other fields (as the compiler writes
    it), so that its title part alone matches a subset of its documents."""
    fields = [part.field for part in query.parts if isinstance(part, (Term, Phrase))]
    return len(fields) == len(query.parts) > 1 and TITLE in fields and all(f in SCORED_FIELDS for f in fields)


def _required_words(query: Query, required: bool) -> Iterable[AnyOf]:
    """The words (:func:`_is_word`) a document must match to match ``query``: parts of an AllOf, the required
    side of an AndMaybe, never inside an exclusion or an alternative."""
    if isinstance(query, AnyOf):
        if required and _is_word(query):
            yield query
        elif len(query.parts) == 1:
            yield from _required_words(query.parts[0], required)
    elif isinstance(query, AllOf):
        for part in query.parts:
            yield from _required_words(part, True)
    elif isinstance(query, AndMaybe):
        yield from _required_words(query.required, True)
    elif isinstance(query, AndNot):
        yield from _required_words(query.positive, required)


def _replaced(query: Query, narrowed: dict[AnyOf, Query]) -> Query:
    """``query`` with each word of ``narrowed`` replaced, outside exclusions (which are never narrowed)."""
    if isinstance(query, AnyOf):
        if query in narrowed:
            return narrowed[query]
        return AnyOf(tuple(_replaced(part, narrowed) for part in query.parts), query.scale)
    if isinstance(query, AllOf):
        return AllOf(tuple(_replaced(part, narrowed) for part in query.parts))
    if isinstance(query, AndMaybe):
        return AndMaybe(_replaced(query.required, narrowed), query.optional)
    if isinstance(query, AndNot):
        return AndNot(_replaced(query.positive, narrowed), query.negative)
    return query


def _key(leaf: Term | Phrase) -> tuple[str, object]:
    return (leaf.field, leaf.text) if isinstance(leaf, Term) else (leaf.field, leaf.words)


def _optional_leaves(query: Query, optional: bool) -> Iterable[Term | Phrase]:
    """The scored terms and the phrases a document may match the query without: parts of an AnyOf of several
    parts, and of the optional side of an AndMaybe (never of a required or excluded part)."""
    if isinstance(query, (Term, Phrase)):
        if optional and query.field in SCORED_FIELDS:
            yield query
    elif isinstance(query, AnyOf):
        for part in query.parts:
            yield from _optional_leaves(part, optional or len(query.parts) > 1)
    elif isinstance(query, AndMaybe):
        yield from _optional_leaves(query.optional, True)
    elif isinstance(query, AndNot):
        yield from _optional_leaves(query.positive, optional)


def _prune(query: Query, kept: set[tuple[str, object]], optional: bool = False) -> Query | None:
    """``query`` without the optional leaves (as :func:`_optional_leaves` finds them) not in ``kept``; None when
    nothing of it is left."""
    if isinstance(query, (Term, Phrase)):
        dropped = optional and query.field in SCORED_FIELDS and _key(query) not in kept
        return None if dropped else query
    if isinstance(query, AnyOf):
        inner = optional or len(query.parts) > 1
        parts = tuple(p for p in (_prune(part, kept, inner) for part in query.parts) if p is not None)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 and query.scale is None else AnyOf(parts, query.scale)
    if isinstance(query, AndMaybe):
        rest = _prune(query.optional, kept, True)
        return query.required if rest is None else AndMaybe(query.required, rest)
    if isinstance(query, AndNot):
        positive = _prune(query.positive, kept, optional)
        return None if positive is None else AndNot(positive, query.negative)
    return query  # an AllOf: required, kept whole


def searched_terms(query: Query) -> frozenset[str]:
    """The terms ``query`` looks for (its words and its phrases' words)."""
    found: set[str] = set()
    for leaf in leaves(query):
        found.update((leaf.text,) if isinstance(leaf, Term) else leaf.words)
    return frozenset(found)


def suggest_within(snapshot: Snapshot, analyzer: Analyzer, text: str, count: Callable[[str], int],
                   spent: Spent) -> Suggestion | None:
    """:func:`~arsearch.search.spelling.did_you_mean` in the time ``spent`` leaves it: None, and a skip noted, when
    the speller has no time left; a skip noted when it stopped short (its own budget)."""
    seconds = spent.spelling_seconds()
    if seconds <= 0:
        spent.skip("no did-you-mean: no time left")
        return None
    found = did_you_mean(snapshot, analyzer, text, count,
                         budget=replace(DEFAULT_SPELLING_BUDGET, seconds=min(seconds, DEFAULT_SPELLING_BUDGET.seconds)))
    if found.partial:
        spent.skip("did-you-mean stopped short of trying every word")
    return found.suggestion
