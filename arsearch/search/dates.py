"""Dates as people type them in filters: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (``search(since=...)``, CLI options,
HTTP parameters)."""

from __future__ import annotations

import calendar
import re
from datetime import date

from arsearch.errors import QueryError

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


def parse_date(value: str | None, name: str, end: bool = False) -> date | None:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; a month or year means its first day (``end=False``, a lower bound)
    or its last (``end=True``); None for None or blank text.  :class:`QueryError` naming ``name`` (the option or
    parameter it was given as) for anything else."""
    if not value or not value.strip():
        return None
    m = _DATE_RE.match(value.strip())
    try:
        if not m:
            raise ValueError
        year, month = int(m.group(1)), int(m.group(2) or (12 if end else 1))
        if m.group(3) is not None:
            return date(year, month, int(m.group(3)))
        first = date(year, month, 1)
        return first.replace(day=calendar.monthrange(year, month)[1]) if end else first
    except ValueError:
        raise QueryError(f"invalid date {value!r} for {name}: use YYYY-MM-DD, YYYY-MM or YYYY") from None
