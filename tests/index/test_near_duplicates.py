"""The similarity of two sketches, as its definition gives it, for any two bottom-k sketches."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from arsearch.index.near_duplicates import SKETCH_SIZE, similarity, similarity_to

_HASH_LIMIT = (1 << 32) - 1


def defined_similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Of the SKETCH_SIZE smallest values of the two sketches' union up to the largest value of each full
    sketch, the share both sketches hold."""
    if not a or not b:
        return 0.0
    limit = min((s[-1] for s in (a, b) if len(s) >= SKETCH_SIZE), default=_HASH_LIMIT)
    union = sorted(v for v in set(a) | set(b) if v <= limit)[:SKETCH_SIZE]
    return len(set(a) & set(b) & set(union)) / len(union)


def bottom_k(values: set[int]) -> tuple[int, ...]:
    return tuple(sorted(values)[:SKETCH_SIZE])


#: Sets of shingle hashes that overlap often (a narrow range) or rarely (the whole range), of sizes from a few to
#: more than SKETCH_SIZE (a full sketch).
_SETS = st.one_of(st.sets(st.integers(0, 300), max_size=20), st.sets(st.integers(0, 300), min_size=50, max_size=160),
                  st.sets(st.integers(0, _HASH_LIMIT), max_size=90))


@settings(max_examples=1500, deadline=None)
@given(_SETS, _SETS, st.sets(st.integers(0, 300), max_size=80))
def test_similarity_is_its_definition(a: set[int], b: set[int], both: set[int]) -> None:
    first, second = bottom_k(a | both), bottom_k(b | both)
    assert similarity(first, second) == defined_similarity(first, second)
    assert similarity(second, first) == defined_similarity(first, second)


@settings(max_examples=1500, deadline=None)
@given(_SETS, _SETS, st.sets(st.integers(0, 300), max_size=80), st.sampled_from([0.0, 0.3, 0.5, 0.51, 0.9, 1.0]))
def test_a_floor_leaves_out_only_sketches_below_it(a: set[int], b: set[int], both: set[int], floor: float) -> None:
    first, second = bottom_k(a | both), bottom_k(b | both)
    exact, found = defined_similarity(first, second), similarity_to(first, floor)(second)
    if exact >= floor:
        assert found == exact
    else:
        assert found in (exact, 0.0)
