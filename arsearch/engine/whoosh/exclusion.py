"""Whoosh's ``a ANDNOT b`` with its first document checked.

Whoosh's ``AndNotMatcher`` (whoosh-reloaded 2.7.5) checks its first document against the excluded matcher only when
that matcher happens to be on the same document; when the excluded matcher starts on an earlier one, the first
positive document of each segment is matched even if it is excluded (``+وزارة -وزارة +الملك -الملك`` matched 13
documents of the corpus, one per segment).  :class:`AndNot` moves the excluded matcher up to the first positive
document before checking it, as every later step already does.
"""

from __future__ import annotations

from typing import Any

from whoosh import matching
from whoosh import query as wq


class AndNotMatcher(matching.AndNotMatcher):
    def _find_first(self) -> None:
        if self.a.is_active() and self.b.is_active():
            self._find_next()


class AndNot(wq.AndNot):
    """``wq.AndNot`` whose matcher is :class:`AndNotMatcher`."""

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        scored = self.a.matcher(searcher, context)
        excluded = self.b.matcher(searcher, searcher.boolean_context())
        return AndNotMatcher(scored, excluded)
