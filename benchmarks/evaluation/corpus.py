"""Loading SaudiNewsNet and dropping empty and duplicate articles."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common.corpus import zip_records


@dataclass(frozen=True)
class Article:
    """One record of the corpus; ``id`` is ``<zip stem>#<1-based position in its JSON array>``, stable across runs."""

    id: str
    title: str
    content: str
    source: str = ""
    date: str = ""
    url: str = ""


@dataclass(frozen=True)
class CorpusCounts:
    records: int
    empty: int
    duplicates: int
    kept: int


def read_records(corpus_dir: str | Path) -> Iterator[Article]:
    """Every record of every ``*.zip`` in ``corpus_dir`` (sorted by name), each zip holding JSON arrays."""
    for found in zip_records(corpus_dir):
        record, stem = found.record, found.zip.stem
        yield Article(
            id=f"{stem}#{found.position}" if found.members == 1 else f"{stem}/{found.member}#{found.position}",
            title=str(record.get("title") or ""),
            content=str(record.get("content") or ""),
            source=str(record.get("source") or ""),
            date=str(record.get("date_extracted") or ""),
            url=str(record.get("url") or ""),
        )


def deduplicate(articles: Iterable[Article]) -> tuple[list[Article], CorpusCounts]:
    """Drop articles whose content is blank, then every later copy of an exactly equal content (first one kept)."""
    kept: list[Article] = []
    seen: set[str] = set()
    records = empty = duplicates = 0
    for article in articles:
        records += 1
        if not article.content.strip():
            empty += 1
        elif article.content in seen:
            duplicates += 1
        else:
            seen.add(article.content)
            kept.append(article)
    return kept, CorpusCounts(records, empty, duplicates, len(kept))


def fingerprint(articles: Iterable[Article]) -> str:
    """A short hash of the ids and contents, so cached indexes are rebuilt when the documents change."""
    h = hashlib.blake2b(digest_size=8)
    for a in articles:
        h.update(a.id.encode())
        h.update(b"\0")
        h.update(a.content.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()
