"""The tantivy peer of ``benchmarks/scale.py`` (``pip install tantivy``): tantivy with its own Arabic analyzer.

    python -m benchmarks.tantivy_peer index DIR FOLDER     # every *.jsonl of FOLDER into a new index in DIR
    python -m benchmarks.tantivy_peer query DIR "TEXT"     # top 10 by BM25 with snippets, printed

The analyzer is that of the relevance peer (``benchmarks/evaluation/engines.py``): tantivy's simple tokenizer,
long tokens removed, lowercase, the Snowball Arabic stemmer.  Title and content are indexed with positions (so
the peer could answer phrases, as arsearch does) and stored, with id and source, so hits can show snippets.  The
source is also a fast field (exact name), and the date (the record's ``date``, ``date_extracted`` or
``published``, read as UTC) a fast date field, with its Unix seconds in a fast integer field for reading per hit.

A query is the Should of every analyzed word in title and content, like arsearch's default OR; a word written
``+word`` must match (a Must clause of its terms in either field) and ``-word`` must not (MustNot).
:meth:`Searcher.search` does what ``arsearch.search`` does, with tantivy's own means: the date window and the
sources are non-scoring Must clauses (a fast-field range query, a term set query); newest first is
``order_by_field``; facets are one ``Searcher.aggregate`` (terms on the source, a one-day date histogram; months
are summed from the days); recency takes the top :data:`RECENCY_POOL` by BM25 and orders them by the score times
``0.5 ** (age / half-life)``, the age counted from the newest date of the index (an undated document as old as
the oldest), so a document outside that pool is never found.  Snippets come from tantivy's ``SnippetGenerator``
over the query's positive words.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal

from benchmarks.peers.snowball import snowball_analyzer
from benchmarks.common.corpus import jsonl_records as records

TOKENIZER = "arabic_snowball"
FIELDS = ("title", "content")
HEAP_BYTES = 256_000_000
#: The record keys a date is read from, first found first (as arsearch's ingest reads them).
DATE_KEYS = ("date", "date_extracted", "published")
#: Hits by BM25 that ``sort="recency"`` re-orders by their decayed score.
RECENCY_POOL = 500
HALF_LIFE_DAYS = 90.0
#: More than any archive here has: every source gets its count.
MAX_SOURCES = 10_000

Sort = Literal["relevance", "date", "recency"]
#: ``{"source" | "month" | "day": {value or None: count}}``
FacetCounts = dict[str, dict[str | None, int]]


def open_index(path: str | Path) -> Any:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    for name in FIELDS:
        builder.add_text_field(name, stored=True, tokenizer_name=TOKENIZER)
    builder.add_text_field("source", stored=True, tokenizer_name="raw", fast=True)
    builder.add_date_field("date", fast=True)
    builder.add_integer_field("seconds", fast=True)
    index = tantivy.Index(builder.build(), path=str(path))
    index.register_tokenizer(TOKENIZER, snowball_analyzer())
    return index


def record_date(record: dict[str, Any]) -> datetime | None:
    """The record's date as a naive UTC datetime, or None when it has none that parses."""
    for key in DATE_KEYS:
        value = record.get(key)
        if value:
            try:
                found = datetime.fromisoformat(str(value).strip())
            except ValueError:
                return None
            return found.astimezone(timezone.utc).replace(tzinfo=None) if found.tzinfo else found
    return None


def unix_seconds(when: datetime) -> int:
    return int(when.replace(tzinfo=timezone.utc).timestamp())


def index(path: str, folder: str) -> dict[str, int]:
    import tantivy

    os.makedirs(path, exist_ok=True)
    ix = open_index(path)
    writer = ix.writer(heap_size=HEAP_BYTES)
    added = 0
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".jsonl"):
            continue
        for record in records(os.path.join(folder, name)):
            doc = tantivy.Document(
                id=record.get("url") or "", title=record.get("title") or "", content=record["content"],
                source=record.get("source") or "")
            when = record_date(record)
            if when is not None:
                doc.add_date("date", when)
                doc.add_integer("seconds", unix_seconds(when))
            writer.add_document(doc)
            added += 1
    writer.commit()
    writer.wait_merging_threads()
    return {"added": added}


