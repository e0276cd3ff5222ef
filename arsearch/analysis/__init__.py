"""Arabic text analysis: normalization, tokenization, stopwords and light stemming."""

from arsearch.analysis.analyzer import (
    ANALYZER_VERSION,
    STEMMERS,
    Analyzer,
    AnalyzerSettings,
    Stemmer,
    Token,
)
from arsearch.analysis.normalize import normalize
from arsearch.analysis.stem import light_stem
from arsearch.analysis.stopwords import load_stopwords

__all__ = [
    "ANALYZER_VERSION",
    "STEMMERS",
    "Analyzer",
    "AnalyzerSettings",
    "Stemmer",
    "Token",
    "light_stem",
    "load_stopwords",
    "normalize",
]
