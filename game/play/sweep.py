"""Outcome distributions: one scenario, one policy in the player's seat, many worlds.

    res = run_sweep(scenario, "balanced", worlds=10_000, seed=1)
    sweep_json(res)   # the `frontier sweep --json` contract

The worlds run through the batch engine in chunks (world k has seed `seed + k`, so
the result does not depend on the chunk size), with the bot's vectorized policy in
the player's seat and the scenario's archetypes in the others.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import tomllib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from game.engine import VERDICTS, World
from game.engine.creation import futures
from game.engine.scenario import Scenario

from .bots import get_bot
from .bots.simple import standing_bot
from .measures import SWEEP_DISTRIBUTIONS, SWEEP_MEASURES
from .runner import Game, GoalTally, revenue_shares
from .script import MAX_SEED, PLAYER

#: Worlds per engine call: big enough to amortise numpy's per-call cost, small
#: enough that a chunk's arrays stay in a few hundred MiB.
CHUNK = 5_000
MAX_WORLDS = 1_000_000


#: What a sweep keeps of each world (SweepResult's arrays; worlds.csv's columns).
MEASURES = SWEEP_MEASURES


class SetError(ValueError):
    """A bad `--set key=value` (the message names it and how to fix it)."""


class SweepCancelled(Exception):
    """The caller's `cancelled()` said stop (the odds panel's cancel)."""


@dataclass
class SweepResult:
    scenario: str
    policy: str
    seed: int
    quarters: int
    overrides: dict
    verdict: np.ndarray  # (W,) index into VERDICTS
    hhi: np.ndarray
    lerner: np.ndarray
    player_profit: np.ndarray  # cumulative operating profit, $B
    player_alive: np.ndarray
    player_share: np.ndarray  # revenue share in the last quarter
    labs_alive: np.ndarray
    player_stake: np.ndarray  # the founders' stake in the seat's lab at the end, $B
    player_score: np.ndarray  # the seat's score at the end, 0-100
    from_quarter: int = 1  # the first quarter the worlds play, counted from 1

    @property
    def worlds(self) -> int:
        return len(self.verdict)


def parse_sets(pairs: list[str]) -> dict:
    """['open_weight_lag_quarters=1', 'scaling_law=hoffmann'] -> typed values.

    Values are read as TOML (1 is an integer, 1.0 a float); anything that is not a
    TOML value is taken as a string. Raises SetError naming the bad pair.
    """
    from game.content.loader import param_problem

    out: dict = {}
    for pair in pairs:
        key, eq, raw = pair.partition("=")
        key, raw = key.strip(), raw.strip()
        if not eq or not key or not raw:
            raise SetError(
                f"--set {pair!r}: write key=value, e.g. --set open_weight_lag_quarters=1"
            )
        try:
            value = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw
        problem = param_problem(key, value) if _scalar(value) else _not_scalar(key, value)
        if problem:
            raise SetError(f"--set {pair if len(pair) <= 80 else pair[:60] + '...'}: {problem}")
        out[key] = value
    return out


#: Integers beyond this are refused before any arithmetic (a float overflows at ~1.8e308).
MAX_SET_INT = 2**63 - 1


def _scalar(value) -> bool:
    """A number or a string, the only kinds a parameter takes; an integer that fits
    64 bits (a 400-digit one would overflow on the way to a float)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return abs(value) <= MAX_SET_INT
    return isinstance(value, (str, float, bool))


def _not_scalar(key: str, value) -> str:
    from game.content.loader import param_problem

    unknown = param_problem(key, "")  # an unknown key is named as such first
    if unknown and unknown.startswith("unknown parameter"):
        return unknown
    if isinstance(value, int):
        return f"{key}: the integer is far too large ({len(str(abs(value))):,} digits)"
    kind = {list: "an array", dict: "a table"}.get(type(value), "a date or time")
    return f"{key} takes a single number or string, not {kind}"


def apply_sets(scenario: Scenario, overrides: dict) -> Scenario:
    """The scenario with its parameters overridden; SetError if it no longer holds."""
    if not overrides:
        return scenario
    from game.engine.scenario import Params

    kinds = {f.name: type(getattr(Params(), f.name)) for f in dataclasses.fields(Params)}
    typed = {k: kinds[k](v) for k, v in overrides.items()}
    out = scenario.with_params(**typed)
    from game.engine.state import compile_tables

    try:
        compile_tables(out)
    except ValueError as e:
        raise SetError(f"--set: the scenario no longer holds together: {e}") from None
    return out


