"""An agent API in the Gymnasium manner (without depending on gymnasium).

    from game.play.env import FrontierEnv
    env = FrontierEnv("default", seed=7)
    obs, info = env.reset()
    while True:
        orders = {"prices": {"frontier": 6.0}}          # or an engine Orders, or None
        obs, reward, terminated, truncated, info = env.step(orders)
        if terminated or truncated:
            break

Observations are plain dicts (JSON-ready, what the player's lab can see: its books,
its models, the public market and the rivals); an LLM agent can read them as they
are. `legal_orders()` describes what may be ordered this quarter and the limits that
follow from the lab's cash; `check(orders)` lists the reasons orders would be
refused without playing them. Illegal orders passed to `step` raise OrderError with
every reason, and the game does not change.

reward: the quarter's operating profit of the player's lab, $B (revenue minus the
costs of serving, staff, research and products; see docs/model.md).
terminated: the scenario's last quarter was played, or the lab went bankrupt.
truncated: `max_quarters` were played before the scenario's end.

The env is a thin adapter over GameSession (game/play/session.py): `step(None)` is
`session.autoplay`, `legal_orders()` reads `session.legal()` and `check()` is
`session.check()`. Unlike the terminal game, the env has no standing orders: a
dict is one quarter's orders exactly as a script's `[[quarters]]` entry gives them
(an omitted lease or price keeps last quarter's, anything else omitted does nothing).
The env never writes a save; `env.session.save(NAME)` does, when wanted.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from game.engine.orders import OrderError, Orders
from game.engine.scenario import Scenario

from .runner import Game
from .script import (
    PLAYER,
    SCRIPT_VERSION,
    Playthrough,
    ScriptError,
    ScriptModel,
    quarter_orders,
)
from .session import GameSession
from .typed import refusal_text
from .views import FieldRange

#: The name a session of the env would be saved under (it never autosaves).
SAVE_NAME = "frontier-env"


class FrontierEnv:
    """One world of a scenario with the agent in the player's seat.

    scenario: a scenario id of the content folder, the path of a scenario .toml, or
    an engine Scenario (e.g. `default_scenario().with_params(...)`; it has no goals).
    """

    def __init__(
        self,
        scenario: str | Path | Scenario = "default",
        seed: int = 0,
        policy: str = "hold",
        max_quarters: int | None = None,
        content=None,
    ):
        if content is None:
            from game.content import default_content_dir, load_content

            content = load_content(default_content_dir())
        self.content = content
        if not isinstance(scenario, Scenario):
            content.scenario_model(str(scenario))  # ContentError now, not at reset()
            scenario = str(scenario)
        self._scenario = scenario
        self.policy = policy
        # Whole numbers only: int(1.7) would silently play seed 1, True would play 1.
        if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
            raise ScriptError([f"FrontierEnv: seed: a whole number >= 0, got {seed!r}"])
        if max_quarters is not None and (
            isinstance(max_quarters, bool)
            or not isinstance(max_quarters, int | np.integer)
            or max_quarters < 1
        ):
            raise ScriptError(
                [f"FrontierEnv: max_quarters: a whole number >= 1 or None, got {max_quarters!r}"]
            )
        self.seed = int(seed)
        self.max_quarters = max_quarters
        self.session: GameSession | None = None

    @property
    def game(self) -> Game | None:
        """The game being played (None before reset())."""
        return None if self.session is None else self.session.game

    # ------------------------------------------------------------------ Gym API
    def reset(self, seed: int | None = None, options: dict | None = None) -> tuple[dict, dict]:
        if seed is not None:
            self.seed = int(seed)
        self.session = self._new_session()
        return self.observation(), self._info()

    def step(self, orders: Orders | dict | None = None) -> tuple[dict, float, bool, bool, dict]:
        s = self._session()
        if s.done:
            raise OrderError(["the game is over; call reset()"])
        if self.max_quarters is not None and s.quarter >= self.max_quarters:
            raise OrderError([f"max_quarters ({self.max_quarters}) reached; call reset()"])
        if orders is None:
            s.autoplay(autosave=False, report=False)
        else:
            s.play_exact(self.to_orders(orders))
        reward = float(s.game.records[-1].labs[PLAYER].op_profit)
        terminated = s.done
        truncated = (
            not terminated and self.max_quarters is not None and s.quarter >= self.max_quarters
        )
        return self.observation(), reward, terminated, truncated, self._info()

    # ------------------------------------------------------------------ helpers
    def observation(self) -> dict:
        return self._game().world.observe(PLAYER)

    def to_orders(self, orders: Orders | dict) -> Orders:
        """An engine Orders from a dict shaped like a script's [[quarters]] entry."""
        if isinstance(orders, Orders):
            return orders
        if not isinstance(orders, dict):
            raise OrderError([f"orders must be a dict or Orders, got {type(orders).__name__}"])
        data = {k: v for k, v in orders.items() if k not in ("quarter", "note")}
        return quarter_orders(data, self._game().quarter + 1)

    def check(self, orders: Orders | dict | None) -> list[str]:
        """Why these orders would be refused this quarter ([] if they are legal)."""
        if orders is None:
            return []
        s = self._session()
        try:
            o = self.to_orders(orders)
        except OrderError as e:
            return list(e.reasons)
        return [refusal_text(r) for r in s.check_orders(o)]

    def legal_orders(self) -> dict[str, Any]:
        """What may be ordered this quarter: each field's kind, range, unit and help
        (from the order specification), with the limits that follow from the lab's
        books this quarter (GameSession.legal): cash, debt room, whether a run can
        start, which products can be built.
        """
        s = self._session()
        legal = s.legal()
        view = s.view()
        by_name = {r.name: r for r in legal.fields}
        fields: dict[str, Any] = {}
        for r in legal.fields:
            if r.name.startswith("train."):
                continue
            fields[r.name] = _field(r)
        parts = {
            r.name.split(".", 1)[1]: _field(r) for r in legal.fields if r.name.startswith("train.")
        }
        run = by_name["train.params"]
        fields["train"] = {
            "allowed": run.allowed,
            **({"why_not": run.why_not} if not run.allowed else {}),
            **parts,
            "note": "a run of N parameters on D tokens needs 6*N*D FLOPs; mix defaults to "
            "the lab's current specialization",
        }
        fields["lease"]["current"] = view.lab.gpus_leased
        fields["build"]["choices"] = [p.id for p in legal.products if p.state == "available"]
        fields["build"]["products"] = [asdict(p) for p in legal.products]
        fields["prices"]["current"] = dict(view.standing.prices)
        fields["prices"]["serving_cost"] = {m.tier: m.serving_cost for m in view.lab.models}
        # Investors give at most about this much; asking for more is not refused.
        fields["raise_funds"]["expected_max"] = legal.raise_expected
        return {
            "quarter": s.quarter,  # quarters played, as in the observation
            "cash": legal.cash,
            "borrow_room": legal.borrow_room,
            "raise_expected": legal.raise_expected,
            "valuation": legal.valuation,
            "note": "All spending this quarter (lease, buy, research, builds, distill, repay) "
            "must fit in cash + borrow. An omitted lease or price keeps last quarter's; "
            "every other omitted field does nothing.",
            "fields": fields,
        }

    def _new_session(self) -> GameSession:
        if not isinstance(self._scenario, Scenario):
            return GameSession.new(
                self.content,
                scenario=self._scenario,
                seed=self.seed,
                policy=self.policy,
                save_name=SAVE_NAME,
                shown="FrontierEnv",
            )
        # An engine Scenario built in code: no content entry, so no goals.
        from .bots import get_bot
        from .saves import saves_dir

        bot = get_bot(self.policy)
        seated = bot.seat(self._scenario, PLAYER)
        model = ScriptModel.model_validate(
            {
                "format_version": SCRIPT_VERSION,
                "scenario": self._scenario.id,
                "seed": self.seed,
                "policy": self.policy,
            }
        )
        pt = Playthrough(model, "FrontierEnv", seated, None, bot)
        game = Game(seated, self.seed, bot, ())
        return GameSession(pt, game, self.content, SAVE_NAME, saves_dir(None))

    def _info(self) -> dict:
        g = self._game()
        score, met = g.score()
        rec = g.records[-1] if g.records else None
        return {
            "quarter": g.quarter,
            "quarters": g.scenario.quarters,
            "score": score,  # the score if the game ended now
            "goals_met": met,
            "events": [e.text for e in rec.events] if rec else [],
            "verdict": rec.market["verdict"] if rec else None,
        }

    def _session(self) -> GameSession:
        if self.session is None:
            raise OrderError(["call reset() first"])
        return self.session

    def _game(self) -> Game:
        return self._session().game


def _field(r: FieldRange) -> dict[str, Any]:
    """One order field of GameSession.legal() as plain data."""
    d: dict[str, Any] = {
        "kind": r.kind,
        "label": r.label,
        "unit": r.unit,
        "help": r.help,
        "allowed": r.allowed,
    }
    if not r.allowed:
        d["why_not"] = r.why_not
    if r.kind in ("number", "integer", "amounts"):
        d["min"], d["max"] = r.lo, r.hi
        if r.lo_open:
            d["min_exclusive"] = True
    if r.keys:
        d["keys"] = list(r.keys)
    if r.cost_each is not None:
        d["cost_each"] = r.cost_each
    return d


__all__ = ["FrontierEnv"]
