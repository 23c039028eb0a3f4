"""The engine's public API: a batch of worlds you can step, observe and query.

from game.engine import World, Orders, TrainOrder, default_scenario
world = World(default_scenario(), seed=7)           # one world, you play lab 0
report = world.step({0: Orders(prices={"frontier": 6.0})})
world.observe(0)["cash"]

study = World(default_scenario(), seed=7, worlds=10_000, human=())  # bots everywhere
while not study.done:
    study.step()
study.history()["verdict"]  # (quarters, worlds)
"""

from __future__ import annotations

import numpy as np

from . import metrics, scaling
from .explain import Event, explain
from .metrics import VERDICTS
from .orders import OrderError, Orders, TrainOrder
from .scenario import RESEARCH, SEGMENTS, TIERS, Scenario
from .sim import VC_NAMES, Report, create, step
from .state import FLOW_NAMES, State, Tables, compile_tables

#: Metrics kept in the history (per quarter, per world): metrics.REGISTRY says which.
HISTORY_KEYS = metrics.HISTORY_KEYS


class World:
    """A batch of W worlds of one scenario, advanced together one quarter per step.

    seed: world k gets seed `seed + k`, so world k of a batch equals a single world
    created with that seed. human: labs whose orders come from `step`; the default is
    the scenario's human lab; pass () for a study where policies drive every lab.
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: int = 0,
        worlds: int = 1,
        human: tuple[int, ...] | None = None,
        explain_events: bool | None = None,
        keep_history: bool = True,
    ):
        self.tables: Tables = compile_tables(scenario)
        self.scenario = scenario
        self.seed = int(seed)
        self.state: State = create(self.tables, self.seed, worlds, human)
        self.explain = worlds <= 16 if explain_events is None else explain_events
        self.keep_history = keep_history
        self._history: list[dict[str, np.ndarray]] = []
        self.reports: list[Report] = []

    @property
    def quarter(self) -> int:
        return self.state.t

    @property
    def worlds(self) -> int:
        return self.state.worlds

    @property
    def names(self) -> tuple[str, ...]:
        return self.tables.names

    @property
    def done(self) -> bool:
        """True when the scenario's quarters are played or every human lab is bust."""
        if self.state.t >= self.scenario.quarters:
            return True
        h = self.state.human
        return bool(h.any() and not self.state.alive[:, h].any())

    def step(
        self,
        orders: dict[int, Orders] | Orders | None = None,
        *,
        auto: tuple[int, ...] = (),
        decide=None,
    ) -> Report:
        """Play one quarter. Raises OrderError (state unchanged) for illegal orders.

        orders: {lab index: Orders}, or a bare Orders for the one human lab.
        auto: human labs left to their policy this quarter; decide: a vectorized
        policy hook (see `sim.step`), as game.play.bots provides.
        """
        if self.state.t >= self.scenario.quarters:
            raise OrderError([f"the game is over after {self.scenario.quarters} quarters"])
        if isinstance(orders, Orders):
            humans = np.flatnonzero(self.state.human)
            if len(humans) != 1:
                raise OrderError(["bare Orders need exactly one human lab; pass {lab: Orders}"])
            orders = {int(humans[0]): orders}
        humans = set(np.flatnonzero(self.state.human).tolist())
        bad = [a for a in auto if isinstance(a, bool) or not isinstance(a, int | np.integer)]
        bad += [a for a in auto if a not in bad and int(a) not in humans]
        if bad:
            raise OrderError(
                [
                    f"auto: {bad[0]!r} is not a human lab's index; the human labs: "
                    f"{sorted(humans) or 'none'}"
                ]
            )
        old = self.state
        new, report = step(self.tables, old, orders, auto=auto, decide=decide)
        if self.explain:
            # Share moves are explained for the human labs (all labs in a bot-only run).
            humans = np.flatnonzero(old.human)
            labs = humans if len(humans) else None
            report.events = explain(self.tables, old, new, report.metrics, labs=labs)
        self.state = new
        if self.keep_history:
            self._history.append({k: report.metrics[k] for k in HISTORY_KEYS})
            self.reports.append(report)
        return report

    def fork(self) -> World:
        """A copy that plays on independently of this world, bit for bit as it would.

        `step` never changes a state in place (it returns a new one), so the copy shares
        the current state and the reports so far; only the lists that grow are copied.
        """
        w = object.__new__(World)
        w.__dict__.update(self.__dict__)
        w._history = list(self._history)
        w.reports = list(self.reports)
        return w

    def context(self):
        """This quarter's prices of compute and capital, as the policies see them.

        Returns the engine's policy Context (lease and buy cost, cost per training
        FLOP, serving cost, valuation, raisable funds, debt room...), for tools that
        need the limits of this quarter's orders before playing them.
        """
        from .capital import context
        from .events import effects

        return context(self.state, self.tables, effects(self.tables, self.state.ev_left))

    def history(self) -> dict[str, np.ndarray]:
        """Metrics by quarter: each array is (quarters played, W, ...)."""
        if not self._history:
            return {}
        return {k: np.stack([h[k] for h in self._history]) for k in HISTORY_KEYS}

    def observe(self, lab: int, world: int = 0) -> dict:
        """What lab `lab` can see in world `world`: its own books and the public market."""
        st, tb = self.state, self.tables
        if not 0 <= lab < tb.n_labs:
            raise IndexError(f"no lab {lab}")
        p = self.scenario.params
        last = self.reports[-1].metrics if self.reports else None
        models = {}
        for k, tier in enumerate(TIERS):
            if st.has[world, lab, k]:
                c = float(st.cap[world, lab, k])
                models[tier] = {
                    "params": float(st.n[world, lab, k]),
                    "capability": c,
                    "level": scaling.level_name(c),
                    "price": float(st.prices[world, lab, k]),
                }
        share = st.share_prev[world, :, :-1].reshape(len(SEGMENTS), tb.n_labs, -1).sum(-1)
        rivals = []
        for r in range(tb.n_labs):
            if r == lab or not st.exists[world, r]:
                continue
            best = st.cap[world, r][st.has[world, r]]
            rivals.append(
                {
                    "name": tb.names[r],
                    "archetype": tb.arch_ids[st.arch[world, r]],
                    "alive": bool(st.alive[world, r]),
                    "capability": float(best.max()) if best.size else 0.0,
                    "prices": {t: float(st.prices[world, r, k]) for k, t in enumerate(TIERS)},
                    "share": {s: float(share[i, r]) for i, s in enumerate(SEGMENTS)},
                }
            )
        run = None
        if st.run_on[world, lab] or st.run_wait[world, lab] >= 0:
            run = {
                "params": float(st.run_n[world, lab]),
                "tokens": float(st.run_d[world, lab]),
                "progress": float(
                    min(st.run_done[world, lab] / max(st.run_need[world, lab], 1), 1)
                ),
                "shipping_in": int(max(st.run_wait[world, lab], 0)),
            }
        return {
            "quarter": st.t,
            "year": self.scenario.start_year + st.t // 4,
            "name": tb.names[lab],
            "alive": bool(st.alive[world, lab]),
            "cash": float(st.cash[world, lab]),
            "debt": float(st.debt[world, lab]),
            "gpus_owned": float(st.gpus[world, lab]),
            "gpus_leased": float(st.lease[world, lab]),
            "revenue": float(st.rev_hist[world, lab, -1]),
            "models": models,
            "training": run,
            "research_levels": {
                r: float(np.log2(1 + st.research[world, lab, i] / getattr(p, f"{r}_unit")))
                for i, r in enumerate(RESEARCH)
            },
            "products": [q for j, q in enumerate(tb.prod_ids) if st.built[world, lab, j]],
            "building": {
                q: int(st.build_left[world, lab, j])
                for j, q in enumerate(tb.prod_ids)
                if st.build_left[world, lab, j] > 0
            },
            "share": {s: float(share[i, lab]) for i, s in enumerate(SEGMENTS)},
            "reputation": float(st.rep[world, lab]),
            "market": {
                "frontier_capability": float(last["frontier"][world]) if last else None,
                "open_weight_capability": float(st.open_q_prev[world]),
                "open_weight_price": float(last["open_price"][world]) if last else None,
                "compute_price_per_gpu_hour": float(last["compute_price"][world]) if last else None,
                "hhi": float(last["hhi"][world]) if last else None,
                "verdict": VERDICTS[int(last["verdict"][world])] if last else None,
                "investor_sentiment": float(st.sentiment[world]),
            },
            "rivals": rivals,
        }


__all__ = [
    "FLOW_NAMES",
    "VC_NAMES",
    "VERDICTS",
    "Event",
    "OrderError",
    "Orders",
    "Report",
    "TrainOrder",
    "World",
]
