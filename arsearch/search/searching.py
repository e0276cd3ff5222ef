"""Running a query: compile it, choose the documents the filters allow, rank them (one hit per near-duplicate
group), build hits with snippets, and suggest a correction for unknown words."""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time as dtime
from typing import Literal

from arsearch.analysis import Analyzer
from arsearch.engine.api import SCORED_FIELDS, BagOfTerms, Query, Scored, Snapshot
from arsearch.index import Index
from arsearch.search.budget import DEFAULT_BUDGET, Budget, Spent, fit_query, suggest_within
from arsearch.search.collapsing import Groups, collapsed_page
from arsearch.search.compiler import QueryCompiler
from arsearch.search.facets import Facets, count_facets, dated_documents, source_documents
from arsearch.search.highlight import Snippet, highlight_whole, make_snippet
from arsearch.search.ordering import Sort, by_date, by_relevance, check_sort, recency_boosted
from arsearch.search.plan import bag_of_terms
from arsearch.search.ranking import DEFAULT_RANKING, Ranking
from arsearch.search.results import Hit, SearchResults
from arsearch.search.spelling import has_unknown_term, query_keys, writes_all

#: ``"auto"``: the bag-of-terms scorer where it applies; ``"whoosh"``: always the engine's own matchers
#: (:meth:`Snapshot.run`), to the same scores.  The name is kept from when Whoosh was the only engine.
Engine = Literal["auto", "whoosh"]


@dataclass(frozen=True)
class Filters:
    """The documents the date window allows (None: all) and those of the chosen sources (None: all)."""

    dates: set[int] | None = None
    sources: set[int] | None = None


@dataclass(frozen=True)
class Search:
    """One query on one snapshot, with its filters and how to rank."""

    snapshot: Snapshot
    query: Query
    filters: Filters
    ranking: Ranking
    engine: Engine

    def ranked(self, *, first: int, count: int, sort: Sort = "relevance",
               facets: bool = False) -> tuple[Scored, int, Facets | None]:
        """``(page, total, facets)``: the ``count`` matching ``(docnum, score)`` from rank ``first`` (0-based) in
        the order ``sort``, the number of matches, and the facets of all matches if asked for.

        Relevance without facets keeps only the best ``first + count`` while scoring; the other orders and the
        facets need every match with its score.
        """
        if sort == "relevance" and not facets:
            top, total = self._top(first + count)
            return top[first:first + count], total, None
        matches = self._all()
        wanted = self.filters.sources
        filtered = matches if wanted is None else [m for m in matches if m[0] in wanted]
        snapshot = self.snapshot
        found = count_facets(snapshot, (d for d, _ in matches), (d for d, _ in filtered)) if facets else None
        if sort == "date":
            ordered = by_date(filtered, snapshot.dates(), first + count)
        elif sort == "recency":
            boosted = recency_boosted(filtered, snapshot.dates(), self.ranking.half_life_days, snapshot.date_range())
            ordered = by_relevance(boosted, first + count)
        else:
            ordered = by_relevance(filtered, first + count)
        return ordered[first:first + count], len(filtered), found

    def collapsed(self, groups: Groups, offset: int, limit: int, sort: Sort,
                  facets: bool) -> tuple[Scored, int, Facets | None]:
        """:meth:`ranked` with one document per near-duplicate group; ``offset`` and ``limit`` count groups."""
        if sort == "relevance" and not facets:
            def ranked(n: int) -> tuple[Scored, int]:
                page, total, _ = self.ranked(first=0, count=n)
                return page, total

            return (*collapsed_page(ranked, groups, offset, limit), None)
        # every match is scored anyway (for the facets or the order): order them all once
        everything, total, found = self.ranked(first=0, count=self.snapshot.doc_count_all(), sort=sort,
                                               facets=facets)
        page, _ = collapsed_page(lambda n: (everything[:n], total), groups, offset, limit)
        return page, total, found

    def _bag(self) -> tuple[BagOfTerms | None, set[int] | None]:
        """The terms the bag scorer ranks the query by and the documents it may return (None: all that have a
        term), within the dates; ``(None, None)`` when only the engine's matchers can run the query."""
        found = bag_of_terms(self.query, SCORED_FIELDS) if self.engine == "auto" else None
        if found is None:
            return None, None
        bag, selects = found
        allowed = self.snapshot.matching(self.query) if selects else None
        dates = self.filters.dates
        if dates is not None:
            allowed = dates if allowed is None else allowed & dates
        return bag, allowed

    def _top(self, count: int) -> tuple[Scored, int]:
        bag, allowed = self._bag()
        sources = self.filters.sources
        bm25 = self.ranking.bm25
        if bag is not None:
            if sources is not None:
                allowed = sources if allowed is None else allowed & sources
            return self.snapshot.top(bag, count, bm25, allowed)
        return self.snapshot.run(self.query, count, bm25, _both(self.filters.dates, sources))

    def _all(self) -> Scored:
        """Every match within the dates (not yet narrowed to the sources: the source facet counts them)."""
        bag, allowed = self._bag()
        if bag is not None:
            return self.snapshot.all(bag, self.ranking.bm25, allowed)
        return self.snapshot.run(self.query, None, self.ranking.bm25, self.filters.dates)[0]


