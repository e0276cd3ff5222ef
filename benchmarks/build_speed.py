"""Build time and memory of arsearch's engines against tantivy's own build of the same documents (issue 23).

    python -m benchmarks.build_speed [--docs DIR | --corpus DIR] [--systems whoosh,tantivy,peer]
        [--procs N] [--workdir /tmp/arsearch-build] [--json FILE]

Without ``--docs`` the corpus is prepared as ``benchmarks/common/corpus.py`` prepares it (one JSONL file a day).  Each
system builds from scratch in a subprocess measured by ``benchmarks/common/process.py``: wall and CPU seconds of
the process tree, peak RSS of the tree, of its largest process, of the tree's unshared pages and of the indexing
process's own unshared pages.  One JSON line per system is printed, with the ratios to the peer when it ran.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from benchmarks.common.corpus import DEFAULT_CORPUS, prepare
from benchmarks.common.machine import loadavg, repo_env as cli_env
from benchmarks.common.process import Run, run_measured

REPO_ROOT = Path(__file__).resolve().parents[1]


def command(system: str, docs: Path, target: Path, procs: int | None) -> list[str]:
    if system == "peer":
        return [sys.executable, str(REPO_ROOT / "benchmarks" / "tantivy_peer.py"), "index", str(target), str(docs)]
    extra = ["--procs", str(procs)] if procs else []
    return [sys.executable, "-m", "arsearch", "index", str(docs), "--index", str(target), "--engine", system,
            "--json", *extra]


def figures(run: Run) -> dict[str, float]:
    return {"wall_s": round(run.seconds, 1), "cpu_s": round(run.cpu_seconds, 1),
            "tree_rss_mb": round(run.peak_rss / 2**20), "largest_mb": round(run.peak_process_rss / 2**20),
            "unshared_tree_mb": round(run.peak_private / 2**20),
            "own_unshared_mb": round(max((s[3] for s in run.curve), default=0) / 2**20)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=Path, help="a folder of JSONL files (default: the prepared corpus)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--systems", default="peer,tantivy,whoosh")
    parser.add_argument("--procs", type=int)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/arsearch-build"))
    parser.add_argument("--json", type=Path, help="append the rows to this file")
    args = parser.parse_args()
    docs = args.docs
    if docs is None:
        docs = args.workdir / "docs"
        if not docs.is_dir():
            docs = prepare(args.corpus, args.workdir).docs_dir
    rows: dict[str, dict[str, object]] = {}
    for system in args.systems.split(","):
        target = args.workdir / "indexes" / system
        shutil.rmtree(target, ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        before = loadavg()
        run = run_measured(command(system, docs, target, args.procs), env=cli_env())
        row: dict[str, object] = {"system": system, "docs": str(docs), **figures(run), "load_before": before,
                                  "load_after": loadavg()}
        peer = rows.get("peer")
        if peer is not None and system != "peer":
            row["wall_ratio"] = round(run.seconds / float(peer["wall_s"]), 2)  # type: ignore[arg-type]
            row["cpu_ratio"] = round(run.cpu_seconds / float(peer["cpu_s"]), 2)  # type: ignore[arg-type]
        rows[system] = row
        print(json.dumps(row), flush=True)
        if args.json:
            with open(args.json, "a", encoding="utf-8") as out:
                out.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
