"""Documents handed to the Python API or the HTTP API as dicts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from arsearch.documents import Document


def document_from_dict(record: dict[str, Any]) -> Document:
    """A :class:`Document` from a dict with ``id`` and ``content`` (``title``, ``date``, ... optional)."""
    if not record.get("id") or not isinstance(record.get("content"), str):
        raise ValueError("a document needs an 'id' and a string 'content'")
    date = record.get("date")
    if isinstance(date, str):
        date = datetime.fromisoformat(date)
    return Document(
        id=str(record["id"]),
        content=record["content"],
        title=str(record.get("title") or ""),
        date=date,
        source=str(record.get("source") or ""),
        url=str(record.get("url") or ""),
        author=str(record.get("author") or ""),
        path=str(record.get("path") or ""),
    )
