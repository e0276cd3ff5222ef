"""Documents handed to the Python API or the HTTP API as dicts."""

from __future__ import annotations

from typing import Any

from arsearch.documents import Document, document_from_record


def document_from_dict(record: dict[str, Any]) -> Document:
    """A :class:`Document` from a dict, by the rule every way in shares
    (:func:`~arsearch.documents.document_from_record`): ``content`` (or ``body``, ``text``), ``id`` (or ``url``),
    ``date`` (or ``date_extracted``, ``published``) ...  :class:`~arsearch.errors.DocumentError` (a ValueError) for
    a record it cannot make a document of: no content, no id, a date that is no date."""
    return document_from_record(record)
