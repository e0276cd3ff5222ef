"""The writer's worker processes start from a fork server: they do not carry the parent's memory (a script that
writes with them needs an ``if __name__ == "__main__"`` guard, as with any multiprocessing: see
``tests/engine_tantivy/test_tantivy_engine.py`` for one without)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import json, os, sys
    from arsearch import Index, index_paths

    if __name__ == "__main__":
        with open(sys.argv[3], "a") as runs:  # once per run of this top level
            runs.write(f"{os.getpid()}\\n")
        ballast = bytearray(300 * 2**20)  # the parent's own state, which workers must not start with
        ballast[::4096] = b"x" * len(ballast[::4096])
        with Index.create(sys.argv[2]) as ix:
            report = index_paths(ix, [sys.argv[1]], procs=2, batch_size=1000)
        print(json.dumps({"added": report.added}))
""")


def _largest_worker_mb(pid: int) -> float:
    """The largest RSS of the fork server and its workers among the descendants of ``pid`` (a child forked to
    exec the fork server is the parent's copy until it does: not counted)."""
    largest, todo = 0.0, [pid]
    while todo:
        parent = todo.pop()
        try:
            for task in Path(f"/proc/{parent}/task").iterdir():
                children = [int(c) for c in (task / "children").read_text().split()]
                todo.extend(children)
                for child in children:
                    if b"multiprocessing.forkserver" not in Path(f"/proc/{child}/cmdline").read_bytes():
                        continue
                    with open(f"/proc/{child}/statm") as f:
                        largest = max(largest, int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20)
        except OSError:  # a process that ended meanwhile
            continue
    return largest


def test_workers_start_small_and_the_script_runs_once(tmp_path: Path) -> None:
    docs = tmp_path / "docs.jsonl"
    words = "الأمير الرياض مجلس الوزراء اجتماع المملكة الاقتصاد النفط".split()
    with open(docs, "w", encoding="utf-8") as f:
        for n in range(450):
            content = " ".join(words[(n + i) % len(words)] for i in range(40)) + f" رقم{n}"
            f.write(json.dumps({"url": f"doc-{n}", "title": words[n % len(words)], "content": content},
                               ensure_ascii=False) + "\n")
    script, runs = tmp_path / "unguarded.py", tmp_path / "runs.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen([sys.executable, str(script), str(docs), str(tmp_path / "ix"), str(runs)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    largest_child = 0.0
    while proc.poll() is None:
        largest_child = max(largest_child, _largest_worker_mb(proc.pid))
    out, err = proc.communicate()
    assert proc.returncode == 0, err
    assert json.loads(out) == {"added": 450}
    assert len(runs.read_text().split()) == 1
    assert largest_child > 0, "no worker process started from the fork server"
    assert largest_child < 200, f"a worker process reached {largest_child:.0f} MB: it carries the parent's memory"
