"""Helpers shared by the app's tests: a ready app, typing, what the screen shows."""

from __future__ import annotations

from game.ui.app import FrontierApp


def make_app(tmp_path, **kw) -> FrontierApp:
    kw.setdefault("saves_dir", str(tmp_path / "saves"))
    return FrontierApp(**kw)


async def ready(pilot) -> None:
    """Wait until the game layer is loaded and the screens have settled."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def type_text(pilot, text: str) -> None:
    await pilot.press(*text)


def screen_text(app) -> str:
    """What the terminal shows now, as plain text (one line per row)."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text()


def flat_text(app) -> str:
    """The screen's words with line breaks and runs of spaces folded to one space."""
    return " ".join(screen_text(app).split())
