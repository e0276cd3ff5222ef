"""What the index computes of each document it adds, before grouping it: its near-duplicate sketch and its
words (see :mod:`arsearch.index.words`).

Both are functions of the document alone, and they cost more than the rest of the indexing process's work per
document (a millisecond together, on SaudiNewsNet articles), so a writer with worker processes has them computed
there, a batch at a time, while it groups and hands to the engine the documents of earlier batches in order.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from arsearch.documents import Document
from arsearch import processes
from arsearch.processes import WorkerPool
from arsearch.index.near_duplicates import sketch
from arsearch.index.words import document_words

#: A document's sketch (empty when the index has no groups, or the document too few words) and its words, joined
#: by spaces (one string crosses from a worker process in a fraction of the time of a set of strings).
Prepared = tuple[tuple[int, ...], str]
#: Documents a worker process prepares per task.
BATCH = 128


def prepare(document: Document, *, groups: bool) -> Prepared:
    return (sketch(document.content) if groups else ()), " ".join(document_words((document.title, document.content)))


def preparers(procs: int, *, groups: bool) -> WorkerPool:
    """Worker processes that prepare batches of documents (kept for the next writer of this process)."""
    return processes.pool(("arsearch-preparer", procs, groups), lambda: WorkerPool(
        "arsearch-preparer", partial(_preparing, groups), procs, preload=("arsearch.index.preparing",)))


def _preparing(groups: bool) -> Callable[[Document], Prepared]:
    return partial(prepare, groups=groups)
