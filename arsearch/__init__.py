"""arsearch: full-text search for Arabic news.  This module is the public API; nothing inside the package
imports it."""

from arsearch.version import VERSION as __version__

from arsearch.analysis import Analyzer, AnalyzerSettings, Token, normalize
from arsearch.documents import Document
from arsearch.index import Index, IndexStats, IndexWriter
from arsearch.search import (Budget, Duplicate, FacetCount, Facets, Hit, Ranking, SearchResults, Snippet, Suggestion,
                             search, similar)


def __getattr__(name: str) -> object:
    """``index_paths`` and ``IngestReport`` load file readers that searching never needs: imported on first use."""
    if name in ("IngestReport", "index_paths"):
        from arsearch import ingest

        return getattr(ingest, name)
    raise AttributeError(f"module 'arsearch' has no attribute {name!r}")


__all__ = [
    "Analyzer",
    "AnalyzerSettings",
    "Budget",
    "Document",
    "Duplicate",
    "FacetCount",
    "Facets",
    "Hit",
    "Index",
    "IndexStats",
    "IndexWriter",
    "IngestReport",
    "Ranking",
    "SearchResults",
    "Snippet",
    "Suggestion",
    "Token",
    "__version__",
    "index_paths",
    "normalize",
    "search",
    "similar",
]
