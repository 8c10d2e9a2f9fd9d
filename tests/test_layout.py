"""The layout keeps the engines behind the seam: only backends/whoosh imports whoosh, only backends/opensearch
imports opensearchpy, and the engine-neutral layers import no engine's package (read from every module's AST,
relative imports resolved, imports inside functions included)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import searchkit

PACKAGE = Path(searchkit.__file__).parent
# Layers that must not know any engine: they go through searchkit.backends.open_backend and backends.base.
NEUTRAL = ("searchkit.query", "searchkit.search", "searchkit.read", "searchkit.api", "searchkit.cli",
           "searchkit.web", "searchkit.indexing", "searchkit.models", "searchkit.render", "searchkit.serialize",
           "searchkit.options")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every module name `path` imports, absolute."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)  # `from . import x` imports module x
    return names


MODULES = {module_name(path): imported(path) for path in sorted(PACKAGE.rglob("*.py"))}


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_the_walk_sees_the_modules():
    assert "searchkit.backends.whoosh.backend" in MODULES and "searchkit.api" in MODULES
    assert any(within(n, "whoosh") for n in MODULES["searchkit.backends.whoosh.index"])
    assert "searchkit.backends.whoosh.index" in MODULES["searchkit.backends.whoosh.backend"]  # a relative import


@pytest.mark.parametrize("engine, home", [("whoosh", "searchkit.backends.whoosh"),
                                          ("opensearchpy", "searchkit.backends.opensearch")])
def test_only_its_backend_imports_an_engine(engine, home):
    outside = sorted(m for m, names in MODULES.items()
                     if not within(m, home) and any(within(n, engine) for n in names))
    assert outside == [], f"{engine} imported outside {home}"


def test_neutral_layers_import_no_engine_package():
    engines = ("searchkit.backends.whoosh", "searchkit.backends.opensearch")
    found = sorted((m, n) for m, names in MODULES.items() if any(within(m, layer) for layer in NEUTRAL)
                   for n in names if any(within(n, engine) for engine in engines))
    assert found == []
