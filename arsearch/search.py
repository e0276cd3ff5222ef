"""Turning a parsed query into a Whoosh query, running it, and building hits with snippets."""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time as dtime
from typing import Any, Literal

from whoosh import query as wq
from whoosh.scoring import BM25F

from arsearch.analysis import Analyzer
from arsearch.collapsing import Duplicate, Groups, collapsed_page
from arsearch.errors import QueryError
from arsearch.facets import NO_DATE, Facets, count_facets, date_range, document_dates, segment_dates, \
    source_documents
from arsearch.highlight import Snippet, highlight_whole, make_snippet
from arsearch.index import Index
from arsearch.query_syntax import AnyOf, Clause, Group, Node, Phrase, Word, fields_named, parse_query
from arsearch.schema import QUERY_FIELDS, TEXT_FIELDS
from arsearch.ordering import DEFAULT_HALF_LIFE_DAYS, Scored, Sort, by_date, by_relevance, check_sort, \
    recency_boosted
from arsearch.scoring import BagOfTerms, all_documents, bag_of_terms, top_documents
from arsearch.spelling import Suggestion, has_unknown_term, suggest_query

Operator = Literal["or", "and"]
Engine = Literal["auto", "whoosh"]
#: Fields whose terms arsearch.scoring can score (analyzed, positions, lengths).
_SCORED_FIELDS = frozenset({"title", "content", "author"})

#: Most term lookups one query may need (after repeated words are merged), like Lucene's max clause count: the
#: cost of a query grows with its lookups, and a pasted article can need thousands.
MAX_QUERY_TERMS = 1024
_WILDCARDS_ONLY = frozenset("*?؟ \t\n")


@dataclass(frozen=True)
class Ranking:
    """How hits are scored: BM25F parameters, field weights and the default operator between words."""

    k1: float = 1.2
    b: float = 0.75
    title_weight: float = 2.0
    operator: Operator = "or"
    #: Coordination bonus for the default OR: documents matching more of the words score higher.
    coord: float | None = None
    #: ``sort="recency"``: a hit's score is halved for every this many days it is older than the newest document.
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS


DEFAULT_RANKING = Ranking()


@dataclass(frozen=True)
class Hit:
    rank: int
    id: str
    score: float
    title: Snippet
    snippet: Snippet
    fields: dict[str, Any] = field(repr=False)
    #: The label of the hit's near-duplicate group ("" for an index without groups, format 2 and older).
    group: str = ""
    #: The other documents of the group (every copy, shown or not).
    duplicates: tuple[Duplicate, ...] = ()

    @property
    def date(self) -> datetime | None:
        return self.fields.get("date")

    @property
    def source(self) -> str:
        return str(self.fields.get("source") or "")

    @property
    def url(self) -> str:
        return str(self.fields.get("url") or "")

    @property
    def path(self) -> str:
        return str(self.fields.get("path") or "")

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``arsearch query --json``."""
        return {
            "id": self.id,
            "title": self.title.text,
            "score": round(self.score, 4),
            "snippet": self.snippet.text,
            "date": self.date.isoformat() if self.date else None,
            "source": self.source,
            "url": self.url,
            "path": self.path,
            "rank": self.rank,
            "highlights": [list(span) for span in self.snippet.spans],
            "group": self.group,
            "duplicate_count": len(self.duplicates),
            "duplicates": [d.to_dict() for d in self.duplicates],
        }


@dataclass(frozen=True)
class SearchResults:
    query: str
    hits: list[Hit]
    total: int
    elapsed_ms: float
    terms: frozenset[str]
    #: Counts per source, month and day of all matches, when ``search(..., facets=True)`` asked for them.
    facets: Facets | None = None
    #: A corrected query when a word of this one is unknown to the index (``search(suggest=True)``).
    suggestion: Suggestion | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``arsearch query --json --envelope`` (and of the HTTP API): the hits with what is
        known of the whole result."""
        shape = {
            "query": self.query,
            "total": self.total,
            "elapsed_ms": round(self.elapsed_ms, 3),
            "hits": [hit.to_dict() for hit in self.hits],
            "suggestion": self.suggestion.to_dict() if self.suggestion else None,
        }
        if self.facets is not None:
            shape["facets"] = self.facets.to_dict()
        return shape


@dataclass
class _Compiled:
    query: wq.Query | None
    terms: set[str]


