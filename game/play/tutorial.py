"""The guided start: a few steps over the first three quarters for a first-time player.

UI-neutral: `GameSession.tutorial()` gives the step to show (or None); the Textual app
puts it at the top of the tips panel. Skipping it, or playing through it, is
remembered in the saves folder (`.tutorial-done`), so it shows once per player.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MARKER = ".tutorial-done"


@dataclass(frozen=True)
class TutorialStep:
    number: int  # 1-based
    of: int
    title: str
    text: str


#: One step per quarter played so far (0, 1, 2): what the screen shows, one decision,
#: and why the report says what it says.
STEPS: tuple[tuple[str, str], ...] = (
    (
        "the dashboard",
        "Left: your lab (cash, revenue, models and their margins). Right: the market "
        "(how concentrated it is, how far prices sit above cost, the verdict so far), "
        "your rivals, your goals. Underlined words open the glossary. One decision now: "
        "press p and try a lower frontier price. The preview shows next quarter: more "
        "buyers, less earned on each token. Then press e to play the quarter.",
    ),
    (
        "why the numbers moved",
        "The report put the causes first: rivals' prices, models and open weights move "
        "your share, and share times price minus serving cost is your profit. One "
        "decision now: press c. If demand outgrows your GPUs you serve only part of it "
        "and buyers drift away; rent enough to serve them. Then e.",
    ),
    (
        "models and the long game",
        "Better models win buyers, and a better model needs a training run: press t, "
        "choose a compute budget, and the planner splits it between model size and data "
        "by the scaling law. A run takes quarters and cash before it pays. Press h for "
        "charts of the game so far, i for who captures the value, w for your odds.",
    ),
)


def done(folder: Path) -> bool:
    return (Path(folder) / MARKER).exists()


def finish(folder: Path) -> None:
    """Remember that this player has finished or skipped the guided start."""
    try:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / MARKER).write_text("the guided start was finished or skipped\n")
    except OSError:
        pass  # a saves folder we cannot write: the tutorial shows again next time


def step(folder: Path, quarters_played: int) -> TutorialStep | None:
    """The step for a player `quarters_played` into a game, or None."""
    if done(folder) or quarters_played >= len(STEPS):
        return None
    title, text = STEPS[quarters_played]
    return TutorialStep(quarters_played + 1, len(STEPS), title, text)


__all__ = ["MARKER", "STEPS", "TutorialStep", "done", "finish", "step"]
