"""The first hits of a request's order, each in work bounded by the number of hits asked for: tantivy's own
top-k searches, with only the hits of a page (and the documents that tie with them) reaching Python.

- relevance: tantivy's top-k by score (ties by document address, the engine's document order);
- date: tantivy's top-k by the ``date_order`` fast field, then the documents of the hits' dates scored by searches
  filtered to those dates (their date terms), so that the same date orders by score; undated documents last, by
  score;
- recency: a scored top-k search, then scored top-k searches of bands of days, newest first, until no document
  of an older band can be boosted into the hits (the last score of the first search times the band's largest
  factor is below the last hit's).

Collapsing asks an order for more hits than the page has groups until the page's groups are known, reading the
groups of the hits from the ``group_key`` fast field.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import tantivy

from arsearch.engine.api import DAY_MICROSECONDS, NO_DATE, Filters, date_of, date_value
from arsearch.engine.tantivy.queries import LAST_DATE, QueryBuilder, filtered
from arsearch.engine.tantivy.schema import DATE_ORDER, GROUP_KEY

#: ``(address, score)`` of a hit, as the order scores it.
Hit = tuple[tantivy.DocAddress, float]
#: The width of the first date band of a recency search, in half-lives.
_FIRST_BAND = 0.25
#: How many times the hits asked for a recency search asks tantivy for (a larger top-k costs little more than a
#: smaller one; a second search costs as much as the first).
_ASKED = 4


def position(address: tantivy.DocAddress) -> tuple[int, int]:
    """The engine's document order."""
    return address.segment_ord, address.doc


class Order(Protocol):
    def top(self, count: int) -> tuple[list[Hit], int]:
        """The first ``count`` hits and the number of matching documents."""

    def page(self, offset: int, limit: int) -> tuple[list[Hit], int]:
        """Hits ``offset`` to ``offset + limit`` and the number of matching documents."""


class _Searching:
    def __init__(self, searcher: tantivy.Searcher, query: tantivy.Query) -> None:
        self.searcher = searcher
        self.query = query

    def search(self, query: tantivy.Query, count: int, offset: int = 0, **options: object) -> tantivy.SearchResult:
        """tantivy's search, with ``count`` bounded by the documents there are (tantivy's top-k reserves room for
        ``offset + count``)."""
        limit = max(1, min(count, self.searcher.num_docs))
        return self.searcher.search(query, limit, count=True, offset=offset, **options)  # type: ignore[arg-type]

    def page(self, offset: int, limit: int) -> tuple[list[Hit], int]:
        found, total = self.top(offset + limit)
        return found[offset:], total

    def top(self, count: int) -> tuple[list[Hit], int]:
        raise NotImplementedError


class ByRelevance(_Searching):
    def top(self, count: int) -> tuple[list[Hit], int]:
        return self.page(0, count)

    def page(self, offset: int, limit: int) -> tuple[list[Hit], int]:
        result = self.search(self.query, limit, offset)
        return [(address, float(score)) for score, address in result.hits][:max(limit, 0)], _count(result)


class ByDate(_Searching):
    """Newest first, the same date by score (ties by document order), undated documents last by score."""

    def __init__(self, searcher: tantivy.Searcher, query: tantivy.Query, build: QueryBuilder) -> None:
        super().__init__(searcher, query)
        self._build = build

    def top(self, count: int) -> tuple[list[Hit], int]:
        if count <= 0:
            return [], _count(self.search(self.query, 1))
        # newest first, undated documents (0) last
        result = self.search(self.query, count, order_by_field=DATE_ORDER)
        listed = result.hits[:count]
        found = self._scored([(address, int(value) - 1) for value, address in listed if int(value)])
        if len(found) < len(listed):
            undated = filtered(self.query, [self._build.dates(NO_DATE, NO_DATE)])
            found += ByRelevance(self.searcher, undated).top(len(listed) - len(found))[0]
        return found, _count(result)

    def _scored(self, dated: list[tuple[tantivy.DocAddress, int]]) -> list[Hit]:
        """The newest documents ``dated`` (as tantivy's top-k by date gave them, ties of a date in document
        order) in the exact order: every document newer than the last one's date is there, ordered by date and
        score; of the last date's documents, the best by score take their places.  One search of the
        documents of those dates scores them, two when the last date has many more."""
        if not dated:
            return []
        last = dated[-1][1]
        dates = {position(address): value for address, value in dated if value > last}
        places = len(dated) - len(dates)
        result = self.search(filtered(self.query, [self._build.dated({value for _, value in dated})]),
                             2 * len(dated) + 10)
        if _count(result) > len(result.hits):  # the last date has too many documents to read them all
            newer = self.search(filtered(self.query, [self._build.dated(set(dates.values()))]), len(dates))
            oldest = self.search(filtered(self.query, [self._build.dates(last, last)]), places)
            hits = [*newer.hits, *oldest.hits]
        else:
            hits = result.hits
        found: list[tuple[int, float, tantivy.DocAddress]] = []
        for score, address in hits:
            found.append((dates.get(position(address), last), float(score), address))
        found.sort(key=lambda hit: (-hit[0], -hit[1], position(hit[2])))
        return [(address, score) for _, score, address in found[:len(dated)]]


