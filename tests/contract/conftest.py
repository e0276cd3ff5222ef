"""Every test here runs on every engine (see the ``every_engine`` fixture)."""

import pytest


@pytest.fixture(autouse=True)
def _on_every_engine(every_engine: str) -> str:
    return every_engine
