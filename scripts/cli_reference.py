"""Write docs/cli.md, the CLI reference, from the ``--help`` of ``arsearch`` and of each of its commands.

    python scripts/cli_reference.py          # rewrite docs/cli.md
    python scripts/cli_reference.py --check  # exit 1 if docs/cli.md is not what the CLI prints now

``tests/interfaces/test_docs.py`` runs the check, so a changed option that is not regenerated fails the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "cli.md"
#: Help is laid out for this width, whatever the terminal that runs the script.
WIDTH = "100"

HEAD = """# CLI reference

Every command's `--help`, as `arsearch` prints it; written by `python scripts/cli_reference.py` (do not edit by
hand: `tests/interfaces/test_docs.py` fails when this page and the CLI differ). What the commands are for, with
examples: the [README](../README.md).
"""


def help_text(args: list[str]) -> str:
    """``arsearch ARGS --help`` in a process of its own, with Typer's plain (not boxed) layout at a fixed width."""
    env = {**os.environ, "COLUMNS": WIDTH, "TERM": "dumb", "NO_COLOR": "1", "TYPER_USE_RICH": "0",
           "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    done = subprocess.run([sys.executable, "-m", "arsearch", *args, "--help"], capture_output=True, text=True,
                          env=env, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"arsearch {' '.join(args)} --help failed ({done.returncode}): {done.stderr}")
    text = done.stdout.replace("Usage: python -m arsearch", "Usage: arsearch")
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def reference() -> str:
    from typer.main import get_command

    from arsearch.interfaces.cli import app

    commands = sorted(get_command(app).commands)  # type: ignore[attr-defined]
    parts = [HEAD, "## arsearch\n", "```text\n" + help_text([]) + "\n```\n"]
    for name in commands:
        parts += [f"## arsearch {name}\n", "```text\n" + help_text([name]) + "\n```\n"]
    return "\n".join(parts)


def main(argv: list[str]) -> int:
    text = reference()
    if argv[1:] == ["--check"]:
        if not REFERENCE.is_file() or REFERENCE.read_text(encoding="utf-8") != text:
            print(f"{REFERENCE.relative_to(ROOT)} is not what the CLI prints: run python scripts/cli_reference.py",
                  file=sys.stderr)
            return 1
        return 0
    REFERENCE.parent.mkdir(exist_ok=True)
    REFERENCE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
