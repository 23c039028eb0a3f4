"""Engine and user text is shown as text: brackets are never parsed as markup."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from uikit import flat_text, make_app, ready, type_text

from game.ui.screens.game import GameScreen
from game.ui.screens.report import ReportScreen

ROOT = Path(__file__).resolve().parents[2]
NAME = "[Apex] [/]"


async def test_a_lab_named_with_brackets_shows_verbatim(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one("#lab-name").focus()
        await type_text(pilot, NAME)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        assert app.session.game.names[0] == NAME
        assert NAME in flat_text(app)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        assert f"{NAME} made" in flat_text(app) or f"{NAME} lost" in flat_text(app)


async def test_an_event_text_with_brackets_shows_verbatim(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    events = content / "events.toml"
    text = events.read_text()
    text = re.sub(
        r'(id = "open_release"\nname = "Open-weight release"\nhazard = )[0-9.]+',
        r"\g<1>1.0",
        text,
    )
    text = text.replace(
        "A strong open-weight model lands and closes part of the gap to the frontier.",
        "[Acme Labs] raised $5B and [b]released[/b] its weights.",
    )
    events.write_text(text)
    app = make_app(tmp_path, scenario="default", seed=5, content_dir=str(content))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("e")
        await pilot.pause()
        shown = flat_text(app)
        assert "[Acme Labs] raised $5B and [b]released[/b] its weights." in shown
        await pilot.press("enter")
        await pilot.pause()
        assert "[Acme Labs] raised $5B" in flat_text(app)
