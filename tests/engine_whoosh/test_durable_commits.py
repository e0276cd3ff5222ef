"""Durable commits on the Whoosh engine.

strace shows the system calls of a real commit: every file of the new segment and the new table of contents is
fsync'ed before the TOC is renamed into place, the folder after. A writer killed
before each fsync and rename of a commit, and right after it, with the data of every file it had not fsync'ed
thrown away (what a power loss does to the page cache), leaves an index that opens with its last complete
commit; without fsyncs the same model loses the index, which shows the model can tell.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from helpers import cli_env
from news_queries import words

from arsearch.analysis import AnalyzerSettings
from arsearch.documents import Document
from arsearch.engine import engine_kind
from arsearch.engine.api import Engine, Layout, SearchRequest, StoredDocument

LAYOUT = Layout(AnalyzerSettings())

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or not hasattr(signal, "SIGKILL"),
                                reason="needs fork and POSIX signals")

_SYSCALL = re.compile(r'^\d+\s+(fsync|fdatasync)\(\d+<(?P<synced>[^>]*)>\)|'
                      r'^\d+\s+rename(?:at2?)?\((?:[^,]*, )?"(?P<old>[^"]+)", (?:[^,]*, )?"(?P<new>[^"]+)"')
_DRIVER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from arsearch.analysis import AnalyzerSettings
    from arsearch.documents import Document
    from arsearch.engine import engine_kind
    from arsearch.engine.api import Layout, StoredDocument
    Path(sys.argv[1]).mkdir()
    engine = engine_kind("whoosh").create(Path(sys.argv[1]), Layout(AnalyzerSettings()))
    writer = engine.writer(durable=sys.argv[2] == "on", procs=int(sys.argv[3]))
    for n in range(40):
        writer.add(StoredDocument(Document(id=f"d{n}", content=f"نص الخبر رقم {n} marker{n}")))
    writer.commit()
""")


def docs(prefix: str, count: int) -> list[Document]:
    return [Document(id=f"{prefix}{n}", content=f"خبر عن الأمطار في الرياض {prefix}marker{n}") for n in range(count)]


def traced_commit(tmp_path: Path, durable: str, procs: int) -> tuple[list[tuple[str, str]], Path]:
    """The fsyncs and renames (in order, all processes) of creating an index and committing 40 documents."""
    if shutil.which("strace") is None:
        pytest.skip("strace is not installed (Debian package strace)")
    index, log = tmp_path / "ix", tmp_path / "strace.log"
    run = subprocess.run(["strace", "-f", "-y", "-qq", "-o", str(log), "-e", "trace=fsync,fdatasync,rename,renameat,"
                          "renameat2", sys.executable, "-c", _DRIVER, str(index), durable, str(procs)],
                         env=cli_env(), capture_output=True, text=True, timeout=120)
    if run.returncode != 0 and "ptrace" in run.stderr:
        pytest.skip(f"strace cannot trace here: {run.stderr.strip()}")
    assert run.returncode == 0, run.stderr
    calls: list[tuple[str, str]] = []
    for line in log.read_text().splitlines():
        if m := _SYSCALL.match(line):
            calls.append(("fsync", m["synced"]) if m["synced"] else ("rename", f"{m['old']} -> {m['new']}"))
    return calls, index


@pytest.mark.parametrize("procs", [1, 2])
def test_strace_shows_fsyncs_before_the_rename_and_of_the_folder_after(tmp_path: Path, procs: int) -> None:
    calls, index = traced_commit(tmp_path, "on", procs)
    folder = str(index.resolve())
    toc = next(i for i, (kind, what) in enumerate(calls) if kind == "rename" and what.endswith("_MAIN_1.toc"))
    before = {what for kind, what in calls[:toc] if kind == "fsync"}
    segment_files = [p for p in index.iterdir() if p.name.startswith("MAIN_") and p.name != "MAIN_WRITELOCK"]
    assert segment_files and {str(p.resolve()) for p in segment_files} <= before
    temp_toc = calls[toc][1].split(" -> ")[0]
    assert temp_toc in before  # the new TOC's data, under its temporary name
    assert calls[toc - 1] == ("fsync", folder)  # the new files' names, then the rename
    assert calls[toc + 1] == ("fsync", folder)  # the rename itself


def test_no_fsync_when_durable_is_off(tmp_path: Path) -> None:
    calls, _ = traced_commit(tmp_path, "off", 1)
    created = next(i for i, (kind, what) in enumerate(calls) if kind == "rename" and what.endswith("_MAIN_0.toc"))
    after_create = calls[created + 2:]  # creating the index syncs its first TOC, then the folder
    assert any(what.endswith("_MAIN_1.toc") for kind, what in after_create if kind == "rename")
    assert [c for c in after_create if c[0] == "fsync"] == []


