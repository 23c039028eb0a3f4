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
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from game.engine.orders import MAX_PARAMS, MAX_PRICE, MAX_TOKENS, OrderError, Orders
from game.engine.scenario import RESEARCH, SEGMENTS, TIERS, Scenario
from game.engine.sim import step as engine_step

from .runner import Game, new_game
from .script import PLAYER, QuarterModel


class FrontierEnv:
    """One world of a scenario with the agent in the player's seat."""

    def __init__(
        self,
        scenario: str | Scenario = "default",
        seed: int = 0,
        policy: str = "hold",
        max_quarters: int | None = None,
        content=None,
    ):
        if isinstance(scenario, Scenario):
            self._scenario, self._goals = scenario, ()
        else:
            from game.content import default_content_dir, load_content

            content = content or load_content(default_content_dir())
            model = content.scenario_model(scenario)
            self._scenario = content.scenario(scenario)
            self._goals = tuple(model.goals)
        self.policy = policy
        self.seed = int(seed)
        self.max_quarters = max_quarters
        self.game: Game | None = None

    # ------------------------------------------------------------------ Gym API
    def reset(self, seed: int | None = None, options: dict | None = None) -> tuple[dict, dict]:
        if seed is not None:
            self.seed = int(seed)
        self.game = new_game(self._scenario, self.seed, self.policy, self._goals)
        return self.observation(), self._info()

    def step(self, orders: Orders | dict | None = None) -> tuple[dict, float, bool, bool, dict]:
        g = self._game()
        if g.done:
            raise OrderError(["the game is over; call reset()"])
        if self.max_quarters is not None and g.quarter >= self.max_quarters:
            raise OrderError([f"max_quarters ({self.max_quarters}) reached; call reset()"])
        o = None if orders is None else self.to_orders(orders)
        report = g.play(o)
        reward = float(report.metrics["op_profit"][0, PLAYER])
        terminated = g.done
        truncated = (
            not terminated and self.max_quarters is not None and g.quarter >= self.max_quarters
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
        try:
            q = QuarterModel.model_validate({**data, "quarter": self._game().quarter + 1})
        except ValidationError as e:
            raise OrderError(
                [
                    f"{'.'.join(str(x) for x in item['loc'])}: "
                    + ("unknown field" if item["type"] == "extra_forbidden" else item["msg"])
                    for item in e.errors()
                ]
            ) from None
        return q.orders()

    def check(self, orders: Orders | dict | None) -> list[str]:
        """Why these orders would be refused this quarter ([] if they are legal)."""
        if orders is None:
            return []
        try:
            o = self.to_orders(orders)
            w = self._game().world
            engine_step(w.tables, w.state, {PLAYER: o})
        except OrderError as e:
            return list(e.reasons)
        return []

    def legal_orders(self) -> dict[str, Any]:
        """What may be ordered this quarter: each field's type, range and unit.

        The limits that depend on the game (cash, debt room, whether a run can start,
        which products can be built) are computed for the current quarter.
        """
        g = self._game()
        w = g.world
        st, tb = w.state, w.tables
        cx = w.context()
        lease_cost, buy_cost, tfc = cx.lease_cost, cx.buy_cost, cx.train_flop_cost
        cash = float(st.cash[0, PLAYER])
        idle = not st.run_on[0, PLAYER] and st.run_wait[0, PLAYER] < 0
        buildable = [
            q
            for j, q in enumerate(tb.prod_ids)
            if not st.built[0, PLAYER, j] and st.build_left[0, PLAYER, j] == 0
        ]
        return {
            "quarter": g.quarter,  # quarters played, as in the observation
            "cash": cash,
            "note": "All spending this quarter (lease, buy, research, builds, distill, repay) "
            "must fit in cash + borrow; omitted fields keep last quarter's choice.",
            "fields": {
                "lease": {
                    "type": "float",
                    "min": 0.0,
                    "max": max(cash, 0) / float(lease_cost[0]),
                    "unit": "thousand GPUs this quarter",
                    "cost_each": float(lease_cost[0]),
                    "current": float(st.lease[0, PLAYER]),
                },
                "buy": {
                    "type": "float",
                    "min": 0.0,
                    "max": max(cash, 0) / float(buy_cost[0]),
                    "unit": "thousand GPUs bought",
                    "cost_each": float(buy_cost[0]),
                },
                "train": {
                    "allowed": bool(idle),
                    "params": {"min": 1e6, "max": MAX_PARAMS},
                    "tokens": {"min": 1e6, "max": MAX_TOKENS},
                    "quarters": {"min": 1, "max": 12},
                    "mix": {"keys": list(SEGMENTS), "min": 0.0},
                    "cost_per_flop": float(tfc[0]),
                    "note": "a run of N parameters on D tokens needs 6*N*D FLOPs",
                },
                "train_share": {"type": "float", "min": 0.0, "max": 1.0},
                "research": {"keys": list(RESEARCH), "min": 0.0, "unit": "$B this quarter"},
                "build": {"choices": buildable},
                "prices": {
                    "keys": list(TIERS),
                    "min": 1e-6,
                    "max": MAX_PRICE,
                    "unit": "$ per million tokens",
                    "serving_cost": {
                        t: float(cx.serve_cost[0, PLAYER, k]) for k, t in enumerate(TIERS)
                    },
                },
                "distill": {"type": "bool", "allowed": bool(st.has[0, PLAYER, 0])},
                "release_open": {"type": "bool"},
                "raise_funds": {
                    "type": "float",
                    "min": 0.0,
                    "expected_max": float(cx.raise_cap[0, PLAYER]),
                    "unit": "$B",
                },
                "borrow": {
                    "type": "float",
                    "min": 0.0,
                    "max": float(cx.debt_room[0, PLAYER]),
                    "unit": "$B",
                },
                "repay": {
                    "type": "float",
                    "min": 0.0,
                    "max": float(st.debt[0, PLAYER]),
                    "unit": "$B",
                },
            },
        }

    def _info(self) -> dict:
        g = self._game()
        score, met = g.score()
        rec = g.records[-1] if g.records else None
        return {
            "quarter": g.quarter,
            "quarters": self._scenario.quarters,
            "score": score,  # the score if the game ended now
            "goals_met": met,
            "events": [e.text for e in rec.events] if rec else [],
            "verdict": rec.market["verdict"] if rec else None,
        }

    def _game(self) -> Game:
        if self.game is None:
            raise OrderError(["call reset() first"])
        return self.game


__all__ = ["FrontierEnv"]