class QueryCompiler:
    """Analyzes each word with the index's analyzer and builds the Whoosh query."""

    def __init__(self, analyzer: Analyzer, ranking: Ranking = DEFAULT_RANKING) -> None:
        self.analyzer = analyzer
        self.ranking = ranking

    def compile(self, text: str) -> tuple[wq.Query, frozenset[str]]:
        clauses = parse_query(text)
        unknown = fields_named(clauses) - set(QUERY_FIELDS)
        if unknown:
            raise QueryError(f"unknown field {sorted(unknown)[0]!r}: use one of {', '.join(QUERY_FIELDS)} "
                             f"(or put the text in quotes to search for it)")
        self._keep_stopwords = not self._has_content_word(clauses)
        compiled = self._sequence(clauses, None)
        if compiled.query is None:
            if text.strip() and set(text) <= _WILDCARDS_ONLY:
                raise QueryError("wildcards (* and ?) are not supported: search for words; a word already "
                                 "matches its forms with and without ال and suffixes")
            raise QueryError("nothing to search for: the query has no words, or only excludes words")
        count = sum(1 for _ in compiled.query.leaves())
        if count > MAX_QUERY_TERMS:
            raise QueryError(f"query too long ({count} terms to look up, the limit is {MAX_QUERY_TERMS}): "
                             "shorten it")
        return compiled.query, frozenset(compiled.terms)

    def _has_content_word(self, clauses: tuple[Clause, ...]) -> bool:
        def words(node: Node) -> list[str]:
            if isinstance(node, Word):
                return [node.text]
            if isinstance(node, AnyOf):
                return [w for option in node.options for w in words(option)]
            if isinstance(node, Group):
                return [w for c in node.clauses if c.occur != "must_not" for w in words(c.node)]
            return []

        texts = [w for c in clauses if c.occur != "must_not" for w in words(c.node)]
        return any(not tok.stopword for text in texts for tok in self.analyzer.tokens(text))

    def _sequence(self, clauses: tuple[Clause, ...], fieldname: str | None) -> _Compiled:
        should: list[wq.Query] = []
        must: list[wq.Query] = []
        must_not: list[wq.Query] = []
        terms: set[str] = set()
        seen: set[tuple[str, str]] = set()
        for clause in clauses:
            part = self._node(clause.node, fieldname)
            # a repeated word adds nothing; keyed by repr because Whoosh's compound queries all hash alike
            if part.query is None or (clause.occur, repr(part.query)) in seen:
                continue
            seen.add((clause.occur, repr(part.query)))
            if clause.occur == "must_not":
                must_not.append(part.query)
                continue
            terms |= part.terms
            if clause.occur == "must" or self.ranking.operator == "and":
                must.append(part.query)
            else:
                should.append(part.query)
        positive = self._combine(must, should)
        if positive is None:
            return _Compiled(None, set())
        if must_not:
            positive = wq.AndNot(positive, must_not[0] if len(must_not) == 1 else wq.Or(must_not))
        return _Compiled(positive, terms)

    def _combine(self, must: list[wq.Query], should: list[wq.Query]) -> wq.Query | None:
        optional: wq.Query | None = None
        if len(should) == 1:
            optional = should[0]
        elif should:
            optional = wq.Or(should, scale=self.ranking.coord)
        if not must:
            return optional
        required = must[0] if len(must) == 1 else wq.And(must)
        return wq.AndMaybe(required, optional) if optional is not None else required

    def _node(self, node: Node, fieldname: str | None) -> _Compiled:
        if isinstance(node, Group):
            return self._sequence(node.clauses, node.field or fieldname)
        if isinstance(node, AnyOf):
            parts = [self._node(option, fieldname) for option in node.options]
            queries = [p.query for p in parts if p.query is not None]
            if not queries:
                return _Compiled(None, set())
            return _Compiled(queries[0] if len(queries) == 1 else wq.Or(queries),
                             set().union(*(p.terms for p in parts)))
        fieldname = node.field or fieldname
        if fieldname in ("source", "id", "url"):
            value = node.text.lower() if fieldname == "source" else node.text
            return _Compiled(wq.Term(fieldname, value) if value else None, set())
        is_phrase = isinstance(node, Phrase)
        tokens = self.analyzer.tokens(node.text)
        if not is_phrase and not self._keep_stopwords:
            tokens = [t for t in tokens if not t.stopword]
        words = [t.term for t in tokens]
        if not words:
            return _Compiled(None, set())
        fields = [fieldname] if fieldname else list(TEXT_FIELDS)
        return _Compiled(self._text_query(fields, words), set(words))

    def _text_query(self, fields: list[str], words: list[str]) -> wq.Query:
        per_field: list[wq.Query] = []
        for name in fields:
            boost = self.ranking.title_weight if name == "title" else 1.0
            if len(words) == 1:
                per_field.append(wq.Term(name, words[0], boost=boost))
            else:
                per_field.append(wq.Phrase(name, words, slop=1, boost=boost))
        return per_field[0] if len(per_field) == 1 else wq.Or(per_field)


def _day_start(value: date | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, dtime.min)


def _day_end(value: date | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, dtime.max)


