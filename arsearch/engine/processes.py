"""Worker processes of the engines' writers: started from a fork server (spawned where there is none), never
forked from the indexing process, and without the caller's ``__main__``.

Forked from the indexing process, a worker would carry its whole heap (the id of every document, the
near-duplicate sketches, ...), which grows with the index.  Started by spawn or a fork server, a worker imports
the parent's ``__main__`` again unless told not to, which runs a caller's script that has no
``if __name__ == "__main__"`` guard (with a pool that replaces workers as they die, for ever).
"""

from __future__ import annotations

import multiprocessing
from multiprocessing import spawn
from multiprocessing.context import BaseContext
from typing import Any

CONTEXT: BaseContext = multiprocessing.get_context(
    "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn")
#: Names of the processes that start without the parent's ``__main__``.
WORKER_NAMES = frozenset({"arsearch-segment-writer", "arsearch-encoder"})

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