def run_sweep(
    scenario: Scenario,
    policy: str,
    worlds: int,
    seed: int = 0,
    overrides: dict | None = None,
    chunk: int = CHUNK,
    progress: Callable[[int], None] | None = None,
    goals=(),
    start: Game | None = None,
    cancelled: Callable[[], bool] | None = None,
    standing: dict | None = None,
) -> SweepResult:
    """Play `worlds` worlds to the end; `progress(world_quarters_done)` after each step.

    goals: the scenario's goals (ScenarioModel.goals), which the seat is scored on;
    with none, the score is 100 where the seat survived and 0 where it did not.
    start: a game under way: the worlds are copies of it from its current quarter
    (engine `futures`: what is still to come drawn afresh, world k with seed
    seed + k), scored on the whole game, the quarters already played included; the
    game itself is not touched. cancelled: asked after each step; True stops the
    sweep with SweepCancelled. policy "standing" plays `standing` (a session's
    standing orders, or the ones a save left) in the seat.
    """
    if not 1 <= worlds <= MAX_WORLDS:
        raise SetError(f"--worlds must be 1..{MAX_WORLDS:,}")
    if not 0 <= seed <= MAX_SEED - worlds:
        raise SetError(f"--seed must be 0..{MAX_SEED - worlds}")
    if policy == "standing":
        if standing is None and start is not None:
            from .session import standing_orders

            standing = standing_orders(start)
        bot = standing_bot(standing or {})
    else:
        bot = get_bot(policy)
    sc = bot.seat(apply_sets(scenario, overrides or {}), PLAYER)
    decide = bot.decide_for((PLAYER,))
    if start is not None and start.world.quarter >= sc.quarters:
        raise SetError("the game is over: there is no future left to play")
    parts: dict[str, list[np.ndarray]] = {k: [] for k in MEASURES}
    for first in range(0, worlds, chunk):
        n = min(chunk, worlds - first)
        # Every world plays to the end, even where the seat went bankrupt: the market's
        # outcome is the point of a sweep. So the seat is a bot seat, not a human one.
        w = World(
            sc, seed=seed + first, worlds=n, human=(), explain_events=False, keep_history=False
        )
        tally = GoalTally(n, w.tables.n_labs)
        if start is not None:
            seat_arch = w.state.arch[:, PLAYER].copy()  # the policy's archetype (bot.seat)
            w.state = futures(start.world.state, w.tables, n, seed + first)
            w.state.arch[:, PLAYER] = seat_arch
            if start.world.reports:
                tally = start.goal_tally().repeated(n)
        report = None
        while w.quarter < sc.quarters:
            if cancelled is not None and cancelled():
                raise SweepCancelled()
            report = w.step(decide=decide)
            tally.add(report.metrics)
            if progress:
                progress(n)
        m = report.metrics
        profit = tally.op[:, PLAYER].copy()
        parts["verdict"].append(m["verdict"].copy())
        parts["hhi"].append(m["hhi"].copy())
        parts["lerner"].append(m["lerner"].copy())
        parts["player_profit"].append(profit)
        parts["player_alive"].append(m["alive"][:, PLAYER].copy())
        parts["player_share"].append(revenue_shares(m["revenue"], m["fringe_revenue"])[:, PLAYER])
        parts["labs_alive"].append(m["labs_alive"].astype(np.int64))
        parts["player_stake"].append(m["stake"][:, PLAYER].copy())
        parts["player_score"].append(tally.scores(tuple(goals)))
    cat = {k: np.concatenate(v) for k, v in parts.items()}
    return SweepResult(
        scenario=scenario.id,
        policy=policy,
        seed=seed,
        quarters=sc.quarters,
        overrides=dict(overrides or {}),
        from_quarter=1 if start is None else start.world.quarter + 1,
        **cat,
    )


def _pct(x: np.ndarray) -> dict[str, float]:
    p10, p50, p90 = np.percentile(x.astype(np.float64), [10, 50, 90])
    return {"p10": round(float(p10), 4), "p50": round(float(p50), 4), "p90": round(float(p90), 4)}


def sweep_json(res: SweepResult) -> dict:
    """The `frontier sweep --json` contract (README)."""
    counts = np.bincount(res.verdict, minlength=len(VERDICTS))
    return {
        "worlds": res.worlds,
        "verdicts": {v: round(float(counts[i]) / res.worlds, 6) for i, v in enumerate(VERDICTS)},
        **{k: _pct(getattr(res, k)) for k in SWEEP_DISTRIBUTIONS},
        "player_score_shares": {
            str(int(v)): round(float(c) / res.worlds, 6)
            for v, c in zip(*np.unique(res.player_score, return_counts=True), strict=True)
        },
        "player_alive": round(float(res.player_alive.mean()), 6),
        "scenario": res.scenario,
        "policy": res.policy,
        "seed": res.seed,
        "quarters": res.quarters,
        "from_quarter": res.from_quarter,
        "set": res.overrides,
    }


WORLD_COLUMNS = ("world", "seed", *MEASURES)


def worlds_csv(res: SweepResult) -> str:
    """One row per world: what each world ended as (world k has seed seed + k)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(WORLD_COLUMNS)
    for k in range(res.worlds):
        w.writerow(
            [
                k,
                res.seed + k,
                VERDICTS[int(res.verdict[k])],
                f"{res.hhi[k]:.1f}",
                f"{res.lerner[k]:.4f}",
                f"{res.player_profit[k]:.4f}",
                int(res.player_alive[k]),
                f"{res.player_share[k]:.4f}",
                int(res.labs_alive[k]),
                f"{res.player_stake[k]:.4f}",
                int(res.player_score[k]),
            ]
        )
    return buf.getvalue()


def sweep_files(res: SweepResult) -> dict[str, str]:
    return {
        "sweep.json": json.dumps(sweep_json(res), indent=2) + "\n",
        "worlds.csv": worlds_csv(res),
    }


__all__ = [
    "CHUNK",
    "SetError",
    "SweepResult",
    "apply_sets",
    "parse_sets",
    "run_sweep",
    "sweep_files",
    "sweep_json",
    "worlds_csv",
]
