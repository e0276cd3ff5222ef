"""Shared fixtures: the seed articles, a small synthetic Arabic news corpus, and indexes built from them."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers import Run, cli_command, cli_env

from arsearch.index import Index
from arsearch.ingest import index_paths

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

#: Ids of the two seed articles when the ``seeds`` folder itself is indexed (text files: "<folder>/<file>").
SEED_FACTIONS = "seeds/konico-iraqi-factions-rocket-attack.txt"
SEED_RESISTANCE = "seeds/konico-islamic-resistance-claims-attack.txt"

#: A small synthetic news corpus. Every content mentions المملكة; dates use the formats news dumps use.
NEWS_RECORDS: list[dict[str, Any]] = [
    {
        "id": "n1",
        "title": "وزارة الصحة تطلق حملة تطعيم ضد الإنفلونزا",
        "content": "أعلنت وزارة الصحة في المملكة اليوم عن حملة تطعيم جديدة ضد الإنفلونزا تشمل جميع المناطق، "
                   "وقالت الوزارة إن المستشفيات جاهزة لاستقبال المراجعين.",
        "date": "2015-01-10",
        "source": "SPA",
        "url": "https://example.com/news/n1",
        "author": "فريق التحرير",
    },
    {
        "id": "n2",
        "title": "أمطار غزيرة تغلق طرق جدة",
        "content": "هطلت أمطار غزيرة على مدينة جدة في المملكة وتسببت في إغلاق عدد من الطرق الرئيسية، "
                   "وقال الدفاع المدني إن فرقه تعمل على مدار الساعة.",
        "date": "2015/03/05",
        "source": "Okaz",
        "url": "https://example.com/news/n2",
    },
    {
        "id": "n3",
        "title": "المنتخب يفوز في مباراة ودية",
        "content": "فاز منتخب المملكة على نظيره العراقي بهدفين في مباراة ودية أقيمت في الرياض مساء أمس.",
        "date": "2016-06-20T10:00:00",
        "source": "Alriyadh",
        "url": "https://example.com/news/n3",
    },
    {
        "id": "n4",
        "title": "افتتاح مستشفى جديد في جدة",
        "content": "افتتح أمير المنطقة مستشفى جديدا في جدة بسعة ثلاثمئة سرير، ضمن خطة وزارة الصحة لتطوير "
                   "الخدمات في المملكة.",
        "date": "2016-11-02 09:15:00",
        "source": "SPA",
        "url": "https://example.com/news/n4",
    },
    {
        "id": "n5",
        "title": "قمة اقتصادية في الرياض",
        "content": "تستضيف الرياض قمة اقتصادية يشارك فيها وزراء من دول المملكة والخليج لبحث التعاون التجاري.",
        "date": "2017-02-14T08:30:00Z",
        "source": "Sabq",
        "url": "https://example.com/news/n5",
    },
]
NEWS_IDS = [r["id"] for r in NEWS_RECORDS]


def write_news_corpus(folder: Path, records: list[dict[str, Any]] = NEWS_RECORDS) -> Path:
    """Spread ``records`` over a JSONL file, a JSON array and a single JSON object."""
    folder.mkdir(parents=True, exist_ok=True)
    first, middle, last = records[:2], records[2:-1], records[-1]
    (folder / "2015.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in first), encoding="utf-8")
    (folder / "2016.json").write_text(json.dumps(middle, ensure_ascii=False, indent=1), encoding="utf-8")
    (folder / "2017.json").write_text(json.dumps(last, ensure_ascii=False), encoding="utf-8")
    return folder


def build_index(index_dir: Path, *paths: Path, **settings: Any) -> Path:
    """Create an index at ``index_dir`` from ``paths`` through the Python API; returns ``index_dir``."""
    with Index.create(index_dir, **settings) as ix:
        report = index_paths(ix, list(paths))
    assert report.skipped == [], report.skipped
    return index_dir


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    assert SEEDS.is_dir(), f"seed articles not found in {SEEDS}"
    return SEEDS


@pytest.fixture(scope="session")
def seed_index_path(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    """An index of the two seed articles (read-only: tests must not change it)."""
    return build_index(tmp_path_factory.mktemp("seed-index") / "index", seeds_dir)


@pytest.fixture
def seed_index(seed_index_path: Path) -> Iterator[Index]:
    with Index.open(seed_index_path) as ix:
        yield ix


@pytest.fixture
def news_dir(tmp_path: Path) -> Path:
    """A fresh, writable copy of the synthetic corpus (three files, five records)."""
    return write_news_corpus(tmp_path / "news")


@pytest.fixture(scope="session")
def news_index_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the synthetic corpus (read-only: tests must not change it)."""
    base = tmp_path_factory.mktemp("news-index")
    return build_index(base / "index", write_news_corpus(base / "news"))


@pytest.fixture
def news_index(news_index_path: Path) -> Iterator[Index]:
    with Index.open(news_index_path) as ix:
        yield ix


@pytest.fixture
def arsearch() -> Run:
    """``arsearch(*args, timeout=120, stdin=None)`` runs the CLI in a subprocess and returns the completed process."""

    def run(*args: str | Path, timeout: float = 120, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(cli_command(*args), env=cli_env(), capture_output=True, text=True, timeout=timeout,
                              input=stdin)

    return run
