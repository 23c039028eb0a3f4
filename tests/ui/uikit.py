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


def screen_segments(app) -> list[list[tuple[int, str, object]]]:
    """What the terminal shows now, row by row: (x, text, rich Style) for each segment,
    with the final colours (themes, opacity and the app's line filters applied) and the
    meta of each span (a link's action is `style.meta["@click"]`)."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    rows = []
    for strips in update.strips:
        x, row = 0, []
        for strip in strips:
            for seg in strip:
                if seg.control:
                    continue
                row.append((x, seg.text, seg.style))
                x += seg.cell_length
        rows.append(row)
    return rows


def flat_text(app) -> str:
    """The screen's words with line breaks and runs of spaces folded to one space."""
    return " ".join(screen_text(app).split())


async def play_quarters(pilot, quarters: int | None = None) -> None:
    """Play `quarters` quarters (None: to the end) through the session, without the
    reports, and redraw the dashboard."""
    app = pilot.app
    s = app.session
    n = 0
    while not s.done and (quarters is None or n < quarters):
        s.end_quarter(autosave=False)
        n += 1
    app.screen.refresh_view()
    await pilot.pause()


async def after_quarters(pilot, quarters: int, key: str) -> None:
    """The game ready, `quarters` played, then `key` pressed (a screen opened)."""
    await ready(pilot)
    await play_quarters(pilot, quarters)
    await pilot.press(key)
    await pilot.pause()
