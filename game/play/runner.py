"""Play one world quarter by quarter: scripted orders, or the policy where there are none.

`Game` is what `frontier run`, `frontier compare`, replays and `FrontierEnv` share.
It keeps, per quarter, what the outputs need (game/play/outputs.py): the orders the
player gave (or that the policy played), each lab's books, shares and prices, and the
engine's events with their causes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from game.engine import SEGMENTS, TIERS, VERDICTS, World, scaling
from game.engine.orders import OrderError, Orders
from game.engine.scenario import Scenario
from game.engine.sim import Report
from game.engine.state import FLOW_NAMES
from game.text import money

from .bots import Bot, get_bot
from .script import PLAYER, Playthrough, ScriptError


@dataclass
class LabQuarter:
    """One lab's row of one quarter (the quarters.csv columns)."""

    alive: bool
    cash: float
    revenue: float
    costs: float
    op_profit: float
    share: dict[str, float]
    prices: dict[str, float]
    capability: float
    level: str
    econ_profit: float = 0.0  # $B: operating profit less training, builds, cost of capital
    equity: float = 1.0  # share of the lab its founders still own
    stake: float = 0.0  # $B: equity x valuation after the quarter


@dataclass(frozen=True)
class Action:
    """Something the player's lab did in a quarter (by order or by its policy)."""

    kind: str  # train, build, price, raise, borrow, repay, release, distill, lease, research
    text: str
    matters: bool  # listed among the "decisions that mattered" of the debrief
    size: float = 0.0  # for price moves: |log(new / old)|


@dataclass
class QuarterRecord:
    quarter: int  # 0-based quarter just played
    scripted: bool  # True: the player's orders; False: the policy played it
    orders: Orders | None
    note: str | None
    labs: list[LabQuarter]
    market: dict[str, float | str]
    events: list = field(default_factory=list)  # engine Events (world 0)
    actions: list[Action] = field(default_factory=list)  # what the player's lab did
    digest: str = ""  # state_digest after the quarter


def state_digest(st, world: int = 0) -> str:
    """A short fingerprint of world `world` of a state: equal states, equal digests.

    Hashes every field of the engine state in field order. Floats are hashed at
    single precision (about 7 significant digits): any real difference shows, while
    last-bit differences between CPUs' vectorized math (numpy's exp and log differ in
    the final bit across instruction sets) do not make a save fail on another machine.
    """
    import dataclasses
    import hashlib

    h = hashlib.blake2b(digest_size=12)
    for f in dataclasses.fields(st):
        v = getattr(st, f.name)
        h.update(f.name.encode())
        if isinstance(v, np.ndarray):
            a = v[world] if v.ndim and v.shape[0] == st.worlds and f.name != "human" else v
            if a.dtype.kind == "f":
                a = a.astype(np.float32)
            a = np.ascontiguousarray(a)
            h.update(str((a.dtype.str, a.shape)).encode())
            h.update(a.tobytes())
        else:
            h.update(repr(v).encode())
    return h.hexdigest()


