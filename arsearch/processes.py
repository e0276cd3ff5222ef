"""Worker processes of the index's and the engines' writers: started from a fork server (spawned where there is
none), never forked from the indexing process, and without the caller's ``__main__``.

Forked from the indexing process, a worker would carry its whole heap (the id of every document, the
near-duplicate sketches, ...), which grows with the index.  Started by spawn or a fork server, a worker imports
the parent's ``__main__`` again unless told not to, which runs a caller's script that has no
``if __name__ == "__main__"`` guard (with a pool that replaces workers as they die, for ever).
"""

from __future__ import annotations

import atexit
import multiprocessing
import queue
from collections.abc import Callable, Hashable
from multiprocessing import spawn
from multiprocessing.context import BaseContext
from typing import Any

CONTEXT: BaseContext = multiprocessing.get_context(
    "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn")
#: Names of the processes that start without the parent's ``__main__``.
WORKER_NAMES = frozenset({"arsearch-segment-writer", "arsearch-encoder", "arsearch-preparer"})

_stdlib_preparation_data = spawn.get_preparation_data


def _preparation_data(name: str) -> dict[str, Any]:
    """``spawn.get_preparation_data`` without the main module for arsearch's workers: they need nothing from it."""
    data: dict[str, Any] = _stdlib_preparation_data(name)
    if name in WORKER_NAMES:
        data.pop("init_main_from_name", None)
        data.pop("init_main_from_path", None)
    return data


def prepare_workers(*preload: str) -> BaseContext:
    """The context to start workers with, once the fork server is told to import ``preload`` (the first call's
    modules: the fork server starts once) and workers are told to skip ``__main__``."""
    if spawn.get_preparation_data is not _preparation_data:
        if hasattr(CONTEXT, "set_forkserver_preload"):
            CONTEXT.set_forkserver_preload(list(preload))
        spawn.get_preparation_data = _preparation_data
    return CONTEXT


Work = Callable[[Any], Any]


class WorkerPool:
    """Worker processes named ``name`` (one of :data:`WORKER_NAMES`) that apply a function to each item of the
    batches they are given, answering each batch by its number.  ``make_work`` (picklable) makes the function
    in each worker, again every ``renew_every`` batches (a function that caches, say an analyzer's word cache,
    grows with what it has seen)."""

    def __init__(self, name: str, make_work: Callable[[], Work], procs: int, *, renew_every: int = 0,
                 preload: tuple[str, ...] = ()) -> None:
        context = prepare_workers(*preload)
        self._jobs: Any = context.Queue()
        self._results: Any = context.Queue()
        self._done: dict[int, list[Any] | str] = {}
        self._forgotten: set[int] = set()
        self._next = 0
        self._workers = [context.Process(target=_serve,  # type: ignore[attr-defined]
                                         args=(make_work, renew_every, self._jobs, self._results),
                                         name=name, daemon=True) for _ in range(procs)]
        for worker in self._workers:
            worker.start()

    def submit(self, items: list[Any]) -> int:
        number, self._next = self._next, self._next + 1
        self._jobs.put((number, items))
        return number

    def result(self, number: int) -> list[Any]:
        """The answers to batch ``number``, in its order (RuntimeError when a worker failed on it or died)."""
        while number not in self._done:
            if not self.healthy():
                raise RuntimeError("a worker process of the index writer died")
            try:
                found, answer = self._results.get(timeout=1.0)
            except queue.Empty:
                continue
            if found in self._forgotten:
                self._forgotten.discard(found)
            else:
                self._done[found] = answer
        answer = self._done.pop(number)
        if isinstance(answer, str):
            raise RuntimeError(f"a worker process could not handle a batch: {answer}")
        return answer

    def forget(self, number: int) -> None:
        """Batch ``number`` of a cancelled writer: its answer is dropped when it comes."""
        if self._done.pop(number, None) is None:
            self._forgotten.add(number)

    def healthy(self) -> bool:
        return all(worker.is_alive() for worker in self._workers)

    def stop(self) -> None:
        for worker in self._workers:
            worker.kill()
        for worker in self._workers:
            worker.join(timeout=5)


def _serve(make_work: Callable[[], Work], renew_every: int, jobs: Any, results: Any) -> None:
    work, done = make_work(), 0
    while True:
        number, items = jobs.get()
        try:
            results.put((number, [work(item) for item in items]))
        except Exception as exc:  # sent back whole: the writer raises it in the indexing process
            results.put((number, f"{type(exc).__name__}: {exc}"))
        done += 1
        if renew_every and done % renew_every == 0:
            work = make_work()


_POOLS: dict[tuple[Hashable, ...], WorkerPool] = {}


def pool(key: tuple[Hashable, ...], start: Callable[[], WorkerPool]) -> WorkerPool:
    """The pool kept under ``key`` for the next writer of this process (starting workers costs a second), started
    by ``start`` when there is none or one of its workers died; one pool is kept at a time per ``key[0]`` (the
    workers' name)."""
    found = _POOLS.get(key)
    if found is None or not found.healthy():
        for other in [k for k in _POOLS if k[0] == key[0]]:
            _POOLS.pop(other).stop()
        found = _POOLS[key] = start()
    return found


@atexit.register
def stop_pools() -> None:
    for found in _POOLS.values():
        found.stop()
    _POOLS.clear()
