"""Terminal bidi: how often ``--bidi on`` orders a line as UAX #9 does, and how long it takes, against python-bidi
(UAX #9 in Rust) with arabic-reshaper (shaping), on real lines of the corpus, in one run.

    python -m benchmarks.experiments.terminal_bidi [--corpus ../shared/corpus/saudinewsnet] [--lines 3000] [--old REV]

Lines: the titles and the first sentences of articles of the corpus (seeded sample) that mix Arabic with digits,
Latin letters or brackets, without harakat (python-bidi reverses marks with their letters; display.py keeps them
after their letter on purpose). Agreement: the order of characters equals python-bidi's ``get_display``,
letters unshaped and brackets unmirrored (python-bidi leaves mirroring to the renderer). ``--old REV`` also
measures arsearch/interfaces/display.py as it was at git revision REV (default: main), brackets compared
without their direction, shaping turned off.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import time
import types
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

from benchmarks.common.machine import REPO_ROOT as ROOT

from arsearch.interfaces.display import visual, visual_text

MIXED = re.compile(r"[0-9٠-٩A-Za-z()\[\]«»%$]")
ARABIC = re.compile(r"[\u0621-\u064a]")
MARKS = re.compile(r"[\u064b-\u065f\u0670]")
BRACKETS = str.maketrans("()[]{}<>«»", "((((((((((")


def corpus_lines(corpus: Path, count: int, seed: int) -> list[str]:
    lines: list[str] = []
    for path in sorted(corpus.glob("*.zip")):
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                for record in json.loads(zf.read(name)):
                    title = " ".join(str(record.get("title") or "").split())
                    first = " ".join(re.split(r"[.\n]", str(record.get("content") or ""))[0].split())[:200]
                    lines.extend(t for t in (title, first) if t)
    mixed = sorted({t for t in lines if ARABIC.search(t) and MIXED.search(t) and not MARKS.search(t)})
    return random.Random(seed).sample(mixed, min(count, len(mixed)))


def old_display(rev: str) -> types.ModuleType | None:
    try:
        source = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:arsearch/interfaces/display.py"],
                                check=True, capture_output=True, text=True).stdout
    except (subprocess.CalledProcessError, OSError):
        return None
    module = types.ModuleType("old_display")
    exec(compile(source, f"{rev}:display.py", "exec"), module.__dict__)
    return module


def timed(render: Callable[[str], str], lines: list[str]) -> tuple[list[str], float]:
    started = time.perf_counter()
    out = [render(line) for line in lines]
    return out, (time.perf_counter() - started) / len(lines) * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "saudinewsnet")
    parser.add_argument("--lines", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--old", default="main", help="git revision of the old display.py ('' skips it)")
    args = parser.parse_args()
    try:
        import arabic_reshaper  # type: ignore[import-untyped]
        from bidi import get_display  # type: ignore[import-untyped]
    except ImportError:
        print("pip install python-bidi arabic-reshaper (the peers)", file=sys.stderr)
        return 2
    lines = corpus_lines(args.corpus, args.lines, args.seed)
    print(f"{len(lines)} mixed lines of {args.corpus} (seed {args.seed}); load {os.getloadavg()[0]:.2f}; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    reference, _ = timed(get_display, lines)

    rows: list[tuple[str, int | None, float]] = []
    ours, _ = timed(lambda t: visual_text(t, shaped=False, mirrored=False), lines)
    rows.append(("arsearch display.py, reordering only", sum(a == b for a, b in zip(ours, reference)), _))
    old = old_display(args.old) if args.old else None
    if old is not None:
        old._shaped_pieces = list  # reorder only
        olds, elapsed = timed(old.visual_text, lines)
        agree = sum(a.translate(BRACKETS) == b.translate(BRACKETS) for a, b in zip(olds, reference))
        rows.append((f"arsearch display.py at {args.old}, reordering only", agree, elapsed))
    rows.append(("python-bidi get_display", len(lines), timed(get_display, lines)[1]))
    rows.append(("arsearch visual (shaped, styles kept)", None, timed(visual_text, lines)[1]))
    styled = [[(t[: len(t) // 2], None), (t[len(t) // 2:], "hl")] for t in lines]
    started = time.perf_counter()
    for segments in styled:
        visual(segments)
    rows.append(("arsearch visual, two styled segments", None, (time.perf_counter() - started) / len(lines) * 1e6))
    reshaper = arabic_reshaper.ArabicReshaper()
    rows.append(("arabic-reshaper + python-bidi", None, timed(lambda t: get_display(reshaper.reshape(t)), lines)[1]))

    print(f"\n{'renderer':48} {'same order as UAX #9':>22} {'µs per line':>12}")
    for name, agree, micros in rows:
        cell = f"{agree}/{len(lines)} ({100 * agree / len(lines):.1f}%)" if agree is not None else "-"
        print(f"{name:48} {cell:>22} {micros:12.1f}")

    shaped_same = sum(visual_text(t, mirrored=False) == get_display(reshaper.reshape(t)) for t in lines)
    print(f"\nshaped output equal to arabic-reshaper + python-bidi: {shaped_same}/{len(lines)}")
    unequal = [t for t in lines if visual_text(t, mirrored=False) != get_display(reshaper.reshape(t))][:3]
    for t in unequal:
        a, b = visual_text(t, mirrored=False), get_display(reshaper.reshape(t))
        where = next(i for i, (x, y) in enumerate(zip(a + "\0", b + "\0")) if x != y)
        print(f"  e.g. at {where}: ours {unicodedata.name(a[where], '?') if where < len(a) else 'end'}, "
              f"theirs {unicodedata.name(b[where], '?') if where < len(b) else 'end'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
