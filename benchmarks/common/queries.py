"""Queries drawn from the corpus: every sample of every benchmark is drawn with :data:`SEED` unless a benchmark's
figures were published with another (its own constant says so)."""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

SEED = 42

_WORD = re.compile(r"\w{3,}")
T = TypeVar("T")


def sample(items: Sequence[T], count: int, seed: int = SEED) -> list[T]:
    """``count`` of ``items`` (all of them when there are fewer), drawn with ``random.Random(seed)``."""
    return random.Random(seed).sample(list(items), min(count, len(items)))


def headlines(records: Sequence[Mapping[str, Any]], count: int,
              seed: int = SEED) -> tuple[list[str], list[str], list[str]]:
    """``count`` titles of ``records`` that have two or more words of three letters (with the url of each: the
    known item), and ``count`` two-word queries (two adjacent words of such a title)."""
    rng = random.Random(seed)
    titled = [(r["title"].strip(), r["url"]) for r in records
              if len(_WORD.findall(r.get("title") or "")) >= 2 and len((r.get("title") or "").split()) >= 2]
    chosen = rng.sample(titled, min(count, len(titled)))
    titles, urls = [t for t, _ in chosen], [u for _, u in chosen]
    pairs = []
    for title, _ in rng.sample(titled, min(count, len(titled))):
        words = title.split()
        i = rng.randrange(len(words) - 1)
        pairs.append(f"{words[i]} {words[i + 1]}")
    return titles, urls, pairs
