"""Saving and loading through the app give back the same world."""

from __future__ import annotations

from uikit import flat_text, make_app, ready, type_text

from game.ui.screens.game import GameScreen
from game.ui.screens.saves import SavesScreen


async def _play(pilot, quarters: int) -> None:
    for _ in range(quarters):
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()


async def test_save_then_load_through_the_app_is_the_same_world(tmp_path):
    app = make_app(tmp_path, scenario="steel", seed=9)
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        await pilot.press("c")
        await type_text(pilot, "25")
        await pilot.press("enter")
        await _play(pilot, 3)
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "my game")
        await pilot.press("enter")
        await pilot.pause()
        before = app.session
        digests = [r.digest for r in before.game.records]
        standing = before.standing
        view = before.view()
    assert (tmp_path / "saves" / "my game.toml").is_file()

    app2 = make_app(tmp_path)
    async with app2.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app2.screen, SavesScreen)
        assert "my game" in flat_text(app2)
        table = app2.screen.query_one("#saves-table")
        names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        table.move_cursor(row=names.index("my game"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app2.screen, GameScreen)
        after = app2.session
        assert [r.digest for r in after.game.records] == digests
        assert after.standing == standing
        assert after.view() == view
        # Playing on from the loaded game keeps the lease the player set.
        await _play(pilot, 1)
        assert after.game.records[-1].orders.lease == 25.0


async def test_quit_asks_first_then_saves(tmp_path):
    app = make_app(tmp_path, scenario="default", seed=4, name="quitter")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await _play(pilot, 2)
        await pilot.press("q")
        await pilot.pause()
        assert "Quit Frontier?" in flat_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    assert (tmp_path / "saves" / "quitter.toml").is_file()
    assert app.exit_message and "quitter.toml" in app.exit_message


async def test_markup_in_names_and_broken_saves_is_shown_as_written(tmp_path):
    """Issue 13, defect 4: a lab named 'Lab [/]' and a broken save named like markup
    list as written; the listing does not crash."""
    from game.ui.screens.saves import SavesScreen

    app = make_app(tmp_path, scenario="default", seed=1, lab="Lab [/] [bold]x")
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        app.session.end_quarter(autosave=False)
        app.session.save("g")
        (tmp_path / "saves" / "[bold]broken[red].toml").write_text("not = [toml")
        app.action_load()
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, SavesScreen)
        text = flat_text(app)
        assert "Lab [/] [bold]x" in text and "[bold]broken[red]" in text
