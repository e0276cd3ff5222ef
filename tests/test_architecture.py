"""The layers of ARCHITECTURE.md, checked on the package's own imports and strings (read as source, not run).

analysis ← engine ← index ← search ← ingest ← interfaces: a layer imports only the layers before it (and the
shared modules), only each engine's package imports its library (whoosh, tantivy, httpx), no engine imports another,
nothing imports the package face, and library code
never names a command-line option, prints, or picks an exit code.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from helpers import ROOT

PACKAGE = ROOT / "arsearch"
#: Modules every layer may import: dependency-free shapes, the version, the fsync helpers and the worker processes.
SHARED = {"arsearch.errors", "arsearch.documents", "arsearch.version", "arsearch.durability", "arsearch.processes"}
#: Each layer, in order; a layer may import itself, the shared modules and the layers before it.
LAYERS = ["analysis", "engine", "index", "search", "ingest", "interfaces"]
#: Modules outside the layers: the face and its shims, which only re-export.
FACES = {"arsearch", "arsearch.__main__", "arsearch.server"}
#: The only package allowed to import ``whoosh``.
WHOOSH_ENGINE = "arsearch.engine.whoosh"
#: Each implementation of the contract, and the only library it may import.
ENGINE_LIBRARIES = {WHOOSH_ENGINE: "whoosh", "arsearch.engine.tantivy": "tantivy",
                    "arsearch.engine.opensearch": "httpx"}
#: What the library may import of the engine layer: the contract and the registry.
ENGINE_SEAM = {"arsearch.engine", "arsearch.engine.api"}
#: A command-line option in a string, such as ``--wait`` or ``--index``.
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]+")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, ast.Module]:
    return {module_name(p): ast.parse(p.read_text(encoding="utf-8"), str(p)) for p in sorted(PACKAGE.rglob("*.py"))}


def imports(tree: ast.Module, name: str) -> set[str]:
    """Every module ``tree`` imports (``from x import y`` counts as x, and as x.y when that is a module)."""
    found: set[str] = set()
    package = name if (PACKAGE.parent / Path(*name.split(".")) / "__init__.py").exists() else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found.add(base)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                if (PACKAGE.parent / Path(*candidate.split("."))).with_suffix(".py").exists() or \
                        (PACKAGE.parent / Path(*candidate.split(".")) / "__init__.py").exists():
                    found.add(candidate)
    return found


def layer_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


MODULES = modules()


def test_every_module_is_in_a_layer_or_shared() -> None:
    stray = [name for name in MODULES if layer_of(name) is None and name not in SHARED | FACES]
    assert stray == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_a_layer_imports_only_the_layers_before_it(name: str) -> None:
    layer = layer_of(name)
    if layer is None:
        return
    allowed = LAYERS[: LAYERS.index(layer) + 1]
    wrong = sorted(other for other in imports(MODULES[name], name)
                   if other.startswith("arsearch.") and other not in SHARED
                   and layer_of(other) not in allowed)
    assert wrong == [], f"{name} ({layer}) imports {wrong}"


def _engine_of(name: str) -> str | None:
    return next((engine for engine in ENGINE_LIBRARIES if name == engine or name.startswith(engine + ".")), None)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_only_the_whoosh_engine_imports_whoosh(name: str) -> None:
    imported = imports(MODULES[name], name)
    uses_whoosh = sorted(m for m in imported if m == "whoosh" or m.startswith("whoosh."))
    if name == WHOOSH_ENGINE or name.startswith(WHOOSH_ENGINE + "."):
        return
    assert uses_whoosh == [], f"{name} imports {uses_whoosh}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_each_engine_library_is_imported_by_its_engine_only(name: str) -> None:
    own = _engine_of(name)
    imported = imports(MODULES[name], name)
    for engine, library in ENGINE_LIBRARIES.items():
        found = sorted(m for m in imported if m == library or m.startswith(library + ".")
                       or (m == engine or m.startswith(engine + ".")) and own not in (None, engine))
        if own != engine:
            assert found == [], f"{name} imports {found}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_above_the_engine_only_the_contract_is_seen(name: str) -> None:
    if layer_of(name) == "engine" and name not in ENGINE_SEAM:
        return  # an implementation may import its own modules
    implementations = sorted(m for m in imports(MODULES[name], name)
                             if m.startswith("arsearch.engine.") and m not in ENGINE_SEAM)
    if name == "arsearch.engine":
        implementations = [m for m in implementations if m not in ENGINE_LIBRARIES]  # the registry picks them
    assert implementations == [], f"{name} imports engine internals {implementations}"


@pytest.mark.parametrize("name", sorted(set(MODULES) - FACES))
def test_nothing_imports_the_package_face(name: str) -> None:
    tree = MODULES[name]
    face = [ast.unparse(node) for node in ast.walk(tree)
            if isinstance(node, ast.Import) and any(alias.name == "arsearch" for alias in node.names)
            or isinstance(node, ast.ImportFrom) and node.module == "arsearch" and not node.level
            and any(f"arsearch.{alias.name}" not in MODULES for alias in node.names)]
    assert face == []


@pytest.mark.parametrize("name", sorted(n for n in MODULES if layer_of(n) != "interfaces" and n not in FACES))
def test_library_code_names_no_option_prints_nothing_and_picks_no_exit_code(name: str) -> None:
    tree = MODULES[name]
    options = sorted({m for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
                      for m in OPTION.findall(node.value) if not _is_docstring(tree, node)})
    assert options == [], f"{name} names command-line options {options}"
    calls = [ast.unparse(node) for node in ast.walk(tree) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Name) and node.func.id == "print"]
    assert calls == [], f"{name} prints"
    exits = [ast.unparse(node) for node in ast.walk(tree) if isinstance(node, (ast.Attribute, ast.Name))
             and (getattr(node, "attr", None) or getattr(node, "id", None)) in ("exit_code", "exit")]
    assert exits == [], f"{name} deals in exit codes: {exits}"


def _is_docstring(tree: ast.Module, constant: ast.Constant) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and body[0].value is constant:
                return True
    return False


def test_the_check_sees_a_whoosh_import_in_search_code(tmp_path: Path) -> None:
    """The checks above would fail on the mistake they exist for (the test of the test)."""
    tree = ast.parse("from whoosh import query\nimport arsearch.engine.whoosh.scoring\nfrom arsearch import search\n")
    found = imports(tree, "arsearch.search.searching")
    assert "whoosh" in found and "arsearch.engine.whoosh.scoring" in found
    assert layer_of("arsearch.search.searching") == "search"
