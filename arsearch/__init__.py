"""arsearch: full-text search for Arabic news."""

__version__ = "0.1.0"

from arsearch.analysis import Analyzer, AnalyzerSettings, Token, normalize  # noqa: E402
from arsearch.documents import Document  # noqa: E402
from arsearch.facets import FacetCount, Facets  # noqa: E402
from arsearch.highlight import Snippet  # noqa: E402
from arsearch.index import Index, IndexStats, IndexWriter  # noqa: E402
from arsearch.collapsing import Duplicate  # noqa: E402
from arsearch.search import Hit, Ranking, SearchResults, search  # noqa: E402
from arsearch.spelling import Suggestion  # noqa: E402
from arsearch.similar import similar  # noqa: E402


def __getattr__(name: str) -> object:
    """``index_paths`` and ``IngestReport`` load file readers that searching never needs: imported on first use."""
    if name in ("IngestReport", "index_paths"):
        from arsearch import ingest

        return getattr(ingest, name)
    raise AttributeError(f"module 'arsearch' has no attribute {name!r}")


__all__ = [
    "Analyzer",
    "AnalyzerSettings",
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
