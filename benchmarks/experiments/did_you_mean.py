"""Did you mean: how often arsearch suggests the right word first for realistic Arabic typos, against plain edit
distance ranked by frequency, symspellpy (symmetric-delete edit distance over the same written words, ranked
by distance then frequency) and Whoosh's own corrector, in the same run on the same index and cases.

    python -m benchmarks.experiments.did_you_mean --index /tmp/arsearch-speed/arsearch-index [--seed 42]

symspellpy is the peer of ``pip install symspellpy``; its dictionary is the index's words as written with their
document counts (the ``spelling`` terms, :mod:`arsearch.index.words`), the words arsearch suggests from. One-word
typos go to ``lookup(typo, Verbosity.CLOSEST, 2)``, typos with a space or a missing one to
``lookup_compound(typo, 2)`` (``--symspell-distance``: another maximum distance).

Words: 200 distinct headline words of the index (4-12 letters after normalization, Arabic letters only, no
stopwords), stratified by document frequency: 50 each from 1-9, 10-99, 100-999 and 1000+ documents (seeded).
Each word gets one typo of every kind that applies to it (seeded; all written to ``did_you_mean_cases.tsv``):
variants the analyzer folds (ة/ه, ى/ي, hamza on alef, ال dropped or added) and typos that survive
normalization (one deletion, an inserted neighbouring key, a neighbouring key, a sound-alike letter, two
letters swapped, a dropped hamza seat ؤ→و / ئ→ي, a missing space before the next headline word, an extra
space inside the word).

"Right" means the suggested query analyzes to the terms of the original text (so it finds the same
documents). A typo that analyzes to the original term needs no suggestion; it counts as found only if searching
it gives the same total and top 10 as the original. The false-suggestion rate is measured on the 200 untouched
words and on the 200 headlines they come from.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from arsearch import Index, search
from arsearch.analysis import normalize
from arsearch.analysis.tokenize import TOKEN_RE
from arsearch.index.words import SEPARATOR
from arsearch.search.spelling import (
    UNIFORM_COSTS, IndexVocabulary, Policy, Speller, correct_query, correct_text, keyboard_neighbours,
)

CASES_FILE = Path(__file__).resolve().parent / "did_you_mean_cases.tsv"
BANDS = ((1, 9), (10, 99), (100, 999), (1000, 10**9))
PER_BAND = 50
LETTERS = "ءابتثجحخدذرزسشصضطظعغفقكلمنهوي"
STRIP = str.maketrans({c: None for c in "\u0640" + "".join(chr(c) for c in range(0x064B, 0x0660)) + "\u0670"})
#: The sound-alike pairs users confuse (both directions).
SOUND_ALIKE = ("ضظ", "ذز", "ثس", "صس", "طت", "قك", "حه", "دذ")
#: The keys around each key of the Arabic keyboard, as typed (ة, ى, ؤ, ئ included).
KEYS = keyboard_neighbours(fold=False)
FOLDED = ("ة↔ه", "ى↔ي", "hamza on alef", "ال dropped/added")
TYPOS = ("deletion", "insertion (near key)", "substitution (near key)", "substitution (sound-alike)",
         "transposition", "hamza seat", "missing space", "extra space")


@dataclass(frozen=True)
class Word:
    surface: str
    following: str  # the next headline word (for the missing-space typo), or ""
    frequency: int
    headline: str


@dataclass(frozen=True)
class Case:
    word: Word
    kind: str
    typo: str  # the query as typed

    @property
    def intended(self) -> str:
        """What the user meant to type."""
        return f"{self.word.surface} {self.word.following}" if self.kind == "missing space" else self.word.surface


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def sample_words(index: Index, vocabulary: IndexVocabulary, seed: int) -> list[Word]:
    analyzer = index.analyzer
    seen: dict[str, Word] = {}
    snapshot = index.snapshot()
    for stored in (snapshot.get(doc_id, content=False) or {} for doc_id in sorted(index.stored_states())):
        title = " ".join(str(stored.get("title") or "").split())
        tokens = [m.group().translate(STRIP) for m in TOKEN_RE.finditer(title)]
        for i, surface in enumerate(tokens):
            terms = analyzer.terms_of(surface)
            if (surface in seen or not all("\u0621" <= ch <= "\u064a" for ch in surface)
                    or not 4 <= len(normalize(surface)) <= 12 or len(terms) != 1 or terms[0][1]):
                continue
            following = tokens[i + 1] if i + 1 < len(tokens) and all(
                "\u0621" <= ch <= "\u064a" for ch in tokens[i + 1]) and len(tokens[i + 1]) > 1 else ""
            seen[surface] = Word(surface, following, vocabulary.frequency(terms[0][0]), title)
    rnd = random.Random(seed)
    words: list[Word] = []
    for low, high in BANDS:
        band = sorted((w for w in seen.values() if low <= w.frequency <= high), key=lambda w: w.surface)
        words.extend(rnd.sample(band, PER_BAND))
    return words


def make_typo(word: Word, kind: str, rnd: random.Random) -> str | None:
    w = word.surface
    n = len(w)
    positions = list(range(n))
    rnd.shuffle(positions)
    if kind == "ة↔ه":
        return w[:-1] + {"ة": "ه", "ه": "ة"}[w[-1]] if w[-1] in "ةه" else None
    if kind == "ى↔ي":
        return w[:-1] + {"ى": "ي", "ي": "ى"}[w[-1]] if w[-1] in "ىي" else None
    if kind == "hamza on alef":
        i = next((i for i in positions if w[i] in "أإآ"), None)
        return w[:i] + "ا" + w[i + 1:] if i is not None else None
    if kind == "ال dropped/added":
        return w[2:] if w.startswith("ال") and n >= 5 else "ال" + w
    if kind == "deletion":
        return w[:positions[0]] + w[positions[0] + 1:]
    if kind == "insertion (near key)":
        i = positions[0]
        near = sorted(KEYS.get(w[i], ()))
        return w[:i + 1] + rnd.choice(near) + w[i + 1:] if near else None
    if kind == "substitution (near key)":
        i = next((i for i in positions if KEYS.get(w[i])), None)
        return w[:i] + rnd.choice(sorted(KEYS[w[i]])) + w[i + 1:] if i is not None else None
    if kind == "substitution (sound-alike)":
        options = [(i, b) for i in positions for a, b in (p for pair in SOUND_ALIKE for p in (pair, pair[::-1]))
                   if w[i] == a]
        return w[:options[0][0]] + options[0][1] + w[options[0][0] + 1:] if options else None
    if kind == "transposition":
        i = next((i for i in positions if i + 1 < n and w[i] != w[i + 1]), None)
        return w[:i] + w[i + 1] + w[i] + w[i + 2:] if i is not None else None
    if kind == "hamza seat":
        i = next((i for i in positions if w[i] in "ؤئ"), None)
        return w[:i] + {"ؤ": "و", "ئ": "ي"}[w[i]] + w[i + 1:] if i is not None else None
    if kind == "missing space":
        return w + word.following if word.following else None
    if kind == "extra space":
        i = rnd.randrange(2, n - 1)
        return w[:i] + " " + w[i:]
    raise ValueError(kind)


def make_cases(words: list[Word], seed: int) -> list[Case]:
    cases = []
    for n, word in enumerate(words):
        rnd = random.Random(seed * 100_003 + n)
        for kind in FOLDED + TYPOS:
            typo = make_typo(word, kind, rnd)
            if typo is not None and typo != word.surface:
                cases.append(Case(word, kind, typo))
    return cases


def terms(index: Index, text: str) -> list[str]:
    return index.analyzer.query_terms(text)


def same_documents(index: Index, a: str, b: str) -> bool:
    first, second = search(index, a, suggest=False), search(index, b, suggest=False)
    return first.total == second.total and [h.id for h in first.hits] == [h.id for h in second.hits]


Outcome = str  # "found" (no suggestion needed), "first", "top3", "wrong", "none"


def judge(index: Index, speller: Speller, case: Case) -> tuple[Outcome, float]:
    """What ``speller`` makes of ``case`` and the seconds :func:`correct_query` took."""
    started = time.perf_counter()
    fixed = correct_query(speller, case.typo)
    elapsed = time.perf_counter() - started
    want = terms(index, case.intended)
    if terms(index, case.typo) == want:
        return ("found" if fixed is None and same_documents(index, case.typo, case.intended) else "wrong"), elapsed
    if fixed is not None and terms(index, fixed[0]) == want:
        return "first", elapsed
    if " " not in case.typo and " " not in case.intended:
        top = [terms(index, c.text) for c in speller.correct(case.typo, limit=3)]
        if want in top:
            return "top3", elapsed
    return ("none" if fixed is None else "wrong"), elapsed


def judge_whoosh(index: Index, corrector: object, case: Case) -> tuple[Outcome, float]:
    """Whoosh's ``searcher.corrector("content").suggest`` on the typo's term (edit distance 1 over the index's
    stems, ranked by distance then frequency)."""
    typo_terms, want = terms(index, case.typo), terms(index, case.intended)
    if typo_terms == want:
        return "found", 0.0
    started = time.perf_counter()
    found = corrector.suggest(typo_terms[0], limit=3, maxdist=1) if len(typo_terms) == 1 else []  # type: ignore
    elapsed = time.perf_counter() - started
    if found and [found[0]] == want:
        return "first", elapsed
    return ("top3" if [want[0]] in [[f] for f in found] and len(want) == 1 else
            "none" if not found else "wrong"), elapsed


def judge_symspell(index: Index, symspell: object, distance: int, case: Case) -> tuple[Outcome, float]:
    """symspellpy's suggestion for ``case``: ``lookup`` (closest, then commonest) for one word, ``lookup_compound``
    (splits and joins too) for the space typos.  A typo that already has the meant terms is found when symspellpy
    keeps it or respells it to the same terms (a respelling is harmless there)."""
    from symspellpy import Verbosity  # type: ignore[import-untyped]

    want = terms(index, case.intended)
    compound = " " in case.typo or case.kind == "missing space"
    started = time.perf_counter()
    if compound:
        found = [item.term for item in symspell.lookup_compound(case.typo, distance)[:1]]  # type: ignore[attr-defined]
    else:
        found = [item.term for item in symspell.lookup(case.typo, Verbosity.CLOSEST, distance)[:3]]  # type: ignore
    elapsed = time.perf_counter() - started
    if terms(index, case.typo) == want:  # as for arsearch: no suggestion needed, and none that changes the terms
        unchanged = not found or terms(index, found[0]) == want
        return ("found" if unchanged and same_documents(index, case.typo, case.intended) else "wrong"), elapsed
    if not found or found[0] == case.typo:
        return "none", elapsed
    if terms(index, found[0]) == want:
        return "first", elapsed
    return ("top3" if any(terms(index, f) == want for f in found[1:]) else "wrong"), elapsed


def twenty_typo_queries(cases: list[Case], real: set[Case], count: int, seed: int) -> list[str]:
    """``count`` queries of 20 one-word typos that are not indexed words (seeded)."""
    pool = [c.typo for c in cases if c.kind in TYPOS and c not in real and " " not in c.typo]
    rnd = random.Random(seed)
    return [" ".join(rnd.sample(pool, 20)) for _ in range(count)]


#: The row of the typos that are not indexed words: the ones a did-you-mean for unknown words is for.
NOT_REAL = "typos not indexed words"


def summarize(outcomes: list[tuple[Case, Outcome]], real: set[Case]) -> dict[str, tuple[int, int, int, int]]:
    """Per kind: cases, found without suggestion, right first, right in the top 3 (first included)."""
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for case, outcome in outcomes:
        keys = [case.kind, "all typos" if case.kind in TYPOS else "all folded variants"]
        if case.kind in TYPOS and case not in real:
            keys.append(NOT_REAL)
        for key in keys:
            row = rows[key]
            row[0] += 1
            row[1] += outcome == "found"
            row[2] += outcome == "first"
            row[3] += outcome in ("first", "top3")
    return {k: (v[0], v[1], v[2], v[3]) for k, v in rows.items()}


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def run(index: Index, make: Callable[[], Speller],
        cases: list[Case]) -> tuple[list[tuple[Case, Outcome]], list[float]]:
    """Each case with a new speller (as each search() makes one): no word frequency is cached across cases."""
    outcomes, times = [], []
    for case in cases:
        outcome, elapsed = judge(index, make(), case)
        outcomes.append((case, outcome))
        times.append(elapsed)
    return outcomes, times


def real_words(speller: Speller, cases: list[Case]) -> set[Case]:
    """The cases whose typo is made only of indexed words, not the intended terms."""
    return {case for case in cases
            if all(speller.word_frequency(w) for w in case.typo.split()) and terms_differ(speller, case)}


def terms_differ(speller: Speller, case: Case) -> bool:
    return speller.analyzer.query_terms(case.typo) != speller.analyzer.query_terms(case.intended)


def false_suggestions(speller: Speller, texts: list[str]) -> int:
    return sum(correct_query(speller, text) is not None for text in texts)


def make_symspell(index: Index, distance: int) -> object | None:
    """symspellpy over the index's written words and their document counts; None when it is not installed."""
    if distance <= 0:
        return None
    try:
        from symspellpy import SymSpell  # type: ignore[import-untyped]
    except ImportError:
        print("symspellpy is not installed: its column is left out", file=sys.stderr)
        return None
    counts = [(term.partition(SEPARATOR)[2], count) for term, count in index.snapshot().terms("spelling")]
    started = time.perf_counter()
    symspell = SymSpell(max_dictionary_edit_distance=distance)
    for word, count in counts:
        symspell.create_dictionary_entry(word, count)
    print(f"symspellpy: {len(counts)} words, dictionary built in {time.perf_counter() - started:.1f} s")
    return symspell


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=Path("/tmp/arsearch-speed/arsearch-index"))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--whoosh-cases", type=int, default=150,
                        help="typo cases (seeded sample) for Whoosh's corrector, about 1 s each; 0 skips it")
    parser.add_argument("--cases-out", type=Path, default=CASES_FILE)
    parser.add_argument("--policies", nargs="*", default=[], metavar="U,J",
                        help="also run Policy(unwritten_ratio=U, join_ratio=J) for each U,J")
    parser.add_argument("--symspell-distance", type=int, default=2, help="symspellpy's max edit distance; 0 skips it")
    args = parser.parse_args()
    if not Index.exists(args.index):
        print(f"no arsearch index at {args.index}: run `arsearch index ../shared/corpus/saudinewsnet/` first",
              file=sys.stderr)
        return 2
    with Index.open(args.index) as index:
        snapshot = index.snapshot()
        vocabulary = IndexVocabulary(snapshot)
        words = sample_words(index, vocabulary, args.seed)
        cases = make_cases(words, args.seed)
        args.cases_out.write_text("".join(f"{c.word.surface}\t{c.word.frequency}\t{c.kind}\t{c.typo}\n"
                                          for c in cases), encoding="utf-8")
        print(f"{args.index}: {index.document_count()} documents; {len(words)} words (seed {args.seed}), "
              f"{len(cases)} cases written to {args.cases_out}")
        print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load {os.getloadavg()[0]:.2f}")

        spellers: dict[str, Callable[[], Speller]] = {
            "arsearch": lambda: Speller(index.analyzer, vocabulary),
            "edit distance 1 by frequency": lambda: Speller(index.analyzer, vocabulary, costs=UNIFORM_COSTS),
            "arsearch, only unknown terms": lambda: Speller(
                index.analyzer, vocabulary, policy=Policy(unwritten_ratio=0, join_ratio=0)),
        }
        for variant in args.policies:
            unwritten, joins = (float(x) for x in variant.split(","))
            spellers[f"arsearch, unwritten x{unwritten:g}, joins x{joins:g}"] = (
                lambda u=unwritten, j=joins: Speller(index.analyzer, vocabulary,
                                                     policy=Policy(unwritten_ratio=u, join_ratio=j)))
        real = real_words(Speller(index.analyzer, vocabulary), cases)
        results = {}
        for name, make in spellers.items():
            outcomes, times = run(index, make, cases)
            untouched = false_suggestions(make(), [w.surface for w in words])
            headlines = false_suggestions(make(), sorted({w.headline for w in words}))
            results[name] = (summarize(outcomes, real), times, untouched, headlines)
        symspell = make_symspell(index, args.symspell_distance)
        if symspell is not None:
            distance = args.symspell_distance
            peer = [judge_symspell(index, symspell, distance, c) for c in cases]
            changed = [symspell.lookup_compound(t, distance)[0].term != t  # type: ignore[attr-defined]
                       for t in [w.surface for w in words] + sorted({w.headline for w in words})]
            results[f"symspellpy (distance {args.symspell_distance})"] = (
                summarize([(c, o) for c, (o, _) in zip(cases, peer)], real), [t for _, t in peer],
                sum(changed[:len(words)]), sum(changed[len(words):]))

        print("\ntop-1 = the right word suggested first; top-3 = among the first three; found = the typo needs no "
              "suggestion (same terms, same total and top 10)")
        kinds = [*FOLDED, "all folded variants", *TYPOS, "all typos", NOT_REAL]
        names = list(results)
        real_counts = summarize([(c, "found") for c in real], real)
        print("real word = the typo is itself an indexed word (another term), so no default suggestion is made")
        print(f"\n{'kind':28} {'cases':>5} {'real word':>9}  " + "  ".join(f"{n[:30]:>30}" for n in names))
        print(f"{'':28} {'':>5} {'':>9}  " + "  ".join(f"{'found  top-1  top-3':>30}" for _ in names))
        for kind in kinds:
            cells = []
            for name in names:
                count, found, first, top3 = results[name][0].get(kind, (0, 0, 0, 0))
                cells.append(f"{pct(found, count)} {pct(first, count)} {pct(top3, count)}")
            count = results[names[0]][0].get(kind, (0,))[0]
            real_share = pct(real_counts.get(kind, (0,))[0], count)
            print(f"{kind:28} {count:>5} {real_share:>9}  " + "  ".join(f"{c:>30}" for c in cells))
        print(f"\n{'false suggestions':38}  " + "  ".join(
            f"{f'{r[2]}/{len(words)} words, {r[3]}/{len({w.headline for w in words})} headlines':>30}"
            for r in results.values()))
        print(f"{'correct_query p50 / p95 (ms)':38}  " + "  ".join(
            f"{f'{1000 * percentile(r[1], .5):.1f} / {1000 * percentile(r[1], .95):.1f}':>30}"
            for r in results.values()))

        if args.whoosh_cases:
            typo_cases = [c for c in cases if c.kind in TYPOS and c.kind not in ("missing space", "extra space")]
            sample = random.Random(args.seed).sample(typo_cases, min(args.whoosh_cases, len(typo_cases)))
            # the peer is Whoosh's own corrector: the raw Whoosh searcher of the snapshot (WhooshSnapshot.searcher)
            corrector = snapshot.searcher.corrector("content")  # type: ignore[attr-defined]
            peer = [judge_whoosh(index, corrector, c) for c in sample]
            ours, our_times = run(index, spellers["arsearch"], sample)
            print(f"\nsingle-word typos (no space typos), {len(sample)} cases (seeded sample), same cases:")
            print(f"{'':38} {'found':>6} {'top-1':>6} {'top-3':>6} {'p50 ms':>8} {'p95 ms':>8}")
            for label, outcomes, times in (
                    ("Whoosh corrector (stems, distance 1)", [(c, o) for c, (o, _) in zip(sample, peer)],
                     [t for _, t in peer]),
                    ("arsearch", ours, our_times)):
                row = summarize(outcomes, real)["all typos"]
                print(f"{label:38} {pct(row[1], row[0]):>6} {pct(row[2], row[0]):>6} {pct(row[3], row[0]):>6} "
                      f"{1000 * percentile(times, .5):8.1f} {1000 * percentile(times, .95):8.1f}")

        queries = twenty_typo_queries(cases, real, 20, args.seed)
        fixes, took = [], []
        for query in queries:
            started = time.perf_counter()
            fixes.append(correct_text(Speller(index.analyzer, vocabulary), query))
            took.append(1000 * (time.perf_counter() - started))
        print(f"\n{len(queries)} queries of 20 misspelled words (typos that are not indexed words), default budget: "
              f"correct_text p50 / max {percentile(took, .5):.1f} / {max(took):.1f} ms, "
              f"{sum(f.partial for f in fixes)} partial, "
              f"{sum(len(f.changed) for f in fixes) / len(fixes):.1f} words corrected on average")

        typos = [c.typo for c in cases if c.kind in TYPOS][:300]
        for query in typos[:20]:
            search(index, query)
        timings: dict[bool, list[float]] = {False: [], True: []}
        for query in typos:
            for suggest in (False, True):
                started = time.perf_counter()
                search(index, query, suggest=suggest)
                timings[suggest].append(1000 * (time.perf_counter() - started))
        print(f"\nsearch() of {len(typos)} typo queries, p50 / p95 ms: suggest=False "
              f"{percentile(timings[False], .5):.1f} / {percentile(timings[False], .95):.1f}, suggest=True "
              f"{percentile(timings[True], .5):.1f} / {percentile(timings[True], .95):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
