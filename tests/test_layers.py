"""The layers of game/: data flows one way, content -> engine <- play <- cli / ui.

Every module under game/ is parsed with `ast`, and every import in it is checked,
lazy ones inside functions included:

- game.engine imports nothing of game.content, game.play, game.cli or game.ui;
- game.content imports, of game's packages, only game.engine;
- game.play imports only game.engine and game.content (never game.cli or game.ui);
- engine, content and play never import a terminal library (rich, textual);
- game.cli may import play, content and engine, but game.ui only in the play
  command, lazily, inside a `try` that falls back when the import fails;
- game.ui imports from game only game.play's public names
  (`from game.play import X` with X in game.play.__all__, or `import game.play`).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GAME = ROOT / "game"
TERMINAL = ("rich", "textual", "textual_plot")
PACKAGES = ("game.engine", "game.content", "game.play", "game.cli", "game.ui")


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. "game.play.session"
    target: str  # the module imported, absolute: "game.play", "rich.console"
    names: tuple[str, ...]  # `from target import names` (() for `import target`)
    line: int
    functions: tuple[str, ...]  # the enclosing functions, outermost first
    guarded: bool  # inside a `try` that handles ImportError

    def __str__(self) -> str:
        what = (
            f"from {self.target} import {', '.join(self.names)}"
            if self.names
            else (f"import {self.target}")
        )
        return f"{self.module}:{self.line}: {what}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def find_imports(source: str, module: str, is_package: bool) -> list[Import]:
    """Every import statement of a module's source, wherever it is."""
    package = module if is_package else module.rpartition(".")[0]
    found: list[Import] = []

    def handles_import_error(node: ast.Try) -> bool:
        for h in node.handlers:
            names = [h.type] if not isinstance(h.type, ast.Tuple) else h.type.elts
            if h.type is None or any(
                isinstance(n, ast.Name)
                and n.id in ("ImportError", "ModuleNotFoundError", "Exception")
                for n in names
            ):
                return True
        return False

    def visit(node: ast.AST, functions: tuple[str, ...], guarded: bool) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(module, alias.name, (), node.lineno, functions, guarded))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            names = tuple(a.name for a in node.names)
            found.append(Import(module, target, names, node.lineno, functions, guarded))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            functions = (*functions, node.name)
        if isinstance(node, ast.Try | ast.TryStar):
            for child in node.body:
                visit(child, functions, guarded or handles_import_error(node))
            for rest in (node.handlers, node.orelse, node.finalbody):
                for child in rest:
                    visit(child, functions, guarded)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, functions, guarded)

    visit(ast.parse(source), (), False)
    return found


def _all_imports() -> dict[str, list[Import]]:
    """Imports by the package of the importing module (game.engine, ..., game.ui)."""
    out: dict[str, list[Import]] = {p: [] for p in (*PACKAGES, "game")}
    for path in sorted(GAME.rglob("*.py")):
        mod = module_name(path)
        imps = find_imports(path.read_text(encoding="utf-8"), mod, path.name == "__init__.py")
        out[layer(mod)] += imps
    return out


def layer(target: str) -> str:
    """The package of game a module belongs to ("game" for game/__init__.py), or the
    top-level name of a library ("rich", "numpy")."""
    parts = target.split(".")
    if parts[0] != "game":
        return parts[0]
    package = ".".join(parts[:2])
    return package if package in PACKAGES else "game"  # game/__init__.py, game/text.py


IMPORTS = _all_imports()


def _bad(package: str, allowed: set[str]) -> list[str]:
    """Imports of game's packages (and terminal libraries) outside `allowed`."""
    return [
        str(i)
        for i in IMPORTS[package]
        if (layer(i.target) in PACKAGES or layer(i.target) in TERMINAL)
        and layer(i.target) not in allowed
    ]


def test_the_top_level_modules_import_no_layer_and_no_terminal():
    """game/text.py (formats every layer shares) sits below the engine."""
    assert _bad("game", set()) == []


def test_the_scan_sees_every_layer():
    for package in ("game.engine", "game.content", "game.play", "game.cli"):
        assert len(IMPORTS[package]) > 10, package
    # Lazy imports inside functions are found too.
    assert any(i.functions for i in IMPORTS["game.cli"])


def test_engine_imports_no_other_layer_and_no_terminal():
    assert _bad("game.engine", {"game.engine"}) == []


def test_content_imports_only_the_engine():
    assert _bad("game.content", {"game.content", "game.engine"}) == []


def test_play_imports_only_engine_and_content_and_no_terminal():
    assert _bad("game.play", {"game.play", "game.content", "game.engine"}) == []


def test_cli_imports_the_app_only_in_the_play_command_with_a_fallback():
    allowed = {"game.cli", "game.play", "game.content", "game.engine", *TERMINAL}
    bad = [
        str(i)
        for i in IMPORTS["game.cli"]
        if layer(i.target) in PACKAGES
        and layer(i.target) not in allowed
        and not (
            layer(i.target) == "game.ui"
            and i.module == "game.cli.commands"
            and i.functions == ("play",)
            and i.guarded
        )
        # `frontier bench` times the app through its own benchmark module.
        and not (i.module == "game.cli.bench" and (i.target, i.names) == ("game.ui", ("bench",)))
    ]
    assert bad == []


def test_ui_imports_only_the_public_names_of_game_play():
    ui = GAME / "ui"
    if not ui.exists():
        pytest.skip("game/ui does not exist yet")
    import game.play

    public = set(game.play.__all__)
    bad = []
    for i in IMPORTS["game.ui"]:
        target = layer(i.target)
        if not (target == "game" or target in PACKAGES) or target == "game.ui":
            continue
        if i.target == "game.play" and all(n in public for n in i.names):
            continue  # `import game.play` or `from game.play import <public names>`
        bad.append(str(i))
    assert bad == []


def test_the_checker_catches_lazy_and_relative_imports():
    src = (
        "from . import views\n"
        "from ..engine import orders\n"
        "def f():\n"
        "    import rich.console\n"
        "    try:\n"
        "        from game.ui import run\n"
        "    except ImportError:\n"
        "        import textual\n"
    )
    got = {
        (i.target, i.names, i.functions, i.guarded) for i in find_imports(src, "game.play.x", False)
    }
    assert got == {
        ("game.play", ("views",), (), False),
        ("game.engine", ("orders",), (), False),
        ("rich.console", (), ("f",), False),
        ("game.ui", ("run",), ("f",), True),
        ("textual", (), ("f",), False),
    }
    pkg = find_imports("from . import typed\nfrom .session import X\n", "game.play", True)
    assert [(i.target, i.names) for i in pkg] == [
        ("game.play", ("typed",)),
        ("game.play.session", ("X",)),
    ]


def test_importing_game_play_loads_no_terminal_library():
    code = (
        "import sys, game.play, game.play.env, game.play.typed; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{TERMINAL!r}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
