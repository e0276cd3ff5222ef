"""Searching an index: the query syntax and its compilation to engine queries, ranking and its orders, filters
and facets, near-duplicate collapsing, snippets, did-you-mean and related stories."""

from arsearch.search.budget import Budget
from arsearch.search.collapsing import Duplicate
from arsearch.search.facets import FacetCount, Facets
from arsearch.search.highlight import Snippet
from arsearch.search.ranking import DEFAULT_RANKING, Ranking
from arsearch.search.results import Hit, SearchResults
from arsearch.search.searching import search
from arsearch.search.similar import similar
from arsearch.search.spelling import Suggestion

__all__ = ["DEFAULT_RANKING", "Budget", "Duplicate", "FacetCount", "Facets", "Hit", "Ranking", "SearchResults",
           "Snippet", "Suggestion", "search", "similar"]
