"""The real `frontier play` in a real terminal (tmux): press e, read the next quarter."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None and not os.environ.get("CI"),
    reason="tmux is not installed (.ci/run installs it)",
)


def _tmux(*args: str) -> str:
    return subprocess.run(
        ["tmux", *args], capture_output=True, text=True, check=False, timeout=10
    ).stdout


def _wait_for(session: str, text: str, timeout: float = 30.0) -> str:
    end = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < end:
        screen = _tmux("capture-pane", "-p", "-t", session)
        if text in screen:
            return screen
        time.sleep(0.05)
    raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")


def test_frontier_play_in_tmux_ends_a_quarter(tmp_path):
    session = f"frontier-{uuid.uuid4().hex[:8]}"
    saves = tmp_path / "saves"
    cmd = (
        f"cd {ROOT} && {sys.executable} -m game.cli play --scenario default --seed 1 "
        f"--name tmuxgame --saves-dir {saves}"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TEXTUAL_THEME")}
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "30", cmd],
        check=True,
        env=env,
        timeout=10,
    )
    try:
        _wait_for(session, "quarter 1/40")
        _tmux("send-keys", "-t", session, "-l", "e")
        _wait_for(session, "Quarterly report: 2025 Q1")
        _tmux("send-keys", "-t", session, "Enter")
        screen = _wait_for(session, "quarter 2/40")
        assert "2025 Q2" in screen
        _tmux("send-keys", "-t", session, "C-q")
        _wait_for(session, "Quit Frontier?")
        _tmux("send-keys", "-t", session, "-l", "y")
        end = time.monotonic() + 20
        while time.monotonic() < end and not (saves / "tmuxgame.toml").exists():
            time.sleep(0.05)
        assert (saves / "tmuxgame.toml").is_file()
        assert (saves / "tmuxgame.autosave-q001.toml").is_file()
    finally:
        _tmux("kill-session", "-t", session)
