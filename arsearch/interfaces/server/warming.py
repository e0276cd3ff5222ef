"""A warm start: before the server says it is ready (``/health``), one search of each kind a first visitor may send
has run, so that what they read (the engine's columns and term tables, the did-you-mean look-ups, the facets, the
orders) is loaded and the first real queries answer within their budget."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from arsearch.engine.api import Snapshot
from arsearch.errors import ArsearchError
from arsearch.index import Index
from arsearch.search import search

#: Searches that load what first queries read: a common word with the facets and each order, and a phrase.
WARM_UP_SEARCHES: tuple[tuple[str, dict[str, object]], ...] = (
    ("المملكة العربية السعودية", {"facets": True}),
    ("المملكة", {"sort": "date", "facets": True}),
    ("المملكة", {"sort": "recency"}),
    ('"وزارة الصحة"', {}),
)
#: Typos (a missing space, swapped and sound-alike letters): each is searched, within the search budget, until
#: did-you-mean answers it whole (an engine may load what the speller reads only once its look-ups have cost
#: enough), at most :data:`TYPO_TRIES` times.
WARM_UP_TYPOS = ("وزارةالصحة", "الممكلة الصخة")
TYPO_TRIES = 4


@dataclass
class Warmth:
    """Whether the warm-up has finished, how long it took, and what it could not run (a warm-up that fails leaves
    the server ready: its searches then load what they need themselves)."""

    ready: threading.Event = field(default_factory=threading.Event)
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    #: The warm-up thread's snapshot, kept after the thread ends: an engine may share what a snapshot loaded with
    #: other threads' snapshots only while it lives (Whoosh's term tables are weakly cached).
    snapshot: Snapshot | None = None

    @classmethod
    def done(cls) -> Warmth:
        """Ready at once: no warm-up."""
        warmth = cls()
        warmth.ready.set()
        return warmth

    def status(self) -> str:
        return "ok" if self.ready.is_set() else "starting"


def warm_up(index: Index, warmth: Warmth) -> None:
    """Run :data:`WARM_UP_SEARCHES` on ``index``, then set ``warmth.ready``."""
    started = time.perf_counter()
    try:
        warmth.snapshot = index.snapshot()
        if index.document_count():
            for text, options in WARM_UP_SEARCHES:
                try:
                    search(index, text, limit=10, **options)  # type: ignore[arg-type]
                except ArsearchError as exc:
                    warmth.problems.append(f"{text}: {exc}")
            for text in WARM_UP_TYPOS:
                for _ in range(TYPO_TRIES):
                    try:
                        if not search(index, text, limit=10).partial:
                            break
                    except ArsearchError as exc:
                        warmth.problems.append(f"{text}: {exc}")
                        break
    finally:
        warmth.seconds = time.perf_counter() - started
        warmth.ready.set()


def start_warming(index: Index) -> Warmth:
    """A thread that warms ``index`` up; the :class:`Warmth` it sets when done."""
    warmth = Warmth()
    threading.Thread(target=warm_up, args=(index, warmth), name="arsearch-warm-up", daemon=True).start()
    return warmth
