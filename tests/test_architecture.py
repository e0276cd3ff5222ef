"""The layers of ARCHITECTURE.md: the imports are declared as import-linter contracts in ``pyproject.toml``
(``[tool.importlinter]``: analysis ← engine ← index ← search ← ingest ← interfaces, only each engine imports its
library, no engine imports another, above the engine only the contract and the registry) and checked here by
running ``lint-imports``; what import-linter cannot say is checked on the package's source: every module is in a
layer, nothing imports the package face, and library code never names a command-line option, prints, or picks
an exit code.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT

PACKAGE = ROOT / "arsearch"
#: Modules every layer may import: dependency-free shapes, the version, the fsync helpers and the worker processes.
SHARED = {"arsearch.errors", "arsearch.documents", "arsearch.version", "arsearch.durability", "arsearch.processes"}
LAYERS = ["analysis", "engine", "index", "search", "ingest", "interfaces"]
#: Modules outside the layers: the face and its shims, which only re-export.
FACES = {"arsearch", "arsearch.__main__", "arsearch.server"}
#: A command-line option in a string, such as ``--wait`` or ``--index``.
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]+")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, ast.Module]:
    return {module_name(p): ast.parse(p.read_text(encoding="utf-8"), str(p)) for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


MODULES = modules()


@pytest.mark.skipif(importlib.util.find_spec("importlinter") is None, reason="import-linter is in the test extra")
def test_the_import_contracts_of_pyproject_are_kept() -> None:
    run = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                          "sys.exit(lint_imports_command())", "--no-cache"], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


def test_every_module_is_in_a_layer_or_shared() -> None:
    stray = [name for name in MODULES if layer_of(name) is None and name not in SHARED | FACES]
    assert stray == []


def test_nothing_imports_the_package_face() -> None:
    face = [f"{name}: {ast.unparse(node)}" for name, tree in MODULES.items() if name not in FACES
            for node in ast.walk(tree)
            if isinstance(node, ast.Import) and any(alias.name == "arsearch" for alias in node.names)
            or isinstance(node, ast.ImportFrom) and node.module == "arsearch" and not node.level
            and any(f"arsearch.{alias.name}" not in MODULES for alias in node.names)]
    assert face == []


LIBRARY = sorted(n for n in MODULES if layer_of(n) != "interfaces" and n not in FACES)


def test_library_code_names_no_option() -> None:
    options = {name: sorted({m for node in ast.walk(MODULES[name])
                             if isinstance(node, ast.Constant) and isinstance(node.value, str)
                             for m in OPTION.findall(node.value) if not _is_docstring(MODULES[name], node)})
               for name in LIBRARY}
    assert {name: found for name, found in options.items() if found} == {}


def test_library_code_prints_nothing_and_picks_no_exit_code() -> None:
    calls = {name: [ast.unparse(node) for node in ast.walk(MODULES[name])
                    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"
                    or isinstance(node, (ast.Attribute, ast.Name))
                    and (getattr(node, "attr", None) or getattr(node, "id", None)) in ("exit_code", "exit")]
             for name in LIBRARY}
    assert {name: found for name, found in calls.items() if found} == {}


def _is_docstring(tree: ast.Module, constant: ast.Constant) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and body[0].value is constant:
                return True
    return False
