"""Keys, palette, inline refusals, export, themes and a fast first screen."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from uikit import flat_text, make_app, ready, type_text

from game.cli import main
from game.ui.app import THEMES
from game.ui.screens import debrief, dialogs, game, help, newgame, panels, report, saves, title
from game.ui.screens.game import GameScreen
from game.ui.screens.help import HelpScreen
from game.ui.screens.panels import ComputePanel

ROOT = Path(__file__).resolve().parents[2]


def _screen_classes():
    for mod in (debrief, dialogs, game, help, newgame, panels, report, saves, title):
        for obj in vars(mod).values():
            mine = isinstance(obj, type) and getattr(obj, "__module__", "") == mod.__name__
            if mine and hasattr(obj, "BINDINGS"):
                yield obj


def test_every_binding_has_an_id():
    for cls in _screen_classes():
        for b in cls.BINDINGS:
            assert getattr(b, "id", None), (cls.__name__, b)


async def test_every_game_key_is_in_the_footer_or_in_help(tmp_path):
    app = make_app(tmp_path, scenario="default", seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = flat_text(app)
        for b in GameScreen.BINDINGS:
            assert b.description in shown, b.description


async def test_an_illegal_value_gets_an_inline_reason_and_nothing_changes(tmp_path):
    app = make_app(tmp_path, scenario="default", seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        s = app.session
        await pilot.press("c")
        await type_text(pilot, "-5")
        await pilot.pause()
        assert "Not allowed: lease:" in flat_text(app)
        await pilot.press("enter")  # refused: the panel stays open, the draft is untouched
        assert isinstance(app.screen, ComputePanel) and s.draft == {}
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "1e400")
        await pilot.pause()
        assert "Not allowed: lease:" in flat_text(app)
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "5000")  # more GPUs than the cash pays for
        await pilot.pause()
        shown = flat_text(app)
        assert "Would be refused" in shown and "orders spend" in shown
        await pilot.press("enter")
        assert isinstance(app.screen, ComputePanel) and s.draft == {}
        await pilot.press("escape")
        assert isinstance(app.screen, GameScreen) and s.quarter == 0


async def test_the_palette_offers_the_game_actions_and_panels(tmp_path):
    app = make_app(tmp_path, scenario="default", seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        names = [name for name, _, _ in app.screen.palette_commands()]
        for want in ("End the quarter", "Save the game", "Panel: Train (t)", "Panel: Prices (p)"):
            assert want in names
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "end the quarter")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.quarter == 1


async def test_debrief_export_writes_what_frontier_run_writes(tmp_path, capsys):
    app = make_app(tmp_path, scenario="solar", seed=8, name="exp")
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        s = app.session
        while not s.done:
            s.end_quarter(autosave=False)
        app.screen.refresh_view()
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert "wrote summary.json" in flat_text(app)
        save = s.save()
    ui = tmp_path / "runs" / "exp"
    assert main(["run", str(save), "--out", str(tmp_path / "headless")]) == 0
    capsys.readouterr()
    for f in ("summary.json", "quarters.csv"):
        a = (ui / f).read_text()
        b = (tmp_path / "headless" / f).read_text()
        if f == "summary.json":
            a, b = json.loads(a), json.loads(b)
            a["player"].pop("script"), b["player"].pop("script")
        assert a == b, f


async def test_themes_include_a_high_contrast_one(tmp_path):
    assert set(THEMES) == {"dark", "light", "high-contrast"}
    app = make_app(tmp_path, theme_name="high-contrast")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert app.theme == "frontier-high-contrast"
        app.set_theme("light")
        assert app.theme == "frontier-light"


def test_the_first_screen_needs_no_numpy():
    code = (
        "import sys, game.ui, game.ui.app, game.ui.screens.title; "
        "print(sorted(m for m in ('numpy', 'pydantic', 'game.engine', 'game.play') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "[]"


async def test_a_bad_command_line_world_exits_2_with_the_reason(tmp_path):
    app = make_app(tmp_path, scenario="no-such-world", seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
    assert app.return_code == 2
    assert "unknown scenario 'no-such-world'" in app.exit_message
    assert "nothing was run or written" in app.exit_message


async def test_lab_name_from_the_command_line(tmp_path):
    app = make_app(tmp_path, lab="Ada [Labs]")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert isinstance(app.screen, GameScreen)
        assert app.session.game.names[0] == "Ada [Labs]"
        assert "Ada [Labs]" in flat_text(app)


async def test_the_guided_start_shows_and_k_skips_it(tmp_path):
    from uikit import flat_text, make_app, ready

    app = make_app(tmp_path, scenario="default", seed=1)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        assert "Guided start 1/3: the dashboard" in flat_text(app)
        await pilot.press("k")
        await pilot.pause()
        assert "Guided start" not in flat_text(app)
        assert app.session.tutorial() is None


async def test_the_debrief_works_out_the_what_ifs_without_blocking(tmp_path):
    """The debrief is on screen at once; the three what-ifs (replays of the game without
    each decision) arrive from a worker and are the session's own."""
    from textual.widgets import Markdown

    from game.ui.screens.debrief import DebriefScreen

    app = make_app(tmp_path, scenario="default", seed=11)
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        s = app.session
        s.set("raise_funds", 5.0)
        s.end_quarter(autosave=False)
        s.set("prices.frontier", 4.0)
        while not s.done:
            s.end_quarter(autosave=False)
        app.screen.refresh_view()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.what_ifs_ready
        source = app.screen.query_one("#debrief-md", Markdown).source
        _, lines = s.what_ifs()
        assert "## What if: the decisions that moved your score most" in source
        assert all(x in source for x in lines)
        assert "Playing the game again without" not in source  # the placeholder is gone
