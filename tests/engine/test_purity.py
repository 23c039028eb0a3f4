"""The engine is pure computation: numpy and the standard library, no UI, no file I/O.

The UI (textual, rich) and content loading (TOML, JSON, files) live outside
game/engine, so the engine can be imported, tested and benchmarked on its own.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "game" / "engine"

#: Standard-library modules the engine must not import: file system, serialisation,
#: processes. Loading and saving belong to game/content and game/play.
FORBIDDEN_STDLIB = frozenset(
    {"os", "io", "pathlib", "tomllib", "json", "pickle", "shutil", "tempfile", "subprocess"}
)
ALLOWED_THIRD_PARTY = frozenset({"numpy", "__future__", "game"})
UI_PACKAGES = ("textual", "rich")

ENGINE_SOURCES = sorted(ENGINE.rglob("*.py"))


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_top_levels(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, top-level module) for every absolute import, however deeply nested."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
    return found


def _open_calls(tree: ast.AST) -> list[int]:
    """Lines calling open(...), builtins.open(...), io.open(...) or os.open(...)."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        bare = isinstance(func, ast.Name) and func.id == "open"
        qualified = (
            isinstance(func, ast.Attribute)
            and func.attr == "open"
            and isinstance(func.value, ast.Name)
            and func.value.id in {"builtins", "io", "os", "codecs"}
        )
        if bare or qualified:
            lines.append(node.lineno)
    return lines


def test_engine_has_sources():
    assert ENGINE / "scaling.py" in ENGINE_SOURCES


def test_importing_the_engine_loads_no_ui():
    """Import game.engine and every module in it in a fresh interpreter."""
    code = """
import importlib, json, pkgutil, sys
import game.engine
names, errors = [], {}
for info in pkgutil.walk_packages(game.engine.__path__, "game.engine."):
    names.append(info.name)
    try:
        importlib.import_module(info.name)
    except Exception as exc:
        errors[info.name] = f"{type(exc).__name__}: {exc}"
ui = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich"))
print(json.dumps({"names": names, "errors": errors, "ui": ui}))
"""
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert not result["errors"], f"engine modules failed to import: {result['errors']}"
    assert result["ui"] == [], f"importing the engine pulled in UI modules: {result['ui']}"

    expected = {_module_name(p) for p in ENGINE_SOURCES} - {"game.engine"}
    assert "game.engine.scaling" in result["names"]
    assert set(result["names"]) == expected, "pkgutil missed modules (missing __init__.py?)"


@pytest.mark.parametrize("path", ENGINE_SOURCES, ids=_rel)
def test_engine_imports_only_numpy_and_safe_stdlib(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    allowed = ALLOWED_THIRD_PARTY | (sys.stdlib_module_names - FORBIDDEN_STDLIB)
    bad = [
        f"{_rel(path)}:{line} imports {name}"
        for line, name in _imported_top_levels(tree)
        if name not in allowed
    ]
    assert not bad, "engine modules may import only numpy and the stdlib:\n" + "\n".join(bad)


@pytest.mark.parametrize("path", ENGINE_SOURCES, ids=_rel)
def test_engine_does_no_file_io(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    lines = _open_calls(tree)
    assert not lines, f"{_rel(path)} calls open() on lines {lines}; file I/O belongs outside"


def test_the_checks_catch_violations():
    """The scanners themselves work: they flag a forbidden import and an open() call."""
    tree = ast.parse(
        "import os\n"
        "from pathlib import Path\n"
        "def f():\n"
        "    import json\n"
        "    return open('x')\n"
        "from . import scaling\n"
        "import numpy as np\n"
    )
    names = [name for _, name in _imported_top_levels(tree)]
    assert names.count("os") == 1
    assert {"os", "pathlib", "json", "numpy"} == set(names)
    assert _open_calls(tree) == [5]
    assert FORBIDDEN_STDLIB.issubset(sys.stdlib_module_names)
