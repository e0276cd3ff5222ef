"""Known-item relevance of arsearch against SQLite FTS5 and Whoosh on SaudiNewsNet (issue 3).

    python -m benchmarks.relevance [--corpus PATH] [--workdir DIR] [--configs a,b,...]

Loads the corpus, drops empty and duplicate contents, draws the fixed known-item sample (titles as queries, the
article as the one relevant document), builds each engine's index from the contents only (no titles), runs the
queries and prints one markdown table.  Indexes are cached in the workdir by configuration and corpus, so a rerun
only queries.  The workdir also gets the qrels, topics, batch file, TREC runs and per-query ranks.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sqlite3
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.evaluation.corpus import Article, deduplicate, fingerprint, read_records
from benchmarks.evaluation.engines import (
    FTS5,
    Tantivy,
    REPO_ROOT,
    ArsearchCli,
    ArsearchLeadWeight,
    ArsearchLibrary,
    Engine,
    WhooshStandard,
    fresh_dir,
    is_built,
    mark_built,
    write_batch,
)
from benchmarks.evaluation.metrics import Scores, evaluate, format_run, rank_of, reciprocal_rank, write_qrels
from benchmarks.evaluation.sample import DEFAULT_SEED, DEFAULT_SIZE, Topic, known_items
from benchmarks.evaluation.split import HALVES, half_of
from benchmarks.evaluation.stories import SAME_STORY, SHINGLE, Stories

from benchmarks.common.corpus import DEFAULT_CORPUS
DEFAULT_WORKDIR = REPO_ROOT / "benchmarks" / "work"
RUN_DEPTH = 100

DEFAULT_KEY = ArsearchCli("light").index_key

#: Every configuration, by row name.  Rows of the same ``index_key`` share one index.
CONFIGS: dict[str, Engine] = {
    "fts5": FTS5(),
    "whoosh-standard": WhooshStandard(),
    # optional peer, needs `pip install tantivy` (not a dependency of arsearch)
    "tantivy-arabic": Tantivy(),
    "arsearch": ArsearchCli("light"),
    "arsearch-stemmer-none": ArsearchCli("none"),
    # the same analysis on the tantivy engine (`pip install 'arsearch[fast]'`)
    "arsearch-tantivy": ArsearchCli("light", engine="tantivy"),
    # the same analysis on an OpenSearch cluster (ARSEARCH_OPENSEARCH_URL; ARSEARCH_OPENSEARCH_SHARDS for the shards)
    "arsearch-opensearch": ArsearchCli("light", engine="opensearch"),
    "arsearch-and": ArsearchLibrary(DEFAULT_KEY, {"operator": "and"}),
    "arsearch-coord-off": ArsearchLibrary(DEFAULT_KEY, {"coordination": None}),
    "arsearch-coord-0.5": ArsearchLibrary(DEFAULT_KEY, {"coordination": 0.5}),
    "arsearch-lead-off": ArsearchLeadWeight(0.0),
    "arsearch-lead-2": ArsearchLeadWeight(2.0),
    "arsearch-lead-8": ArsearchLeadWeight(8.0),
    # Not in the default set (coord 0.1 and 0.9 rank within 0.001 of the default 0.5; see RESULTS.md):
    "arsearch-coord-0.1": ArsearchLibrary(DEFAULT_KEY, {"coordination": 0.1}),
    "arsearch-coord-0.9": ArsearchLibrary(DEFAULT_KEY, {"coordination": 0.9}),
    "arsearch-raw-titles": ArsearchLibrary(DEFAULT_KEY, {}, raw_titles=True),
    "arsearch-inprocess": ArsearchLibrary(DEFAULT_KEY, {}),
}
TANTIVY_KEY = ArsearchCli("light", engine="tantivy").index_key
CONFIGS["arsearch-tantivy-inprocess"] = ArsearchLibrary(TANTIVY_KEY, {})
#: Rows named ``arsearch-prox-W-S`` or ``arsearch-tantivy-prox-W-S``: in-process, proximity pairs of boost W and
#: slop S (``Ranking(proximity=W, proximity_slop=S)``), on the Whoosh or the tantivy engine's index.
_PROXIMITY_ROW = re.compile(r"^arsearch(-tantivy)?-prox-([0-9.]+)-([0-9]+)$")
DEFAULT_CONFIGS = ["fts5", "whoosh-standard", "arsearch", "arsearch-stemmer-none", "arsearch-and",
                   "arsearch-coord-0.5", "arsearch-lead-off", "arsearch-lead-2"]
#: Queries on which the in-process path must rank exactly as ``arsearch query --batch`` did.
CONSISTENCY_QUERIES = 100
BASELINE = "fts5"


def configuration(name: str) -> Engine | None:
    """The row called ``name``: one of :data:`CONFIGS`, or a proximity row (:data:`_PROXIMITY_ROW`)."""
    if name in CONFIGS:
        return CONFIGS[name]
    match = _PROXIMITY_ROW.match(name)
    if match is None:
        return None
    key = TANTIVY_KEY if match.group(1) else DEFAULT_KEY
    return ArsearchLibrary(key, {"proximity": float(match.group(2)), "proximity_slop": int(match.group(3))})


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    workdir: Path = args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    unknown = [c for c in configs if configuration(c) is None]
    if unknown:
        print(f"unknown configuration(s) {', '.join(unknown)}; known: {', '.join(CONFIGS)}", file=sys.stderr)
        return 2

    print(machine_description())
    articles, topics = prepare(args.corpus, workdir, args.size, args.seed)
    corpus_id = fingerprint(articles)
    docs_jsonl = write_documents(articles, workdir, corpus_id)

    rows: dict[str, tuple[Scores, float]] = {}
    halves: dict[str, dict[str, Scores]] = {}
    spread: dict[str, float] = {}
    half = {a.id: half_of(a.source) for a in articles}
    stories = Stories({a.id: a.content for a in articles})
    story: dict[str, dict[str, tuple[float, float]]] = {}
    notes: dict[str, list[str]] = {}
    build_seconds: dict[str, float] = {}
    for name in configs:
        engine = configuration(name)
        assert engine is not None
        index_dir = workdir / "indexes" / f"{engine.index_key}-{corpus_id}"
        if not is_built(index_dir):
            builder = next((e for e in CONFIGS.values()
                            if e.index_key == engine.index_key and not isinstance(e, ArsearchLibrary)), engine)
            print(f"[{elapsed(started)}] building {engine.index_key} index ...", flush=True)
            t0 = time.perf_counter()
            builder.build(articles, fresh_dir(index_dir), docs_jsonl)
            build_seconds[engine.index_key] = time.perf_counter() - t0
            mark_built(index_dir, build_seconds[engine.index_key], len(articles))
            print(f"[{elapsed(started)}]   built in {build_seconds[engine.index_key]:.0f} s", flush=True)
        print(f"[{elapsed(started)}] running {name} ...", flush=True)
        result = engine.run(topics, index_dir, RUN_DEPTH, workdir)
        run_file = workdir / "runs" / f"{name}.run"
        run_file.parent.mkdir(exist_ok=True)
        run_file.write_text("".join(format_run(result.run, name)), encoding="utf-8")
        ranked = {qid: [doc for doc, _ in hits] for qid, hits in result.run.items()}
        qrels = {t.qid: {t.doc_id} for t in topics}
        rows[name] = (evaluate(ranked, qrels), result.mean_ms)
        halves[name] = {h: evaluate(ranked, {t.qid: {t.doc_id} for t in topics if half[t.doc_id] == h})
                        for h in HALVES}
        spread[name] = difference_error([[reciprocal_rank(ranked.get(t.qid, []), {t.doc_id}, 10) for t in topics
                                          if half[t.doc_id] == h] for h in HALVES])
        story_ranks = {t.qid: stories.story_rank(ranked.get(t.qid, []), t.doc_id) for t in topics}
        story[name] = {h: story_scores([story_ranks[t.qid] for t in topics if h == "whole" or half[t.doc_id] == h])
                       for h in ("whole", *HALVES)}
        notes[name] = [engine.how, *result.notes]
        write_ranks(workdir / "runs" / f"{name}.ranks.tsv", topics, ranked)
        s = rows[name][0]
        print(f"[{elapsed(started)}]   MRR@10 {s.mrr10:.3f}  R@10 {s.recall10:.3f}  R@100 {s.recall100:.3f}  "
              f"{result.mean_ms:.1f} ms/query", flush=True)

    if "arsearch" in rows and any(isinstance(configuration(n), ArsearchLibrary) for n in rows):
        index_dir = workdir / "indexes" / f"{DEFAULT_KEY}-{corpus_id}"
        check = check_in_process(topics[:CONSISTENCY_QUERIES], index_dir, workdir)
        print(f"[{elapsed(started)}] {check}", flush=True)
        notes["arsearch"].append(check)

    table = markdown_table(rows)
    total = time.perf_counter() - started
    print()
    print(table)
    print()
    print(halves_table(rows, halves, spread))
    print()
    print(story_table(rows, halves, story))
    print()
    for name in rows:
        print(f"- {name}: " + "; ".join(notes[name]))
    print(f"\ntotal wall time {total:.0f} s (index builds: "
          + (", ".join(f"{k} {v:.0f} s" for k, v in build_seconds.items()) or "all cached") + ")")
    (workdir / "results.json").write_text(json.dumps({
        "configs": {name: {**scores.__dict__, "mean_ms": ms, "notes": notes[name],
                           "halves": {h: s.__dict__ for h, s in halves[name].items()},
                           "story": {h: {"mrr10": m, "recall10": r} for h, (m, r) in story[name].items()}}
                    for name, (scores, ms) in rows.items()},
        "seed": args.seed, "sample": args.size, "documents": len(articles), "corpus_fingerprint": corpus_id,
        "build_seconds": build_seconds, "total_seconds": total, "machine": machine_description(),
    }, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


def check_in_process(topics: Sequence[Topic], index_dir: Path, workdir: Path) -> str:
    """Rank ``topics`` in-process with the default ranking and compare with the CLI's run file: the in-process
    rows are only comparable with the CLI row if this path ranks identically."""
    from benchmarks.evaluation.metrics import parse_run

    cli_run = parse_run((workdir / "runs" / "arsearch.run").read_text(encoding="utf-8").splitlines())
    result = ArsearchLibrary(DEFAULT_KEY, {}).run(topics, index_dir, RUN_DEPTH, workdir)
    same = sum(1 for t in topics if [d for d, _ in result.run[t.qid]] == cli_run.get(t.qid, []))
    return (f"consistency: in-process `search()` ranked {same} of the first {len(topics)} queries exactly as "
            f"`arsearch query --batch` did")


def machine_description() -> str:
    """When and where the run happens, for the results table."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')}; {cpu}, {os.cpu_count()} cores; Python "
            f"{platform.python_version()}; SQLite {sqlite3.sqlite_version}; {platform.platform()}")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of SaudiNewsNet *.zip files")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR,
                        help="where indexes, runs, qrels and topics go (default: benchmarks/work)")
    parser.add_argument("--configs", default=",".join(DEFAULT_CONFIGS),
                        help=f"comma-separated rows to run (default: {','.join(DEFAULT_CONFIGS)}); "
                             f"also known: {', '.join(c for c in CONFIGS if c not in DEFAULT_CONFIGS)}")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"sample seed (default {DEFAULT_SEED}, fixed before tuning; others only to check "
                             "sampling variance, in another --workdir)")
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE, help=f"known items (default {DEFAULT_SIZE})")
    return parser.parse_args(argv)


