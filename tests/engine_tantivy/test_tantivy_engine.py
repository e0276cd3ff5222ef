"""What only the tantivy engine has: its version fence, the extra it needs, its schema check, pre-tokenized terms
equal to the Whoosh engine's, and how the CLI chooses it."""

from __future__ import annotations

import json
import subprocess
from base64 import b64decode
import sys
from pathlib import Path

import pytest

from helpers import ROOT, SEEDS, assert_one_line_error, cli_command, cli_env

from arsearch import Index, index_paths
from arsearch.documents import Document
from arsearch.engine import engine_kind
from arsearch.engine.api import LEAD_WORDS, Layout
from arsearch.errors import EngineUnavailableError, IndexFormatError

tantivy_engine = pytest.importorskip("arsearch.engine.tantivy", reason="the fast extra (tantivy) is not installed")


def test_the_installed_tantivy_is_a_checked_release() -> None:
    import tantivy

    tantivy_engine.check_version(tantivy.__version__)
    series = tantivy_engine.TANTIVY_VERSIONS
    assert all(f'"tantivy>={s},<' in (ROOT / "pyproject.toml").read_text(encoding="utf-8") for s in series)


@pytest.mark.parametrize("found", ["tantivy v0.26.0, index_format v6", "tantivy v0.28.1", "", "1.0"])
def test_another_release_is_refused_with_the_install_command(found: str) -> None:
    with pytest.raises(ImportError, match=r"pip install 'arsearch\[fast\]'"):
        tantivy_engine.check_version(found)


def test_without_the_extra_the_engine_is_unavailable_with_the_install_command(
        monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m == "tantivy" or m.startswith(("tantivy.", "arsearch.engine.tantivy"))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "tantivy", None)  # import tantivy raises ImportError
    with pytest.raises(EngineUnavailableError, match=r"pip install 'arsearch\[fast\]'"):
        engine_kind("tantivy")


def test_terms_and_positions_are_the_whoosh_engines(tmp_path: Path) -> None:
    text = "وزارة الصحة تعلن حملة تطعيم في الرياض، وزارة الصحة " * 3
    document = Document("a", text, title="حملة الصحة")
    for engine in ("whoosh", "tantivy"):
        with Index.create(tmp_path / engine, engine=engine) as ix:
            ix.add([document])
    with Index.open(tmp_path / "whoosh") as whoosh, Index.open(tmp_path / "tantivy") as tantivy:
        for field in ("title", "content"):
            assert tantivy.snapshot().field_terms(field) == whoosh.snapshot().field_terms(field)
        words = tuple(tantivy.analyzer.query_terms("الصحة تعلن"))
        for ix in (whoosh, tantivy):  # phrases read positions
            assert ix.snapshot().matching(_phrase("content", words)) == {0}
            assert ix.snapshot().matching(_phrase("content", tuple(reversed(words)))) == set()


def _phrase(field: str, words: tuple[str, ...]):  # type: ignore[no-untyped-def]
    from arsearch.engine.api import Phrase

    return Phrase(field, words)


def test_a_lead_term_counts_one_more_time_per_lead_weight() -> None:
    from arsearch.analysis import Analyzer, AnalyzerSettings
    from arsearch.engine.api import StoredDocument
    from arsearch.engine.tantivy.schema import DocumentEncoder

    words = ["كلمة"] + ["حشو"] * (LEAD_WORDS + 5) + ["كلمة"]
    encoder = DocumentEncoder(Layout(AnalyzerSettings(), lead_weight=4.0, groups=False))
    record = json.loads(encoder.encode(StoredDocument(Document("a", " ".join(words)))))
    term, filler = (Analyzer(AnalyzerSettings()).query_terms(w)[0] for w in ("كلمة", "حشو"))
    tokens = record["content"].split()
    # in the lead each term 1 + 4 times in a row; after it once: the frequency the Whoosh engine gives
    assert tokens == [term] * 5 + [filler] * 5 * (LEAD_WORDS - 1) + [filler] * 6 + [term]
    assert b64decode(record["content_utf8"]).decode() == " ".join(words)  # the original text is what is stored


def test_a_tantivy_folder_of_other_fields_asks_for_a_rebuild(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix", engine="tantivy"):
        pass
    meta = tmp_path / "ix" / "meta.json"
    data = json.loads(meta.read_text(encoding="utf-8"))
    data["schema"] = [f for f in data["schema"] if f["name"] != "source_key"]
    meta.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(IndexFormatError, match="source_key") as raised:
        Index.open(tmp_path / "ix")
    assert raised.value.rebuild


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
    assert_one_line_error(result.stderr, "unknown engine 'lucene'", "whoosh or tantivy")
    assert not (tmp_path / "ix").exists()


def test_worker_processes_do_not_run_an_unguarded_script_again(tmp_path: Path) -> None:
    """A script with no ``if __name__ == "__main__"`` guard that indexes with worker processes finishes: the
    workers start without the caller's ``__main__`` (spawned workers that imported it would index again, and die,
    for ever)."""
    folder = tmp_path / "docs"
    folder.mkdir()
    lines = [json.dumps({"id": f"d{n}", "content": f"خبر رقم {n} عن الرياض وجدة"}, ensure_ascii=False)
             for n in range(600)]
    (folder / "docs.jsonl").write_text("\n".join(lines), encoding="utf-8")
    script = tmp_path / "unguarded.py"
    script.write_text(
        "from arsearch import Index\nfrom arsearch.ingest import index_paths\n"
        f"with Index.create({str(tmp_path / 'ix')!r}, engine='tantivy') as ix:\n"
        f"    print(index_paths(ix, [{str(folder)!r}], procs=2).indexed)\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], env=cli_env(), capture_output=True, text=True, timeout=180)
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
    with Index.create(tmp_path / "ix", engine="tantivy") as ix:
        ix.add([Document("a", "وزارة الصحة تعلن حملة تطعيم", title="حملة")])
        first, snapshot = ix.engine.generation(), ix.snapshot()
        term = ix.analyzer.query_terms("حملة")[0]
        assert ix.engine.generation() == first
        assert snapshot.doc_frequency("content", term) == snapshot.doc_frequency("content", term) == 1
        ix.add([Document("b", "حملة ثانية", title="خبر")])
        assert ix.engine.generation() != first
        assert ix.snapshot().doc_frequency("content", term) == 2
        assert snapshot.doc_frequency("content", term) == 1  # an older snapshot keeps its own counts
