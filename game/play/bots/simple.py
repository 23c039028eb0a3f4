"""Bots that are not archetypes: `hold` (do nothing new) and `random` (legal noise).

Both rewrite only the seat's rows of the quarter's decisions, for every world at
once, and never spend cash the lab does not have: the same checks the engine makes
of a player's orders (game/engine/legal.py, apply_orders) hold for their choices.
"""

from __future__ import annotations

import numpy as np

from game.engine import rng
from game.engine.orders import MAX_PRICE
from game.engine.policy import Context, Decisions
from game.engine.state import State, Tables

from .base import Bot

#: Share of cash a bot may commit in one quarter, leaving a margin for staff costs.
CASH_MARGIN = 0.9


def _hold(st: State, tb: Tables, cx: Context, dec: Decisions, seats: np.ndarray) -> Decisions:
    """Keep last quarter's compute and prices; start, build, research and raise nothing.

    What a player who walks away from the keyboard gets. If the lease no longer fits
    the cash, the lab leases what it can pay for.
    """
    budget = CASH_MARGIN * np.maximum(st.cash[:, seats], 0.0) - _building(st, tb, seats)
    afford = np.maximum(budget, 0.0) / cx.lease_cost[:, None]
    alive = st.alive[:, seats]
    dec.lease[:, seats] = np.where(alive, np.minimum(st.lease[:, seats], afford), 0.0)
    dec.buy[:, seats] = 0.0
    dec.train_share[:, seats] = np.nan
    dec.start[:, seats] = False
    dec.research[:, seats] = 0.0
    dec.build[:, seats] = False
    dec.prices[:, seats] = np.where(st.has[:, seats], st.prices[:, seats], dec.prices[:, seats])
    dec.distill[:, seats] = False
    dec.release[:, seats] = False
    dec.raise_ask[:, seats] = 0.0
    dec.borrow[:, seats] = 0.0
    dec.repay[:, seats] = 0.0
    return dec


def _building(st: State, tb: Tables, seats) -> np.ndarray:
    """$B this quarter for products already being built (paid each quarter of the build)."""
    per_q = tb.build_cost / tb.build_q
    return ((st.build_left[:, seats] > 0) * per_q).sum(-1)


#: Draws per seat per quarter (fixed, so adding one never shifts the others).
_DRAWS = 16


def _random(st: State, tb: Tables, cx: Context, dec: Decisions, seats: np.ndarray) -> Decisions:
    """Legal random orders, seeded by the world: a baseline no strategy should lose to.

    Per quarter, independently: compute of 0.5-2x what serving and any run need;
    prices log-uniform between 1.1x and 6x serving cost; research up to 5% of cash;
    a run (probability 0.2 when idle) of 10-80% of what the cash buys at 10-200
    tokens per parameter; a product (0.15); a distillation (0.2); publishing the
    weights (0.05); a funding round when the runway is short (0.5).
    """
    p = tb.scenario.params
    fpk = tb.flops_per_kgpu_q
    u_all = rng.uniform(st.seeds, st.t, "bots", _DRAWS * len(seats))
    for j, i in enumerate(seats):
        u = u_all[:, _DRAWS * j : _DRAWS * (j + 1)]
        alive = st.alive[:, i]
        cash = np.maximum(st.cash[:, i], 0.0)
        budget = CASH_MARGIN * cash

        # A training run: sized on what the cash buys, never more than twice the frontier.
        idle = alive & ~st.run_on[:, i] & (st.run_wait[:, i] < 0)
        start = idle & (u[:, 0] < 0.2)
        flops = (0.1 + 0.7 * u[:, 1]) * budget / np.maximum(cx.train_flop_cost, 1e-30)
        flops = np.minimum(flops, 2.0 * np.maximum(cx.frontier_flops, 1e21))
        tpp = np.exp(np.log(10.0) + u[:, 2] * np.log(20.0))  # 10..200 tokens/param
        n = np.clip(np.sqrt(flops / (6.0 * tpp)), 1e6, 1e16)
        d = np.clip(tpp * n, 1e6, 1e18)
        start &= 6.0 * n * d > 1e21  # too small to be worth a run
        dec.start[:, i] = start
        dec.run_n[:, i] = np.where(start, n, dec.run_n[:, i])
        dec.run_d[:, i] = np.where(start, d, dec.run_d[:, i])
        dec.run_q[:, i] = np.where(start, 1 + (u[:, 3] * 4).astype(np.int64), dec.run_q[:, i])
        dec.run_mix[:, i] = st.mix[:, i]
        dec.train_share[:, i] = np.nan

        # Compute: a multiple of what serving and the run need.
        serve = st.infer_flops_prev[:, i] / (fpk * p.infer_utilization)
        run_left = np.where(st.run_on[:, i], st.run_need[:, i] - st.run_done[:, i], 0.0)
        run_left = np.where(start, 6.0 * n * d, run_left)
        train = run_left / np.maximum(dec.run_q[:, i], 1) / (fpk * p.train_utilization)
        lease = (0.5 + 1.5 * u[:, 4]) * np.maximum(serve + train - st.gpus[:, i], 0.0)

        # Research and products from what is left.
        research = 0.05 * u[:, 5] * cash
        split = -np.log(np.maximum(u[:, 6:9], 1e-12))  # a random split (Dirichlet(1))
        split = split / split.sum(-1, keepdims=True)
        free = ~st.built[:, i] & (st.build_left[:, i] == 0)  # (W,P)
        pick = (u[:, 9] * free.shape[1]).astype(np.int64)
        cost = tb.build_cost[pick] / tb.build_q[pick]
        build = alive & (u[:, 10] < 0.15) & free[np.arange(len(pick)), pick]
        build &= cash > 3.0 * tb.build_cost[pick]
        small = st.n[:, i, 0] * p.distill_ratio
        distill_cost = 600.0 * small * small * cx.train_flop_cost  # 6 N (100 N) FLOPs
        distill = alive & st.has[:, i, 0] & (u[:, 11] < 0.2) & (cash > 3.0 * distill_cost)

        # Whatever was chosen, the quarter's bill fits the cash: scale lease and research.
        fixed = np.where(build, cost, 0.0) + np.where(distill, distill_cost, 0.0)
        fixed = fixed + _building(st, tb, i)
        flexible = lease * cx.lease_cost + research
        scale = np.clip((budget - fixed) / np.maximum(flexible, 1e-12), 0.0, 1.0)
        dec.lease[:, i] = np.where(alive, lease * scale, 0.0)
        dec.research[:, i] = np.where(alive, research * scale, 0.0)[:, None] * split
        dec.buy[:, i] = 0.0
        dec.build[:, i] = False
        dec.build[np.flatnonzero(build), i, pick[build]] = True
        dec.distill[:, i] = distill

        # Prices: a random markup over serving cost.
        mark = np.exp(np.log(1.1) + u[:, 12:14] * np.log(6.0 / 1.1))
        prices = np.clip(cx.serve_cost[:, i] * mark, 1e-6, MAX_PRICE)
        dec.prices[:, i] = np.where(st.has[:, i], prices, dec.prices[:, i])
        dec.release[:, i] = alive & st.has[:, i, 0] & (u[:, 14] < 0.05)

        # Money: a round when fewer than four quarters of costs are in the bank.
        burn = st.staff[:, i] + lease * scale * cx.lease_cost
        short = alive & (cash < 4.0 * burn) & (u[:, 15] < 0.5)
        dec.raise_ask[:, i] = np.where(short, 6.0 * burn, 0.0)
        dec.borrow[:, i] = 0.0
        dec.repay[:, i] = 0.0
    return dec


