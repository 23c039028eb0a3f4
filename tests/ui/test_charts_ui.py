"""The charts screen: every chart opens at both sizes, takes no keys, and turns into
a table of the same numbers."""

from __future__ import annotations

import pytest
from uikit import after_quarters, flat_text, make_app, play_quarters, ready

from game.ui.chart import RIVALS_DARK, RIVALS_LIGHT, Chart, Plot
from game.ui.screens.charts import TABS, ChartsScreen
from game.ui.screens.game import GameScreen

SIZES = [(80, 24), (160, 50)]


@pytest.mark.parametrize("size", SIZES)
async def test_every_chart_opens_at_both_sizes(tmp_path, size):
    app = make_app(tmp_path, scenario="default", seed=3)
    async with app.run_test(size=size) as pilot:
        await after_quarters(pilot, 3, "h")
        assert isinstance(app.screen, ChartsScreen)
        views = {c.id: c for c in app.session.charts()}
        for tab in TABS:
            app.screen.action_show(tab)
            await pilot.pause()
            text = flat_text(app)
            c = views[tab]
            assert c.title in text, tab
            assert " ".join(c.caption.split()[:6]) in text, tab  # the caption's start
            # the legend names every series
            for s in c.series:
                assert " ".join(s.name.split()[:2]) in text, (tab, s.name)
        # the plots take no focus and no keys
        assert all(not p.can_focus for p in app.screen.query(Plot))
        assert not isinstance(app.focused, Plot)


async def test_arrows_move_between_charts_and_n_shows_the_numbers(tmp_path):
    app = make_app(tmp_path, scenario="steel", seed=4)
    async with app.run_test(size=(80, 24)) as pilot:
        await after_quarters(pilot, 4, "h")
        assert app.screen.active == "shares"
        await pilot.press("right", "right")
        await pilot.pause()
        assert app.screen.active == "concentration"
        assert len(app.screen.query(Chart)) == 1  # only the chart on screen is drawn
        await pilot.press("n")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ChartsScreen) and screen.table
        assert screen.active == "concentration"  # the same chart
        hhi = app.session.game.world.history()["hhi"][-1, 0]
        text = flat_text(app)
        assert f"4 2025 Q4 {hhi / 100:,.1f}" in text  # the last quarter's row, newest first
        assert not screen.query(Plot)
        await pilot.press("n")
        await pilot.pause()
        assert not app.screen.table and app.screen.query(Plot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)


async def test_before_the_first_quarter_it_says_why_it_is_empty(tmp_path):
    app = make_app(tmp_path, scenario="default", seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("h")
        await pilot.pause()
        assert "No quarter played yet" in flat_text(app)
        assert not app.screen.query(Chart)


async def test_a_lab_name_with_brackets_shows_as_written(tmp_path):
    app = make_app(tmp_path, scenario="default", seed=1, lab="Lab [/] [b]x")
    async with app.run_test(size=(160, 50)) as pilot:
        await after_quarters(pilot, 2, "h")
        assert "Lab [/] [b]x" in flat_text(app)


async def test_the_screen_keeps_your_chart_and_shows_new_quarters(tmp_path):
    app = make_app(tmp_path, scenario="default", seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        await after_quarters(pilot, 2, "h")
        await pilot.press("right", "right", "right")  # to the cash chart
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert "2 2025 Q2" in flat_text(app) and "3 2025 Q3" not in flat_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await play_quarters(pilot, 1)
        await pilot.press("h")
        await pilot.pause()
        assert app.screen.active == "cash" and app.screen.table
        assert "3 2025 Q3" in flat_text(app)  # the quarter just played


async def test_a_theme_change_recolours_the_lines(tmp_path):
    app = make_app(tmp_path, scenario="default", seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        await after_quarters(pilot, 2, "h")
        plot = app.screen.query_one(Plot)
        assert plot._datasets[1].line_style == RIVALS_DARK[0]  # the first rival's line
        app.set_theme("light")
        await pilot.pause()
        await pilot.pause()
        plot = app.screen.query_one(Plot)
        assert plot._datasets[1].line_style == RIVALS_LIGHT[0]


async def test_the_debrief_opens_the_charts_and_the_industry(tmp_path):
    from game.ui.screens.debrief import DebriefScreen
    from game.ui.screens.industry import IndustryScreen

    app = make_app(tmp_path, scenario="solar", seed=2)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        s = app.session
        await play_quarters(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, ChartsScreen)
        assert app.screen.views["shares"].quarters[-1] == len(s.game.records)
        await pilot.press("escape", "i")
        await pilot.pause()
        assert isinstance(app.screen, IndustryScreen)
        assert "Who captures the value" in flat_text(app)
