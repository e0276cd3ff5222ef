"""Progress of an indexing run moves within a file: by the bytes of the documents written so far."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from rich.console import Console

import arsearch.interfaces.cli as cli
from arsearch.index import Index
from arsearch.ingest import index_paths
from arsearch.ingest.run import Progress
from helpers import write_corpus

DOCUMENTS = 600


@pytest.fixture
def one_big_file(tmp_path: Path) -> Path:
    write_corpus(tmp_path / "corpus", DOCUMENTS, per_file=DOCUMENTS)
    (path,) = (tmp_path / "corpus").iterdir()
    return path


def run_with_progress(index_dir: Path, path: Path, **options: object) -> list[Progress]:
    seen: list[Progress] = []
    with Index.create(index_dir) as ix:
        index_paths(ix, [path], progress=seen.append, **options)  # type: ignore[arg-type]
    return seen


def assert_moves_steadily(seen: list[Progress], total: int) -> None:
    done = [p.bytes_done for p in seen]
    assert {p.bytes_total for p in seen} == {total}
    assert done == sorted(done), "progress never goes back"
    assert len({d for d in done if 0 < d < total}) >= 5, done
    assert done[-1] == total


def test_progress_moves_within_one_file(tmp_path: Path, one_big_file: Path) -> None:
    seen = run_with_progress(tmp_path / "ix", one_big_file)
    assert_moves_steadily(seen, one_big_file.stat().st_size)
    writing = [p for p in seen if p.phase == "writing"]
    assert writing and all(0 < p.bytes_done <= p.bytes_total for p in writing)
    # the bytes follow the documents written: half the documents, about half the bytes
    half = min(writing, key=lambda p: abs(p.documents - DOCUMENTS // 2))
    assert 0.4 < half.bytes_done / half.bytes_total < 0.6, half


def test_progress_moves_with_each_batch_of_a_file(tmp_path: Path, one_big_file: Path) -> None:
    seen = run_with_progress(tmp_path / "ix", one_big_file, batch_size=100)
    assert_moves_steadily(seen, one_big_file.stat().st_size)


def test_progress_moves_by_the_members_of_a_zip(tmp_path: Path, one_big_file: Path) -> None:
    archive = tmp_path / "corpus.zip"
    lines = one_big_file.read_text(encoding="utf-8").splitlines(keepends=True)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for n in range(4):
            zf.writestr(f"part-{n}.jsonl", "".join(lines[n::4]))
    seen = run_with_progress(tmp_path / "ix", archive, batch_size=150)
    assert_moves_steadily(seen, archive.stat().st_size)


@pytest.mark.engine_independent
def test_the_bar_shows_documents_per_second_and_the_time_left(tmp_path: Path, one_big_file: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    screen = io.StringIO()
    monkeypatch.setattr(cli, "err", Console(file=screen, force_terminal=True, width=120))
    bar = cli._progress(as_json=False)
    assert not bar.disable and cli._progress(as_json=True).disable
    with bar:
        task = bar.add_task("writing", total=1000, completed=500, docs=300, rate=150.0)
        bar.update(task, completed=600)
        bar.refresh()
    shown = screen.getvalue()
    assert "300 docs" in shown and "150 docs/s" in shown and "ETA" in shown


@pytest.mark.engine_independent
def test_no_bar_when_stderr_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "err", Console(file=io.StringIO()))
    assert cli._progress(as_json=False).disable
