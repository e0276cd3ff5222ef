"""Synthetic news archives of any size, made of SaudiNewsNet's own sentences (for ``benchmarks/scale.py``).

Article ``i`` of an archive takes a real article of the corpus as its model (drawn with a seeded generator): the
model's title and source (no author: the loader drops it), and as many sentences as the model has, each drawn at
random from the pool of every sentence of the corpus, in paragraphs of the model's shape.  So titles and sources
are real, the words follow the corpus's distribution, and no two articles are the same text.  Dates run forward
from :data:`FIRST_DAY` at :data:`ARTICLES_PER_DAY` a day (the corpus's own rate is about 1,700), so a larger archive
spans more days; articles go to one JSONL file per day, as the corpus has them (one of 1,000 articles is about
3 MB: ``arsearch index`` holds a whole file in memory while it reads it, so files of a month would add 400 MB to
the peak of every build), in the record shape of the corpus (``url`` is the id).

The archive of ``n`` articles is the first ``n`` articles of any larger one with the same seed.  Articles are
written as they are made (never all held in memory); ``sources.json`` counts the articles of each source, and
``complete.json``, written last, marks a finished archive, which later runs reuse.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from benchmarks.evaluation.corpus import deduplicate, read_records

SEED = 13
FIRST_DAY = datetime(2012, 1, 1)
ARTICLES_PER_DAY = 1000
#: Sentences of one synthetic article at most (the longest corpus articles run to hundreds).
MAX_SENTENCES = 60
COMPLETE_MARKER = "complete.json"
SOURCE_COUNTS = "sources.json"
#: Bumped when the generator changes what it writes: an archive of an older version is made again.
GENERATOR_VERSION = 2

_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+")


@dataclass(frozen=True)
class Model:
    title: str
    source: str
    #: Sentences of each paragraph, in order.
    shape: tuple[int, ...]


@dataclass
class Material:
    """What archives are made of: the pool of sentences and the corpus articles used as models."""

    sentences: list[str]
    models: list[Model]


def load_material(corpus_dir: Path) -> Material:
    articles, _counts = deduplicate(read_records(corpus_dir))
    sentences: list[str] = []
    models: list[Model] = []
    for a in articles:
        shape = []
        for paragraph in a.content.split("\n"):
            found = [s.strip() for s in _SENTENCE_END.split(paragraph) if len(s.split()) >= 3]
            sentences.extend(found)
            if found:
                shape.append(len(found))
        if shape and a.title.strip():
            models.append(Model(a.title.strip(), a.source, _capped(shape)))
    return Material(sentences, models)


def _capped(shape: list[int]) -> tuple[int, ...]:
    kept, total = [], 0
    for n in shape:
        if total + n > MAX_SENTENCES:
            break
        kept.append(n)
        total += n
    return tuple(kept or [min(shape[0], MAX_SENTENCES)])


def articles(material: Material, count: int, seed: int = SEED) -> Iterator[dict[str, str]]:
    """``count`` synthetic records day by day (at a random time of their day), the same ones for the same seed."""
    rng = random.Random(seed)
    pick = rng.choice
    sentences, models = material.sentences, material.models
    for i in range(count):
        model = pick(models)
        paragraphs = [" ".join(pick(sentences) for _ in range(n)) for n in model.shape]
        when = FIRST_DAY + timedelta(days=i // ARTICLES_PER_DAY, seconds=rng.randrange(86_400))
        yield {
            "source": model.source,
            "url": f"https://synthetic.example/{model.source}/{i}",
            "date_extracted": when.strftime("%Y-%m-%d %H:%M:%S"),
            "title": model.title,
            "content": "\n\n".join(paragraphs),
        }


def headlines(material: Material, count: int, seed: int = SEED) -> list[str]:
    """``count`` distinct real headlines of the corpus, drawn with ``seed``: the queries."""
    titles = sorted({m.title for m in material.models if len(m.title.split()) >= 2})
    return random.Random(seed).sample(titles, count)


def date_range(count: int) -> tuple[date, date]:
    """The first and last day of the archive of ``count`` articles."""
    return FIRST_DAY.date(), (FIRST_DAY + timedelta(days=(count - 1) // ARTICLES_PER_DAY)).date()


def source_counts(folder: Path) -> Counter[str]:
    """How many articles of each source the finished archive in ``folder`` holds (counted from its files, and
    kept, for an archive written before the counts were)."""
    kept = folder / SOURCE_COUNTS
    try:
        return Counter(json.loads(kept.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        pass
    counts: Counter[str] = Counter()
    for path in sorted((folder / "docs").glob("*.jsonl")):
        with open(path, encoding="utf-8") as lines:
            counts.update(json.loads(line)["source"] for line in lines if line.strip())
    kept.write_text(json.dumps(counts, ensure_ascii=False), encoding="utf-8")
    return counts


def is_complete(folder: Path, count: int, seed: int) -> bool:
    try:
        done = json.loads((folder / COMPLETE_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return done == {"articles": count, "seed": seed, "version": GENERATOR_VERSION}


def write_archive(material: Material, folder: Path, count: int, seed: int = SEED) -> Path:
    """The archive of ``count`` articles in ``folder`` (made unless already complete there); returns its
    ``docs`` folder, the one to index."""
    docs = folder / "docs"
    if is_complete(folder, count, seed):
        return docs
    shutil.rmtree(docs, ignore_errors=True)
    docs.mkdir(parents=True)
    out, day = None, ""
    sources: Counter[str] = Counter()
    try:
        for record in articles(material, count, seed):
            sources[record["source"]] += 1
            if record["date_extracted"][:10] != day:
                if out:
                    out.close()
                day = record["date_extracted"][:10]
                out = open(docs / f"{day}.jsonl", "w", encoding="utf-8")  # noqa: SIM115 (one file a day)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        if out:
            out.close()
    (folder / SOURCE_COUNTS).write_text(json.dumps(sources, ensure_ascii=False), encoding="utf-8")
    (folder / COMPLETE_MARKER).write_text(json.dumps({"articles": count, "seed": seed, "version": GENERATOR_VERSION}),
                                          encoding="utf-8")
    return docs
