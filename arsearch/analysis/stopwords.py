"""The Arabic stopword list shipped in ``arsearch/data/stopwords_ar.txt``."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from arsearch.analysis.normalize import normalize


def parse_stopwords(text: str) -> frozenset[str]:
    """One word per line, ``#`` comments; every word is normalized, so the list matches normalized tokens."""
    words = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return frozenset(normalize(w) for w in words if w)


@lru_cache(maxsize=8)
def load_stopwords(path: str | Path | None = None) -> frozenset[str]:
    """The default list, or the list in ``path``."""
    if path is None:
        text = resources.files("arsearch").joinpath("data/stopwords_ar.txt").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return parse_stopwords(text)
