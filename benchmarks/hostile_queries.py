"""Hostile queries through the Python API (issue 16): the time of each, one at a time, on two checkouts of arsearch
in the same run, so "before" and "after" share the machine's load.

    .venv/bin/python -m benchmarks.hostile_queries --index DIR [--corpus DIR] [--before CHECKOUT] [--repeat 3]

1. The cases (fixed seed, built from the corpus): 20 words unknown to the index; 1,000 and 300 words pasted from
   articles (the first 1,000 the term limit accepts); as many distinct words as the 1,024 term look-ups allow; a
   phrase of five stopwords; long phrases of common words; 40 typos; 500 and 3,000 ORs; deep parentheses;
   repeated ``-`` and ``+``; five required stopwords; a 1 MB query string.  Typos are corpus words with letters
   swapped, kept only when the index lacks their term.
2. Each checkout (``--before``, default none; and this one) runs every case ``--repeat`` times in a child process
   (``search(ix, q, limit=10)``, did-you-mean on, as the CLI and server call it) after one unmeasured warm-up
   search, and reports each run's seconds, whether the answer was partial, or the error it raised.
3. Prints a Markdown table: p50 and max seconds per case and checkout, the ratio after/before, and the
   load average.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "saudinewsnet"
SEED = 16
STOPWORDS = ("في", "من", "على", "إلى", "عن")
COMMON = ("المملكة", "العربية", "السعودية", "وزارة", "الملك", "الأمير", "مجلس", "الوزراء", "خادم", "الحرمين")
_ARABIC_WORD = re.compile(r"^[\u0621-\u064a]{3,}$")


def corpus_words(corpus: Path, count: int) -> list[str]:
    """Arabic words of real articles, in their order, from a fixed sample of articles."""
    sys.path.insert(0, str(REPO_ROOT))
    from benchmarks.evaluation.corpus import read_records

    articles = [a for _, a in zip(range(3000), read_records(corpus))]
    rng = random.Random(SEED)
    rng.shuffle(articles)
    words: list[str] = []
    for article in articles:
        words.extend(w for w in article.content.split() if _ARABIC_WORD.match(w))
        if len(words) >= count:
            break
    return words[:count]


def typos(words: list[str], index: Path, count: int) -> list[str]:
    """Corpus words with two letters swapped and one doubled, kept when the index does not know their term."""
    from arsearch import Index

    rng = random.Random(SEED + 1)
    found: list[str] = []
    with Index.open(index) as ix:
        snapshot = ix.snapshot()
        for word in words:
            if len(word) < 5:
                continue
            i = rng.randrange(1, len(word) - 2)
            typo = word[:i] + word[i + 1] + word[i] + word[i + 1:]
            terms = ix.analyzer.terms_of(typo)
            if len(terms) == 1 and not any(snapshot.has_term(f, terms[0][0]) for f in ("title", "content")):
                found.append(typo)
                if len(found) == count:
                    break
    return found


def lookups(text: str) -> int:
    """Term look-ups the query needs (what the compiler limits), or a number over the limit when refused."""
    from arsearch.analysis import Analyzer
    from arsearch.engine.api import leaves
    from arsearch.errors import QueryError
    from arsearch.search.compiler import MAX_QUERY_TERMS, QueryCompiler

    try:
        return sum(1 for _ in leaves(QueryCompiler(Analyzer()).compile(text)[0]))
    except QueryError:
        return MAX_QUERY_TERMS + 1


def accepted_window(words: list[str], size: int) -> str:
    """The first ``size`` consecutive corpus words (at a multiple of ``size``) the term limit accepts."""
    from arsearch.search.compiler import MAX_QUERY_TERMS

    for start in range(0, len(words) - size, size // 4):
        text = " ".join(words[start:start + size])
        if lookups(text) <= MAX_QUERY_TERMS:
            return text
    raise SystemExit(f"no window of {size} words within the term limit")


def up_to_the_limit(words: list[str]) -> str:
    """Corpus words of distinct terms, as many as the term limit accepts: 1,024 look-ups, two (title and content)
    per term."""
    from arsearch.analysis import Analyzer
    from arsearch.search.compiler import MAX_QUERY_TERMS

    analyzer = Analyzer()
    chosen: dict[str, str] = {}
    for word in words:
        tokens = analyzer.tokens(word)
        if len(tokens) == 1 and not tokens[0].stopword and tokens[0].term not in chosen:
            chosen[tokens[0].term] = word
            if len(chosen) * 2 == MAX_QUERY_TERMS:
                break
    text = " ".join(chosen.values())
    assert lookups(text) == MAX_QUERY_TERMS, lookups(text)
    return text


def cases(corpus: Path, index: Path) -> dict[str, str]:
    words = corpus_words(corpus, 20000)
    distinct = list(dict.fromkeys(words))
    wrong = typos(words, index, 40)
    return {
        "20 unknown words": " ".join(wrong[:20]),
        "40 words, every one a typo": " ".join(wrong),
        "300 pasted words": " ".join(words[:300]),
        "1,000 pasted words": accepted_window(words, 1000),
        "1,024 term look-ups (the limit)": up_to_the_limit(words),
        "phrase of five stopwords": '"' + " ".join(STOPWORDS) + '"',
        "long phrases of common words": " ".join(f'"{" ".join(COMMON)}"' for _ in range(3))
        + ' "' + " ".join(STOPWORDS * 8) + '"',
        "500 ORs": " OR ".join(distinct[:500]),
        "3,000 ORs (over the limit)": " OR ".join(distinct[:3000]),
        "deep parentheses (500)": "(" * 500 + "المملكة" + ")" * 500,
        "repeated - and +": " ".join(f"+{w} -{w}" for w in COMMON) + " " + "-" * 5000 + "+" * 5000,
        "five required stopwords": " ".join(f"+{w}" for w in STOPWORDS),
        "1 MB query string": (" ".join(words) + " ") * (1_000_000 // (len(" ".join(words)) + 1) + 1),
    }


def child(index: Path, queries: dict[str, str], repeat: int) -> dict[str, list[dict[str, object]]]:
    """Each case ``repeat`` times in this process: seconds, partial, error."""
    from arsearch import Index, search
    from arsearch.errors import ArsearchError

    runs: dict[str, list[dict[str, object]]] = {}
    with Index.open(index) as ix:
        search(ix, "المملكة العربية السعودية", limit=10)  # warm-up: the first search reads the columns
        for name, text in queries.items():
            runs[name] = []
            for _ in range(repeat):
                started = time.perf_counter()
                try:
                    results = search(ix, text, limit=10)
                    outcome = {"partial": bool(getattr(results, "partial", False)), "total": results.total,
                               "error": ""}
                except ArsearchError as exc:
                    outcome = {"partial": False, "total": 0, "error": f"{type(exc).__name__}: {str(exc)[:60]}"}
                except RecursionError:
                    outcome = {"partial": False, "total": 0, "error": "RecursionError"}
                outcome["seconds"] = time.perf_counter() - started
                runs[name].append(outcome)
                print(f"  {name}: {outcome}", file=sys.stderr)
    return runs


def run_checkout(checkout: Path, index: Path, queries_file: Path, repeat: int) -> dict[str, list[dict[str, object]]]:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    done = subprocess.run([sys.executable, __file__, "--child", str(queries_file), "--index", str(index),
                           "--repeat", str(repeat)], env=env, cwd=checkout, stdout=subprocess.PIPE, text=True,
                          check=True)
    return json.loads(done.stdout)


def summary(runs: list[dict[str, object]]) -> str:
    seconds = [float(r["seconds"]) for r in runs]  # type: ignore[arg-type]
    errors = {str(r["error"]) for r in runs if r["error"]}
    note = "error: " + "; ".join(sorted(errors)) if errors else ("partial" if any(r["partial"] for r in runs) else
                                                                 "complete")
    return f"{statistics.median(seconds):.3f} | {max(seconds):.3f} | {note}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--before", type=Path, help="another checkout of arsearch to compare with (e.g. main)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        queries = json.loads(args.child.read_text(encoding="utf-8"))
        print(json.dumps(child(args.index, queries, args.repeat)))
        return

    sys.path.insert(0, str(REPO_ROOT))
    queries = cases(args.corpus, args.index)
    queries_file = Path(f"/tmp/hostile-queries-{os.getpid()}.json")
    queries_file.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
    load_before = os.getloadavg()
    checkouts = ([("before", args.before)] if args.before else []) + [("after", REPO_ROOT)]
    results = {label: run_checkout(path, args.index, queries_file, args.repeat) for label, path in checkouts}
    queries_file.unlink()
    load_after = os.getloadavg()

    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, load average "
          f"{load_before[0]:.2f} before, {load_after[0]:.2f} after; {args.repeat} runs per case\n")
    header = " | ".join(f"{label} p50 s | {label} max s | {label} answer" for label, _ in checkouts)
    ratio = " | after/before max" if args.before else ""
    print(f"| case | query chars | {header}{ratio} |")
    print("|---|---:|" + "---:|---:|---|" * len(checkouts) + ("---:|" if args.before else ""))
    for name, text in queries.items():
        cells = " | ".join(summary(results[label][name]) for label, _ in checkouts)
        extra = ""
        if args.before:
            worst = {label: max(float(r["seconds"]) for r in results[label][name]) for label, _ in checkouts}
            extra = f" | ×{worst['after'] / worst['before']:.2f}"
        print(f"| {name} | {len(text):,} | {cells}{extra} |")


if __name__ == "__main__":
    main()
