"""Worker processes: the executor of the index's worker pipeline (:mod:`arsearch.index.pipeline`), and the start
method of the Whoosh engine's segment writers.

Workers start from a fork server (spawned where there is none), never forked from the indexing process: forked,
a worker would carry the indexing process's whole heap, which grows with the index.  Workers never see SIGINT: a
Ctrl-C at a terminal goes to the whole process group, and the indexing process alone decides what it means
(it cancels its writer and stops the workers, :func:`stop`), instead of each worker printing a traceback and
breaking the pool under it.  Every process is started with SIGINT blocked (:func:`interrupts_held`; a blocked
signal stays blocked across fork and exec, so the fork server, the resource tracker and each worker start
with it blocked, also while they import their modules), and a worker ignores it once it runs
(:func:`ignore_interrupts`); the indexing process gets a SIGINT that came meanwhile when it unblocks it.
"""

from __future__ import annotations

import atexit
import multiprocessing
import signal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import spawn
from multiprocessing.context import BaseContext
from typing import Any

CONTEXT: BaseContext = multiprocessing.get_context(
    "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn")
#: Names of the Whoosh engine's segment writer processes: they start without the parent's ``__main__``.
WORKER_NAMES = frozenset({"arsearch-segment-writer"})

_stdlib_preparation_data = spawn.get_preparation_data


def _preparation_data(name: str) -> dict[str, Any]:
    """``spawn.get_preparation_data`` without the main module for the Whoosh engine's segment writers."""
    data: dict[str, Any] = _stdlib_preparation_data(name)
    if name in WORKER_NAMES:
        data.pop("init_main_from_name", None)
        data.pop("init_main_from_path", None)
    return data


def prepare_workers(*preload: str) -> BaseContext:
    """The context the Whoosh engine's segment writers start with (Whoosh's ``MpWriter`` starts its own
    ``multiprocessing.Process`` objects), once the fork server is told to import ``preload`` and those workers
    are told to skip ``__main__``."""
    if spawn.get_preparation_data is not _preparation_data:
        _preload(preload)
        spawn.get_preparation_data = _preparation_data
    return CONTEXT


def _preload(modules: Sequence[str]) -> None:
    """What the fork server imports before it forks a worker (only the first call counts: it starts once)."""
    if hasattr(CONTEXT, "set_forkserver_preload"):
        CONTEXT.set_forkserver_preload(list(modules))


@contextmanager
def interrupts_held() -> Iterator[None]:
    """SIGINT blocked in this thread inside the block (and in every process started inside it), delivered after."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        if signal.SIGINT not in blocked:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def ignore_interrupts() -> None:
    """A worker's start: SIGINT is the indexing process's to handle (see the module)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


_EXECUTORS: dict[int, ProcessPoolExecutor] = {}


def executor(procs: int, preload: Sequence[str] = ()) -> ProcessPoolExecutor:
    """The executor of ``procs`` worker processes, kept for the next writer of this process (starting workers
    costs a second); the fork server imports ``preload`` when this is the first use of it."""
    found = _EXECUTORS.get(procs)
    if found is None:
        for other in list(_EXECUTORS):
            stop(_EXECUTORS.pop(other))
        _preload(preload)
        with interrupts_held():
            found = _EXECUTORS[procs] = ProcessPoolExecutor(procs, mp_context=CONTEXT,
                                                            initializer=ignore_interrupts)
    return found


def discard(procs: int) -> None:
    """Stop the executor of ``procs`` workers (broken, or its work abandoned); the next use starts a new one."""
    found = _EXECUTORS.pop(procs, None)
    if found is not None:
        stop(found)


def stop(pool: ProcessPoolExecutor) -> None:
    """Stop ``pool`` now: its queued work is cancelled and its workers are terminated, not waited for."""
    pool.shutdown(wait=False, cancel_futures=True)
    # What ProcessPoolExecutor.terminate_workers does from Python 3.14 on; before, its processes are only reachable
    # through this attribute (read, not patched).
    terminate = getattr(pool, "terminate_workers", None)
    if terminate is not None:
        terminate()
        return
    workers = list((getattr(pool, "_processes", None) or {}).values())
    for worker in workers:
        if worker.is_alive():
            worker.terminate()
    for worker in workers:
        worker.join(timeout=2)


@atexit.register
def stop_executors() -> None:
    for procs in list(_EXECUTORS):
        discard(procs)
