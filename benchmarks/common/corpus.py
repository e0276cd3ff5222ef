"""Reading SaudiNewsNet: zips of JSON arrays of articles, and the corpus as one JSON Lines file a day.

The corpus is found at ``../shared/corpus/saudinewsnet`` beside the checkout (:data:`DEFAULT_CORPUS`), as the
tests look for it; every benchmark takes ``--corpus`` to read it elsewhere.
"""

from __future__ import annotations

import json
import random
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.common.machine import REPO_ROOT
from benchmarks.common.queries import SEED

DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "saudinewsnet"


@dataclass(frozen=True)
class ZipRecord:
    zip: Path
    #: The JSON file inside the zip, and the zip's count of JSON files (most hold one).
    member: str
    members: int
    #: 1-based position in the member's array.
    position: int
    record: dict[str, Any]


def zip_records(corpus_dir: str | Path) -> Iterator[ZipRecord]:
    """Every record of every ``*.zip`` in ``corpus_dir``, zips and their JSON files in name order."""
    zips = sorted(Path(corpus_dir).glob("*.zip"))
    if not zips:
        raise FileNotFoundError(f"no *.zip files in {corpus_dir}")
    for path in zips:
        with zipfile.ZipFile(path) as archive:
            members = sorted(m for m in archive.namelist() if m.endswith(".json"))
            for member in members:
                for n, record in enumerate(json.loads(archive.read(member).decode("utf-8")), start=1):
                    yield ZipRecord(path, member, len(members), n, record)


def records_by_url(corpus_dir: str | Path) -> dict[str, tuple[str, dict[str, Any]]]:
    """``{url: (zip stem, record)}`` of the records with a url and some content; of records with the same url the
    last one read wins, as it does in ``arsearch index`` (the url is the document's id)."""
    by_url: dict[str, tuple[str, dict[str, Any]]] = {}
    for found in zip_records(corpus_dir):
        record = found.record
        if (record.get("content") or "").strip() and record.get("url"):
            by_url.pop(record["url"], None)
            by_url[record["url"]] = (found.zip.stem, record)
    return by_url


@dataclass
class Corpus:
    """The corpus written as ``docs_dir/<zip stem>.jsonl`` (one file a day), minus ``held_out`` articles written
    to ``extra`` for a later update."""

    docs_dir: Path
    extra: Path
    indexed: list[dict[str, Any]]
    held_out: int
    words: int = 0
    bytes: int = 0
    files: int = 0
    days: list[str] = field(default_factory=list)


def prepare(corpus_dir: Path, workdir: Path, held_out: int = 1000, seed: int = SEED) -> Corpus:
    """Write the corpus (one record per url, blank contents dropped) to ``workdir/docs``, ``held_out`` articles
    drawn with ``seed`` to ``workdir/extra.jsonl`` instead."""
    by_url = records_by_url(corpus_dir)
    urls = sorted(by_url)
    held = set(random.Random(seed).sample(urls, held_out)) if held_out else set()
    days: dict[str, list[dict[str, Any]]] = {}
    for url, (day, record) in by_url.items():
        if url not in held:
            days.setdefault(day, []).append(record)
    docs_dir = workdir / "docs"
    shutil.rmtree(docs_dir, ignore_errors=True)
    docs_dir.mkdir(parents=True)
    corpus = Corpus(docs_dir, workdir / "extra.jsonl", [], len(held))
    for day, records in sorted(days.items()):
        (docs_dir / f"{day}.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        corpus.indexed.extend(records)
        corpus.files += 1
        corpus.days.append(day)
    corpus.extra.write_text("".join(json.dumps(by_url[url][1], ensure_ascii=False) + "\n" for url in sorted(held)),
                            encoding="utf-8")
    corpus.words = sum(len(r["content"].split()) for r in corpus.indexed)
    corpus.bytes = sum(f.stat().st_size for f in docs_dir.iterdir())
    return corpus


def jsonl_records(path: str | Path) -> Iterator[dict[str, Any]]:
    """The records of one JSON Lines file, blank lines skipped."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
