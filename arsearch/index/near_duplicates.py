"""Near-duplicate signatures: bottom-k MinHash sketches of word 3-shingles, and their Jaccard estimate.

Syndicated news (one wire story in many papers) differs between copies by a dateline, a trimmed paragraph or a
changed word.  A document's signature is the ``SKETCH_SIZE`` smallest hashes of the set of its word 3-shingles
(a bottom-k sketch, Broder 1997); two sketches estimate the Jaccard similarity of the two shingle sets.  Pure
Python, one pass of C-level ``map`` calls per document:

- words are the whitespace-separated words of the content, at most :data:`MAX_WORDS` of them, each taken in its
  normal form (punctuation stripped from its ends, letters normalized; cached per surface word);
- a shingle's hash is ``t[w1] ^ t[w2] << 1 ^ t[w3] << 2``, where ``t`` maps a word to a 30-bit value mixed from
  the CRC-32 of its normal form (stable across processes and runs, unlike ``hash(str)``): tabulation hashing
  with one table looked up per word (the look-ups, not the arithmetic, are what costs here);
- the sketch is the smallest ``SKETCH_SIZE`` distinct hashes, sorted.

The first :data:`LSH_KEYS` values of a sketch are its look-up keys: two documents with Jaccard similarity J
share the smallest shingle of their union with probability J, and each of the next ones about as often, so a
pair at J = 0.5 shares fewer than :data:`MIN_SHARED_KEYS` of its first 16 values very rarely: of the 12,000
pairs at J >= 0.4 that a looser search (any one of the first 8 values shared) found on SaudiNewsNet, with an
earlier variant of the word hash, every one shared at least 3 of its first 16.
"""

from __future__ import annotations

import zlib
from bisect import bisect_right
from collections.abc import Callable
from itertools import islice, repeat
from operator import lshift, xor

from arsearch.analysis import normalize
from arsearch.engine.candidates import sketch_bytes, sketch_values

#: How many hashes a sketch keeps: the Jaccard estimate's standard error is about sqrt(J(1-J)/k), 0.06 at 0.5.
SKETCH_SIZE = 64
#: The smallest values of a sketch that are looked up to find candidates ...
LSH_KEYS = 16
#: ... and how many of them a candidate must share (one shared value is often a boilerplate shingle).
MIN_SHARED_KEYS = 3
#: Words of a document's content the sketch reads, from its start: copies share their start (a paper trims the
#: end of a wire story more often than the beginning), and the cost per document stays bounded.
MAX_WORDS = 300
#: Documents with fewer distinct shingles than this get no signature (a caption or a title matches by chance).
MIN_SHINGLES = 8
#: Estimated Jaccard similarity of shingles at or above which two documents are near-duplicates.
DEFAULT_THRESHOLD = 0.5

_MASK = (1 << 30) - 1
_HASH_LIMIT = (1 << 32) - 1
_MULTIPLIER = 0x9E3779B97F4A7C15
_TABLE_LIMIT = 500_000  # about 75 MB in each process that sketches (the preparer workers)
#: Stripped from both ends of a word: what sticks to Arabic news words (quotes, brackets, stops, dashes).
_PUNCTUATION = "\"'.,:;!?()[]{}<>«»“”‘’„-–—…/\\|*#@%&+=_~`^" + "\u060c\u061b\u061f\u06d4\u066a\u066d"


class _WordHashes(dict):  # type: ignore[type-arg]
    """word -> 30-bit hash of its normal form, filled on a miss (``map`` over a text's words fills it in the same
    pass); it starts again empty when it holds ``_TABLE_LIMIT`` words.

    The normal form is the word's letters as the analyzer normalizes them, punctuation stripped from its ends, so
    copies that differ in a comma, a quote mark or a hamza still share their shingles."""

    def __missing__(self, word: str) -> int:
        if len(self) >= _TABLE_LIMIT:
            self.clear()
        key = normalize(word.strip(_PUNCTUATION)).encode("utf-8", "surrogatepass")
        found = self[word] = ((zlib.crc32(key) + 1) * _MULTIPLIER >> 20) & _MASK if key else 0
        return found


_WORDS = _WordHashes()


def shingle_hashes(text: str) -> set[int]:
    """The hashes of the word 3-shingles of ``text`` (none for a text of fewer than three words)."""
    values = list(map(_WORDS.__getitem__, text.split(maxsplit=MAX_WORDS)[:MAX_WORDS]))
    second = map(lshift, islice(values, 1, None), repeat(1))
    third = map(lshift, islice(values, 2, None), repeat(2))
    return set(map(xor, map(xor, values, second), third))


def sketch(text: str) -> tuple[int, ...]:
    """The bottom-k sketch of ``text``'s shingles, sorted; empty when it has fewer than :data:`MIN_SHINGLES`."""
    hashes = shingle_hashes(text)
    if len(hashes) < MIN_SHINGLES:
        return ()
    return tuple(sorted(hashes)[:SKETCH_SIZE])


def similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two sketches (exact when both are complete): of the
    :data:`SKETCH_SIZE` smallest values of their union that both sets are known to hold or not (a full sketch
    knows its set only up to its largest value; a shorter one is the whole set), the share in both sketches."""
    return similarity_to(a)(b)


def similarity_to(a: tuple[int, ...], floor: float = 0.0) -> Callable[[tuple[int, ...]], float]:
    """:func:`similarity` of ``a`` and a sketch, as a function of that sketch (``a`` is read once for many); 0.0 for
    a sketch whose similarity is certainly below ``floor``.  Two full sketches with ``s`` values in common are at
    most ``s / SKETCH_SIZE`` similar, so most sketches compared with a floor need no estimate."""
    if not a:
        return _none
    values = frozenset(a)
    least_common = floor * SKETCH_SIZE if len(a) >= SKETCH_SIZE else 0.0

    def to(b: tuple[int, ...]) -> float:
        common = values.intersection(b)
        if not common or (len(common) < least_common and len(b) >= SKETCH_SIZE):
            return 0.0
        return _estimate(a, b, common)

    return to


def _none(_: tuple[int, ...]) -> float:
    return 0.0


def _estimate(a: tuple[int, ...], b: tuple[int, ...], common: frozenset[int]) -> float:
    """:func:`similarity` of two sketches with the values ``common``, at least one."""
    full_a, full_b = len(a) >= SKETCH_SIZE, len(b) >= SKETCH_SIZE
    limit = (min(a[-1], b[-1]) if full_b else a[-1]) if full_a else (b[-1] if full_b else _HASH_LIMIT)
    in_a, in_b = bisect_right(a, limit), bisect_right(b, limit)
    shared = len(common)  # each common value is at most the largest of each full sketch
    size = in_a + in_b - shared  # the union's values up to the limit
    if size <= SKETCH_SIZE:
        return shared / size
    # the SKETCH_SIZE-th smallest value of the union: in the merged values, each common one comes twice
    merged = sorted(a[:in_a] + b[:in_b])
    ordered = sorted(common)
    at = SKETCH_SIZE - 1
    for value in ordered:
        if value > merged[at]:
            break
        at += 1
    return bisect_right(ordered, merged[at]) / SKETCH_SIZE


to_bytes = sketch_bytes
from_bytes = sketch_values
