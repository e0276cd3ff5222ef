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
#: Typos (a missing space, swapped and sound-alike letters), alone and many at once (the speller reads the
#: index's words differently for one and for several).
WARM_UP_TYPOS = ("وزارةالصحة", "الممكلة الصخة", "الممكلة الصخة السعودبة الرياظ المملكو العربيه الوزرا المدينه "
                 "الحكومه الاقتصاد")
#: A search is run again, at most this many times, until it takes less than :data:`WARM_ENOUGH` seconds or no
#: less than half its time before: an engine may load what a search reads only once its look-ups have cost
#: enough (Whoosh's term tables, after a tenth of a second of look-ups of a field).
TRIES = 4
WARM_ENOUGH = 0.2
#: Articles of the index pasted as queries (their first :data:`PASTED_WORDS` words), so that the look-ups of many
#: words (title, content, the written words) are loaded too.
PASTED_ARTICLES = 5
PASTED_WORDS = 300


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
            pasted: list[str] = []
            for text, options in WARM_UP_SEARCHES:
                try:
                    found = search(index, text, limit=PASTED_ARTICLES, **options)  # type: ignore[arg-type]
                except ArsearchError as exc:
                    warmth.problems.append(f"{text}: {exc}")
                    continue
                if not pasted:
                    pasted = [_pasted(index, hit.id) for hit in found.hits]
            for text in [*filter(None, pasted), *WARM_UP_TYPOS]:
                _until_warm(index, text, warmth)
    finally:
        warmth.seconds = time.perf_counter() - started
        warmth.ready.set()


def _until_warm(index: Index, text: str, warmth: Warmth) -> None:
    """Search ``text`` until it is fast, or no faster than the time before (nothing more to load)."""
    before = None
    for _ in range(TRIES):
        began = time.perf_counter()
        try:
            search(index, text, limit=10)
        except ArsearchError as exc:
            warmth.problems.append(f"{text[:40]}: {exc}")
            return
        took = time.perf_counter() - began
        if took < WARM_ENOUGH or (before is not None and took > before / 2):
            return
        before = took


def _pasted(index: Index, doc_id: str) -> str:
    fields = index.get(doc_id) or {}
    return " ".join(str(fields.get("content") or "").split()[:PASTED_WORDS])


def start_warming(index: Index) -> Warmth:
    """A thread that warms ``index`` up; the :class:`Warmth` it sets when done."""
    warmth = Warmth()
    threading.Thread(target=warm_up, args=(index, warmth), name="arsearch-warm-up", daemon=True).start()
    return warmth
