"""New segments are named from the OS's randomness: a program that seeds ``random`` (a script run twice, a
server under Hypothesis) once got the same segment name for two writers, and the second truncated the first
one's committed files (found by fuzzing the HTTP API)."""

from __future__ import annotations

import random

import pytest

from news_queries import words

from arsearch.documents import Document
from arsearch.engine.api import SearchRequest


@pytest.mark.parametrize("procs", [1, 2])
def test_writers_after_the_same_seed_do_not_overwrite_each_other(new_engine, commit, procs: int) -> None:  # type: ignore[no-untyped-def]
    engine = new_engine()
    for n in range(3):
        random.seed(0)
        # enough documents for the worker processes to get some
        commit(engine, [Document(f"{n}-{k}", f"خبر عن الأمطار رقم {k} دفعة{n}") for k in range(120)], procs=procs)
        random.seed(0)
        commit(engine, [])  # a writer that adds nothing still makes (and then drops) a segment
    snapshot = engine.snapshot()
    assert snapshot.doc_count() == 360
    assert snapshot.search(SearchRequest(words("الأمطار"), limit=1)).total == 360
    assert snapshot.search(SearchRequest(words("دفعة0"), limit=1)).total == 120
