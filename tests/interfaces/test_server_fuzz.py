"""Fuzzing the HTTP API from its own OpenAPI schema with schemathesis (issue 16): every endpoint, every parameter,
valid and invalid values.  No request may get a 500; every answer conforms to the schema (status codes, content
types, bodies), and every error is the documented ``{"error": "...", "status": N}``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402

from arsearch.index import Index  # noqa: E402
from arsearch.interfaces.server.app import create_app  # noqa: E402
from helpers import build_index, write_news_corpus  # noqa: E402

#: Examples per operation and mode (valid and invalid requests); ARSEARCH_FUZZ_EXAMPLES=1000 fuzzes longer.
EXAMPLES = int(os.environ.get("ARSEARCH_FUZZ_EXAMPLES", 25))


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("server-fuzz")
    build_index(folder / "ix", write_news_corpus(folder / "news"))
    with Index.open(folder / "ix") as index:
        # writes on, and a writer that does not wait: fuzzed POSTs and DELETEs commit to this index
        yield schemathesis.openapi.from_asgi("/openapi.json", create_app(index, allow_writes=True, write_wait=0))


def operations(schema: Any) -> list[Any]:
    found = [result.ok() for result in schema.get_all_operations()]
    assert len(found) >= 7, found  # search, similar, analyze, stats, get, add, delete
    return found


#: A schema cannot say that a query needs a word to search for ("*", "the"): a 400 for it is right.
EXCLUDED = [schemathesis.checks.positive_data_acceptance]


def check(case: Any) -> None:
    response = case.call_and_validate(excluded_checks=EXCLUDED)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error", "status"} and body["status"] == response.status_code, body
        assert isinstance(body["error"], str) and body["error"] and "\n" not in body["error"], body


# schemathesis's own pytest plugin does not run on pytest 9 (it reads Function._nodeid): Hypothesis drives it here
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_endpoint_answers_within_its_schema(api_schema: Any, mode: Any) -> None:
    for operation in operations(api_schema):
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=operation.as_strategy(generation_mode=mode))
        def fuzz(case: Any) -> None:
            check(case)

        try:
            fuzz()
        except Unsatisfiable:
            assert mode == GenerationMode.NEGATIVE  # an operation without parameters has no invalid request
