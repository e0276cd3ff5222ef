"""tantivy's own Arabic analysis, the peer's: ``pip install tantivy`` (the ``bench`` extra)."""

from __future__ import annotations

from typing import Any


def snowball_analyzer() -> Any:
    """tantivy's simple tokenizer, long tokens removed, lowercase, its Arabic Snowball stemmer."""
    import tantivy

    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.remove_long(40))
            .filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.stemmer("arabic")).build())
