"""Near-duplicate grouping at index time over the engine's term statistics (``dup_key``), on the fake engine of
``conftest.py``: the groups, their counts kept in the metadata, and what a writer reads."""

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

STORY = ("أعلنت وزارة الصحة في المملكة اليوم عن حملة تطعيم جديدة ضد الإنفلونزا تشمل جميع المناطق، وقالت الوزارة إن "
         "المستشفيات والمراكز الصحية جاهزة لاستقبال المراجعين طوال أيام الأسبوع، ودعت المواطنين والمقيمين إلى "
         "المبادرة بأخذ اللقاح قبل بداية فصل الشتاء حفاظاً على صحتهم وصحة أسرهم.")
OTHER = ("فاز المنتخب الوطني على نظيره العراقي بهدفين دون رد في المباراة الودية التي أقيمت على ملعب الملك فهد "
         "الدولي في الرياض مساء أمس، وسجل الهدفين لاعب الوسط في الشوط الثاني أمام حضور جماهيري كبير.")


def copy_of(text: str, prefix: str = "الرياض - واس: ") -> str:
    return prefix + text.replace("،", " ,").replace("اليوم", "أمس")


def words(seed: int, n: int = 60) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) + rng.choice(WORDS) for _ in range(n))


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


def test_a_document_gets_its_look_up_keys_as_dup_key_terms(tmp_path: Path, fake: FakeKind) -> None:
    with Index.create(tmp_path / "ix") as ix:
        ix.add([doc("a", STORY), doc("short", "خبر قصير")])
        snapshot = ix.snapshot()
        keys = dup_keys(sketch(STORY))
        assert len(keys) == LSH_KEYS and all(snapshot.doc_frequency("dup_key", key) == 1 for key in keys)
        assert snapshot.terms("dup_key") == sorted((key, 1) for key in keys)  # none for a short text
        assert "sketch" not in (ix.get("a") or {}) and set(ix.get("a") or {}) >= {"id", "group", "content"}


def test_copies_in_one_batch_and_across_commits_share_a_group(tmp_path: Path, fake: FakeKind) -> None:
    with Index.create(tmp_path / "ix") as ix:
        ix.add([doc("a", STORY), doc("b", copy_of(STORY)), doc("c", OTHER)])
        ix.add([doc("d", copy_of(STORY, "جدة - "))])
        assert groups_of(ix) == {"a": "a", "b": "a", "c": "c", "d": "a"}
    with Index.open(tmp_path / "ix") as ix:
        ix.add([doc("e", copy_of(STORY, "مكة - "))])
        assert groups_of(ix)["e"] == "a"
        assert counted(ix) == recounted(ix) == (1, 4)


def test_deleting_and_changing_documents_keeps_groups_right(tmp_path: Path, fake: FakeKind) -> None:
    with Index.create(tmp_path / "ix") as ix:
        ix.add([doc("a", STORY), doc("b", copy_of(STORY)), doc("c", copy_of(STORY, "جدة - "))])
        ix.delete(["a"])  # the document that started the group: the others stay together, under its label
        assert groups_of(ix) == {"b": "a", "c": "a"}
        ix.add([doc("b", OTHER)])  # changed into another story: it leaves the group
        assert groups_of(ix) == {"b": "b", "c": "a"}
        ix.add([doc("a", words(1))])  # a new story under a label still in use gets a label of its own
        assert groups_of(ix)["a"] == "a#2"
        ix.add([doc("x", copy_of(OTHER))])
        assert groups_of(ix)["x"] == "b"
        assert counted(ix) == recounted(ix) == (1, 2)
        ix.delete(["x"])
        assert counted(ix) == recounted(ix) == (0, 0)


def test_a_cancelled_writer_leaves_no_trace_in_the_groups(tmp_path: Path, fake: FakeKind) -> None:
    with Index.create(tmp_path / "ix") as ix:
        ix.add([doc("a", STORY)])
        with pytest.raises(RuntimeError), ix.writer() as w:
            w.add(doc("b", copy_of(STORY)))
            raise RuntimeError
        ix.add([doc("c", copy_of(STORY))])
        assert groups_of(ix) == {"a": "a", "c": "a"}
        assert counted(ix) == (1, 2)


