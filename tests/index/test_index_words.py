"""The written words as keyword fields (``word_key``, ``spelling``) on the fake engine of ``conftest.py``: what
did-you-mean reads from the snapshot it searches (on every engine: ``tests/contract/test_words.py``)."""

from __future__ import annotations

from pathlib import Path

from conftest import FakeKind

from arsearch import Index
from arsearch.documents import Document
from arsearch.engine.api import Snapshot
from arsearch.index.words import document_words, spelling_of, word_keywords, written_terms
from arsearch.search.spelling import did_you_mean, query_keys, writes_all


def spellings(snapshot: Snapshot) -> dict[str, tuple[str, int] | None]:
    return {key: spelling_of(snapshot, key) for key, _ in snapshot.terms("word_key")}


def test_a_document_carries_its_words_and_their_keys() -> None:
    words = document_words(["وزارةُ الصحّة في Riyadh 2015، وزارة", "الصحه"])
    assert words == {"وزارة", "الصحة", "في", "الصحه"}
    assert word_keywords(words) == {"word_key": ["الصحه", "في", "وزاره"],
                                    "spelling": ["الصحه الصحة", "الصحه الصحه", "في في", "وزاره وزارة"]}


def test_replacements_and_deletions_leave_the_spellings_once_merged(tmp_path: Path, fake: FakeKind) -> None:
    fake.options.merge_on_commit = True
    index = Index.create(tmp_path / "ix")
    index.add([Document("a", "وزارة الصحة في الرياض", title="الوزارة"), Document("b", "وزارة الصحه")])
    assert spelling_of(index.snapshot(), "الصحه") == ("الصحه", 2)  # a tie: the greatest word (ه after ة)
    with index.writer() as writer:
        writer.add(Document("a", "مدينة جدة"))
        writer.add(Document("c", "مكة"))
        writer.delete("c")
        writer.add(Document("d", "الرياض"), replace=False)
    index.delete(["b"])
    assert spellings(index.snapshot()) == {"مدينه": ("مدينة", 1), "جده": ("جدة", 1), "الرياض": ("الرياض", 1)}


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


def test_a_run_with_a_letter_outside_the_words_letters_is_no_word() -> None:
    assert document_words(["كتب \u063bكتب", "قلم"]) == {"كتب", "قلم"}
    assert document_words(["كتب", "قلم"]) == {"كتب", "قلم"}


def test_written_terms_are_the_keywords_each_once_in_any_order() -> None:
    words = document_words(["وزارةُ الصحّة في Riyadh 2015، وزارة الصحه", ""])
    keys, spellings = written_terms(words)
    assert sorted(keys) == word_keywords(words)["word_key"] and len(set(keys)) == len(keys)
    assert sorted(spellings) == word_keywords(words)["spelling"]
    assert written_terms(set()) == ([], [])
