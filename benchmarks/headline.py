"""The README's headline figures, all from one run: how good and how fast arsearch is against its peers.

    python -m benchmarks [--corpus ../shared/corpus/saudinewsnet] [--workdir DIR] [--out benchmarks/HEADLINE]
        [--readme]                      # and the README's two tables
    python -m benchmarks --from-json benchmarks/HEADLINE.json   # the README's tables from an earlier run

1. Quality, known items (the method of ``benchmarks/relevance.py``): the corpus without empty and duplicate
   contents; 1,000 headlines drawn with seed 42 are the queries, the article each came from (indexed without its
   title) the one right answer; MRR@10, Recall@10 and Recall@100 of SQLite FTS5, Whoosh's StandardAnalyzer,
   tantivy with its Snowball Arabic stemmer, and arsearch on each engine, built from the same documents.
2. Quality, questions: the 36 natural-language questions of ``benchmarks/questions.tsv`` as typed, and the
   keyword queries written for the same needs, against arsearch's indexes of step 3 (titles included).
3. Speed (the method of ``benchmarks/engines.py``): the whole corpus, one record per url, as one JSON Lines file
   a day; one full build per system in a subprocess (wall and CPU time, peak memory of the process tree, size on
   disk); ``--queries`` headlines (seed 42), top 10, with snippets and ids only, every index open in this process
   and the systems taking turns query by query; the median of five cold ``query`` processes.

Every index is built afresh in ``--workdir``; the report goes to ``OUT.md`` and ``OUT.json`` with the date, the
machine, the commit and the load average before and after.  Needs the ``bench`` extra (tantivy) for the tantivy
rows; without it they are left out and the report says so.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from benchmarks.common.corpus import DEFAULT_CORPUS, prepare
from benchmarks.common.latency import take_turns
from benchmarks.common.machine import REPO_ROOT, describe, loadavg, repo_env
from benchmarks.common.process import dir_size, run_measured
from benchmarks.common.queries import SEED, headlines
from benchmarks.common.stats import p50_p95
from benchmarks.evaluation.corpus import Article, deduplicate, read_records
from benchmarks.evaluation.engines import FTS5, ArsearchCli, Engine, Tantivy, WhooshStandard
from benchmarks.evaluation.metrics import evaluate
from benchmarks.evaluation.sample import known_items, plain_query
from benchmarks.peers import fts5

KNOWN_ITEMS = 1000
RUN_DEPTH = 100
WARMUP_QUERIES = 20
COLD_RUNS = 5
COLD_QUERY = "وزير الصحة يفتتح مستشفى"
QUESTIONS = Path(__file__).resolve().parent / "questions.tsv"
FTS5_IDS_SQL = "SELECT id FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 10"

#: Rows of the quality table: (name, what it is, engine).
QUALITY_ROWS: list[tuple[str, str, Callable[[], Engine]]] = [
    ("fts5", "SQLite FTS5, unicode61 remove_diacritics 2, bm25", FTS5),
    ("whoosh-standard", "Whoosh StandardAnalyzer, BM25F", WhooshStandard),
    ("tantivy-snowball", "tantivy, Arabic Snowball stemmer, BM25", Tantivy),
    ("arsearch-whoosh", "arsearch, whoosh engine (default)", lambda: ArsearchCli("light", engine="whoosh")),
    ("arsearch-tantivy", "arsearch, tantivy engine", lambda: ArsearchCli("light", engine="tantivy")),
]
SPEED_SYSTEMS = ("arsearch-whoosh", "arsearch-tantivy", "tantivy-snowball", "fts5")


def tantivy_installed() -> bool:
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return False
    return True


def log(started: float, text: str) -> None:
    seconds = int(time.perf_counter() - started)
    print(f"[{seconds // 60:02d}:{seconds % 60:02d}] {text}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- quality


def known_item_quality(corpus: Path, workdir: Path, systems: Sequence[str], size: int,
                       started: float) -> dict[str, Any]:
    articles, counts = deduplicate(read_records(corpus))
    topics, sample = known_items(articles, size, SEED)
    docs_jsonl = write_contents(articles, workdir / "contents.jsonl")
    qrels = {t.qid: {t.doc_id} for t in topics}
    rows: dict[str, Any] = {}
    for name, label, make in QUALITY_ROWS:
        if name not in systems:
            continue
        engine = make()
        index_dir = workdir / "indexes" / name
        shutil.rmtree(index_dir, ignore_errors=True)
        index_dir.mkdir(parents=True)
        log(started, f"quality: building {name}")
        t0 = time.perf_counter()
        engine.build(articles, index_dir, docs_jsonl)
        built = time.perf_counter() - t0
        result = engine.run(topics, index_dir, RUN_DEPTH, workdir)
        scores = evaluate({qid: [doc for doc, _ in hits] for qid, hits in result.run.items()}, qrels)
        rows[name] = {"label": label, "mrr10": scores.mrr10, "recall10": scores.recall10,
                      "recall100": scores.recall100, "build_s": round(built, 1), "how": engine.how}
        log(started, f"quality: {name} MRR@10 {scores.mrr10:.3f} R@10 {scores.recall10:.3f}")
    return {"records": counts.records, "empty": counts.empty, "duplicates": counts.duplicates,
            "documents": counts.kept, "eligible": sample.eligible, "queries": len(topics), "seed": SEED,
            "rows": rows}


def write_contents(articles: Sequence[Article], path: Path) -> Path:
    """The documents as JSON lines with ``id`` and ``content`` only: the known-item index has no titles."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps({"id": a.id, "content": a.content}, ensure_ascii=False) + "\n"
                            for a in articles), encoding="utf-8")
    return path