class Game:
    """One world of a scenario, with the player's seat at lab 0."""

    def __init__(self, scenario: Scenario, seed: int, bot: Bot, goals=()):
        self.scenario = scenario
        self.seed = int(seed)
        self.bot = bot
        self.goals = tuple(goals)
        self.world = World(scenario, seed=self.seed, worlds=1, human=(PLAYER,), explain_events=True)
        self._decide = bot.decide_for((PLAYER,))
        self.records: list[QuarterRecord] = []
        self.controllers = self._controllers()
        #: A lesson played in this game: (its content, what the student said), or None.
        self.lesson = None

    @classmethod
    def from_playthrough(cls, pt: Playthrough) -> Game:
        game = cls(pt.scenario, pt.seed, pt.bot, pt.scenario_model.goals)
        if pt.lesson is not None and pt.model.lesson is not None:
            from .lesson import LessonRecord

            game.lesson = (pt.lesson, LessonRecord.from_model(pt.model.lesson))
        return game

    def fork(self, explain: bool | None = None) -> Game:
        """A copy of the game that plays on independently (World.fork): the same world,
        seed and policy, so it plays as this game would under the same orders.

        explain: whether the copy writes the engine's explanations (None: as this game);
        they change no number, only the events kept in the records.
        """
        g = object.__new__(Game)
        g.__dict__.update(self.__dict__)
        g.world = self.world.fork()
        if explain is not None:
            g.world.explain = explain
        g.records = list(self.records)
        return g

    # ------------------------------------------------------------------ playing
    @property
    def quarter(self) -> int:
        return self.world.quarter

    @property
    def done(self) -> bool:
        """The game is over: every quarter played, or the player's lab is bust. A
        lesson plays the world on to its last quarter after a bust, so the class's
        checkpoints and its ending still come."""
        if self.lesson is not None:
            return self.world.quarter >= self.scenario.quarters
        return self.world.done

    @property
    def bust_quarter(self) -> int | None:
        """The quarter (0-based) the player's lab went bankrupt in, or None."""
        for r in self.records:
            if r.labs[PLAYER] is not None and not r.labs[PLAYER].alive:
                return r.quarter
        return None

    @property
    def names(self) -> tuple[str, ...]:
        return self.world.names

    def play(self, orders: Orders | None = None, note: str | None = None) -> Report:
        """Play one quarter: the orders, or the policy when orders is None.

        Raises OrderError with the reasons (and the game unchanged) for illegal orders.
        """
        old = self.world.state
        report = self.advance(orders)
        rec = self._record(report, orders, note)
        rec.actions = player_actions(self.world, old, report, orders=orders)
        rec.digest = state_digest(self.world.state)
        self.records.append(rec)
        return report

    def advance(self, orders: Orders | None = None) -> Report:
        """Play one quarter as `play` does, but keep no record of it (the world's
        reports and history only): for replays that need the numbers, not the story.
        OrderError (the game unchanged) for illegal orders."""
        if orders is None:
            return self.world.step(auto=(PLAYER,), decide=self._decide)
        return self.world.step({PLAYER: orders})

    def _controllers(self) -> list[str]:
        sc = self.scenario
        out = []
        for i in range(self.world.tables.n_labs):
            if i == PLAYER:
                out.append("player")
            elif i < len(sc.labs):
                out.append(f"bot:{sc.labs[i].archetype}")
            else:
                out.append(f"entrant:{sc.entrant_archetype}")
        return out

    def _record(self, report: Report, orders: Orders | None, note: str | None) -> QuarterRecord:
        m = report.metrics
        st = self.world.state
        L = self.world.tables.n_labs
        shares = m["shares"][0, :, :-1].reshape(len(SEGMENTS), L, len(TIERS)).sum(-1)
        labs = []
        for i in range(L):
            if not st.exists[0, i]:
                labs.append(None)
                continue
            rev = float(m["revenue"][0, i])
            op = float(m["op_profit"][0, i])
            cap = float(m["capability"][0, i])
            labs.append(
                LabQuarter(
                    alive=bool(m["alive"][0, i]),
                    cash=float(m["cash"][0, i]),
                    revenue=rev,
                    costs=rev - op,
                    op_profit=op,
                    share={s: float(shares[k, i]) for k, s in enumerate(SEGMENTS)},
                    prices={t: float(m["prices"][0, i, k]) for k, t in enumerate(TIERS)},
                    capability=cap,
                    level=scaling.level_name(cap) if cap > 0 else "none",
                    econ_profit=float(m["econ_profit"][0, i]),
                    equity=float(m["equity"][0, i]),
                    stake=float(m["stake"][0, i]),
                )
            )
        market = {
            "hhi": float(m["hhi"][0]),
            "cr4": float(m["cr4"][0]),
            "lerner": float(m["lerner"][0]),
            "verdict": VERDICTS[int(m["verdict"][0])],
            "frontier": float(m["frontier"][0]),
            "open_capability": float(m["open_capability"][0]),
            "open_token_share": float(m["open_token_share"][0]),
            "market_size": float(m["market_size"][0]),
            "labs_alive": int(m["labs_alive"][0]),
            # Bass diffusion: the buyers who have adopted AI, of all who could (all segments).
            "adoption": float(m["adopters"][0].sum() / max(float(m["potential"][0].sum()), 1e-12)),
            "sentiment": float(m["sentiment"][0]),  # investors' mood, 1 = neutral
        }
        return QuarterRecord(
            quarter=report.quarter,
            scripted=orders is not None,
            orders=orders,
            note=note,
            labs=labs,
            market=market,
            events=[e for e in report.events if e.world == 0],
        )

    # ------------------------------------------------------------------ results
    def history(self) -> dict[str, np.ndarray]:
        return self.world.history()

    def revenue_share(self) -> np.ndarray:
        """Each lab's share of the industry's model revenue in the last quarter (L,)."""
        if not self.world.reports:
            return np.zeros(self.world.tables.n_labs)
        m = self.world.reports[-1].metrics
        rev = m["revenue"][0]
        total = float(rev.sum() + m["fringe_revenue"][0])
        return rev / total if total > 0 else np.zeros_like(rev)

    def cumulative_profit(self) -> np.ndarray:
        """Operating profit summed over the quarters played, $B, per lab (L,)."""
        if not self.world.reports:
            return np.zeros(self.world.tables.n_labs)
        return self.world.history()["op_profit"][:, 0].sum(0)

    def economic_profit(self) -> np.ndarray:
        """Economic profit summed over the quarters played, $B, per lab (L,): operating
        profit less amortised training, product builds and the cost of capital."""
        if not self.world.reports:
            return np.zeros(self.world.tables.n_labs)
        return self.world.history()["econ_profit"][:, 0].sum(0)

    def stake(self) -> np.ndarray:
        """The founders' stake in each lab now, $B (L,): the share they still own after
        the rounds sold, times what investors think the lab is worth; 0 when bust."""
        if not self.world.reports:
            st = self.world.state
            return st.equity[0] * self.world.context().valuation[0]
        return self.world.reports[-1].metrics["stake"][0].copy()

    def best_capability(self) -> np.ndarray:
        """Best capability each lab offered in any quarter played (L,)."""
        if not self.world.reports:
            st = self.world.state
            return np.where(st.has[0], st.cap[0], 0.0).max(-1)
        return self.world.history()["capability"][:, 0].max(0)

    def goal_values(self) -> dict[str, float]:
        """The value each goal's metric reached, by goal id."""
        if not self.world.reports:  # before the first quarter: the starting books
            st = self.world.state
            vals = {
                "alive": st.alive[:, PLAYER].astype(np.float64),
                "cash": st.cash[:, PLAYER],
                "revenue_share": np.zeros(1),
                "cumulative_profit": np.zeros(1),
                "economic_profit": np.zeros(1),
                "stake": self.stake()[None, PLAYER],
                "capability": self.best_capability()[None, PLAYER],
            }
            segs = {s: np.zeros(1) for s in SEGMENTS}
            return {
                g.id: float(v[0])
                for g, v in zip(self.goals, _pick(self.goals, vals, segs), strict=True)
            }
        tally = self.goal_tally()
        return {
            g.id: float(v[0]) for g, v in zip(self.goals, tally.values(self.goals), strict=True)
        }

    def goal_tally(self) -> GoalTally:
        """What the goals read so far (the game must have played a quarter)."""
        return GoalTally.of_history(self.world.history(), self.world.reports[-1].metrics)

    def score(self) -> tuple[int, list[str]]:
        """(score 0-100, ids of the goals met): the percentage of the scenario's goals met."""
        if not self.goals:
            return (100 if self.world.state.alive[0, PLAYER] else 0), []
        vals = self.goal_values()
        met = [g.id for g in self.goals if goal_met(g, vals[g.id])]
        return round(100 * len(met) / len(self.goals)), met