@dataclass(frozen=True)
class PeerHit:
    id: str
    title: str
    #: HTML from tantivy's ``SnippetGenerator``; "" when snippets were not asked for.
    snippet: str
    source: str
    date: datetime | None
    #: BM25; the decayed score for ``sort="recency"``; tantivy's order value (the date) for ``sort="date"``.
    score: float


@dataclass(frozen=True)
class PeerResults:
    hits: list[PeerHit]
    #: Matching documents, after every filter.
    total: int
    facets: FacetCounts | None = None


@dataclass(frozen=True)
class ParsedQuery:
    #: What is searched: the words, the required and excluded ones.
    query: Any
    #: The words that may or must match, for snippets.
    positive: Any


class Searcher:
    """An open peer index: top 10 by BM25, with snippets of the content or ids only, and the request types of
    ``arsearch.search`` (date window, sources, facets, newest first, recency)."""

    def __init__(self, path: str | Path) -> None:
        self.index = open_index(path)
        self.index.reload()
        self.searcher = self.index.searcher()
        self.analyzer = snowball_analyzer()

    @cached_property
    def extremes(self) -> tuple[float, float] | None:
        """The newest and oldest date of the index, in Unix seconds (None when no document has a date)."""
        import tantivy

        found = self.searcher.aggregate(tantivy.Query.all_query(), {
            "newest": {"max": {"field": "seconds"}}, "oldest": {"min": {"field": "seconds"}}})
        newest, oldest = found["newest"]["value"], found["oldest"]["value"]
        return None if newest is None or oldest is None else (newest, oldest)

    def _any_field(self, terms: list[str]) -> Any:
        import tantivy

        schema = self.index.schema
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.term_query(schema, field, t)) for field in FIELDS for t in terms])

    def parse(self, text: str) -> ParsedQuery | None:
        """``text``'s words as a boolean query (None when no word is left to match)."""
        import tantivy

        plain: list[str] = []
        signed: list[tuple[Any, list[str]]] = []
        for word in text.split():
            if len(word) > 1 and word[0] in "+-":
                terms = list(dict.fromkeys(self.analyzer.analyze(word[1:])))
                if terms:
                    occur = tantivy.Occur.Must if word[0] == "+" else tantivy.Occur.MustNot
                    signed.append((occur, terms))
            else:
                plain.extend(self.analyzer.analyze(word))
        should = list(dict.fromkeys(plain))
        positive = should + [t for occur, terms in signed if occur == tantivy.Occur.Must for t in terms]
        if not positive:
            return None
        if not signed:
            words = self._any_field(should)
            return ParsedQuery(words, words)
        clauses = [(occur, self._any_field(terms)) for occur, terms in signed]
        if should:
            clauses.append((tantivy.Occur.Should, self._any_field(should)))
        return ParsedQuery(tantivy.Query.boolean_query(clauses), self._any_field(list(dict.fromkeys(positive))))

    def query(self, text: str) -> Any:
        parsed = self.parse(text)
        return parsed.query if parsed else None

    def _filters(self, since: date | None, until: date | None, sources: Collection[str] | None) -> list[Any]:
        import tantivy

        found = []
        if since is not None or until is not None:
            lower = datetime.combine(since, datetime.min.time()) if since else None
            upper = datetime.combine(until + timedelta(days=1), datetime.min.time()) if until else None
            found.append(tantivy.Query.range_query(self.index.schema, "date", tantivy.FieldType.Date, lower, upper,
                                                   include_upper=False))
        if sources:
            found.append(tantivy.Query.term_set_query(self.index.schema, "source", list(sources)))
        return found

    @staticmethod
    def _filtered(query: Any, filters: list[Any]) -> Any:
        import tantivy

        if not filters:
            return query
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, query)] + [
            (tantivy.Occur.Must, tantivy.Query.const_score_query(f, 0.0)) for f in filters])

    def search(self, text: str, *, limit: int = 10, since: date | None = None, until: date | None = None,
               sources: Collection[str] | None = None, sort: Sort = "relevance", facets: bool = False,
               snippets: bool = True) -> PeerResults:
        """The top ``limit`` for ``text`` in the days ``since``..``until`` (inclusive) and of ``sources`` (exact
        names), by BM25, newest first (``"date"``) or by the score decayed with the age (``"recency"``);
        ``facets``: counts of every match per source (ignoring ``sources``), month and day."""
        parsed = self.parse(text)
        if parsed is None:
            return PeerResults([], 0, {"source": {}, "month": {}, "day": {}} if facets else None)
        date_filters = self._filters(since, until, None)
        query = self._filtered(parsed.query, date_filters + self._filters(None, None, sources))
        if sort == "recency":
            found = self.searcher.search(query, RECENCY_POOL)
            ranked = self._decayed(found.hits)[:limit]
        elif sort == "date":
            found = self.searcher.search(query, limit, order_by_field="date")
            ranked = found.hits
        else:
            found = self.searcher.search(query, limit)
            ranked = found.hits
        counts = None
        if facets:
            unfiltered = self._filtered(parsed.query, date_filters) if sources else None
            counts = self._facets(query, found.count, unfiltered)
        return PeerResults(self._hits(ranked, parsed.positive if snippets else None), found.count, counts)

    def _decayed(self, hits: list[tuple[float, Any]]) -> list[tuple[float, Any]]:
        if self.extremes is None or not hits:
            return list(hits)
        newest, oldest = self.extremes
        seconds = self.searcher.fast_field_values("seconds", [address for _, address in hits])
        per_second = 1 / (HALF_LIFE_DAYS * 86_400)
        boosted = [(score * 0.5 ** ((newest - (oldest if t is None else t)) * per_second), address)
                   for (score, address), t in zip(hits, seconds)]
        boosted.sort(key=lambda hit: -hit[0])
        return boosted

    def _hits(self, ranked: list[tuple[float, Any]], positive: Any) -> list[PeerHit]:
        import tantivy

        if not ranked:
            return []
        generator = (tantivy.SnippetGenerator.create(self.searcher, positive, self.index.schema, "content")
                     if positive is not None else None)
        seconds = self.searcher.fast_field_values("seconds", [address for _, address in ranked])
        found = []
        for (score, address), t in zip(ranked, seconds):
            doc = self.searcher.doc(address)
            found.append(PeerHit(
                doc["id"][0], doc["title"][0], generator.snippet_from_doc(doc).to_html() if generator else "",
                (doc.get_first("source") or ""), datetime.fromtimestamp(t, timezone.utc).replace(tzinfo=None)
                if t is not None else None, float(score)))
        return found

    def _facets(self, query: Any, total: int, unfiltered: Any) -> FacetCounts:
        """Per source, day and month of every match of ``query`` (per source of ``unfiltered`` when given); the
        documents without a value under None."""
        aggregations: dict[str, Any] = {"day": {"date_histogram": {"field": "date", "fixed_interval": "1d"}}}
        source = {"terms": {"field": "source", "size": MAX_SOURCES}}
        if unfiltered is None:
            aggregations["source"] = source
        found = self.searcher.aggregate(query, aggregations)
        if unfiltered is not None:
            counted = self.searcher.aggregate(unfiltered, {"source": source})["source"]
            source_total = self.searcher.search(unfiltered, 1).count
        else:
            counted, source_total = found["source"], total
        days: dict[str | None, int] = {}
        months: dict[str | None, int] = {}
        for bucket in found["day"]["buckets"]:
            if bucket["doc_count"]:
                day = bucket["key_as_string"][:10]
                days[day] = bucket["doc_count"]
                months[day[:7]] = months.get(day[:7], 0) + bucket["doc_count"]
        sources: dict[str | None, int] = {b["key"]: b["doc_count"] for b in counted["buckets"]}
        for counts, of in ((days, total), (months, total), (sources, source_total)):
            missing = of - sum(counts.values())
            if missing > 0:
                counts[None] = missing
        return {"source": sources, "month": months, "day": days}

    def ids(self, text: str, limit: int = 10) -> list[str]:
        query = self.query(text)
        if query is None:
            return []
        return [self.searcher.doc(address)["id"][0] for _, address in self.searcher.search(query, limit).hits]

    def with_snippets(self, text: str, limit: int = 10) -> list[tuple[str, str, str]]:
        """``(id, title, snippet html)`` of the top ``limit``."""
        return [(h.id, h.title, h.snippet) for h in self.search(text, limit=limit).hits]


def main(argv: list[str]) -> None:
    command, path, arg = argv
    if command == "index":
        print(json.dumps(index(path, arg)))
    elif command == "query":
        for rank, (doc_id, title, snippet) in enumerate(Searcher(path).with_snippets(arg), start=1):
            print(f"{rank:>2}. {title}\n    {doc_id}\n    {snippet}\n")
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
