"""Helpers for the reliability tests: the real ``arsearch`` command in a subprocess, generated news corpora."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

WORDS = ("قصف قاعدة صواريخ العراق سوريا الحشد المقاومة كونيكو وزارة الصحة حملة تطعيم الرياض فريق مباراة "
         "اقتصاد نفط أسعار الأمطار السيول مجلس الشورى الطلاب الجامعة").split()

Run = Callable[..., subprocess.CompletedProcess[str]]


def cli_env() -> dict[str, str]:
    """The environment for ``python -m arsearch``: this checkout first on the path, no index from the caller."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARSEARCH_")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    env["PYTHONUNBUFFERED"] = "1"
    return env


def cli_command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "arsearch", *map(str, args)]


def start_cli(*args: str | Path, **kwargs: object) -> subprocess.Popen[str]:
    """Start ``arsearch ARGS`` without waiting (stdout and stderr piped, text mode)."""
    return subprocess.Popen(cli_command(*args), env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kwargs)  # type: ignore[call-overload]


def assert_one_line_error(stderr: str, *fragments: str) -> None:
    """stderr is one ``error: ...`` line containing every fragment, and no traceback."""
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, stderr)


def write_corpus(folder: Path, documents: int, per_file: int, *, seed: int = 0) -> list[str]:
    """JSONL files of generated Arabic news; document ``n`` has id ``doc-n`` and the unique word ``markerN``.

    Returns the ids in order.
    """
    rnd = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    ids = []
    for start in range(0, documents, per_file):
        lines = []
        for n in range(start, min(start + per_file, documents)):
            ids.append(f"doc-{n}")
            lines.append(json.dumps({
                "id": f"doc-{n}",
                "title": " ".join(rnd.choices(WORDS, k=5)),
                "content": f"marker{n} " + " ".join(rnd.choices(WORDS, k=40)),
                "date": f"2015-{1 + n % 12:02d}-{1 + n % 28:02d}",
                "source": "generated",
            }, ensure_ascii=False))
        (folder / f"part-{start // per_file:04d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ids
