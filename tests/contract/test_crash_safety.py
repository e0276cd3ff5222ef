"""Crashes and interruptions of ``arsearch index``, for real: a subprocess indexing a generated corpus of
thousands of documents in small batches is killed with SIGKILL at several points (and at random moments
around them), or interrupted with SIGINT; the index must open and answer from its last commit every time,
and the next run must complete it with no duplicate and no lost document."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from arsearch import Index, search
from helpers import Run, start_cli, write_corpus

DOCUMENTS = 3000
PER_FILE = 600
BATCH = 200  # 15 commits for the whole corpus
_TOC = re.compile(r"^_MAIN_(\d+)\.toc$")

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("crash") / "corpus"
    return folder, write_corpus(folder, DOCUMENTS, PER_FILE)


def generation(index: Path) -> int:
    """The number of the latest commit, -1 before the index exists: Whoosh's TOC generation; for tantivy, whose
    commit number (opstamp) counts every change, the committed documents in batches; for opensearch, the commits
    its control index counts."""
    if (index / "opensearch.json").is_file():
        return opensearch_generation(index)
    try:
        meta = json.loads((index / "meta.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        pass
    except ValueError:  # being replaced: try again
        return generation(index)
    else:
        return sum(s["max_doc"] - ((s.get("deletes") or {}).get("num_deleted_docs") or 0)
                   for s in meta["segments"]) // BATCH
    try:
        names = [m.group(1) for m in map(_TOC.match, (p.name for p in index.iterdir())) if m]
    except FileNotFoundError:
        return -1
    return max(map(int, names), default=-1)


def opensearch_generation(index: Path) -> int:
    import httpx

    location = json.loads((index / "opensearch.json").read_text(encoding="utf-8"))
    found = httpx.get(f"{location['url']}/{location['index']}-arsearch-control/_doc/commit", timeout=30)
    return int(found.json()["_source"]["generation"]) - 1 if found.status_code == 200 else -1


def wait_until(condition: Callable[[], bool], process: subprocess.Popen[str], timeout: float = 60) -> bool:
    """Poll ``condition`` until true (True) or until ``process`` ends (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.005)
    raise AssertionError("timed out waiting for the indexer")


def check_index(index: Path, ids: list[str], at_least: int) -> int:
    """The index opens and answers from a whole commit: no id twice, counts agree, queries work."""
    with Index.open(index) as ix:
        count = ix.document_count()
        states = ix.stored_states()
        assert len(states) == count  # every live document has its own id
        assert set(states) <= set(ids)
        assert count >= at_least  # nothing committed before is lost
        assert ix.stats().documents == count  # orphan files of the killed writer are not counted
        assert search(ix, "source:generated", limit=1).total == count
        if count:
            first = sorted(states, key=lambda i: int(i.split("-")[1]))[0]
            assert [h.id for h in search(ix, f"marker{first.split('-')[1]}").hits] == [first]
    return count


