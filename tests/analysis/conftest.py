import importlib.util
from pathlib import Path
from types import ModuleType

import pytest


@pytest.fixture(scope="session")
def build_lexicons() -> ModuleType:
    """scripts/build_lexicons.py as a module (scripts/ is no package), to test its rules on made-up counts."""
    path = Path(__file__).resolve().parents[2] / "scripts" / "build_lexicons.py"
    spec = importlib.util.spec_from_file_location("build_lexicons", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
