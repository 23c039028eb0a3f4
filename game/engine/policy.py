"""Vectorized lab policies: every bot lab in every world decides in one pass.

A policy reads the state and the archetype tables and fills a `Decisions` struct of
arrays (W, L, ...). Human labs' rows are overwritten afterwards by their orders.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from . import market
from .fast import clip
from .state import K, R, S, State, Tables, product_codes


@dataclass
class Decisions:
    """One quarter of decisions for all labs. Shapes (W,L) unless noted."""

    lease: np.ndarray  # kGPU leased this quarter
    buy: np.ndarray  # kGPU bought
    train_share: np.ndarray  # share of compute to training; NaN = what the run needs
    start: np.ndarray  # bool: start a run
    run_n: np.ndarray
    run_d: np.ndarray
    run_q: np.ndarray  # planned quarters
    run_mix: np.ndarray  # (W,L,S)
    research: np.ndarray  # (W,L,R) $B
    build: np.ndarray  # (W,L,P) bool
    prices: np.ndarray  # (W,L,K) $/M
    distill: np.ndarray  # bool
    release: np.ndarray  # bool
    raise_ask: np.ndarray  # $B
    borrow: np.ndarray
    repay: np.ndarray

    def copy(self) -> Decisions:
        return Decisions(**{f.name: getattr(self, f.name).copy() for f in fields(self)})


@dataclass
class Context:
    """Quantities of the quarter that policies and the step both need."""

    gpu_hour_price: np.ndarray  # (W,) $ per H100-hour, vendor list price
    lease_cost: np.ndarray  # (W,) $B per kGPU-quarter leased
    buy_cost: np.ndarray  # (W,) $B per kGPU bought
    train_flop_cost: np.ndarray  # (W,) $B per training FLOP at lease price
    serve_cost: np.ndarray  # (W,L,K) $/M tokens marginal serving cost
    eff_mult: np.ndarray  # (W,L) efficiency multiplier on serving cost
    valuation: np.ndarray  # (W,L) $B
    raise_cap: np.ndarray  # (W,L) $B raisable this quarter
    capital_pool: np.ndarray  # (W,) $B investors put into all labs this quarter, at most
    debt_room: np.ndarray  # (W,L) $B that can still be borrowed
    firm_share: np.ndarray  # (W,L) demand-weighted share last quarter
    firm_alpha: np.ndarray  # (W,L) price coefficient over the lab's mix of buyers
    revenue_prev: np.ndarray  # (W,L) $B last quarter
    frontier_flops: np.ndarray  # (W,) biggest recent run
    lease_cap: np.ndarray  # (W,) multiplier on leasable compute (shortage)


def slot_arch(arch: np.ndarray) -> np.ndarray:
    """Archetype index per lab slot, for gathering archetype parameters `tb.a_x[a]`.

    A slot's archetype never changes (empty slots already hold the entrant archetype),
    so normally every world has the same archetype in a slot: then this returns the
    (1,L) first row, and each gathered parameter is an (L,) row that broadcasts over
    worlds instead of a (W,L) gather every quarter. The values are the same either way;
    a state whose worlds differ (built by hand) gets its (W,L) indices back.
    """
    row = arch[:1]
    return row if (arch == row).all() else arch


def bot_decisions(st: State, tb: Tables, cx: Context) -> Decisions:
    p = tb.scenario.params
    a = slot_arch(st.arch)  # (1,L) or (W,L)
    alive = st.alive
    cash = st.cash
    fpk = tb.flops_per_kgpu_q
    W, L = cash.shape

    # --- Training runs -------------------------------------------------------
    cadence = tb.a_cadence[a]
    runq = tb.a_run_q[a]
    idle = alive & ~st.run_on & (st.run_wait < 0)
    due = idle & ((st.t - st.last_deploy) >= np.maximum(cadence - runq, 1))
    years = cadence / 4.0
    # A lab whose last model fell short of the scaling law stops racing on size: it
    # halves its ambition and over-trains smaller models that are cheap to serve.
    stalled = st.stall_seen
    # Labs plan to keep pace with the frontier's compute trend: spending that grows
    # training_cost_growth a year buys compute_per_dollar_growth more FLOPs per dollar.
    growth = (p.training_cost_growth * p.compute_per_dollar_growth) ** years
    target = np.where(stalled, 0.5, 1.0) * tb.a_ambition[a] * cx.frontier_flops[:, None] * growth
    # Serving the customers comes first: a year of staff and of last quarter's serving
    # compute is set aside before a run is sized. The rest, with the rounds it expects
    # over the run, is what the lab may commit: a lab racing on hope can be caught out
    # when the rounds shrink (a crash, or falling margins).
    serve_q = st.infer_flops_prev / (fpk * p.infer_utilization) * cx.lease_cost[:, None]
    reserve = 4.0 * (st.staff + serve_q)
    funds = cash + runq * cx.raise_cap - reserve  # a round each quarter of the run
    afford = tb.a_spend[a] * np.maximum(funds, 0.0) / np.maximum(cx.train_flop_cost[:, None], 1e-30)
    flops = np.minimum(target, afford)
    # Train the biggest affordable run; algorithmic progress makes even a run no
    # bigger than the last one an upgrade, so only tiny runs are skipped.
    start = due & (flops >= 0.5 * st.last_run_flops) & (flops > 1e21)
    tpp = tb.a_tpp[a] * np.where(stalled, 4.0, 1.0)
    run_n = np.sqrt(flops / (6.0 * tpp))
    run_d = tpp * run_n
    run_mix = np.broadcast_to(tb.a_mix[a], (W, L, S)).copy()

    # --- Distil when the frontier model is newer than the small one -----------------
    distill = (
        alive
        & st.has[..., 0]
        & (~st.has[..., 1] | (st.n[..., 1] < 0.5 * p.distill_ratio * st.n[..., 0]))
    )
    # Price the models that will be on sale: a run about to ship and a small model
    # distilled this quarter are bigger than the ones they replace, and cost more to
    # serve (serving cost is proportional to the parameters).
    ships_now = alive & (
        (st.run_wait == 1) | (st.run_on & (st.run_left <= 1) & (tb.a_ship[a] == 0))
    )
    n_big = np.where(ships_now, np.maximum(st.run_n, st.n[..., 0]), st.n[..., 0])
    n_small = np.where(distill, n_big * p.distill_ratio, st.n[..., 1])
    grow = np.stack([n_big, n_small], axis=-1) / np.maximum(st.n, 1.0)

    # --- Compute: lease what inference and the run need ---------------------------
    # Plan 10% headroom over last quarter's load, scaled up by how much bigger the
    # models on sale this quarter are (a new frontier model, a fresh distillation).
    grow = np.where(st.has, np.maximum(grow, 1.0), 1.0)  # per tier, at least 1
    bigger = grow.max(-1)
    infer_need = st.infer_flops_prev * 1.1 * bigger / (fpk * p.infer_utilization)
    remaining = np.where(
        st.run_on, st.run_need - st.run_done, np.where(start, 6 * run_n * run_d, 0)
    )
    train_need = remaining / np.maximum(runq, 1) / (fpk * p.train_utilization)
    need = infer_need + train_need
    lease = np.maximum(need - st.gpus * (1.0 - 1.0 / p.gpu_life_quarters), 0.0)
    # Commit to what cash plus this quarter's expected raise can pay for: a lab that
    # counts on investors who then walk away can run out of cash (and exit).
    # A run under way is a commitment: its compute is leased whatever the cash says.
    afford_kgpu = 0.9 * np.maximum(cash + cx.raise_cap, 0.0) / cx.lease_cost[:, None]
    lease = np.minimum(lease, np.maximum(afford_kgpu, np.where(st.run_on, train_need, 0.0)))
    # --- Prices ------------------------------------------------------------------
    # Myopic best responses oscillate (high share -> high price -> low share), so prices
    # move half-way (in logs) to the logit best response each quarter. Then capacity:
    # demand at the new price is last quarter's load scaled by (p/p_prev)^-eps with
    # eps = alpha_f(1-s); a lab that cannot serve it raises its price until it can.
    # The margin, not the price, moves half-way: when serving gets cheaper (chips, the
    # serving stack, a smaller model) prices follow the cost at once, so a fast fall in
    # costs does not leave prices, and margins, trailing behind.
    unit_next = cx.serve_cost * grow
    lerner = market.best_response_lerner(cx.firm_share, cx.firm_alpha, tb.a_price[a])
    br = unit_next / (1.0 - lerner[..., None])
    prev = np.where(st.prices > 0, st.prices, br)
    # Last quarter's markup over last quarter's unit cost (price / cost, at least 1).
    mk_br = 1.0 / (1.0 - lerner[..., None])
    mk_prev = np.where(st.unit_cost > 0, prev / np.maximum(st.unit_cost, 1e-300), mk_br)
    # A cost that collapsed under last quarter's price (a switch to a much smaller
    # model) does not carry a runaway markup forward: at most three times the best one.
    mk_prev = clip(mk_prev, 1.0, 3.0 * mk_br)
    prices = unit_next * np.sqrt(mk_prev * mk_br)
    eps = np.maximum(cx.firm_alpha * (1.0 - cx.firm_share), 0.5)
    # Serving comes first in the step (a run gets what is left), so all of the
    # compute is there to serve if demand needs it.
    serve_kgpu = np.maximum(st.gpus * (1.0 - 1.0 / p.gpu_life_quarters) + lease, 1e-6)
    # Last quarter's load at last quarter's prices, on the models on sale now.
    load = st.infer_flops_prev * bigger / (fpk * p.infer_utilization)
    clear = (load / serve_kgpu) ** (1.0 / eps)  # price ratio that clears capacity
    # Only a lab short of capacity holds its price up; one with room follows its cost.
    short_cap = (clear > 1.0)[..., None]
    prices = np.where(
        short_cap, np.maximum(prices, prev * np.minimum(clear, 2.0)[..., None]), prices
    )
    prices = np.where(st.has, prices, br)

    buy_room = np.maximum(cash - 8.0 * (st.staff + cx.lease_cost[:, None] * lease), 0.0)
    buy = np.minimum(tb.a_buy[a] * lease * 0.5, 0.25 * buy_room / cx.buy_cost[:, None])
    buy = np.where(alive, np.maximum(buy, 0.0), 0.0)

    # --- Research: a share of revenue, if cash allows -------------------------------
    budget = tb.a_research[a] * np.maximum(cx.revenue_prev, 0.02)
    budget = np.minimum(budget, 0.1 * np.maximum(cash, 0.0))
    # Track by track on (W,L) columns: broadcasting over the short R axis is slow.
    split = tb.a_split[a]  # (1,L,R) or (W,L,R)
    tracks = [budget * split[..., r] for r in range(R)]
    research = np.zeros((W, L, R))
    for r, x in enumerate(tracks):
        research[..., r] = np.where(alive, x, 0.0)
    spend = tracks[0].copy()  # summed in track order, as rsum does
    for x in tracks[1:]:
        spend += x

    # --- Products: next in the archetype's build order ------------------------------
    # One product at a time: a lab already building one waits.
    # Few labs build: mark their rows (build_left counts down to 0, so != 0 is > 0).
    building = np.zeros(alive.size, dtype=bool)
    building[np.flatnonzero(st.build_left != 0) // st.build_left.shape[-1]] = True
    building = building.reshape(alive.shape)
    if tb.code_next is not None:  # looked up by archetype and built products
        flat = a * tb.code_next.shape[1] + product_codes(st.built)
        nxt = np.take(tb.code_next, flat)  # (W,L), -1 = nothing left to build
        ok = (nxt >= 0) & ~building
        nxt = np.maximum(nxt, 0)
    else:
        cand = np.where(~st.built, tb.a_prod_rank[a], 10_000)  # (W,L,P)
        nxt = np.argmin(cand, axis=-1)
        ok = (np.take_along_axis(cand, nxt[..., None], -1)[..., 0] < 10_000) & ~building
    cost = tb.build_cost[nxt]
    ok &= alive & (cash > 3.0 * cost)
    build = np.zeros_like(st.built)
    rows = np.flatnonzero(ok)
    build.reshape(-1, build.shape[-1])[rows, nxt.reshape(-1)[rows]] = True

    release = alive & tb.a_open[a] & st.has[..., 0] & (st.last_deploy == st.t - 1)

    # --- Money: ask for what will be spent ------------------------------------------
    # A lab raises when its cash will not cover the next three quarters of spending
    # plus what is left to pay of the run it is training (or is about to start), and
    # asks for that gap plus one quarter's margin: no war chest sits idle.
    burn = st.staff + cx.lease_cost[:, None] * lease + spend
    run_left = np.where(
        st.run_on,
        np.maximum(st.run_need - st.run_done, 0.0),
        np.where(start, 6.0 * run_n * run_d, 0.0),
    )
    commit = 3.0 * burn + run_left * cx.train_flop_cost[:, None]
    short = cash < commit
    raise_ask = np.where(alive & short, commit + burn - np.maximum(cash, 0.0), 0.0)

    zero = np.zeros((W, L))
    return Decisions(
        lease=np.where(alive, lease, 0.0),
        buy=buy,
        train_share=np.full((W, L), np.nan),
        start=start,
        run_n=run_n,
        run_d=run_d,
        run_q=np.broadcast_to(runq, (W, L)).astype(np.int64),
        run_mix=run_mix,
        research=research,
        build=build,
        prices=prices,
        distill=distill,
        release=release,
        raise_ask=raise_ask,
        borrow=zero.copy(),
        repay=np.where(alive & (cash > 20 * burn), np.minimum(st.debt, 0.25 * cash), 0.0),
    )


__all__ = ["Context", "Decisions", "K", "R", "S", "bot_decisions"]