def elapsed(started: float) -> str:
    seconds = int(time.perf_counter() - started)
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def prepare(corpus: Path, workdir: Path, size: int, seed: int) -> tuple[list[Article], list[Topic]]:
    """Load and deduplicate the corpus, draw the sample and write qrels, topics and the batch file."""
    articles, counts = deduplicate(read_records(corpus))
    print(f"corpus {corpus}: {counts.records} records, {counts.empty} with empty content dropped, "
          f"{counts.duplicates} exact duplicate contents dropped, {counts.kept} documents kept")
    topics, sample = known_items(articles, size, seed)
    print(f"known-item sample: seed {sample.seed}; {sample.eligible} eligible articles (title of >= 3 words, "
          f"unique; {sample.short_titles} with shorter titles, {sample.repeated_titles} with repeated titles); "
          f"{sample.sampled} drawn")
    write_qrels(workdir / "qrels.txt", {t.qid: {t.doc_id} for t in topics})
    (workdir / "topics.tsv").write_text("".join(f"{t.qid}\t{t.doc_id}\t{t.title}\n" for t in topics),
                                        encoding="utf-8")
    write_batch(workdir / "queries.tsv", topics)
    return articles, topics


def write_documents(articles: Sequence[Article], workdir: Path, corpus_id: str) -> Path:
    """The documents as JSON lines with ``id`` and ``content`` only: what ``arsearch index`` reads (no titles)."""
    path = workdir / f"docs-{corpus_id}.jsonl"
    if not path.is_file():
        tmp = path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as out:
            for a in articles:
                out.write(json.dumps({"id": a.id, "content": a.content}, ensure_ascii=False) + "\n")
        tmp.replace(path)
    return path


