"""A full disk: ``arsearch index`` into a folder on a 1 MiB tmpfs fails with one line saying what was kept, with
one worker process or several (whose failure once hung the run), and the index still opens with everything
committed before.  Needs root and ``mount`` (CI runs as root); skipped where mounting is not allowed."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from arsearch import Index, search
from arsearch.documents import Document
from helpers import Run, assert_one_line_error, write_corpus

SMALL, BIG = 50, 2000  # the big corpus's index does not fit in 1 MiB


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "disk"
    folder.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root and mount")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], capture_output=True,
                             text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("disk-full")
    (root / "small").mkdir()
    (root / "small" / "old.jsonl").write_text("".join(
        json.dumps({"id": f"old-{n}", "content": f"خبر قديم عن الطقس oldmarker{n}", "source": "old"}) + "\n"
        for n in range(SMALL)), encoding="utf-8")
    write_corpus(root / "big", BIG, 1000, seed=1)
    return root / "small", root / "big"


def committed_by_run(stderr: str) -> int:
    found = re.search(r"(\d+) documents committed by this run are kept", stderr)
    assert found, stderr
    return int(found.group(1))


@pytest.mark.parametrize(("procs", "batch_size"), [(2, 5000), (1, 100)])
def test_indexing_onto_a_full_disk_fails_with_one_line_and_keeps_every_commit(
        small_disk: Path, corpora: tuple[Path, Path], arsearch: Run, procs: int, batch_size: int) -> None:
    small, big = corpora
    index = small_disk / "ix"
    assert arsearch("index", small, "--index", index).returncode == 0
    full = arsearch("index", big, "--index", index, "--procs", procs, "--batch-size", batch_size, timeout=60)
    assert full.returncode == 1
    assert_one_line_error(full.stderr, "cannot write to the index", "No space left on device", "was discarded")
    kept = committed_by_run(full.stderr)
    assert kept < BIG and (kept > 0) == (batch_size < BIG)  # small batches: some commits fit before the disk filled
    with Index.open(index) as ix:
        assert ix.document_count() == SMALL + kept
        assert search(ix, "source:old", limit=1).total == SMALL
        assert search(ix, "source:generated", limit=1).total == kept
        assert [h.id for h in search(ix, "oldmarker7").hits] == ["old-7"]


def test_a_failed_commit_releases_the_writer(small_disk: Path) -> None:
    """In a long-lived process (a server): after a commit fails on a full disk, the next writer can start."""
    with Index.create(small_disk / "ix") as ix:
        ix.add([Document(id="kept", content="خبر محفوظ")])
        with pytest.raises(OSError, match="No space left"), ix.writer() as writer:
            for n in range(BIG):  # adding writes stored fields already: the disk may fill here or in the commit
                writer.add(Document(id=f"n{n}", content=f"نص طويل عن الأمطار والسيول رقم {n} " * 20))
        ix.writer().cancel()  # neither arsearch's lock nor Whoosh's is still held
        assert ix.document_count() == 1 and ix.get("kept") is not None