def test_kill_9_at_several_points_then_rerun_completes(corpus: tuple[Path, list[str]], tmp_path: Path,
                                                       arsearch: Run) -> None:
    folder, ids = corpus
    index = tmp_path / "ix"
    seed = random.randrange(1_000_000)
    rnd = random.Random(seed)
    args = ("index", folder, "--index", index, "--batch-size", BATCH)
    committed = 0
    kills_while_running = 0
    # (commits to wait for in this run, None = kill during start-up), then a random extra delay; SIGTERM (what
    # cron and service managers send) ends the process at once too, as Python does not handle it
    for commits, kill in ((None, signal.SIGKILL), (1, signal.SIGKILL), (2, signal.SIGTERM), (3, signal.SIGKILL),
                          (1, signal.SIGKILL)):
        start = max(generation(index), 0)
        process = start_cli(*args)
        if commits is None:
            time.sleep(rnd.uniform(0.0, 0.3))
            running = process.poll() is None
        else:
            running = wait_until(lambda: generation(index) >= start + commits, process)
            time.sleep(rnd.uniform(0.0, 0.15))  # land mid-batch, mid-commit or right after one
            running = running and process.poll() is None
        process.send_signal(kill)
        process.communicate(timeout=60)
        assert process.returncode in (-kill, 0)
        kills_while_running += running
        if index.exists() and Index.exists(index):
            committed = check_index(index, ids, committed)
    assert kills_while_running >= 4, f"the indexer finished before it could be killed (seed {seed})"
    assert committed < DOCUMENTS, f"seed {seed}"

    final = arsearch(*args, "--json")
    assert final.returncode == 0, final.stderr
    summary = json.loads(final.stdout)
    assert summary["added"] + summary["unchanged"] == DOCUMENTS and summary["duplicate_ids"] == []
    assert check_index(index, ids, committed) == DOCUMENTS
    with Index.open(index) as ix:
        assert set(ix.stored_states()) == set(ids)
        for n in (0, DOCUMENTS - 1):  # the first and the last batch
            assert [h.id for h in search(ix, f"marker{n}").hits] == [f"doc-{n}"]
        whoosh = getattr(ix.engine, "whoosh", None)  # the file names below are the Whoosh engine's
        live = {s.segment_id() for s in whoosh._segments()} if whoosh is not None else set()
    if whoosh is not None:
        leftovers = [p.name for p in index.iterdir() if p.name.startswith("MAIN") and p.name != "MAIN_WRITELOCK"
                     and p.name.split(".")[0] not in live]
        assert leftovers == []  # the killed writers' orphan segments and temporary files are gone
        assert not [p for p in index.iterdir() if p.name.startswith("_MAIN_") and not _TOC.match(p.name)]

    again = arsearch(*args, "--json")
    assert again.returncode == 0
    assert json.loads(again.stdout)["unchanged"] == DOCUMENTS


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_ctrl_c_commits_or_discards_the_current_batch_and_says_which(corpus: tuple[Path, list[str]],
                                                                     tmp_path: Path, arsearch: Run,
                                                                     as_json: bool) -> None:
    folder, all_ids = corpus
    files = sorted(folder.iterdir())[:2]  # 1,200 documents in batches of 100
    ids = all_ids[:2 * PER_FILE]
    index = tmp_path / "ix"
    args = ("index", *files, "--index", index, "--batch-size", BATCH // 2, *(["--json"] if as_json else []))
    process = start_cli(*args)
    assert wait_until(lambda: generation(index) >= 3, process), "the indexer finished before Ctrl-C"
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "Traceback" not in err
    if as_json:
        error = json.loads(err)
        assert error["exit_code"] == 130
        message = error["error"]
    else:
        (line,) = err.strip().splitlines()
        assert line.startswith("error: ")
        message = line[len("error: "):]
    match = re.fullmatch(r"interrupted: (?:the current batch \((\d+) documents read since the last commit\) "
                         r"was discarded|stopped between batches, nothing was discarded); (\d+) documents "
                         r"committed by this run are kept; run the same command again to finish", message)
    assert match, message
    discarded, kept = int(match.group(1) or 0), int(match.group(2))
    assert 0 < kept < len(ids) and discarded <= BATCH // 2  # a full batch when Ctrl-C hit while writing it
    assert check_index(index, ids, kept) == kept  # exactly what the message says was committed

    if not as_json:  # the rerun completes the index (the same as after kill -9, so once is enough)
        rerun = arsearch(*args)
        assert rerun.returncode == 0, rerun.stderr
        assert check_index(index, ids, kept) == len(ids)


@pytest.fixture
def interrupts_raise() -> Iterator[None]:
    """Python's own SIGINT handler in this process, as at a terminal (a test runner started in the background has
    SIGINT ignored)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_ctrl_c_inside_a_commit_takes_effect_after_it(interrupts_raise: None) -> None:
    """``deferred_interrupt`` (around every commit) records SIGINT and raises once the block is done, also when
    blocks nest (the writer's commit inside the ingest's commit-and-manifest step)."""
    from arsearch.index.interrupts import deferred_interrupt

    steps = []
    with pytest.raises(KeyboardInterrupt):
        with deferred_interrupt():
            with deferred_interrupt():
                os.kill(os.getpid(), signal.SIGINT)
                steps.append("commit")
            steps.append("manifest")  # the inner block passed the interrupt on to the outer one
        steps.append("never")
    assert steps == ["commit", "manifest"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
