"""A whole :class:`~arsearch.engine.api.SearchRequest` on one Whoosh commit, in Python over Whoosh's document
numbers: the filters as sets of documents (the dates from the date column, the sources from the ``source``
postings), ranking by the bag-of-terms scorer where :func:`~arsearch.engine.whoosh.plan.bag_of_terms` allows it
and by Whoosh's matchers elsewhere, the orders, the facets, and collapsing (:mod:`.groups`).

Relevance without facets keeps only the best ``offset + limit`` while scoring; the other orders and the facets
need every match with its score.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from functools import cached_property

from arsearch.engine.api import (DAY_MICROSECONDS, NO_DATE, SCORED_FIELDS, AnyOf, EngineHit, FacetCounts, Filters,
                                 SearchRequest, SearchResponse, Term)
from arsearch.engine.whoosh.commit import Commit
from arsearch.engine.whoosh.groups import Groups, collapsed_page
from arsearch.engine.whoosh.plan import BagOfTerms, Scored, bag_of_terms


def answer(commit: Commit, request: SearchRequest) -> SearchResponse:
    ranker = _Ranker(commit, request, *_allowed(commit, request.filters))
    groups = Groups(commit)
    counted = None
    if request.collapse:
        page, total, facets, counted = ranker.collapsed(groups)
    else:
        page, total, facets = ranker.ranked(first=request.offset, count=request.limit, facets=request.facets)
    hits = tuple(_hit(commit, groups, docnum, score, request) for docnum, score in page)
    return SearchResponse(hits, total, facets, groups=counted)


def _allowed(commit: Commit, filters: Filters) -> tuple[set[int] | None, set[int] | None]:
    """The documents within the dates and those of the sources (None: every document)."""
    dates = sources = None
    if filters.has_dates:
        low = filters.first if filters.first is not None else 0
        high = min(filters.last if filters.last is not None else NO_DATE, NO_DATE - 1)
        # read from the date column: what a date-range query matches, without expanding the range into terms
        dates = {n for n, value in enumerate(commit.dates()) if low <= value <= high}
    if filters.sources is not None:
        known = [Term("source", name) for name in dict.fromkeys(filters.sources)
                 if (("source", name) in commit.reader)]
        sources = commit.matching(AnyOf(tuple(known))) if known else set()
    return dates, sources


class _Ranker:
    """One request's query, order and page on one commit, within ``dates`` and ``sources`` (None: all)."""

    def __init__(self, commit: Commit, request: SearchRequest, dates: set[int] | None,
                 sources: set[int] | None) -> None:
        self.commit = commit
        self.request = request
        self.dates = dates
        self.sources = sources

    def ranked(self, *, first: int, count: int, facets: bool) -> tuple[Scored, int, FacetCounts | None]:
        """``(page, total, facets)``: the ``count`` matching ``(docnum, score)`` from rank ``first`` in the
        request's order, the number of matches, and the facets of all matches if asked for."""
        sort = self.request.sort
        if sort == "relevance" and not facets:
            top, total = self._top(first + count)
            return top[first:first + count], total, None
        matches = self._all()
        wanted = self.sources
        filtered = matches if wanted is None else [m for m in matches if m[0] in wanted]
        commit = self.commit
        found = _facets(commit, (d for d, _ in matches), (d for d, _ in filtered)) if facets else None
        if sort == "date":
            ordered = _by_date(filtered, commit.dates(), first + count)
        elif sort == "recency":
            boosted = _recency_boosted(filtered, commit.dates(), self.request.half_life_days, commit.date_range())
            ordered = _by_relevance(boosted, first + count)
        else:
            ordered = _by_relevance(filtered, first + count)
        return ordered[first:first + count], len(filtered), found

    def collapsed(self, groups: Groups) -> tuple[Scored, int, FacetCounts | None, int | None]:
        """:meth:`ranked` with one document per near-duplicate group; the offset and limit count groups.  Also
        the number of groups among the matches when every match was scored (None otherwise: counting them would
        cost a pass over the matches that the best ones alone do not)."""
        request = self.request
        if request.sort == "relevance" and not request.facets:
            def ranked(n: int) -> tuple[Scored, int]:
                page, total, _ = self.ranked(first=0, count=n, facets=False)
                return page, total

            return (*collapsed_page(ranked, groups, request.offset, request.limit), None, None)
        # every match is scored anyway (for the facets or the order): order them all once
        everything, total, found = self.ranked(first=0, count=self.commit.doc_count_all(), facets=request.facets)
        page, _ = collapsed_page(lambda n: (everything[:n], total), groups, request.offset, request.limit)
        return page, total, found, groups.count(docnum for docnum, _ in everything)

    @cached_property
    def _bag(self) -> tuple[BagOfTerms | None, set[int] | None, bool]:
        """The terms the bag scorer ranks the query by, the documents it may return (None: all that have a term)
        within the dates, and whether they all match (Whoosh's matchers selected them); ``(None, None, False)``
        when only Whoosh's matchers can run the query.  Read once: collapsing ranks again for a longer page."""
        request = self.request
        found = bag_of_terms(request.query, SCORED_FIELDS) if request.scoring == "auto" else None
        if found is None:
            return None, None, False
        bag, selects = found
        allowed = self.commit.matching(request.query) if selects else None
        if self.dates is not None:
            allowed = self.dates if allowed is None else allowed & self.dates
        return bag, allowed, selects

    def _top(self, count: int) -> tuple[Scored, int]:
        bag, allowed, selects = self._bag
        bm25 = self.request.bm25
        if bag is not None:
            if self.sources is not None:
                allowed = self.sources if allowed is None else allowed & self.sources
            return self.commit.top(bag, count, bm25, allowed, selected=selects)
        return self.commit.run(self.request.query, count, bm25, _both(self.dates, self.sources))

    def _all(self) -> Scored:
        """Every match within the dates (not yet narrowed to the sources: the source facet counts them)."""
        bag, allowed, selects = self._bag
        if bag is not None:
            return self.commit.all(bag, self.request.bm25, allowed, selected=selects)
        return self.commit.run(self.request.query, None, self.request.bm25, self.dates)[0]


