"""The engines compared: arsearch (through its CLI or in-process), SQLite FTS5 and Whoosh's StandardAnalyzer.

Every engine indexes only the ``content`` of the articles (no titles) and answers each topic with the OR of the
title's words, returning up to ``limit`` ``(doc_id, score)`` pairs per query.  Indexes are built into a folder
named by the caller; a ``complete.json`` written last marks a finished build, so an interrupted one is redone.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from arsearch.analysis.analyzer import ANALYZER_VERSION
from arsearch.index import INDEX_FORMAT
from arsearch.engine.api import DEFAULT_LEAD_WEIGHT
from benchmarks.evaluation.corpus import Article
from benchmarks.peers.fts5 import quoted_words as fts5_query
from benchmarks.peers.snowball import snowball_analyzer
from benchmarks.evaluation.sample import Topic, plain_query

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPLETE_MARKER = "complete.json"

Hits = list[tuple[str, float]]


@dataclass
class RunResult:
    run: dict[str, Hits]
    #: Mean time per query in milliseconds, measured as the note says.
    mean_ms: float
    notes: list[str] = field(default_factory=list)


class Engine(Protocol):
    #: What decides the index: engines with equal keys share one index folder.
    index_key: str
    #: How the row was measured, for the notes under the table.
    how: str

    def build(self, articles: Sequence[Article], index_dir: Path, docs_jsonl: Path) -> None: ...

    def run(self, topics: Sequence[Topic], index_dir: Path, limit: int, workdir: Path) -> RunResult: ...


def is_built(index_dir: Path) -> bool:
    return (index_dir / COMPLETE_MARKER).is_file()


def mark_built(index_dir: Path, seconds: float, documents: int) -> None:
    (index_dir / COMPLETE_MARKER).write_text(json.dumps({"seconds": round(seconds, 1), "documents": documents}))


def fresh_dir(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


# --------------------------------------------------------------------------- SQLite FTS5


class FTS5:
    index_key = "fts5-unicode61-rd2"
    how = "in-process sqlite3, `unicode61 remove_diacritics 2`, ORDER BY bm25"

    def build(self, articles: Sequence[Article], index_dir: Path, docs_jsonl: Path) -> None:
        db = sqlite3.connect(index_dir / "fts5.db")
        with db:
            db.execute("CREATE VIRTUAL TABLE docs USING fts5(docid UNINDEXED, content, "
                       "tokenize = 'unicode61 remove_diacritics 2')")
            db.executemany("INSERT INTO docs(docid, content) VALUES (?, ?)", ((a.id, a.content) for a in articles))
            db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
        db.close()

    def run(self, topics: Sequence[Topic], index_dir: Path, limit: int, workdir: Path) -> RunResult:
        db = sqlite3.connect(index_dir / "fts5.db")
        sql = "SELECT docid, bm25(docs) FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?"
        run: dict[str, Hits] = {}
        started = time.perf_counter()
        for topic in topics:
            rows = db.execute(sql, (fts5_query(topic.title), limit)).fetchall()
            run[topic.qid] = [(doc, -score) for doc, score in rows]
        elapsed = time.perf_counter() - started
        db.close()
        return RunResult(run, elapsed * 1000 / len(topics))


# --------------------------------------------------------------------------- Whoosh StandardAnalyzer


class WhooshStandard:
    #: No positions: the OR of terms never needs them, BM25F ignores them, and the build is about 20% faster.
    index_key = "whoosh-standard-nopos"
    how = "in-process Whoosh, StandardAnalyzer, BM25F(B=0.75, K1=1.2), Or of the analyzed title terms"

    def build(self, articles: Sequence[Article], index_dir: Path, docs_jsonl: Path) -> None:
        from whoosh import index as windex
        from whoosh.analysis import StandardAnalyzer
        from whoosh.fields import ID, TEXT, Schema

        schema = Schema(id=ID(stored=True, unique=True), content=TEXT(analyzer=StandardAnalyzer(), phrase=False))
        ix = windex.create_in(str(index_dir), schema)
        writer = ix.writer(limitmb=512)
        for a in articles:
            writer.add_document(id=a.id, content=a.content)
        writer.commit()
        ix.close()

    def run(self, topics: Sequence[Topic], index_dir: Path, limit: int, workdir: Path) -> RunResult:
        from whoosh import index as windex
        from whoosh import query as wq
        from whoosh.scoring import BM25F

        ix = windex.open_dir(str(index_dir))
        analyzer = ix.schema["content"].analyzer
        run: dict[str, Hits] = {}
        started = time.perf_counter()
        with ix.searcher(weighting=BM25F()) as searcher:
            for topic in topics:
                terms = [t.text for t in analyzer(topic.title, mode="query")]
                if not terms:
                    run[topic.qid] = []
                    continue
                results = searcher.search(wq.Or([wq.Term("content", t) for t in terms]), limit=limit)
                run[topic.qid] = [(hit["id"], hit.score) for hit in results]
        elapsed = time.perf_counter() - started
        ix.close()
        return RunResult(run, elapsed * 1000 / len(topics))


class Tantivy:
    """Optional peer (``pip install tantivy``): tantivy's simple tokenizer, lowercase and its Arabic Snowball
    stemmer, BM25 (k1 1.2, b 0.75), a Should clause per analyzed title term."""

    index_key = "tantivy-simple-lower-arabic"
    how = "in-process tantivy-py, Tokenizer.simple + lowercase + Filter.stemmer('arabic'), BM25, Should of the terms"

    @staticmethod
    def _analyzer() -> Any:
        return snowball_analyzer()

    def _open(self, index_dir: Path) -> Any:
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        builder.add_text_field("content", tokenizer_name="arabic_stem", index_option="freq")
        index = tantivy.Index(builder.build(), path=str(index_dir))
        index.register_tokenizer("arabic_stem", self._analyzer())
        return index

    def build(self, articles: Sequence[Article], index_dir: Path, docs_jsonl: Path) -> None:
        import tantivy

        index = self._open(index_dir)
        writer = index.writer(heap_size=512_000_000)
        for a in articles:
            writer.add_document(tantivy.Document(id=a.id, content=a.content))
        writer.commit()
        writer.wait_merging_threads()

    def run(self, topics: Sequence[Topic], index_dir: Path, limit: int, workdir: Path) -> RunResult:
        import tantivy

        index = self._open(index_dir)
        index.reload()
        searcher = index.searcher()
        schema = index.schema
        analyzer = self._analyzer()
        run: dict[str, Hits] = {}
        started = time.perf_counter()
        for topic in topics:
            terms = list(dict.fromkeys(analyzer.analyze(topic.title)))
            if not terms:
                run[topic.qid] = []
                continue
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, tantivy.Query.term_query(schema, "content", t)) for t in terms])
            hits = searcher.search(query, limit).hits
            run[topic.qid] = [(searcher.doc(address)["id"][0], score) for score, address in hits]
        elapsed = time.perf_counter() - started
        return RunResult(run, elapsed * 1000 / len(topics))


# --------------------------------------------------------------------------- arsearch


def arsearch_env() -> dict[str, str]:
    """The environment for ``arsearch`` subprocesses: this checkout's package first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env["ARSEARCH_DEBUG"] = "1"
    return env


