"""The odds panel: runs in a worker, shows the same figures as GameSession.odds (and so
frontier sweep --from), can be cancelled, and never changes the game."""

from __future__ import annotations

import pytest
from textual.widgets import Select
from uikit import after_quarters, flat_text, make_app

from game.play.runner import state_digest
from game.ui.screens.game import GameScreen
from game.ui.screens.odds import OddsScreen


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_the_odds_are_the_sessions_and_the_game_is_untouched(tmp_path, size):
    app = make_app(tmp_path, scenario="default", seed=2)
    async with app.run_test(size=size) as pilot:
        await after_quarters(pilot, 4, "w")
        screen = app.screen
        assert isinstance(screen, OddsScreen)
        screen.worlds = 40  # a quick run for the test
        before = state_digest(app.session.game.world.state)
        screen.query_one(Select).value = "balanced"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.result == app.session.odds("balanced", 40, 0)
        text = flat_text(app)
        share = screen.result["verdicts"]["consolidated oligopoly"]
        assert "consolidated oligopoly" in text and f"{share:.0%}" in text
        assert f"survives in {screen.result['player_alive']:.0%}" in text
        assert state_digest(app.session.game.world.state) == before
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)


async def test_escape_cancels_a_run(tmp_path):
    app = make_app(tmp_path, scenario="default", seed=2)
    async with app.run_test(size=(80, 24)) as pilot:
        await after_quarters(pilot, 1, "w")
        screen = app.screen
        screen.stop.set()  # as if escape came at once: the worker stops at its first check
        screen.running = True
        screen._run("standing")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not screen.running and screen.result is None
        assert "Cancelled: nothing was changed" in flat_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)


async def test_escape_during_a_long_run_stops_it(tmp_path):
    app = make_app(tmp_path, scenario="default", seed=2)
    async with app.run_test(size=(80, 24)) as pilot:
        await after_quarters(pilot, 1, "w")
        screen = app.screen
        screen.worlds = 20_000  # long enough that escape comes while it runs
        await pilot.press("enter")
        await pilot.pause()
        assert screen.running
        await pilot.press("escape")  # cancel, not leave
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, OddsScreen) and not screen.running
        assert "Cancelled" in flat_text(app)
