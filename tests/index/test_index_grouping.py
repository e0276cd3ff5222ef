"""Near-duplicate grouping at index time over the engine's term statistics (``dup_key``), on the fake engine of
``conftest.py``: what a writer reads, boilerplate keys, and the counts kept in the metadata under every sequence
of changes (the scenarios themselves are in ``tests/contract/test_duplicates.py``, on every engine)."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FakeKind
from helpers import WORDS

from arsearch import Index
from arsearch.documents import Document
from arsearch.index import META_FILE, grouping
from arsearch.index.grouping import CANDIDATES, dup_keys
from arsearch.index.near_duplicates import LSH_KEYS, sketch


def story(seed: int) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) + rng.choice(WORDS) for _ in range(60))


def copy(text: str, variant: int = 1) -> str:
    """A copy with a dateline and one word changed."""
    words = text.split()
    words[len(words) // 2] = f"ك{variant}"
    return f"مصدر {variant} - " + " ".join(words)


def doc(doc_id: str, content: str) -> Document:
    return Document(doc_id, content, title=content[:30])


def groups_of(index: Index) -> dict[str, str]:
    return {doc_id: (index.get(doc_id) or {})["group"] for doc_id in index.stored_states()}


def recounted(index: Index) -> tuple[int, int]:
    """The counts of the fake engine's live documents (several of one id included)."""
    sizes = Counter(r.fields["group"] for r in index.engine.store.records if not r.deleted)  # type: ignore
    shared = [n for n in sizes.values() if n > 1]
    return len(shared), sum(shared)


def counted(index: Index) -> tuple[int, int]:
    stats = index.stats()
    return stats.duplicate_groups, stats.grouped_documents


def test_boilerplate_keys_find_no_candidates(tmp_path: Path, fake: FakeKind, monkeypatch: pytest.MonkeyPatch) -> None:
    """A key held by more documents than MAX_KEY_HOLDERS is left out of the look-up (by its document
    frequency): copies that share only such keys are not grouped."""
    monkeypatch.setattr(grouping, "MAX_KEY_HOLDERS", 1)
    with Index.create(tmp_path / "ix") as ix:
        ix.add([doc("a", story(1)), doc("b", story(1))])
        assert groups_of(ix) == {"a": "a", "b": "a"}
        ix.add([doc("c", story(1))])  # each of its keys is held by two documents already
        assert groups_of(ix)["c"] == "c"


def test_a_writer_reads_the_candidates_not_the_archive(tmp_path: Path, fake: FakeKind) -> None:
    with Index.create(tmp_path / "ix") as ix:
        ix.add([doc(f"s{n}", story(n)) for n in range(200)])
        fake.calls.clear()
        ix.add([doc("b", copy(story(7))), doc("c", story(1000))])
        ix.delete(["s1"])
        assert fake.calls["states"] == fake.calls["terms group"] == fake.calls["count_terms"] == 0
        assert fake.calls["get"] <= 2 * CANDIDATES and fake.calls["sharing"] <= 2
        assert groups_of(ix)["b"] == "s7"
        fake.calls.clear()
        ix.stats()
        assert fake.calls["states"] == fake.calls["terms group"] == fake.calls["count_terms"] == 0
        assert set(ix.snapshot().terms("dup_key", limit=10**6)) >= {(key, 2) for key in dup_keys(sketch(story(7)))
                                                                   if key in dup_keys(sketch(copy(story(7))))}
        assert len(dup_keys(sketch(story(7)))) == LSH_KEYS


def test_adds_that_replace_ids_the_index_lacks_do_not_widen_the_candidates(tmp_path: Path, fake: FakeKind) -> None:
    """Only a replaced document the index has can be among the candidates to leave out: after a hundred adds of
    new ids (``replace=True``, as a script does), a copy of a story with many copies still reads CANDIDATES."""
    with Index.create(tmp_path / "ix") as ix:
        ix.add([doc(f"c{n:02}", copy(story(7), n)) for n in range(3 * CANDIDATES)])
        fake.calls.clear()
        with ix.writer() as writer:
            for n in range(100):
                writer.add(doc(f"new{n}", story(2000 + n)))
            writer.add(doc("last", copy(story(7), 999)))
        assert fake.calls["get"] == CANDIDATES
        assert groups_of(ix)["last"] == "c00"


def test_counts_of_another_commit_are_counted_once_by_a_pass_and_stored_again(tmp_path: Path,
                                                                             fake: FakeKind) -> None:
    path = tmp_path / "ix"
    with Index.create(path) as ix:
        ix.add([doc("a", story(1)), doc("b", copy(story(1))), doc("c", story(2)), doc("d", copy(story(2)))])
        ix.delete(["d"])
        meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
        meta["groups"]["generation"] -= 1  # as after a crash between a commit and its metadata
        (path / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    with Index.open(path) as ix:
        fake.calls.clear()
        assert counted(ix) == recounted(ix) == (1, 2) and fake.calls["terms group"] == 1
        assert counted(ix) == (1, 2) and fake.calls["terms group"] == 1  # remembered for the commit
        ix.add([doc("e", copy(story(2), 2))])
        stamp = json.loads((path / META_FILE).read_text(encoding="utf-8"))["groups"]
        assert stamp == {"generation": ix.engine.generation(), "duplicate_groups": 2, "grouped_documents": 4}
        assert fake.calls["terms group"] == 2  # the commit counted them once more, the stats do not


STORIES = [story(n) for n in range(4)]
operation = st.one_of(
    st.tuples(st.just("add"), st.sampled_from("abcdefgh"), st.integers(0, 3), st.integers(0, 2), st.booleans()),
    st.tuples(st.just("delete"), st.sampled_from("abcdefgh"), st.just(0), st.just(0), st.just(True)),
    st.tuples(st.just("commit"), st.just(""), st.just(0), st.just(0), st.just(True)),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(operation, max_size=25), st.booleans(), st.booleans())
def test_counts_kept_by_the_commits_are_those_of_the_live_documents(
        tmp_path_factory: Any, fake: FakeKind, operations: list[tuple[str, str, int, int, bool]],
        merge: bool, committed_only: bool) -> None:
    """Adds (with replace, or without when the id is not there), replacements, deletions, the same id several
    times in one commit, on an engine that keeps deleted documents in its statistics or not, and one whose
    deletes reach only committed documents (Whoosh's writer)."""
    fake.options.merge_on_commit, fake.options.committed_deletes_only = merge, committed_only
    ix = Index.create(tmp_path_factory.mktemp("ops") / "ix")
    writer, touched = ix.writer(), set()
    for kind, doc_id, number, variant, replace in [*operations, ("commit", "", 0, 0, True)]:
        if kind == "commit":
            writer.commit()
            assert counted(ix) == recounted(ix)
            writer, touched = ix.writer(), set()
        elif kind == "delete":
            writer.delete(doc_id)
        else:
            text = STORIES[number] if not variant else copy(STORIES[number], variant)
            # replace=False only when the caller knows there is no such document
            writer.add(doc(doc_id, text), replace=replace or doc_id in touched or doc_id in ix.stored_states())
        touched.add(doc_id)
    writer.cancel()
