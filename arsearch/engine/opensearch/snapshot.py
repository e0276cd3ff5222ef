"""A :class:`~arsearch.engine.api.Snapshot` on one commit of an OpenSearch index: a point in time of the index
(where the cluster has them), so that every request of the snapshot reads the same documents.

A whole request is one search of the cluster, run with ``dfs_query_then_fetch`` so that every shard scores with
the whole index's term statistics: filters as ``filter`` clauses, newest first as a sort on the date, recency as
an exponential decay of the date (undated documents by a weight equal to the oldest date's decay), collapsing as
``collapse`` on the group, facets as aggregations (the source filter as a ``post_filter`` when the facets must
ignore it).  The members of the hits' groups are a second search of their group labels.  Term statistics are
counts and aggregations of the same point in time."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import datetime
from math import log
from typing import TYPE_CHECKING, Any

from arsearch.documents import writable
from arsearch.engine.api import (DAY_MICROSECONDS, EngineHit, EngineStats, FacetCounts, Member, SearchRequest,
                                 SearchResponse, date_of, leaves, Term, Phrase)
from arsearch.engine.opensearch.cluster import ClusterError, encode, kind_and_reason
from arsearch.engine.opensearch.queries import EVERYTHING, Clause, QueryBuilder, filtered, sources_clause
from arsearch.engine.opensearch.schema import (ANALYZED, COLLAPSE, DAY, INDEXED, SOURCE_NAMES, STORED,
                                              TERM_FIELDS, day_name, document_key, stored_fields)

if TYPE_CHECKING:
    from arsearch.engine.opensearch.engine import OpenSearchEngine

#: How long the cluster keeps a snapshot's point in time after its last request (it holds the segments it reads,
#: merged away or not, until then).
KEEP_ALIVE = "2m"
#: The most buckets of a facet (the cluster's default ``search.max_buckets`` is 65,535).
_MOST_BUCKETS = 65_000
#: The most hits one search may ask for (``index.max_result_window``).
WINDOW = 10_000
_FREQUENCY_CACHE = 100_000
#: The most terms one request of :meth:`OpenSearchSnapshot.doc_frequencies` counts.
_MOST_FILTERS = 500
_SCROLL_PAGE = 2_000
_HIT_SOURCE = [f"{STORED}.*", "date"]
#: Fields of ``stored`` a search never needs.
_NOT_NEEDED = [f"{STORED}.sketch"]
#: The smallest weight given to a factor (the cluster refuses 0).
_LEAST_FACTOR = 1e-30
#: Fields whose terms a snapshot may read whole: after :data:`_TABLE_AFTER` look-ups of one of them, a snapshot
#: reads every term of the field with its document frequency at once instead of a request per term, when that is
#: small enough: the index writer's look-up fields (every new document's id, group and near-duplicate keys) up to
#: :data:`_MOST_TABLE_DOCUMENTS` documents, when looked up one at a time (the writer looks up a batch's in one
#: go, for which reading the table at every commit would cost more the bigger the index); did-you-mean's written
#: words up to :data:`_MOST_TABLE_VALUES` values; the analyzed fields it checks candidates in up to
#: :data:`_MOST_TEXT_TABLE_DOCUMENTS` documents (their terms are the cluster's field data, held in its memory).
_WRITER_FIELDS = frozenset({"id", "group", "dup_key"})
_WORD_FIELDS = frozenset({"word_key", "spelling"})
_TEXT_FIELDS = frozenset({"title", "content"})
_TABLE_AFTER = 20
_MOST_TABLE_DOCUMENTS = 100_000
_MOST_TABLE_VALUES = 300_000
_MOST_TEXT_TABLE_DOCUMENTS = 2_000
_COMPOSITE_PAGE = 10_000


class OpenSearchSnapshot:
    def __init__(self, engine: OpenSearchEngine, generation: int, pit: str | None) -> None:
        self._engine = engine
        self._cluster = engine.cluster
        self._index = engine.location.index
        self.generation = generation
        self._pit = pit
        self._frequencies: dict[tuple[str, str], int] = {}
        self._field_counts: dict[str, int] = {}
        self._count: int | None = None
        self._lookups: dict[str, int] = {}
        self._tables: dict[str, dict[str, int]] = {}
        self._extremes: tuple[int, int] | None = None
        self._extremes_read = False
        self._build = QueryBuilder(self._whoosh_idf)

    # searching the snapshot --------------------------------------------------------------------------------

    def _search(self, body: dict[str, Any], *, dfs: bool = False) -> dict[str, Any]:
        """The cluster's answer to a search of this snapshot (its point in time, opened again when the cluster
        has dropped it or lost one of its shards)."""
        params = {"search_type": "dfs_query_then_fetch"} if dfs else {}
        for attempt in range(2):
            pit = self._pit
            try:
                if pit is None:
                    found = self._cluster.request("POST", f"/{self._index}/_search", body,
                                                  params={**params, "preference": "arsearch"})
                else:
                    found = self._cluster.request("POST", "/_search", {**body, "pit": {"id": pit,
                                                                                     "keep_alive": KEEP_ALIVE}},
                                                  params=params)
            except ClusterError as exc:
                if pit is not None and attempt == 0 and _lost_context(exc):
                    self._pit = self._engine.open_pit()
                    continue
                raise
            if pit is not None:
                self._pit = str(found.get("pit_id") or pit)
                if attempt == 0 and found.get("_shards", {}).get("failed"):
                    self._pit = self._engine.open_pit()  # a shard of the old one was on a node that is gone
                    continue
                found = self._counting_missing_shards(dict(found))
            return dict(found)
        return dict(found)

    def _search_many(self, bodies: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """The cluster's answers to several searches of this snapshot in one request (``_msearch``), each as
        :meth:`_search` gives it."""
        for attempt in range(2):
            pit = self._pit
            lines: list[dict[str, Any]] = []
            for body in bodies:
                if pit is None:
                    lines += [{"index": self._index, "preference": "arsearch"}, body]
                else:
                    lines += [{}, {**body, "pit": {"id": pit, "keep_alive": KEEP_ALIVE}}]
            found = self._cluster.request("POST", "/_msearch", content=b"".join(encode(line) + b"\n"
                                                                                for line in lines))
            answers = [dict(answer) for answer in found["responses"]]
            errors = [_item_error(answer) for answer in answers if "error" in answer]
            if pit is not None and attempt == 0 and (
                    any(_lost_context(error) for error in errors)
                    or any((answer.get("_shards") or {}).get("failed") for answer in answers)):
                self._pit = self._engine.open_pit()  # expired, or a shard of it was on a node that is gone
                continue
            if errors:
                raise errors[0]
            if pit is not None:
                self._pit = str(answers[-1].get("pit_id") or pit) if answers else pit
                answers = [self._counting_missing_shards(answer) for answer in answers]
            return answers
        raise AssertionError("unreachable")

    def _counting_missing_shards(self, found: dict[str, Any]) -> dict[str, Any]:
        """``found`` with the shards its point in time lacks counted as failed: OpenSearch opens a point in time
        on the shards it can reach, and the searches on it then report only those."""
        shards = dict(found.get("_shards") or {})
        missing = self._engine.shard_count() - int(shards.get("total", 0) or 0)
        if missing > 0:
            shards["failed"] = int(shards.get("failed", 0) or 0) + missing
            found["_shards"] = shards
        return found

    # status ------------------------------------------------------------------------------------------------

    def is_current(self) -> bool:
        return self._engine.generation() == self.generation

    def doc_count(self) -> int:
        if self._count is None:
            self._count = int(self._search({"size": 0, "track_total_hits": True})["hits"]["total"]["value"])
        return self._count

    def stats(self) -> EngineStats:
        """Live documents from the snapshot; deleted documents and segments from the index's statistics (of the
        last refresh, primaries only)."""
        found = self._cluster.request("GET", f"/{self._index}/_stats/docs,segments")
        primaries = found.get("indices", {}).get(self._index, {}).get("primaries", {}) or \
            found.get("_all", {}).get("primaries", {})
        return EngineStats(documents=self.doc_count(), deleted=int(primaries.get("docs", {}).get("deleted", 0)),
                           segments=int(primaries.get("segments", {}).get("count", 0)))

    def count_terms(self) -> int:
        """Each field's distinct terms by the cluster's cardinality estimate (exact below 40,000 terms a field,
        within a few percent above)."""
        aggs = {f"f{n}": {"cardinality": {"field": name, "precision_threshold": 40_000}}
                for n, name in enumerate(TERM_FIELDS)}
        found = self._search({"size": 0, "aggs": aggs})
        return sum(int(found["aggregations"][key]["value"]) for key in aggs)

    # requests ----------------------------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResponse:
        self._frequencies_of(request)
        scored = self._build.query(request.query)
        every = self._build.filters(request.filters)
        post_filter: Clause | None = None
        if request.facets and request.filters.sources is not None:
            query = filtered(scored, self._build.filters(request.filters, sources=False))
            post_filter = sources_clause(request.filters.sources)
        else:
            query = filtered(scored, every)
        if request.sort == "recency" and request.half_life_days > 0:
            query = self._decayed(query, request.half_life_days)
        limit = max(0, min(request.limit, WINDOW - request.offset))
        body: dict[str, Any] = {
            "query": query, "from": request.offset, "size": limit, "track_total_hits": True,
            "_source": {"includes": _HIT_SOURCE,
                        "excludes": _NOT_NEEDED + ([] if request.content else [f"{STORED}.content"])},
        }
        if request.sort == "date":
            body["sort"] = [{"date": {"order": "desc", "missing": "_last"}}, {"_score": "desc"}, {"id": "asc"}]
            body["track_scores"] = True
        else:
            body["sort"] = [{"_score": "desc"}, {"id": "asc"}]
        if post_filter is not None:
            body["post_filter"] = post_filter
        if request.collapse:
            body["collapse"] = {"field": COLLAPSE}
        if request.facets:
            body["aggs"] = _facet_aggregations(post_filter, groups=request.collapse)
        found = self._search(body, dfs=True)
        partial = _partial(found)
        documents = [(stored_fields(hit["_source"], content=request.content), float(hit.get("_score") or 0.0))
                     for hit in found["hits"]["hits"]]
        members: dict[str, tuple[Member, ...]] = {}
        if request.members and documents:
            members, more_partial = self._members([fields["group"] for fields, _ in documents])
            partial = partial or more_partial
        hits = []
        for fields, score in documents:
            fields.pop("sketch", None)
            hits.append(EngineHit(id=fields["id"], score=score, fields=fields, group=fields["group"],
                                  members=tuple(m for m in members.get(fields["group"], ()) if m.id != fields["id"])))
        facets = _facets(found["aggregations"], post_filter is not None) if request.facets else None
        groups = None
        if request.facets and request.collapse:
            scope = found["aggregations"]["filtered"] if post_filter is not None else found["aggregations"]
            groups = int(scope["groups"]["value"])
        return SearchResponse(hits=tuple(hits), total=int(found["hits"]["total"]["value"]), facets=facets,
                              partial=partial, groups=groups)

    def _decayed(self, query: Clause, half_life_days: float) -> Clause:
        """Each score times ``0.5 ** (age / half_life_days)``, the age counted back from the newest date, an
        undated document as old as the oldest."""
        extremes = self._date_extremes()
        if extremes is None:
            return query
        oldest, newest = extremes
        scale = half_life_days * DAY_MICROSECONDS
        undated = max(0.5 ** ((newest - oldest) / scale), _LEAST_FACTOR)
        dated: Clause = {"exists": {"field": "date"}}
        return {"function_score": {
            "query": query,
            "functions": [{"filter": dated, "exp": {"date": {"origin": newest, "scale": scale, "decay": 0.5}}},
                          {"filter": {"bool": {"must_not": [dated]}}, "weight": undated}],
            "score_mode": "multiply", "boost_mode": "multiply"}}

    def _members(self, groups: Sequence[str]) -> tuple[dict[str, tuple[Member, ...]], bool]:
        """The live documents of each of ``groups``, oldest first, undated last, then by id (one search)."""
        labels = sorted({writable(group) for group in groups if group})
        if not labels:
            return {}, False
        found = self._search({
            "query": {"bool": {"filter": [{"terms": {"group": labels}}]}}, "size": WINDOW,
            "_source": [f"{STORED}.id", f"{STORED}.source", f"{STORED}.group", f"{STORED}.raw", "date"],
            "sort": [{"date": {"order": "asc", "missing": "_last"}}, {"id": "asc"}]})
        by_group: dict[str, list[Member]] = {}
        for hit in found["hits"]["hits"]:
            fields = stored_fields(hit["_source"])
            by_group.setdefault(fields["group"], []).append(
                Member(id=fields["id"], source=fields["source"], date=fields["date"]))
        for listed in by_group.values():
            listed.sort(key=lambda m: (m.date or datetime.max, m.id))
        return {group: tuple(listed) for group, listed in by_group.items()}, _partial(found)

    # the Whoosh engine's idf ---------------------------------------------------------------------------------

    def _frequencies_of(self, request: SearchRequest) -> None:
        """The document frequencies of the request's analyzed terms and the documents of their fields, read by one
        search, for :meth:`_whoosh_idf`."""
        wanted: set[tuple[str, str]] = set()
        for leaf in leaves(request.query):
            if leaf.field in ANALYZED:
                words = (leaf.text,) if isinstance(leaf, Term) else leaf.words if isinstance(leaf, Phrase) else ()
                wanted.update((leaf.field, writable(word)) for word in words)
        self._read_frequencies(wanted, {field for field, _ in wanted})

    def _read_frequencies(self, terms: set[tuple[str, str]], fields: set[str]) -> None:
        terms = {key for key in terms if key not in self._frequencies}
        fields = {field for field in fields if field not in self._field_counts}
        if not terms and not fields:
            return
        listed = sorted(terms)
        aggs: dict[str, Any] = {f"t{n}": {"filter": {"term": {INDEXED[field]: text}}}
                                for n, (field, text) in enumerate(listed)}
        aggs.update({f"f_{field}": {"filter": {"exists": {"field": field}}} for field in fields})
        answer = self._search({"size": 0, "track_total_hits": True, "aggs": aggs})
        if self._count is None:
            self._count = int(answer["hits"]["total"]["value"])
        found = answer["aggregations"]
        if len(self._frequencies) + len(listed) > _FREQUENCY_CACHE:
            self._frequencies = {}
        for n, key in enumerate(listed):
            self._frequencies[key] = int(found[f"t{n}"]["doc_count"])
        for field in fields:
            self._field_counts[field] = int(found[f"f_{field}"]["doc_count"])

    def _whoosh_idf(self, field: str, text: str) -> float:
        """How much more the Whoosh engine's idf of a term is than the cluster's BM25 idf: Whoosh's
        ``log(N / (df + 1)) + 1`` against Lucene's ``log(1 + (n - df + 0.5) / (df + 0.5))`` (``n``: the documents
        with the field)."""
        frequency = self._frequencies.get((field, text))
        documents = self._count
        with_field = self._field_counts.get(field)
        if not frequency or not documents or not with_field:
            return 1.0
        lucene = log(1 + (with_field - frequency + 0.5) / (frequency + 0.5))
        return (log(documents / (frequency + 1)) + 1) / lucene if lucene > 0 else 1.0

    # term statistics ---------------------------------------------------------------------------------------

    def has_term(self, field: str, text: str) -> bool:
        return self.doc_frequency(field, text) > 0

    def doc_frequency(self, field: str, text: str) -> int:
        """The live documents with the term (the cluster counts them by the point in time)."""
        name = INDEXED.get(field)
        if name is None:
            return 0
        key = (field, writable(text))
        table = self._tables.get(field)
        if table is not None:
            return table.get(key[1], 0)
        found = self._frequencies.get(key)
        if found is None:
            if self.doc_count() == 0:
                return 0
            table = self._table_after_look_ups(field, name)
            if table is not None:
                return table.get(key[1], 0)
            if len(self._frequencies) >= _FREQUENCY_CACHE:
                self._frequencies = {}
            answer = self._search({"size": 0, "track_total_hits": True, "query": {"term": {name: key[1]}}})
            found = self._frequencies[key] = int(answer["hits"]["total"]["value"])
        return found

    def doc_frequencies(self, terms: Sequence[tuple[str, str]]) -> list[int]:
        """:meth:`doc_frequency` of each ``(field, text)``: the ones not known yet counted by one search (a filter
        aggregation a term)."""
        known: dict[tuple[str, str], int] = {}
        asked: dict[tuple[str, str], str] = {}
        for field, text in terms:
            key = (field, writable(text))
            name = INDEXED.get(field)
            table = self._tables.get(field)
            if name is None:
                known[key] = 0
            elif table is not None:
                known[key] = table.get(key[1], 0)
            elif key in self._frequencies:
                known[key] = self._frequencies[key]
            else:
                asked[key] = name
        if asked and self.doc_count() == 0:
            known.update(dict.fromkeys(asked, 0))
            asked.clear()
        for field in {key[0] for key in asked} - _WRITER_FIELDS:  # a batch counts as one look-up towards the table
            table = self._table_after_look_ups(field, INDEXED[field])
            if table is not None:
                for key in [key for key in asked if key[0] == field]:
                    known[key] = table.get(key[1], 0)
                    del asked[key]
        if asked:
            if len(self._frequencies) + len(asked) >= _FREQUENCY_CACHE:
                self._frequencies = {}
            keys = list(asked)
            for start in range(0, len(keys), _MOST_FILTERS):
                chunk = keys[start:start + _MOST_FILTERS]
                filters = {str(n): {"term": {asked[key]: key[1]}} for n, key in enumerate(chunk)}
                found = self._search({"size": 0, "query": _any_of(chunk, asked),
                                      "aggs": {"f": {"filters": {"filters": filters}}}})
                buckets = found["aggregations"]["f"]["buckets"]
                for n, key in enumerate(chunk):
                    known[key] = self._frequencies[key] = int(buckets[str(n)]["doc_count"])
        return [known[(field, writable(text))] for field, text in terms]

    def _table_after_look_ups(self, field: str, name: str) -> dict[str, int] | None:
        """The table of ``field``'s terms once it has been looked up often enough and is small enough, else None
        (see :data:`_TABLE_AFTER`)."""
        if field not in _WRITER_FIELDS | _WORD_FIELDS | _TEXT_FIELDS:
            return None
        self._lookups[field] = looked_up = self._lookups.get(field, 0) + 1
        if looked_up != _TABLE_AFTER + 1:  # decided once
            return None
        small_text = field in _TEXT_FIELDS and self.doc_count() <= _MOST_TEXT_TABLE_DOCUMENTS
        if field in _WRITER_FIELDS and self.doc_count() <= _MOST_TABLE_DOCUMENTS:
            table = self._table(name)
        elif small_text or (field in _WORD_FIELDS and self._values(name) <= _MOST_TABLE_VALUES):
            table = self._composite_table(name)
        else:
            return None
        self._tables[field] = table
        return table

    def _values(self, name: str) -> int:
        found = self._search({"size": 0, "aggs": {"n": {"value_count": {"field": name}}}})
        return int(found["aggregations"]["n"]["value"])

    def _composite_table(self, name: str) -> dict[str, int]:
        """Every term of ``name`` with its document frequency, by a composite aggregation page by page."""
        table: dict[str, int] = {}
        after: dict[str, Any] | None = None
        while True:
            composite: dict[str, Any] = {"size": _COMPOSITE_PAGE, "sources": [{"t": {"terms": {"field": name}}}]}
            if after is not None:
                composite["after"] = after
            result = self._search({"size": 0, "aggs": {"c": {"composite": composite}}})["aggregations"]["c"]
            table.update((str(b["key"]["t"]), int(b["doc_count"])) for b in result["buckets"])
            after = result.get("after_key")
            if not result["buckets"] or after is None:
                return table

    def _table(self, name: str) -> dict[str, int]:
        """Every term of the exact-value field ``name`` with its document frequency, by one scroll over the
        values of the documents that have it."""
        table: dict[str, int] = {}
        body = {"size": _SCROLL_PAGE, "sort": ["_doc"], "_source": False, "docvalue_fields": [name],
                "query": {"exists": {"field": name}}}
        for hit in self._scroll(body):
            for value in (hit.get("fields") or {}).get(name, ()):
                table[value] = table.get(value, 0) + 1
        return table

    def _scroll(self, body: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Every hit of a search of the index's last refresh, by a scroll."""
        found = self._cluster.request("POST", f"/{self._index}/_search", body, params={"scroll": "5m"})
        scroll = found.get("_scroll_id")
        try:
            while found["hits"]["hits"]:
                yield from found["hits"]["hits"]
                found = self._cluster.request("POST", "/_search/scroll", {"scroll": "5m", "scroll_id": scroll})
                scroll = found.get("_scroll_id") or scroll
        finally:
            if scroll:
                self._cluster.request("DELETE", "/_search/scroll", {"scroll_id": [scroll]}, missing=(404,),
                                      retry=False)

    def terms(self, field: str, prefix: str = "", limit: int | None = None) -> list[tuple[str, int]]:
        """A terms aggregation ordered by term (exact: each shard gives its first terms, which hold the index's
        first ones); all of them page by page with a composite aggregation."""
        name = INDEXED.get(field)
        if name is None or (limit is not None and limit <= 0) or self.doc_count() == 0:
            return []
        prefix = writable(prefix)
        table = self._tables.get(field)
        if table is not None:
            held = sorted((term, count) for term, count in table.items() if term.startswith(prefix))
            return held if limit is None else held[:limit]
        if limit is not None and limit <= WINDOW:
            terms: dict[str, Any] = {"field": name, "size": limit, "order": {"_key": "asc"}}
            if prefix:
                terms["include"] = re.escape(prefix).replace('"', '\\"') + ".*"
            found = self._search({"size": 0, "aggs": {"t": {"terms": terms}}})
            return [(str(b["key"]), int(b["doc_count"])) for b in found["aggregations"]["t"]["buckets"]]
        listed: list[tuple[str, int]] = []
        after = _just_before(prefix)
        query: Clause = {"prefix": {name: prefix}} if prefix else EVERYTHING
        while True:
            composite: dict[str, Any] = {"size": 5_000, "sources": [{"t": {"terms": {"field": name}}}]}
            if after is not None:
                composite["after"] = after
            found = self._search({"size": 0, "query": query, "aggs": {"c": {"composite": composite}}})
            result = found["aggregations"]["c"]
            for bucket in result["buckets"]:
                term = str(bucket["key"]["t"])
                if term.startswith(prefix):
                    listed.append((term, int(bucket["doc_count"])))
                elif term > prefix:
                    return listed[:limit] if limit is not None else listed
            if limit is not None and len(listed) >= limit:
                return listed[:limit]
            after = result.get("after_key")
            if not result["buckets"] or after is None:
                return listed

    def sharing(self, field: str, texts: Sequence[str], *, at_least: int, limit: int) -> list[tuple[str, int]]:
        """One boolean query whose clauses each score 1: a document's score is the number of the terms it has."""
        body = self._sharing_body(field, texts, at_least, limit)
        return [] if body is None else _sharing_hits(self._search(body))

    def _sharing_body(self, field: str, texts: Sequence[str], at_least: int, limit: int) -> dict[str, Any] | None:
        """The search of :meth:`sharing`, or None when nothing can match."""
        name = INDEXED.get(field)
        terms = list(dict.fromkeys(writable(text) for text in texts))
        if name is None or not terms or limit <= 0 or at_least > len(terms) or self.doc_count() == 0:
            return None
        clauses = [{"constant_score": {"filter": {"term": {name: term}}, "boost": 1.0}} for term in terms]
        return {"query": {"bool": {"should": clauses, "minimum_should_match": max(1, at_least)}},
                "size": min(limit, WINDOW), "sort": [{"_score": "desc"}, {"id": "asc"}],
                "_source": [f"{STORED}.id", f"{STORED}.raw"]}

    def sharing_many(self, field: str, texts: Sequence[Sequence[str]], *, at_least: int,
                     limit: int) -> list[list[tuple[str, int]]]:
        """:meth:`sharing` of each of ``texts``, the searches in one request."""
        bodies = [self._sharing_body(field, terms, at_least, limit) for terms in texts]
        asked = [body for body in bodies if body is not None]
        answers = iter(self._search_many(asked) if asked else [])
        return [_sharing_hits(next(answers)) if body is not None else [] for body in bodies]

    # documents ---------------------------------------------------------------------------------------------

    def get(self, doc_id: str, *, content: bool = True, sketch: bool = True) -> dict[str, Any] | None:
        return self.get_many([doc_id], content=content, sketch=sketch)[0]

    def get_many(self, doc_ids: Sequence[str], *, content: bool = True,
                 sketch: bool = True) -> list[dict[str, Any] | None]:
        """The stored documents of ``doc_ids`` (None for one the snapshot lacks) by one search of their ids."""
        if not doc_ids:
            return []
        keys = list(dict.fromkeys(document_key(doc_id) for doc_id in doc_ids))
        found = self._search({"query": {"ids": {"values": keys}}, "size": len(keys),
                              "_source": {"includes": _HIT_SOURCE,
                                          "excludes": ([] if content else [f"{STORED}.content"])
                                                      + ([] if sketch else _NOT_NEEDED)}})
        by_id: dict[str, dict[str, Any]] = {}
        for hit in found["hits"]["hits"]:
            fields = stored_fields(hit["_source"], content=content)
            if not sketch:
                del fields["sketch"]
            by_id[writable(fields["id"])] = fields
        return [by_id.get(writable(doc_id)) for doc_id in doc_ids]

    def states(self) -> Iterator[tuple[str, str, str]]:
        """Every live document of the index's last refresh, by a scroll in index order."""
        body = {"size": _SCROLL_PAGE, "sort": ["_doc"],
                "_source": [f"{STORED}.id", f"{STORED}.path", f"{STORED}.fingerprint", f"{STORED}.raw"]}
        for hit in self._scroll(body):
            fields = stored_fields(hit["_source"])
            yield fields["id"], fields["path"], fields["fingerprint"]

    def date_range(self) -> tuple[datetime, datetime] | None:
        extremes = self._date_extremes()
        return None if extremes is None else (date_of(extremes[0]), date_of(extremes[1]))

    def _date_extremes(self) -> tuple[int, int] | None:
        """The oldest and newest date values of the live documents (the first hit of each sort on the date, exact
        where a min/max aggregation would go through a double)."""
        if not self._extremes_read:
            ends = []
            for order in ("asc", "desc"):
                found = self._search({"size": 1, "_source": False, "query": {"exists": {"field": "date"}},
                                      "sort": [{"date": {"order": order}}]})
                hits = found["hits"]["hits"]
                if not hits:
                    break
                ends.append(int(hits[0]["sort"][0]))
            self._extremes = (ends[0], ends[1]) if len(ends) == 2 else None
            self._extremes_read = True
        return self._extremes


