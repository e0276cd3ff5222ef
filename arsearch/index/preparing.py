"""What the index computes of each document it adds, before grouping it: its near-duplicate sketch and its
written words with their keys (see :mod:`arsearch.index.words`).

Both are functions of the document alone, and they cost more than the rest of the indexing process's work per
document (a millisecond together, on SaudiNewsNet articles), so a writer with worker processes has them computed
there, a batch at a time, while it groups and hands to the engine the documents of earlier batches in order.
"""

from __future__ import annotations

from collections.abc import Callable

from arsearch.documents import Document
from arsearch import processes
from arsearch.processes import WorkerPool
from arsearch.index.near_duplicates import sketch
from arsearch.index.words import SPELLING_FIELD, WORD_FIELDS, WORD_KEY_FIELD, document_words, word_keywords

#: A document's sketch (empty for a document of too few words) and its ``word_key`` and ``spelling`` terms
#: (:func:`~arsearch.index.words.word_keywords`), each list joined by newlines: one string crosses from a worker
#: process in a fraction of the time of a list of strings.
Prepared = tuple[tuple[int, ...], str, str]
#: Documents a worker process prepares per task.
BATCH = 128


def prepare(document: Document) -> Prepared:
    keywords = word_keywords(document_words(getattr(document, field) for field in WORD_FIELDS))
    return sketch(document.content), "\n".join(keywords[WORD_KEY_FIELD]), "\n".join(keywords[SPELLING_FIELD])


def preparers(procs: int) -> WorkerPool:
    """Worker processes that prepare batches of documents (kept for the next writer of this process)."""
    return processes.pool(("arsearch-preparer", procs), lambda: WorkerPool(
        "arsearch-preparer", _preparing, procs, preload=("arsearch.index.preparing",)))


def _preparing() -> Callable[[Document], Prepared]:
    return prepare
