"""The Whoosh schema of an arsearch index."""

from __future__ import annotations

from whoosh.fields import DATETIME, ID, KEYWORD, TEXT, Schema

from arsearch.analysis import AnalyzerSettings
from arsearch.analysis.whoosh_adapter import ArabicWhooshAnalyzer

#: Fields searched when a query word names no field.
TEXT_FIELDS = ("title", "content")
#: Fields a query may name with ``field:``.
QUERY_FIELDS = ("title", "content", "author", "source", "id", "url")


def build_schema(settings: AnalyzerSettings) -> Schema:
    analyzer = ArabicWhooshAnalyzer(settings.stemmer)
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        title=TEXT(analyzer=analyzer, stored=True, phrase=True),
        content=TEXT(analyzer=analyzer, stored=True, phrase=True),
        author=TEXT(analyzer=analyzer, stored=True, phrase=True),
        date=DATETIME(stored=True, sortable=True),
        source=KEYWORD(stored=True, lowercase=True, commas=True, sortable=True),
        url=ID(stored=True),
        path=ID(stored=True, sortable=True),
        fingerprint=ID(stored=True, sortable=True),
    )
