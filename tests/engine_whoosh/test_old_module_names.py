"""Indexes written before the engine had its own folder pickled their schema under the old module names
(``arsearch.schema``, ``arsearch.analysis.whoosh_adapter``); Whoosh's worker processes unpickle it, so an update
with several processes must still find those classes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers import cli_env

from arsearch import Index, index_paths, search

#: Builds an index in a process where the schema's classes say they live where they used to.
OLD_LAYOUT = """
import sys
from arsearch.engine.whoosh import analyzer, schema
sys.modules["arsearch.schema"] = schema
sys.modules["arsearch.analysis.whoosh_adapter"] = analyzer
schema.ArabicText.__module__ = "arsearch.schema"
analyzer.ArabicWhooshAnalyzer.__module__ = "arsearch.analysis.whoosh_adapter"
from arsearch import Index
Index.create(sys.argv[1]).add([{"id": "old", "content": "خبر قديم عن الرياض"}])
"""


def test_an_index_pickled_under_the_old_names_is_updated_by_worker_processes(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    subprocess.run([sys.executable, "-c", OLD_LAYOUT, str(path)], env=cli_env(), check=True, timeout=120)
    toc = next(path.glob("_MAIN_*.toc")).read_bytes()
    assert b"arsearch.schema" in toc and b"arsearch.analysis.whoosh_adapter" in toc
    folder = tmp_path / "docs"
    folder.mkdir()
    records = [{"id": f"n{i}", "content": f"خبر جديد رقم {i} عن الرياض وجدة"} for i in range(500)]
    (folder / "a.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    with Index.open(path) as index:
        report = index_paths(index, [folder], procs=2, batch_size=500)
        assert report.added == 500
        assert search(index, "الرياض", limit=1).total == 501
