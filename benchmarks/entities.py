"""Searching for a name: do the first page and the first R hits mention it?  arsearch against SQLite FTS5 and
Whoosh's StandardAnalyzer on SaudiNewsNet (issue 14).

    python -m benchmarks.entities [--corpus PATH] [--workdir DIR] [--configs a,b,...]

Each name of ``benchmarks/entities.tsv`` (countries, capitals, Saudi cities, organisations, clubs, people) is one
query, typed as a user would (البحرين, فرنسا, أوباما).  A document is relevant when a word of its content,
normalized but not stemmed, is one of the name's written forms: the forms of the file with every clitic prefix
(و ف ب ل ك, وال بال لل …) and, for a country, its nisba adjectives with their endings (ة ين ون ان تين تان ات).
So relevance is judged on the text, independently of any stemmer.  Metrics per name: P@10 and R-precision
(precision at rank R, R the number of relevant documents; R is capped at the run depth, the CLI's --limit
maximum of 10,000).  Names that are also common words (جدة, الرياض, المغرب, تركي …) are averaged separately.

The documents, engines and indexes are those of ``benchmarks/relevance.py`` (contents only, no titles), so the
two share the cached indexes when given the same ``--workdir``.  Each mean is also given on each half of the
held-out split (``benchmarks/evaluation/split.py``): the judgments and the ranking restricted to that half's
documents (the ranking of the whole index with the other half's documents left out).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from arsearch.analysis.normalize import normalize
from arsearch.analysis.tokenize import TOKEN_RE
from benchmarks.evaluation.corpus import Article, deduplicate, fingerprint, read_records
from benchmarks.evaluation.engines import (
    FTS5,
    ArsearchCli,
    Engine,
    WhooshStandard,
    fresh_dir,
    is_built,
    mark_built,
)
from benchmarks.evaluation.metrics import format_run
from benchmarks.evaluation.sample import Topic
from benchmarks.evaluation.split import HALVES, half_of
from benchmarks.relevance import (
    DEFAULT_CORPUS,
    DEFAULT_WORKDIR,
    elapsed,
    machine_description,
    write_documents,
)

NAMES_FILE = Path(__file__).resolve().parent / "entities.tsv"
#: ``arsearch query --limit`` takes at most this many hits, so R-precision looks at most this deep.
RUN_DEPTH = 10_000

CONFIGS: dict[str, Engine] = {
    "fts5": FTS5(),
    "whoosh-standard": WhooshStandard(),
    "arsearch": ArsearchCli("light"),
    "arsearch-tantivy": ArsearchCli("light", engine="tantivy"),
}
DEFAULT_CONFIGS = list(CONFIGS)

#: Clitics written onto a word without the article, and onto the article (ل + ال is written لل).
BARE_PROCLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك")
ARTICLE_PROCLITICS = ("ال", "وال", "فال", "بال", "كال", "لل", "ولل", "فلل", "وبال", "فبال", "وكال", "فكال")
#: Endings of a nisba adjective (فرنسي): feminine, plurals, duals.
NISBA_ENDINGS = ("", "ة", "ين", "ون", "ان", "تين", "تان", "ات")


@dataclass(frozen=True)
class Name:
    name: str
    kind: str
    ambiguous: str  # "" when the name is not also a common word
    query: str
    forms: frozenset[str]  # normalized written forms, clitics included


def with_clitics(form: str) -> list[str]:
    """``form`` with every proclitic it can take; ``form`` is normalized."""
    if form.startswith("ال"):
        return [p + form[2:] for p in ARTICLE_PROCLITICS]
    return [p + form for p in BARE_PROCLITICS]


def expand(forms: Iterable[str], nisbas: Iterable[str]) -> frozenset[str]:
    words = [normalize(f) for f in forms]
    for nisba in nisbas:
        words += [normalize(ending_form) for ending in NISBA_ENDINGS for ending_form in
                  (nisba + ending, "ال" + nisba + ending)]
    return frozenset(w for word in words for w in with_clitics(word))


def load_names(path: Path = NAMES_FILE) -> list[Name]:
    names = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, kind, ambiguous, query, forms, nisbas = line.split("\t")
        names.append(Name(name, kind, "" if ambiguous == "-" else ambiguous, query,
                          expand(forms.split(), [] if nisbas == "-" else nisbas.split())))
    return names


def judge(articles: Sequence[Article], names: Sequence[Name]) -> dict[str, set[str]]:
    """``{name: ids of the documents whose content has one of its forms}``."""
    owners: dict[str, list[str]] = {}
    for n in names:
        for form in n.forms:
            owners.setdefault(form, []).append(n.name)
    relevant: dict[str, set[str]] = {n.name: set() for n in names}
    normal: dict[str, str] = {}
    for a in articles:
        words = set()
        for surface in set(TOKEN_RE.findall(a.content)):
            word = normal.get(surface)
            if word is None:
                word = normal[surface] = normalize(surface)
            words.add(word)
        for word in words.intersection(owners):
            for name in owners[word]:
                relevant[name].add(a.id)
    return relevant


def precision_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """Share of the first ``k`` ranks holding a relevant document (a missing rank counts as not relevant)."""
    return sum(1 for doc in ranked[:k] if doc in relevant) / k if k else 0.0


def r_precision(ranked: Sequence[str], relevant: set[str], depth: int = RUN_DEPTH) -> float:
    return precision_at(ranked, relevant, min(len(relevant), depth))


def cached_judgments(articles: Sequence[Article], names: Sequence[Name], workdir: Path,
                     corpus_id: str) -> dict[str, set[str]]:
    """The judgments, kept in the workdir by corpus and names file (judging reads every document)."""
    key = fingerprint([Article(n.name, "", " ".join(sorted(n.forms))) for n in names])
    path = workdir / f"entity-qrels-{corpus_id}-{key}.json"
    if path.is_file():
        return {k: set(v) for k, v in json.loads(path.read_text(encoding="utf-8")).items()}
    relevant = judge(articles, names)
    path.write_text(json.dumps({k: sorted(v) for k, v in relevant.items()}, ensure_ascii=False), encoding="utf-8")
    return relevant


def ensure_index(engine: Engine, articles: Sequence[Article], workdir: Path, corpus_id: str,
                 docs_jsonl: Path) -> Path:
    index_dir = workdir / "indexes" / f"{engine.index_key}-{corpus_id}"
    if not is_built(index_dir):
        started = time.perf_counter()
        engine.build(articles, fresh_dir(index_dir), docs_jsonl)
        mark_built(index_dir, time.perf_counter() - started, len(articles))
    return index_dir


@dataclass(frozen=True)
class NameScores:
    p10: float
    rprec: float


def mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    workdir: Path = args.workdir
    out = workdir / "entities"
    out.mkdir(parents=True, exist_ok=True)
    print(machine_description())
    articles, counts = deduplicate(read_records(args.corpus))
    corpus_id = fingerprint(articles)
    docs_jsonl = write_documents(articles, workdir, corpus_id)
    names = load_names(args.names)
    relevant = cached_judgments(articles, names, workdir, corpus_id)
    print(f"corpus {args.corpus}: {counts.kept} documents; {len(names)} names "
          f"({sum(1 for n in names if n.ambiguous)} also common words) from {args.names}")
    depth = min(RUN_DEPTH, max(len(r) for r in relevant.values()))
    topics = [Topic(n.name, n.query, "") for n in names]

    scores: dict[str, dict[str, NameScores]] = {}
    half_scores: dict[str, dict[str, dict[str, NameScores]]] = {h: {} for h in HALVES}
    half = {a.id: half_of(a.source) for a in articles}
    for config in args.configs:
        engine = CONFIGS[config]
        print(f"[{elapsed(started)}] index {engine.index_key} ...", flush=True)
        index_dir = ensure_index(engine, articles, workdir, corpus_id, docs_jsonl)
        print(f"[{elapsed(started)}] running {config} to depth {depth} ...", flush=True)
        result = engine.run(topics, index_dir, depth, out)
        (out / f"{config}.run").write_text("".join(format_run(result.run, config)), encoding="utf-8")
        ranked = {qid: [doc for doc, _ in hits] for qid, hits in result.run.items()}
        scores[config] = {n.name: NameScores(precision_at(ranked.get(n.name, []), relevant[n.name], 10),
                                             r_precision(ranked.get(n.name, []), relevant[n.name]))
                          for n in names}
        for h in HALVES:
            kept = {qid: [doc for doc in docs if half[doc] == h] for qid, docs in ranked.items()}
            within = {name: {doc for doc in docs if half[doc] == h} for name, docs in relevant.items()}
            half_scores[h][config] = {n.name: NameScores(precision_at(kept.get(n.name, []), within[n.name], 10),
                                                         r_precision(kept.get(n.name, []), within[n.name]))
                                      for n in names}

    print()
    print(summary_table(names, scores))
    for h in HALVES:
        print(f"\nthe {h} half's documents only:\n")
        print(summary_table(names, half_scores[h]))
    print()
    print(per_name_table(names, relevant, scores))
    total = time.perf_counter() - started
    print(f"\ntotal wall time {total:.0f} s")
    (out / "results.json").write_text(json.dumps({
        "machine": machine_description(), "corpus_fingerprint": corpus_id, "documents": len(articles),
        "depth": depth, "relevant": {n.name: len(relevant[n.name]) for n in names},
        "scores": {c: {name: s.__dict__ for name, s in per.items()} for c, per in scores.items()},
        "halves": {h: {c: {name: s.__dict__ for name, s in per.items()} for c, per in half_scores[h].items()}
                   for h in HALVES},
    }, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


GROUPS = (("unambiguous names", lambda n: not n.ambiguous), ("names that are also common words",
                                                              lambda n: bool(n.ambiguous)), ("all names", None))


def summary_table(names: Sequence[Name], scores: dict[str, dict[str, NameScores]]) -> str:
    lines = ["| configuration | names | mean P@10 | mean R-precision | P@10 < 0.9 | R-precision < 0.9 |",
             "|---|---|---:|---:|---:|---:|"]
    for label, keep in GROUPS:
        group = [n for n in names if keep is None or keep(n)]
        for config, per in scores.items():
            got = [per[n.name] for n in group]
            lines.append(f"| {config} | {label} ({len(group)}) | {mean(s.p10 for s in got):.3f} | "
                         f"{mean(s.rprec for s in got):.3f} | {sum(1 for s in got if s.p10 < 0.9)} | "
                         f"{sum(1 for s in got if s.rprec < 0.9)} |")
    return "\n".join(lines)


def per_name_table(names: Sequence[Name], relevant: dict[str, set[str]],
                   scores: dict[str, dict[str, NameScores]]) -> str:
    header = ["name", "query", "common word", "R"] + [f"{c} {m}" for c in scores for m in ("P@10", "R-prec")]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * 3 + ["---:"] * (len(header) - 3)) + "|"]
    for n in names:
        cells = [f"{per[n.name].p10:.1f} | {per[n.name].rprec:.3f}" for per in scores.values()]
        lines.append(f"| {n.name} | {n.query} | {'yes' if n.ambiguous else ''} | {len(relevant[n.name])} | "
                     + " | ".join(cells) + " |")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of SaudiNewsNet *.zip files")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR,
                        help="indexes (shared with relevance.py), judgments and runs (default: benchmarks/work)")
    parser.add_argument("--names", type=Path, default=NAMES_FILE, help="the names file (default: entities.tsv)")
    parser.add_argument("--configs", default=",".join(DEFAULT_CONFIGS), type=lambda text: text.split(","),
                        help=f"comma-separated rows (default and known: {','.join(CONFIGS)})")
    args = parser.parse_args(argv)
    if set(args.configs) - set(CONFIGS):
        parser.error(f"--configs: known rows are {','.join(CONFIGS)}")
    return args


if __name__ == "__main__":
    sys.exit(main())
