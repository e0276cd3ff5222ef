"""Every name docs/python-api.md promises is there, with the parameters it shows."""

from __future__ import annotations

import inspect

import pytest

import arsearch
from arsearch import errors

CALLS = {
    arsearch.Index.create: ["path", "settings", "overwrite", "wait", "lead_weight", "engine"],
    arsearch.Index.open: ["path"],
    arsearch.Index.exists: ["path"],
    arsearch.Index.open_or_create: ["path", "settings", "wait"],
    arsearch.Index.add: ["documents"],
    arsearch.Index.delete: ["doc_ids"],
    arsearch.Index.get: ["doc_id"],
    arsearch.Index.writer: ["wait"],
    arsearch.search: ["index", "text", "limit", "offset", "since", "until", "collapse", "sources", "sort", "facets",
                      "suggest"],
    arsearch.similar: ["index", "doc_id", "limit", "offset", "include_duplicates", "collapse"],
    arsearch.index_paths: ["index", "paths", "batch_size", "wait", "stream", "progress"],
}
ATTRIBUTES = {
    arsearch.Index: ["stats", "snapshot", "analyze", "document_count", "close", "__enter__", "__exit__"],
    arsearch.IndexWriter: ["add", "delete", "commit", "cancel", "__enter__", "__exit__"],
    arsearch.Hit: ["rank", "id", "score", "title", "snippet", "fields", "date", "source", "url", "path", "group",
                   "duplicates", "to_dict"],
    arsearch.SearchResults: ["hits", "total", "elapsed_ms", "facets", "suggestion", "to_dict"],
    arsearch.Snippet: ["text", "spans", "segments", "to_html"],
    arsearch.Facets: ["source", "month", "day", "to_dict"],
    arsearch.FacetCount: ["value", "count"],
    arsearch.Suggestion: ["query", "total", "changed", "marked"],
    arsearch.Duplicate: ["id", "source", "date"],
    arsearch.Ranking: ["half_life_days"],
}


@pytest.mark.parametrize("function", list(CALLS), ids=lambda f: f.__qualname__)
def test_the_functions_take_the_parameters_the_docs_show(function: object) -> None:
    parameters = inspect.signature(function).parameters  # type: ignore[arg-type]
    assert [name for name in CALLS[function] if name not in parameters] == []  # type: ignore[index]


@pytest.mark.parametrize("cls", list(ATTRIBUTES), ids=lambda c: c.__name__)
def test_the_classes_have_the_attributes_the_docs_name(cls: type) -> None:
    fields = set(getattr(cls, "__dataclass_fields__", {})) | set(dir(cls))
    assert [name for name in ATTRIBUTES[cls] if name not in fields] == []


def test_the_errors_and_their_facts() -> None:
    for name in ("ArsearchError", "IndexNotFoundError", "IndexFormatError", "IndexLockedError", "QueryError",
                 "InputError", "Interrupted", "DocumentNotFoundError"):
        assert issubclass(getattr(errors, name), errors.ArsearchError)
    assert errors.IndexFormatError("x", rebuild=True).rebuild
    assert errors.IndexLockedError("x", waited=2).waited == 2
    assert errors.IndexNotFoundError("x", missing=True).missing


def test_every_name_of_the_face_imports() -> None:
    assert [name for name in arsearch.__all__ if not hasattr(arsearch, name)] == []
    from arsearch.engine import ENGINES

    assert ENGINES[0] == "whoosh"


def test_the_server_app_is_where_the_readme_says() -> None:
    pytest.importorskip("fastapi")
    from arsearch.server import create_app

    assert "allow_writes" in inspect.signature(create_app).parameters
