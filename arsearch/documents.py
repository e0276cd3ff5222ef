"""The record shape shared by ingestion, the index and the search layer."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, time
from functools import cached_property
from typing import Any

from arsearch.errors import DocumentError

#: ``YYYY-MM-DD`` or ``YYYY/MM/DD``, then optionally a time ``HH:MM[:SS[.fraction]]`` (after ``T`` or a space) and
#: a zone ``Z``, ``±HH``, ``±HHMM`` or ``±HH:MM``.
_DATE = re.compile(
    r"(\d{4})([-/])(\d{1,2})\2(\d{1,2})"
    r"(?:[Tt ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?)?",
    re.ASCII,
)

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def writable(text: str) -> str:
    """``text`` with every lone surrogate (JSON's ``"\\ud800"`` decodes to one; UTF-8 cannot hold it) replaced by
    U+FFFD, so that it can be indexed and looked up."""
    return _LONE_SURROGATE.sub("\ufffd", text)


@dataclass(frozen=True)
class Document:
    """One article, as read from a file or handed to the Python API."""

    id: str
    content: str
    title: str = ""
    date: datetime | None = None
    source: str = ""
    url: str = ""
    author: str = ""
    path: str = ""

    def __post_init__(self) -> None:
        if self.date is not None and (not isinstance(self.date, datetime) or self.date.tzinfo is not None):
            object.__setattr__(self, "date", document_date(self.date))  # read as every way in reads it
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, str) and _LONE_SURROGATE.search(value):
                object.__setattr__(self, field.name, writable(value))

    def fingerprint(self) -> str:
        """A hash of everything that is indexed, so an unchanged document can be skipped."""
        return self._fingerprint

    @cached_property
    def _fingerprint(self) -> str:  # ingestion asks for it up to three times per document
        h = hashlib.blake2b(digest_size=16)
        for part in (self.title, self.content, self.date.isoformat() if self.date else "",
                     self.source, self.url, self.author):
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\x00")
        return h.hexdigest()


def document_date(value: str | date | datetime | None) -> datetime | None:
    """A document's date, the one reading for every way a document comes in (files, standard input, the Python
    API, the HTTP API).

    The rule: a document is dated by its own clock.  The date and time are kept as written and filed (for
    ``--since``, ``--until``, facets, sorting) under the day they say; a zone (``Z``, ``+03:00``, ``+0300``), when
    given, is checked but never used to move the time into another zone, and not kept (no engine stores it), so
    ``2015-07-22T01:00:00+03:00`` is 2015-07-22 01:00, filed under July 22 as the article's readers saw it.  Text:
    ``YYYY-MM-DD`` or ``YYYY/MM/DD``, optionally followed by a time and a zone (see :data:`_DATE`); a ``date`` is
    its midnight; a ``datetime`` is its own clock's time (its zone dropped the same way); None and blank text are
    no date.  ValueError for anything else."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo is not None else value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if not isinstance(value, str):
        raise ValueError(f"a date must be text, not {type(value).__name__}")
    text = value.strip()
    if not text:
        return None
    match = _DATE.fullmatch(text)
    if match is None:
        raise ValueError(f"invalid date {value!r}: use YYYY-MM-DD or YYYY/MM/DD, optionally with a time and zone "
                         f"(2015-07-22T01:00:00+03:00)")
    year, _, month, day, hour, minute, second, fraction, zone = match.groups()
    microsecond = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        _check_zone(zone)
        return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
                        microsecond)
    except ValueError as exc:  # a part out of range: "day is out of range for month"
        raise ValueError(f"invalid date {value!r}: {exc}") from None


def _check_zone(text: str | None) -> None:
    if text is None or text in "Zz":
        return
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours >= 24 or minutes >= 60:
        raise ValueError(f"zone {text} is not a UTC offset")


#: Where a record's content, and its date, may be: the first key whose value is not blank.
CONTENT_KEYS = ("content", "body", "text", "contents")
DATE_KEYS = ("date", "date_extracted", "published")


def document_from_record(record: object, *, default_id: str = "", path: str = "",
                         unreadable_dates: bool = False) -> Document:
    """The one rule that makes a :class:`Document` of a record (a dict, or a :class:`Document` as it is), for
    every way a document comes in: files and standard input, ``Index.add``, ``IndexWriter.add`` and
    ``POST /api/documents``.

    The content is the first of :data:`CONTENT_KEYS` that is not blank; the id is ``id``, else ``url``, else
    ``default_id`` (a file's record: where it is in the file); the date the first of :data:`DATE_KEYS` that is not
    blank, read by :func:`document_date` (a ``date`` or ``datetime`` as it is).  Scalars are read as text; null,
    arrays and objects as nothing.  :class:`DocumentError` for a record with no content or no id, and for a date
    that is no date unless ``unreadable_dates`` (a file's record is then indexed undated rather than not at all)."""
    if isinstance(record, Document):
        return record
    if not isinstance(record, Mapping):
        raise DocumentError("record is not a JSON object")
    content = _first_value(record, CONTENT_KEYS, strip=False)
    if not content.strip():
        raise DocumentError("record has no content")
    url = _field(record, "url")
    doc_id = _field(record, "id") or url or default_id
    if not doc_id:
        raise DocumentError("record has no id (nor a url to use as one)")
    return Document(
        id=doc_id,
        content=content,
        title=_field(record, "title"),
        date=_record_date(record, unreadable_dates),
        source=_field(record, "source"),
        url=url,
        author=_field(record, "author"),
        path=path or _field(record, "path"),
    )


def _record_date(record: Mapping[str, Any], unreadable_dates: bool) -> datetime | None:
    for key in DATE_KEYS:
        value = record.get(key)
        if isinstance(value, (date, datetime)):
            return document_date(value)
    text = _first_value(record, DATE_KEYS)
    try:
        return document_date(text)
    except ValueError as exc:
        if unreadable_dates:
            return None
        raise DocumentError(str(exc)) from None


def _first_value(record: Mapping[str, Any], keys: Sequence[str], *, strip: bool = True) -> str:
    """The first of ``keys`` whose value is not blank, or ""."""
    for key in keys:
        value = _field(record, key, strip=strip)
        if value.strip():
            return value
    return ""


def _field(record: Mapping[str, Any], key: str, *, strip: bool = True) -> str:
    """A scalar field as text; missing, null, arrays and objects read as ""."""
    value = record.get(key)
    if value is None or isinstance(value, (dict, list)):
        return ""
    text = value if isinstance(value, str) else str(value)
    return text.strip() if strip else text