def goal_met(g, value):
    """Whether a goal's value meets it (works on one number or an array of worlds)."""
    return value >= g.value if g.op == ">=" else value <= g.value


def revenue_shares(revenue, fringe):
    """Each lab's share of model revenue, open-weight hosts counted in the total
    (..., L), 0 where nobody sold anything."""
    total = revenue.sum(-1) + fringe
    return np.where(total[..., None] > 0, revenue / np.maximum(total, 1e-12)[..., None], 0.0)


class GoalTally:
    """What the scenario's goals read, for the seat's lab in every world of a batch.

    The one definition of each goal metric (content/schema.py METRICS): `Game` fills it
    from its history, `frontier sweep` quarter by quarter, so a sweep's world k scores
    what `frontier run` with the same policy and seed scores.
    """

    def __init__(self, worlds: int, labs: int):
        self.op = np.zeros((worlds, labs))
        self.econ = np.zeros((worlds, labs))
        self.best = np.zeros((worlds, labs))
        self.last: dict | None = None

    def repeated(self, worlds: int) -> GoalTally:
        """This tally (of one world) for `worlds` copies of it."""
        t = GoalTally(worlds, self.op.shape[1])
        t.op = np.repeat(self.op, worlds, axis=0)
        t.econ = np.repeat(self.econ, worlds, axis=0)
        t.best = np.repeat(self.best, worlds, axis=0)
        t.last = self.last
        return t

    def add(self, m: dict) -> None:
        """One quarter's report metrics."""
        self.op += m["op_profit"]
        self.econ += m["econ_profit"]
        np.maximum(self.best, m["capability"], out=self.best)
        self.last = m

    @classmethod
    def of_history(cls, h: dict, last: dict) -> GoalTally:
        W, L = last["cash"].shape
        t = cls(W, L)
        t.op, t.econ = h["op_profit"].sum(0), h["econ_profit"].sum(0)
        t.best = np.maximum(h["capability"].max(0), 0.0)
        t.last = last
        return t

    def values(self, goals) -> list[np.ndarray]:
        """Each goal's value in every world (W,), in the goals' order."""
        m = self.last
        rev = m["revenue"]
        W, L = rev.shape
        vals = {
            "alive": m["alive"][:, PLAYER].astype(np.float64),
            "cash": m["cash"][:, PLAYER],
            "revenue_share": revenue_shares(rev, m["fringe_revenue"])[:, PLAYER],
            "cumulative_profit": self.op[:, PLAYER],
            "economic_profit": self.econ[:, PLAYER],
            "stake": m["stake"][:, PLAYER],
            "capability": self.best[:, PLAYER],
        }
        # market_share_segment: the seat's share of a segment's buyers, both tiers.
        sh = m["shares"][:, :, : L * len(TIERS)].reshape(W, len(SEGMENTS), L, len(TIERS))
        seat = sh[:, :, PLAYER].sum(-1)
        segs = {s: seat[:, k] for k, s in enumerate(SEGMENTS)}
        return _pick(goals, vals, segs)

    def scores(self, goals) -> np.ndarray:
        """Score 0-100 in every world: the percentage of goals met, rounded."""
        if not goals:
            return np.where(self.last["alive"][:, PLAYER], 100, 0)
        met = sum(
            goal_met(g, v).astype(np.int64) for g, v in zip(goals, self.values(goals), strict=True)
        )
        return np.round(100 * met / len(goals)).astype(np.int64)


