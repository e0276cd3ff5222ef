"""Phrases match the same documents on every engine (issue 21): quoted phrases of 3 to 5 words taken from the
first 35 words of random articles (the lead, where the tantivy engine once broke positions), counted on two
indexes of the same articles, one per engine.

    PYTHONPATH=. python benchmarks/phrase_equality.py WHOOSH_INDEX TANTIVY_INDEX [--phrases 150] [--seed 5]

Prints each phrase whose counts differ, then how many agreed.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from arsearch import Index, search  # noqa: E402
from arsearch.analysis.tokenize import tokenize  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("first", type=Path)
    parser.add_argument("second", type=Path)
    parser.add_argument("--phrases", type=int, default=150)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    with Index.open(args.first) as first, Index.open(args.second) as second:
        rng = random.Random(args.seed)
        same = differ = 0
        for doc_id in rng.sample(sorted(first.stored_states()), args.phrases):
            words = [surface for surface, _, _ in tokenize((first.get(doc_id) or {})["content"])][:40]
            if len(words) < 6:
                continue
            size = rng.randint(3, 5)
            start = rng.randint(0, min(30, len(words) - size))
            query = '"' + " ".join(words[start:start + size]) + '"'
            counts = [search(ix, query, limit=1, collapse=False, suggest=False).total for ix in (first, second)]
            if counts[0] == counts[1]:
                same += 1
            else:
                differ += 1
                print(f"{first.engine_name} {counts[0]}, {second.engine_name} {counts[1]}: {query}")
        print(f"{same} phrases matched as many documents on both, {differ} did not")


if __name__ == "__main__":
    main()
