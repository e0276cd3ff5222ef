"""Related stories: more-like-this over a document's analyzed terms, in the manner of Lucene's MoreLikeThis.

The document's terms (title and content, stopwords and numbers left out) are ranked by tf·idf: the term frequency
counts a title occurrence ``title_weight`` times, the idf is Lucene's ``1 + ln(N / (df + 1))``.  Terms must occur
at least :data:`MIN_TERM_FREQ` times (or once, when that leaves fewer than :data:`MIN_TERMS`) and in at least
:data:`MIN_DOC_FREQ` documents; the best :data:`MAX_SIMILAR_TERMS` make an OR query over title and content, scored
by BM25F like any search.  The document itself and, unless asked, its near-duplicates are left out by the query.
"""

from __future__ import annotations

import time
import warnings
from collections import Counter
from math import log

from arsearch.analysis import Analyzer
from arsearch.engine.api import AndNot, AnyOf, Query, SearchRequest, Snapshot, Term
from arsearch.errors import DocumentNotFoundError
from arsearch.index import Index
from arsearch.search.ranking import DEFAULT_RANKING, Ranking
from arsearch.search.results import SearchResults
from arsearch.search.searching import make_hit

#: Lucene MoreLikeThis's defaults: terms seen fewer times in the document are ignored ...
MIN_TERM_FREQ = 2
#: ... unless fewer than this many terms would be left (a short article), then every term counts.
MIN_TERMS = 5
#: A term must occur in at least this many documents (the document itself and one more).
MIN_DOC_FREQ = 2
#: The query is made of this many terms at most (Lucene's default).
MAX_SIMILAR_TERMS = 25


def similar(index: Index, doc_id: str, *, limit: int = 10, offset: int = 0, include_duplicates: bool = False,
            collapse: bool = True, ranking: Ranking = DEFAULT_RANKING, snippet_width: int = 220) -> SearchResults:
    """Documents like ``doc_id``, best first; snippets highlight the terms they share with it.

    Leaves out the document and, unless ``include_duplicates``, its near-duplicate group; ``collapse`` shows one
    hit per group as :func:`arsearch.search` does.  ``total`` counts the other documents that share a term.
    Raises :class:`DocumentNotFoundError` for an unknown id.
    """
    started = time.perf_counter()
    snapshot = index.snapshot()
    stored = snapshot.get(doc_id, sketch=False)
    if stored is None:
        raise DocumentNotFoundError(f"no document with id {doc_id!r} in the index at {index.path}")
    terms = like_terms(index.analyzer, snapshot, str(stored.get("title") or ""), str(stored.get("content") or ""),
                       ranking.title_weight)
    if not terms:
        return SearchResults(doc_id, [], 0, (time.perf_counter() - started) * 1000, frozenset())
    label = str(stored.get("group") or "")
    query: Query = AnyOf(tuple(Term(field, term, boost) for term in terms
                               for field, boost in (("title", ranking.title_weight), ("content", 1.0))))
    excluded: Query = Term("group", label) if label and not include_duplicates else Term("id", doc_id)
    request = SearchRequest(AndNot(query, excluded), collapse=collapse, offset=offset, limit=limit,
                            members=True, content=snippet_width > 0, bm25=ranking.bm25)
    response = snapshot.search(request)
    hits = [make_hit(index.analyzer, hit, rank, frozenset(terms), snippet_width, frozenset({doc_id}))
            for rank, hit in enumerate(response.hits, start=offset + 1)]
    return SearchResults(doc_id, hits, response.total, (time.perf_counter() - started) * 1000, frozenset(terms),
                         groups=response.groups)


def like_terms(analyzer: Analyzer, snapshot: Snapshot, title: str, content: str, title_weight: float) -> list[str]:
    """The terms that stand for a document, best first (see the module's docstring)."""
    counts: Counter[str] = Counter()
    for text, weight in ((content, 1.0), (title, title_weight)):
        for token in analyzer.tokens(text):
            if not token.stopword and not token.term.isdigit():
                counts[token.term] += weight  # type: ignore[assignment]
    stats = snapshot.stats()
    documents = max(1, stats.documents + stats.deleted)
    min_tf = MIN_TERM_FREQ if sum(1 for c in counts.values() if c >= MIN_TERM_FREQ) >= MIN_TERMS else 1
    scored = []
    for term, tf in counts.items():
        if tf < min_tf:
            continue
        df = max(snapshot.doc_frequency("content", term), snapshot.doc_frequency("title", term))
        if df < MIN_DOC_FREQ:
            continue
        scored.append((tf * (1 + log(documents / (df + 1))), term))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [term for _, term in scored[:MAX_SIMILAR_TERMS]]


def __getattr__(name: str) -> object:
    """``MAX_QUERY_TERMS``, the old name of :data:`MAX_SIMILAR_TERMS` (a query's own limit is
    :data:`arsearch.search.compiler.MAX_QUERY_TERMS`)."""
    if name == "MAX_QUERY_TERMS":
        warnings.warn("arsearch.search.similar.MAX_QUERY_TERMS is deprecated: use MAX_SIMILAR_TERMS",
                      DeprecationWarning, stacklevel=2)
        return MAX_SIMILAR_TERMS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
