"""Fuzzing the whole search path (issue 16): any query string, through parsing, compiling, planning, the engine,
snippets, spelling and facets, on a real index, gives results whose JSON shape holds, or a ``QueryError``;
never another exception.  (The parser and the compiler alone are fuzzed in ``test_query_syntax.py``.)"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arsearch import Index, search
from arsearch.errors import QueryError
from helpers import build_index, write_news_corpus

PIECES = st.sampled_from(
    list('()"“”«»„-+:*?~^ \t\n\x00') + ["\ud800", "\udfff", "OR", "AND", "NOT", "title:", "content:", "source:",
                                        "id:", "url:", "author:", "foo:", "http://", "9" * 5000, "1e999999",
                                        "قصف", "قاعدة", "الرياض", "في", "من", "ـ", "َ", "ﷺ", "١٢", "ﻻ", "x"])
QUERIES = st.text() | st.lists(PIECES, max_size=25).map("".join) | st.lists(PIECES, max_size=25).map(" ".join)
OPTIONS = st.fixed_dictionaries({}, optional={
    "sort": st.sampled_from(["relevance", "date", "recency"]), "facets": st.booleans(), "collapse": st.booleans(),
    "limit": st.integers(min_value=1, max_value=100), "offset": st.integers(min_value=0, max_value=10_000)})
EXAMPLES = int(os.environ.get("ARSEARCH_FUZZ_EXAMPLES", 150))


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    folder = tmp_path_factory.mktemp("search-fuzz")
    with Index.open(build_index(folder / "ix", write_news_corpus(folder / "news"))) as ix:
        yield ix


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(query=QUERIES, options=OPTIONS)
def test_any_query_gives_results_or_a_query_error(index: Index, query: str, options: dict[str, object]) -> None:
    try:
        results = search(index, query, **options)  # type: ignore[arg-type]
    except QueryError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    shape = json.loads(json.dumps(results.to_dict()))
    assert shape["total"] >= len(shape["hits"])
    for hit in shape["hits"]:
        for start, end in hit["highlights"]:
            assert 0 <= start < end <= len(hit["snippet"])
