"""The public Python API is what ``arsearch.__all__`` lists: every name there is importable and documented, every
public name the package face defines is listed, and nothing in it names an index engine (engines are chosen by a
value, ``Index.create(engine=...)``, never by a name in a signature)."""

from __future__ import annotations

import importlib
import inspect
import warnings
from pathlib import Path

import pytest

import arsearch

ENGINE_NAMES = ("whoosh", "tantivy")


def test_every_listed_name_is_importable_and_documented() -> None:
    for name in arsearch.__all__:
        value = getattr(arsearch, name)
        if name != "__version__":
            assert inspect.getdoc(value), f"{name} has no docstring"


def test_every_public_name_of_the_face_is_listed() -> None:
    defined = {name for name, value in vars(arsearch).items()
               if not name.startswith("_") and not inspect.ismodule(value)}
    assert defined <= set(arsearch.__all__), sorted(defined - set(arsearch.__all__))


def _signatures() -> list[tuple[str, inspect.Signature]]:
    found = []
    for name in arsearch.__all__:
        value = getattr(arsearch, name)
        members = [(name, value)]
        if inspect.isclass(value):
            members += [(f"{name}.{attr}", getattr(value, attr)) for attr in dir(value)
                        if not attr.startswith("_") and callable(getattr(value, attr))]
        for label, member in members:
            try:
                found.append((label, inspect.signature(member)))
            except (TypeError, ValueError):
                continue
    return found


def test_no_signature_names_an_engine() -> None:
    for label, signature in _signatures():
        for parameter in signature.parameters.values():
            if parameter.name == "engine" and parameter.default is None:
                continue  # the engine chosen by value (Index.create), or the deprecated search(engine=)
            shown = f"{parameter.annotation} {parameter.default!r}".lower()
            assert not any(engine in shown for engine in ENGINE_NAMES), f"{label}({parameter.name}) names an engine"


def test_the_old_engine_argument_of_search_still_works_with_a_warning(tmp_path: Path) -> None:
    with arsearch.Index.create(tmp_path / "ix") as index:
        index.add([arsearch.Document("a", "خبر عن الرياض")])
        with pytest.warns(DeprecationWarning, match="scoring"):
            old = arsearch.search(index, "الرياض", engine="whoosh")  # type: ignore[arg-type]
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            new = arsearch.search(index, "الرياض", scoring="matchers")
        assert [h.id for h in old.hits] == [h.id for h in new.hits] == ["a"]


def test_the_old_names_still_work_with_a_warning(tmp_path: Path) -> None:
    """``limitmb`` and ``Ranking.coord`` (Whoosh's names), the speller's ``Budget`` and similar's
    ``MAX_QUERY_TERMS`` (each named like another thing) were renamed; the old names still work, and say so."""
    similar = importlib.import_module("arsearch.search.similar")
    spelling = importlib.import_module("arsearch.search.spelling")

    with arsearch.Index.create(tmp_path / "ix") as index:
        with pytest.warns(DeprecationWarning, match="memory_mb"), index.writer(limitmb=64) as writer:
            writer.add(arsearch.Document("a", "خبر عن الرياض"))
        assert index.document_count() == 1
    with pytest.warns(DeprecationWarning, match="SpellingBudget"):
        assert spelling.Budget is spelling.SpellingBudget
    with pytest.warns(DeprecationWarning, match="MAX_SIMILAR_TERMS"):
        assert similar.MAX_QUERY_TERMS == similar.MAX_SIMILAR_TERMS
    with pytest.warns(DeprecationWarning, match="coordination"):
        old = arsearch.Ranking(coord=0.5)
    assert old == arsearch.Ranking(coordination=0.5)
    with pytest.warns(DeprecationWarning, match="coordination"):
        assert old.coord == 0.5
