"""A story-level view of the known items (issue 24): a query also counts as answered where a near-copy of its
article ranks, so the metric stops punishing the folding of copies that users want.

Near-copies are judged by text overlap computed here, independently of arsearch's own near-duplicate grouping
(its sketches and keys): the Jaccard similarity of the two contents' sets of :data:`SHINGLE` consecutive words
(``\\w+`` runs of the raw text, no normalization or stemming), at least :data:`SAME_STORY`.  Both were fixed
before the figures were seen.  Only the documents ranked above the article (or in the first ``k`` when it is not
there) are compared with it, so the cost is at most ``k`` comparisons a query.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

#: Words per shingle, and the Jaccard similarity of two contents' shingles from which they are one story.
SHINGLE = 5
SAME_STORY = 0.5

_WORD = re.compile(r"\w+")


def shingles(text: str, size: int = SHINGLE) -> frozenset[int]:
    """The hashes of ``text``'s runs of ``size`` consecutive words (the whole text when it is shorter)."""
    words = _WORD.findall(text)
    if len(words) < size:
        return frozenset({hash(tuple(words))}) if words else frozenset()
    return frozenset(hash(tuple(words[i:i + size])) for i in range(len(words) - size + 1))


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


class Stories:
    """Which documents are near-copies of which, from their contents, computed on demand and remembered."""

    def __init__(self, contents: Mapping[str, str], threshold: float = SAME_STORY) -> None:
        self._contents = contents
        self._threshold = threshold
        self._shingles: dict[str, frozenset[int]] = {}

    def _of(self, doc_id: str) -> frozenset[int]:
        found = self._shingles.get(doc_id)
        if found is None:
            found = self._shingles[doc_id] = shingles(self._contents.get(doc_id, ""))
        return found

    def same_story(self, a: str, b: str) -> bool:
        return a == b or jaccard(self._of(a), self._of(b)) >= self._threshold

    def story_rank(self, ranked: Sequence[str], target: str, k: int = 10) -> int | None:
        """The 1-based rank of the first of the first ``k`` documents that is ``target`` or a near-copy of it."""
        for rank, doc in enumerate(ranked[:k], start=1):
            if self.same_story(doc, target):
                return rank
        return None
