"""The cost of durable commits (issue 16): a full-corpus ``arsearch index`` with fsync'ed commits (the default)
against the same build with ``--no-fsync``, in the same run, alternating, on a fresh index folder each time.

    python -m benchmarks.experiments.durability [--corpus DIR] [--workdir DIR] [--rounds 2]
        [--batch-size 5000 500]

``--workdir`` must be on the disk whose cost is measured (fsync on a tmpfs costs nothing).  Prints a Markdown
table per batch size (one commit per batch): wall-clock seconds of each build, the median of each mode, and on/off
as a ratio; the load average before and after, and the file system of the work folder.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.common.corpus import DEFAULT_CORPUS
from benchmarks.common.machine import loadavg, repo_env as cli_env

MODES = {"fsync (default)": [], "--no-fsync": ["--no-fsync"]}


def build(corpus: Path, index: Path, flags: list[str], batch_size: int) -> tuple[float, int]:
    """Seconds of one ``arsearch index`` of ``corpus`` into a new ``index``, and the documents it indexed."""
    shutil.rmtree(index, ignore_errors=True)
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "arsearch", "index", str(corpus), "--index", str(index),
                          "--batch-size", str(batch_size), "--json", *flags],
                         env=cli_env(), capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    return seconds, int(json.loads(run.stdout)["added"])


def file_system(path: Path) -> str:
    run = subprocess.run(["df", "--output=fstype", str(path)], capture_output=True, text=True)
    return run.stdout.split()[-1] if run.returncode == 0 else "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--batch-size", type=int, nargs="+", default=[5000])
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="arsearch-durability-"))
    workdir.mkdir(parents=True, exist_ok=True)
    index = workdir / "index"
    seconds = {(size, mode): [] for size in args.batch_size for mode in MODES}
    documents = 0
    load_before = loadavg()
    for _ in range(args.rounds):
        for size in args.batch_size:
            for mode, flags in MODES.items():
                took, documents = build(args.corpus, index, flags, size)
                seconds[size, mode].append(took)
                print(f"{size} {mode}: {took:.1f} s (load {loadavg()})", file=sys.stderr, flush=True)
    load_after = loadavg()
    shutil.rmtree(index, ignore_errors=True)
    print(f"Full-corpus build, {documents} documents, {args.rounds} rounds alternating; "
          f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, work folder on {file_system(workdir)}; "
          f"load average {load_before} before, {load_after} after\n")
    print("| --batch-size | build | runs (s) | median (s) | vs --no-fsync |")
    print("|---|---|---|---|---|")
    for size in args.batch_size:
        off = statistics.median(seconds[size, "--no-fsync"])
        for mode in MODES:
            runs = ", ".join(f"{s:.1f}" for s in seconds[size, mode])
            median = statistics.median(seconds[size, mode])
            print(f"| {size} | {mode} | {runs} | {median:.1f} | {median / off:.3f} |")


if __name__ == "__main__":
    main()
