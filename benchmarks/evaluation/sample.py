"""The known-item sample: articles whose title is the query and the article itself the one relevant document."""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from benchmarks.common.queries import SEED
from benchmarks.evaluation.corpus import Article

#: The sample is drawn once with this seed, before any tuning; change it only to check the variance.
DEFAULT_SEED = SEED
DEFAULT_SIZE = 1000
MIN_TITLE_WORDS = 3

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Topic:
    qid: str
    title: str
    doc_id: str


@dataclass(frozen=True)
class SampleCounts:
    seed: int
    eligible: int
    short_titles: int
    repeated_titles: int
    sampled: int


def title_key(title: str) -> str:
    """Titles compare equal when they differ only in surrounding or repeated whitespace."""
    return " ".join(title.split())


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def known_items(articles: Sequence[Article], size: int = DEFAULT_SIZE,
                seed: int = DEFAULT_SEED) -> tuple[list[Topic], SampleCounts]:
    """``size`` articles drawn with ``random.Random(seed)`` among those whose title has at least
    :data:`MIN_TITLE_WORDS` words and appears once in ``articles``; in corpus order before drawing."""
    counts = Counter(title_key(a.title) for a in articles)
    short = sum(1 for a in articles if word_count(a.title) < MIN_TITLE_WORDS)
    repeated = sum(1 for a in articles if word_count(a.title) >= MIN_TITLE_WORDS and counts[title_key(a.title)] > 1)
    eligible = [a for a in articles if word_count(a.title) >= MIN_TITLE_WORDS and counts[title_key(a.title)] == 1]
    if size > len(eligible):
        raise ValueError(f"asked for {size} known items, only {len(eligible)} articles are eligible")
    drawn = random.Random(seed).sample(eligible, size)
    topics = [Topic(f"q{n:04d}", title_key(a.title), a.id) for n, a in enumerate(drawn, start=1)]
    return topics, SampleCounts(seed, len(eligible), short, repeated, size)


#: Characters and words that arsearch's query syntax reads as operators; a pasted title should not trigger them.
_QUOTES_AND_PARENS = re.compile("[\"“”«»„()]")
_SIGN_PREFIX = re.compile(r"(^|\s)[-+]+(?=\S)")
_LATIN_FIELD = re.compile(r"\b([A-Za-z_]+):")
_OPERATOR_WORD = re.compile(r"\b(OR|AND|NOT)\b")


def plain_query(title: str) -> str:
    """The title as a bag of words for arsearch's query syntax: quotes and parentheses become spaces (no phrase
    queries), leading ``-``/``+`` and Latin ``field:`` prefixes are dropped, OR/AND/NOT are lowercased."""
    text = _QUOTES_AND_PARENS.sub(" ", title)
    text = _SIGN_PREFIX.sub(r"\1", text)
    text = _LATIN_FIELD.sub(r"\1 ", text)
    text = _OPERATOR_WORD.sub(lambda m: m.group().lower(), text)
    return " ".join(text.split())