def _facet_aggregations(post_filter: Clause | None, *, groups: bool) -> dict[str, Any]:
    """The facets' aggregations; ``groups``: the near-duplicate groups among the matches too, by the cluster's
    cardinality estimate (exact below 40,000 groups, within a few percent above)."""
    days: dict[str, Any] = {"days": {"terms": {"field": DAY, "size": _MOST_BUCKETS}},
                            "undated": {"missing": {"field": DAY}}}
    if groups:
        days["groups"] = {"cardinality": {"field": COLLAPSE, "precision_threshold": 40_000}}
    aggs: dict[str, Any] = {"sources": {"terms": {"field": SOURCE_NAMES, "size": _MOST_BUCKETS}},
                            "unsourced": {"missing": {"field": SOURCE_NAMES}}}
    if post_filter is None:
        aggs.update(days)
    else:
        aggs["filtered"] = {"filter": post_filter, "aggs": days}
    return aggs


def _facets(found: dict[str, Any], filtered_days: bool) -> FacetCounts:
    sources: dict[str | None, int] = {str(b["key"]): int(b["doc_count"]) for b in found["sources"]["buckets"]}
    if found["unsourced"]["doc_count"]:
        sources[None] = int(found["unsourced"]["doc_count"])
    scope = found["filtered"] if filtered_days else found
    days: dict[str | None, int] = {day_name(int(b["key"])): int(b["doc_count"]) for b in scope["days"]["buckets"]}
    if scope["undated"]["doc_count"]:
        days[None] = int(scope["undated"]["doc_count"])
    return FacetCounts(sources=sources, days=days)


