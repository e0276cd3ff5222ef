"""The one analysis chain used at index time and at query time: tokenize → normalize → stopwords → stem."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Literal

from arsearch.analysis.normalize import normalize
from arsearch.analysis.stem import light_stem
from arsearch.analysis.stopwords import load_stopwords
from arsearch.analysis.tokenize import TOKEN_RE

#: Bump when a change to the chain changes the terms of existing text: indexes record it and ask for a reindex.
ANALYZER_VERSION = 6

Stemmer = Literal["light", "none"]
STEMMERS: tuple[Stemmer, ...] = ("light", "none")

_CACHE_LIMIT = 1_000_000
#: How many times a piece of a normalized token is normalized again (NFKC then case folding can give text that
#: is not NFKC-normalized itself); real text needs at most one more round.
_MAX_RENORMALIZE = 3


class _IndexTermCache(dict):  # type: ignore[type-arg]
    """surface → its one term (a str), or a tuple of terms when it has none or several; filled on a miss."""

    def __init__(self, analyzer: Analyzer) -> None:
        super().__init__()
        self._analyzer = analyzer

    def __missing__(self, surface: str) -> str | tuple[str, ...]:
        terms = tuple(term for term, _ in self._analyzer.terms_of(surface))
        value: str | tuple[str, ...] = terms[0] if len(terms) == 1 else terms
        if len(self) < _CACHE_LIMIT:
            self[surface] = value
        return value


@dataclass(frozen=True)
class AnalyzerSettings:
    """What decides the terms of a text; stored in every index."""

    stemmer: Stemmer = "light"
    version: int = ANALYZER_VERSION

    def to_dict(self) -> dict[str, object]:
        return {"stemmer": self.stemmer, "version": self.version}


@dataclass(frozen=True)
class Token:
    """One word of a text: its search ``term`` and where its ``surface`` form sits in the original text."""

    term: str
    surface: str
    start: int
    end: int
    position: int
    stopword: bool

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of a token in ``arsearch analyze --json`` and ``GET /api/analyze``."""
        return {"term": self.term, "surface": self.surface, "start": self.start, "end": self.end,
                "position": self.position, "stopword": self.stopword}


class Analyzer:
    """Turns text into terms.  Term computation is memoized per surface form (news vocabulary is Zipfian)."""

    def __init__(self, settings: AnalyzerSettings | None = None) -> None:
        self.settings = settings or AnalyzerSettings()
        self._stopwords = load_stopwords()
        self._stem = self.settings.stemmer == "light"
        self._cache: dict[str, tuple[tuple[str, bool], ...]] = {}
        self._index_cache = _IndexTermCache(self)

    def terms_of(self, surface: str) -> tuple[tuple[str, bool], ...]:
        """``(term, is_stopword)`` for each term of one surface token (a word ligature such as ﷺ gives several)."""
        cached = self._cache.get(surface)
        if cached is not None:
            return cached
        result = tuple((self._term(word), word in self._stopwords) for word in _normal_words(surface))
        if len(self._cache) < _CACHE_LIMIT:
            self._cache[surface] = result
        return result

    def _term(self, word: str) -> str:
        if self._stem and word not in self._stopwords:
            return light_stem(word)
        return word

    def iter_terms(self, text: str) -> Iterator[tuple[str, bool, int, int, int]]:
        """Yield ``(term, is_stopword, start, end, position)``; the hot path of indexing."""
        position = 0
        terms_of = self.terms_of
        for match in TOKEN_RE.finditer(text):
            for term, stop in terms_of(match.group()):
                yield term, stop, match.start(), match.end(), position
                position += 1

    def term_positions(self, text: str) -> dict[str, list[int]]:
        """``{term: [position, ...]}`` for ``text``, stopwords included: the same terms and positions as
        :meth:`iter_terms`, without offsets or match objects (indexing needs neither)."""
        positions: dict[str, list[int]] = {}
        get = positions.get
        position = 0
        for term in map(self._index_cache.__getitem__, TOKEN_RE.findall(text)):
            if term.__class__ is str:
                found = get(term)
                if found is None:
                    positions[term] = [position]
                else:
                    found.append(position)
                position += 1
                continue
            for one in term:  # a surface with no term or several (a word ligature)
                positions.setdefault(one, []).append(position)
                position += 1
        return positions

    def index_terms(self, text: str) -> list[str]:
        """Every term of ``text`` in position order, stopwords included: the terms of :meth:`term_positions`, the
        term at position ``n`` at index ``n``."""
        found: list[str] = []
        append, extend = found.append, found.extend
        for term in map(self._index_cache.__getitem__, TOKEN_RE.findall(text)):
            if term.__class__ is str:
                append(term)
            else:
                extend(term)
        return found

    def matches(self, text: str, terms: Collection[str]) -> list[tuple[int, int, str]]:
        """``(start, end, term)`` of every token of ``text`` whose term is in ``terms``: :meth:`iter_terms`
        filtered, without building a tuple for every token (snippets scan whole documents)."""
        found = []
        lookup = self._index_cache.__getitem__
        for match in TOKEN_RE.finditer(text):
            term = lookup(match.group())
            if term.__class__ is str:
                if term in terms:
                    found.append((match.start(), match.end(), term))
            else:
                found.extend((match.start(), match.end(), one) for one in term if one in terms)
        return found

    def tokens(self, text: str) -> list[Token]:
        """Every token of ``text``, stopwords included, with offsets into ``text``."""
        return [Token(term, text[start:end], start, end, pos, stop)
                for term, stop, start, end, pos in self.iter_terms(text)]

    def query_terms(self, text: str) -> list[str]:
        """The terms a query word or phrase contributes: stopwords dropped unless nothing else is left."""
        tokens = self.tokens(text)
        content = [t.term for t in tokens if not t.stopword]
        return content or [t.term for t in tokens]


def _normal_words(surface: str, depth: int = 0) -> list[str]:
    """The words of ``normalize(surface)`` as the tokenizer splits them, each normalized until it no longer changes.

    Whitespace alone is not enough: NFKC turns ``½`` into ``1⁄2`` (two numbers and a symbol), and a word of the
    normalized text must analyze to itself, so that analyzing normalized text gives the same terms.
    """
    words: list[str] = []
    for match in TOKEN_RE.finditer(normalize(surface)):
        word = match.group()
        if depth < _MAX_RENORMALIZE and normalize(word) != word:
            words.extend(_normal_words(word, depth + 1))
        else:
            words.append(word)
    return words