def question_quality(indexes: dict[str, Path]) -> dict[str, Any]:
    """MRR@10 and Recall@10 of the questions as typed and of their keyword queries, per arsearch index."""
    from arsearch import Index, search

    rows = [line.split("\t") for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    found: dict[str, Any] = {}
    for system, path in indexes.items():
        with Index.open(path) as index:
            for label, column in (("questions as typed", 2), ("keyword queries", 3)):
                ranks = []
                for row in rows:
                    ids = [h.id for h in search(index, row[column], limit=10, snippet_width=0, collapse=False).hits]
                    ranks.append(ids.index(row[1]) + 1 if row[1] in ids else None)
                found.setdefault(label, {})[system] = {
                    "mrr10": sum(1 / r for r in ranks if r) / len(ranks),
                    "recall10": sum(1 for r in ranks if r) / len(ranks)}
    return {"questions": len(rows), "rows": found}


# --------------------------------------------------------------------------- speed


def build_command(system: str, docs: Path, target: Path) -> list[str]:
    if system.startswith("arsearch-"):
        engine = system.removeprefix("arsearch-")
        return [sys.executable, "-m", "arsearch", "index", str(docs), "--index", str(target), "--engine", engine,
                "--json"]
    module = {"tantivy-snowball": "benchmarks.tantivy_peer", "fts5": "benchmarks.peers.fts5"}[system]
    return [sys.executable, "-m", module, "index", str(target), str(docs)]


def cold_command(system: str, target: Path) -> list[str]:
    if system.startswith("arsearch-"):
        return [sys.executable, "-m", "arsearch", "query", COLD_QUERY, "--index", str(target)]
    module = {"tantivy-snowball": "benchmarks.tantivy_peer", "fts5": "benchmarks.peers.fts5"}[system]
    return [sys.executable, "-m", module, "query", str(target), COLD_QUERY]


def build(system: str, docs: Path, target: Path, documents: int) -> dict[str, Any]:
    if target.is_dir():
        shutil.rmtree(target)
    target.unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    load = loadavg()
    run = run_measured(build_command(system, docs, target), env=repo_env())
    added = json.loads(run.stdout.strip().splitlines()[-1]).get("added")
    if added != documents:
        raise SystemExit(f"{system} indexed {added} of {documents} articles: {run.stdout[-500:]}")
    return {"build_s": round(run.seconds, 1), "build_cpu_s": round(run.cpu_seconds, 1), "peak_rss": run.peak_rss,
            "index_bytes": dir_size(target), "load_before": load, "load_after": loadavg()}


Searches = dict[str, Callable[[str], object]]


def open_searches(system: str, target: Path) -> tuple[Searches, Callable[[], None]]:
    """``({"snippets": ..., "ids": ...}, close)``: the top 10 with snippets, and ids only."""
    if system.startswith("arsearch-"):
        from arsearch import Index, search

        ix = Index.open(target)
        return {"snippets": lambda q: search(ix, q, limit=10),
                "ids": lambda q: search(ix, q, limit=10, snippet_width=0, suggest=False, collapse=False)}, ix.close
    if system == "tantivy-snowball":
        from benchmarks.tantivy_peer import Searcher

        peer = Searcher(target)
        return {"snippets": peer.with_snippets, "ids": peer.ids}, lambda: None
    db = sqlite3.connect(target)

    def ids(q: str) -> object:
        expr = fts5.match_expression(q)
        return db.execute(FTS5_IDS_SQL, (expr,)).fetchall() if expr else []

    return {"snippets": lambda q: fts5.search(db, q), "ids": ids}, db.close


def latency(targets: dict[str, Path], queries: list[str]) -> dict[str, dict[str, float]]:
    """p50 and p95 in ms per system and mode, after :data:`WARMUP_QUERIES` unmeasured ones, the systems taking
    turns query by query so that the machine's other load hits them alike."""
    opened = {name: open_searches(name, target) for name, target in targets.items()}
    runs = {name: searches for name, (searches, _) in opened.items()}
    try:
        take_turns(runs, lambda _mode, n: queries[n], 0, min(WARMUP_QUERIES, len(queries)))
        times = take_turns(runs, lambda _mode, n: queries[n], WARMUP_QUERIES, len(queries))
    finally:
        for _runs, close in opened.values():
            close()
    out: dict[str, dict[str, float]] = {}
    for name, modes in times.items():
        out[name] = {}
        for mode, samples in modes.items():
            p50, p95 = p50_p95(samples)
            out[name][f"p50_{mode}_ms"], out[name][f"p95_{mode}_ms"] = round(p50, 2), round(p95, 2)
    return out


def speed(corpus: Path, workdir: Path, systems: Sequence[str], queries: int,
          started: float) -> tuple[dict[str, Any], dict[str, Path]]:
    prepared = prepare(corpus, workdir, held_out=0)
    documents = len(prepared.indexed)
    targets = {s: workdir / "indexes" / ("fts5.db" if s == "fts5" else s) for s in systems}
    builds = {}
    for system in systems:
        log(started, f"speed: building {system}")
        builds[system] = build(system, prepared.docs_dir, targets[system], documents)
        log(started, f"speed: {system} built in {builds[system]['build_s']} s")
    titles = [plain_query(t) for t in headlines(prepared.indexed, queries + WARMUP_QUERIES)[0]]
    log(started, f"speed: {len(titles)} queries on every system")
    measured = latency(targets, titles)
    log(started, "speed: cold processes")
    cold = {s: statistics.median(run_measured(cold_command(s, targets[s]), env=repo_env()).seconds
                                 for _ in range(COLD_RUNS)) for s in systems}
    rows = {s: {**builds[s], **measured[s], "cold_query_s": round(cold[s], 3)} for s in systems}
    return {"documents": documents, "files": prepared.files, "words": prepared.words, "queries": queries,
            "seed": SEED, "rows": rows}, {s: targets[s] for s in systems if s.startswith("arsearch-")}


# --------------------------------------------------------------------------- report


@dataclass
class Head:
    date: str
    machine: str
    commit: str
    load_before: str
    load_after: str
    seconds: float
    corpus: str


def commit() -> str:
    try:
        head = subprocess.run(["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO_ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" with uncommitted changes" if dirty else "")


def markdown(head: Head, quality: dict[str, Any], questions: dict[str, Any], speed_: dict[str, Any]) -> str:
    lines = [
        "# Headline figures",
        "",
        f"`python -m benchmarks`, {head.date}, commit {head.commit}; {head.machine}; load average (1, 5, 15 min) "
        f"{head.load_before} before, {head.load_after} after; {head.seconds / 60:.1f} minutes.",
        "",
        f"## Quality: known items ({quality['documents']:,} articles)",
        "",
        f"SaudiNewsNet ({head.corpus}): {quality['records']:,} records, {quality['empty']} with empty content and "
        f"{quality['duplicates']:,} exact duplicate contents dropped: {quality['documents']:,} articles, indexed "
        f"without their titles. {quality['queries']:,} of the {quality['eligible']:,} titles of three words or more "
        f"that appear once (seed {quality['seed']}) are the queries; the article each came from is the answer.",
        "",
        "| system | MRR@10 | Recall@10 | Recall@100 |",
        "|---|---:|---:|---:|",
    ]
    for row in quality["rows"].values():
        lines.append(f"| {row['label']} | {row['mrr10']:.3f} | {row['recall10']:.3f} | {row['recall100']:.3f} |")
    lines += ["", f"## Quality: {questions['questions']} questions", "",
              "The article that answers each question of `benchmarks/questions.tsv`, on the indexes of the speed "
              "run (titles included):", "",
              "| queries | " + " | ".join(f"{s} MRR@10 / Recall@10" for s in next(iter(questions["rows"].values())))
              + " |", "|---|" + "---:|" * len(next(iter(questions["rows"].values())))]
    for label, per_system in questions["rows"].items():
        lines.append(f"| {label} | " + " | ".join(f"{v['mrr10']:.3f} / {v['recall10']:.3f}"
                                                   for v in per_system.values()) + " |")
    lines += ["", f"## Speed ({speed_['documents']:,} articles)", "",
              f"The whole corpus, one record per url ({speed_['documents']:,} articles, {speed_['words']:,} words, "
              f"{speed_['files']} files of JSON Lines); one full build each; {speed_['queries']} headlines "
              f"(seed {speed_['seed']}) as queries, top 10, every system in turn.", "",
              "| system | build | CPU | peak memory | index | p50 / p95 with snippets | p50 / p95 ids only | "
              "cold query process |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for system, r in speed_["rows"].items():
        lines.append(
            f"| {system} | {r['build_s']:.1f} s | {r['build_cpu_s']:.1f} s | {r['peak_rss'] / 2**20:.0f} MB | "
            f"{r['index_bytes'] / 2**20:.0f} MB | {r['p50_snippets_ms']:.2f} / {r['p95_snippets_ms']:.2f} ms | "
            f"{r['p50_ids_ms']:.2f} / {r['p95_ids_ms']:.2f} ms | {r['cold_query_s']:.2f} s |")
    lines += ["", "Peak memory is the largest sum of resident memory over the build's process tree (sampled every "
              "50 ms); a cold query process is the median of five: start, open, search, print ten hits."]
    return "\n".join(lines) + "\n"


README = REPO_ROOT / "README.md"
README_START = "<!-- headline: written by python -m benchmarks --readme -->"
README_END = "<!-- end of headline -->"
#: The README's names of the systems, in its order.
README_QUALITY = {"fts5": "SQLite FTS5 (`unicode61 remove_diacritics 2`)",
                  "whoosh-standard": "Whoosh, StandardAnalyzer", "tantivy-snowball": "tantivy, Snowball Arabic stemmer",
                  "arsearch-whoosh": "**arsearch**, whoosh engine (default)",
                  "arsearch-tantivy": "**arsearch**, tantivy engine"}
README_SPEED = {"arsearch-whoosh": "**arsearch**, whoosh engine", "arsearch-tantivy": "**arsearch**, tantivy engine",
                "tantivy-snowball": "tantivy, Snowball Arabic stemmer", "fts5": "SQLite FTS5"}


def readme_tables(report: dict[str, Any]) -> str:
    """The README's two tables from a report's JSON."""
    quality, speed_ = report["quality"], report["speed"]
    typed = report["questions"]["rows"].get("questions as typed", {})
    lines = [README_START,
             f"Known items: each of {quality['queries']:,} headlines is the query, the article it heads (indexed "
             f"without its title) the one right answer, among {quality['documents']:,} articles; the questions are "
             f"{report['questions']['questions']} natural-language questions written about articles of the corpus:",
             "", "| system | MRR@10 | Recall@10 | questions: MRR@10 / Recall@10 |", "|---|---:|---:|---:|"]
    for name, label in README_QUALITY.items():
        row, asked = quality["rows"].get(name), typed.get(name)
        if row:
            questions = f"{asked['mrr10']:.3f} / {asked['recall10']:.3f}" if asked else "–"
            lines.append(f"| {label} | {row['mrr10']:.3f} | {row['recall10']:.3f} | {questions} |")
    lines += ["", f"The whole corpus ({speed_['documents']:,} articles), one full build each, then "
              f"{speed_['queries']} headlines as queries (top 10), every system in turn:", "",
              "| system | build | query p50 / p95, with snippets | query p50 / p95, ids only |", "|---|---:|---:|---:|"]
    for name, label in README_SPEED.items():
        r = speed_["rows"].get(name)
        if r:
            lines.append(f"| {label} | {r['build_s']:.0f} s | {r['p50_snippets_ms']:.1f} / "
                         f"{r['p95_snippets_ms']:.1f} ms | {r['p50_ids_ms']:.2f} / {r['p95_ids_ms']:.2f} ms |")
    lines += ["", f"(`python -m benchmarks`, {report['date']}, commit {report['commit']}; {report['machine']}; load "
              f"average {report['load_before']} before, {report['load_after']} after.)", README_END]
    return "\n".join(line if line.startswith("|") else textwrap.fill(line, 115, break_long_words=False,
                                                                     break_on_hyphens=False)
                     for line in lines)


def write_readme(report: dict[str, Any], readme: Path = README) -> None:
    text = readme.read_text(encoding="utf-8")
    start, end = text.index(README_START), text.index(README_END) + len(README_END)
    readme.write_text(text[:start] + readme_tables(report) + text[end:], encoding="utf-8")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of SaudiNewsNet *.zip files")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/arsearch-headline"),
                        help="where the indexes are built (emptied first)")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "benchmarks" / "HEADLINE",
                        help="the report goes to OUT.md and OUT.json")
    parser.add_argument("--queries", type=int, default=300, help="queries timed per system (default 300)")
    parser.add_argument("--readme", action="store_true", help="also write the README's two tables from the run")
    parser.add_argument("--from-json", type=Path, metavar="REPORT",
                        help="run nothing: write the README's tables from an earlier run's OUT.json")
    parser.add_argument("--known-items", type=int, default=KNOWN_ITEMS,
                        help=f"known-item queries (default {KNOWN_ITEMS}, the published figures' size)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.from_json:
        write_readme(json.loads(args.from_json.read_text(encoding="utf-8")))
        return 0
    started = time.perf_counter()
    machine = describe()
    notes = []
    quality_systems = [name for name, _label, _make in QUALITY_ROWS]
    speed_systems = list(SPEED_SYSTEMS)
    if not tantivy_installed():
        notes.append("tantivy is not installed (pip install '.[bench]'): its rows are left out")
        quality_systems = [s for s in quality_systems if "tantivy" not in s]
        speed_systems = [s for s in speed_systems if "tantivy" not in s]
    shutil.rmtree(args.workdir, ignore_errors=True)
    quality = known_item_quality(args.corpus, args.workdir / "quality", quality_systems, args.known_items,
                                 started)
    speed_, arsearch_indexes = speed(args.corpus, args.workdir / "speed", speed_systems, args.queries, started)
    questions = question_quality(arsearch_indexes)
    head = Head(str(machine["date"]), f"{machine['cpu']}, {machine['cores']} cores, Python {machine['python']}, "
                f"SQLite {machine['sqlite']}", commit(), str(machine["load"]), loadavg(),
                time.perf_counter() - started, str(args.corpus))
    text = markdown(head, quality, questions, speed_) + "".join(f"\n{note}\n" for note in notes)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".md").write_text(text, encoding="utf-8")
    report = {**asdict(head), "machine_details": machine, "quality": quality, "questions": questions,
              "speed": speed_, "notes": notes}
    args.out.with_suffix(".json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n",
                                             encoding="utf-8")
    if args.readme:
        write_readme(report)
    print(text)
    log(started, f"report in {args.out.with_suffix('.md')} and .json")
    return 0
