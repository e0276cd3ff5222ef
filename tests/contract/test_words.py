"""The written words of an index (arsearch.index.words): keyword fields of each document, committed with it, so
the snapshot searched answers how its text writes a word, the same as reading the stored text afresh."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from hypothesis import given, settings
from hypothesis import strategies as st

from arsearch import Index
from arsearch.analysis import normalize
from arsearch.documents import Document
from arsearch.engine.api import Snapshot
from arsearch.index.words import WORD_FIELDS, document_words, spelling_of
from arsearch.search.spelling import query_keys, writes_all


def fresh_spellings(index: Index) -> dict[str, tuple[str, int]]:
    """Key -> (commonest word, the greatest on a tie; documents with a word of the key), read from the stored
    text of every live document."""
    counts: Counter[str] = Counter()
    keys: Counter[str] = Counter()
    for doc_id in index.stored_states():
        stored = index.get(doc_id) or {}
        words = document_words(str(stored[field]) for field in WORD_FIELDS)
        counts.update(words)
        keys.update({normalize(word) for word in words})
    best: dict[str, str] = {}
    for word, count in counts.items():
        key = normalize(word)
        if key not in best or (count, word) > (counts[best[key]], best[key]):
            best[key] = word
    return {key: (word, keys[key]) for key, word in best.items()}


def kept_spellings(snapshot: Snapshot) -> dict[str, tuple[str, int] | None]:
    return {key: spelling_of(snapshot, key) for key, _ in snapshot.terms("word_key")}


@pytest.mark.engine_independent
def test_document_words_are_arabic_words_without_harakat() -> None:
    assert document_words(["وزارةُ الصحّة في Riyadh 2015، وزارة"]) == {"وزارة", "الصحة", "في"}


def test_the_spellings_of_added_documents_are_those_of_the_stored_text(tmp_path: Path) -> None:
    index = Index.create(tmp_path / "ix")
    index.add([Document("a", "وزارة الصحة في الرياض", title="الوزارة"), Document("b", "وزارة الصحه")])
    with index.writer() as writer:
        writer.add(Document("c", "وزاره الصحة"), replace=False)
        writer.add(Document("d", "مدينة جدة وزارة"), replace=False)
    assert kept_spellings(index.snapshot()) == fresh_spellings(index)
    assert spelling_of(index.snapshot(), "وزاره") == ("وزارة", 4)
    assert spelling_of(index.snapshot(), "الصحه") == ("الصحة", 3)


def test_replaced_and_deleted_documents_leave_the_spellings(tmp_path: Path) -> None:
    """Document frequencies count a deleted document until the engine merges it away (as every term statistic):
    the commonest spelling and the documents of a key may count one of them meanwhile, never fewer than the live
    ones."""
    index = Index.create(tmp_path / "ix")
    index.add([Document("a", "وزارة الصحة في الرياض", title="الوزارة"), Document("b", "وزارة الصحه")])
    with index.writer() as writer:
        writer.add(Document("a", "مدينة جدة"))               # replaces a
        writer.add(Document("c", "مكة"))
        writer.delete("c")                                    # added and deleted in one commit
        writer.add(Document("d", "الرياض"), replace=False)
    index.delete(["b"])
    snapshot = index.snapshot()
    fresh, deleted = fresh_spellings(index), snapshot.stats().deleted
    # whether a document added and deleted in one commit stays is the engine's business
    assert {key: found for key, found in fresh.items() if key != "مكه"} == {
        "مدينه": ("مدينة", 1), "جده": ("جدة", 1), "الرياض": ("الرياض", 1)}
    for key, (word, documents) in fresh.items():
        found = spelling_of(snapshot, key)
        assert found is not None and found[0] == word and documents <= found[1] <= documents + deleted, key
    for key in ("وزاره", "الصحه", "الوزاره"):
        assert spelling_of(snapshot, key) is None or deleted


def test_the_commonest_spelling_of_a_normalized_word_is_suggested(tmp_path: Path) -> None:
    index = Index.create(tmp_path / "ix")
    index.add([Document(str(n), text) for n, text in enumerate(["المملكة", "المملكة", "المملكه"])])
    assert spelling_of(index.snapshot(), "المملكه") == ("المملكة", 3)


def test_writes_all_looks_the_keys_up_in_the_snapshot(tmp_path: Path) -> None:
    index = Index.create(tmp_path / "ix")
    index.add([Document(str(n), text) for n, text in enumerate(["وزارة الصحة", "في الرياض", "أ ب ت ث ج ح"])])
    snapshot = Index.open(tmp_path / "ix").snapshot()
    written = ["وزاره", "الصحه", "في", "الرياض", "ا", "ب", "ت", "ث", "ج", "ح"]
    for key in written:
        assert writes_all(snapshot, [key]), key
    for key in ["وزار", "الرياضض", "ء", "ي", "خ", "ززز", "ا ب"]:
        assert not writes_all(snapshot, [key]), key
    assert writes_all(snapshot, written) and not writes_all(snapshot, [*written, "خ"])
    assert writes_all(snapshot, query_keys("وزارة الصحه في -الرياض"))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sets(st.sampled_from(
    ["وزارة", "وزاره", "الوزارة", "أمريكا", "امريكا", "أمريكى", "جدة", "جده", "مكة"]), max_size=5), max_size=12))
def test_spellings_of_many_commits_are_those_of_the_stored_text(tmp_path_factory: Any,
                                                                documents: list[set[str]]) -> None:
    index = Index.create(tmp_path_factory.mktemp("words") / "ix")
    for n in range(0, len(documents), 3):
        index.add([Document(f"d{n + i}", " ".join(sorted(words))) for i, words in enumerate(documents[n:n + 3])])
    assert kept_spellings(index.snapshot()) == fresh_spellings(index)