def _pick(goals, vals: dict, segs: dict) -> list[np.ndarray]:
    return [
        segs[g.segment] if g.metric == "market_share_segment" else vals[g.metric] for g in goals
    ]


def player_actions(
    world: World, old, report: Report, lab: int = PLAYER, orders: Orders | None = None
) -> list[Action]:
    """What `lab` did in the quarter just played, read off the state before and after.

    Also what the world did to its orders: a lease cut by a chip shortage, a training
    run that got no compute because serving took it all.
    """
    new = world.state
    tb = world.tables
    i = lab
    out: list[Action] = []
    f = dict(zip(FLOW_NAMES, report.flows[0, i], strict=True))
    started = (new.run_on[0, i] and not old.run_on[0, i]) or (
        new.run_wait[0, i] >= 0 and not old.run_on[0, i] and old.run_wait[0, i] < 0
    )
    if started:
        n, d = float(new.run_n[0, i]), float(new.run_d[0, i])
        out.append(
            Action(
                "train",
                f"started a training run of {n:.2g} parameters on {d:.2g} tokens "
                f"({d / n:.0f} tokens per parameter, {6 * n * d:.2g} FLOPs)",
                True,
            )
        )
    for j, q in enumerate(tb.prod_ids):
        now = new.built[0, i, j] or new.build_left[0, i, j] > 0
        before = old.built[0, i, j] or old.build_left[0, i, j] > 0
        if now and not before:
            out.append(Action("build", f"started building the {q} product", True))
    for k, tier in enumerate(TIERS):
        a, b = float(old.prices[0, i, k]), float(new.prices[0, i, k])
        if old.has[0, i, k] and a > 0 and abs(b / a - 1) >= 0.05:
            move = "raised" if b > a else "cut"
            out.append(
                Action(
                    "price",
                    f"{move} the {tier} price {abs(b / a - 1):.0%} to ${b:.2f}/M tokens",
                    abs(np.log(b / a)) >= np.log(1.2),
                    abs(float(np.log(b / a))),
                )
            )
    if f["funding"] > 1e-9:
        big = f["funding"] >= 0.25 * max(float(old.cash[0, i]), 1.0)
        out.append(Action("raise", f"raised ${f['funding']:.1f}B from investors", big))
    if f["borrow"] > 1e-9:
        out.append(Action("borrow", f"borrowed ${f['borrow']:.1f}B", True))
    if f["repay"] < -1e-9:
        out.append(Action("repay", f"repaid ${-f['repay']:.1f}B of debt", False))
    if report.metrics["released"][0, i]:
        out.append(Action("release", "published its frontier model's weights", True))
    if f["distill"] < -1e-9:
        a = float(old.cap[0, i, 1]) if old.has[0, i, 1] else None
        b = float(new.cap[0, i, 1])
        paid = money(-f["distill"])
        if a is None:
            text = f"distilled a small model from its frontier model for {paid}: capability {b:.2f}"
        elif b > a + 1e-6:
            text = (
                f"distilled a small model from its frontier model for {paid}: small-model "
                f"capability {a:.2f} -> {b:.2f}"
            )
        else:
            text = (
                f"paid {paid} to distil a small model, for no gain: its small model "
                f"({a:.2f}) already matched a distillation of this frontier model; distil "
                "after a better frontier model ships"
            )
        out.append(Action("distill", text, a is None or b > a + 1e-6))
    if f["research"] < -1e-9:
        out.append(Action("research", f"spent ${-f['research']:.2f}B on research", False))
    a, b = float(old.lease[0, i]), float(new.lease[0, i])
    if abs(b - a) > 0.25 * max(a, 1.0):
        out.append(Action("lease", f"leased {b:,.0f}k GPUs (was {a:,.0f}k)", False))
    if orders is not None and orders.lease is not None and b < orders.lease - 1e-6:
        out.append(
            Action(
                "lease_capped",
                f"could lease only {b:,.0f}k GPUs of the {orders.lease:,.0f}k ordered: the "
                "chip vendor is rationing supply",
                True,
            )
        )
    if old.run_on[0, i] and new.run_on[0, i] and new.run_done[0, i] <= old.run_done[0, i]:
        out.append(
            Action(
                "starved",
                "the training run made no progress: serving took all the compute (lease "
                "more, or set train_share)",
                True,
            )
        )
    return out


