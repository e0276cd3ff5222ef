"""Helpers for the reliability tests: the real ``arsearch`` command in a subprocess, generated news corpora."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from arsearch.index import Index
from arsearch.ingest import index_paths

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
#: The SaudiNewsNet corpus beside the checkout (or where ``$ARSEARCH_CORPUS`` says: a worktree elsewhere); tests that
#: need it are marked ``corpus`` and skip without it.
CORPUS = Path(os.environ.get("ARSEARCH_CORPUS") or ROOT.parent / "shared" / "corpus" / "saudinewsnet")

WORDS = ("قصف قاعدة صواريخ العراق سوريا الحشد المقاومة كونيكو وزارة الصحة حملة تطعيم الرياض فريق مباراة "
         "اقتصاد نفط أسعار الأمطار السيول مجلس الشورى الطلاب الجامعة").split()

Run = Callable[..., subprocess.CompletedProcess[str]]


#: The shared test cluster the opensearch engine's tests use; they skip without it.
OPENSEARCH_TEST_URL = "ARSEARCH_TEST_OPENSEARCH_URL"
#: The engine ``arsearch index`` creates indexes with in the CLI runs of :func:`cli_env` (None: the default);
#: set per test by the ``every_engine`` fixture.
CLI_ENGINE: str | None = None


def cli_env() -> dict[str, str]:
    """The environment for ``python -m arsearch``: this checkout first on the path, no index from the caller."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARSEARCH_")}
    if CLI_ENGINE is not None:
        env["ARSEARCH_ENGINE"] = CLI_ENGINE
    if CLI_ENGINE == "opensearch":  # where its indexes go (see the opensearch_indexes fixture)
        env.update({k: v for k, v in os.environ.items() if k.startswith("ARSEARCH_OPENSEARCH_")})
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    env["PYTHONUNBUFFERED"] = "1"
    return env


def delete_opensearch_indexes(url: str, prefix: str) -> None:
    """Delete the indexes of the cluster at ``url`` whose names start with ``prefix``."""
    import httpx

    found = httpx.get(f"{url}/_cat/indices/{prefix}*", params={"format": "json", "expand_wildcards": "all"},
                      timeout=60)
    names = [entry["index"] for entry in found.json()] if found.status_code == 200 else []
    for start in range(0, len(names), 50):
        httpx.delete(f"{url}/{','.join(names[start:start + 50])}", timeout=120)


def cli_command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "arsearch", *map(str, args)]


def interrupts_as_at_a_terminal() -> None:
    """A child's SIGINT back to the default: a test runner started in the background (``cmd &``) has SIGINT
    ignored, and its children would inherit that, unlike a command typed at a terminal."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_cli(*args: str | Path, **kwargs: object) -> subprocess.Popen[str]:
    """Start ``arsearch ARGS`` without waiting (stdout and stderr piped, text mode), Ctrl-C reaching it as at a
    terminal."""
    return subprocess.Popen(cli_command(*args), env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=interrupts_as_at_a_terminal, **kwargs)  # type: ignore[call-overload]


def assert_one_line_error(stderr: str, *fragments: str) -> None:
    """stderr is one ``error: ...`` line containing every fragment, and no traceback."""
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, stderr)


def write_corpus(folder: Path, documents: int, per_file: int, *, seed: int = 0) -> list[str]:
    """JSONL files of generated Arabic news; document ``n`` has id ``doc-n`` and the unique word ``markerN``.

    Returns the ids in order.
    """
    rnd = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    ids = []
    for start in range(0, documents, per_file):
        lines = []
        for n in range(start, min(start + per_file, documents)):
            ids.append(f"doc-{n}")
            lines.append(json.dumps({
                "id": f"doc-{n}",
                "title": " ".join(rnd.choices(WORDS, k=5)),
                "content": f"marker{n} " + " ".join(rnd.choices(WORDS, k=40)),
                "date": f"2015-{1 + n % 12:02d}-{1 + n % 28:02d}",
                "source": "generated",
            }, ensure_ascii=False))
        (folder / f"part-{start // per_file:04d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ids


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
