"""Documents handed to the Python API or the HTTP API as dicts."""

from __future__ import annotations

from typing import Any

from arsearch.documents import Document, document_date


def document_from_dict(record: dict[str, Any]) -> Document:
    """A :class:`Document` from a dict with ``id`` and ``content`` (``title``, ``date``, ... optional; ``date`` is
    read by :func:`~arsearch.documents.document_date`).  ValueError for a record it cannot make a document of."""
    if not record.get("id") or not isinstance(record.get("content"), str):
        raise ValueError("a document needs an 'id' and a string 'content'")
    date = document_date(record.get("date"))
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
