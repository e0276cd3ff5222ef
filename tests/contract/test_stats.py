"""``arsearch stats``: what is in an index (documents, terms, segments, size, analyzer settings, last update),
as text and as JSON."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from arsearch import Index
from arsearch.analysis import ANALYZER_VERSION
from arsearch.index import INDEX_FORMAT
from arsearch.engine.api import DEFAULT_LEAD_WEIGHT
from helpers import ROOT, Run, cli_env

SEEDS = ROOT / "seeds"
KEYS = ["path", "documents", "deleted", "terms", "segments", "size_bytes", "analyzer", "format",
        "arsearch_version", "created", "updated", "updating", "lead_weight",
        "duplicate_groups", "grouped_documents", "engine"]


def stats_json(arsearch: Run, index: Path) -> dict[str, object]:
    run = arsearch("stats", "--index", index, "--json")
    assert (run.returncode, run.stderr) == (0, "")
    return json.loads(run.stdout)  # type: ignore[no-any-return]


def test_stats_of_an_indexed_folder(tmp_path: Path, arsearch: Run, every_engine: str) -> None:
    index = tmp_path / "ix"
    started = datetime.now(timezone.utc).replace(microsecond=0)
    assert arsearch("index", SEEDS, "--index", index, "--stemmer", "none").returncode == 0
    stats = stats_json(arsearch, index)
    assert list(stats) == KEYS
    assert stats["path"] == str(index)
    assert stats["documents"] == 2 and stats["deleted"] == 0
    with Index.open(index) as ix:
        texts = [ix.get(doc)["content"] for doc in ix.stored_states()]  # type: ignore[index]
        vocabulary = {t.term for text in texts for t in ix.analyze(text)}
    assert stats["terms"] is None  # counted only when asked: a pass over every term
    counted = json.loads(arsearch("stats", "--index", index, "--json", "--terms").stdout)
    assert counted["terms"] >= len(vocabulary)  # content terms plus title, id, path, date... terms
    # one commit: one segment (on a cluster, one per shard that holds a document: the two may share one)
    assert stats["segments"] == 1 if every_engine != "opensearch" else 1 <= stats["segments"] <= 2
    assert stats["size_bytes"] == sum(p.stat().st_size for p in index.iterdir() if p.is_file())
    assert stats["analyzer"] == {"stemmer": "none", "version": ANALYZER_VERSION}
    assert stats["format"] == INDEX_FORMAT
    created, updated = (datetime.fromisoformat(str(stats[k])) for k in ("created", "updated"))
    assert started <= created <= updated <= datetime.now(timezone.utc)
    assert stats["updating"] is None
    assert stats["lead_weight"] == DEFAULT_LEAD_WEIGHT
    assert stats["duplicate_groups"] == stats["grouped_documents"] == 0  # two reports of one event, not copies
    assert stats["engine"] == every_engine

    text = arsearch("stats", "--index", index)
    assert text.returncode == 0
    lines = dict(line.strip().split(": ", 1) for line in text.stdout.splitlines())
    assert list(lines) == ["index", "engine", "documents", "deleted", "terms", "segments", "size on disk", "analyzer",
                           "lead weight", "near-duplicates", "format", "created", "updated", "updating"]
    assert lines["documents"] == "2" and lines["updating"] == "no" and lines["engine"] == every_engine
    assert lines["analyzer"] == f"none stemmer, version {ANALYZER_VERSION}"


def test_stats_follow_updates_and_deletions(tmp_path: Path, arsearch: Run) -> None:
    folder = tmp_path / "news"
    shutil.copytree(SEEDS, folder)
    index = tmp_path / "ix"
    assert arsearch("index", folder, "--index", index).returncode == 0
    with Index.open(index) as ix:  # a long-lived Index sees the commits of other processes
        before = ix.stats()
        (folder / "extra.txt").write_text("عنوان إضافي\nخبر إضافي عن الأمطار في جدة", encoding="utf-8")
        assert arsearch("index", folder, "--index", index).returncode == 0
        added = ix.stats()
        sorted(folder.glob("konico-*"))[0].unlink()
        assert arsearch("index", folder, "--index", index).returncode == 0
        removed = ix.stats()
        meta = json.loads((index / "arsearch.json").read_text(encoding="utf-8"))
    assert (before.documents, added.documents, removed.documents) == (2, 3, 2)
    assert added.terms is None and ix.stats(count_terms=True).terms > 0  # type: ignore[operator]
    assert removed.updated == meta["updated"] >= added.updated >= before.updated
    assert stats_json(arsearch, index)["documents"] == 2


def test_stats_of_an_empty_index(tmp_path: Path, arsearch: Run) -> None:
    Index.create(tmp_path / "ix").close()
    stats = stats_json(arsearch, tmp_path / "ix")
    assert (stats["documents"], stats["terms"], stats["segments"]) == (0, None, 0)
    assert json.loads(arsearch("stats", "--index", tmp_path / "ix", "--json", "--terms").stdout)["terms"] == 0


def test_stats_name_the_process_updating_the_index(tmp_path: Path, arsearch: Run) -> None:
    index = tmp_path / "ix"
    assert arsearch("index", SEEDS, "--index", index).returncode == 0
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time\nfrom arsearch import Index\n"
                               "ix = Index.open(sys.argv[1]); ix.write_lock.acquire()\n"
                               "print('locked', flush=True); time.sleep(60)", str(index)],
                              env=cli_env(), stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        stats = stats_json(arsearch, index)  # readers are never blocked by a writer
        assert stats["documents"] == 2
        assert stats["updating"]["pid"] == holder.pid  # type: ignore[index]
    finally:
        holder.kill()
        holder.communicate()
    assert stats_json(arsearch, index)["updating"] is None  # the note of a killed process is not believed


@pytest.mark.parametrize("as_json", [False, True])
def test_stats_of_a_missing_index(tmp_path: Path, arsearch: Run, as_json: bool) -> None:
    run = arsearch("stats", "--index", tmp_path / "none", *(["--json"] if as_json else []))
    assert run.returncode == 3
    assert run.stdout == ""
    assert "no index at" in (json.loads(run.stderr)["error"] if as_json else run.stderr)
