"""Dates as people type them in filters (the library's reading, :mod:`arsearch.search.dates`)."""

from __future__ import annotations

from arsearch.search.dates import parse_date

__all__ = ["parse_date"]
