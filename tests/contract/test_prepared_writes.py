"""A writer with worker processes (which prepare each batch's sketches and words there) writes the same index as
one without: the same groups, words and hits, with deletes and replacements in between kept in their order."""

from __future__ import annotations

import random
from pathlib import Path

from arsearch import Index
from arsearch.documents import Document
from arsearch.index.preparing import BATCH
from arsearch.search import search

WORDS = ("وزارة الصحة مستشفى الملك جدة الرياض مكة المدينة المنورة طلاب جامعة أمطار سيول الدفاع المدني الهلال النصر "
         "مباراة الدوري الأمير أمير المنطقة مجلس الوزراء الاقتصاد النفط أسعار السوق البورصة").split()


def documents(seed: int, count: int) -> list[Document]:
    rng = random.Random(seed)
    stories = [" ".join(rng.choices(WORDS, k=60)) for _ in range(count // 4)]
    found = []
    for n in range(count):
        story = rng.choice(stories).split()
        story[rng.randrange(len(story))] = rng.choice(WORDS)  # a copy that differs in a word
        found.append(Document(f"d{n}", " ".join(story), title=" ".join(rng.choices(WORDS, k=5))))
    return found


def write(path: Path, procs: int) -> Index:
    index = Index.create(path)
    with index.writer(procs=procs) as writer:
        for document in documents(1, 3 * BATCH):
            writer.add(document, replace=False)
    with index.writer(procs=procs) as writer:
        for n, document in enumerate(documents(2, 2 * BATCH)):  # ids d0 …: each replaces one of the first commit
            writer.add(document)
            if n % 50 == 0:
                writer.delete(f"d{2 * BATCH + n // 50}")  # one the first commit added, among the adds
    return index


def test_worker_processes_write_the_same_groups_words_and_hits(tmp_path: Path) -> None:
    alone, with_workers = write(tmp_path / "one", 1), write(tmp_path / "two", 2)
    assert alone.document_count() == with_workers.document_count() == 3 * BATCH - len(range(0, 2 * BATCH, 50))
    assert [alone.get(f"d{n}") for n in range(3 * BATCH)] == [with_workers.get(f"d{n}") for n in range(3 * BATCH)]
    for field in ("word_key", "spelling", "dup_key"):
        assert alone.snapshot().terms(field) == with_workers.snapshot().terms(field)
    assert alone.stats().duplicate_groups == with_workers.stats().duplicate_groups > 0
    for query in ("وزارة الصحة", "الهلال النصر مباراة"):
        assert ids(alone, query) == ids(with_workers, query)


def ids(index: Index, query: str) -> list[tuple[float, str]]:
    """Every hit by score, ties by id (which of two tied documents comes first, and so which copy of a story
    stands for it, is the engine's segment order)."""
    return sorted((round(-hit.score, 9), hit.id) for hit in search(index, query, limit=200, collapse=False).hits)
