"""Running a command and measuring its whole process tree: wall time and resident memory sampled from /proc.

Peak memory is the largest sum of VmRSS over the process and all its descendants, sampled every 50 ms (shared
pages of forked workers count once per process, so this over-states rather than under-states).  The largest
single process and the curve of both over the run are kept too, and the peak of the tree's resident pages that
are not shared (statm's resident minus shared): VmRSS also counts the pages of files a process maps, such as an
engine's index segments read while merging, which the kernel takes back under memory pressure.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_SECONDS = 0.05
#: Points of the memory curve kept (one sample per interval of the run).
CURVE_POINTS = 200


_TICK = os.sysconf("SC_CLK_TCK")


def processes() -> tuple[dict[int, list[int]], dict[int, float]]:
    """The children of every process, and every process's user + system CPU seconds so far."""
    tree: dict[int, list[int]] = {}
    cpu: dict[int, float] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(b")") + 2:].split()
        tree.setdefault(int(fields[1]), []).append(int(name))
        cpu[int(name)] = (int(fields[11]) + int(fields[12])) / _TICK
    return tree, cpu


_PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss_bytes(pid: int) -> tuple[int, int]:
    """VmRSS of ``pid``, and the part of it not shared with files or other processes."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            fields = f.read().split()
    except OSError:
        return 0, 0
    resident, shared = int(fields[1]) * _PAGE, int(fields[2]) * _PAGE
    return resident, resident - shared


def tree_rss(root: int, cpu_seen: dict[int, float] | None = None) -> tuple[int, int, int, int]:
    """The sum of VmRSS over ``root`` and its descendants, the largest of them, the sum of their unshared
    resident pages, and the unshared pages of ``root`` alone; ``cpu_seen`` gets the CPU seconds of each."""
    tree, cpu = processes()
    total = largest = private = own = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        rss, unshared = _rss_bytes(pid)
        total += rss
        private += unshared
        largest = max(largest, rss)
        if pid == root:
            own = unshared
        if cpu_seen is not None and pid in cpu:
            cpu_seen[pid] = cpu[pid]
        todo.extend(tree.get(pid, ()))
    return total, largest, private, own


@dataclass
class Run:
    seconds: float
    peak_rss: int
    stdout: str
    #: The largest VmRSS of any one process of the tree.
    peak_process_rss: int = 0
    #: ``(seconds since start, tree RSS, largest process RSS, the started process's unshared pages)``, thinned to
    #: about :data:`CURVE_POINTS`.
    curve: list[tuple[float, int, int, int]] = field(default_factory=list)
    #: User and system CPU seconds of the tree, as last sampled for each process (those that lived under one
    #: sampling interval are missed): less dependent on the machine's other load than wall time.
    cpu_seconds: float = 0.0
    #: The largest sum of unshared resident memory over the tree (the heaps, without mapped files).
    peak_private: int = 0


def _thin(samples: list[tuple[float, int, int, int]]) -> list[tuple[float, int, int, int]]:
    """At most about CURVE_POINTS samples, each the largest tree RSS of its stretch of the run."""
    if len(samples) <= CURVE_POINTS:
        return samples
    step = len(samples) / CURVE_POINTS
    return [max(samples[int(i * step):int((i + 1) * step)], key=lambda s: s[1]) for i in range(CURVE_POINTS)]


def run_measured(cmd: list[str], env: dict[str, str] | None = None) -> Run:
    """Run ``cmd`` to completion; wall time and peak RSS of its process tree.  Exits with its stderr on failure."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    samples: list[tuple[float, int, int, int]] = []
    private: list[int] = [0]
    cpu: dict[int, float] = {}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            total, largest, unshared, own = tree_rss(proc.pid, cpu)
            samples.append((time.perf_counter() - started, total, largest, own))
            private[0] = max(private[0], unshared)
            stop.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-3000:]}")
    return Run(seconds, max((s[1] for s in samples), default=0), out, max((s[2] for s in samples), default=0),
               _thin(samples), sum(cpu.values()), private[0])


def dir_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
