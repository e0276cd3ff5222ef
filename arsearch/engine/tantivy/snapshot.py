"""A :class:`~arsearch.engine.api.Snapshot` on one tantivy searcher: whole requests answered by tantivy's own
searches and aggregations (:mod:`~arsearch.engine.tantivy.ordering` for the orders), term statistics from its
term dictionaries, stored documents by id."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from math import log
from operator import itemgetter
from typing import Any, cast

import tantivy

from arsearch.documents import writable
from arsearch.engine.api import (NO_DATE, STORED_FIELDS, EngineHit, EngineStats, FacetCounts, Member, SearchRequest,
                                 SearchResponse, date_of)
from arsearch.engine.tantivy.ordering import ByDate, ByRecency, ByRelevance, Hit, Order, collapsed_page, position
from arsearch.engine.tantivy.queries import QueryBuilder, filtered
from arsearch.engine.candidates import TIES, Candidate, sketch_bytes
from arsearch.engine.tantivy.schema import (DATE_ORDER, DAY, GROUP_KEY, ID_KEY, ORIGINAL, SKETCH_COLUMNS, SKETCH_SIZE,
                                            SOURCE_NAMES, TERM_FIELDS, contract_term, indexed_prefix, indexed_term,
                                            label_key, sketches_of)

#: Document frequencies a snapshot remembers (the budget, the idf weights and did-you-mean ask for the same).
_FREQUENCY_CACHE = 100_000
#: How :meth:`TantivySnapshot.candidates_many` orders ``(-shared keys, id key, address)``: never by the address.
_RANK = itemgetter(0, 1)
#: tantivy's most buckets of one aggregation.
_MOST_BUCKETS = 65_000
#: The key of the facet bucket of documents without the field (a day number and a source name never have it).
_MISSING_DAY, _MISSING_SOURCE = 0, ""


class TantivySnapshot:
    """One commit: a tantivy searcher and the sizes of its segments (documents, deleted ones included)."""

    def __init__(self, searcher: tantivy.Searcher, schema: tantivy.Schema, fields: frozenset[str],
                 segment_sizes: Sequence[int], is_current: Callable[[], bool]) -> None:
        self.searcher = searcher
        self._schema = schema
        self._fields = fields
        self._sizes = list(segment_sizes)
        self._is_current = is_current
        self._frequencies: dict[tuple[str, str], int] = {}
        self._build = QueryBuilder(schema, fields, self._whoosh_idf)
        self._extremes: tuple[int, int] | None = None
        self._extremes_read = False

    def _whoosh_idf(self, field: str, text: str) -> float:
        """How much more the Whoosh engine's idf of a term is than tantivy's: Whoosh's ``log(N / (df + 1)) + 1``
        weighs rare and common terms less apart than BM25's ``log(1 + (N - df + 0.5) / (df + 0.5))``; with it the
        known-item benchmark (benchmarks/relevance.py) gave MRR@10 0.657, without it 0.651, the Whoosh engine
        0.662."""
        frequency = self._doc_freq(field, text)
        documents = sum(self._sizes)
        if not frequency or not documents:
            return 1.0
        tantivy_idf = log(1 + (self.searcher.num_docs - frequency + 0.5) / (frequency + 0.5))
        return (log(documents / (frequency + 1)) + 1) / tantivy_idf if tantivy_idf > 0 else 1.0

    # status
    def is_current(self) -> bool:
        return self._is_current()

    def doc_count(self) -> int:
        return int(self.searcher.num_docs)

    def stats(self) -> EngineStats:
        documents = self.doc_count()
        return EngineStats(documents=documents, deleted=sum(self._sizes) - documents, segments=len(self._sizes))

    def count_terms(self) -> int:
        return sum(len(self.searcher.terms_with_prefix(name, "")) for name in TERM_FIELDS)

    # requests
    def search(self, request: SearchRequest) -> SearchResponse:
        """The request as tantivy's searches and aggregations.  tantivy scores by BM25 with k1 1.2 and b 0.75
        whatever ``request.bm25`` says, and in one way (``request.scoring`` changes nothing)."""
        scored = self._build.query(request.query)
        clauses = self._build.filters(request.filters)
        query = filtered(scored, clauses)
        order = self._order(request, query)
        if request.collapse:
            page, total = collapsed_page(order, self.searcher, request.offset, request.limit)
        else:
            page, total = order.page(request.offset, request.limit)
        documents = [self._fields_of(self.searcher.doc(address), request.content) for address, _ in page]
        members = self._members(page, [str(fields["group"]) for fields in documents]) if request.members else {}
        hits = tuple(EngineHit(id=str(fields["id"]), score=score, fields=fields, group=str(fields["group"]),
                               members=members.get(position(address), ()))
                     for (address, score), fields in zip(page, documents))
        facets = groups = None
        if request.facets:
            facets, groups = self._facets(scored, query, request, total if request.collapse else None)
        return SearchResponse(hits=hits, total=total, facets=facets, groups=groups)

    def _order(self, request: SearchRequest, query: tantivy.Query) -> Order:
        if request.sort == "date":
            return ByDate(self.searcher, query, self._build)
        extremes = self._date_extremes() if request.sort == "recency" and request.half_life_days > 0 else None
        if extremes is not None:
            return ByRecency(self.searcher, query, self._build, extremes, request.half_life_days, request.filters)
        return ByRelevance(self.searcher, query)

    def _members(self, page: Sequence[Hit], groups: Sequence[str]) -> dict[tuple[int, int], tuple[Member, ...]]:
        """The other live documents of each hit's group, oldest first, undated last, then by id: the page's
        groups' postings read by one search, their groups and dates from the fast fields, the id and source of
        each other member from its stored document."""
        shared = {group: label_key(group) for group in groups if group and self._doc_freq("group", group) > 1}
        if not shared:  # most stories have one copy
            return {}
        most = sum(self._doc_freq("group", group) for group in shared)
        result = self.searcher.search(self._build.any_of("group", shared), most, count=False)
        addresses = [address for _, address in result.hits]
        by_group: dict[int, list[tuple[tuple[int, int], tantivy.DocAddress, int | None]]] = {}
        for address, key, value in zip(addresses, self.searcher.fast_field_values(GROUP_KEY, addresses),
                                        self.searcher.fast_field_values("date", addresses)):
            by_group.setdefault(int(key or 0), []).append(
                (position(address), address, None if value is None or int(value) == NO_DATE else int(value)))
        read: dict[tuple[int, int], Member] = {}

        def member(at: tuple[int, int], address: tantivy.DocAddress, value: int | None) -> Member:
            found = read.get(at)
            if found is None:
                document = self.searcher.doc(address)
                found = read[at] = Member(id=str(document.get_first("id") or ""),
                                          source=str(document.get_first("source") or ""),
                                          date=None if value is None else date_of(value))
            return found

        found = {}
        for (address, _), group in zip(page, groups):
            if group in shared:
                at = position(address)
                others = [member(other, where, value) for other, where, value in by_group.get(shared[group], [])
                          if other != at]
                found[at] = tuple(sorted(others, key=lambda m: (m.date or datetime.max, m.id)))
        return found

    def _facets(self, scored: tantivy.Query, every: tantivy.Query, request: SearchRequest,
                total: int | None) -> tuple[FacetCounts, int | None]:
        """Per source without the source filter, per day with every filter: one aggregation when they are the
        same matches, two when a source filter tells them apart.  With ``total`` (the matches; None: not asked), the
        near-duplicate groups among the matches too: their distinct group keys (a document of no group has a key
        of its own) in the same aggregation."""
        by_source = {"terms": {"field": SOURCE_NAMES, "size": _MOST_BUCKETS, "missing": _MISSING_SOURCE}}
        by_day = {"terms": {"field": DAY, "size": _MOST_BUCKETS, "missing": _MISSING_DAY}}
        asked: dict[str, Any] = {"days": by_day}
        if total is not None and total > 1:
            asked["groups"] = ({"terms": {"field": GROUP_KEY, "size": total}} if total <= _MOST_BUCKETS
                               else {"cardinality": {"field": GROUP_KEY}})
        if request.filters.sources is None:
            found = self.searcher.aggregate(every, {"sources": by_source, **asked})
            sources = found["sources"]
        else:
            unsourced = filtered(scored, self._build.filters(request.filters, sources=False))
            sources = self.searcher.aggregate(unsourced, {"sources": by_source})["sources"]
            found = self.searcher.aggregate(every, asked)
        counted = found.get("groups")
        groups = total if counted is None else (len(counted["buckets"]) if "buckets" in counted
                                                else int(counted["value"]))
        return FacetCounts(
            sources={None if bucket["key"] == _MISSING_SOURCE else str(bucket["key"]): int(bucket["doc_count"])
                     for bucket in sources["buckets"]},
            days=_by_day(found["days"]["buckets"])), groups

    # term statistics
    def has_term(self, field: str, text: str) -> bool:
        return self.doc_frequency(field, text) > 0

    def doc_frequency(self, field: str, text: str) -> int:
        name = _indexed(field)
        if name not in self._fields or name not in TERM_FIELDS:
            return 0
        return self._doc_freq(name, indexed_term(name, text))

    def doc_frequencies(self, terms: Sequence[tuple[str, str]]) -> list[int]:
        """:meth:`doc_frequency` of each term, not remembered (a batch's look-ups are mostly of terms seen once)."""
        doc_freq = self.searcher.doc_freq
        fields = self._fields
        found: list[int] = []
        for field, text in terms:
            name = _indexed(field)
            found.append(int(doc_freq(name, indexed_term(name, text))) if name in fields and name in TERM_FIELDS
                         else 0)
        return found

    def _doc_freq(self, name: str, text: str) -> int:
        """tantivy's document frequency of a term of a field of the schema (deleted documents included)."""
        key = (name, text)
        found = self._frequencies.get(key)
        if found is None:
            if len(self._frequencies) >= _FREQUENCY_CACHE:
                self._frequencies = {}
            found = self._frequencies[key] = int(self.searcher.doc_freq(name, text))
        return found

    def terms(self, field: str, prefix: str = "", limit: int | None = None) -> list[tuple[str, int]]:
        name = _indexed(field)
        if name not in TERM_FIELDS or (limit is not None and limit <= 0):
            return []
        held = ((contract_term(name, str(term)), int(frequency))
                for term, frequency in self.searcher.terms_with_prefix(name, indexed_prefix(name, prefix)))
        wanted = writable(prefix)  # as the index holds the text of a document's values
        found = sorted(term for term in held if term[0].startswith(wanted))
        return found if limit is None else found[:limit]

    def sharing(self, field: str, texts: Sequence[str], *, at_least: int, limit: int) -> list[tuple[str, int]]:
        """The documents of :meth:`_holding`: the ids of those at or above the ``limit``-th count loaded."""
        hits = self._holding(_indexed(field), texts, at_least, limit)
        if not hits:
            return []
        last = sorted((count for count, _ in hits), reverse=True)[min(limit, len(hits)) - 1]
        found = [(str(self.searcher.doc(address).get_first("id") or ""), count)
                 for count, address in hits if count >= last]
        return sorted(found, key=lambda hit: (-hit[1], hit[0]))[:limit]

    # documents
    def get(self, doc_id: str, *, content: bool = True, sketch: bool = True) -> dict[str, Any] | None:
        result = self.searcher.search(self._build.term("id", doc_id), 1, count=False)
        if not result.hits:
            return None
        address = result.hits[0][1]
        found = self._fields_of(self.searcher.doc(address), content)
        if sketch:  # 33 columns, each read by a call of its own: several times the rest of a get
            found["sketch"] = sketch_bytes(self._sketches([address])[0])
        return found

    def get_many(self, doc_ids: Sequence[str], *, content: bool = True,
                 sketch: bool = True) -> list[dict[str, Any] | None]:
        return [self.get(doc_id, content=content, sketch=sketch) for doc_id in doc_ids]

    # near-duplicate candidates
    def candidates_many(self, field: str, texts: Sequence[Sequence[str]], *, at_least: int,
                        limit: int) -> list[list[Candidate]]:
        """:func:`~arsearch.engine.candidates.candidates_many` from the columns: one search of each look-up, then
        the id keys of all their hits and the sketches of those chosen, a column at a time."""
        name = _indexed(field)
        matches = [self._holding(name, terms, at_least, limit) for terms in texts]
        every = [address for hits in matches for _, address in hits]
        keys = iter(self._column(ID_KEY, every) if every else [])
        chosen = [sorted([(-shared, next(keys), address) for shared, address in hits], key=_RANK)[:limit]
                  for hits in matches]
        sketches = iter(self._sketches([address for hits in chosen for _, _, address in hits]))
        return [[Candidate(key, -negative, next(sketches), address) for negative, key, address in hits]
                for hits in chosen]

    def _holding(self, name: str, texts: Sequence[str], at_least: int, limit: int) -> list[tuple[int, Any]]:
        """The live documents with at least ``at_least`` of the terms ``texts``: how many each has, and its address;
        at least every one tied with the ``limit``-th most."""
        terms = list(dict.fromkeys(indexed_term(name, text) for text in texts))
        if name not in TERM_FIELDS or not terms or limit <= 0 or at_least > len(terms):
            return []
        query = self._counting(name, terms, max(1, at_least))
        fetched = max(1, min(limit + TIES, self.searcher.num_docs))
        result = self.searcher.search(query, fetched, count=True)
        hits = [(int(score), address) for score, address in result.hits]  # sums of 1.0: exact
        total = int(getattr(result, "count", 0))
        if total > len(hits) and len(hits) >= limit:
            counts = sorted((count for count, _ in hits), reverse=True)
            if counts[-1] == counts[limit - 1]:  # more may be tied with the limit-th than were fetched
                hits = [(int(score), address) for score, address in self.searcher.search(query, total).hits]
        return hits

    def _counting(self, name: str, terms: Sequence[str], at_least: int) -> tantivy.Query:
        """The documents with at least ``at_least`` of ``terms``, each scoring the number it has."""
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, tantivy.Query.const_score_query(
            tantivy.Query.term_query(self._schema, name, term), 1.0)) for term in terms], at_least)

    def _sketches(self, addresses: list[tantivy.DocAddress]) -> list[tuple[int, ...]]:
        """The near-duplicate sketches of the documents at ``addresses``, read from their columns."""
        if not addresses:
            return []
        sizes = self._column(SKETCH_SIZE, addresses)
        return sketches_of(sizes, [self._column(name, addresses) for name in SKETCH_COLUMNS[:(max(sizes) + 1) // 2]])

    def _column(self, name: str, addresses: list[tantivy.DocAddress]) -> list[int]:
        """The values of an unsigned fast field that every document has (:data:`ID_KEY`, the sketch's)."""
        return cast(list[int], self.searcher.fast_field_values(name, addresses))

    def candidate_label(self, candidate: Candidate) -> str:
        document = self.searcher.doc(candidate.ref)
        return str(document.get_first("group") or document.get_first("id") or "")

    @staticmethod
    def _fields_of(document: tantivy.Document, content: bool) -> dict[str, Any]:
        """:data:`STORED_FIELDS` of a stored document: text "" when it has none, ``date`` a datetime or None."""
        found: dict[str, Any] = {}
        for name in STORED_FIELDS:
            if name == "content" and not content:
                found[name] = ""
                continue
            value = document.get_first(ORIGINAL.get(name, name))
            if name == "date":
                found[name] = None if value is None or int(value) == NO_DATE else date_of(int(value))
            elif value is None:
                found[name] = ""
            elif name in ORIGINAL:
                found[name] = bytes(value).decode("utf-8", "surrogatepass")
            else:
                found[name] = str(value)
        return found

    def states(self) -> Iterator[tuple[str, str, str]]:
        for address in self._live():
            document = self.searcher.doc(address)
            yield (str(document.get_first("id") or ""), str(document.get_first("path") or ""),
                   str(document.get_first("fingerprint") or ""))

    def _live(self) -> Iterator[tantivy.DocAddress]:
        """Every live document, in document order."""
        if self.doc_count() == sum(self._sizes):  # nothing deleted: every address of every segment
            for segment, size in enumerate(self._sizes):
                for doc in range(size):
                    yield tantivy.DocAddress(segment, doc)
            return
        if self.doc_count():
            result = self.searcher.search(tantivy.Query.all_query(), self.doc_count(), count=False)
            yield from sorted((address for _, address in result.hits), key=position)

    def date_range(self) -> tuple[datetime, datetime] | None:
        extremes = self._date_extremes()
        return None if extremes is None else (date_of(extremes[0]), date_of(extremes[1]))

    def _date_extremes(self) -> tuple[int, int] | None:
        """The oldest and newest date values of the live documents (two passes over the date column, once per
        snapshot)."""
        if not self._extremes_read:
            self._extremes_read = True
            everything = tantivy.Query.all_query()
            newest = self.searcher.search(everything, 1, count=False, order_by_field=DATE_ORDER).hits
            if newest and int(newest[0][0]):
                oldest = self.searcher.search(everything, 1, count=False, order_by_field="date",
                                              order=tantivy.Order.Asc).hits
                self._extremes = (int(oldest[0][0]), int(newest[0][0]) - 1)
        return self._extremes


def _by_day(buckets: list[dict[str, Any]]) -> dict[str | None, int]:
    """The counts of a terms aggregation of day numbers by ``YYYY-MM-DD`` (None: undated), each name made once
    per process (the facets of an archive name each of its days)."""
    names = _DAY_NAMES
    found: dict[str | None, int] = {}
    for bucket in buckets:
        day = int(bucket["key"])
        name = names.get(day)
        if name is None and day != _MISSING_DAY:
            name = names[day] = date.fromordinal(day).isoformat()
        found[name] = int(bucket["doc_count"])
    return found


_DAY_NAMES: dict[int, str] = {}


def _indexed(field: str) -> str:
    """The field of the schema that indexes a field of the contract."""
    return SOURCE_NAMES if field == "source" else field

