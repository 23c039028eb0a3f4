"""The quarter step: create worlds, then advance them one quarter at a time.

`create(tables, seed, worlds)` builds a batch; `step(tables, state, orders)` returns a
new state and a report and never mutates its input. Every equation is in
docs/model.md, in the order it runs here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import capital, government, market, metrics, rng, scaling
from .capital import research_level, serve_cost, serving_stack
from .fast import asum, rany, rmax, rmin, rsum
from .orders import OrderError, Orders, check_shape
from .policy import Context, Decisions, bot_decisions, slot_arch
from .scenario import RESEARCH, SEGMENTS, TIERS
from .state import FLOW, FLOW_NAMES, H, K, S, State, Tables, product_codes

GOV = SEGMENTS.index("government")
VC_NAMES: tuple[str, ...] = ("hardware", "labs", "apps", "consumers")
MAX_LABS = 32


@dataclass
class Report:
    """What a quarter did. `metrics` arrays have the world as leading axis."""

    quarter: int  # the quarter just played (0-based)
    metrics: dict[str, np.ndarray]
    flows: np.ndarray  # (W,L,F) signed cash flows, see state.FLOW_NAMES
    events: list = field(default_factory=list)  # list[explain.Event]


# ---------------------------------------------------------------------------
# Helpers shared by create and step
# ---------------------------------------------------------------------------


def distilled_capability(cap_big, ratio, gap):
    """A model 1/ratio smaller loses `gap` capability points per decade of size."""
    return cap_big - gap * np.log10(1.0 / ratio)


def _ring(t: int) -> int:
    return t % H


def _event_effects(tb: Tables, ev_left: np.ndarray) -> dict[str, np.ndarray]:
    """Combine active events' temporary channels: *_add sum, *_mult multiply.

    Channel by channel, in event order, on (W,) columns. An event that leaves a channel
    neutral (adds 0, multiplies by 1) is skipped: that changes no bit of the result.
    """
    W, E = ev_left.shape
    if not (ev_left > 0).any():  # no event under way: every channel neutral, same bits
        return {
            **{name: np.zeros(W) for name in tb.ev_add_names},
            **{name: np.ones(W) for name in tb.ev_mult_names},
        }
    on = [ev_left[:, e] > 0 for e in range(E)]
    out = {}
    for i, name in enumerate(tb.ev_add_names):
        acc = np.zeros(W)
        for e in np.flatnonzero(tb.ev_add[:, i] != 0.0):
            acc += on[e] * tb.ev_add[e, i]
        out[name] = acc
    for i, name in enumerate(tb.ev_mult_names):
        acc = np.ones(W)
        for e in np.flatnonzero(tb.ev_mult[:, i] != 1.0):
            acc *= np.where(on[e], tb.ev_mult[e, i], 1.0)
        out[name] = acc
    return out


def _event_product(started, factors):
    """Product, in event order, of the factors of the events that started (1 if not).

    started (W,E) or (W,E,1); factors (E,) or (E,S). Events whose factors are all 1
    are left out, which changes no bit; None when no event has a factor.
    """
    mult = None
    for e in np.flatnonzero((factors != 1.0).reshape(len(factors), -1).any(-1)):
        f = np.where(started[:, e], factors[e], 1.0)
        mult = f if mult is None else mult * f
    return mult


# ---------------------------------------------------------------------------
# Creation
# ---------------------------------------------------------------------------


def create(tb: Tables, seed: int, worlds: int = 1, human: tuple[int, ...] | None = None) -> State:
    """A batch of `worlds` worlds; world k has seed `seed + k`.

    human: indices of labs whose orders come from outside; default: the scenario's
    labs marked human. Pass () to let policies drive every lab (a study).
    """
    if worlds < 1:
        raise ValueError("worlds must be >= 1")
    if not 0 <= int(seed) < 2**63 - worlds:
        raise ValueError("seed must be a non-negative integer below 2**63")
    sc = tb.scenario
    p = sc.params
    W, L, E, P = worlds, tb.n_labs, len(sc.events), len(sc.products)
    if L > MAX_LABS:
        raise ValueError(f"at most {MAX_LABS} lab slots")
    seeds = np.arange(worlds, dtype=np.uint64) + np.uint64(int(seed))
    hm = np.zeros(L, dtype=bool)
    idx = [i for i, lab in enumerate(sc.labs) if lab.human] if human is None else list(human)
    for i in idx:
        if not 0 <= i < len(sc.labs):
            raise ValueError(f"human lab index {i} out of range")
        hm[i] = True

    u = rng.uniform(seeds, -1, "world", 2)
    holds = u[:, 0] < p.scaling_continues_p
    stall = tb.front0 + p.stall_min + u[:, 1] * (p.stall_max - p.stall_min)
    # How loyal buyers turn out to be: a multiplier on every switching cost, drawn
    # log-uniformly between loyalty_min and loyalty_max (its own stream, so the draws
    # above are unchanged).
    v = rng.uniform(seeds, -1, "loyalty", 1)[:, 0]
    loyalty = p.loyalty_min * (p.loyalty_max / p.loyalty_min) ** v

    z = np.zeros((W, L))
    arch_index = {a: i for i, a in enumerate(tb.arch_ids)}
    exists = np.zeros((W, L), dtype=bool)
    arch = np.full((W, L), tb.entrant_arch, dtype=np.int64)
    cash, gpus, staff, rep = z.copy(), z.copy(), z.copy(), z.copy()
    n = np.zeros((W, L, K))
    cap = np.zeros((W, L, K))
    has = np.zeros((W, L, K), dtype=bool)
    mix = np.full((W, L, S), 1.0 / S)
    prices = np.ones((W, L, K))
    research = np.zeros((W, L, len(RESEARCH)))
    built = np.zeros((W, L, P), dtype=bool)
    last_flops = z.copy()
    prod_index = {q: i for i, q in enumerate(tb.prod_ids)}
    for i, lab in enumerate(sc.labs):
        exists[:, i] = True
        ai = arch_index[lab.archetype]
        arch[:, i] = ai
        cash[:, i] = lab.cash
        gpus[:, i] = lab.gpus
        staff[:, i] = lab.staff
        rep[:, i] = lab.reputation
        raw = scaling.capability(lab.params, lab.tokens, tb.law)
        c = scaling.stalled_capability(raw, stall, holds, p.stall_softness)
        n[:, i, 0] = lab.params
        cap[:, i, 0] = c
        has[:, i, 0] = True
        if lab.small_params > 0:
            n[:, i, 1] = lab.small_params
            cap[:, i, 1] = distilled_capability(c, lab.small_params / lab.params, p.distill_gap)
            has[:, i, 1] = True
        mix[:, i] = tb.a_mix[ai] if not lab.mix else _mix_vec(lab.mix)
        prices[:, i] = lab.prices
        for r, v in lab.research.items():
            research[:, i, RESEARCH.index(r)] = v
        for q in lab.products:
            built[:, i, prod_index[q]] = True
        last_flops[:, i] = 6.0 * lab.params * lab.tokens

    best = int(np.argmax([scaling.capability(lab.params, lab.tokens, tb.law) for lab in sc.labs]))
    front_cap = np.zeros((W, H))
    front_n = np.zeros((W, H))
    for k in range(H):  # a plausible past: +0.12 capability and x1.3 params per quarter
        slot = _ring(-k)
        front_cap[:, slot] = cap[:, best, 0] - 0.12 * k
        front_n[:, slot] = sc.labs[best].params / 1.3**k
    open_arch = tb.a_open[arch] & exists
    open_cap = np.where(open_arch, cap[..., 0], -np.inf).max(axis=-1)
    open_n = np.where(open_arch, n[..., 0], 0.0).max(axis=-1)
    open_cap = np.where(np.isfinite(open_cap), open_cap, 0.0)
    seg_open = _opens(tb, tb.front0)
    adopters = np.broadcast_to(tb.potential0 * tb.adopters0 * seg_open, (W, S)).copy()

    st = State(
        t=0,
        seeds=seeds,
        human=hm,
        holds=holds,
        stall=stall,
        loyalty=loyalty,
        contract_holder=np.full(W, -1, dtype=np.int64),
        contract_left=np.zeros(W, dtype=np.int64),
        nationalized_seen=np.zeros(W, dtype=bool),
        data_stock=np.full(W, p.data_stock0),
        markup=np.full(W, p.markup0),
        sentiment=np.full(W, p.sentiment0),
        open_cap=open_cap,
        open_n=open_n,
        adopters=adopters,
        seg_mult=np.ones((W, S)),
        ev_left=np.zeros((W, E), dtype=np.int64),
        ev_seen=np.zeros((W, E), dtype=bool),
        front_cap=front_cap,
        front_n=front_n,
        exists=exists,
        alive=exists.copy(),
        arch=arch,
        cash=cash,
        debt=z.copy(),
        gpus=gpus,
        book=gpus * 0.0,
        lease=z.copy(),
        staff=staff,
        rep=rep,
        amort=z.copy(),
        cum_op=z.copy(),
        cum_econ=z.copy(),
        equity=np.where(exists, 1.0, 0.0),
        infer_flops_prev=z.copy(),
        n=n,
        cap=cap,
        has=has,
        mix=mix,
        run_on=np.zeros((W, L), dtype=bool),
        run_need=z.copy(),
        run_done=z.copy(),
        run_n=z.copy(),
        run_d=z.copy(),
        run_mix=mix.copy(),
        run_cost=z.copy(),
        run_wait=np.full((W, L), -1, dtype=np.int64),
        run_cap=z.copy(),
        run_left=np.zeros((W, L), dtype=np.int64),
        run_raw=z.copy(),
        last_run_flops=last_flops,
        last_deploy=np.where(exists, -2, 0).astype(np.int64),
        research=research,
        build_left=np.zeros((W, L, P), dtype=np.int64),
        built=built,
        prices=prices,
        unit_cost=np.zeros((W, L, K)),
        share_prev=np.zeros((W, S, L * K + 1)),
        rev_hist=np.zeros((W, L, 4)),
        econ_hist=np.zeros((W, 4)),
        vc_cum=np.zeros((W, 4)),
        price_hist=np.zeros((W, 5)),
        open_q_prev=np.zeros(W),
        served_prev=np.ones((W, L)),
        vendor_prev=np.zeros(W),
        op_prev=z.copy(),
        stall_seen=np.zeros((W, L), dtype=bool),
        struct_hist=np.full((W, 4, 4), np.nan),
        firm_share=z.copy(),
        firm_alpha=z.copy(),
        price0=np.ones((W, S)),
        mean_price_prev=np.ones((W, S)),
    )
    # Book value of the hardware labs start with: bought over the past two years.
    _, _, _, buy_cost, _, _ = capital.compute_prices(
        tb, 0, st.markup, _event_effects(tb, st.ev_left)
    )
    st.book = gpus * buy_cost[:, None] * 0.6
    # Warm start: last quarter's shares, revenue and inference load, so lock-in,
    # valuations and capacity plans start from a market that already exists.
    fx = _event_effects(tb, st.ev_left)
    cx = capital.context(st, tb, fx)
    d = _demand(st, tb, cx, st.prices, fx, switching=1.0)
    st.share_prev = d["shares"]
    st.firm_share, st.firm_alpha = d["firm_share"], d["firm_alpha"]
    st.infer_flops_prev = d["infer_flops"]
    st.open_q_prev = d["open_q"]
    # The warm start's mean price per segment is the reference for usage elasticity.
    lab_spend = asum(asum(d["tok_lab_t"] * np.moveaxis(st.prices, 0, -1)[None], 1), 1).T
    spend = lab_spend + d["open_tokens"] * d["open_price"][:, None]
    tokens = asum(asum(d["tok_lab_t"], 1), 1).T + d["open_tokens"]
    st.unit_cost = cx.serve_cost.copy()
    st.price0 = spend / np.maximum(tokens, 1e-9)
    st.mean_price_prev = st.price0.copy()
    rev = rsum(d["lab_tokens"] * st.prices) / 1e9
    st.rev_hist = np.repeat(rev[..., None], 4, axis=-1) * (1.0 / 1.5) ** np.arange(3, -1, -1)
    return st


def _mix_vec(m: dict[str, float]) -> np.ndarray:
    v = np.array([max(float(m.get(s, 0.0)), 0.0) for s in SEGMENTS])
    return v / v.sum() if v.sum() > 0 else np.full(S, 1.0 / S)


def _opens(tb: Tables, frontier):
    """Logistic opening of segments with a capability threshold."""
    f = np.asarray(frontier, dtype=np.float64)[..., None]
    gate = 1.0 / (1.0 + np.exp(-(f - tb.opens_at) / 0.25))
    return np.where(tb.opens_at > 0, gate, 1.0)


# ---------------------------------------------------------------------------
# Demand
# ---------------------------------------------------------------------------


def algo_multiplier(tb: Tables, t: int) -> float:
    """Effective-compute multiplier of algorithmic progress at quarter t (Ho et al. 2024)."""
    return 2.0 ** (3.0 * t / tb.scenario.params.algo_halving_months)


def run_capability(tb: Tables, t: int, params, tokens, data_stock, synthetic_spend):
    """Capability of a run that finishes in quarter t, before any scaling stall.

    Repeated data (tokens beyond the data stock, which synthetic-data research
    enlarges) is worth less; algorithmic progress to quarter t multiplies the
    effective parameters and tokens. Returns (capability, effective tokens, stock).
    """
    p = tb.scenario.params
    syn = research_level(synthetic_spend, p.synthetic_unit)
    stock = data_stock * (1.0 + p.synthetic_gain * syn)
    d_eff = scaling.effective_tokens(tokens, stock)
    algo = algo_multiplier(tb, t)
    law = tb.law
    raw = scaling.capability(
        np.maximum(params, 1.0) * algo**law.a,
        np.maximum(d_eff, 1.0) * algo**law.b,
        law,
    )
    return raw, d_eff, stock


_LOGN = np.linspace(6.0, 16.0, 401)


def open_params_for(tb: Tables, t: int, cap):
    """Parameters of the smallest model with capability `cap` at quarter t, trained on
    open_weight_tokens_per_param tokens per parameter (data assumed sufficient)."""
    p, law = tb.scenario.params, tb.law
    key = (law.name, p.algo_halving_months, p.open_weight_tokens_per_param, t)
    caps = _OPEN_CAPS.get(key)
    if caps is None:  # a pure function of these four numbers: compute once per process
        m = algo_multiplier(tb, t)
        n = 10.0**_LOGN
        caps = scaling.capability(n * m**law.a, p.open_weight_tokens_per_param * n * m**law.b, law)
        if len(_OPEN_CAPS) > 4096:
            _OPEN_CAPS.clear()
        _OPEN_CAPS[key] = caps
    return 10.0 ** np.interp(cap, caps, _LOGN)


_OPEN_CAPS: dict[tuple, np.ndarray] = {}


def open_lag(p, t: int) -> float:
    """Quarters the open-weight offer trails the frontier at quarter t.

    It closes linearly from open_weight_lag_quarters to open_weight_lag_end over
    open_weight_catchup_years, then stays there.
    """
    done = min(t / max(4.0 * p.open_weight_catchup_years, 1e-9), 1.0)
    return p.open_weight_lag_quarters + done * (p.open_weight_lag_end - p.open_weight_lag_quarters)


def _open_offer(st: State, tb: Tables, cx: Context, fx):
    """The open-weight offer: the frontier lagged, or the best open release if better."""
    p = tb.scenario.params
    base = open_lag(p, st.t)
    lag = np.clip(np.round(base + fx["open_lag_add"]), 0, H - 1).astype(np.int64)
    slot = (st.t - lag) % H
    lag_cap = np.take_along_axis(st.front_cap, slot[:, None], 1)[:, 0]
    lag_n = np.take_along_axis(st.front_n, slot[:, None], 1)[:, 0]
    use_rel = st.open_cap > lag_cap
    open_q = np.where(use_rel, st.open_cap, lag_cap)
    # The open model was trained when it came out, `lag` quarters ago, by the open
    # ecosystem's recipe: over-trained (open_weight_tokens_per_param) with that
    # quarter's algorithms, no bigger than the model it copies, and served sparse
    # (open_weight_size_ratio of its parameters active per token).
    t_made = max(st.t - round(base), 0)
    need_n = open_params_for(tb, t_made, open_q)
    copied = np.where(use_rel, np.maximum(st.open_n, 1e6), lag_n)
    open_n = np.minimum(need_n, copied) * p.open_weight_size_ratio
    hour_lease = cx.gpu_hour_price * p.lease_premium
    open_cost = serve_cost(open_n, hour_lease, p, p.open_weight_efficiency, st.t)
    return open_q, open_n, open_cost * (1.0 + p.open_weight_markup), open_cost


def _demand(
    st: State, tb: Tables, cx: Context, prices, fx, adopters=None, switching=None, offer=None
):
    """Logit demand in every segment. Returns a dict of arrays (see keys below).

    Only a share `switching` of buyers choose afresh each quarter (partial adjustment);
    the rest stay with last quarter's choice if it is still on offer.

    Inside, arrays put the world axis last, (S,L,K,W): numpy then runs long contiguous
    inner loops over worlds instead of two-element loops over tiers, which is several
    times faster for big batches. Results go back to the world-first layout.
    """
    p = tb.scenario.params
    W, L = st.cash.shape
    J = L * K
    adopters = st.adopters if adopters is None else adopters
    offer = _open_offer(st, tb, cx, fx) if offer is None else offer
    open_q, open_n, open_price, open_cost = offer

    def wl(x, *order):  # world axis last, contiguous; order permutes the other axes
        order = order or tuple(range(1, x.ndim))
        return np.ascontiguousarray(x.transpose(*order, 0))

    col = (slice(None), None, None, None)  # (S,) -> (S,1,1,1)
    seg = tb.asc - tb.beta_q * tb.q_ref + tb.alpha_s * np.log(tb.p_ref)  # (S,)
    spec = wl(p.spec_strength * (np.sqrt(S * st.mix) - 1.0), 2, 1)  # (S,L,W)
    rel_level = research_level(st.research[..., RESEARCH.index("reliability")], p.reliability_unit)
    err = p.error_at_5 * np.exp(-p.error_per_cap * (st.cap - 5.0))
    err = np.clip(err * ((1.0 - p.reliability_step) ** rel_level)[..., None], 1e-3, 0.9)
    if tb.code_fit is not None:  # products' fit and lock-in, looked up by product code
        at = product_codes(st.built).T * L + np.arange(L)[:, None]  # (L,W)
        base = np.take(tb.code_fit, at, axis=1)  # (S,L,W)
        base += wl(st.rep)
        lock = np.take(tb.code_lock, at, axis=1)  # (S,L,W)
    else:
        builtf = st.built.astype(np.float64)
        base = wl(builtf @ tb.prod_fit + st.rep[..., None], 2, 1)  # (S,L,W)
        lock = wl(tb.lock_in + builtf @ tb.prod_lock, 2, 1)  # (S,L,W)
    base += seg[:, None, None] + tb.beta_q[:, None, None] * spec
    lock = lock * st.loyalty  # this world's buyers' loyalty scales every switching cost
    prev = wl(st.share_prev)  # (S,J+1,W)
    prev_lab = prev[:, :J].reshape(S, L, K, W)  # a view: rows of W stay contiguous

    u = tb.beta_q[col] * wl(st.cap)[None]  # (S,L,K,W)
    u -= tb.alpha_s[col] * wl(np.log(np.maximum(prices, 1e-9)))[None]
    u -= tb.beta_r[col] * wl(np.log(err / 0.05))[None]
    u += base[:, :, None, :]
    u += lock[:, :, None, :] * prev_lab
    err_open = np.clip(
        p.error_at_5 * np.exp(-p.error_per_cap * (open_q - 5.0)) * p.open_weight_error_mult,
        1e-3,
        0.9,
    )
    u_open = (
        (tb.asc - tb.beta_q * tb.q_ref + tb.alpha_s * np.log(tb.p_ref))[:, None]
        + tb.beta_q[:, None] * open_q
        - tb.alpha_s[:, None] * np.log(open_price)
        - tb.beta_r[:, None] * np.log(err_open / 0.05)
        + tb.lock_in[:, None] * st.loyalty * prev[:, J]
        - p.open_weight_friction
    )  # (S,W)

    # Logit (Berry 1994): s_j = e^u_j / (1 + sum_k e^u_k), outside option 1 / (1 + ...),
    # inclusive value ln(1 + sum_k e^u_k).
    avail = wl((st.alive[..., None] & st.has).astype(np.float64))[None]  # (1,L,K,W) 0/1
    # Unavailable offers have finite utilities too (price 1, capability 0), so exp is
    # safe everywhere and the mask zeroes them; the cap keeps exp from overflowing.
    np.minimum(u, 300.0, out=u)
    e = np.exp(u, out=u)  # u is not needed again: reuse its memory
    e *= avail
    e_open = np.exp(np.minimum(u_open, 300.0))
    denom = 1.0 + asum(e.reshape(S, J, W), 1) + e_open  # (S,W)
    inv = 1.0 / denom
    inclusive = np.log(denom)
    rho = p.switching_rate if switching is None else switching
    # Partial adjustment (Klemperer 1995): a share 1 - rho of last quarter's buyers
    # stays with an offer still on sale; everyone else (rho of them, plus all buyers of
    # withdrawn offers) chooses afresh by the logit shares.
    stay = prev_lab * avail
    stay *= 1.0 - rho
    stay_open = (1.0 - rho) * prev[:, J]
    stay_out = (1.0 - rho) * np.clip(1.0 - asum(prev, 1), 0.0, 1.0)
    pool = (1.0 - asum(stay.reshape(S, J, W), 1) - stay_open - stay_out) * inv  # (S,W)
    sh_lab = np.multiply(e, pool[:, None, None, :], out=e)  # e is not needed again
    sh_lab += stay  # = stay + e * pool (a sum of two terms is the same either way round)
    sh_open = stay_open + e_open * pool
    outside = stay_out + pool

    # Usage per adopter answers last quarter's mean price with elasticity
    # usage_elasticity (~1: cheaper tokens, proportionally more of them).
    usage = np.clip(st.price0 / np.maximum(st.mean_price_prev, 1e-300), 1e-3, 1e12)
    usage = usage**p.usage_elasticity
    vol = adopters * tb.tokens_per_adopter * 1e6 * fx["demand_mult"][:, None] * usage  # (W,S)
    vol_t = np.ascontiguousarray(vol.T)  # (S,W)
    tok_lab = sh_lab * vol_t[:, None, None, :]  # (S,L,K,W)
    tok_open = sh_open * vol_t  # (S,W)
    lab_tokens = np.moveaxis(asum(tok_lab, 0), -1, 0)  # (W,L,K)
    infer_flops = (
        rsum(lab_tokens * capital.serving_params(st, tb))
        * (1e6 * scaling.INFER_FLOPS_PER_PARAM_TOKEN * serving_stack(p, st.t))
        * cx.eff_mult
    )
    # Each lab's share of all demand (weighted by segment volume) and the price
    # coefficient of its mix of buyers: inputs to next quarter's pricing.
    w_t = vol_t / np.maximum(asum(vol_t, 0), 1e-12)  # (S,W)
    by_seg = (sh_lab[:, :, 0] + sh_lab[:, :, 1]) * w_t[:, None, :]  # (S,L,W)
    firm = asum(by_seg, 0)  # (L,W)
    firm_alpha = asum(by_seg * tb.alpha_s[:, None, None], 0) / np.maximum(firm, 1e-12)
    firm_alpha = np.where(firm > 1e-9, firm_alpha, asum(tb.alpha_s[:, None] * w_t, 0))
    shares = np.empty((W, S, J + 1))
    shares[..., :J] = np.moveaxis(sh_lab.reshape(S, J, W), -1, 0)
    shares[..., J] = sh_open.T
    return {
        "shares": shares,  # (W,S,J)
        "outside": np.ascontiguousarray(outside.T),  # (W,S)
        "inclusive": np.ascontiguousarray(inclusive.T),  # (W,S)
        "tok_lab_t": tok_lab,  # (S,L,K,W) demanded tokens, worlds last
        "open_tokens": np.ascontiguousarray(tok_open.T),  # (W,S)
        "vol": vol,
        "lab_tokens": lab_tokens,
        "infer_flops": infer_flops,
        "open_q": open_q,
        "open_n": open_n,
        "open_price": open_price,
        "open_cost": open_cost,
        "err": err,
        "firm_share": np.ascontiguousarray(firm.T),  # (W,L)
        "firm_alpha": np.ascontiguousarray(firm_alpha.T),  # (W,L)
    }


# ---------------------------------------------------------------------------
# Orders -> decisions
# ---------------------------------------------------------------------------


def _apply_orders(
    st: State,
    tb: Tables,
    cx: Context,
    dec: Decisions,
    orders: dict[int, Orders],
    auto: frozenset[int] = frozenset(),
) -> Decisions:
    """Overwrite human labs' rows with their orders; refuse illegal ones whole.

    Human labs in `auto` keep the policy's rows this quarter (no orders allowed).
    """
    p = tb.scenario.params
    errs: list[str] = []
    if not isinstance(orders, dict):
        raise OrderError([f"orders must map lab index -> Orders, got {type(orders).__name__}"])
    for i in orders:
        if not isinstance(i, int | np.integer) or not 0 <= int(i) < tb.n_labs:
            errs.append(f"orders for unknown lab {i!r}")
        elif not st.human[int(i)]:
            errs.append(f"{tb.names[int(i)]}: not human-controlled; its policy decides")
        elif int(i) in auto:
            errs.append(f"{tb.names[int(i)]}: has orders and is left to its policy; pick one")
    if errs:
        raise OrderError(errs)
    dec = dec.copy()
    for i in np.flatnonzero(st.human):
        if int(i) in auto:
            continue
        name = tb.names[i]
        o = orders.get(int(i), Orders())
        errs += check_shape(o, name, tb.prod_ids)
        if errs:
            continue
        alive = st.alive[:, i]
        if not alive.any():
            if o != Orders():
                errs.append(f"{name}: the lab has gone bankrupt and cannot act")
            dec.lease[:, i] = 0.0
            for arr in (dec.buy, dec.raise_ask, dec.borrow, dec.repay):
                arr[:, i] = 0.0
            dec.start[:, i] = dec.distill[:, i] = dec.release[:, i] = False
            dec.research[:, i] = 0.0
            dec.build[:, i] = False
            continue
        dec.lease[:, i] = st.lease[:, i] if o.lease is None else float(o.lease)
        dec.buy[:, i] = float(o.buy)
        dec.train_share[:, i] = np.nan if o.train_share is None else float(o.train_share)
        dec.research[:, i] = [float(o.research.get(r, 0.0)) for r in RESEARCH]
        dec.build[:, i] = False
        for pid in o.build:
            j = tb.prod_ids.index(pid)
            if (alive & (st.built[:, i, j] | (st.build_left[:, i, j] > 0))).any():
                errs.append(f"{name}: build: {pid!r} is already built or being built")
            dec.build[:, i, j] = True
        dec.prices[:, i] = st.prices[:, i]
        for tier, v in o.prices.items():
            dec.prices[:, i, TIERS.index(tier)] = float(v)
        dec.distill[:, i] = bool(o.distill)
        if o.distill and not st.has[alive, i, 0].all():
            errs.append(f"{name}: distill: there is no frontier model to distill")
        dec.release[:, i] = bool(o.release_open)
        dec.raise_ask[:, i] = float(o.raise_funds)
        dec.repay[:, i] = float(o.repay)
        dec.borrow[:, i] = float(o.borrow)
        if o.repay > 0 and (alive & (o.repay > st.debt[:, i] + 1e-9)).any():
            errs.append(
                f"{name}: repay: ${o.repay:.2f}B exceeds debt ${st.debt[alive, i].min():.2f}B"
            )
        if o.borrow > 0 and (alive & (o.borrow > cx.debt_room[:, i] + 1e-9)).any():
            errs.append(
                f"{name}: borrow: ${o.borrow:.2f}B exceeds the lenders' limit "
                f"${cx.debt_room[alive, i].min():.2f}B (limit = annual revenue + half the "
                "hardware's book value - debt)"
            )
        dec.start[:, i] = False
        if o.train is not None:
            if (alive & (st.run_on[:, i] | (st.run_wait[:, i] >= 0))).any():
                errs.append(f"{name}: train: a training run is already under way")
            dec.start[:, i] = True
            dec.run_n[:, i] = float(o.train.params)
            dec.run_d[:, i] = float(o.train.tokens)
            dec.run_q[:, i] = int(o.train.quarters)
            dec.run_mix[:, i] = _mix_vec(o.train.mix) if o.train.mix else st.mix[:, i]
        # Cash check: everything paid up front this quarter.
        parts = {
            "lease": dec.lease[:, i] * cx.lease_cost,
            "buy": dec.buy[:, i] * cx.buy_cost,
            "research": dec.research[:, i].sum(-1),
            "build": (dec.build[:, i] * tb.build_cost / tb.build_q).sum(-1),
            "distill": np.where(
                dec.distill[:, i],
                _distill_cost(st.n[:, i, 0], p) * cx.train_flop_cost,
                0.0,
            ),
            "repay": dec.repay[:, i],
        }
        need = sum(parts.values())
        have = st.cash[:, i] + dec.borrow[:, i]
        # Worlds where the lab is bust ignore its orders, so they cannot refuse them.
        short = alive & (need > have + 1e-9)
        if short.any():
            w = int(np.argmax(np.where(alive, need - have, -np.inf)))
            spent = ", ".join(f"{k} ${v[w]:.2f}B" for k, v in parts.items() if v[w] > 0)
            where = f" in world {w}" if st.worlds > 1 else ""
            errs.append(
                f"{name}: orders spend ${need[w]:.2f}B ({spent}) but the lab has "
                f"${have[w]:.2f}B{where}; spend less, borrow or raise funds first"
            )
    if errs:
        raise OrderError(errs)
    return dec


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


def _distill_cost(n_big, p):
    """FLOPs to distill: 6 * N_small * (100 * N_small) tokens."""
    n_small = n_big * p.distill_ratio
    return 6.0 * n_small * 100.0 * n_small


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
    sc = tb.scenario
    p = sc.params
    t = st.t
    W, L = st.cash.shape
    E = len(sc.events)
    fpk = tb.flops_per_kgpu_q

    # 1. Events of the quarter (drawn before anything that depends on them).
    ev_left = np.maximum(st.ev_left - 1, 0)
    ev_seen = st.ev_seen.copy()
    started = np.zeros((W, E), dtype=bool)
    if E:
        u = rng.uniform(st.seeds, t, "events", E)
        started = (u < tb.ev_hazard) & ~ev_seen & (t >= tb.ev_min_q) & (ev_left == 0)
        ev_left = np.where(started, tb.ev_duration, ev_left)
        ev_seen |= started
    fx = _event_effects(tb, ev_left)

    # 2. Prices of compute and capital; decisions (bots, then human orders).
    cx = capital.context(st, tb, fx)
    dec = bot_decisions(st, tb, cx)
    if decide is not None:
        dec = decide(st, tb, cx, dec)
    human_rows = np.flatnonzero(st.human)
    if len(human_rows) or orders:
        dec = _apply_orders(st, tb, cx, dec, orders, auto_set)

    # Most fields get new arrays below; only those written in place are copied now.
    ns = st.draft(("n", "cap", "has", "front_cap", "front_n", "exists"))
    ns.ev_left, ns.ev_seen = ev_left, ev_seen
    flows = np.zeros((len(FLOW_NAMES), W, L))  # flow-major: contiguous (W,L) slices
    alive = st.alive
    arch = slot_arch(st.arch)  # (1,L) or (W,L)

    # Once-effects of events that start now.
    if E and started.any():
        for name, target in (("sentiment_mult", "sentiment"), ("data_stock_mult", "data_stock")):
            v = np.nan_to_num(tb.ev_effect[name], nan=1.0)
            mult = _event_product(started, v)
            if mult is not None:
                setattr(ns, target, getattr(ns, target) * mult)
        mult = _event_product(started[..., None], tb.ev_segment)
        if mult is not None:
            ns.seg_mult = ns.seg_mult * mult

    # 3. Compute: lease and buy.
    hour, lease_hour, lease_cost, buy_cost, tfc, m_eff = capital.compute_prices(
        tb, t, st.markup, fx
    )
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

    # 4. Training runs: start, progress, finish, ship.
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
    auto_share = np.clip(np.minimum(want, free) / np.maximum(capacity, 1e-9), 0.0, 0.95)
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

    # 5. Distillation and open releases.
    distill = dec.distill & alive & ns.has[..., 0]
    at = np.flatnonzero(distill)
    d_cost = np.zeros((W, L))
    d_cost.reshape(-1)[at] = _distill_cost(n[at, 0], p) * tfc[at // L]
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

    # 6. Research and products.
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

    # 7. Demand: frontier, potential market, diffusion, logit choice, capacity.
    frontier = rmax(rmax(np.where(alive[..., None] & ns.has, ns.cap, -np.inf)))
    frontier = np.maximum(np.where(np.isfinite(frontier), frontier, 0.0), ns.open_cap)
    best_lab = np.argmax(np.where(alive & ns.has[..., 0], ns.cap[..., 0], -np.inf), -1)
    ns.front_cap[:, _ring(t)] = frontier
    ns.front_n[:, _ring(t)] = np.take_along_axis(ns.n[..., 0], best_lab[:, None], 1)[:, 0]
    potential = (
        tb.potential0
        * np.exp(tb.market_growth * (frontier[:, None] - tb.front0))
        * _opens(tb, frontier)
        * ns.seg_mult
    )
    ns.adopters = market.bass_step(st.adopters, potential, tb.bass_p, tb.bass_q)
    ns.alive = alive  # bankruptcies come after the market clears
    # Open weights are a floor: a lab whose own model is worse serves the open one.
    offer = _open_offer(ns, tb, cx, fx)
    open_q, open_n = offer[0], offer[1]
    rebase = alive & (ns.cap[..., 0] < open_q[:, None] - 1e-9)
    at = np.flatnonzero(rebase)
    cap[at, 0] = open_q[at // L]
    n[at, 0] = open_n[at // L]
    cx_now = Context(**{**cx.__dict__, "eff_mult": capital.serving_mult(ns, tb)})
    d = _demand(ns, tb, cx_now, ns.prices, fx, offer=offer)
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
    n_serve = capital.serving_params(ns, tb)
    cost_now = serve_cost(n_serve, lease_hour[:, None, None], p, cx_now.eff_mult[..., None], t)
    margin_rev = rsum(lab_tok * (ns.prices - cost_now)) / 1e9
    open_tok = rsum(d["open_tokens"])
    fringe_rev = open_tok * d["open_price"] / 1e9
    fringe_compute = open_tok * d["open_cost"] / 1e9
    ns.rep = np.where(
        alive, st.rep * (1.0 - p.reputation_recovery) - p.unserved_penalty * (1.0 - served), 0.0
    )
    ns.rep = np.maximum(ns.rep, -3.0)

    # 8. Finance.
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

    # The state may take over the leading private lab (government.py).
    taken = government.nationalize(st, tb, frontier, ns.alive)
    government.take_over(ns, tb, taken)

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

    # 9. Vendor, value chain, market structure.
    lab_compute = -(flows[FLOW["lease"]] + flows[FLOW["purchase"]] + flows[FLOW["distill"]])
    vendor_rev = rsum(lab_compute) + fringe_compute
    vendor_gp = vendor_rev * m_eff / (1.0 + m_eff)
    # Spend and served tokens by segment, in the demand's worlds-last layout.
    served_t = d["tok_lab_t"] * np.ascontiguousarray(served.T)[None, :, None, :]  # (S,L,K,W)
    prices_t = np.ascontiguousarray(ns.prices.transpose(1, 2, 0))[None]  # (1,L,K,W)
    lab_spend_t = asum(asum(served_t * prices_t, 1), 1)  # (S,W)
    app_spend = lab_spend_t.T + d["open_tokens"] * d["open_price"][:, None]  # (W,S) $
    apps = rsum(tb.app_share * app_spend) * p.app_margin / (1.0 - p.app_margin) / 1e9
    seg_tok = asum(asum(served_t, 1), 1).T + d["open_tokens"]  # served tokens (W,S)
    mean_price = app_spend / np.maximum(seg_tok, 1e-9)
    ns.mean_price_prev = np.where(seg_tok > 0, mean_price, st.mean_price_prev)
    cs = rsum(market.consumer_surplus(d["inclusive"], tb.alpha_s, mean_price, d["vol"])) / 1e9
    labs_layer = rsum(op) + (fringe_rev - fringe_compute)
    vc = np.stack([vendor_gp, labs_layer, apps, cs], axis=-1)
    ns.vc_cum = st.vc_cum + vc
    total_rev = rsum(revenue) + fringe_rev
    hhi = metrics.hhi(revenue, fringe_rev)
    cr4 = metrics.cr4(revenue, fringe_rev)
    lern = metrics.lerner(total_rev, rsum(margin_rev) + (fringe_rev - fringe_compute))
    served_tok = rsum(rsum(lab_tok)) + open_tok
    open_share = open_tok / np.maximum(served_tok, 1e-9)
    lab_margin = rsum(op) / np.maximum(rsum(revenue), 1e-9)
    # The verdict reads the last four quarters (fewer at the start), not one noisy one.
    now = np.stack([hhi, lern, lab_margin, open_share], axis=-1)[:, None, :]
    ns.struct_hist = np.concatenate([st.struct_hist[:, 1:], now], axis=1)
    filled = np.isfinite(ns.struct_hist)
    trail = asum(np.where(filled, ns.struct_hist, 0.0), 1) / np.maximum(asum(filled * 1.0, 1), 1)
    verdict = metrics.verdict(trail[:, 0], trail[:, 1], trail[:, 2], trail[:, 3])
    # Price of constant capability: cheapest offer at or above a fixed capability.
    ref = tb.front0 - 0.5
    ok = alive[..., None] & ns.has & (ns.cap >= ref)
    lab_min = rmin(rmin(np.where(ok, ns.prices, np.inf)))
    # An open model of exactly the reference capability, hosted at near cost, bounds it:
    # this is what algorithmic progress and cheaper chips do to constant capability.
    ref_n = open_params_for(tb, t, ref) * p.open_weight_size_ratio
    ref_cost = serve_cost(ref_n, lease_hour, p, p.open_weight_efficiency, t)
    cc_price = np.minimum(lab_min, ref_cost * (1.0 + p.open_weight_markup))
    ns.price_hist = np.concatenate([st.price_hist[:, 1:], cc_price[:, None]], -1)
    yago = st.price_hist[:, 1]
    decline = np.where(t >= 4, yago / np.maximum(cc_price, 1e-12), np.nan)

    # 10. Entry: profits that beat the entry cost invite a new lab.
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
        _admit(ns, tb, entered, entry_cost, d, lease_hour)
        flows[FLOW["funding"]][entered] += ns.cash[entered]

    # 11. Investors, vendor markup, data.
    ind_rev = rsum(revenue)
    prev_rev = rsum(st.rev_hist[..., -1])
    growth = ind_rev / np.maximum(prev_rev, 1e-9) - 1.0
    progress = frontier - st.front_cap[:, _ring(t - 4)]
    noise = rng.normal(st.seeds, t, "sentiment", 1)[:, 0]
    ns.sentiment = np.clip(
        ns.sentiment
        + p.sentiment_reversion * (p.sentiment_mean - ns.sentiment)
        + p.sentiment_growth_gain * np.clip(growth - 0.05, -0.3, 0.3)
        + 0.15 * np.clip(progress - 0.3, -0.5, 0.5)
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

    # 12. Book-keeping for next quarter.
    # Dead labs keep last quarter's share here; next quarter's partial adjustment
    # sends all of their buyers back to choose again (they are no longer on offer).
    ns.share_prev = d["shares"]
    ns.rev_hist = np.concatenate([st.rev_hist[..., 1:], revenue[..., None]], -1)
    ns.firm_share = np.where(ns.alive, d["firm_share"], 0.0)
    ns.firm_alpha = d["firm_alpha"]
    ns.infer_flops_prev = need_flops
    ns.open_q_prev = d["open_q"]
    ns.served_prev = served
    ns.unit_cost = cost_now
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
        "hhi": hhi,
        "cr4": cr4,
        "lerner": lern,
        "verdict": verdict,
        "lab_margin": lab_margin,
        "lab_lerner": metrics.lerner(rsum(revenue), rsum(margin_rev)),
        "open_token_share": open_share,
        "price_decline": decline,
        "constant_cap_price": cc_price,
        "market_size": rsum(app_spend) / 1e9 + rsum(contract_pay),  # tokens and contracts
        "potential": potential,
        "adopters": ns.adopters,
        "segment_tokens": seg_tok,
        "outside_share": d["outside"],
        "value_chain": vc,
        "value_chain_cum": ns.vc_cum,
        "vendor_revenue": vendor_rev,
        "lab_compute_spend": lab_compute,
        "fringe_revenue": fringe_rev,
        "fringe_compute_spend": fringe_compute,
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
        "contract_won": won,
        "contract_lost": lost,
        "nationalized": taken,
        "rebased": rebase,
        "scaling_holds": st.holds,
    }
    return ns, Report(quarter=t, metrics=m, flows=np.moveaxis(flows, 0, -1))


def _admit(ns: State, tb: Tables, entered, entry_cost, d, lease_hour):
    """New labs start from the open-weight frontier with entry capital in cash.

    Entry is rare, so only the entered (world, slot) pairs are written, into copies.
    """
    p = tb.scenario.params
    a = tb.entrant_arch
    w, i = np.nonzero(entered)

    def put(name, value):
        arr = getattr(ns, name).copy()
        arr[w, i] = value
        setattr(ns, name, arr)

    ns.exists[w, i] = True  # ns.exists and ns.alive are this quarter's own arrays
    ns.alive[w, i] = True
    put("arch", a)
    put("cash", p.entry_cash_mult * entry_cost[w])
    for name in ("debt", "gpus", "book", "lease", "amort", "cum_op", "cum_econ", "rep"):
        put(name, 0.0)
    put("equity", 1.0)
    put("staff", 0.02 * entry_cost[w] + 0.05)
    oq, on = d["open_q"][w], d["open_n"][w]
    ns.n[w, i, 0] = on  # ns.n, ns.cap, ns.has: copied at the start of the step
    ns.cap[w, i, 0] = oq
    ns.n[w, i, 1] = on * p.distill_ratio
    ns.cap[w, i, 1] = distilled_capability(oq, p.distill_ratio, p.distill_gap)
    ns.has[w, i] = True
    put("mix", tb.a_mix[a])
    cost = serve_cost(ns.n[w, i], lease_hour[w, None], p, 1.0, ns.t)
    put("prices", 2.0 * cost)
    put("built", np.array(tb.prod_ids) == "api")
    put("last_deploy", ns.t)
    put("last_run_flops", 6.0 * on * 20.0 * on)
