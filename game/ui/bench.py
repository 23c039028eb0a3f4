"""Timings of the Textual app for `frontier bench` (game/cli/bench.py runs these).

- start: `frontier play` launched in tmux until the title screen is on the terminal;
- report: the `e` key to the quarterly report drawn (app.run_test, headless);
- preview: a key typed in the pricing panel to its preview redrawn;
- odds: the odds screen's run over 500 worlds x 40 quarters, and the longest gap
  between frames while it runs;
- charts: the `h` key to the charts screen drawn, 35 to 39 quarters in, a quarter
  played before each opening (so each one redraws from the new history).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid


def start_seconds(repeats: int = 3) -> float | None:
    """Median wall time from launching `frontier play` to the title on screen, or None
    without tmux."""
    if shutil.which("tmux") is None:
        return None
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeats):
            name = f"fbench-{uuid.uuid4().hex[:8]}"
            cmd = f"{sys.executable} -m game.cli play --saves-dir {tmp}"
            t0 = time.perf_counter()
            subprocess.run(
                ["tmux", "new-session", "-d", "-s", name, "-x", "80", "-y", "24", cmd],
                check=True,
                env={k: v for k, v in os.environ.items() if k != "NO_COLOR"},
            )
            try:
                while time.perf_counter() - t0 < 30:
                    out = subprocess.run(
                        ["tmux", "capture-pane", "-p", "-t", name],
                        capture_output=True,
                        text=True,
                        check=False,
                    ).stdout
                    if "F R O N T I E R" in out:
                        times.append(time.perf_counter() - t0)
                        break
                    time.sleep(0.005)
            finally:
                subprocess.run(["tmux", "kill-session", "-t", name], check=False)
    return statistics.median(times) if times else None


async def _in_app(quarters: int, keys: int) -> dict:
    from game.ui.app import FrontierApp
    from game.ui.screens.report import ReportScreen

    with tempfile.TemporaryDirectory() as tmp:
        app = FrontierApp(scenario="default", seed=1, saves_dir=tmp, measure=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            odds_s, odds_gap = await _odds(app, pilot)
            for _ in range(quarters):
                await pilot.press("e")
                await pilot.pause()
                assert isinstance(app.screen, ReportScreen)
                await pilot.press("enter")
                await pilot.pause()
            await pilot.press("p")
            await pilot.pause()
            for i in range(keys):
                await pilot.press("backspace" if i % 2 else "7")
                await pilot.pause()
            report, preview = app.timings["report"], app.timings["preview"]
            await pilot.press("escape")
            await pilot.pause()
            charts = await _charts(app, pilot)
    return {
        "ui_report_ms": statistics.median(report) * 1e3,
        "ui_preview_ms": statistics.median(preview) * 1e3,
        "ui_charts_ms": charts * 1e3,
        "ui_odds_s": odds_s,
        "ui_odds_gap_ms": odds_gap * 1e3,
    }


async def _odds(app, pilot, worlds: int = 500) -> tuple[float, float]:
    """Seconds for the odds of a new game over `worlds` worlds x 40 quarters, run from
    the odds screen, and the longest gap between the app's frames meanwhile (a timer
    ticking every 10 ms: a gap over 100 ms is a UI that stopped answering)."""
    from game.ui.screens.odds import OddsScreen

    ticks: list[float] = []
    timer = app.set_interval(0.01, lambda: ticks.append(time.perf_counter()))
    await pilot.press("w")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, OddsScreen)
    screen.worlds = worlds
    ticks.clear()
    t0 = time.perf_counter()
    screen.action_run()
    while screen.running:
        await asyncio.sleep(0.005)
    took = time.perf_counter() - t0
    timer.stop()
    assert screen.result is not None and screen.result["worlds"] == worlds
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    await pilot.press("escape")
    await pilot.pause()
    return took, max(gaps, default=0.0)


async def _charts(app, pilot, repeats: int = 5) -> float:
    """Median seconds from `h` to the charts screen drawn, with 34 to 38 quarters of
    history; a quarter is played before each opening, so every one redraws its chart
    from the new history (as when a player looks after each quarter)."""
    from game.ui.screens.charts import ChartsScreen

    s = app.session
    while s.quarter < s.scenario.quarters - 1 - repeats:
        s.end_quarter(autosave=False, report=False)
    for _ in range(repeats):
        s.end_quarter(autosave=False, report=False)
        app.screen.refresh_view()
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, ChartsScreen)
        await pilot.press("escape")
        await pilot.pause()
    return statistics.median(app.timings["charts"])


def in_app(quarters: int = 12, keys: int = 20) -> dict:
    return asyncio.run(_in_app(quarters, keys))