def _scored_bag(searcher: Any, query: wq.Query,
                dates: tuple[datetime, datetime] | None) -> tuple[BagOfTerms | None, set[int] | None]:
    """The terms :func:`top_documents` scores ``query`` by and the documents it may return (None: all that have a
    term), within ``dates`` (first and last instant) if given; ``(None, None)`` when only Whoosh's matchers can run
    the query."""
    found = bag_of_terms(query, _SCORED_FIELDS)
    if found is None:
        return None, None
    bag, selects = found
    allowed = set(searcher.docs_for_query(query)) if selects else None
    if dates is not None:
        dated = dated_documents(searcher, *dates)
        allowed = dated if allowed is None else allowed & dated
    return bag, allowed


def dated_documents(searcher: Any, first: datetime, last: datetime) -> set[int]:
    """Numbers of the documents dated from ``first`` to ``last`` included, read from the date column: what
    ``DateRange("date", first, last)`` matches, without expanding the range into terms (10 times faster here)."""
    field = searcher.schema["date"]
    low, high = field.to_column_value(first), min(field.to_column_value(last), NO_DATE - 1)
    found: set[int] = set()
    for reader, offset in searcher.reader().leaf_readers():
        found.update(offset + n for n, value in enumerate(segment_dates(reader)) if low <= value <= high)
    return found


@dataclass(frozen=True)
class Filters:
    """The date window (as a Whoosh filter and as first and last instant) and the sources' documents."""

    date_query: wq.Query | None = None
    dates: tuple[datetime, datetime] | None = None
    sources: set[int] | None = None

    def whoosh_filter(self, searcher: Any, with_sources: bool) -> wq.Query | set[int] | None:
        if not with_sources or self.sources is None:
            return self.date_query
        if self.date_query is None:
            return self.sources
        return set(searcher.docs_for_query(self.date_query)) & self.sources


def ranked_documents(searcher: Any, query: wq.Query, filters: Filters, ranking: Ranking, engine: Engine, *,
                     first: int, count: int, sort: Sort = "relevance",
                     facets: bool = False) -> tuple[Scored, int, Facets | None]:
    """``(page, total, facets)``: the ``count`` matching ``(docnum, score)`` from rank ``first`` (0-based) in the
    order ``sort``, the number of matches, and the facets of all matches if asked for.

    Relevance without facets keeps only the best ``first + count`` while scoring; the other orders and the
    facets need every match with its score.
    """
    if sort == "relevance" and not facets:
        top, total = _top_documents(searcher, query, filters, ranking, engine, first + count)
        return top[first:first + count], total, None
    matches = _all_documents(searcher, query, filters, ranking, engine)
    wanted = filters.sources
    filtered = matches if wanted is None else [m for m in matches if m[0] in wanted]
    found = count_facets(searcher, (d for d, _ in matches), (d for d, _ in filtered)) if facets else None
    if sort == "date":
        ordered = by_date(filtered, document_dates(searcher), first + count)
    elif sort == "recency":
        boosted = recency_boosted(filtered, document_dates(searcher), ranking.half_life_days,
                                  date_range(searcher))
        ordered = by_relevance(boosted, first + count)
    else:
        ordered = by_relevance(filtered, first + count)
    return ordered[first:first + count], len(filtered), found


def _top_documents(searcher: Any, query: wq.Query, filters: Filters, ranking: Ranking, engine: Engine,
                   count: int) -> tuple[Scored, int]:
    bag, allowed = _scored_bag(searcher, query, filters.dates) if engine == "auto" else (None, None)
    if bag is not None:
        if filters.sources is not None:
            allowed = filters.sources if allowed is None else allowed & filters.sources
        return top_documents(searcher, bag, count, k1=ranking.k1, b=ranking.b, allowed=allowed)
    results = searcher.search(query, limit=count, filter=filters.whoosh_filter(searcher, True), terms=False)
    return [(hit.docnum, hit.score) for hit in results], len(results)


def _all_documents(searcher: Any, query: wq.Query, filters: Filters, ranking: Ranking,
                   engine: Engine) -> Scored:
    """Every match within the dates (not yet narrowed to the sources: the source facet counts them)."""
    bag, allowed = _scored_bag(searcher, query, filters.dates) if engine == "auto" else (None, None)
    if bag is not None:
        return all_documents(searcher, bag, k1=ranking.k1, b=ranking.b, allowed=allowed)
    results = searcher.search(query, limit=None, filter=filters.whoosh_filter(searcher, False), terms=False)
    return list(results.items())


