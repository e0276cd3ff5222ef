"""A TREC run: the ranked documents of a file of topics (``qid<TAB>query`` lines), as ``trec_eval`` reads them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from arsearch.errors import QueryError
from arsearch.index import Index
from arsearch.search.ranking import DEFAULT_RANKING, Ranking
from arsearch.search.searching import search

#: The run's name in its last column.
RUN_TAG = "arsearch"


def read_topics(path: Path) -> list[tuple[str, str]]:
    """The ``(qid, query)`` of each non-blank line of ``path``; :class:`QueryError` for a file that is not UTF-8 or
    a line without a tab."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        raise QueryError(f"{path} is not UTF-8 text (byte {exc.start}): save it as UTF-8") from None
    topics = []
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        qid, sep, text = line.partition("\t")
        if not sep:
            raise QueryError(f"{path}:{lineno}: expected 'qid<TAB>query'")
        topics.append((qid, text))
    return topics


def trec_run(index: Index, topics: list[tuple[str, str]], *, limit: int, since: date | None = None,
             until: date | None = None, ranking: Ranking = DEFAULT_RANKING, **narrowing: Any) -> Iterator[str]:
    """The lines of a TREC run (``qid Q0 docid rank score tag``) for ``topics``; a query that cannot run (no
    words, say) has no lines.  A run ranks documents, copies included: nothing is collapsed."""
    for qid, text in topics:
        try:
            results = search(index, text, limit=limit, since=since, until=until, ranking=ranking, snippet_width=0,
                             suggest=False, collapse=False, **narrowing)
        except QueryError:
            continue
        for hit in results.hits:
            yield f"{qid} Q0 {hit.id} {hit.rank} {hit.score:.4f} {RUN_TAG}\n"
