"""scripts/term_changes.py: the neighbours a rule must leave alone, and the terms of another tree's analyzer."""

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from arsearch.analysis import light_stem

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def term_changes() -> ModuleType:
    spec = importlib.util.spec_from_file_location("term_changes", ROOT / "scripts" / "term_changes.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_neighbours_are_one_letter_or_one_clitic_away(term_changes: ModuleType) -> None:
    near = term_changes.near("دولتين")
    assert {"دولتي", "دولتان", "بولتين", "والدولتين", "للدولتين", "ودولتين"} <= near
    assert "دولتين" not in near and "دوله" not in near
    assert {"الظهران", "ظهران"} <= term_changes.near("بالظهران")


def test_terms_of_a_tree_are_its_analyzer_terms(term_changes: ModuleType) -> None:
    words = ["دولتين", "الامارات", "كتابهم"]
    assert term_changes.terms_of(words, ROOT) == {w: light_stem(w) for w in words}