def search(index: Index, text: str, *, limit: int = 10, offset: int = 0, since: date | None = None,
           until: date | None = None, ranking: Ranking = DEFAULT_RANKING, snippet_width: int = 220,
           engine: Engine = "auto", sources: Collection[str] | None = None, sort: Sort = "relevance",
           facets: bool = False, suggest: bool = True, collapse: bool = True) -> SearchResults:
    """Run ``text`` against ``index``; hits carry snippets of the original text with matches marked.

    ``sources``: only documents of any of these sources (case-insensitive exact names; :class:`QueryError` for a
    name the index does not have; None or empty: every source).  ``sort``: ``"relevance"``, ``"date"`` (newest
    first, ties by score) or ``"recency"`` (the score halved for every ``ranking.half_life_days`` of age).
    ``facets``: also count all matches per source, month and day (:class:`arsearch.facets.Facets`).

    Queries of words, phrases and the operators of the query syntax are scored by :mod:`arsearch.scoring`
    (BM25F a posting list at a time; for queries with operators Whoosh's matchers select the documents);
    ``engine="whoosh"`` scores with Whoosh's matchers, to the same scores.
    ``snippet_width=0`` gives every hit an empty snippet and skips re-analyzing its content (``query --batch``).
    ``suggest=True`` adds a did-you-mean correction when a query word is unknown to the index (arsearch.spelling).
    ``collapse``: one hit per near-duplicate group, its best-scoring document (``offset`` and ``limit`` count
    groups); ``total`` counts matching documents, copies included.
    """
    started = time.perf_counter()
    query, terms = QueryCompiler(index.analyzer, ranking).compile(text)
    sort = check_sort(sort)
    filters = Filters()
    if since or until:
        first, last = _day_start(since) if since else None, _day_end(until) if until else None
        filters = Filters(wq.DateRange("date", first, last), (first or datetime.min, last or datetime.max))
    searcher = index.searcher()
    weighting = BM25F(B=ranking.b, K1=ranking.k1)
    with searcher.__class__(searcher.reader(), weighting=weighting, closereader=False) as s:
        if sources:
            filters = Filters(filters.date_query, filters.dates, source_documents(s, sources))
        # near-duplicate collapsing (arsearch.collapsing): a separate step over the ranking
        groups = Groups.of(s) if snippet_width > 0 or collapse else None
        if collapse and groups is not None:
            page, total, found_facets = _collapsed(s, query, filters, ranking, engine, groups, offset, limit,
                                                   sort, facets)
        else:
            page, total, found_facets = ranked_documents(s, query, filters, ranking, engine, first=offset,
                                                         count=limit, sort=sort, facets=facets)
        hits = [make_hit(index, s, docnum, score, rank, terms, snippet_width, groups)
                for rank, (docnum, score) in enumerate(page, start=offset + 1)]
        # the speller corrects only words unknown to the index: when every term is known it has nothing to do
        suggest = suggest and has_unknown_term(s.reader(), terms)
    suggestion = suggest_query(index, text, lambda fixed: search(
        index, fixed, limit=1, since=since, until=until, ranking=ranking, snippet_width=0, engine=engine,
        sources=sources, suggest=False).total) if suggest else None
    return SearchResults(text, hits, total, (time.perf_counter() - started) * 1000, terms, found_facets,
                         suggestion)


def _collapsed(searcher: Any, query: wq.Query, filters: Filters, ranking: Ranking, engine: Engine, groups: Groups,
               offset: int, limit: int, sort: Sort, facets: bool) -> tuple[Scored, int, Facets | None]:
    """:func:`ranked_documents` with one document per near-duplicate group; ``offset`` and ``limit`` count groups."""
    if sort == "relevance" and not facets:
        def ranked(n: int) -> tuple[Scored, int]:
            page, total, _ = ranked_documents(searcher, query, filters, ranking, engine, first=0, count=n)
            return page, total

        return (*collapsed_page(ranked, groups, offset, limit), None)
    # every match is scored anyway (for the facets or the order): order them all once
    everything, total, found = ranked_documents(searcher, query, filters, ranking, engine, first=0,
                                                count=searcher.doc_count_all(), sort=sort, facets=facets)
    page, _ = collapsed_page(lambda n: (everything[:n], total), groups, offset, limit)
    return page, total, found


def make_hit(index: Index, searcher: Any, docnum: int, score: float, rank: int, terms: frozenset[str],
             snippet_width: int, groups: Groups | None, exclude: frozenset[int] = frozenset()) -> Hit:
    """A hit with its title and snippet highlighted for ``terms`` and its group's other documents (except
    ``exclude``)."""
    stored = dict(searcher.stored_fields(docnum))
    content = stored.pop("content", "")
    return Hit(
        rank=rank,
        id=stored["id"],
        score=score,
        title=highlight_whole(index.analyzer, stored.get("title", ""), terms),
        snippet=make_snippet(index.analyzer, content, terms, snippet_width) if snippet_width > 0 else Snippet(""),
        fields=stored,
        group=groups.label(docnum) if groups is not None else "",
        duplicates=groups.duplicates_of(docnum, exclude) if groups is not None else (),
    )
