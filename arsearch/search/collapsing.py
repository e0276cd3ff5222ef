"""Near-duplicates as a search shows them: the other documents of a hit's group.

The engine collapses a search to one hit per group (:attr:`~arsearch.engine.api.SearchRequest.collapse`) and
gives each hit the group's other live documents (:class:`~arsearch.engine.api.Member`); a :class:`Duplicate` is one
of those as results carry it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from arsearch.engine.api import Member


@dataclass(frozen=True)
class Duplicate:
    """Another document of a hit's near-duplicate group."""

    id: str
    source: str
    date: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "source": self.source, "date": self.date.isoformat() if self.date else None}

    @classmethod
    def of(cls, member: Member) -> Duplicate:
        return cls(member.id, member.source, member.date)
