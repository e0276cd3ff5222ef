"""Phrases match the same documents on every engine (issue 21): quoted phrases of 3 to 5 words (``--words``)
taken from the first 35 words of random articles (the lead, where the tantivy engine once broke positions),
searched on two indexes of the same articles, one per engine, and the ids of every match compared.

    python -m benchmarks.experiments.phrase_equality WHOOSH_INDEX TANTIVY_INDEX [--phrases 150] [--seed 5]
        [--words 3-5]

Prints each phrase whose matches differ, then how many agreed.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from arsearch import Index, search
from arsearch.analysis.tokenize import tokenize


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("first", type=Path)
    parser.add_argument("second", type=Path)
    parser.add_argument("--phrases", type=int, default=150)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--words", default="3-5", help="the phrases' length in words, as LOW-HIGH or N")
    args = parser.parse_args()
    low, _, high = args.words.partition("-")
    shortest, longest = int(low), int(high or low)
    with Index.open(args.first) as first, Index.open(args.second) as second:
        rng = random.Random(args.seed)
        same = differ = 0
        for doc_id in rng.sample(sorted(first.stored_states()), args.phrases):
            words = [surface for surface, _, _ in tokenize((first.get(doc_id) or {})["content"])][:40]
            if len(words) < 6:
                continue
            size = rng.randint(shortest, longest)
            start = rng.randint(0, min(30, len(words) - size))
            query = '"' + " ".join(words[start:start + size]) + '"'
            found = [matches(ix, query) for ix in (first, second)]
            if found[0] == found[1]:
                same += 1
            else:
                differ += 1
                print(f"{first.engine_name} {len(found[0])}, {second.engine_name} {len(found[1])}, "
                      f"{len(found[0] ^ found[1])} not on both: {query}")
        print(f"{same} phrases matched the same documents on both, {differ} did not")


def matches(index: Index, query: str) -> set[str]:
    """The ids of every document ``query`` matches."""
    total = search(index, query, limit=1, collapse=False, suggest=False).total
    return {hit.id for hit in search(index, query, limit=max(total, 1), collapse=False, suggest=False,
                                     snippet_width=0).hits}


if __name__ == "__main__":
    main()
