"""Capital: the price of compute, what investors think a lab is worth, and the rounds.

One phase of the quarter step (docs/model.md sections 5, 11 and 12):

- `compute_prices`: the vendor's hourly price, lease and purchase costs, the price of a
  training FLOP;
- `context`: everything a policy needs before it decides, including each lab's
  valuation and the most it can raise this quarter;
- `capital_pool`: the investors' money for AI labs this quarter, shared by every lab;
- `fund`: the rounds that close, rationed pro rata when the asks exceed the pool, and
  the founders' dilution they cost.
"""

from __future__ import annotations

import numpy as np

from . import scaling
from .fast import clip, rmax, rsum
from .policy import Context, slot_arch
from .scenario import RESEARCH
from .state import State, Tables


def research_level(spend, unit):
    """Research level from cumulative spend: log2(1 + spend / unit)."""
    return np.log2(1.0 + np.maximum(spend, 0.0) / unit)


def serving_stack(p, t):
    """Share of FLOPs per token still needed after the serving stack's progress."""
    return p.serving_progress_per_year ** (-t / 4.0)


def serve_cost(n, gpu_hour_price, p, mult, t):
    """Marginal cost of serving a million tokens at quarter t, $: 2N FLOPs per token.

    The serving stack (batching, quantization, speculative decoding) improves for
    everyone by serving_progress_per_year, on top of chips and a lab's own research.
    """
    flops = scaling.INFER_FLOPS_PER_PARAM_TOKEN * n * 1e6
    gpu_hours = flops / (p.gpu_flops * 3600.0 * p.infer_utilization)
    return gpu_hours * gpu_hour_price * mult * serving_stack(p, t)


def compute_prices(tb: Tables, t: int, markup, fx):
    """(hour, lease_hour, lease_cost, buy_cost, train_flop_cost, markup) at quarter t."""
    p = tb.scenario.params
    unit0 = p.price_per_gpu_hour0 / (1.0 + p.markup0)
    unit = unit0 * 2.0 ** (-t / (4.0 * p.price_perf_doubling_years))
    m = markup + fx["markup_add"]
    hour = unit * (1.0 + m) * fx["compute_price_mult"]
    lease_hour = hour * p.lease_premium
    lease_cost = lease_hour * p.hours_per_quarter * 1000.0 / 1e9
    buy_cost = hour * p.hours_per_quarter * 1000.0 * p.purchase_quarters / 1e9
    train_flop_cost = lease_cost / (tb.flops_per_kgpu_q * p.train_utilization)
    return hour, lease_hour, lease_cost, buy_cost, train_flop_cost, m


def serving_mult(st: State, tb: Tables):
    """Each lab's multiplier on serving cost: efficiency research and cost-cutting products."""
    p = tb.scenario.params
    eff = (1.0 - p.efficiency_step) ** research_level(
        st.research[..., RESEARCH.index("efficiency")], p.efficiency_unit
    )
    for j in np.flatnonzero(tb.prod_cost_mult != 1.0):  # only products that cut cost
        eff = eff * np.where(st.built[..., j], tb.prod_cost_mult[j], 1.0)
    return eff


def serving_params(st: State, tb: Tables):
    """Parameters run per token of each offer (W,L,K).

    A product with a small_model_share (the agent swarm) hands that share of the
    frontier offer's tokens to the lab's own small model, so the frontier offer runs
    (1 - share) N_big + share N_small parameters per token on average. A lab with no
    small model gets nothing from it.
    """
    if not (tb.prod_small_share > 0).any():
        return st.n
    share = np.zeros(st.alive.shape)
    for j in np.flatnonzero(tb.prod_small_share > 0):
        share = share + np.where(st.built[..., j], tb.prod_small_share[j], 0.0)
    share = np.where(st.has[..., 1], np.minimum(share, 0.9), 0.0)
    if not share.any():
        return st.n
    n = st.n.copy()
    n[..., 0] = (1.0 - share) * st.n[..., 0] + share * st.n[..., 1]
    return n


