"""A warm start: ``/health`` says ``starting`` (503) until the server has loaded what first queries read, and the
first typo sent to a fresh server gets its did-you-mean (on days of the real corpus when ../shared has it)."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the server tests need the server extra")

from fastapi.testclient import TestClient
from helpers import CORPUS
from serving import running_server

from arsearch import Index, index_paths
from arsearch.interfaces.server.app import create_app

DAYS = [CORPUS / f"2015-07-{day}.zip" for day in (21, 22, 23)]


def test_health_says_starting_until_the_warm_up_is_done(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        index.add([{"id": "a", "content": "وزارة الصحة تعلن"}])
        app = create_app(index, warm=False)
        api = TestClient(app)
        assert api.get("/health").status_code == 200
        app.state.warmth.ready.clear()  # as it is while the warm-up runs
        starting = api.get("/health")
        assert starting.status_code == 503 and starting.json() == {"status": "starting", "documents": 1}
        assert api.get("/api/search", params={"q": "الصحة"}).json()["total"] == 1  # searches are answered meanwhile
        warmed = create_app(index)
        assert warmed.state.warmth.ready.wait(30) and warmed.state.warmth.problems == []
        assert TestClient(warmed).get("/health").json() == {"status": "ok", "documents": 1}


@pytest.mark.corpus
@pytest.mark.skipif(not all(day.is_file() for day in DAYS), reason="SaudiNewsNet corpus not found in ../shared")
def test_the_first_typo_sent_to_a_fresh_server_gets_its_suggestion(tmp_path: Path, engine_name: str) -> None:
    with Index.create(tmp_path / "ix", engine=engine_name) as index:
        index_paths(index, DAYS)
    with running_server(tmp_path / "ix") as url:  # returns once /health says ready
        query = urllib.parse.urlencode({"q": "وزارةالصحة"})
        with urllib.request.urlopen(f"{url}/api/search?{query}", timeout=60) as response:
            answer = json.load(response)
    assert answer["suggestion"] is not None and answer["suggestion"]["query"] == "وزارة الصحة"
    assert answer["suggestion"]["total"] > 0 and answer["partial"] is False