#: ``python -c`` rather than the ``arsearch`` script, so the checkout's package is used whatever is installed.
ARSEARCH_CLI = [sys.executable, "-c", "import sys; from arsearch.interfaces.cli import main; sys.argv[0] = 'arsearch'; main()"]

_TREC_LINE = re.compile(r"^\S+ Q0 \S+ \d+ \S+ \S+$")


def arsearch_index_key(stemmer: str, lead_weight: float, engine: str = "whoosh") -> str:
    """The format, analyzer version and lead weight are in the key: a cached index of older code is not reused."""
    key = f"arsearch-stemmer-{stemmer}-lead{lead_weight:g}-format{INDEX_FORMAT}-analyzer{ANALYZER_VERSION}"
    return key if engine == "whoosh" else f"{key}-{engine}"


class ArsearchCli:
    """Build with ``arsearch index`` and query with ``arsearch query --batch``: exactly what a user runs."""

    def __init__(self, stemmer: str = "light", engine: str = "whoosh") -> None:
        self.stemmer = stemmer
        self.engine = engine
        self.index_key = arsearch_index_key(stemmer, DEFAULT_LEAD_WEIGHT, engine)
        self.how = (f"`arsearch index --stemmer {stemmer} --engine {engine}` and `arsearch query --batch` "
                    f"(a process per run)")

    def build(self, articles: Sequence[Article], index_dir: Path, docs_jsonl: Path) -> None:
        subprocess.run([*ARSEARCH_CLI, "index", str(docs_jsonl), "--index", str(index_dir), "--stemmer",
                        self.stemmer, "--engine", self.engine, "--json"], check=True, env=arsearch_env(),
                       stdout=subprocess.DEVNULL)

    def batch(self, batch_file: Path, index_dir: Path, limit: int) -> tuple[str, float]:
        started = time.perf_counter()
        proc = subprocess.run([*ARSEARCH_CLI, "query", "--batch", str(batch_file), "--index", str(index_dir),
                               "--limit", str(limit)], check=True, env=arsearch_env(), capture_output=True,
                              text=True)
        return proc.stdout, time.perf_counter() - started

    def run(self, topics: Sequence[Topic], index_dir: Path, limit: int, workdir: Path) -> RunResult:
        batch_file = workdir / "queries.tsv"
        write_batch(batch_file, topics)
        with tempfile.TemporaryDirectory() as tmp:
            empty = Path(tmp) / "empty.tsv"
            empty.write_text("", encoding="utf-8")
            _out, overhead = self.batch(empty, index_dir, limit)
        stdout, wall = self.batch(batch_file, index_dir, limit)
        run: dict[str, Hits] = {t.qid: [] for t in topics}
        for line in stdout.splitlines():
            if not _TREC_LINE.match(line):
                raise ValueError(f"arsearch printed a line that is not a TREC run line: {line!r}")
            qid, _q0, doc_id, _rank, score, _tag = line.split()
            run[qid].append((doc_id, float(score)))
        notes = [f"process start and index open took {overhead:.2f} s, subtracted from {wall:.1f} s wall"]
        return RunResult(run, (wall - overhead) * 1000 / len(topics), notes)


