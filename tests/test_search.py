"""Searching a small index through the library."""

from __future__ import annotations

from pathlib import Path

from arsearch.index import Index
from arsearch.search import search

DOCS = [
    {"id": "a", "title": "الصحة", "content": "أعلنت وزارة الصحة في الرياض عن حملة تطعيم جديدة."},
    {"id": "b", "title": "الرياضة", "content": "فاز المنتخب في مباراة كرة القدم أمس في الرياض."},
]


def test_snippet_width_zero_gives_empty_snippets(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as ix:
        ix.add(DOCS)
        with_snippets = search(ix, "الرياض")
        without = search(ix, "الرياض", snippet_width=0)
    assert [h.id for h in without.hits] == [h.id for h in with_snippets.hits]
    assert all(h.snippet.text for h in with_snippets.hits)
    assert all(h.snippet.text == "" and h.snippet.spans == () for h in without.hits)