def test_worker_processes_group_as_one_process_does(tmp_path: Path, fake: FakeKind) -> None:
    records = [doc(f"s{n}", words(n)) for n in range(450)]
    records += [doc(f"c{n}", copy_of(words(n), "واس - ")) for n in range(0, 450, 9)]
    grouped = []
    for procs in (1, 2):
        with Index.create(tmp_path / f"ix{procs}") as ix:
            for start in range(0, len(records), 300):
                with ix.writer(procs=procs) as writer:
                    for record in records[start:start + 300]:
                        writer.add(record, replace=False)
            grouped.append(groups_of(ix))
            assert counted(ix) == recounted(ix) == (50, 100)
    assert grouped[0] == grouped[1]
    assert all(grouped[0][f"c{n}"] == f"s{n}" for n in range(0, 450, 9))


def test_boilerplate_keys_find_no_candidates(tmp_path: Path, fake: FakeKind, monkeypatch: pytest.MonkeyPatch) -> None:
    """A key held by more documents than MAX_KEY_HOLDERS is left out of the look-up (by its document
    frequency): copies that share only such keys are not grouped."""
    monkeypatch.setattr(grouping, "MAX_KEY_HOLDERS", 1)
    with Index.create(tmp_path / "ix") as ix:
        ix.add([doc("a", STORY), doc("b", STORY)])
        assert groups_of(ix) == {"a": "a", "b": "a"}
        ix.add([doc("c", STORY)])  # each of its keys is held by two documents already
        assert groups_of(ix)["c"] == "c"


def test_a_writer_reads_the_candidates_not_the_archive(tmp_path: Path, fake: FakeKind) -> None:
    with Index.create(tmp_path / "ix") as ix:
        ix.add([doc(f"s{n}", words(n)) for n in range(200)] + [doc("a", STORY)])
        fake.calls.clear()
        ix.add([doc("b", copy_of(STORY)), doc("c", words(1000))])
        ix.delete(["s1"])
        assert fake.calls["states"] == fake.calls["terms group"] == fake.calls["count_terms"] == 0
        assert fake.calls["get"] <= 2 * CANDIDATES + 1
        assert groups_of(ix)["b"] == "a"
        fake.calls.clear()
        ix.stats()
        assert fake.calls["states"] == fake.calls["terms group"] == fake.calls["count_terms"] == 0


def test_counts_lost_in_a_crash_are_counted_again_by_one_pass(tmp_path: Path, fake: FakeKind) -> None:
    with Index.create(tmp_path / "ix") as ix:
        ix.add([doc("a", STORY), doc("b", copy_of(STORY)), doc("c", OTHER)])
        meta = (tmp_path / "ix" / META_FILE).read_text(encoding="utf-8")
        ix.add([doc("d", copy_of(OTHER)), doc("e", copy_of(STORY, "جدة - "))])
        ix.delete(["a"])
        (tmp_path / "ix" / META_FILE).write_text(meta, encoding="utf-8")  # as if it died before the metadata
    with Index.open(tmp_path / "ix") as ix:
        fake.calls.clear()
        assert counted(ix) == recounted(ix) == (2, 4)
        assert fake.calls["terms group"] == 1
        assert counted(ix) == (2, 4) and fake.calls["terms group"] == 1  # remembered for the commit
        ix.add([doc("f", words(5))])  # the next commit stores them again
        stamp = json.loads((tmp_path / "ix" / META_FILE).read_text(encoding="utf-8"))["groups"]
        assert stamp == {"generation": ix.engine.generation(), "duplicate_groups": 2, "grouped_documents": 4}


STORIES = [STORY, OTHER, words(1), words(2)]
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
    fake.merge_on_commit, fake.committed_deletes_only = merge, committed_only
    ix = Index.create(tmp_path_factory.mktemp("ops") / "ix")
    writer, touched = ix.writer(), set()
    for kind, doc_id, story, variant, replace in [*operations, ("commit", "", 0, 0, True)]:
        if kind == "commit":
            writer.commit()
            assert counted(ix) == recounted(ix)
            writer, touched = ix.writer(), set()
        elif kind == "delete":
            writer.delete(doc_id)
        else:
            text = STORIES[story] if not variant else copy_of(STORIES[story], f"{variant} - ")
            # replace=False only when the caller knows there is no such document
            writer.add(doc(doc_id, text), replace=replace or doc_id in touched or doc_id in ix.stored_states())
        touched.add(doc_id)
    writer.cancel()
