"""The request types of issue 21, as ``benchmarks/scale.py`` and ``benchmarks/engines.py`` measure them: each
query of a workload asked of arsearch through its public API and of the tantivy peer with tantivy's own means
(``benchmarks/tantivy_peer.py``), top 10 with snippets every time.

| request | arsearch | tantivy-snowball |
|---|---|---|
| plain | ``search(ix, q, limit=10)`` | BM25 top 10 |
| window | ``since=, until=`` (a month) | a fast-field date range query as a non-scoring Must clause |
| facets | ``facets=True`` (source, month, day) | ``Searcher.aggregate``: terms on the source, a 1-day date histogram |
| newest | ``sort="date"`` | ``order_by_field="date"`` |
| recency | ``sort="recency"`` (arsearch's default half-life, 90 days) | the top 500 by BM25 decayed, re-ordered |
| plus_minus | ``+word ... -word`` in the query text | a boolean query: Must / Should / MustNot |
| sources | ``sources=[a, b]`` (the archive's two largest) | a term set query as a non-scoring Must clause |

The workload: the queries (headlines as bags of words); for ``plus_minus`` each query with its first content word
required and a frequent word of the next query excluded (:func:`plus_minus_queries`); a month in the middle of the
archive's days (:func:`month_window`); the archive's two largest sources.  :func:`problems` checks the answers of
one query for what each request promises (dates inside the window, only the sources asked for, newest first,
facet counts summing to the total, a filtered total no larger than the plain one).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

REQUESTS = ("plain", "window", "facets", "newest", "recency", "plus_minus", "sources")
TITLES = {
    "plain": "top 10", "window": "a month", "facets": "facets", "newest": "newest first",
    "recency": "recency", "plus_minus": "+word -word", "sources": "two sources",
}
LIMIT = 10
#: The issue's target: each request type's p50 at most this many times tantivy's own.
RATIO_TARGET = 1.5
#: The longest date window; an archive of fewer than three times as many days gets the middle third of them.
WINDOW_DAYS = 30
#: A word shorter than this is never made required or excluded.
MIN_WORD_LETTERS = 3


@dataclass(frozen=True)
class Workload:
    queries: list[str]
    #: ``queries[n]`` with ``+`` before its first content word and ``-word`` after it.
    plus_minus: list[str]
    since: date
    until: date
    sources: tuple[str, ...]

    def text(self, request: str, n: int) -> str:
        return self.plus_minus[n] if request == "plus_minus" else self.queries[n]


@dataclass(frozen=True)
class Answer:
    """What a request found, the same on every system: ``(id, date, source)`` of each hit, the total and facets
    (``{"source" | "month" | "day": {value or None: count}}``)."""

    hits: list[tuple[str, datetime | None, str]]
    total: int | None
    facets: dict[str, dict[str | None, int]] | None = None
    #: The system answered a reduced query (arsearch's budget drops the commonest optional words).
    partial: bool = False


Request = Callable[[str], Answer]


def month_window(first: date, last: date) -> tuple[date, date]:
    """:data:`WINDOW_DAYS` days (fewer for a short archive) in the middle of ``first``..``last``, inclusive."""
    span = (last - first).days + 1
    length = max(1, min(WINDOW_DAYS, span // 3))
    since = first + timedelta(days=(span - length) // 2)
    return since, since + timedelta(days=length - 1)


def largest_sources(counts: Mapping[str, int], n: int = 2) -> tuple[str, ...]:
    """The ``n`` sources with the most documents (ties by name)."""
    return tuple(sorted(counts, key=lambda s: (-counts[s], s))[:n])


def plus_minus_queries(queries: list[str]) -> list[str]:
    """Each query with ``+`` before its first content word and ``-word`` appended, the word being the one of the
    next query (cyclically; the one after if it has none) that occurs in the most queries.  A content word: letters
    only, at least :data:`MIN_WORD_LETTERS`, one term and no stopword for arsearch's default analyzer, and not a
    term of the query itself.  A query without a content word is left as it is."""
    from arsearch import Analyzer

    analyzer = Analyzer()

    def term(word: str) -> str | None:
        if not word.isalpha() or len(word) < MIN_WORD_LETTERS:
            return None
        tokens = analyzer.tokens(word)
        return tokens[0].term if len(tokens) == 1 and not tokens[0].stopword else None

    words = [[(w, term(w)) for w in q.split()] for q in queries]
    frequency = Counter(t for ws in words for t in {t for _, t in ws if t})
    out = []
    for n, ws in enumerate(words):
        required = next((i for i, (_, t) in enumerate(ws) if t), None)
        if required is None:
            out.append(queries[n])
            continue
        own = {t for _, t in ws}
        excluded = None
        for step in range(1, len(words)):
            others = [(w, t) for w, t in words[(n + step) % len(words)] if t and t not in own]
            if others:
                excluded = max(others, key=lambda wt: frequency[wt[1]])[0]  # max keeps the first of equals
                break
        signed = [f"+{w}" if i == required else w for i, (w, _) in enumerate(ws)]
        out.append(" ".join(signed + ([f"-{excluded}"] if excluded else [])))
    return out


def workload(queries: list[str], first_day: date, last_day: date, source_counts: Mapping[str, int]) -> Workload:
    since, until = month_window(first_day, last_day)
    return Workload(queries, plus_minus_queries(queries), since, until, largest_sources(source_counts))


# --------------------------------------------------------------------------- the two sides


def each_request(answer: Callable[..., Answer], w: Workload) -> dict[str, Request]:
    """Each request type as a call of ``answer(text, **options)``, the options named as ``arsearch.search``'s
    (``since``, ``until``, ``facets``, ``sort``, ``sources``), which the peer's ``search`` takes too."""
    sources = list(w.sources)
    return {
        "plain": lambda q: answer(q),
        "window": lambda q: answer(q, since=w.since, until=w.until),
        "facets": lambda q: answer(q, facets=True),
        "newest": lambda q: answer(q, sort="date"),
        "recency": lambda q: answer(q, sort="recency"),
        "plus_minus": lambda q: answer(q),
        "sources": lambda q: answer(q, sources=sources),
    }


