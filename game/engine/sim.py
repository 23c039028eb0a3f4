"""The quarter step: advance a batch of worlds one quarter at a time.

`step(tables, state, orders)` returns a new state and a report and never mutates its
input. Every equation is in docs/model.md, in the order it runs here. The phases live
in their own modules: events.py (1), capital.py and policy.py and legal.py (2),
training.py (4), demand.py (7), government.py (7-8), capital.py (8); creation.py
builds the worlds (`create`, re-exported here) and sets up entrants.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import capital, creation, demand, events, government, legal, market, metrics, rng, scaling
from .capital import serve_cost
from .creation import MAX_LABS, create  # noqa: F401 (re-exported: world.py, __init__)
from .fast import asum, clip, rany, rmax, rmin, rsum
from .orders import Orders
from .policy import Context, Decisions, bot_decisions, slot_arch
from .scenario import RESEARCH, SEGMENTS
from .state import FLOW, FLOW_NAMES, K, State, Tables, product_codes
from .training import distill_cost, distilled_capability, ring, run_capability

GOV = SEGMENTS.index("government")
VC_NAMES: tuple[str, ...] = ("hardware", "labs", "apps", "consumers")


@dataclass
class Report:
    """What a quarter did. `metrics` arrays have the world as leading axis."""

    quarter: int  # the quarter just played (0-based)
    metrics: dict[str, np.ndarray]
    flows: np.ndarray  # (W,L,F) signed cash flows, see state.FLOW_NAMES
    events: list = field(default_factory=list)  # list[explain.Event]


def _rows(x, at):
    """Entries of a (W,L,...) array at flat (world, lab) indices `at`."""
    return x.reshape(-1, *x.shape[2:])[at]


def _put(base, at, values):
    """A copy of a (W,L,...) array with the labs at flat indices `at` set to values.

    When few labs change, this is much cheaper than np.where over every lab.
    """
    out = base.copy()
    out.reshape(-1, *out.shape[2:])[at] = values
    return out


def _build_products(st: State, tb: Tables, dec: Decisions):
    """Start ordered products, count down builds under way, finish the ones due.

    Returns build_left, built and the build cost flow. In a quarter few labs order or
    build a product, so only their rows are worked on; the others keep their products,
    have nothing left to build and pay nothing (-0.0: minus an empty sum, as before).
    """
    P = st.built.shape[-1]
    left = st.build_left.reshape(-1, P)
    order = dec.build.reshape(-1, P)
    build_left = st.build_left.copy()
    built = st.built.copy()
    flow = np.full(st.alive.shape, -0.0)
    if not order.any() and not left.any():  # nothing ordered, nothing under way
        return build_left, built, flow
    # (nonzero on a bool array is much faster than on the int64 counters)
    rows = np.union1d(np.flatnonzero(order) // P, np.flatnonzero(left != 0) // P)
    if len(rows):
        alive = st.alive.reshape(-1)[rows, None]
        was_built = built.reshape(-1, P)[rows]
        b_left = left[rows]
        new_build = order[rows] & alive & ~was_built & (b_left == 0)
        b_left = np.where(new_build, tb.build_q, b_left)
        building = (b_left > 0) & alive
        per_q = tb.build_cost / tb.build_q
        flow.reshape(-1)[rows] = -sum(building[:, j] * per_q[j] for j in range(P))
        b_left = np.where(building, b_left - 1, 0)
        build_left.reshape(-1, P)[rows] = b_left
        built.reshape(-1, P)[rows] = was_built | (building & (b_left == 0))
    return build_left, built, flow


# ---------------------------------------------------------------------------
# The step
# ---------------------------------------------------------------------------


def step(
    tb: Tables,
    st: State,
    orders: dict[int, Orders] | None = None,
    auto: tuple[int, ...] = (),
    decide: Callable[[State, Tables, Context, Decisions], Decisions] | None = None,
) -> tuple[State, Report]:
    """Advance every world one quarter. The input state is never changed.

    orders: {lab: Orders} for human labs; a human lab without orders holds (keeps last
    quarter's compute and prices, starts nothing). auto: human labs left to their policy
    this quarter. decide: a vectorized policy hook, called with the bots' decisions for
    every lab and returning them changed (how game.play.bots drives a seat); it must
    not mutate its inputs.
    """
    orders = orders or {}
    auto_set = frozenset(int(i) for i in auto)
    t = st.t
    W, L = st.cash.shape

    # 1. Events of the quarter (drawn before anything that depends on them).
    ev_left, ev_seen, started = events.draw(st, tb)
    fx = events.effects(tb, ev_left)

    # 2. Prices of compute and capital; decisions (bots, then human orders).
    cx = capital.context(st, tb, fx)
    dec = bot_decisions(st, tb, cx)
    if decide is not None:
        dec = decide(st, tb, cx, dec)
    human_rows = np.flatnonzero(st.human)
    if len(human_rows) or orders:
        dec = legal.apply_orders(st, tb, cx, dec, orders, auto_set)

    # Most fields get new arrays below; only those written in place are copied now.
    ns = st.draft(("n", "cap", "has", "front_cap", "front_n", "exists"))
    ns.ev_left, ns.ev_seen = ev_left, ev_seen
    flows = np.zeros((len(FLOW_NAMES), W, L))  # flow-major: contiguous (W,L) slices
    alive = st.alive

    # Once-effects of events that start now.
    _event_once_effects(ns, tb, started)

    # 3. Compute: lease and buy.
    hour, lease_hour, lease_cost, buy_cost, tfc, m_eff = capital.compute_prices(
        tb, t, st.markup, fx
    )
    leased, capacity, dep = _compute(st, ns, tb, dec, fx, lease_cost, buy_cost, flows)

    # 4. Training runs: start, progress, finish, ship.
    share, compute_cost, train_cost, ship, finished = _training(
        st, ns, tb, dec, capacity, leased, lease_cost, dep
    )

    # 5. Distillation and open releases.
    release = _distill_and_release(st, ns, tb, dec, tfc, flows)

    # 6. Research and products.
    _research_and_products(st, ns, tb, dec, flows)

    # 7. Demand: frontier, potential market, diffusion, logit choice, capacity.
    mk = _market(st, ns, tb, cx, fx, share, capacity, lease_hour, flows)
    frontier, d, served, revenue = mk["frontier"], mk["d"], mk["served"], mk["revenue"]

    # 8. Finance.
    bankrupt = _finance(st, ns, tb, cx, fx, dec, revenue, tfc, flows)

    # The state may take over the leading private lab (government.py).
    taken = government.nationalize(st, tb, frontier, ns.alive)
    government.take_over(ns, tb, taken)

    op, econ = _profits(st, ns, tb, revenue, share, compute_cost, flows)

    # 9. Vendor, value chain, market structure.
    sx = _structure(st, ns, tb, mk, op, m_eff, flows)
    cc_price, decline = _constant_capability_price(st, ns, tb, alive, lease_hour)

    # 10. Entry: profits that beat the entry cost invite a new lab.
    entered = _entry(st, ns, tb, cx, fx, econ, tfc, d, lease_hour, flows)

    # 11. Investors, vendor markup, data.
    _investors_vendor_data(st, ns, tb, fx, revenue, frontier, sx["vendor_rev"], hour)

    # 12. Book-keeping for next quarter.
    # Dead labs keep last quarter's share here; next quarter's partial adjustment
    # sends all of their buyers back to choose again (they are no longer on offer).
    ns.share_prev = d["shares"]
    ns.rev_hist = np.concatenate([st.rev_hist[..., 1:], revenue[..., None]], -1)
    ns.firm_share = np.where(ns.alive, d["firm_share"], 0.0)
    ns.firm_alpha = d["firm_alpha"]
    ns.infer_flops_prev = mk["need_flops"]
    ns.open_q_prev = d["open_q"]
    ns.served_prev = served
    ns.unit_cost = mk["cost_now"]
    ns.t = t + 1
    ns.detach(st)  # the fields this quarter left as they were

    best_cap = rmax(np.where(ns.alive[..., None] & ns.has, ns.cap, -np.inf))
    value_now = capital.valuation(ns, tb)  # what investors would pay after this quarter
    m = {
        "frontier": frontier,
        "open_capability": d["open_q"],
        "open_price": d["open_price"],
        "compute_price": hour,
        "markup": m_eff,
        "sentiment": ns.sentiment,
        "hhi": sx["hhi"],
        "cr4": sx["cr4"],
        "lerner": sx["lerner"],
        "verdict": sx["verdict"],
        "lab_margin": sx["lab_margin"],
        "lab_lerner": metrics.lerner(rsum(revenue), rsum(mk["margin_rev"])),
        "open_token_share": sx["open_share"],
        "price_decline": decline,
        "constant_cap_price": cc_price,
        "market_size": rsum(sx["app_spend"]) / 1e9 + rsum(mk["contract_pay"]),  # tokens, contracts
        "potential": mk["potential"],
        "adopters": ns.adopters,
        "segment_tokens": sx["seg_tok"],
        "outside_share": d["outside"],
        "value_chain": sx["vc"],
        "value_chain_cum": ns.vc_cum,
        "vendor_revenue": sx["vendor_rev"],
        "lab_compute_spend": sx["lab_compute"],
        "fringe_revenue": mk["fringe_rev"],
        "fringe_compute_spend": mk["fringe_compute"],
        "revenue": revenue,
        "op_profit": op,
        "gpu_wear": dep,  # (W,L) $B: depreciation of owned GPUs, a cost paid in no cash
        "train_compute": train_cost,  # (W,L) $B: compute given to training, not in op
        "econ_profit": econ,
        "cash": ns.cash,
        "equity": ns.equity,
        "valuation": value_now,
        "stake": ns.equity * value_now,  # the founders' share of the lab, $B; 0 when bust
        "capital_pool": cx.capital_pool,
        "alive": ns.alive.copy(),
        "capability": np.where(np.isfinite(best_cap), best_cap, 0.0),
        "prices": ns.prices.copy(),
        "unit_cost": ns.unit_cost,
        "served": served,
        "shares": d["shares"],
        "labs_alive": rsum(ns.alive),
        "events_started": started,
        "shipped": ship,
        "trained_flops": np.where(finished, ns.run_need, 0.0),  # runs that finished training
        "stall_gap": np.where(ship, ns.run_raw - ns.run_cap, 0.0),
        "bankrupt": bankrupt,
        "entered": entered,
        "released": release,
        "contract_holder": ns.contract_holder,
        "contract_won": mk["won"],
        "contract_lost": mk["lost"],
        "nationalized": taken,
        "rebased": mk["rebase"],
        "scaling_holds": st.holds,
    }
    return ns, Report(quarter=t, metrics=m, flows=np.moveaxis(flows, 0, -1))


def _constant_capability_price(st: State, ns: State, tb: Tables, alive, lease_hour):
    """Price of constant capability (step 9): the cheapest offer at or above a fixed
    capability, bounded by an open model of exactly that capability hosted near cost
    (what algorithmic progress and cheaper chips do to constant capability); and its
    fall over the last year. Keeps the ring of past prices in ns."""
    p, t = tb.scenario.params, st.t
    ref = tb.front0 - 0.5
    ok = alive[..., None] & ns.has & (ns.cap >= ref)
    lab_min = rmin(rmin(np.where(ok, ns.prices, np.inf)))
    ref_n = demand.open_params_for(tb, t, ref) * p.open_weight_size_ratio
    ref_cost = serve_cost(ref_n, lease_hour, p, p.open_weight_efficiency, t)
    cc_price = np.minimum(lab_min, ref_cost * (1.0 + p.open_weight_markup))
    ns.price_hist = np.concatenate([st.price_hist[:, 1:], cc_price[:, None]], -1)
    yago = st.price_hist[:, 1]
    decline = np.where(t >= 4, yago / np.maximum(cc_price, 1e-12), np.nan)
    return cc_price, decline


def _entry(st: State, ns: State, tb: Tables, cx: Context, fx, econ, tfc, d, lease_hour, flows):
    """Entry (step 10): profits that beat the entry cost invite a new lab. Returns the
    (W,L) labs that entered; they are set up in ns and their cash booked as funding."""
    p, t = tb.scenario.params, st.t
    W, L = st.cash.shape
    ns.econ_hist = np.concatenate([st.econ_hist[:, 1:], rsum(econ)[:, None]], -1)
    entry_cost = (
        np.maximum(p.entry_cost0, p.entry_cost_follows_frontier * cx.frontier_flops * tfc)
        * fx["entry_cost_mult"]
    )
    invite = (rsum(ns.econ_hist) > entry_cost) & (t >= 4)
    free_slot = ~st.exists
    has_slot = rany(free_slot)
    draw = rng.uniform(st.seeds, t, "entry", 1)[:, 0] < p.entry_probability
    enter = invite & has_slot & draw
    slot = np.argmax(free_slot, -1)
    entered = np.zeros((W, L), dtype=bool)
    entered[np.arange(W), slot] = enter
    if entered.any():
        creation.admit(ns, tb, entered, entry_cost, d, lease_hour)
        flows[FLOW["funding"]][entered] += ns.cash[entered]
    return entered


def _investors_vendor_data(
    st: State, ns: State, tb: Tables, fx, revenue, frontier, vendor_rev, hour
):
    """Step 11, in ns: investor sentiment follows growth, progress and noise; the
    vendor's markup follows the growth of compute sold; the data stock grows."""
    p, t = tb.scenario.params, st.t
    ind_rev = rsum(revenue)
    prev_rev = rsum(st.rev_hist[..., -1])
    growth = ind_rev / np.maximum(prev_rev, 1e-9) - 1.0
    progress = frontier - st.front_cap[:, ring(t - 4)]
    noise = rng.normal(st.seeds, t, "sentiment", 1)[:, 0]
    ns.sentiment = clip(
        ns.sentiment
        + p.sentiment_reversion * (p.sentiment_mean - ns.sentiment)
        + p.sentiment_growth_gain * clip(growth - 0.05, -0.3, 0.3)
        + 0.15 * clip(progress - 0.3, -0.5, 0.5)
        + p.sentiment_vol * noise,
        0.2,
        3.0,
    )
    vendor_hours = vendor_rev / np.maximum(hour, 1e-12)
    g_c = np.where(st.vendor_prev > 0, vendor_hours / np.maximum(st.vendor_prev, 1e-12) - 1.0, 0.0)
    target = p.markup_min + (p.markup_max - p.markup_min) / (
        1.0 + np.exp(-(g_c - p.markup_mid_growth) / p.markup_growth_scale)
    )
    # No sales history yet (the first quarter): the markup stays where it starts.
    ns.markup = np.where(
        st.vendor_prev > 0, st.markup + p.markup_speed * (target - st.markup), st.markup
    )
    ns.vendor_prev = vendor_hours
    ns.data_stock = ns.data_stock * (1.0 + p.data_growth_q * fx["data_growth_mult"])


def _event_once_effects(ns: State, tb: Tables, started) -> None:
    """Once-effects of the events that start now (step 1), in ns: sentiment, the data
    stock and segments' potential."""
    if started.size and started.any():
        for name, target in (("sentiment_mult", "sentiment"), ("data_stock_mult", "data_stock")):
            v = np.nan_to_num(tb.ev_effect[name], nan=1.0)
            mult = events.product(started, v)
            if mult is not None:
                setattr(ns, target, getattr(ns, target) * mult)
        mult = events.product(started[..., None], tb.ev_segment)
        if mult is not None:
            ns.seg_mult = ns.seg_mult * mult


def _compute(st: State, ns: State, tb: Tables, dec, fx, lease_cost, buy_cost, flows):
    """Step 3: lease (capped in a shortage) and buy; owned GPUs wear out. Returns the
    leased kGPU, this quarter's capacity and the depreciation."""
    p = tb.scenario.params
    alive = st.alive
    lease_limit = np.where(
        fx["lease_cap_mult"][:, None] < 1.0,
        fx["lease_cap_mult"][:, None] * np.maximum(st.lease, 1.0),
        np.inf,
    )
    leased = np.where(alive, np.minimum(dec.lease, lease_limit), 0.0)
    buy = np.where(alive, dec.buy, 0.0)
    flows[FLOW["lease"]] = -leased * lease_cost[:, None]
    flows[FLOW["purchase"]] = -buy * buy_cost[:, None]
    ns.gpus = st.gpus + buy
    ns.book = st.book + buy * buy_cost[:, None]
    capacity = ns.gpus + leased  # kGPU this quarter
    dep = ns.book / p.gpu_life_quarters
    ns.book = ns.book - dep
    ns.gpus = ns.gpus * (1.0 - 1.0 / p.gpu_life_quarters)
    ns.lease = leased
    return leased, capacity, dep


def _training(st: State, ns: State, tb: Tables, dec, capacity, leased, lease_cost, dep):
    """Step 4: runs start, get compute after serving, finish (the scaling law gives their
    capability) and ship. Returns the training share of compute, the economic cost of
    compute, the part given to training, and which labs shipped and finished."""
    p, t = tb.scenario.params, st.t
    L = st.cash.shape[1]
    fpk = tb.flops_per_kgpu_q
    alive = st.alive
    # Runs start, finish and ship in a minority of labs each quarter: the updates below
    # write those labs only (flat (world, lab) indices), not np.where over all of them.
    start = dec.start & alive & ~st.run_on & (st.run_wait < 0)
    at = np.flatnonzero(start)
    ns.run_on = st.run_on | start
    ns.run_need = _put(st.run_need, at, 6.0 * _rows(dec.run_n, at) * _rows(dec.run_d, at))
    ns.run_done = _put(st.run_done, at, 0.0)
    ns.run_n = _put(st.run_n, at, _rows(dec.run_n, at))
    ns.run_d = _put(st.run_d, at, _rows(dec.run_d, at))
    ns.run_mix = _put(st.run_mix, at, _rows(dec.run_mix, at))
    ns.run_cost = _put(st.run_cost, at, 0.0)
    ns.run_left = _put(st.run_left, at, _rows(dec.run_q, at))
    remaining = np.maximum(ns.run_need - ns.run_done, 0.0)
    want = remaining / np.maximum(ns.run_left, 1) / (fpk * p.train_utilization)
    # Serving comes first: the run gets what is left after last quarter's inference load.
    infer_kgpu = st.infer_flops_prev * 1.1 / (fpk * p.infer_utilization)
    free = np.maximum(capacity - infer_kgpu, 0.0)
    auto_share = clip(np.minimum(want, free) / np.maximum(capacity, 1e-9), 0.0, 0.95)
    share = np.where(np.isnan(dec.train_share), auto_share, dec.train_share)
    share = np.where(ns.run_on & alive, share, 0.0)
    train_flops = share * capacity * fpk * p.train_utilization
    ns.run_done = ns.run_done + np.where(ns.run_on, train_flops, 0.0)
    ns.run_left = np.where(ns.run_on, np.maximum(ns.run_left - 1, 0), 0)
    compute_cost = leased * lease_cost[:, None] + dep  # economic cost of compute
    train_cost = share * compute_cost
    ns.run_cost = ns.run_cost + np.where(ns.run_on, train_cost, 0.0)
    finished = ns.run_on & (ns.run_done >= ns.run_need * (1 - 1e-9))
    at = np.flatnonzero(finished)
    w_at = at // L
    # Capability of finished runs: repeated data, synthetic data, algorithmic progress.
    raw, _, _ = run_capability(
        tb,
        t,
        _rows(ns.run_n, at),
        _rows(ns.run_d, at),
        st.data_stock[w_at],
        _rows(st.research, at)[:, RESEARCH.index("synthetic")],
    )
    capped = scaling.stalled_capability(raw, st.stall[w_at], st.holds[w_at], p.stall_softness)
    ns.run_cap = _put(st.run_cap, at, capped)
    ns.run_raw = _put(st.run_raw, at, raw)
    ns.run_wait = _put(st.run_wait, at, tb.a_ship[_rows(st.arch, at)])  # slow shippers, too
    ns.run_on = ns.run_on & ~finished
    ship = ns.run_wait == 0
    ship &= alive
    at = np.flatnonzero(ship)
    n, cap, has = ns.n.reshape(-1, K), ns.cap.reshape(-1, K), ns.has.reshape(-1, K)  # views
    n[at, 0] = _rows(ns.run_n, at)
    cap[at, 0] = _rows(ns.run_cap, at)
    has[at, 0] = True
    ns.mix = _put(st.mix, at, _rows(ns.run_mix, at))
    ns.last_deploy = _put(st.last_deploy, at, t)
    ns.last_run_flops = _put(st.last_run_flops, at, _rows(ns.run_need, at))
    ns.amort = _put(st.amort, at, _rows(st.amort, at) + _rows(ns.run_cost, at))
    ns.run_wait = ns.run_wait - (ns.run_wait > 0)  # count down to 0
    ns.run_wait.reshape(-1)[at] = -1
    ns.stall_seen = st.stall_seen | (ship & (ns.run_raw - ns.run_cap > 0.05))
    return share, compute_cost, train_cost, ship, finished


def _distill_and_release(st: State, ns: State, tb: Tables, dec, tfc, flows):
    """Step 5: distillations make small models; open releases may raise the best open
    model. Returns which labs released their weights."""
    p = tb.scenario.params
    W, L = st.cash.shape
    alive = st.alive
    n, cap, has = ns.n.reshape(-1, K), ns.cap.reshape(-1, K), ns.has.reshape(-1, K)  # views
    distill = dec.distill & alive & ns.has[..., 0]
    at = np.flatnonzero(distill)
    d_cost = np.zeros((W, L))
    d_cost.reshape(-1)[at] = distill_cost(n[at, 0], p) * tfc[at // L]
    flows[FLOW["distill"]] = -d_cost
    n[at, 1] = n[at, 0] * p.distill_ratio
    cap[at, 1] = distilled_capability(cap[at, 0], p.distill_ratio, p.distill_gap)
    has[at, 1] = True
    ns.amort = ns.amort + d_cost
    release = dec.release & alive & ns.has[..., 0]
    rel_cap = rmax(np.where(release, ns.cap[..., 0], -np.inf))
    rel_n = np.take_along_axis(
        ns.n[..., 0], np.argmax(np.where(release, ns.cap[..., 0], -np.inf), -1)[:, None], 1
    )[:, 0]
    better = rel_cap > st.open_cap
    ns.open_cap = np.where(better, rel_cap, st.open_cap)
    ns.open_n = np.where(better, rel_n, st.open_n)
    return release


def _research_and_products(st: State, ns: State, tb: Tables, dec, flows) -> None:
    """Step 6: research spending, product builds and upkeep; new prices take effect."""
    alive = st.alive
    res = np.where(alive[..., None], dec.research, 0.0)
    flows[FLOW["research"]] = -rsum(res)
    ns.research = st.research + res
    ns.build_left, ns.built, flows[FLOW["product_build"]] = _build_products(st, tb, dec)
    if tb.code_upkeep is not None:  # upkeep of the products built, by product code
        flows[FLOW["product_upkeep"]] = -tb.code_upkeep[np.where(alive, product_codes(st.built), 0)]
    else:
        live_t = np.moveaxis(alive[..., None] & st.built, -1, 0)  # (P,W,L)
        upkeep = sum(live_t[j] * tb.upkeep[j] for j in range(len(tb.upkeep)))
        flows[FLOW["product_upkeep"]] = -upkeep
    ns.prices = np.where(alive[..., None], dec.prices, st.prices)


def _finance(st: State, ns: State, tb: Tables, cx: Context, fx, dec, revenue, tfc, flows):
    """Step 8 in ns: staff, interest, subsidy; rounds from the investors' pool and the
    founders' dilution; debt; parents take back idle cash; automatic borrowing; and
    bankruptcy. Returns the labs that went bankrupt this quarter."""
    p, t = tb.scenario.params, st.t
    alive = st.alive
    arch = slot_arch(st.arch)
    staff = st.staff * 1.0125**t * fx["staff_cost_mult"][:, None] + p.staff_revenue_share * revenue
    flows[FLOW["staff"]] = -np.where(alive, staff, 0.0)
    flows[FLOW["interest"]] = -st.debt * p.interest_q
    flows[FLOW["subsidy"]] = np.where(alive, tb.a_subsidy[arch], 0.0)
    # Rounds close at the quarter's mood: a crash that starts now cuts them short.
    pool_mood = ns.sentiment / st.sentiment
    lab_mood = np.where(tb.a_free[arch], 1.0, pool_mood[:, None])
    funding, sold = capital.fund(cx, dec.raise_ask, alive, lab_mood, pool_mood)
    flows[FLOW["funding"]] = funding
    ns.equity = st.equity * (1.0 - sold)
    repay = np.where(alive, np.minimum(dec.repay, st.debt), 0.0)
    borrow = np.where(alive, np.minimum(dec.borrow, cx.debt_room), 0.0)
    flows[FLOW["repay"]] = -repay
    # A parent (the archetypes funded by a company or a state, not investors) takes back
    # part of the cash its lab holds beyond a year of spending and its run: bot labs
    # only, since a player decides for their own lab.
    parent = alive & tb.a_free[arch] & ~st.human
    if parent.any():
        spend = -(
            flows[FLOW["lease"]]
            + flows[FLOW["purchase"]]
            + flows[FLOW["staff"]]
            + flows[FLOW["research"]]
            + flows[FLOW["product_build"]]
            + flows[FLOW["product_upkeep"]]
        )
        run_left = np.where(ns.run_on, np.maximum(ns.run_need - ns.run_done, 0.0), 0.0)
        keep = p.parent_reserve_quarters * spend + run_left * tfc[:, None]
        before = st.cash + asum(flows, 0) + borrow
        flows[FLOW["parent_sweep"]] = -np.where(
            parent, p.parent_sweep_share * np.maximum(before - keep, 0.0), 0.0
        )
    cash = st.cash + asum(flows, 0) + borrow
    room = np.maximum(cx.debt_room - borrow, 0.0)
    extra = np.where(alive & (cash < 0), np.minimum(-cash, room), 0.0)
    borrow = borrow + extra
    flows[FLOW["borrow"]] = borrow
    cash = cash + extra
    ns.debt = st.debt + borrow - repay
    bankrupt = alive & (cash < -1e-9)
    ns.cash = cash
    ns.alive = alive & ~bankrupt
    if bankrupt.any():  # rare: skip the work when no lab goes bust
        flows[FLOW["writeoff"]] = np.where(bankrupt, -cash, 0.0)
        ns.cash = np.where(bankrupt, 0.0, cash)
        ns.debt = np.where(bankrupt, 0.0, ns.debt)
        for arr in ("gpus", "book", "lease", "amort"):
            setattr(ns, arr, np.where(bankrupt, 0.0, getattr(ns, arr)))
        ns.run_on = ns.run_on & ~bankrupt
        ns.run_wait = np.where(bankrupt, -1, ns.run_wait)
        ns.build_left = np.where(bankrupt[..., None], 0, ns.build_left)
    return bankrupt


def _profits(st: State, ns: State, tb: Tables, revenue, share, compute_cost, flows):
    """Operating and economic profit of the quarter (step 8, [F12]-[F13]); amortises
    training in ns and keeps the running totals. Returns (op, econ), 0 for dead labs."""
    p = tb.scenario.params
    alive = st.alive
    infer_cost = (1.0 - share) * compute_cost
    op = revenue - infer_cost + flows[FLOW["staff"]] + flows[FLOW["product_upkeep"]]
    op = op + flows[FLOW["research"]]
    if p.contract_value > 0:
        op = op + flows[FLOW["contract_delivery"]]
    amort_q = ns.amort / p.training_amortization_quarters
    ns.amort = ns.amort - amort_q
    # Capital tied up in hardware and in idle cash could earn cost_of_capital_q elsewhere.
    tied = st.book + np.maximum(st.cash, 0.0)
    econ = op - amort_q + flows[FLOW["product_build"]] - p.cost_of_capital_q * tied
    op = np.where(alive, op, 0.0)
    econ = np.where(alive, econ, 0.0)
    ns.cum_op = st.cum_op + op
    ns.op_prev = op
    ns.cum_econ = st.cum_econ + econ
    return op, econ


def _market(st: State, ns: State, tb: Tables, cx: Context, fx, share, capacity, lease_hour, flows):
    """Step 7: the frontier and the potential market, Bass diffusion, the open-weight
    floor, the logit choice (demand.shares), capacity, revenue with the government
    contract, serving costs and reputation. Returns the quarter's market as a dict."""
    p, t = tb.scenario.params, st.t
    W, L = st.cash.shape
    fpk = tb.flops_per_kgpu_q
    alive = st.alive
    frontier = rmax(rmax(np.where(alive[..., None] & ns.has, ns.cap, -np.inf)))
    frontier = np.maximum(np.where(np.isfinite(frontier), frontier, 0.0), ns.open_cap)
    best_lab = np.argmax(np.where(alive & ns.has[..., 0], ns.cap[..., 0], -np.inf), -1)
    ns.front_cap[:, ring(t)] = frontier
    ns.front_n[:, ring(t)] = np.take_along_axis(ns.n[..., 0], best_lab[:, None], 1)[:, 0]
    potential = (
        tb.potential0
        * np.exp(tb.market_growth * (frontier[:, None] - tb.front0))
        * demand.opens(tb, frontier)
        * ns.seg_mult
    )
    ns.adopters = market.bass_step(st.adopters, potential, tb.bass_p, tb.bass_q)
    ns.alive = alive  # bankruptcies come after the market clears
    # Open weights are a floor: a lab whose own model is worse serves the open one.
    offer = demand.open_offer(ns, tb, cx, fx)
    open_q, open_n = offer[0], offer[1]
    rebase = alive & (ns.cap[..., 0] < open_q[:, None] - 1e-9)
    at = np.flatnonzero(rebase)
    n, cap = ns.n.reshape(-1, K), ns.cap.reshape(-1, K)  # views
    cap[at, 0] = open_q[at // L]
    n[at, 0] = open_n[at // L]
    cx_now = Context(**{**cx.__dict__, "eff_mult": capital.serving_mult(ns, tb)})
    n_serve = capital.serving_params(ns, tb)  # parameters run per token, swarms included
    d = demand.shares(ns, tb, cx_now, ns.prices, fx, offer=offer, n_serve=n_serve)
    need_flops = d["infer_flops"]  # (W,L)
    have_flops = (1.0 - share) * capacity * fpk * p.infer_utilization
    served = np.where(
        need_flops > 0, np.minimum(1.0, have_flops / np.maximum(need_flops, 1e-9)), 1.0
    )
    served = np.where(alive, served, 0.0)
    lab_tok = d["lab_tokens"] * served[..., None]  # (W,L,K) M tokens served
    revenue = rsum(lab_tok * ns.prices) / 1e9
    # Government contracts go to the lab the government's buyers prefer (government.py).
    gov_share = d["shares"][:, GOV, : L * K].reshape(W, L, K)
    gov_share = gov_share[..., 0] + gov_share[..., 1]
    ns.contract_holder, ns.contract_left, contract_pay, won, lost = government.contracts(
        st, tb, gov_share, alive
    )
    if p.contract_value > 0:
        revenue = revenue + contract_pay
        flows[FLOW["contract_delivery"]] = -(1.0 - p.contract_margin) * contract_pay
    flows[FLOW["revenue"]] = revenue
    cost_now = serve_cost(n_serve, lease_hour[:, None, None], p, cx_now.eff_mult[..., None], t)
    margin_rev = rsum(lab_tok * (ns.prices - cost_now)) / 1e9
    open_tok = rsum(d["open_tokens"])
    fringe_rev = open_tok * d["open_price"] / 1e9
    fringe_compute = open_tok * d["open_cost"] / 1e9
    ns.rep = np.where(
        alive, st.rep * (1.0 - p.reputation_recovery) - p.unserved_penalty * (1.0 - served), 0.0
    )
    ns.rep = np.maximum(ns.rep, -3.0)
    return {
        "frontier": frontier,
        "potential": potential,
        "rebase": rebase,
        "d": d,
        "need_flops": need_flops,
        "served": served,
        "lab_tok": lab_tok,
        "revenue": revenue,
        "contract_pay": contract_pay,
        "won": won,
        "lost": lost,
        "cost_now": cost_now,
        "margin_rev": margin_rev,
        "open_tok": open_tok,
        "fringe_rev": fringe_rev,
        "fringe_compute": fringe_compute,
    }


def _structure(st: State, ns: State, tb: Tables, mk: dict, op, m_eff, flows):
    """Step 9: the vendor's revenue, the value chain, HHI, CR4, Lerner and the verdict
    (read off the last four quarters). Keeps the trailing history in ns."""
    p = tb.scenario.params
    lab_compute = -(flows[FLOW["lease"]] + flows[FLOW["purchase"]] + flows[FLOW["distill"]])
    vendor_rev = rsum(lab_compute) + mk["fringe_compute"]
    vendor_gp = vendor_rev * m_eff / (1.0 + m_eff)
    # Spend and mk["served"] tokens by segment, in the demand's worlds-last layout.
    served_t = (
        mk["d"]["tok_lab_t"] * np.ascontiguousarray(mk["served"].T)[None, :, None, :]
    )  # (S,L,K,W)
    prices_t = np.ascontiguousarray(ns.prices.transpose(1, 2, 0))[None]  # (1,L,K,W)
    lab_spend_t = asum(asum(served_t * prices_t, 1), 1)  # (S,W)
    app_spend = lab_spend_t.T + mk["d"]["open_tokens"] * mk["d"]["open_price"][:, None]  # (W,S) $
    apps = rsum(tb.app_share * app_spend) * p.app_margin / (1.0 - p.app_margin) / 1e9
    seg_tok = asum(asum(served_t, 1), 1).T + mk["d"]["open_tokens"]  # mk["served"] tokens (W,S)
    mean_price = app_spend / np.maximum(seg_tok, 1e-9)
    ns.mean_price_prev = np.where(seg_tok > 0, mean_price, st.mean_price_prev)
    cs = (
        rsum(market.consumer_surplus(mk["d"]["inclusive"], tb.alpha_s, mean_price, mk["d"]["vol"]))
        / 1e9
    )
    labs_layer = rsum(op) + (mk["fringe_rev"] - mk["fringe_compute"])
    vc = np.stack([vendor_gp, labs_layer, apps, cs], axis=-1)
    ns.vc_cum = st.vc_cum + vc
    total_rev = rsum(mk["revenue"]) + mk["fringe_rev"]
    hhi = metrics.hhi(mk["revenue"], mk["fringe_rev"])
    cr4 = metrics.cr4(mk["revenue"], mk["fringe_rev"])
    lerner = metrics.lerner(
        total_rev, rsum(mk["margin_rev"]) + (mk["fringe_rev"] - mk["fringe_compute"])
    )
    served_tok = rsum(rsum(mk["lab_tok"])) + mk["open_tok"]
    open_share = mk["open_tok"] / np.maximum(served_tok, 1e-9)
    lab_margin = rsum(op) / np.maximum(rsum(mk["revenue"]), 1e-9)
    # The verdict reads the last four quarters (fewer at the start), not one noisy one.
    now = np.stack([hhi, lerner, lab_margin, open_share], axis=-1)[:, None, :]
    ns.struct_hist = np.concatenate([st.struct_hist[:, 1:], now], axis=1)
    trail = metrics.trailing(ns.struct_hist)
    verdict = metrics.verdict(trail[:, 0], trail[:, 1], trail[:, 2], trail[:, 3])
    return {
        "lab_compute": lab_compute,
        "vendor_rev": vendor_rev,
        "app_spend": app_spend,
        "seg_tok": seg_tok,
        "vc": vc,
        "hhi": hhi,
        "cr4": cr4,
        "lerner": lerner,
        "open_share": open_share,
        "lab_margin": lab_margin,
        "verdict": verdict,
    }