class ByRecency(_Searching):
    """Each score times ``0.5 ** (age / half_life_days)``, the age counted back from the newest date, an undated
    document as old as the oldest; best first, ties by document order.  ``window``: the request's filters (the
    bands cover their dates only)."""

    def __init__(self, searcher: tantivy.Searcher, query: tantivy.Query, build: QueryBuilder,
                 extremes: tuple[int, int], half_life_days: float, window: Filters) -> None:
        super().__init__(searcher, query)
        self._build = build
        self._oldest, self._newest = extremes
        self._half_life_days = half_life_days
        self._per_microsecond = 1 / (half_life_days * DAY_MICROSECONDS)
        self._window = window

    def boost(self, value: int) -> float:
        """The factor of a document dated ``value`` (:data:`NO_DATE`: undated)."""
        age = self._newest - (self._oldest if value == NO_DATE else value)
        factor: float = 0.5 ** (age * self._per_microsecond)
        return factor

    def top(self, count: int) -> tuple[list[Hit], int]:
        if count <= 0:
            return [], _count(self.search(self.query, 1))
        found: dict[tuple[int, int], tuple[float, tantivy.DocAddress]] = {}
        bar = [float("-inf")]  # the count-th best boosted score so far

        def add(hits: Sequence[tuple[float, tantivy.DocAddress]]) -> None:
            values = self.searcher.fast_field_values("date", [address for _, address in hits])
            for (score, address), value in zip(hits, values):
                found[position(address)] = (float(score) * self.boost(NO_DATE if value is None else int(value)),
                                            address)
            if len(found) >= count:
                bar[0] = heapq.nlargest(count, (boosted for boosted, _ in found.values()))[-1]

        # the best by score, whatever their dates: any other document scores at most the last of them
        asked = count * _ASKED + 10
        first = self.search(self.query, asked)
        total = _count(first)
        add(first.hits)
        if total > len(first.hits):
            below = float(first.hits[-1][0])
            for band, most in self._bands():
                if below * most < bar[0]:  # the band's documents are all boosted below the hits found
                    break
                while True:
                    result = self.search(filtered(self.query, [band]), asked)
                    add(result.hits)
                    if _count(result) <= len(result.hits) or float(result.hits[-1][0]) * most < bar[0]:
                        break
                    asked *= _ASKED
        ranked = sorted(found.items(), key=lambda item: (-item[1][0], item[0]))[:count]
        return [(address, boosted) for _, (boosted, address) in ranked], total

    def _bands(self) -> list[tuple[tantivy.Query, float]]:
        """The bands of days newest first, each twice as wide as the one before, then the undated documents,
        each with its largest factor.  A band is found by the postings of its days (the ``day`` terms), so that
        its search costs what the band holds, not what the query matches."""
        bands: list[tuple[tantivy.Query, float]] = []
        window = self._window
        last = _day(min(self._newest, LAST_DATE if window.last is None else window.last))
        oldest = _day(max(self._oldest, window.first or 0))
        width = max(1, round(self._half_life_days * _FIRST_BAND))
        while last >= oldest:
            first = max(oldest, last - width + 1)
            newest_in_band = min(self._newest, date_value(datetime.fromordinal(last)) + DAY_MICROSECONDS - 1)
            bands.append((self._build.days(first, last), self.boost(newest_in_band)))
            last, width = first - 1, width * 2
        if not window.has_dates:
            bands.append((self._build.dates(NO_DATE, NO_DATE), self.boost(NO_DATE)))
        return bands


def _day(value: int) -> int:
    """The day number (:meth:`datetime.toordinal`) of a date value."""
    return date_of(value).toordinal()


def collapsed_page(order: Order, searcher: tantivy.Searcher, offset: int, limit: int) -> tuple[list[Hit], int]:
    """Hits ``offset`` to ``offset + limit`` of the order with one hit per group (its first), and the number of
    matching documents.  Asks the order for four times the groups the page needs, then more, until the page is
    full or the matches are exhausted: a group's copies rarely fill more than a few places."""
    want = offset + limit
    if want <= 0:
        return [], order.top(0)[1]
    asked = want * 4 + 10
    while True:
        top, total = order.top(asked)
        keys = searcher.fast_field_values(GROUP_KEY, [address for address, _ in top]) if top else []
        seen: set[int | float | bool | None] = set()
        kept = []
        for hit, key in zip(top, keys):
            if key not in seen:
                seen.add(key)
                kept.append(hit)
                if len(kept) == want:
                    break
        if len(kept) >= want or len(top) >= total or len(top) < asked:
            return kept[offset:want], total
        asked *= 4


def _count(result: tantivy.SearchResult) -> int:
    """The number of matches of a search run with ``count=True`` (the type stubs of tantivy 0.27 omit it)."""
    return int(getattr(result, "count", 0) or 0)