HOLD = Bot(
    "hold",
    "Does nothing new: keeps last quarter's compute and prices, trains, builds, "
    "researches and raises nothing. The default for quarters a script leaves out.",
    hook=_hold,
)

RANDOM = Bot(
    "random",
    "Legal random orders, seeded by the world: what aimless play earns. Its spread "
    "is wide; a strategy worth the name should beat its median.",
    hook=_random,
)


def standing_bot(standing: dict) -> Bot:
    """Your standing orders, kept every quarter (the odds panel's default policy).

    standing: a session's standing orders (lease kGPU, prices by tier, research $B a
    quarter by track, training share). Like `hold` it starts, builds and raises
    nothing; unlike it, it keeps your research and your prices as you set them. Where
    a copy of the world can no longer pay for them, it leases, then researches, what
    the cash allows, as the game trims orders a lab cannot pay for.
    """
    from game.engine.scenario import RESEARCH, TIERS

    lease = float(standing.get("lease") or 0.0)
    research = np.array([float(standing.get("research", {}).get(r, 0.0)) for r in RESEARCH])
    prices = dict(standing.get("prices") or {})
    share = standing.get("train_share")

    def hook(st: State, tb: Tables, cx: Context, dec: Decisions, seats) -> Decisions:
        dec = _hold(st, tb, cx, dec, seats)
        alive = st.alive[:, seats]
        budget = np.maximum(
            CASH_MARGIN * np.maximum(st.cash[:, seats], 0.0) - _building(st, tb, seats), 0.0
        )
        afford = budget / cx.lease_cost[:, None]
        leased = np.where(alive, np.minimum(lease, afford), 0.0)
        dec.lease[:, seats] = leased
        left = np.maximum(budget - leased * cx.lease_cost[:, None], 0.0)  # (W,seats)
        want = research.sum()
        scale = np.where(want > 0, np.minimum(left / max(want, 1e-12), 1.0), 0.0)
        dec.research[:, seats] = np.where(alive[..., None], scale[..., None] * research, 0.0)
        for tier, price in prices.items():
            k = TIERS.index(tier)
            has = st.has[:, seats, k]
            dec.prices[:, seats, k] = np.where(has, float(price), dec.prices[:, seats, k])
        dec.train_share[:, seats] = np.nan if share is None else float(share)
        return dec

    return Bot(
        "standing",
        "Your standing orders every quarter: the compute, prices, research and training "
        "share you set, as far as the cash allows; nothing new is started.",
        hook=hook,
    )
