"""Timing queries on several systems at once, the systems taking turns query by query so that the machine's other
load hits them alike."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

#: Each system's requests by mode: a call of one query text.
Runs = Mapping[str, Mapping[str, Callable[[str], object]]]


def take_turns(runs: Runs, text: Callable[[str, int], str], first: int, end: int) -> dict[str, dict[str, list[float]]]:
    """Milliseconds of every mode of every system for queries ``first`` to ``end - 1`` (``text(mode, n)``: the
    query), the order of the systems turning by one from query to query."""
    names = list(runs)
    times: dict[str, dict[str, list[float]]] = {name: {mode: [] for mode in modes} for name, modes in runs.items()}
    for n in range(first, end):
        for name in names[n % len(names):] + names[:n % len(names)]:
            for mode, run in runs[name].items():
                query = text(mode, n)
                started = time.perf_counter()
                run(query)
                times[name][mode].append((time.perf_counter() - started) * 1000)
    return times