def capital_pool(tb: Tables, st: State):
    """Investors' money for AI labs this quarter, $B (W,).

    A year's pool is capital_pool0 plus capital_pool_revenue times the industry's
    annual revenue, scaled by investor sentiment; a quarter gets a fourth of it.
    """
    p = tb.scenario.params
    annual_rev = 4.0 * rsum(np.where(st.alive, st.rev_hist[..., -1], 0.0))
    return st.sentiment * (p.capital_pool0 + p.capital_pool_revenue * annual_rev) / 4.0


def valuation(st: State, tb: Tables):
    """What investors think each lab is worth, $B (W,L).

    A multiple of next year's revenue (this quarter's run-rate times its yearly
    growth), higher for profitable labs and in a boom, bounded by the multiples real
    AI labs have fetched; plus a premium for a lead over the open-weight offer.
    """
    p = tb.scenario.params
    rev = st.rev_hist[..., -1]
    rev_yago = st.rev_hist[..., 0]  # three quarters before the last one
    growth = clip(rev / np.maximum(rev_yago, 1e-3), 0.5, 3.0)
    forward = 4.0 * rev * growth
    mood = np.where(tb.a_free[slot_arch(st.arch)], 1.0, st.sentiment[:, None])
    margin = clip(0.5 + st.op_prev / np.maximum(rev, 1e-3), 0.25, 1.2)
    multiple = clip(
        p.valuation_multiple * mood * margin, p.valuation_multiple_min, p.valuation_multiple_max
    )
    best = rmax(np.where(st.has & st.alive[..., None], st.cap, -np.inf))
    lead = clip(best - st.open_q_prev[:, None] + 1.0, 0.0, 4.0)
    value = multiple * forward + mood * p.capability_valuation * lead
    return np.where(st.alive, value, 0.0)


def context(st: State, tb: Tables, fx) -> Context:
    """The quarter's prices of compute and capital, before anyone decides."""
    p = tb.scenario.params
    hour, lease_hour, lease_cost, buy_cost, tfc, _ = compute_prices(tb, st.t, st.markup, fx)
    mult = serving_mult(st, tb)
    cost = serve_cost(serving_params(st, tb), lease_hour[:, None, None], p, mult[..., None], st.t)
    rev = st.rev_hist[..., -1]
    value = valuation(st, tb)
    pool = capital_pool(tb, st)
    # A round sells at most max_dilution of the lab and takes at most max_round_share
    # of the quarter's pool; several labs asking at once share the pool (see `fund`).
    raise_cap = np.minimum(p.max_dilution * value, p.max_round_share * pool[:, None])
    debt_room = np.maximum(p.debt_limit_revenue * 4.0 * rev + 0.5 * st.book - st.debt, 0.0)
    return Context(
        gpu_hour_price=hour,
        lease_cost=lease_cost,
        buy_cost=buy_cost,
        train_flop_cost=tfc,
        serve_cost=cost,
        eff_mult=mult,
        valuation=value,
        raise_cap=np.where(st.alive, raise_cap, 0.0),
        capital_pool=pool,
        debt_room=np.where(st.alive, debt_room, 0.0),
        firm_share=st.firm_share,
        firm_alpha=st.firm_alpha,
        revenue_prev=rev,
        frontier_flops=rmax(np.where(st.alive, st.last_run_flops, 0.0)),
        lease_cap=fx["lease_cap_mult"],
    )


def fund(cx: Context, asks, alive, lab_mood, pool_mood):
    """Rounds that close this quarter, $B (W,L), and the share of each lab they sell.

    Rounds close at the quarter's mood: `lab_mood` (W,L) scales each lab's limit and
    `pool_mood` (W,) the pool, so a crash that starts now cuts them short. When the
    capped asks exceed the pool, every lab gets the same fraction of its ask.
    """
    capped = np.where(alive, np.minimum(asks, cx.raise_cap * lab_mood), 0.0)
    capped = np.maximum(capped, 0.0)
    total = rsum(capped)
    pool = cx.capital_pool * pool_mood
    scale = np.where(total > pool, pool / np.maximum(total, 1e-12), 1.0)
    funding = capped * scale[:, None]
    sold = funding / np.maximum(cx.valuation + funding, 1e-12)
    return funding, np.where(funding > 0, sold, 0.0)