def _both(first: set[int] | None, second: set[int] | None) -> set[int] | None:
    if first is None or second is None:
        return second if first is None else first
    return first & second


def _day_start(value: date | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, dtime.min)


def _day_end(value: date | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, dtime.max)


def filters_for(snapshot: Snapshot, since: date | None, until: date | None,
                sources: Collection[str] | None) -> Filters:
    dates = None
    if since or until:
        first, last = _day_start(since) if since else datetime.min, _day_end(until) if until else datetime.max
        dates = dated_documents(snapshot, first, last)
    return Filters(dates, source_documents(snapshot, sources) if sources else None)


def search(index: Index, text: str, *, limit: int = 10, offset: int = 0, since: date | None = None,
           until: date | None = None, ranking: Ranking = DEFAULT_RANKING, snippet_width: int = 220,
           engine: Engine = "auto", sources: Collection[str] | None = None, sort: Sort = "relevance",
           facets: bool = False, suggest: bool = True, collapse: bool = True,
           budget: Budget = DEFAULT_BUDGET) -> SearchResults:
    """Run ``text`` against ``index``; hits carry snippets of the original text with matches marked.

    ``sources``: only documents of any of these sources (case-insensitive exact names; :class:`QueryError` for a
    name the index does not have; None or empty: every source).  ``sort``: ``"relevance"``, ``"date"`` (newest
    first, ties by score) or ``"recency"`` (the score halved for every ``ranking.half_life_days`` of age).
    ``facets``: also count all matches per source, month and day (:class:`arsearch.search.facets.Facets`).

    Queries of words, phrases and the operators of the query syntax are scored by the engine's bag-of-terms
    scorer (BM25F a posting list at a time; for queries with operators the engine's matchers select the
    documents); ``engine="whoosh"`` scores with the engine's own matchers, to the same scores.
    ``snippet_width=0`` gives every hit an empty snippet and skips re-analyzing its content (``query --batch``).
    ``suggest=True`` adds a did-you-mean correction when a query word is unknown to the index
    (:mod:`arsearch.search.spelling`).  ``collapse``: one hit per near-duplicate group, its best-scoring document
    (``offset`` and ``limit`` count groups); ``total`` counts matching documents, copies included.
    ``budget``: the most the search may spend (:mod:`arsearch.search.budget`); a query that would spend more is
    cut down to fit and its results are ``partial`` (:attr:`SearchResults.cuts` says what was cut).
    """
    spent = Spent(budget)
    compiler = QueryCompiler(index.analyzer, ranking)
    query, terms = compiler.compile(text)
    sort = check_sort(sort)
    snapshot = index.snapshot()
    query = fit_query(query, snapshot, spent)
    filters = filters_for(snapshot, since, until, sources)
    run = Search(snapshot, query, filters, ranking, engine)
    # near-duplicate collapsing (arsearch.search.collapsing): a separate step over the ranking
    groups = Groups.of(snapshot, True) if snippet_width > 0 or collapse else None
    if collapse and groups is not None:
        page, total, found_facets = run.collapsed(groups, offset, limit, sort, facets)
    else:
        page, total, found_facets = run.ranked(first=offset, count=limit, sort=sort, facets=facets)
    hits = [make_hit(index.analyzer, snapshot, docnum, score, rank, terms, snippet_width, groups)
            for rank, (docnum, score) in enumerate(page, start=offset + 1)]
    suggestion = None
    # the speller corrects only words unknown to the index or never written: otherwise it has nothing to do
    if suggest and (has_unknown_term(snapshot, terms) or not writes_all(snapshot, query_keys(text))):
        def count(fixed: str) -> int:
            fixed_query = fit_query(compiler.compile(fixed)[0], snapshot, spent)
            return Search(snapshot, fixed_query, filters, ranking, engine).ranked(first=0, count=1)[1]

        suggestion = suggest_within(snapshot, index.analyzer, text, count, spent)
    results = SearchResults(text, hits, total, (time.perf_counter() - spent.started) * 1000, terms, found_facets,
                            suggestion, cuts=tuple(spent.cuts))
    return results


def make_hit(analyzer: Analyzer, snapshot: Snapshot, docnum: int, score: float, rank: int, terms: frozenset[str],
             snippet_width: int, groups: Groups | None, exclude: frozenset[int] = frozenset()) -> Hit:
    """A hit with its title and snippet highlighted for ``terms`` and its group's other documents (except
    ``exclude``)."""
    stored = snapshot.stored(docnum, content=snippet_width > 0)
    content = str(stored.pop("content", "") or "")
    return Hit(
        rank=rank,
        id=str(stored["id"]),
        score=score,
        title=highlight_whole(analyzer, str(stored.get("title", "") or ""), terms),
        snippet=make_snippet(analyzer, content, terms, snippet_width) if snippet_width > 0 else Snippet(""),
        fields=stored,
        group=groups.label(docnum) if groups is not None else "",
        duplicates=groups.duplicates_of(docnum, exclude) if groups is not None else (),
    )
