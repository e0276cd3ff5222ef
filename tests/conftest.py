"""Shared fixtures: the seed articles and the synthetic corpus of :mod:`helpers`, indexes built from them on every
engine, and the CLI in a subprocess.  Tests import shared data and functions from ``helpers``, never from here."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import (OPENSEARCH_TEST_URL, SEEDS, Run, build_index, cli_command, cli_env,
                     delete_opensearch_indexes, write_news_corpus)

from arsearch.engine import ENGINES
from arsearch.index import Index

def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``engine_name`` takes every engine, except in a test marked ``engine_independent``: what that test checks
    does not depend on the engine, so it runs once, on the default one, even where ``every_engine`` is autouse."""
    if "engine_name" in metafunc.fixturenames:
        engines = ENGINES[:1] if metafunc.definition.get_closest_marker("engine_independent") else ENGINES
        metafunc.parametrize("engine_name", engines, indirect=True, scope="session")


@pytest.fixture(scope="session")
def engine_name(request: pytest.FixtureRequest) -> str:
    """Every engine: the shared indexes below and the contract tests run once per engine (the opensearch engine
    on the cluster of ``ARSEARCH_TEST_OPENSEARCH_URL``, skipped without one)."""
    if request.param == "opensearch":
        request.getfixturevalue("opensearch_indexes")
    return str(request.param)


@pytest.fixture(scope="session")
def opensearch_indexes() -> Iterator[str]:
    """The cluster of ``ARSEARCH_TEST_OPENSEARCH_URL`` for the opensearch engine's indexes: every index a test
    folder gets there is named by a prefix of this session's (``ARSEARCH_OPENSEARCH_PREFIX``), over 3 shards, and
    deleted when the session ends."""
    url = os.environ.get(OPENSEARCH_TEST_URL, "").strip().rstrip("/")
    if not url:
        pytest.skip(f"{OPENSEARCH_TEST_URL} is not set: no OpenSearch cluster for the opensearch engine")
    import httpx

    try:
        httpx.get(f"{url}/_cluster/health", timeout=5).raise_for_status()
    except httpx.HTTPError as exc:
        pytest.skip(f"{OPENSEARCH_TEST_URL}={url} does not answer: {exc}")
    prefix = f"arsearch-test-{uuid.uuid4().hex[:8]}-"
    settings = {"ARSEARCH_OPENSEARCH_URL": url, "ARSEARCH_OPENSEARCH_PREFIX": prefix,
                "ARSEARCH_OPENSEARCH_SHARDS": "3", "ARSEARCH_OPENSEARCH_REPLICAS": "0"}
    kept = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    try:
        yield prefix
    finally:
        delete_opensearch_indexes(url, prefix)
        for name, value in kept.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture
def every_engine(engine_name: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run the test once per engine: indexes it creates through ``Index.create`` without naming an engine, and
    through the CLI of ``helpers.cli_env``, are of that engine.  Autouse in the contract and ingest folders.  The
    opensearch indexes a test creates are deleted after it."""
    import helpers
    import arsearch.index.index

    monkeypatch.setattr(arsearch.index.index, "DEFAULT_ENGINE", engine_name)
    monkeypatch.setattr(helpers, "CLI_ENGINE", engine_name)
    if engine_name != "opensearch":
        yield engine_name
        return
    prefix = f"{os.environ['ARSEARCH_OPENSEARCH_PREFIX']}t{uuid.uuid4().hex[:6]}-"
    monkeypatch.setenv("ARSEARCH_OPENSEARCH_PREFIX", prefix)
    try:
        yield engine_name
    finally:
        delete_opensearch_indexes(os.environ["ARSEARCH_OPENSEARCH_URL"], prefix)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    assert SEEDS.is_dir(), f"seed articles not found in {SEEDS}"
    return SEEDS


@pytest.fixture(scope="session")
def seed_index_path(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path, engine_name: str) -> Path:
    """An index of the two seed articles (read-only: tests must not change it)."""
    return build_index(tmp_path_factory.mktemp("seed-index") / "index", seeds_dir, engine=engine_name)


@pytest.fixture
def seed_index(seed_index_path: Path) -> Iterator[Index]:
    with Index.open(seed_index_path) as ix:
        yield ix


@pytest.fixture
def news_dir(tmp_path: Path) -> Path:
    """A fresh, writable copy of the synthetic corpus (three files, five records)."""
    return write_news_corpus(tmp_path / "news")


@pytest.fixture(scope="session")
def news_index_path(tmp_path_factory: pytest.TempPathFactory, engine_name: str) -> Path:
    """An index of the synthetic corpus (read-only: tests must not change it)."""
    base = tmp_path_factory.mktemp("news-index")
    return build_index(base / "index", write_news_corpus(base / "news"), engine=engine_name)


@pytest.fixture
def news_index(news_index_path: Path) -> Iterator[Index]:
    with Index.open(news_index_path) as ix:
        yield ix


@pytest.fixture
def arsearch() -> Run:
    """``arsearch(*args, timeout=120, stdin=None)`` runs the CLI in a subprocess and returns the completed process."""

    def run(*args: str | Path, timeout: float = 120, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(cli_command(*args), env=cli_env(), capture_output=True, text=True, timeout=timeout,
                              input=stdin)

    return run
