"""The industry screen opens with i at both sizes and says what the engine says."""

from __future__ import annotations

import pytest
from uikit import flat_text, make_app, ready

from game.ui.screens.game import GameScreen
from game.ui.screens.industry import IndustryScreen


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_the_industry_screen(tmp_path, size):
    app = make_app(tmp_path, scenario="steel", seed=3)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press("i")
        await pilot.pause()
        assert "No quarter played yet" in flat_text(app)
        await pilot.press("escape")
        await pilot.pause()
        for _ in range(3):
            app.session.end_quarter(autosave=False)
        app.screen.refresh_view()
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, IndustryScreen)
        v = app.session.industry()
        text = flat_text(app)
        for words in ("Who captures the value", "chip vendor", "buyers", f"Verdict: {v.verdict}"):
            assert words in text, words
        assert " ".join(v.reasons[0].split()) in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
