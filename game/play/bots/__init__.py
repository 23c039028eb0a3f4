"""Bots: vectorized policies for a lab's seat, in a sweep or in the quarters a
playthrough leaves without orders.

    from game.play.bots import get_bot
    bot = get_bot("balanced")
    scenario = bot.seat(scenario, lab=0)          # the seat plays the bot's style
    world.step(auto=(0,), decide=bot.decide_for((0,)))

See base.py for how a bot takes a seat, and docs/model.md ("Bots") for each one.
"""

from __future__ import annotations

from .base import STYLE_FIELDS, Bot
from .simple import HOLD, RANDOM
from .styles import BALANCED, EFFICIENCY, NICHE, OPEN_WEIGHTS, SCALE_MAX

BOTS: dict[str, Bot] = {
    b.name: b for b in (HOLD, RANDOM, BALANCED, SCALE_MAX, EFFICIENCY, NICHE, OPEN_WEIGHTS)
}


class UnknownBot(KeyError):
    def __init__(self, name: str):
        self.name = name
        super().__init__(f"unknown policy {name!r}; known: {', '.join(BOTS)}")

    def __str__(self) -> str:
        return self.args[0]


def get_bot(name: str) -> Bot:
    try:
        return BOTS[name]
    except KeyError:
        raise UnknownBot(name) from None


__all__ = ["BOTS", "STYLE_FIELDS", "Bot", "UnknownBot", "get_bot"]
