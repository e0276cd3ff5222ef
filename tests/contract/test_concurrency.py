"""Concurrency: queries while another process indexes, one writer at a time with a message naming the other,
``--wait``, locks of killed processes, and searching one ``Index`` from many threads."""

from __future__ import annotations

import json
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from arsearch import Index, search
from arsearch.errors import IndexLockedError
from arsearch.index.locking import HOLDER_FILE, IndexLock
from helpers import ROOT, Run, assert_one_line_error, cli_env, start_cli, write_corpus

SEEDS = ROOT / "seeds"
HOLD_LOCK = """
import sys, time
from arsearch import Index
ix = Index.open(sys.argv[1])
ix.write_lock.acquire()
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


@pytest.fixture
def index(tmp_path: Path) -> Path:
    path = tmp_path / "ix"
    with Index.create(path) as ix:
        ix.add([{"id": "a", "content": "خبر عن قصف قاعدة"}])
    return path


def hold_lock(index: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process that takes the write lock of ``index`` and keeps it for ``seconds``."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(index), str(seconds)], env=cli_env(),
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def dead_pid() -> int:
    process = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                             text=True, check=True)
    return int(process.stdout)


def test_second_writer_is_told_which_process_is_writing(index: Path, arsearch: Run) -> None:
    holder = hold_lock(index, 60)
    try:
        run = arsearch("index", SEEDS, "--index", index)
        assert run.returncode == 5
        assert_one_line_error(run.stderr, f"index {index} is being updated by process {holder.pid} (since ",
                              "try again later, or use --wait SECONDS")
        run = arsearch("index", SEEDS, "--index", index, "--json", "--rebuild")
        assert run.returncode == 5
        assert f"being updated by process {holder.pid}" in json.loads(run.stderr)["error"]
        assert query_ids(arsearch, index, "قصف") == ["a"]  # readers are not blocked, --rebuild deleted nothing
    finally:
        holder.kill()
        holder.communicate()


def test_wait_gives_up_after_the_given_seconds(index: Path, arsearch: Run) -> None:
    holder = hold_lock(index, 60)
    try:
        started = time.monotonic()
        run = arsearch("index", SEEDS, "--index", index, "--wait", "0.7")
        assert time.monotonic() - started >= 0.7
        assert run.returncode == 5
        assert_one_line_error(run.stderr, f"being updated by process {holder.pid}", "waited 0.7 s")
    finally:
        holder.kill()
        holder.communicate()


def test_wait_proceeds_when_the_other_writer_finishes(index: Path, arsearch: Run) -> None:
    holder = hold_lock(index, 0.5)
    started = time.monotonic()
    run = arsearch("index", SEEDS, "--index", index, "--wait", "60")
    assert run.returncode == 0, run.stderr
    assert time.monotonic() - started < 30
    assert holder.wait(timeout=30) == 0
    assert query_ids(arsearch, index, "كونيكو") != []


def test_lock_of_a_killed_writer_is_recovered(index: Path, arsearch: Run) -> None:
    holder = hold_lock(index, 60)
    holder.send_signal(signal.SIGKILL)
    holder.communicate()
    note = json.loads((index / HOLDER_FILE).read_text(encoding="utf-8"))
    assert note["pid"] == holder.pid  # the dead writer's note is still there...
    run = arsearch("index", SEEDS, "--index", index)
    assert run.returncode == 0, run.stderr  # ...but does not block: the OS released its lock
    assert not (index / HOLDER_FILE).exists()


def test_note_of_a_dead_process_is_not_reported(index: Path) -> None:
    other = IndexLock(index)  # a second lock object conflicts with the first, as another process would
    other.acquire()
    try:
        (index / HOLDER_FILE).write_text(json.dumps({"pid": dead_pid(), "host": socket.gethostname(),
                                                     "started": "2020-01-01T00:00:00+00:00"}), encoding="utf-8")
        with Index.open(index) as ix, pytest.raises(IndexLockedError) as error:
            ix.writer()
        assert str(error.value).endswith("is being updated by another process")
    finally:
        other.release()
    with Index.open(index) as ix:
        ix.add([{"id": "b", "content": "نص"}])  # free again
        assert ix.document_count() == 2


def test_writer_lock_is_reentrant_per_thread_and_exclusive_across_threads(index: Path) -> None:
    with Index.open(index) as ix:
        with ix.writer():
            errors: list[BaseException] = []

            def other_thread() -> None:
                try:
                    ix.writer()
                except IndexLockedError as exc:
                    errors.append(exc)

            thread = threading.Thread(target=other_thread)
            thread.start()
            thread.join()
            assert len(errors) == 1 and "another thread of this process" in str(errors[0])
        ix.add([{"id": "c", "content": "نص"}])  # the lock was released by the commit
        assert ix.document_count() == 2


def query_ids(arsearch: Run, index: Path, text: str) -> list[str]:
    run = arsearch("query", text, "--index", index, "--json")
    assert run.returncode == 0, run.stderr
    return [hit["id"] for hit in json.loads(run.stdout)]


def test_queries_from_many_threads_while_another_process_indexes(tmp_path: Path, arsearch: Run) -> None:
    """4 threads share one ``Index`` (with a tiny switch interval, to interleave them as much as possible) while
    a subprocess commits batches of 100: no search fails, and each sees a whole commit, never part of one."""
    documents, batch = 800, 100
    ids = write_corpus(tmp_path / "corpus", documents, 200, seed=1)
    path = tmp_path / "ix"
    Index.create(path).close()
    indexer = start_cli("index", tmp_path / "corpus", "--index", path, "--batch-size", batch)
    seen_counts: list[int] = []
    failures: list[str] = []
    stop = threading.Event()

    def searches(worker: int) -> int:
        rnd = random.Random(worker)
        done = last = 0
        while not stop.is_set():
            try:
                total = search(ix, "source:generated", limit=1).total
                n = rnd.randrange(documents)
                hits = [h.id for h in search(ix, f"marker{n}").hits]
            except Exception as exc:  # noqa: BLE001 - any failure is what this test looks for
                failures.append(repr(exc))
                continue
            if total % batch or total < last or hits not in ([], [ids[n]]):
                failures.append(f"total {total} after {last}, marker{n} -> {hits}")
            last = total
            seen_counts.append(total)
            done += 1
        return done

    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        with Index.open(path) as ix, ThreadPoolExecutor(4) as pool:
            workers = [pool.submit(searches, n) for n in range(4)]
            queries = [arsearch("query", "قصف", "--index", path, "--json") for _ in range(3)]
            _, indexer_errors = indexer.communicate(timeout=120)
            stop.set()
            done = sum(w.result() for w in workers)
    finally:
        sys.setswitchinterval(old_interval)
        stop.set()
        if indexer.poll() is None:
            indexer.kill()
    assert indexer.returncode == 0, indexer_errors
    assert failures == []
    assert all(q.returncode == 0 and isinstance(json.loads(q.stdout), list) for q in queries)
    assert done > 50 and len(set(seen_counts)) > 2  # the searches really ran across several commits
    with Index.open(path) as ix:
        assert ix.document_count() == documents


def test_a_long_lived_index_sees_each_commit_once(tmp_path: Path) -> None:
    """One ``Index`` kept open across many small commits (Whoosh merges segments): counts and hits stay exact.
    Regression: whoosh-reloaded's ``Searcher.refresh()`` counted merged segments twice (11 documents for 6)."""
    with Index.create(tmp_path / "ix") as ix:
        for n in range(25):
            ix.add([{"id": f"n{n}", "content": f"خبر رقم {n}", "source": "s"}])
            assert ix.document_count() == n + 1
            assert search(ix, "source:s").total == n + 1
            assert [h.id for h in search(ix, "خبر", limit=100).hits].count("n0") == 1


def test_two_first_runs_at_once_both_succeed_with_wait(tmp_path: Path) -> None:
    """Two cron jobs starting together on a folder with no index yet: one creates and fills it, the other waits
    for it, then finds everything unchanged; without --wait the second one is told to try again (exit 5)."""
    runs = [start_cli("index", SEEDS, "--index", tmp_path / "ix", "--wait", "60", "--json") for _ in range(2)]
    results = [(run.communicate(timeout=120), run.returncode) for run in runs]
    assert [code for _, code in results] == [0, 0], results
    summaries = sorted((json.loads(out)["added"], json.loads(out)["unchanged"]) for (out, _), _ in results)
    assert summaries == [(0, 2), (2, 0)]
    quick = [start_cli("index", SEEDS, "--index", tmp_path / "other") for _ in range(2)]
    outcomes = [(run.communicate(timeout=120)[1], run.returncode) for run in quick]
    assert sorted(code for _, code in outcomes) in ([0, 0], [0, 5])
    assert all("being updated by" in err for err, code in outcomes if code == 5)
