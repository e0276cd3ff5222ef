"""The near-duplicate look-up keys' table (arsearch.index.grouping._KeyTable) against a dict of lists."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arsearch.index import grouping
from arsearch.index.grouping import _KeyTable

CAP = 3


def holders_of(table: _KeyTable, key: int) -> list[int]:
    """Every holder of ``key``, however many."""
    return table.shared_holders([key], limit=2**32)

operations = st.lists(st.tuples(st.booleans(), st.sampled_from([0, 1, 7, 1024, 2**31, 2**32 - 1, 12345]),
                                st.integers(0, 40)), max_size=400)


@settings(max_examples=200, deadline=None)
@given(operations)
def test_holders_come_in_the_order_they_came_and_a_key_takes_no_more_than_the_limit(
        monkeypatch_cap: Any, changes: list[tuple[bool, int, int]]) -> None:
    table, expected = _KeyTable(capacity=8), {}  # a small table: it grows many times
    for add, key, holder in changes:
        holders = expected.setdefault(key, [])
        if add:
            table.add([key], holder)
            if len(holders) <= CAP:
                holders.append(holder)
        else:
            table.remove([key], holder)
            if holder in holders:
                holders.remove(holder)
        assert holders_of(table, key) == holders
    assert {key: holders_of(table, key) for key in expected} == expected


@pytest.fixture(scope="module")
def monkeypatch_cap() -> Any:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(grouping, "MAX_KEY_HOLDERS", CAP)
        yield


def test_a_run_of_holders_that_wraps_round_the_end_of_the_table_keeps_its_order_when_the_table_grows() -> None:
    table = _KeyTable(capacity=8)
    last = next(key for key in range(10_000) if table._home(key) == 7)
    for holder in range(4):  # slots 7, 0, 1, 2
        table.add([last], holder)
    assert holders_of(table, last) == [0, 1, 2, 3]
    for n in range(40):  # other keys, until the table has grown
        table.add([100_000 + n], 50 + n)
    assert len(table._holders) > 8 and holders_of(table, last) == [0, 1, 2, 3]
