"""Which words of SaudiNewsNet change term between two versions of the analyzer, and which of their neighbours
do not, on each half of the held-out split (issue 24).

Every normalized word of the corpus (titles and contents) is stemmed by a ``--before`` and an ``--after`` tree
of this repository (``git archive <commit> | tar -x -C DIR``; ``--after`` defaults to this checkout), each in a
subprocess with that tree first on ``sys.path``.  A word *changes* when its two terms differ.  Its *neighbours*
are the corpus words one edit away (one letter deleted, inserted or replaced) or one clitic away (و ف ب ل ك or
an article prefix added or taken off) that do not change: the words a rule must leave alone.  For each half the
script prints the changed and neighbour words (types and tokens), how many neighbours' terms the change joins
or parts (a neighbour that shared the changed word's term before and no longer does is *parted*; one that did
not and now does is *joined*), how many unchanged words of any spelling now share a changed word's term, and
examples.

Run:  python scripts/term_changes.py ../shared/corpus/saudinewsnet --before /tmp/arsearch-before [--after DIR]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout's arsearch and benchmarks

from arsearch.analysis.normalize import normalize
from arsearch.analysis.stem import DEFINITE_PREFIXES
from arsearch.analysis.tokenize import tokenize
from arsearch.documents import Document
from arsearch.ingest.sources import discover, read_documents
from benchmarks.evaluation.split import HALVES, half_of

LETTERS = "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي"
CLITICS = ("و", "ف", "ب", "ل", "ك", *DEFINITE_PREFIXES)
_STEM_ALL = "import json, sys; from arsearch.analysis.stem import light_stem; " \
            "print(json.dumps([light_stem(w) for w in json.load(sys.stdin)]))"


def corpus_counts(folder: Path) -> dict[str, collections.Counter[str]]:
    """The count of each normalized word on each half."""
    counts: dict[str, collections.Counter[str]] = {h: collections.Counter() for h in HALVES}
    normal: dict[str, str] = {}
    sources, _ = discover([folder])
    for source in sources:
        for doc in read_documents(source):
            if isinstance(doc, Document):
                counts[half_of(doc.source)].update(
                    normal.get(s) or normal.setdefault(s, normalize(s))
                    for s, _, _ in tokenize(f"{doc.title}\n{doc.content}"))
    return counts


def terms_of(words: list[str], tree: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, "-c", _STEM_ALL], input=json.dumps(words), env=env, cwd=tree,
                         capture_output=True, text=True, check=True).stdout
    return dict(zip(words, json.loads(out), strict=True))


def near(word: str) -> set[str]:
    """Words one letter or one clitic away from ``word``."""
    out = {word[:i] + word[i + 1:] for i in range(len(word))}
    out |= {word[:i] + c + word[i:] for i in range(len(word) + 1) for c in LETTERS}
    out |= {word[:i] + c + word[i + 1:] for i in range(len(word)) for c in LETTERS}
    out |= {c + word for c in CLITICS} | {word[len(c):] for c in CLITICS if word.startswith(c)}
    out.discard(word)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--before", type=Path, required=True, help="a tree of the analyzer to compare with")
    parser.add_argument("--after", type=Path, default=Path(__file__).resolve().parents[1],
                        help="the tree of the analyzer under test (default: this checkout)")
    parser.add_argument("--examples", type=int, default=12)
    args = parser.parse_args()
    counts = corpus_counts(args.corpus)
    words = sorted(set(counts["mining"]) | set(counts["held-out"]))
    before, after = terms_of(words, args.before), terms_of(words, args.after)
    changed = {w for w in words if before[w] != after[w]}
    neighbours = {n for w in changed for n in near(w) if n in after and n not in changed}
    parted = {n for w in changed for n in near(w) if n in neighbours and before[n] == before[w] != after[w]}
    joined = {n for w in changed for n in near(w) if n in neighbours and after[n] == after[w] != before[n]}
    new_terms = {after[w] for w in changed}
    meets = {w for w in words if w not in changed and after[w] in new_terms}
    print("| half | changed types | changed tokens (share) | neighbour types | neighbour tokens | neighbours "
          "parted (types / tokens) | neighbours joined (types / tokens) | unchanged words sharing a new term "
          "(types / tokens) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for half in HALVES:
        c = counts[half]
        total = sum(c.values())

        def tokens(group: set[str], c: collections.Counter[str] = c) -> int:
            return sum(c[w] for w in group)

        seen = {w for w in c}
        print(f"| {half} | {len(changed & seen):,} | {tokens(changed):,} ({tokens(changed) / total:.2%}) | "
              f"{len(neighbours & seen):,} | {tokens(neighbours):,} | {len(parted & seen):,} / {tokens(parted):,} | "
              f"{len(joined & seen):,} / {tokens(joined):,} | {len(meets & seen):,} / {tokens(meets):,} |")
    every = counts["mining"] + counts["held-out"]
    print("\nmost frequent changed words (before → after):")
    for w in sorted(changed, key=lambda w: -every[w])[:args.examples]:
        print(f"  {w} ({every[w]}): {before[w]} → {after[w]}")
    for name, group in (("parted", parted), ("joined", joined)):
        print(f"most frequent neighbours {name}:")
        for n in sorted(group, key=lambda w: -every[w])[:args.examples]:
            print(f"  {n} ({every[n]}): {before[n]} → {after[n]}")


if __name__ == "__main__":
    main()
