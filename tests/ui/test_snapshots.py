"""Snapshots of the main screens (fixed seeds, no cursor blink, saves in tmp_path).

snap_compare is synchronous (it runs its own event loop): these are plain `def` tests.
Bless new snapshots with --snapshot-update only after looking at snapshot_report.html.
"""

from __future__ import annotations

from textual.widgets import Input
from uikit import make_app, ready


async def _settle(pilot) -> None:
    await ready(pilot)
    pilot.app.animation_level = "none"
    for inp in pilot.app.screen.query(Input):
        inp.cursor_blink = False
    await pilot.pause()


def _keys(*keys):
    async def run_before(pilot) -> None:
        await ready(pilot)
        pilot.app.animation_level = "none"
        for k in keys:
            await pilot.press(k)
            await pilot.pause()
        await _settle(pilot)

    return run_before


def test_title(snap_compare, tmp_path):
    assert snap_compare(make_app(tmp_path), terminal_size=(80, 24), run_before=_keys())


def test_dashboard_after_a_quarter(snap_compare, tmp_path):
    app = make_app(tmp_path, scenario="default", seed=1)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_keys("e", "enter"))


def test_dashboard_large(snap_compare, tmp_path):
    app = make_app(tmp_path, scenario="steel", seed=2)
    assert snap_compare(app, terminal_size=(160, 50), run_before=_keys("e", "enter", "e", "enter"))


def test_training_planner(snap_compare, tmp_path):
    app = make_app(tmp_path, scenario="default", seed=1)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_keys("t", "tab", "right"))


def test_pricing_panel(snap_compare, tmp_path):
    app = make_app(tmp_path, scenario="default", seed=1)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_keys("p", "5"))


def test_quarterly_report(snap_compare, tmp_path):
    app = make_app(tmp_path, scenario="default", seed=1)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_keys("p", "5", "enter", "e"))


def test_debrief(snap_compare, tmp_path):
    app = make_app(tmp_path, scenario="solar", seed=3)

    async def run_before(pilot) -> None:
        await ready(pilot)
        s = pilot.app.session
        while not s.done:
            s.end_quarter(autosave=False)
        pilot.app.screen.refresh_view()
        await pilot.press("e")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(100, 32), run_before=run_before)


def test_charts_screen(snap_compare, tmp_path):
    app = make_app(tmp_path, scenario="default", seed=1)
    keys = ("e", "enter", "e", "enter", "e", "enter", "h")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_keys(*keys))


def test_charts_as_numbers(snap_compare, tmp_path):
    app = make_app(tmp_path, scenario="steel", seed=2)
    keys = ("e", "enter", "e", "enter", "h", "right", "right", "n")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_keys(*keys))


def test_industry_screen(snap_compare, tmp_path):
    app = make_app(tmp_path, scenario="default", seed=1)
    keys = ("e", "enter", "e", "enter", "i")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_keys(*keys))


def test_odds_screen(snap_compare, tmp_path):
    app = make_app(tmp_path, scenario="steel", seed=2)

    async def run_before(pilot) -> None:
        await _keys("e", "enter", "w")(pilot)
        pilot.app.screen.worlds = 60
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