def write_batch(path: Path, topics: Sequence[Topic]) -> None:
    """The ``qid<TAB>query`` file of ``arsearch query --batch``, with the titles as plain bags of words."""
    path.write_text("".join(f"{t.qid}\t{plain_query(t.title)}\n" for t in topics), encoding="utf-8")


class ArsearchLibrary:
    """In-process ``arsearch.search.search`` with a given ranking, on the index of another configuration."""

    def __init__(self, index_key: str, ranking_kwargs: dict[str, object], raw_titles: bool = False) -> None:
        self.index_key = index_key
        self.ranking_kwargs = ranking_kwargs
        self.raw_titles = raw_titles
        shown = ", ".join(f"{k}={v!r}" for k, v in ranking_kwargs.items()) or "default ranking"
        self.how = (f"in-process `arsearch.search.search` ({shown}) on the `{index_key}` index"
                    + (", titles passed raw (query syntax active)" if raw_titles else ""))

    def build(self, articles: Sequence[Article], index_dir: Path, docs_jsonl: Path) -> None:
        raise RuntimeError(f"{self.index_key} is built by its own configuration")

    def run(self, topics: Sequence[Topic], index_dir: Path, limit: int, workdir: Path) -> RunResult:
        from arsearch.errors import QueryError
        from arsearch.index import Index
        from arsearch.search import Ranking, search

        ranking = Ranking(**self.ranking_kwargs)  # type: ignore[arg-type]
        run: dict[str, Hits] = {}
        failed = 0
        with Index.open(index_dir) as ix:
            ix.snapshot()  # open the reader before timing, as the CLI's overhead run does
            started = time.perf_counter()
            for topic in topics:
                text = topic.title if self.raw_titles else plain_query(topic.title)
                try:
                    results = search(ix, text, limit=limit, ranking=ranking, snippet_width=0, collapse=False)
                except QueryError:
                    failed += 1
                    run[topic.qid] = []
                    continue
                run[topic.qid] = [(hit.id, hit.score) for hit in results.hits]
            elapsed = time.perf_counter() - started
        notes = [f"{failed} queries rejected by the query parser"] if failed else []
        return RunResult(run, elapsed * 1000 / len(topics), notes)


class ArsearchLeadWeight(ArsearchLibrary):
    """An index built in-process with another lead weight (``Index.create(lead_weight=...)``, then the same
    ``index_paths`` as ``arsearch index``), searched in-process with the default ranking."""

    def __init__(self, lead_weight: float) -> None:
        super().__init__(arsearch_index_key("light", lead_weight), {})
        self.lead_weight = lead_weight
        self.how = (f"`Index.create(lead_weight={lead_weight:g})` and `index_paths`, then in-process "
                    f"`arsearch.search.search`")

    def build(self, articles: Sequence[Article], index_dir: Path, docs_jsonl: Path) -> None:
        from arsearch.index import Index
        from arsearch.ingest import index_paths

        with Index.create(index_dir, lead_weight=self.lead_weight, overwrite=True) as index:
            index_paths(index, [docs_jsonl], procs=os.cpu_count() or 1)
