"""One rule makes a document of a record, whichever way it comes in: a JSON Lines file, ``Index.add``, a writer's
``add`` and ``POST /api/documents`` accept the same records (``url`` as the id, ``date_extracted`` as the date, a dict
where a document goes) and refuse or skip the same ones, for the same reason."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from arsearch import Index, index_paths, search
from arsearch.errors import DocumentError, QueryError

ACCEPTED: list[dict[str, Any]] = [
    {"url": "http://example.com/a", "content": "وزارة الصحة تفتتح مستشفى", "date_extracted": "2015-07-22 10:00:00"},
    {"id": "b", "body": "الأمطار تهطل على الرياض", "published": "2015-07-23"},
    {"id": "c", "content": "   ", "text": "مجلس الشورى يناقش النظام"},
]
EXPECTED = {"http://example.com/a": datetime(2015, 7, 22, 10), "b": datetime(2015, 7, 23), "c": None}
REFUSED: list[tuple[dict[str, Any], str]] = [
    ({"id": "x", "content": "  \n"}, "record has no content"),
    ({"id": "y"}, "record has no content"),
    ({"content": "نص بلا معرف"}, "record has no id"),
]


def by_file(index: Index, records: list[dict[str, Any]], tmp_path: Path) -> list[str]:
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return [s.reason for s in index_paths(index, [path]).skipped]


def by_index_add(index: Index, records: list[dict[str, Any]], tmp_path: Path) -> list[str]:
    try:
        index.add(records)
    except DocumentError as exc:
        return [str(exc)]
    return []


def by_writer(index: Index, records: list[dict[str, Any]], tmp_path: Path) -> list[str]:
    try:
        with index.writer() as writer:
            for record in records:
                writer.add(record)  # type: ignore[arg-type]  # a dict, as the Python API allows
    except DocumentError as exc:
        return [str(exc)]
    return []


def by_http_post(index: Index, records: list[dict[str, Any]], tmp_path: Path) -> list[str]:
    pytest.importorskip("fastapi", reason="the HTTP API needs the server extra")
    pytest.importorskip("httpx", reason="the HTTP client needs the test extra")
    from arsearch.interfaces.server.app import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

        client = TestClient(create_app(index, allow_writes=True, token="secret"))
        response = client.post("/api/documents", json=records, headers={"Authorization": "Bearer secret"})
    if response.status_code == 200:
        return []
    assert response.status_code == 400, response.text
    return [response.json()["error"]]


WAYS: list[Callable[[Index, list[dict[str, Any]], Path], list[str]]] = [by_file, by_index_add, by_writer,
                                                                       by_http_post]


@pytest.mark.parametrize("way", WAYS, ids=[w.__name__ for w in WAYS])
def test_the_same_records_make_the_same_documents(way: Callable[..., list[str]], tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        assert way(index, ACCEPTED, tmp_path) == []
        for doc_id, day in EXPECTED.items():
            fields = index.get(doc_id)
            assert fields is not None and fields["date"] == day, doc_id
        assert [h.id for h in search(index, "الشورى").hits] == ["c"]


@pytest.mark.parametrize("record, reason", REFUSED, ids=[r for _, r in REFUSED])
@pytest.mark.parametrize("way", WAYS, ids=[w.__name__ for w in WAYS])
def test_the_same_records_are_refused_for_the_same_reason(way: Callable[..., list[str]], record: dict[str, Any],
                                                          reason: str, tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        reasons = way(index, [ACCEPTED[1], record], tmp_path)
        if way is by_file and "id" in reason:  # a file's record is named by where it is in the file
            assert reasons == [] and index.document_count() == 2
            return
        assert len(reasons) == 1 and reason in reasons[0]
        # a file skips the record and indexes the rest; the APIs refuse the whole call and commit nothing
        assert index.document_count() == (1 if way is by_file else 0)


def test_dates_as_text_filter_a_search(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        index.add(ACCEPTED)
        assert {h.id for h in search(index, "الصحة OR الرياض", since="2015-07-23").hits} == {"b"}
        assert {h.id for h in search(index, "الصحة OR الرياض", until="2015-07").hits} == {"http://example.com/a", "b"}
        with pytest.raises(QueryError, match=r"invalid date .23/07/2015. for since"):
            search(index, "الصحة", since="23/07/2015")
