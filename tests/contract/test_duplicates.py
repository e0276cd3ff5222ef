"""Near-duplicate groups: signatures, grouping at index time (incremental), collapsing at query time."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from helpers import ROOT, WORDS

from arsearch import Index, index_paths, search
from arsearch.documents import Document
from arsearch.engine.api import SearchRequest, StoredDocument, Term, sharing_many
from arsearch.engine.candidates import candidate_label, candidates_many, sketch_bytes, text_key
from arsearch.errors import IndexFormatError
from arsearch.index import META_FILE
from arsearch.index.grouping import dup_keys
from arsearch.index.near_duplicates import (DEFAULT_THRESHOLD, LSH_KEYS, MIN_SHINGLES, shingle_hashes, similarity,
                                           sketch)

STORY = ("أعلنت وزارة الصحة في المملكة اليوم عن حملة تطعيم جديدة ضد الإنفلونزا تشمل جميع المناطق، وقالت الوزارة إن "
         "المستشفيات والمراكز الصحية جاهزة لاستقبال المراجعين طوال أيام الأسبوع، ودعت المواطنين والمقيمين إلى "
         "المبادرة بأخذ اللقاح قبل بداية فصل الشتاء حفاظاً على صحتهم وصحة أسرهم.")
OTHER = ("فاز المنتخب الوطني على نظيره العراقي بهدفين دون رد في المباراة الودية التي أقيمت على ملعب الملك فهد "
         "الدولي في الرياض مساء أمس، وسجل الهدفين لاعب الوسط في الشوط الثاني أمام حضور جماهيري كبير.")


def copy_of(text: str, prefix: str = "الرياض - واس: ") -> str:
    """A syndicated copy: a dateline, other punctuation, one word changed."""
    return prefix + text.replace("،", " ,").replace("اليوم", "أمس")


def words(seed: int, n: int = 60) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) + rng.choice(WORDS) for _ in range(n))


# signatures -------------------------------------------------------------------------------------------------


@pytest.mark.engine_independent
def test_a_copy_is_similar_and_another_story_is_not() -> None:
    assert similarity(sketch(STORY), sketch(STORY)) == 1.0
    assert similarity(sketch(STORY), sketch(copy_of(STORY))) >= DEFAULT_THRESHOLD
    assert similarity(sketch(STORY), sketch(OTHER)) < 0.1


@pytest.mark.engine_independent
def test_complete_sketches_give_the_exact_jaccard_similarity() -> None:
    a, b = shingle_hashes(STORY), shingle_hashes(copy_of(STORY))
    assert len(a) < 64 and len(b) < 64  # short texts: the sketch is the whole set
    assert similarity(sketch(STORY), sketch(copy_of(STORY))) == pytest.approx(len(a & b) / len(a | b))


@pytest.mark.engine_independent
def test_the_estimate_of_long_texts_is_close_to_the_exact_jaccard() -> None:
    rng = random.Random(3)
    base = [f"w{rng.randrange(5000)}" for _ in range(280)]
    for keep in (0.9, 0.7, 0.5):
        other = [w if rng.random() < keep else f"x{rng.randrange(5000)}" for w in base]
        a, b = shingle_hashes(" ".join(base)), shingle_hashes(" ".join(other))
        exact = len(a & b) / len(a | b)
        assert abs(similarity(sketch(" ".join(base)), sketch(" ".join(other))) - exact) < 0.15


@pytest.mark.engine_independent
def test_punctuation_and_letter_variants_do_not_change_the_shingles() -> None:
    assert shingle_hashes("قال الوزير: «إن الأمر مهم».") == shingle_hashes("قال الوزير إن الامر مهم")


@pytest.mark.engine_independent
def test_short_texts_get_no_signature() -> None:
    assert sketch("خبر قصير جدا") == ()
    assert len(shingle_hashes(" ".join(f"w{n}" for n in range(MIN_SHINGLES + 2)))) == MIN_SHINGLES
    assert similarity((), sketch(STORY)) == 0.0


def test_signatures_are_the_same_in_another_process() -> None:
    code = "from arsearch.index.near_duplicates import sketch; import sys; print(list(sketch(sys.argv[1])))"
    outputs = {subprocess.run([sys.executable, "-c", code, STORY], capture_output=True, text=True, check=True,
                              cwd=ROOT, env={"PYTHONHASHSEED": str(seed), "PYTHONPATH": str(ROOT)}).stdout
               for seed in (1, 2)}
    assert outputs == {json.dumps(list(sketch(STORY))).replace(" ", "").replace(",", ", ") + "\n"}


# grouping at index time ------------------------------------------------------------------------------------


def groups_of(index: Index) -> dict[str, str]:
    return {doc_id: (index.get(doc_id) or {})["group"] for doc_id in index.stored_states()}


def recounted(index: Index) -> tuple[int, int]:
    """Groups of two or more live documents and the documents in them, by a search for each label."""
    snapshot = index.snapshot()
    sizes = [snapshot.search(SearchRequest(Term("group", label), limit=1)).total
             for label in set(groups_of(index).values())]
    shared = [size for size in sizes if size > 1]
    return len(shared), sum(shared)


def counted(index: Index) -> tuple[int, int]:
    stats = index.stats()
    return stats.duplicate_groups, stats.grouped_documents


def doc(doc_id: str, content: str, source: str = "") -> dict[str, Any]:
    return {"id": doc_id, "content": content, "title": content[:30], "source": source}


def test_copies_in_one_batch_and_across_commits_share_a_group(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as ix:
        ix.add([doc("a", STORY, "spa"), doc("b", copy_of(STORY), "okaz"), doc("c", OTHER)])
        ix.add([doc("d", copy_of(STORY, "جدة - "), "alriyadh")])
        assert groups_of(ix) == {"a": "a", "b": "a", "c": "c", "d": "a"}
    with Index.open(tmp_path / "ix") as ix:  # a new process's writer finds the candidates in the index
        ix.add([doc("e", copy_of(STORY, "مكة - "))])
        assert groups_of(ix)["e"] == "a"
        assert counted(ix) == recounted(ix) == (1, 4)


def test_the_look_up_keys_of_a_document_are_its_dup_key_terms(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as ix:
        ix.add([doc("a", STORY), doc("b", copy_of(STORY)), doc("short", "خبر قصير")])
        snapshot = ix.snapshot()
        keys = dup_keys(sketch(STORY))
        assert len(keys) == LSH_KEYS and all(snapshot.has_term("dup_key", key) for key in keys)
        shared = snapshot.sharing("dup_key", keys, at_least=3, limit=10)
        assert [doc_id for doc_id, _ in shared][:1] == ["a"] and shared[0][1] == LSH_KEYS
        assert {doc_id for doc_id, _ in shared} <= {"a", "b"}
        other = dup_keys(sketch(OTHER))
        assert sharing_many(snapshot, "dup_key", [keys, other, keys[:2]], at_least=3, limit=10) == [
            shared, snapshot.sharing("dup_key", other, at_least=3, limit=10), []]
        assert "sketch" not in (ix.get("a") or {})


def test_deleting_and_changing_documents_keeps_groups_right(tmp_path: Path) -> None:
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
        hit = next(h for h in search(ix, "المنتخب العراقي").hits)
        assert {hit.id, *(d.id for d in hit.duplicates)} == {"b", "x"}
        assert counted(ix) == recounted(ix) == (1, 2)
        ix.delete(["x"])
        assert counted(ix) == recounted(ix) == (0, 0)
        assert search(ix, "المنتخب العراقي").hits[0].duplicates == ()


def test_a_cancelled_writer_leaves_no_trace_in_the_groups(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as ix:
        ix.add([doc("a", STORY)])
        with pytest.raises(RuntimeError):
            with ix.writer() as w:
                w.add(ix_document("b", copy_of(STORY)))
                raise RuntimeError
        ix.add([doc("c", copy_of(STORY))])
        assert groups_of(ix) == {"a": "a", "c": "a"}


def ix_document(doc_id: str, content: str) -> Any:
    from arsearch.index import document_from_dict

    return document_from_dict(doc(doc_id, content))


def write_corpus(folder: Path, records: list[dict[str, Any]], name: str = "news.jsonl") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def test_reindexing_a_folder_with_new_changed_and_deleted_files(tmp_path: Path) -> None:
    news = tmp_path / "news"
    write_corpus(news, [doc("a", STORY), doc("c", OTHER)], "one.jsonl")
    write_corpus(news, [doc("b", copy_of(STORY))], "two.jsonl")
    with Index.create(tmp_path / "ix") as ix:
        index_paths(ix, [news])
        assert groups_of(ix) == {"a": "a", "b": "a", "c": "c"}
        index_paths(ix, [news])  # unchanged: nothing moves
        assert groups_of(ix) == {"a": "a", "b": "a", "c": "c"}
        write_corpus(news, [doc("d", copy_of(OTHER))], "three.jsonl")  # new file
        write_corpus(news, [doc("b", words(2))], "two.jsonl")  # changed file
        index_paths(ix, [news])
        assert groups_of(ix) == {"a": "a", "b": "b", "c": "c", "d": "c"}
        (news / "one.jsonl").unlink()  # deleted file
        index_paths(ix, [news])
        assert groups_of(ix) == {"b": "b", "d": "c"}
        assert search(ix, "المنتخب").hits[0].duplicates == ()


def test_worker_processes_group_as_one_process_does(tmp_path: Path) -> None:
    records = [doc(f"s{n}", words(n)) for n in range(450)]
    records += [doc(f"c{n}", copy_of(words(n), "واس - ")) for n in range(0, 450, 9)]
    write_corpus(tmp_path / "news", records)
    grouped = []
    for procs in (1, 2):
        with Index.create(tmp_path / f"ix{procs}") as ix:
            index_paths(ix, [tmp_path / "news"], procs=procs, batch_size=300)
            grouped.append(groups_of(ix))
        assert counted(ix) == recounted(ix) == (50, 100)
    assert grouped[0] == grouped[1]
    assert all(grouped[0][f"c{n}"] == f"s{n}" for n in range(0, 450, 9))
    assert sum(1 for doc_id, label in grouped[0].items() if doc_id != label) == 50


# collapsing at query time ----------------------------------------------------------------------------------


@pytest.fixture
def copies_index(tmp_path: Path) -> Index:
    index = Index.create(tmp_path / "ix")
    records = [doc("a", STORY, "spa"), doc("b", copy_of(STORY), "okaz"), doc("c", copy_of(STORY, "جدة - "), "sabq")]
    records += [doc(f"o{n}", f"وزارة الصحة {words(n, 20)}", "alriyadh") for n in range(6)]
    index.add(records)
    return index


def test_search_collapses_copies_and_pages_over_groups(copies_index: Index) -> None:
    collapsed = search(copies_index, "وزارة الصحة", limit=100)
    every = search(copies_index, "وزارة الصحة", limit=100, collapse=False)
    assert len(every.hits) == every.total == collapsed.total == 9  # total counts documents, copies included
    assert len(collapsed.hits) == 7
    story = next(h for h in collapsed.hits if h.group == "a")
    assert {story.id, *(d.id for d in story.duplicates)} == {"a", "b", "c"}
    assert story.id == next(h.id for h in every.hits if h.group == "a")  # the best-scoring copy
    assert {d.source for d in story.duplicates} == {"spa", "okaz", "sabq"} - {story.source}
    pages = [search(copies_index, "وزارة الصحة", limit=2, offset=o).hits for o in range(0, 8, 2)]
    assert [h.id for page in pages for h in page] == [h.id for h in collapsed.hits]
    assert [h.rank for page in pages for h in page] == list(range(1, 8))


def test_hit_json_gains_group_keys(copies_index: Index) -> None:
    hit = next(h for h in search(copies_index, "وزارة الصحة").hits if h.group == "a").to_dict()
    assert list(hit)[:10] == ["id", "title", "score", "snippet", "date", "source", "url", "path", "rank",
                              "highlights"]
    assert hit["group"] == "a" and hit["duplicate_count"] == 2
    assert all(set(d) == {"id", "source", "date"} for d in hit["duplicates"])


def test_an_index_of_a_format_without_the_keys_must_be_rebuilt(tmp_path: Path) -> None:
    Index.create(tmp_path / "ix").close()
    meta = json.loads((tmp_path / "ix" / META_FILE).read_text(encoding="utf-8"))
    (tmp_path / "ix" / META_FILE).write_text(json.dumps({**meta, "format": 3}), encoding="utf-8")
    with pytest.raises(IndexFormatError) as raised:
        Index.open(tmp_path / "ix")
    assert raised.value.rebuild


def test_counts_lost_in_a_crash_are_counted_again(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as ix:
        ix.add([doc("a", STORY), doc("b", copy_of(STORY)), doc("c", OTHER)])
        meta = (tmp_path / "ix" / META_FILE).read_text(encoding="utf-8")
        ix.add([doc("d", copy_of(OTHER)), doc("e", copy_of(STORY, "جدة - "))])
        ix.delete(["a"])
        (tmp_path / "ix" / META_FILE).write_text(meta, encoding="utf-8")  # as if it died before the metadata
    with Index.open(tmp_path / "ix") as ix:
        assert counted(ix) == recounted(ix) == (2, 4)
        ix.add([doc("f", words(5))])
        assert counted(ix) == (2, 4)


def test_cli_collapses_and_all_shows_every_copy(copies_index: Index, arsearch: Any) -> None:
    path = copies_index.path
    copies_index.close()
    text = arsearch("query", "الإنفلونزا", "--index", path)
    assert text.returncode == 0, text.stderr
    assert "+2 similar from: " in text.stdout and "3 hits (showing 1–1)" in text.stdout
    assert "copies folded into their story, --all lists them" in text.stdout
    collapsed = json.loads(arsearch("query", "وزارة الصحة", "--index", path, "-n", "50", "--json").stdout)
    every = json.loads(arsearch("query", "وزارة الصحة", "--index", path, "-n", "50", "--json", "--all").stdout)
    assert len(collapsed) == 7 and len(every) == 9
    listed = arsearch("query", "الإنفلونزا", "--index", path, "--all").stdout
    assert "similar from" not in listed and "copies folded" not in listed and "3 hits (showing 1–3)" in listed


def test_a_full_word_table_starts_again_without_changing_the_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    from arsearch.index import near_duplicates

    before = sketch(STORY)
    monkeypatch.setattr(near_duplicates, "_TABLE_LIMIT", 5)
    near_duplicates._WORDS.clear()
    assert sketch(STORY) == before  # learned again, the table starting again at each fifth word
    assert len(near_duplicates._WORDS) <= 5


def test_candidates_are_the_documents_sharing_the_most_keys_ranked_by_id_key_with_their_sketches(
        tmp_path: Path) -> None:
    """Every engine ranks candidates the same way, with every document tied at the limit known (many are here,
    more than a look-up fetches beyond its limit), and gives their sketches and labels as written."""
    rng = random.Random(5)
    keys = [f"k{n}" for n in range(8)]
    written: dict[str, tuple[set[str], tuple[int, ...], str]] = {}
    with Index.create(tmp_path / "ix") as ix:
        writer = ix.engine.writer()
        for n in range(300):
            held = rng.sample(keys, rng.choice((2, 3, 3, 3, 4, 6)))
            values = tuple(sorted(rng.sample(range(1 << 32), rng.choice((0, 1, 9, 64)))))
            doc_id, label = f"d{n}", f"g{n % 7}"
            writer.add(StoredDocument(Document(doc_id, "نص قصير"), group=label, sketch=sketch_bytes(values),
                                      keywords={"dup_key": held}), replace=False)
            written[doc_id] = (set(held), values, label)
        writer.commit()
        snapshot = ix.engine.snapshot()
        asked = [keys[:5], keys[3:], keys[:3]]
        for limit in (1, 5, 16, 200):
            answers = candidates_many(snapshot, "dup_key", asked, at_least=3, limit=limit)
            for terms, answer in zip(asked, answers):
                shared = {doc_id: len(held & set(terms)) for doc_id, (held, _, _) in written.items()}
                expected = sorted((doc_id for doc_id, count in shared.items() if count >= 3),
                                  key=lambda doc_id: (-shared[doc_id], text_key(doc_id)))[:limit]
                assert [(c.key, c.shared, c.sketch) for c in answer] == [
                    (text_key(doc_id), shared[doc_id], written[doc_id][1]) for doc_id in expected]
                assert [candidate_label(snapshot, c) for c in answer] == [written[d][2] for d in expected]
        assert len([d for d, (held, _, _) in written.items() if len(held & set(keys[:5])) == 3]) > 45


def test_a_document_read_without_its_sketch_has_every_other_field(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as ix:
        ix.add([doc("a", STORY)])
        snapshot = ix.engine.snapshot()
        whole = snapshot.get("a")
        assert whole is not None and whole.pop("sketch") == sketch_bytes(sketch(STORY))
        assert snapshot.get("a", sketch=False) == whole == ix.get("a")
