"""What a bot is, and how one takes a lab's seat.

A bot decides for one seat (a lab index) in every world of a batch at once. It has
two parts, either of which may be empty:

- a *style*: overrides of the decision fields of the engine's archetype (how big and
  how often to train, what to specialise in, how to price, what to build...). The
  seat's archetype is replaced by a copy of its own archetype with these fields
  changed, so the engine's vectorized archetype policy (game/engine/policy.py), the
  same code that drives every rival, decides for the seat. The lab's character (a
  parent's subsidy, investors who ignore the mood, a slow ship delay, publishing
  weights from the start) stays the scenario's.
- a *hook*: a function that rewrites the seat's rows of the quarter's decisions, for
  bots that are not an archetype at all (`hold`, `random`) or that add one habit to
  one (`open-weights` publishes every new model).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from game.engine.policy import Context, Decisions
from game.engine.scenario import Scenario
from game.engine.state import State, Tables

#: Archetype fields a style may change: decisions only, never the lab's character.
STYLE_FIELDS = (
    "ambition",
    "cadence",
    "run_quarters",
    "tokens_per_param",
    "mix",
    "price_factor",
    "research_share",
    "research_split",
    "products",
    "buy_share",
    "max_spend_share",
)

Hook = Callable[[State, Tables, Context, Decisions, np.ndarray], Decisions]


@dataclass(frozen=True)
class Bot:
    """A named policy for one seat. See the module docstring."""

    name: str
    blurb: str
    style: Mapping[str, Any] = field(default_factory=dict)
    hook: Hook | None = None

    def seat(self, scenario: Scenario, lab: int) -> Scenario:
        """The scenario with lab `lab` playing this bot's style (unchanged without one)."""
        if not self.style:
            return scenario
        bad = sorted(set(self.style) - set(STYLE_FIELDS))
        if bad:
            raise ValueError(f"bot {self.name}: style fields {bad} are not decision fields")
        labs = list(scenario.labs)
        base = scenario.archetype(labs[lab].archetype)
        style = dict(self.style)
        own_mix = dict(labs[lab].mix or base.mix)  # the seat keeps its specialization...
        mix = style.get("mix", own_mix)
        style["mix"] = mix(own_mix) if callable(mix) else mix  # ...unless the style narrows it
        if "products" in style:  # a scenario may offer fewer products than the catalog
            offered = {q.id for q in scenario.products}
            style["products"] = tuple(q for q in style["products"] if q in offered)
        derived = dataclasses.replace(
            base, id=f"{base.id}+{self.name}", name=f"{base.name} ({self.name})", **style
        )
        # The seat's own starting specialization stays; the style shapes new runs.
        labs[lab] = dataclasses.replace(labs[lab], archetype=derived.id, mix=own_mix)
        return dataclasses.replace(
            scenario, archetypes=(*scenario.archetypes, derived), labs=tuple(labs)
        )

    def decide_for(self, seats: tuple[int, ...]):
        """The engine's `decide` hook for these seats (None when the style suffices)."""
        if self.hook is None:
            return None
        rows = np.asarray(seats, dtype=np.int64)
        hook = self.hook

        def decide(st: State, tb: Tables, cx: Context, dec: Decisions) -> Decisions:
            return hook(st, tb, cx, dec.copy(), rows)

        return decide
