"""The written words of an index (arsearch.index.words): kept by the writer, the same as reading them afresh."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from arsearch import Index
from arsearch.analysis import normalize
from arsearch.documents import Document
from arsearch.index.words import WORDS_FILE, WordCounts, WrittenWords, document_words


def fresh_counts(index: Index) -> dict[str, int]:
    return dict(WordCounts.of_snapshot(index.snapshot()).counts)


def kept_counts(index: Index) -> dict[str, int]:
    counts = WordCounts.load(index.path, index.engine.generation())
    assert counts is not None
    return dict(counts.counts)


def test_document_words_are_arabic_words_without_harakat() -> None:
    assert document_words(["وزارةُ الصحّة في Riyadh 2015، وزارة"]) == {"وزارة", "الصحة", "في"}


def test_adds_replacements_and_deletions_keep_the_counts_of_the_stored_text(tmp_path: Path) -> None:
    index = Index.create(tmp_path / "ix")
    index.add([Document("a", "وزارة الصحة في الرياض", title="الوزارة"), Document("b", "وزارة الصحه")])
    assert kept_counts(index) == fresh_counts(index) == {"وزارة": 2, "الصحة": 1, "الصحه": 1, "في": 1,
                                                         "الرياض": 1, "الوزارة": 1}
    with index.writer() as writer:
        writer.add(Document("a", "مدينة جدة"))               # replaces a
        writer.add(Document("c", "مكة"))
        writer.delete("c")                                    # added and deleted in one commit
        writer.add(Document("d", "الرياض"), replace=False)
    index.delete(["b"])
    assert kept_counts(index) == fresh_counts(index)
    # whether a document added and deleted in one commit stays is the engine's business (Whoosh keeps it)
    assert {w: n for w, n in fresh_counts(index).items() if w != "مكة"} == {"مدينة": 1, "جدة": 1, "الرياض": 1}
    words = index.words()
    assert words is not None and words.spelling("الرياض") == ("الرياض", 1) and words.spelling("وزاره") is None


def test_the_commonest_spelling_of_a_normalized_word_is_suggested(tmp_path: Path) -> None:
    index = Index.create(tmp_path / "ix")
    index.add([Document(str(n), text) for n, text in enumerate(["المملكة", "المملكة", "المملكه"])])
    words = index.words()
    assert words is not None and words.spelling("المملكه") == ("المملكة", 3)


def test_a_words_file_of_another_commit_is_not_used_and_the_next_commit_rebuilds_it(tmp_path: Path) -> None:
    index = Index.create(tmp_path / "ix")
    index.add([Document("a", "وزارة الصحة")])
    path = tmp_path / "ix" / WORDS_FILE
    stale = path.read_text(encoding="utf-8")
    index.add([Document("b", "الرياض")])
    path.write_text(stale, encoding="utf-8")  # as if the process died between the engine's commit and this file
    reopened = Index.open(tmp_path / "ix")
    assert WrittenWords.load(reopened.path, reopened.engine.generation()) is None
    words = reopened.words()  # a small index: read from the stored text instead
    assert words is not None and words.spelling("الرياض") == ("الرياض", 1)
    reopened.add([Document("c", "جدة")])
    assert kept_counts(reopened) == fresh_counts(reopened) == {"وزارة": 1, "الصحة": 1, "الرياض": 1, "جدة": 1}


def test_a_damaged_words_file_is_ignored(tmp_path: Path) -> None:
    index = Index.create(tmp_path / "ix")
    index.add([Document("a", "وزارة الصحة")])
    (tmp_path / "ix" / WORDS_FILE).write_text("# arsearch words 1 generation 999999 3\nnot\ta\tnumber\n")
    assert WrittenWords.load(index.path, 999999) is None
    words = Index.open(tmp_path / "ix").words()
    assert words is not None and words.spelling("وزاره") == ("وزارة", 1)


def test_an_index_without_a_words_file_gets_one_from_its_stored_text(tmp_path: Path) -> None:
    index = Index.create(tmp_path / "ix")
    index.add([Document("a", "وزارة الصحة")])
    (tmp_path / "ix" / WORDS_FILE).unlink()  # as an index of an older arsearch
    index.refresh_words()
    assert kept_counts(index) == {"وزارة": 1, "الصحة": 1}
    before = (tmp_path / "ix" / WORDS_FILE).stat().st_mtime_ns
    index.refresh_words()  # current: left alone
    assert (tmp_path / "ix" / WORDS_FILE).stat().st_mtime_ns == before


def test_writes_all_looks_words_up_in_the_file_without_reading_it(tmp_path: Path) -> None:
    index = Index.create(tmp_path / "ix")
    index.add([Document(str(n), text) for n, text in enumerate(["وزارة الصحة", "في الرياض", "أ ب ت ث ج ح"])])
    reopened = Index.open(tmp_path / "ix")
    written = ["وزاره", "الصحه", "في", "الرياض", "ا", "ب", "ت", "ث", "ج", "ح"]
    for key in written:
        assert reopened.writes_all([key]), key
    for key in ["وزار", "الرياضض", "ء", "ي", "خ", "ززز", "ا ب"]:
        assert not reopened.writes_all([key]), key
    assert reopened._written is None  # answered from the file
    assert reopened.writes_all(written) and not reopened.writes_all([*written, "خ"])


def written_afresh(counts: dict[str, int]) -> bytes:
    """The words file's lines as a full pass over ``counts`` writes them: what each commit wrote before the file
    was kept up to date from the words a commit changes."""
    best: dict[str, tuple[str, int, int]] = {}
    for word, count in counts.items():
        key = normalize(word)
        top, top_count, total = best.get(key, (word, count, 0))
        if (count, word) > (top_count, top):
            top, top_count = word, count
        best[key] = (top, top_count, total + count)
    keys = "".join(f"{key}\t{word}\t{total}\n" for key, (word, _, total) in sorted(best.items()))
    words = "".join(f"{word}\t{count}\n" for word, count in sorted(counts.items()))
    return f"{len(best)} {len(keys.encode())}\n{keys}{words}".encode()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.sets(st.sampled_from(
    ["وزارة", "وزاره", "الوزارة", "أمريكا", "امريكا", "أمريكى", "جدة", "جده", "مكة"]), max_size=5)), max_size=30))
def test_a_words_file_kept_up_to_date_is_the_one_written_afresh(tmp_path_factory: Any,
                                                                changes: list[tuple[bool, set[str]]]) -> None:
    folder = tmp_path_factory.mktemp("words")
    counts, added = WordCounts(), []
    for generation, (add, words) in enumerate(changes):
        if add or not added:
            counts.add(words)
            added.append(words)
        else:
            counts.remove(added.pop(len(added) // 2))
        if generation % 3 == 0:
            counts.save(folder, generation)
    counts.save(folder, 999)
    header, _, body = (folder / WORDS_FILE).read_bytes().partition(b"\n")
    assert b" ".join(header.split()[-2:]) + b"\n" + body == written_afresh(dict(counts.counts))
