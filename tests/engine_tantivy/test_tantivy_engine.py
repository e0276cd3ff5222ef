"""What only the tantivy engine has: its version fence, the extra it needs, its schema check, the analyzer's terms
and positions, its worker processes, and how the CLI chooses it."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from helpers import ROOT, SEEDS, assert_one_line_error, cli_command, cli_env

from arsearch import Index, index_paths
from arsearch.analysis import Analyzer, AnalyzerSettings
from arsearch.documents import Document
from arsearch.engine import engine_kind
from arsearch.engine.api import Layout, Phrase, SearchRequest, StoredDocument, Term
from arsearch.engine.candidates import sketch_bytes
from arsearch.errors import EngineUnavailableError, IndexFormatError

tantivy_engine = pytest.importorskip("arsearch.engine.tantivy", reason="the fast extra (tantivy) is not installed")


def test_the_installed_tantivy_is_a_checked_release() -> None:
    import tantivy

    tantivy_engine.check_version(tantivy.__version__)
    series = tantivy_engine.TANTIVY_VERSIONS
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert all(any(d.startswith(f"tantivy>={s},<") for d in extras["fast"]) for s in series)


@pytest.mark.parametrize("found", ["tantivy v0.26.0, index_format v6", "tantivy v0.28.1", "", "1.0"])
def test_another_release_is_refused_with_the_install_command(found: str) -> None:
    with pytest.raises(ImportError, match=r"the fast extra"):
        tantivy_engine.check_version(found)


def test_without_the_extra_the_engine_is_unavailable_with_the_install_command(
        monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m == "tantivy" or m.startswith(("tantivy.", "arsearch.engine.tantivy"))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "tantivy", None)  # import tantivy raises ImportError
    with pytest.raises(EngineUnavailableError, match=r"the fast extra"):  # the CLI adds how to install it
        engine_kind("tantivy")


def _layout() -> Layout:
    return Layout(AnalyzerSettings())


def test_terms_and_positions_are_the_analyzers(tmp_path: Path) -> None:
    text = "وزارة الصحة تعلن حملة تطعيم في الرياض، وزارة الصحة " * 3
    engine = engine_kind("tantivy").create(tmp_path / "ix", _layout())
    writer = engine.writer()
    writer.add(StoredDocument(Document("a", text, title="حملة الصحة")))
    writer.commit()
    analyzer = Analyzer(AnalyzerSettings())
    snapshot = engine.snapshot()
    for field, value in (("title", "حملة الصحة"), ("content", text)):
        terms = analyzer.index_terms(value)
        assert [term for term, _ in snapshot.terms(field)] == sorted(set(terms))  # stopwords included
    words = tuple(analyzer.query_terms("الصحة تعلن"))
    for phrase, found in ((words, ["a"]), (tuple(reversed(words)), [])):  # phrases read positions
        response = snapshot.search(SearchRequest(Phrase("content", phrase)))
        assert [hit.id for hit in response.hits] == found
    engine.close()


#: The fields of the tantivy indexes arsearch wrote before the request-level contract (index format 3).
_PREVIOUS_FIELDS = ("title", "title_utf8", "content", "content_utf8", "author", "author_utf8", "id", "url", "path",
                    "fingerprint", "group", "source", "source_names", "source_set", "source_key", "date", "sketch")


def test_an_index_of_the_previous_schema_asks_for_a_rebuild_in_one_line(tmp_path: Path) -> None:
    import tantivy

    builder = tantivy.SchemaBuilder()
    for name in _PREVIOUS_FIELDS:
        if name in ("date", "source_key"):
            builder.add_unsigned_field(name, stored=name == "date", indexed=name == "date", fast=True)
        elif name.endswith("_utf8") or name == "sketch":
            builder.add_bytes_field(name, stored=True)
        else:
            builder.add_text_field(name, tokenizer_name="raw")
    (tmp_path / "ix").mkdir()
    tantivy.Index(builder.build(), path=str(tmp_path / "ix"))
    with pytest.raises(IndexFormatError) as raised:
        engine_kind("tantivy").open(tmp_path / "ix", _layout())
    assert raised.value.rebuild
    assert "\n" not in str(raised.value) and "another version of arsearch" in str(raised.value)


def test_a_tantivy_folder_of_other_fields_asks_for_a_rebuild(tmp_path: Path) -> None:
    kind = engine_kind("tantivy")
    kind.create(tmp_path / "ix", _layout()).close()
    meta = tmp_path / "ix" / "meta.json"
    data = json.loads(meta.read_text(encoding="utf-8"))
    data["schema"] = [f for f in data["schema"] if f["name"] != "group_key"]
    meta.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(IndexFormatError, match="group_key") as raised:
        kind.open(tmp_path / "ix", _layout())
    assert raised.value.rebuild


def test_an_index_whose_keyword_terms_are_split_otherwise_asks_for_a_rebuild(tmp_path: Path) -> None:
    # the indexes written before the keyword fields were whitespace-tokenized: the same fields, each term a value
    kind = engine_kind("tantivy")
    kind.create(tmp_path / "ix", _layout()).close()
    meta = tmp_path / "ix" / "meta.json"
    data = json.loads(meta.read_text(encoding="utf-8"))
    for field in data["schema"]:
        if field["name"] in ("word_key", "spelling", "dup_key"):
            field["options"]["indexing"]["tokenizer"] = "raw"
    meta.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(IndexFormatError, match="dup_key, spelling, word_key") as raised:
        kind.open(tmp_path / "ix", _layout())
    assert raised.value.rebuild
    assert "\n" not in str(raised.value)


def test_keyword_terms_with_a_space_are_found_as_given(tmp_path: Path) -> None:
    engine = engine_kind("tantivy").create(tmp_path / "ix", _layout())
    writer = engine.writer()
    spellings = {"d1": ["احمد أحمد", "احمد احمد", "مدرسه مدرسة"], "d2": ["احمد أحمد"], "d3": ["احمدي أحمدي"]}
    for doc_id, terms in spellings.items():
        writer.add(StoredDocument(Document(doc_id, "نص"), keywords={"spelling": terms, "word_key": ["احمد"]}))
    writer.commit()
    snapshot = engine.snapshot()
    assert snapshot.terms("spelling", prefix="احمد ") == [("احمد أحمد", 2), ("احمد احمد", 1)]
    assert snapshot.terms("spelling") == sorted([("احمد أحمد", 2), ("احمد احمد", 1), ("احمدي أحمدي", 1),
                                                 ("مدرسه مدرسة", 1)])
    assert snapshot.doc_frequency("spelling", "احمد أحمد") == 2
    assert snapshot.doc_frequencies([("spelling", "مدرسه مدرسة"), ("spelling", "مدرسه"), ("word_key", "احمد")]) \
        == [1, 0, 3]
    found = snapshot.search(SearchRequest(Term("spelling", "احمد أحمد"), limit=10, members=False, content=False))
    assert sorted(hit.id for hit in found.hits) == ["d1", "d2"]
    engine.close()


def test_look_up_keys_of_every_form_are_found_as_given(tmp_path: Path) -> None:
    # tantivy holds a 32-bit number in base 64; every other text is held as it is, and read back the same
    keys = ["0", "7", "4294967295", "4294967296", "007", "k 1", "=x", "١٢"]
    engine = engine_kind("tantivy").create(tmp_path / "ix", _layout())
    writer = engine.writer()
    for n in range(3):
        writer.add(StoredDocument(Document(f"d{n}", "نص"), keywords={"dup_key": keys[n:]}))
    writer.commit()
    snapshot = engine.snapshot()
    assert snapshot.terms("dup_key") == sorted((key, min(keys.index(key) + 1, 3)) for key in keys)
    assert snapshot.doc_frequencies([("dup_key", key) for key in keys]) == [1, 2, 3, 3, 3, 3, 3, 3]
    assert snapshot.doc_frequency("dup_key", "42") == 0
    assert snapshot.sharing("dup_key", ["0", "7", "4294967295", "5"], at_least=2, limit=5) == [("d0", 3), ("d1", 2)]
    engine.close()


def test_worker_processes_encode_documents_with_their_keywords(tmp_path: Path) -> None:
    engine = engine_kind("tantivy").create(tmp_path / "ix", _layout())
    writer = engine.writer(procs=2)
    for n in range(300):
        writer.add(StoredDocument(Document(f"d{n}", f"خبر رقم {n} عن الرياض"), group=f"g{n % 7}",
                                  keywords={"dup_key": [f"k{n % 5}"], "word_key": ["خب"]}))
    writer.commit()
    snapshot = engine.snapshot()
    assert snapshot.doc_count() == 300
    assert snapshot.terms("dup_key") == [(f"k{n}", 60) for n in range(5)]
    assert snapshot.doc_frequency("group", "g0") == 43
    engine.settle()
    engine.close()


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli_command(*args), env=cli_env(), capture_output=True, text=True, timeout=120)


def test_the_cli_creates_either_engine_and_keeps_it(tmp_path: Path) -> None:
    index = tmp_path / "ix"
    assert run("index", SEEDS, "--index", index, "--engine", "tantivy").returncode == 0
    stats = json.loads(run("stats", "--index", index, "--json").stdout)
    assert stats["engine"] == "tantivy" and stats["documents"] == 2
    assert run("index", SEEDS, "--index", index).returncode == 0  # no --engine: the index's own
    hits = json.loads(run("query", "كونيكو", "--index", index, "--json").stdout)
    assert len(hits) == 2
    other = run("index", SEEDS, "--index", index, "--engine", "whoosh")
    assert other.returncode == 4
    assert_one_line_error(other.stderr, "tantivy index", "--rebuild")
    rebuilt = run("index", SEEDS, "--index", index, "--engine", "whoosh", "--rebuild")
    assert rebuilt.returncode == 0
    assert json.loads(run("stats", "--index", index, "--json").stdout)["engine"] == "whoosh"


def test_an_unknown_engine_is_one_line(tmp_path: Path) -> None:
    result = run("index", SEEDS, "--index", tmp_path / "ix", "--engine", "lucene")
    assert result.returncode == 2
    assert_one_line_error(result.stderr, "'lucene' is not one of 'whoosh', 'tantivy'")
    assert not (tmp_path / "ix").exists()


@pytest.mark.parametrize("guarded", [True, False])
def test_a_script_that_indexes_with_worker_processes_ends(tmp_path: Path, guarded: bool) -> None:
    """A script that indexes with worker processes finishes; without an ``if __name__ == "__main__"`` guard (the
    workers, started by the standard library's executor, import the script) it fails with an error that says
    so, instead of starting workers for ever."""
    folder = tmp_path / "docs"
    folder.mkdir()
    lines = [json.dumps({"id": f"d{n}", "content": f"خبر رقم {n} عن الرياض وجدة"}, ensure_ascii=False)
             for n in range(600)]
    (folder / "docs.jsonl").write_text("\n".join(lines), encoding="utf-8")
    script = tmp_path / "script.py"
    body = (f"with Index.create({str(tmp_path / 'ix')!r}, engine='tantivy') as ix:\n"
            f"    print(index_paths(ix, [{str(folder)!r}], procs=2).indexed)\n")
    if guarded:
        body = "if __name__ == '__main__':\n" + "".join(f"    {line}\n" for line in body.splitlines())
    script.write_text("from arsearch import Index\nfrom arsearch.ingest import index_paths\n" + body,
                      encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], env=cli_env(), capture_output=True, text=True, timeout=180)
    if not guarded:
        assert done.returncode != 0 and "__name__" in done.stderr.splitlines()[-1]
        return
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "600"
    with Index.open(tmp_path / "ix") as ix:
        assert ix.document_count() == 600


def test_a_run_of_batches_shares_one_tantivy_writer_and_lets_go_of_its_lock_at_the_end(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}.jsonl").write_text("".join(
            json.dumps({"id": f"{n}-{k}", "content": f"خبر رقم {k} من الملف {n} عن وزارة الصحة"}) + "\n"
            for k in range(20)), encoding="utf-8")
    index = Index.create(tmp_path / "ix", engine="tantivy")
    engine, fresh = index.engine, []
    original = engine.tantivy_writer  # type: ignore[attr-defined]

    def tantivy_writer(heap: int, threads: int) -> object:
        fresh.append(engine._kept is None)  # type: ignore[attr-defined]
        return original(heap, threads)

    engine.tantivy_writer = tantivy_writer  # type: ignore[attr-defined]
    assert index_paths(index, [folder], batch_size=10).added == 60
    # six commits, one tantivy writer: its merges ran on while the next batch was written
    assert fresh == [True, False, False, False, False, False]
    other = Index.open(tmp_path / "ix")  # another process would see tantivy's lock free, as this one does
    other.add([Document("late", "خبر أخير")])
    assert other.document_count() == 61 and index.document_count() == 61


def test_remembered_generations_and_frequencies_follow_each_commit(tmp_path: Path) -> None:
    engine = engine_kind("tantivy").create(tmp_path / "ix", _layout())
    writer = engine.writer()
    writer.add(StoredDocument(Document("a", "وزارة الصحة تعلن حملة تطعيم", title="حملة")))
    writer.commit()
    first, snapshot = engine.generation(), engine.snapshot()
    term = Analyzer(AnalyzerSettings()).query_terms("حملة")[0]
    assert engine.generation() == first
    assert snapshot.doc_frequency("content", term) == snapshot.doc_frequency("content", term) == 1
    writer = engine.writer()
    writer.add(StoredDocument(Document("b", "حملة ثانية", title="خبر")))
    writer.commit()
    assert engine.generation() != first
    assert not snapshot.is_current()
    assert engine.snapshot().doc_frequency("content", term) == 2
    assert snapshot.doc_frequency("content", term) == 1  # an older snapshot keeps its own counts
    engine.close()


def test_sketch_columns_give_back_every_sketch() -> None:
    """The sketch columns of documents of every sketch length (none, odd, even, full; any 32-bit value) read back
    as the sketches, read together as a batch's candidates are."""
    from arsearch.engine.tantivy.schema import SKETCH_COLUMNS, SKETCH_SIZE, sketch_columns, sketches_of

    rng = random.Random(3)
    sketches = [tuple(sorted(rng.sample(range(1 << 32), size))) for size in (0, 1, 2, 9, 63, 64, 64, 17)]
    sketches.append((0, (1 << 32) - 1))
    columns = [sketch_columns(sketch_bytes(sketch)) for sketch in sketches]
    assert all(set(found) == {SKETCH_SIZE, *SKETCH_COLUMNS} for found in columns)
    sizes = [found[SKETCH_SIZE] for found in columns]
    read = [[found[name] for found in columns] for name in SKETCH_COLUMNS]
    assert sketches_of(sizes, read) == sketches
    assert sketches_of(sizes[:1], [column[:1] for column in read[:0]]) == [()]