def _any_of(keys: Sequence[tuple[str, str]], names: dict[tuple[str, str], str]) -> Clause:
    """A query of the documents with any of the terms ``keys`` (their fields' names in ``names``): a filters
    aggregation then visits only those, not every document of the index."""
    values: dict[str, list[str]] = {}
    for key in keys:
        values.setdefault(names[key], []).append(key[1])
    return {"bool": {"filter": {"bool": {"should": [{"terms": {name: texts}} for name, texts in values.items()],
                                         "minimum_should_match": 1}}}}


def _sharing_hits(found: dict[str, Any]) -> list[tuple[str, int]]:
    return [(stored_fields(hit["_source"])["id"], round(float(hit["_score"]))) for hit in found["hits"]["hits"]]


def _item_error(answer: dict[str, Any]) -> ClusterError:
    """The error of one search of a ``_msearch``, as the cluster's refusal of a ``_search`` would be."""
    kind, reason = kind_and_reason(answer.get("error"))
    status = int(answer.get("status", 0) or 0)
    return ClusterError(f"the OpenSearch cluster refused a search: {status} {kind}: {reason}"[:600], status=status,
                        kind=kind)


def _partial(found: dict[str, Any]) -> bool:
    shards = found.get("_shards") or {}
    return bool(found.get("timed_out")) or int(shards.get("failed", 0) or 0) > 0


#: What a search on a point in time fails with when a node holding one of its shards has just left.
_NODE_GONE = ("node_disconnected_exception", "node_not_connected_exception", "node_closed_exception",
              "connect_transport_exception")


def _lost_context(exc: ClusterError) -> bool:
    """Whether the cluster no longer has the point in time (expired, or its node left, before or during the
    search)."""
    text = str(exc)
    return (exc.status == 404 or "search_context_missing" in exc.kind or "SearchContextMissing" in text
            or any(gone in exc.kind or gone in text for gone in _NODE_GONE))


def _just_before(prefix: str) -> dict[str, Any] | None:
    """A composite aggregation's ``after`` key that its pages of terms start from: a string just before every
    term with ``prefix`` (terms are ordered by code point, as UTF-8 orders them), so the terms before them are not
    paged through."""
    if not prefix:
        return None
    last = ord(prefix[-1]) - 1
    if last < 0 or 0xD800 <= last <= 0xDFFF:
        return None
    return {"t": prefix[:-1] + chr(last) + "\U0010ffff"}
