"""The SQLite FTS5 peer: the same job as ``arsearch index`` / ``arsearch query``.

    python -m benchmarks.peers.fts5 index DB FOLDER      # incremental, like arsearch: unchanged files skipped
    python -m benchmarks.peers.fts5 query DB "TEXT"      # top 10 by bm25 with snippets, printed

Reads the JSONL files of FOLDER (one article per line, fields as in SaudiNewsNet) into an FTS5 table with the
``unicode61 remove_diacritics 2`` tokenizer.  Like arsearch it keeps a manifest of (path, size, mtime) so an
unchanged file is skipped, and a fingerprint per document so an unchanged document is not rewritten; changed
documents are replaced by id.  Title and content are indexed; id, url, source, date and author are stored.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import sys

from benchmarks.common.corpus import jsonl_records as records

SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(
    title, content, id UNINDEXED, url UNINDEXED, source UNINDEXED, date UNINDEXED, author UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS states (id TEXT PRIMARY KEY, row INTEGER, fingerprint TEXT);
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER);
"""

SEARCH_SQL = ("SELECT id, title, snippet(docs, 1, '[', ']', '…', 24) FROM docs WHERE docs MATCH ? "
              "ORDER BY rank LIMIT 10")
_WORD = re.compile(r"\w+")


def fingerprint(record: dict) -> str:
    h = hashlib.blake2b(digest_size=16)
    for key in ("title", "content", "date_extracted", "source", "url", "author"):
        h.update(str(record.get(key) or "").encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


def index(db_path: str, folder: str) -> dict[str, int]:
    db = sqlite3.connect(db_path)
    db.executescript(SCHEMA)
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    with db:
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".jsonl"):
                continue
            path = os.path.abspath(os.path.join(folder, name))
            st = os.stat(path)
            known = db.execute("SELECT size, mtime_ns FROM files WHERE path = ?", (path,)).fetchone()
            if known == (st.st_size, st.st_mtime_ns):
                continue
            for record in records(path):
                doc_id = record.get("url") or ""
                fp = fingerprint(record)
                state = db.execute("SELECT row, fingerprint FROM states WHERE id = ?", (doc_id,)).fetchone()
                if state and state[1] == fp:
                    counts["unchanged"] += 1
                    continue
                if state:
                    db.execute("DELETE FROM docs WHERE rowid = ?", (state[0],))
                cur = db.execute(
                    "INSERT INTO docs (title, content, id, url, source, date, author) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (record.get("title") or "", record["content"], doc_id, record.get("url") or "",
                     record.get("source") or "", record.get("date_extracted") or "", record.get("author") or ""))
                db.execute("INSERT OR REPLACE INTO states VALUES (?, ?, ?)", (doc_id, cur.lastrowid, fp))
                counts["updated" if state else "added"] += 1
            db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?)", (path, st.st_size, st.st_mtime_ns))
    db.close()
    return counts


def match_expression(text: str) -> str | None:
    """Any of the words (arsearch's default OR), each quoted so FTS5 syntax in a title cannot break the query."""
    words = _WORD.findall(text)
    return " OR ".join(f'"{w}"' for w in words) if words else None


def quoted_words(title: str) -> str:
    """OR of the title's whitespace-separated words, each quoted (inner quotes doubled) so none is FTS syntax: the
    known-item queries of ``benchmarks/relevance.py``, whose figures were published with it."""
    return " OR ".join('"' + word.replace('"', '""') + '"' for word in title.split())


def search(db: sqlite3.Connection, text: str) -> list[tuple[str, str, str]]:
    expr = match_expression(text)
    return db.execute(SEARCH_SQL, (expr,)).fetchall() if expr else []


def main(argv: list[str]) -> None:
    command, db_path, arg = argv
    if command == "index":
        print(json.dumps(index(db_path, arg)))
    elif command == "query":
        db = sqlite3.connect(db_path)
        for rank, (doc_id, title, snippet) in enumerate(search(db, arg), start=1):
            print(f"{rank:>2}. {title}\n    {doc_id}\n    {snippet}\n")
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