def arsearch_requests(ix: Any, w: Workload) -> dict[str, Request]:
    """Each request type on an open ``arsearch.Index``, through ``arsearch.search``."""
    from arsearch import search

    def answer(text: str, **options: Any) -> Answer:
        found = search(ix, text, limit=LIMIT, **options)
        facets = None
        if found.facets is not None:
            facets = {name: {c.value: c.count for c in getattr(found.facets, name)}
                      for name in ("source", "month", "day")}
        return Answer([(h.id, h.date, h.source) for h in found.hits], found.total, facets, found.partial)

    return each_request(answer, w)


def peer_requests(peer: Any, w: Workload) -> dict[str, Request]:
    """Each request type on an open ``benchmarks.tantivy_peer.Searcher``."""

    def answer(text: str, **options: Any) -> Answer:
        found = peer.search(text, limit=LIMIT, **options)
        return Answer([(h.id, h.date, h.source) for h in found.hits], found.total, found.facets)

    return each_request(answer, w)


# --------------------------------------------------------------------------- checking the answers


def problems(answers: Mapping[str, Answer], w: Workload) -> list[str]:
    """What is wrong with the answers of one query (by request type); empty when nothing is."""
    found = []
    for request, a in answers.items():
        if len(a.hits) > LIMIT:
            found.append(f"{request}: {len(a.hits)} hits")
    window = answers.get("window")
    if window:
        outside = [i for i, d, _ in window.hits if d is None or not w.since <= d.date() <= w.until]
        if outside:
            found.append(f"window: {len(outside)} hits outside {w.since}..{w.until}, e.g. {outside[0]}")
    chosen = answers.get("sources")
    if chosen:
        wanted = {s.lower() for s in w.sources}
        other = sorted({s for _, _, s in chosen.hits if s.lower() not in wanted})
        if other:
            found.append(f"sources: hits of {', '.join(other)}")
    newest = answers.get("newest")
    if newest:
        order = [(d is not None, d or datetime.min) for _, d, _ in newest.hits]
        if order != sorted(order, reverse=True):
            found.append("newest: hits not newest first")
    faceted = answers.get("facets")
    if faceted and faceted.facets is not None:
        for name in ("source", "day"):
            counted = sum(faceted.facets.get(name, {}).values())
            if counted != faceted.total:
                found.append(f"facets: {name} counts sum to {counted}, the total is {faceted.total}")
    plain = answers.get("plain")
    if plain and plain.total is not None and not plain.partial:  # a reduced query's total is no upper bound
        for request in ("window", "plus_minus", "sources"):
            narrower = answers.get(request)
            if narrower and narrower.total is not None and narrower.total > plain.total:
                found.append(f"{request}: total {narrower.total} above the plain query's {plain.total}")
    return found
