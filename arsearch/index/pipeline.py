"""The worker pipeline of every engine's writer: batches of documents worked on by worker processes, each read,
analysed, sketched and its written words and keys computed once, while the indexing process routes the answers to
earlier batches to the engine, in the order the batches were made.

A batch's work (:func:`prepare_batch`) is a function of its documents alone: the near-duplicate sketch, the
``word_key`` and ``spelling`` terms (:mod:`arsearch.index.preparing`) and, for an engine writer that offers it
(:class:`~arsearch.engine.api.EncodingWriter`), the engine's own encoding of the document (its analysed text),
made without the group label, which only the indexing process can give (it depends on the documents before).
With one process the work is done in the indexing process, the same way.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import Any, Generic, NoReturn, TypeVar

from arsearch import processes
from arsearch.documents import Document
from arsearch.engine.api import DocumentEncoding, StoredDocument
from arsearch.index.grouping import DUP_KEY_FIELD, dup_keys
from arsearch.index.near_duplicates import sketch, to_bytes
from arsearch.index.preparing import BATCH, Prepared, prepare
from arsearch.index.words import SPELLING_FIELD, WORD_FIELDS, WORD_KEY_FIELD, document_words, written_terms

#: Batches in flight per worker process: enough that a worker never waits for the indexing process, few enough
#: that what the indexing process holds is bounded by the batch.
DEPTH = 2

Context = TypeVar("Context")
#: What a worker gives back for one document: its sketch and words, and the engine's encoding of it (or None).
Worked = tuple[Prepared, Any]


def prepare_batch(encoding: DocumentEncoding | None, documents: list[Document]) -> list[Worked]:
    """The work of one batch, in a worker process or in the indexing process."""
    if encoding is None:
        return [(prepare(document), None) for document in documents]
    worked: list[Worked] = []
    for document in documents:
        values = sketch(document.content)
        keys, spellings = written_terms(document_words(getattr(document, field) for field in WORD_FIELDS))
        found = {WORD_KEY_FIELD: keys, SPELLING_FIELD: spellings, DUP_KEY_FIELD: dup_keys(values)}
        # the encoding holds the words: only the sketch goes back, for grouping
        worked.append(((values, "", ""), encoding(StoredDocument(document, "", to_bytes(values), found))))
    return worked


def keywords(prepared: Prepared) -> dict[str, list[str]]:
    """The keyword fields of a document prepared as ``prepared``."""
    sketch, keys, spellings = prepared
    return {WORD_KEY_FIELD: _lines(keys), SPELLING_FIELD: _lines(spellings), DUP_KEY_FIELD: dup_keys(sketch)}


def _lines(joined: str) -> list[str]:
    return joined.split("\n") if joined else []


class OrderedBatches(Generic[Context]):
    """Batches given to ``procs`` worker processes (none for 1), answered in the order they were submitted, each
    with the context it was submitted with (what the indexing process keeps of it: the changes of the batch)."""

    def __init__(self, work: Callable[[list[Document]], list[Worked]], procs: int) -> None:
        self._work = work
        self._procs = procs
        self._pending: deque[tuple[Context, Future[list[Worked]] | list[Worked]]] = deque()

    def submit(self, context: Context, documents: list[Document]) -> Iterator[tuple[Context, list[Worked]]]:
        """Submit a batch; yields the answered batches that must be handled now (the oldest, while more than the
        pipeline's depth are in flight)."""
        if self._procs > 1 and (self._pending or len(documents) >= BATCH):
            try:
                pool = processes.executor(self._procs, preload=(__name__,))
                with processes.interrupts_held():  # a submit may start a worker process
                    self._pending.append((context, pool.submit(self._work, documents)))
            except BrokenProcessPool:
                self._broken()
        else:
            self._pending.append((context, self._work(documents)))
        while len(self._pending) > DEPTH * self._procs:
            yield self._oldest()

    def drain(self) -> Iterator[tuple[Context, list[Worked]]]:
        """Every batch still in flight, oldest first."""
        while self._pending:
            yield self._oldest()

    def _oldest(self) -> tuple[Context, list[Worked]]:
        context, answer = self._pending.popleft()
        if isinstance(answer, list):
            return context, answer
        try:
            return context, answer.result()
        except BrokenProcessPool:
            self._broken()

    def _broken(self) -> NoReturn:
        self.cancel()
        raise RuntimeError("a worker process of the index writer ended early (a script that writes with several "
                           "processes must start them under 'if __name__ == \"__main__\":', as with any "
                           "multiprocessing: each worker imports the script)")

    def cancel(self) -> None:
        """Drop every batch in flight and stop the workers working on them (the next writer starts new ones)."""
        busy = any(not isinstance(answer, list) and not answer.done() for _, answer in self._pending)
        for _, answer in self._pending:
            if not isinstance(answer, list):
                answer.cancel()
        self._pending.clear()
        if busy:
            processes.discard(self._procs)


def batches(encoding: DocumentEncoding | None, procs: int) -> OrderedBatches[Any]:
    """The pipeline of one writer: :func:`prepare_batch` with ``encoding``, in ``procs`` processes."""
    return OrderedBatches(partial(prepare_batch, encoding), procs)
