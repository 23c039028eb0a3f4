"""The model card opens with m from the dashboard at both sizes, topic by topic."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList
from uikit import flat_text, make_app, ready

from game.ui.screens.modelcard import ModelCardScreen


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_how_the_world_works(tmp_path, size):
    app = make_app(tmp_path, scenario="default", seed=1)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ModelCardScreen)
        text = flat_text(app)
        assert "How the world works" in text and "4. Scaling" in text
        ol = app.screen.query_one(OptionList)
        ids = [ol.get_option_at_index(i).id for i in range(ol.option_count)]
        ol.highlighted = ids.index("14")
        await pilot.pause()
        await pilot.pause()
        assert "Market structure and the verdict" in flat_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ModelCardScreen)
