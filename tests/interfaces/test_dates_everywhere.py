"""One table of dates through every way a document comes in: a JSONL file, a JSON file, standard input,
``Index.add`` with dicts and with ``Document``, and ``POST /api/documents``.  Each way must store the same date and
file it under the same day: the day the article's own clock gives (see ``arsearch.documents.document_date``).
Every date is stored as the article's own clock reads it, without its zone, so every engine stores the same."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from arsearch import Document, Index, search
from arsearch.documents import document_date
from arsearch.ingest import index_paths
from arsearch.interfaces.cli import app

#: (as written, stored as, filed under)
DATES = [
    ("2015-07-22", "2015-07-22T00:00:00", "2015-07-22"),
    ("2015/07/22", "2015-07-22T00:00:00", "2015-07-22"),
    ("2015-07-22T01:00:00+03:00", "2015-07-22T01:00:00", "2015-07-22"),
    ("2015-07-22T01:00:00+0300", "2015-07-22T01:00:00", "2015-07-22"),
    ("2015-07-22T01:00:00+03", "2015-07-22T01:00:00", "2015-07-22"),
    ("2015-07-21T23:30:00Z", "2015-07-21T23:30:00", "2015-07-21"),
    ("2015-07-21 23:30:00-05:00", "2015-07-21T23:30:00", "2015-07-21"),
    ("2015-07-22T01:00", "2015-07-22T01:00:00", "2015-07-22"),
    ("2015-07-22T01:00:00.250", "2015-07-22T01:00:00.250000", "2015-07-22"),
    ("2015/7/2 08:00:00", "2015-07-02T08:00:00", "2015-07-02"),
    ("  2016-02-29  ", "2016-02-29T00:00:00", "2016-02-29"),
]
#: Text that is no date: a file's record is indexed undated, the Python and HTTP APIs refuse it.
NOT_DATES = ["2015-13-01", "2015-02-30", "22/07/2015", "2015-07-22T25:00:00", "yesterday", "2015-07-22T01:00+24:00",
             "2015-07-22T01:00+03:75"]

WORD = "كونيكو"


def records() -> list[dict[str, Any]]:
    # distinct texts, so that no two documents are near-duplicates of each other
    return [{"id": f"d{n}", "content": f"خبر رقم {n} عن {WORD} " + "كلمة " * n, "date": written}
            for n, (written, _, _) in enumerate(DATES)]


def jsonl_file(index: Index, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records()), encoding="utf-8")
    index_paths(index, [path])


def json_file(index: Index, tmp_path: Path) -> None:
    path = tmp_path / "in.json"
    path.write_text(json.dumps(records(), ensure_ascii=False), encoding="utf-8")
    index_paths(index, [path])


def standard_input(index: Index, tmp_path: Path) -> None:
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records())
    index.close()
    result = CliRunner().invoke(app, ["index", "-", "--index", str(index.path)], input=lines.encode("utf-8"))
    assert result.exit_code == 0, result.output


def python_dicts(index: Index, tmp_path: Path) -> None:
    index.add(records())


def python_documents(index: Index, tmp_path: Path) -> None:
    index.add([Document(id=r["id"], content=r["content"], date=r["date"]) for r in records()])


def http_post(index: Index, tmp_path: Path) -> None:
    pytest.importorskip("fastapi", reason="the HTTP API needs the server extra")
    pytest.importorskip("httpx", reason="the HTTP client needs the test extra")
    from arsearch.interfaces.server.app import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette asks for httpx2; httpx is what the test extra has
        from starlette.testclient import TestClient

        client = TestClient(create_app(index, allow_writes=True, token="secret"))
        response = client.post("/api/documents", json=records(), headers={"Authorization": "Bearer secret"})
    assert response.status_code == 200, response.text


WAYS: list[Callable[[Index, Path], None]] = [jsonl_file, json_file, standard_input, python_dicts,
                                            python_documents, http_post]


@pytest.mark.parametrize("way", WAYS, ids=[w.__name__ for w in WAYS])
def test_every_way_in_stores_and_files_the_same_dates(way: Callable[[Index, Path], None], tmp_path: Path) -> None:
    index = Index.create(tmp_path / "ix")
    way(index, tmp_path)
    with Index.open(tmp_path / "ix") as ix:
        for n, (written, stored, day) in enumerate(DATES):
            fields = ix.get(f"d{n}")
            assert fields is not None and fields["date"].isoformat() == stored, written
            on_the_day = search(ix, WORD, since=date.fromisoformat(day), until=date.fromisoformat(day), limit=100,
                                collapse=False, suggest=False)
            assert f"d{n}" in {h.id for h in on_the_day.hits}, (written, day)
        days = {f.value: f.count for f in search(ix, WORD, facets=True, limit=1).facets.day}  # type: ignore[union-attr]
        expected: dict[str, int] = {}
        for _, _, day in DATES:
            expected[day] = expected.get(day, 0) + 1
        assert days == expected


@pytest.mark.parametrize("text", NOT_DATES)
def test_text_that_is_no_date_is_refused_by_the_apis(text: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="invalid date"):
        document_date(text)
    with Index.create(tmp_path / "ix") as ix, pytest.raises(ValueError, match="invalid date"):
        ix.add([{"id": "x", "content": WORD, "date": text}])


@pytest.mark.parametrize("text", NOT_DATES)
def test_a_file_record_with_no_date_is_indexed_undated(text: str, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "x", "content": WORD, "date": text}, ensure_ascii=False), encoding="utf-8")
    with Index.create(tmp_path / "ix") as ix:
        assert index_paths(ix, [path]).added == 1
        assert ix.get("x").get("date") is None  # type: ignore[union-attr]


def test_the_python_api_keeps_its_types() -> None:
    moment = datetime(2015, 7, 22, 1, 0)
    assert document_date(moment) is moment
    riyadh = datetime(2015, 7, 22, 1, 0, tzinfo=timezone(timedelta(hours=3)))
    assert document_date(riyadh) == moment and Document(id="a", content="b", date=riyadh).date == moment
    assert document_date(date(2015, 7, 22)) == datetime(2015, 7, 22)
    assert document_date(None) is None and document_date("  ") is None
    assert Document(id="a", content="b", date=moment).date is moment