def write_ranks(path: Path, topics: Sequence[Topic], ranked: dict[str, list[str]]) -> None:
    """``qid, doc_id, rank of the relevant document (or -), title`` for looking at misses."""
    lines = []
    for t in topics:
        rank = rank_of(ranked.get(t.qid, []), {t.doc_id})
        lines.append(f"{t.qid}\t{t.doc_id}\t{rank if rank is not None else '-'}\t{t.title}\n")
    path.write_text("".join(lines), encoding="utf-8")


def markdown_table(rows: dict[str, tuple[Scores, float]]) -> str:
    base = rows.get(BASELINE)
    header = ["configuration", "MRR@10", "R@10", "R@100", "ms/query", "MRR@10 ÷ FTS5", "R@10 ÷ FTS5",
              "R@100 ÷ FTS5"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    for name, (s, ms) in rows.items():
        ratios = [ratio(getattr(s, f), getattr(base[0], f)) if base else "–"
                  for f in ("mrr10", "recall10", "recall100")]
        lines.append(f"| {name} | {s.mrr10:.3f} | {s.recall10:.3f} | {s.recall100:.3f} | {ms:.1f} | "
                     + " | ".join(ratios) + " |")
    return "\n".join(lines)


def difference_error(groups: Sequence[Sequence[float]]) -> float:
    """The standard error of the difference between the means of two independent samples."""
    def variance_of_mean(values: Sequence[float]) -> float:
        if len(values) < 2:
            return 0.0
        mean = sum(values) / len(values)
        return sum((v - mean) ** 2 for v in values) / (len(values) - 1) / len(values)

    return float(sum(variance_of_mean(g) for g in groups) ** 0.5)


def halves_table(rows: dict[str, tuple[Scores, float]], halves: dict[str, dict[str, Scores]],
                 spread: dict[str, float]) -> str:
    """MRR@10 and R@10 on the whole sample and on the known items of each half of the split
    (``benchmarks/evaluation/split.py``: the half of the query's article), with the standard error of the
    difference between the halves' MRR@10 (their queries are different articles)."""
    header = ["configuration"] + [f"{label} {m}" for label in ("whole", *HALVES) for m in ("MRR@10", "R@10")] \
        + ["held-out − mining MRR@10", "its standard error"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    for name, (s, _ms) in rows.items():
        parts = [s, *(halves[name][h] for h in HALVES)]
        cells = [f"{p.mrr10:.3f} | {p.recall10:.3f}" for p in parts]
        diff = halves[name]["held-out"].mrr10 - halves[name]["mining"].mrr10
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {diff:+.3f} | {spread[name]:.3f} |")
    queries = {h: next(iter(halves.values()))[h].queries for h in HALVES} if halves else {}
    return "\n".join(lines) + "\n\nknown items per half: " + ", ".join(f"{h} {n}" for h, n in queries.items())


def story_scores(ranks: Sequence[int | None]) -> tuple[float, float]:
    """MRR@10 and R@10 of story-level ranks (``None``: neither the article nor a near-copy in the first 10)."""
    if not ranks:
        return 0.0, 0.0
    return (sum(1 / r for r in ranks if r is not None) / len(ranks),
            sum(1 for r in ranks if r is not None) / len(ranks))


def story_table(rows: dict[str, tuple[Scores, float]], halves: dict[str, dict[str, Scores]],
                story: dict[str, dict[str, tuple[float, float]]]) -> str:
    """Strict and story-level MRR@10 / R@10 (a near-copy of the article counts: ``benchmarks/evaluation/
    stories.py``), on the whole sample and on each half."""
    header = ["configuration"] + [f"{label} {m}" for label in ("whole", *HALVES)
                                  for m in ("strict MRR@10", "story MRR@10", "strict R@10", "story R@10")]
    lines = [f"story level: a near-copy of the article ({SHINGLE}-word shingles, Jaccard >= {SAME_STORY}) ranked "
             "counts as the article", "",
             "| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    for name, (s, _ms) in rows.items():
        cells = []
        for label, strict in (("whole", s), *((h, halves[name][h]) for h in HALVES)):
            mrr, recall = story[name][label]
            cells.append(f"{strict.mrr10:.3f} | {mrr:.3f} | {strict.recall10:.3f} | {recall:.3f}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.3f}" if baseline else "–"


if __name__ == "__main__":
    sys.exit(main())
