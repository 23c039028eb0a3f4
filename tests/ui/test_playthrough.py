"""A whole game played with the keyboard only, checked against a headless run."""

from __future__ import annotations

import json

from uikit import make_app, ready, type_text

from game.cli import main
from game.play import open_content
from game.play.runner import play_through
from game.play.script import load_script
from game.ui.screens.debrief import DebriefScreen
from game.ui.screens.game import GameScreen
from game.ui.screens.panels import ComputePanel, PricingPanel, TrainPanel
from game.ui.screens.report import ReportScreen


async def test_keyboard_only_game_to_the_debrief_equals_a_headless_run(tmp_path, capsys):
    app = make_app(tmp_path, scenario="default", seed=11, name="kb")
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        assert isinstance(app.screen, GameScreen)
        session = app.session
        quarters = session.scenario.quarters
        for q in range(1, quarters + 1):
            if q == 2:  # lease 30k GPUs in the compute panel
                await pilot.press("c")
                assert isinstance(app.screen, ComputePanel)
                await type_text(pilot, "30")
                await pilot.press("enter")
                assert session.draft == {"lease": 30.0}
            if q == 3:  # the frontier price to $6
                await pilot.press("p")
                assert isinstance(app.screen, PricingPanel)
                await type_text(pilot, "6")
                await pilot.press("enter")
                assert session.draft == {"prices": {"frontier": 6.0}}
            if q == 4:  # a training run at the planner's suggested budget, more tokens
                await pilot.press("t")
                assert isinstance(app.screen, TrainPanel)
                await pilot.press("tab", "right", "right", "enter")
                assert "train" in session.draft
            await pilot.press("e")
            await pilot.pause()
            if session.done and not isinstance(app.screen, ReportScreen):
                break
            assert isinstance(app.screen, ReportScreen), q
            await pilot.press("enter")
            await pilot.pause()
            if session.done:
                break
        assert session.done
        assert isinstance(app.screen, DebriefScreen)
        played = [r.digest for r in session.game.records]
        ordered = [r.orders for r in session.game.records]
        save = session.save("kb-final")
        ui_summary = session.result()
    assert ordered[1].lease == 30.0 and ordered[2].prices == {"frontier": 6.0}
    assert ordered[3].train is not None and ordered[3].train.tokens / ordered[3].train.params > 20
    # The lease the player set stays: later quarters play it without being asked.
    assert all(o.lease == 30.0 for o in ordered[4:10])

    # The save is a playthrough script: played headless, it gives the same game.
    content = open_content()
    headless = play_through(load_script(save, content))
    assert [r.digest for r in headless.records] == played
    out = tmp_path / "run"
    assert main(["run", str(save), "--out", str(out)]) == 0
    capsys.readouterr()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["verdict"] == ui_summary["verdict"]
    assert summary["player"]["score"] == ui_summary["player"]["score"]
    assert summary["labs"] == ui_summary["labs"]
