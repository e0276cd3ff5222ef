"""The tantivy peer of ``benchmarks/scale.py`` (``pip install tantivy``): tantivy with its own Arabic analyzer.

    python benchmarks/tantivy_peer.py index DIR FOLDER     # every *.jsonl of FOLDER into a new index in DIR
    python benchmarks/tantivy_peer.py query DIR "TEXT"     # top 10 by BM25 with snippets, printed

The analyzer is that of the relevance peer (``benchmarks/evaluation/engines.py``): tantivy's simple tokenizer,
long tokens removed, lowercase, the Snowball Arabic stemmer.  Title and content are indexed with positions (so
the peer could answer phrases, as arsearch does) and stored, with id and source, so hits can show snippets.  A
query is the Should of every analyzed word in title and content, like arsearch's default OR.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.evaluation.engines import snowball_analyzer  # noqa: E402
from benchmarks.fts5_peer import records  # noqa: E402

TOKENIZER = "arabic_snowball"
FIELDS = ("title", "content")
HEAP_BYTES = 256_000_000


def open_index(path: str | Path) -> Any:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    for name in FIELDS:
        builder.add_text_field(name, stored=True, tokenizer_name=TOKENIZER)
    builder.add_text_field("source", stored=True, tokenizer_name="raw")
    index = tantivy.Index(builder.build(), path=str(path))
    index.register_tokenizer(TOKENIZER, snowball_analyzer())
    return index


def index(path: str, folder: str) -> dict[str, int]:
    import tantivy

    os.makedirs(path, exist_ok=True)
    ix = open_index(path)
    writer = ix.writer(heap_size=HEAP_BYTES)
    added = 0
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".jsonl"):
            continue
        for record in records(os.path.join(folder, name)):
            writer.add_document(tantivy.Document(
                id=record.get("url") or "", title=record.get("title") or "", content=record["content"],
                source=record.get("source") or ""))
            added += 1
    writer.commit()
    writer.wait_merging_threads()
    return {"added": added}


class Searcher:
    """An open peer index: top 10 by BM25, with snippets of the content or ids only."""

    def __init__(self, path: str | Path) -> None:
        self.index = open_index(path)
        self.index.reload()
        self.searcher = self.index.searcher()
        self.analyzer = snowball_analyzer()

    def query(self, text: str) -> Any:
        import tantivy

        terms = list(dict.fromkeys(self.analyzer.analyze(text)))
        if not terms:
            return None
        schema = self.index.schema
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.term_query(schema, field, t)) for field in FIELDS for t in terms])

    def ids(self, text: str, limit: int = 10) -> list[str]:
        query = self.query(text)
        if query is None:
            return []
        return [self.searcher.doc(address)["id"][0] for _, address in self.searcher.search(query, limit).hits]

    def with_snippets(self, text: str, limit: int = 10) -> list[tuple[str, str, str]]:
        """``(id, title, snippet html)`` of the top ``limit``."""
        import tantivy

        query = self.query(text)
        if query is None:
            return []
        snippets = tantivy.SnippetGenerator.create(self.searcher, query, self.index.schema, "content")
        found = []
        for _, address in self.searcher.search(query, limit).hits:
            doc = self.searcher.doc(address)
            found.append((doc["id"][0], doc["title"][0], snippets.snippet_from_doc(doc).to_html()))
        return found


def main(argv: list[str]) -> None:
    command, path, arg = argv
    if command == "index":
        print(json.dumps(index(path, arg)))
    elif command == "query":
        for rank, (doc_id, title, snippet) in enumerate(Searcher(path).with_snippets(arg), start=1):
            print(f"{rank:>2}. {title}\n    {doc_id}\n    {snippet}\n")
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
