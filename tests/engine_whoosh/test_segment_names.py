"""New segments are named from the OS's randomness: a program that seeds ``random`` (a script run twice, a
server under Hypothesis) once got the same segment name for two writers, and the second truncated the first
one's committed files (found by fuzzing the HTTP API)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from arsearch.documents import Document
from arsearch.index import Index
from arsearch.search import search


@pytest.mark.parametrize("procs", [1, 2])
def test_writers_after_the_same_seed_do_not_overwrite_each_other(tmp_path: Path, procs: int) -> None:
    with Index.create(tmp_path / "ix") as ix:
        for n in range(3):
            random.seed(0)
            with ix.writer(procs=procs) as writer:
                for k in range(120):  # enough for the worker processes to get some
                    writer.add(Document(id=f"{n}-{k}", content=f"خبر عن الأمطار رقم {k} دفعة{n}"))
            random.seed(0)
            with ix.writer():  # a writer that adds nothing still makes (and then drops) a segment
                pass
        assert ix.document_count() == 360
        assert search(ix, "الأمطار", limit=1).total == 360
        assert search(ix, "دفعة0", limit=1).total == 120
