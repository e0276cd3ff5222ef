"""Running a query: compile it, cut it to the budget, hand the whole request to the engine, lay out its hits with
snippets, and suggest a correction for unknown words."""

from __future__ import annotations

import time
import warnings
from collections.abc import Collection
from datetime import date, datetime, time as dtime
from typing import Literal

from arsearch.analysis import Analyzer
from arsearch.engine.api import NO_DATE, EngineHit, Filters, Query, Scoring, SearchRequest, Snapshot, date_value
from arsearch.index import Index
from arsearch.search.budget import DEFAULT_BUDGET, Budget, Spent, fit_query, searched_terms, suggest_within
from arsearch.search.collapsing import Duplicate
from arsearch.search.compiler import QueryCompiler
from arsearch.search.dates import parse_date
from arsearch.search.facets import Facets, source_names
from arsearch.search.highlight import Snippet, highlight_whole, make_snippet
from arsearch.search.ordering import Sort, check_sort
from arsearch.search.proximity import with_proximity
from arsearch.search.ranking import DEFAULT_RANKING, Ranking
from arsearch.search.results import Hit, SearchResults
from arsearch.search.spelling import has_unknown_term, query_keys, writes_all

#: The values of :func:`search`'s deprecated ``engine`` argument: ``"whoosh"`` meant the engine's own matchers,
#: ``scoring="matchers"`` now.
Engine = Literal["auto", "whoosh"]


def _day_start(value: date | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, dtime.min)


def _day_end(value: date | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, dtime.max)


def filters_for(snapshot: Snapshot, since: date | str | None, until: date | str | None,
                sources: Collection[str] | None) -> Filters:
    """The request's filters: the days from ``since`` to ``until`` included (a datetime is taken as it is, text as
    :func:`~arsearch.search.dates.parse_date` reads it) and the sources, checked against the index's
    (:class:`QueryError` for a name it does not have)."""
    if isinstance(since, str):
        since = parse_date(since, "since")
    if isinstance(until, str):
        until = parse_date(until, "until", end=True)
    for name, value in (("since", since), ("until", until)):
        if value is not None and not isinstance(value, date):
            raise TypeError(f"{name} must be a date, a datetime or text (YYYY-MM-DD), not {type(value).__name__}")
    return Filters(
        first=date_value(_day_start(since)) if since else None,
        last=min(date_value(_day_end(until)), NO_DATE - 1) if until else None,
        sources=source_names(snapshot, sources) if sources else None,
    )


def search(index: Index, text: str, *, limit: int = 10, offset: int = 0, since: date | str | None = None,
           until: date | str | None = None, ranking: Ranking = DEFAULT_RANKING, snippet_width: int = 220,
           scoring: Scoring = "auto", sources: Collection[str] | None = None, sort: Sort = "relevance",
           facets: bool = False, suggest: bool = True, collapse: bool = True,
           budget: Budget = DEFAULT_BUDGET, engine: Engine | None = None) -> SearchResults:
    """Run ``text`` against ``index``; hits carry snippets of the original text with matches marked.

    ``sources``: only documents of any of these sources (case-insensitive exact names; :class:`QueryError` for a
    name the index does not have; None or empty: every source).  ``sort``: ``"relevance"``, ``"date"`` (newest
    first, ties by score) or ``"recency"`` (the score halved for every ``ranking.half_life_days`` of age).
    ``facets``: also count all matches per source, month and day (:class:`arsearch.search.facets.Facets`).
    ``scoring``: ``"auto"`` lets the engine rank as fast as it can, ``"matchers"`` asks for its general query
    evaluation, to the same scores (``engine="whoosh"`` is the old, deprecated name of it).
    ``snippet_width=0`` gives every hit an empty snippet and skips re-analyzing its content (``query --batch``).
    ``suggest=True`` adds a did-you-mean correction when a query word is unknown to the index
    (:mod:`arsearch.search.spelling`).  ``collapse``: one hit per near-duplicate group, its best-ranked document
    (``offset`` and ``limit`` count groups); ``total`` counts matching documents, copies included.
    ``budget``: the most the search may spend (:mod:`arsearch.search.budget`); a query that would spend more is
    cut down to fit and its results are ``partial`` (:attr:`SearchResults.cuts` says what was cut).
    """
    if engine is not None:
        warnings.warn('search(engine=...) is deprecated: use scoring="matchers" (engine="whoosh") or "auto"',
                      DeprecationWarning, stacklevel=2)
        scoring = "matchers" if engine == "whoosh" else "auto"
    spent = Spent(budget)
    compiler = QueryCompiler(index.analyzer, ranking)
    query, terms = compiler.compile(text)
    sort = check_sort(sort)
    snapshot = index.snapshot()
    query = with_proximity(fit_query(query, snapshot, spent), compiler.pairs, snapshot, budget.postings)
    filters = filters_for(snapshot, since, until, sources)
    request = SearchRequest(query, filters, sort=sort, half_life_days=ranking.half_life_days, collapse=collapse,
                            facets=facets, offset=offset, limit=limit, members=snippet_width > 0 or collapse,
                            content=snippet_width > 0, bm25=ranking.bm25, scoring=scoring)
    response = snapshot.search(request)
    if response.partial:
        spent.cut("the engine answered without all of its data")
    # a cut query's hits are those of the words it kept: only they are looked for in the snippets
    shown = terms & searched_terms(query) if spent.cuts else terms
    hits = [make_hit(index.analyzer, hit, rank, shown, snippet_width)
            for rank, hit in enumerate(response.hits, start=offset + 1)]
    suggestion = None
    # the speller corrects only words unknown to the index or never written: otherwise it has nothing to do
    if suggest and (has_unknown_term(snapshot, terms) or not writes_all(snapshot, query_keys(text))):
        def count(fixed: str) -> int:
            fixed_query = fit_query(compiler.compile(fixed)[0], snapshot, spent)
            return snapshot.search(_counting(fixed_query, filters, request)).total

        suggestion = suggest_within(snapshot, index.analyzer, text, count, spent)
    return SearchResults(text, hits, response.total, (time.perf_counter() - spent.started) * 1000, terms,
                         Facets.of(response.facets) if response.facets is not None else None, suggestion,
                         cuts=tuple(spent.cuts), skipped=tuple(spent.skipped), groups=response.groups)


def _counting(query: Query, filters: Filters, like: SearchRequest) -> SearchRequest:
    """A request that only counts the matches of ``query``."""
    return SearchRequest(query, filters, limit=0, members=False, content=False, bm25=like.bm25, scoring=like.scoring)


def make_hit(analyzer: Analyzer, hit: EngineHit, rank: int, terms: frozenset[str], snippet_width: int,
             exclude: frozenset[str] = frozenset()) -> Hit:
    """A hit with its title and snippet highlighted for ``terms`` and its group's other documents (except the ids
    in ``exclude``)."""
    fields = dict(hit.fields)
    content = str(fields.pop("content", "") or "")
    return Hit(
        rank=rank,
        id=hit.id,
        score=hit.score,
        title=highlight_whole(analyzer, str(fields.get("title", "") or ""), terms),
        snippet=make_snippet(analyzer, content, terms, snippet_width) if snippet_width > 0 else Snippet(""),
        fields=fields,
        group=hit.group,
        duplicates=tuple(Duplicate.of(member) for member in hit.members if member.id not in exclude),
    )