def _both(first: set[int] | None, second: set[int] | None) -> set[int] | None:
    if first is None or second is None:
        return second if first is None else first
    return first & second


def _by_relevance(matches: Scored, count: int) -> Scored:
    """The best ``count``: highest score first, then the lower document number (as Whoosh's collector)."""
    return heapq.nsmallest(count, matches, key=lambda m: (-m[1], m[0]))


def _by_date(matches: Scored, dates: Sequence[int], count: int) -> Scored:
    """The newest ``count``: latest date first, ties by score then document number; undated documents last."""
    return heapq.nsmallest(count, matches, key=lambda m: (dates[m[0]] == NO_DATE, -dates[m[0]], -m[1], m[0]))


def _recency_boosted(matches: Scored, dates: Sequence[int], half_life_days: float,
                     extremes: tuple[int, int] | None) -> Scored:
    """Each score times ``0.5 ** (age / half_life_days)``, the age counted back from the newest date of
    ``extremes`` (the oldest and newest date of the commit), an undated document as old as the oldest."""
    if extremes is None or half_life_days <= 0:
        return list(matches)
    oldest, newest = extremes
    per_microsecond = 1 / (half_life_days * DAY_MICROSECONDS)

    def boost(value: int) -> float:
        factor: float = 0.5 ** ((newest - (oldest if value == NO_DATE else value)) * per_microsecond)
        return factor

    return [(docnum, score * boost(dates[docnum])) for docnum, score in matches]


def _facets(commit: Commit, unfiltered: Iterable[int], matched: Iterable[int]) -> FacetCounts:
    """Sources counted over ``unfiltered`` (the matches before the source filter), days over ``matched``."""
    sources = commit.sources()
    by_source: Counter[str | None] = Counter()
    for docnum in unfiltered:
        names = sources[docnum]
        if names:
            by_source.update(names)
        else:
            by_source[None] += 1
    dates = commit.dates()
    by_day: Counter[int] = Counter(dates[docnum] // DAY_MICROSECONDS for docnum in matched)
    undated = by_day.pop(NO_DATE // DAY_MICROSECONDS, 0)
    days: dict[str | None, int] = {date.fromordinal(day + 1).isoformat(): n for day, n in by_day.items()}
    if undated:
        days[None] = undated
    return FacetCounts(sources=dict(by_source), days=days)


def _hit(commit: Commit, groups: Groups, docnum: int, score: float, request: SearchRequest) -> EngineHit:
    fields = commit.stored(docnum, content=request.content)
    label = fields["group"]
    members = groups.members(docnum, label) if request.members else ()
    return EngineHit(id=fields["id"], score=score, fields=fields, group=label, members=members)