# killed at each step, with unsynced data lost ---------------------------------------------------------------------

def commit_killed_at(folder: Path, step: int, durable: bool, synced_log: Path) -> bool:
    """In a forked child, commit 30 documents to ``folder`` and SIGKILL the child just before its ``step``-th
    fsync or rename (counted from the start of the commit), or just after the commit returns.  Every file the
    child fsyncs is recorded in ``synced_log`` as ``inode mtime``.  True when the kill came after the commit."""
    done = synced_log.with_suffix(".done")
    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            writer = engine_kind("whoosh").open(folder, LAYOUT).writer(durable=durable)
            for doc in docs("b", 30):
                writer.add(StoredDocument(doc))
            _install_kill_switch(step, synced_log)
            writer.commit()
            done.touch()
        finally:
            os.kill(os.getpid(), signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    return done.exists()


def _install_kill_switch(step: int, synced_log: Path) -> None:
    count = 0
    log = os.open(synced_log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)

    def counted(call):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            nonlocal count
            count += 1
            if count == step:
                os.kill(os.getpid(), signal.SIGKILL)
            result = call(*args, **kwargs)
            if call is real_fsync:
                info = os.fstat(args[0])
                os.write(log, f"{info.st_ino} {info.st_mtime_ns}\n".encode())
            return result
        return wrapper

    real_fsync = os.fsync
    os.fsync, os.rename, os.replace = counted(os.fsync), counted(os.rename), counted(os.replace)


def lose_unsynced_data(folder: Path, before: set[tuple[int, int]], synced_log: Path) -> None:
    """What a power loss does: the files written since ``before`` and never fsync'ed lose their data."""
    synced = {tuple(map(int, line.split())) for line in synced_log.read_text().splitlines()} \
        if synced_log.exists() else set()
    for path in folder.iterdir():
        info = path.stat()
        if path.is_file() and (info.st_ino, info.st_mtime_ns) not in before | synced:
            os.truncate(path, 0)


def outcome_after_kill(tmp_path: Path, base: Path, step: int, durable: bool) -> tuple[str, bool]:
    """Commit into a copy of ``base`` killed at ``step``, lose unsynced data: which commit the index opens with
    ("old", "new", or the error), and whether the kill came after the commit returned."""
    folder = tmp_path / f"step{step}-{durable}"
    shutil.copytree(base, folder)
    before = {(p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.iterdir()}
    synced_log = tmp_path / f"step{step}-{durable}.synced"
    finished = commit_killed_at(folder, step, durable, synced_log)
    lose_unsynced_data(folder, before, synced_log)
    try:
        engine = engine_kind("whoosh").open(folder, LAYOUT)
        snapshot = engine.snapshot()
        ids = {doc_id for doc_id, _, _ in snapshot.states()}
        total = snapshot.search(SearchRequest(words("الأمطار"), limit=1)).total
        engine.close()
    except Exception as exc:  # the test reports whatever opening the damaged index raised
        return f"damaged: {type(exc).__name__}: {exc}", finished
    old = {d.id for d in docs("a", 20)}
    if ids == old and total == 20:
        return "old", finished
    if ids == old | {d.id for d in docs("b", 30)} and total == 50:
        return "new", finished
    return f"mixed: {len(ids)} documents, {total} found", finished


@pytest.fixture
def base_index(tmp_path: Path) -> Path:
    base = tmp_path / "base"
    base.mkdir()
    engine: Engine = engine_kind("whoosh").create(base, LAYOUT)
    writer = engine.writer()
    for doc in docs("a", 20):
        writer.add(StoredDocument(doc))
    writer.commit()
    engine.close()
    return base


def test_a_writer_killed_at_each_step_of_a_commit_leaves_its_last_complete_commit(
        tmp_path: Path, base_index: Path) -> None:
    outcomes = []
    for step in range(1, 200):
        outcome, finished = outcome_after_kill(tmp_path, base_index, step, durable=True)
        outcomes.append(outcome)
        assert outcome in ("old", "new"), (step, outcomes)
        if finished:
            break
    assert outcomes[-1] == "new"  # a commit that returned is kept
    assert outcomes.count("old") >= 10  # every fsync of the segment files and the TOC was a kill point


def test_without_fsync_the_same_power_loss_damages_the_index(tmp_path: Path, base_index: Path) -> None:
    outcomes = []
    for step in range(1, 50):
        outcome, finished = outcome_after_kill(tmp_path, base_index, step, durable=False)
        outcomes.append(outcome)
        if finished:
            break
    assert any(o.startswith(("damaged", "mixed")) for o in outcomes), outcomes
