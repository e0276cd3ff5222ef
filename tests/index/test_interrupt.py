"""Ctrl-C during ``arsearch index`` with worker processes (issue 26): SIGINT sent to the whole process group, as a
terminal sends it, at random moments of a build once its worker processes started (before, the interpreter is
still importing the command: a Ctrl-C there is Python's own), on every engine.  Each time the command ends within
2 seconds with one line and exit code 130, no traceback, no process of its group left, and the index at its last
commit: it opens, holds whole batches, and the same command run again finishes the build.  A signal that comes
once the build is done and the interpreter is ending kills it silently (exit -2, nothing printed): accepted only
with the whole archive indexed."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from arsearch import Index
from helpers import WORDS, cli_command, cli_env, interrupts_as_at_a_terminal

#: Random moments per engine.
MOMENTS = 20
DOCUMENTS = 1200
BATCH = 300
#: From the signal to the command's end and its last process gone.
DEADLINE_S = 2.0


def write_archive(folder: Path) -> None:
    rng = random.Random(26)
    folder.mkdir()
    for part in range(0, DOCUMENTS, 250):
        with open(folder / f"part-{part:05d}.jsonl", "w", encoding="utf-8") as out:
            for n in range(part, min(part + 250, DOCUMENTS)):
                out.write(json.dumps({"id": f"doc-{n}", "title": " ".join(rng.choices(WORDS, k=6)),
                                      "content": " ".join(rng.choices(WORDS, k=120)),
                                      "date": f"2015-{1 + n % 12:02d}-{1 + n % 28:02d}"}, ensure_ascii=False) + "\n")


def group_processes(group: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def index_command(docs: Path, target: Path, engine: str) -> list[str]:
    return cli_command("index", docs, "--index", target, "--engine", engine, "--procs", "2",
                       "--batch-size", str(BATCH), "--no-fsync")


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
def test_ctrl_c_at_random_moments_of_a_build(tmp_path: Path, engine: str) -> None:
    pytest.importorskip(engine)
    docs = tmp_path / "docs"
    write_archive(docs)
    started = time.perf_counter()
    whole = subprocess.run(index_command(docs, tmp_path / "whole", engine), env=cli_env(), capture_output=True,
                           text=True, timeout=600)
    build_s = time.perf_counter() - started
    assert whole.returncode == 0, whole.stderr
    rng = random.Random(engine)
    failures = []
    for moment in sorted(rng.uniform(0.0, build_s) for _ in range(MOMENTS)):
        target = tmp_path / f"ix-{moment:.2f}"
        process = subprocess.Popen(index_command(docs, target, engine), env=cli_env(), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, start_new_session=True,
                                   preexec_fn=interrupts_as_at_a_terminal)
        while len(group_processes(process.pid)) < 2 and process.poll() is None:  # the build's workers started
            time.sleep(0.02)
        time.sleep(moment)
        sent = time.perf_counter()
        try:
            os.killpg(process.pid, signal.SIGINT)
        except ProcessLookupError:  # the build had ended
            assert process.wait() == 0
            continue
        try:
            _, stderr = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            _, stderr = process.communicate()
            failures.append(f"{moment:.2f} s: still running 30 s after the signal")
            continue
        while group_processes(process.pid) and time.perf_counter() - sent < DEADLINE_S + 5:
            time.sleep(0.05)
        ended_s = time.perf_counter() - sent
        left = group_processes(process.pid)
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        count = 0
        if target.exists() and (target / "arsearch.json").exists():
            with Index.open(target) as ix:
                count = ix.document_count()
            if count % BATCH and count != DOCUMENTS:
                failures.append(f"{moment:.2f} s: {count} documents, not whole batches")
        lines = stderr.strip().splitlines()
        ended_late = process.returncode == -signal.SIGINT and not stderr and count == DOCUMENTS
        if process.returncode != 0 and not ended_late and (process.returncode != 130 or len(lines) != 1
                                                           or "Traceback" in stderr):
            failures.append(f"{moment:.2f} s: exit {process.returncode}, stderr {stderr[-600:]!r}")
        if ended_s > DEADLINE_S:
            failures.append(f"{moment:.2f} s: ended {ended_s:.2f} s after the signal")
        if left:
            failures.append(f"{moment:.2f} s: processes left {left}")
    assert not failures, "\n".join(failures)
    # the last interrupted index, finished by the same command
    finished = subprocess.run(index_command(docs, target, engine), env=cli_env(), capture_output=True, text=True,
                              timeout=600)
    assert finished.returncode == 0, finished.stderr
    with Index.open(target) as ix, Index.open(tmp_path / "whole") as whole_ix:
        assert ix.document_count() == whole_ix.document_count() == DOCUMENTS
