"""Every screen opens at 80x24 and 160x50; below 80x24 the app says what it needs."""

from __future__ import annotations

import pytest
from uikit import flat_text, make_app, ready, screen_text

from game.ui.screens import dialogs
from game.ui.screens.debrief import DebriefScreen
from game.ui.screens.dialogs import Confirm
from game.ui.screens.game import PANELS, GameScreen
from game.ui.screens.help import GlossaryScreen, HelpScreen
from game.ui.screens.newgame import LessonsScreen, NewGameScreen
from game.ui.screens.panels import PANEL_CLASSES
from game.ui.screens.report import ReportScreen
from game.ui.screens.saves import SavesScreen
from game.ui.screens.title import TitleScreen

SIZES = [(80, 24), (160, 50)]


async def _open(pilot, app, what: str):
    """Open one screen the way a player would (keys), return the text it shows."""
    if what == "title":
        pass
    elif what == "new":
        await pilot.press("n")
    elif what == "lessons":
        app.screen.action_pick("lessons")
    elif what == "scenarios":
        app.screen.action_pick("scenarios")
    elif what == "load":
        await pilot.press("l")
    elif what == "help":
        await pilot.press("question_mark")
    elif what == "glossary":
        app.action_glossary("hhi")
    elif what == "quit":
        await pilot.press("ctrl+q")
    await pilot.pause()


EXPECT = {
    "title": (TitleScreen, "New game"),
    "new": (NewGameScreen, "Your goals"),
    "lessons": (LessonsScreen, "Before you play, predict"),
    "scenarios": (NewGameScreen, "What it teaches"),
    "load": (SavesScreen, "Saved games"),
    "help": (HelpScreen, "How to play Frontier"),
    "glossary": (GlossaryScreen, "Herfindahl"),
    "quit": (Confirm, "Quit Frontier?"),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("what", list(EXPECT))
async def test_menu_screens_open_at_both_sizes(tmp_path, size, what):
    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await _open(pilot, app, what)
        cls, text = EXPECT[what]
        assert isinstance(app.screen, cls)
        assert text in screen_text(app)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("panel", list(PANELS))
async def test_every_panel_opens_with_its_key_at_both_sizes(tmp_path, size, panel):
    app = make_app(tmp_path, scenario="default", seed=3)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press(PANELS[panel][0])
        await pilot.pause()
        assert type(app.screen) is PANEL_CLASSES[panel]
        shown = screen_text(app)
        assert PANEL_CLASSES[panel].TITLE in shown
        assert "Apply" in shown and "Cancel" in shown
        await pilot.press("escape")
        assert isinstance(app.screen, GameScreen)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_dashboard_report_and_debrief_at_both_sizes(tmp_path, size):
    app = make_app(tmp_path, scenario="solar", seed=2)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        shown = screen_text(app)
        for label in ("Your lab", "Market", "Rivals", "Goals", "Tips and news", "quarter 1/"):
            assert label in shown, label
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        assert "Quarterly report" in screen_text(app)
        await pilot.press("enter")
        s = app.session
        while not s.done:
            s.end_quarter(autosave=False)
        app.screen.refresh_view()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        shown = screen_text(app)
        assert "Verdict:" in shown and "Score:" in shown


@pytest.mark.parametrize("what", ["title", "game", "panel", "report"])
async def test_a_small_terminal_says_what_size_it_needs(tmp_path, what):
    app = make_app(tmp_path, scenario="default", seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        if what == "title":
            app.pop_screen()
        elif what == "panel":
            await pilot.press("t")
        elif what == "report":
            await pilot.press("e")
        await pilot.pause()
        await pilot.resize_terminal(50, 15)
        await pilot.pause()
        shown = flat_text(app)
        assert "at least 80x24" in shown and "this one is 50x15" in shown
        await pilot.resize_terminal(3, 2)
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert "at least 80x24" not in screen_text(app)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_save_dialog_opens_at_both_sizes(tmp_path, size):
    app = make_app(tmp_path, scenario="default", seed=1, name="dlg")
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, dialogs.AskText)
        assert "Save the game as" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
    assert (tmp_path / "saves" / "dlg.toml").is_file()
