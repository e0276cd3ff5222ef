"""How hits are scored: BM25F parameters, field weights, the default operator and the recency half-life."""

from __future__ import annotations

import dataclasses
import sys
import warnings
from dataclasses import InitVar, dataclass
from typing import Literal

from arsearch.engine.api import Bm25
from arsearch.search.ordering import DEFAULT_HALF_LIFE_DAYS

Operator = Literal["or", "and"]


@dataclass(frozen=True)
class Ranking:
    """How hits are scored: BM25F parameters, field weights and the default operator between words."""

    k1: float = 1.2
    b: float = 0.75
    title_weight: float = 2.0
    operator: Operator = "or"
    #: Coordination bonus for the default OR: documents matching more of the words score higher.
    coordination: float | None = None
    #: ``sort="recency"``: a hit's score is halved for every this many days it is older than the newest document.
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS
    #: The boost of a pair of query words standing near each other in a document (:mod:`arsearch.search.proximity`;
    #: 0: off), and how many other positions may stand between them.
    proximity: float = 0.25
    proximity_slop: int = 3
    #: Drop the word that names the kind of answer after an opening question word (:mod:`arsearch.search.questions`).
    questions: bool = True
    #: The old name of :attr:`coordination` (Whoosh's), still accepted with a warning.
    coord: InitVar[float | None] = None

    def __post_init__(self, coord: float | None) -> None:
        if coord is not None:
            warnings.warn("Ranking(coord=...) is deprecated: use coordination", DeprecationWarning, stacklevel=3)
            object.__setattr__(self, "coordination", coord)

    @property
    def bm25(self) -> Bm25:
        return Bm25(k1=self.k1, b=self.b)


def _old_coord(self: Ranking) -> float | None:
    if sys._getframe(1).f_code is dataclasses.replace.__code__:
        return None  # replace() passes every init argument on; coordination itself is copied
    warnings.warn("Ranking.coord is deprecated: use Ranking.coordination", DeprecationWarning, stacklevel=2)
    return self.coordination


Ranking.coord = property(_old_coord)  # type: ignore[attr-defined]


DEFAULT_RANKING = Ranking()