def play_through(
    pt: Playthrough,
    to_quarter: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Game:
    """Play a checked script to the end (or to `to_quarter` quarters played).

    Orders the engine refuses (cash the lab does not have, a run already under way...)
    raise ScriptError naming the script's line, the quarter and the order.
    """
    game = Game.from_playthrough(pt)
    end = pt.scenario.quarters if to_quarter is None else min(to_quarter, pt.scenario.quarters)
    notes = {q.quarter - 1: q.note for q in pt.model.quarters}
    while game.quarter < end and not game.done:
        t = game.quarter
        orders = pt.orders.get(t)
        try:
            game.play(orders, notes.get(t))
        except OrderError as e:
            raise ScriptError([_order_error(pt, t, r) for r in e.reasons]) from None
        if progress:
            progress(game.quarter, end)
    bust = game.bust_quarter
    if bust is not None:
        # The player's lab went bankrupt: later orders cannot be played.
        late = sorted(t for t in pt.orders if t > bust)
        if late:
            q = late[0]
            raise ScriptError(
                [
                    f"{pt.shown}:{pt.line_of_quarter(q)}: quarters (quarter {q + 1}): the lab "
                    f"went bankrupt in quarter {bust + 1}, so orders from quarter "
                    f"{q + 1} on cannot be played; remove them or keep the lab solvent"
                ]
            )
    return game


_FIELDS = frozenset(f.name for f in dataclasses.fields(Orders))


def _order_error(pt: Playthrough, t: int, reason: str) -> str:
    """'Your Lab: lease: ...' -> 'script.toml:12: quarters[3].lease (quarter 4): ...'."""
    text = reason
    name = pt.scenario.labs[PLAYER].name
    if text.startswith(name + ": "):
        text = text[len(name) + 2 :]
    key = text.split(":", 1)[0].split(".", 1)[0]
    j = next((j for j, q in enumerate(pt.model.quarters) if q.quarter == t + 1), None)
    if key in _FIELDS and j is not None:
        line = pt.line_of_quarter(t, key)
        where = f"quarters[{j}].{key}"
        text = text.split(":", 1)[1].strip()
    else:
        line = pt.line_of_quarter(t)
        where = f"quarters[{j}]" if j is not None else "quarters"
    return f"{pt.shown}:{line}: {where} (quarter {t + 1}): {text}"


def new_game(scenario: Scenario, seed: int, policy: str = "hold", goals=()) -> Game:
    """A game of a scenario with `policy` playing the quarters the player leaves."""
    bot = get_bot(policy)
    return Game(bot.seat(scenario, PLAYER), seed, bot, goals)


__all__ = ["Game", "LabQuarter", "QuarterRecord", "new_game", "play_through"]
