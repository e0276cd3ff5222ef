"""The record shape shared by ingestion, the index and the search layer."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, fields
from functools import cached_property
from datetime import datetime

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
