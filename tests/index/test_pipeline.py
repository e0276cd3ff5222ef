"""The index's worker pipeline: batches answered in the order they were submitted, the same answers with worker
processes as without, and a cancelled pipeline stops the workers that were busy with it."""

from __future__ import annotations

import multiprocessing
import time

from helpers import WORDS

from arsearch import processes
from arsearch.documents import Document
from arsearch.index.pipeline import BATCH, batches


def documents(count: int, start: int = 0) -> list[Document]:
    return [Document(id=f"d{n}", content=" ".join(WORDS[(n + k) % len(WORDS)] for k in range(30 + n % 7)))
            for n in range(start, start + count)]


def run(procs: int, rounds: int) -> list[tuple[int, list[object]]]:
    pipeline = batches(None, procs)
    answered: list[tuple[int, list[object]]] = []
    for number in range(rounds):
        answered += pipeline.submit(number, documents(BATCH, number * BATCH))
    answered += pipeline.drain()
    return answered


def test_batches_come_back_in_order_with_the_answers_of_one_process() -> None:
    with_workers, alone = run(2, 9), run(1, 9)
    assert [number for number, _ in with_workers] == list(range(9))
    assert with_workers == alone
    assert all(len(worked) == BATCH for _, worked in with_workers)


def test_a_cancelled_pipeline_stops_its_busy_workers() -> None:
    pipeline = batches(None, 2)
    for number in range(5):
        list(pipeline.submit(number, documents(BATCH * 4, number)))
    workers = set(multiprocessing.active_children())
    assert workers
    pipeline.cancel()
    deadline = time.monotonic() + 5
    while any(worker.is_alive() for worker in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(worker.is_alive() for worker in workers)
    assert 2 not in processes._EXECUTORS
    assert run(2, 3) == run(1, 3)  # the next writer starts new workers
