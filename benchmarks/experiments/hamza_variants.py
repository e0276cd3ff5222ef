"""Which way to fold ؤ and ئ?  Measures on SaudiNewsNet what each choice merges.

For each option the corpus vocabulary (normalized by arsearch with ؤ/ئ left alone) is grouped by the folded
form; a group of two or more distinct words is a merge.  Prints the number of merged groups, the tokens they
hold, and the largest groups, so a person can judge whether merges join spelling variants of one word
(good) or different words (bad).

    python -m benchmarks.experiments.hamza_variants [../shared/corpus/saudinewsnet]
"""

from __future__ import annotations

import collections
import sys
from pathlib import Path

from arsearch.analysis.chars import HAMZA, WAW, WAW_HAMZA, YEH, YEH_HAMZA
from arsearch.analysis.normalize import normalize
from arsearch.analysis.tokenize import tokenize
from arsearch.documents import Document
from arsearch.ingest.sources import discover, read_documents

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "saudinewsnet"
#: Undo arsearch's own fold so both options start from the same vocabulary.
OPTIONS = {
    "to waw/yeh (ؤ→و, ئ→ي)": str.maketrans({WAW_HAMZA: WAW, YEH_HAMZA: YEH}),
    "to hamza (ؤ→ء, ئ→ء) [chosen]": str.maketrans({WAW_HAMZA: HAMZA, YEH_HAMZA: HAMZA}),
}


def vocabulary(folder: Path) -> collections.Counter[str]:
    counts: collections.Counter[str] = collections.Counter()
    sources, _ = discover([folder])
    for source in sources:
        for doc in read_documents(source):
            if not isinstance(doc, Document):
                continue
            # keep ؤ/ئ: normalize each token, then restore the carrier letters from the surface
            for surface, _, _ in tokenize(doc.content):
                word = normalize(surface.replace(WAW_HAMZA, "\uE001").replace(YEH_HAMZA, "\uE002"))
                counts[word.replace("\uE001", WAW_HAMZA).replace("\uE002", YEH_HAMZA)] += 1
    return counts


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS
    counts = vocabulary(folder)
    print(f"vocabulary: {len(counts)} distinct words, {sum(counts.values())} tokens")
    for label, table in OPTIONS.items():
        groups: dict[str, list[tuple[int, str]]] = collections.defaultdict(list)
        for word, n in counts.items():
            groups[word.translate(table)].append((n, word))
        merged = {k: sorted(v, reverse=True) for k, v in groups.items() if len(v) > 1}
        tokens = sum(n for v in merged.values() for n, _ in v)
        print(f"\n{label}: {len(merged)} merged groups holding {tokens} tokens; largest:")
        for members in sorted(merged.values(), key=lambda v: -sum(n for n, _ in v))[:15]:
            print("   ", "  ".join(f"{w} ({n})" for n, w in members[:4]))


if __name__ == "__main__":
    main()
