"""The written words as keyword fields (``word_key``, ``spelling``) on the fake engine of ``conftest.py``: what
did-you-mean reads from the snapshot it searches."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FakeKind

from arsearch import Index
from arsearch.analysis import normalize
from arsearch.documents import Document
from arsearch.engine.api import Snapshot
from arsearch.index.words import WORD_FIELDS, document_words, spelling_of, word_keywords
from arsearch.search.spelling import did_you_mean, query_keys, writes_all


def fresh_spellings(index: Index) -> dict[str, tuple[str, int]]:
    """Key -> (commonest word, documents with a word of the key), read from the stored text of every live
    document."""
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


def test_a_document_carries_its_words_and_their_keys() -> None:
    words = document_words(["وزارةُ الصحّة في Riyadh 2015، وزارة", "الصحه"])
    assert words == {"وزارة", "الصحة", "في", "الصحه"}
    assert word_keywords(words) == {"word_key": ["الصحه", "في", "وزاره"],
                                    "spelling": ["الصحه الصحة", "الصحه الصحه", "في في", "وزاره وزارة"]}


def test_adds_replacements_and_deletions_keep_the_spellings_of_the_stored_text(tmp_path: Path,
                                                                              fake: FakeKind) -> None:
    fake.merge_on_commit = True
    index = Index.create(tmp_path / "ix")
    index.add([Document("a", "وزارة الصحة في الرياض", title="الوزارة"), Document("b", "وزارة الصحه")])
    assert kept_spellings(index.snapshot()) == fresh_spellings(index)
    assert spelling_of(index.snapshot(), "الصحه") == ("الصحه", 2)  # a tie: the greatest word (ه after ة)
    with index.writer() as writer:
        writer.add(Document("a", "مدينة جدة"))
        writer.add(Document("c", "مكة"))
        writer.delete("c")
        writer.add(Document("d", "الرياض"), replace=False)
    index.delete(["b"])
    snapshot = index.snapshot()
    assert kept_spellings(snapshot) == fresh_spellings(index)
    assert spelling_of(snapshot, "الرياض") == ("الرياض", 1) and spelling_of(snapshot, "وزاره") is None


def test_the_commonest_spelling_of_a_normalized_word_is_suggested(tmp_path: Path, fake: FakeKind) -> None:
    index = Index.create(tmp_path / "ix")
    index.add([Document(str(n), text) for n, text in enumerate(["المملكة", "المملكة", "المملكه"])])
    assert spelling_of(index.snapshot(), "المملكه") == ("المملكة", 3)


def test_deleted_documents_count_until_the_engine_merges_them(tmp_path: Path, fake: FakeKind) -> None:
    index = Index.create(tmp_path / "ix")
    index.add([Document("a", "وزارة الصحة"), Document("b", "وزارة")])
    index.delete(["a"])
    assert spelling_of(index.snapshot(), "الصحه") == ("الصحة", 1)  # a term statistic of the engine


def test_writes_all_and_did_you_mean_read_the_snapshot(tmp_path: Path, fake: FakeKind) -> None:
    index = Index.create(tmp_path / "ix")
    index.add([Document(str(n), "وزارة الصحة أعلنت") for n in range(5)] + [Document("x", "الصفة")])
    snapshot = index.snapshot()
    assert writes_all(snapshot, query_keys("وزاره الصحة")) and not writes_all(snapshot, query_keys("الصخة"))
    found = did_you_mean(snapshot, index.analyzer, "الصخة", lambda query: 5)
    assert found.suggestion is not None and found.suggestion.query == "الصحة"
    assert did_you_mean(index.snapshot(), index.analyzer, "الصحة", lambda query: 5).suggestion is None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.booleans(), st.sampled_from("abcdef"), st.sets(st.sampled_from(
    ["وزارة", "وزاره", "الوزارة", "أمريكا", "امريكا", "أمريكى", "جدة", "جده", "مكة"]), max_size=5)), max_size=20))
def test_spellings_kept_by_the_commits_are_those_of_the_stored_text(
        tmp_path_factory: Any, fake: FakeKind, changes: list[tuple[bool, str, set[str]]]) -> None:
    fake.merge_on_commit = True
    index = Index.create(tmp_path_factory.mktemp("words") / "ix")
    for n, (add, doc_id, words) in enumerate(changes):
        if add:
            index.add([Document(doc_id, " ".join(sorted(words)))])
        else:
            index.delete([doc_id])
        if n % 3 == 0:
            assert kept_spellings(index.snapshot()) == fresh_spellings(index)
    assert kept_spellings(index.snapshot()) == fresh_spellings(index)
