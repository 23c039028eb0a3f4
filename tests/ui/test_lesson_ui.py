"""Lessons in the app: the prediction form, a checkpoint at its quarter, the
discussion, and `frontier class collect` finding what the student typed."""

from __future__ import annotations

import csv
import io
import json

import pytest
from textual.widgets import Input, Select
from uikit import flat_text, make_app, ready, type_text

from game.cli import main
from game.ui.screens.debrief import DebriefScreen
from game.ui.screens.game import GameScreen
from game.ui.screens.lesson import CheckpointScreen, DiscussScreen, LessonFormScreen
from game.ui.screens.newgame import LessonsScreen

PREDICTIONS = {
    "pred-hhi-2030": "1500",
    "pred-lerner-end": "0.3",
    "pred-labs-left": "4",
}


async def fill_form(pilot, name: str | None = "Ada", group: str = "steel") -> None:
    """Fill the prediction form as a student does: typing, and picking from lists."""
    screen = pilot.app.screen
    assert isinstance(screen, LessonFormScreen)
    if name is not None:
        screen.query_one("#form-student", Input).focus()
        await type_text(pilot, name)
    screen.query_one("#form-group", Select).value = group
    screen.query_one("#pred-verdict", Select).value = "consolidated oligopoly"
    for wid, text in PREDICTIONS.items():
        screen.query_one(f"#{wid}", Input).focus()
        await type_text(pilot, text)
    await pilot.pause()


async def to_form(pilot) -> None:
    """Title screen -> Lessons -> solar-vs-steel: the prediction form."""
    await ready(pilot)
    app = pilot.app
    app.push_screen(LessonsScreen())
    await pilot.pause()
    lessons = list(app.screen.cards)
    await pilot.press(*["down"] * lessons.index("solar-vs-steel"), "enter")
    await pilot.pause()


async def test_solar_vs_steel_from_prediction_to_debrief(tmp_path, monkeypatch, capsys):
    """The whole lesson in the app: predictions, four checkpoints answered at quarters
    5, 13, 25 and 40 with their numbers on screen, the debrief with the predictions
    against the game, the discussion's charts; then `class collect` finds it all."""
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await to_form(pilot)
        await fill_form(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        s = app.session
        assert s.scenario.id == "steel" and s.game.seed == 7
        assert "checkpoint 1/4 after quarter 5" in flat_text(app)
        answered = []
        while not s.done or isinstance(app.screen, CheckpointScreen):
            if isinstance(app.screen, CheckpointScreen):
                cp = app.screen.view_
                text = flat_text(app)
                assert f"quarter {cp.quarter}" in text and cp.prompt[:40] in text
                for f in cp.figures:  # every number the question needs is on screen
                    assert f.text[:30] in text, f
                await type_text(pilot, f"HHI {s.game.records[cp.quarter - 1].market['hhi']:.0f}")
                await pilot.press("enter")
                await pilot.pause()
                answered.append(cp.quarter)
                continue
            assert isinstance(app.screen, GameScreen), app.screen
            await pilot.press("e")
            await pilot.pause()
            await pilot.press("escape")  # the report
            await pilot.pause()
        await pilot.pause()
        assert answered == [5, 13, 25, 40]
        assert isinstance(app.screen, DebriefScreen)
        text = flat_text(app)
        assert "your answers are in runs/lesson-solar-vs-steel-Ada" in text
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DiscussScreen)
        assert "Question 1 of 5" in flat_text(app)
        assert "HHI / 100" in flat_text(app)  # the concentration chart's legend
        await pilot.press("right")
        await pilot.pause()
        assert "Question 2 of 5" in flat_text(app)
    run = tmp_path / "runs" / "lesson-solar-vs-steel-Ada"
    summ = json.loads((run / "summary.json").read_text())
    assert [a["answer"] for a in summ["lesson"]["answers"]] == [
        f"HHI {summ_hhi:.0f}"
        for summ_hhi in (s.game.records[q - 1].market["hhi"] for q in (5, 13, 25, 40))
    ]
    assert main(["class", "collect", str(run), "--out", str(tmp_path / "class")]) == 0
    capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO((tmp_path / "class" / "answers.csv").read_text())))
    mine = {r["item"]: r for r in rows if r["student"] == "Ada"}
    assert mine["verdict"]["answer"] == "consolidated oligopoly"
    assert mine["verdict"]["actual"] == s.game.records[-1].market["verdict"]
    assert mine["hhi-2030"]["answer"] == "1500"
    assert [r["quarter"] for r in rows if r["kind"] == "checkpoint"] == ["5", "13", "25", "40"]


async def test_the_form_says_what_is_missing_and_starts_nothing(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_form(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, LessonFormScreen)
        assert "Not yet: your name" in flat_text(app)
        await fill_form(pilot)
        app.screen.query_one("#pred-hhi-2030", Input).value = "99999"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, LessonFormScreen)
        assert "between 0 and 10000" in flat_text(app)
    assert not (tmp_path / "saves").exists()


async def test_play_lesson_from_the_command_line_opens_its_form(tmp_path):
    app = make_app(tmp_path, lesson="scaling-law", student="Bo")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert isinstance(app.screen, LessonFormScreen)
        assert app.screen.query_one("#form-student", Input).value == "Bo"
        text = flat_text(app)
        assert "world of their own" in text and f"seed {app.screen.form.seed}" in text


async def test_an_unknown_lesson_on_the_command_line_exits_2(tmp_path):
    app = make_app(tmp_path, lesson="no-such")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
    assert app.return_code == 2
    assert "unknown lesson 'no-such'" in app.exit_message


async def start_lesson(pilot, quarters: int) -> None:
    """A solar-vs-steel game (steel), `quarters` played, its checkpoint (if any) shown."""
    await ready(pilot)
    app = pilot.app
    await fill_form(pilot, name=None)
    await pilot.press("ctrl+s")
    await pilot.pause()
    s = app.session
    for _ in range(quarters):
        s.end_quarter(autosave=False)
    app.screen.refresh_view()
    app.screen._after_report()
    await pilot.pause()
    for inp in app.screen.query(Input):
        inp.cursor_blink = False
    app.animation_level = "none"
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_lesson_screens_open_at_both_sizes(tmp_path, monkeypatch, size):
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, lesson="solar-vs-steel", student="Ada")
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        assert "Your name" in flat_text(app)
        await start_lesson(pilot, 13)
        assert isinstance(app.screen, CheckpointScreen)
        text = flat_text(app)
        assert "Checkpoint 2 of 4: quarter 13 (2028 Q1)" in text
        assert "Open-weight price" in text
        await pilot.press("escape")
        await pilot.press("l")  # the latest checkpoint, again
        await pilot.pause()
        assert isinstance(app.screen, CheckpointScreen)
        await pilot.press("escape")
        app.push_screen(DiscussScreen(app.session))
        await pilot.pause()
        assert "Question 1 of 5" in flat_text(app)


def test_lesson_checkpoint_snapshot(snap_compare, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, lesson="solar-vs-steel", student="Ada")

    async def run_before(pilot) -> None:
        await start_lesson(pilot, 5)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
