"""Demand: the potential market, the open-weight offer and the logit choice.

Phase 7 of the step (docs/model.md 8): `opens` gates segments by capability,
`open_offer` builds the open-weight offer (the frontier lagged by `open_lag`, or the
best open release), and `shares` computes every segment's logit shares with partial
adjustment, the tokens each offer serves and the inference load.
"""

from __future__ import annotations

import numpy as np

from . import capital, scaling
from .capital import research_level, serve_cost, serving_stack
from .fast import asum, clip, rsum
from .policy import Context
from .scenario import RESEARCH
from .state import H, K, S, State, Tables, product_codes
from .training import algo_multiplier


def opens(tb: Tables, frontier):
    """Logistic opening of segments with a capability threshold."""
    f = np.asarray(frontier, dtype=np.float64)[..., None]
    gate = 1.0 / (1.0 + np.exp(-(f - tb.opens_at) / 0.25))
    return np.where(tb.opens_at > 0, gate, 1.0)


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


def open_offer(st: State, tb: Tables, cx: Context, fx):
    """The open-weight offer: the frontier lagged, or the best open release if better."""
    p = tb.scenario.params
    base = open_lag(p, st.t)
    lag = clip(np.round(base + fx["open_lag_add"]), 0, H - 1).astype(np.int64)
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


def shares(
    st: State,
    tb: Tables,
    cx: Context,
    prices,
    fx,
    adopters=None,
    switching=None,
    offer=None,
    n_serve=None,
):
    """Logit demand in every segment. Returns a dict of arrays (see keys below).

    n_serve: the parameters each offer runs per token (capital.serving_params), when the
    caller has them already. Only a share `switching` of buyers choose afresh each quarter (partial adjustment);
    the rest stay with last quarter's choice if it is still on offer.

    Inside, arrays put the world axis last, (S,L,K,W): numpy then runs long contiguous
    inner loops over worlds instead of two-element loops over tiers, which is several
    times faster for big batches. Results go back to the world-first layout.
    """
    p = tb.scenario.params
    W, L = st.cash.shape
    J = L * K
    adopters = st.adopters if adopters is None else adopters
    offer = open_offer(st, tb, cx, fx) if offer is None else offer
    open_q, open_n, open_price, open_cost = offer

    def wl(x, *order):  # world axis last, contiguous; order permutes the other axes
        order = order or tuple(range(1, x.ndim))
        return np.ascontiguousarray(x.transpose(*order, 0))

    col = (slice(None), None, None, None)  # (S,) -> (S,1,1,1)
    seg = tb.asc - tb.beta_q * tb.q_ref + tb.alpha_s * np.log(tb.p_ref)  # (S,)
    spec = wl(p.spec_strength * (np.sqrt(S * st.mix) - 1.0), 2, 1)  # (S,L,W)
    rel_level = research_level(st.research[..., RESEARCH.index("reliability")], p.reliability_unit)
    err = p.error_at_5 * np.exp(-p.error_per_cap * (st.cap - 5.0))
    err = clip(err * ((1.0 - p.reliability_step) ** rel_level)[..., None], 1e-3, 0.9)
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
    tmp = np.empty_like(u)  # one scratch array for the terms: fresh big arrays cost page faults
    u -= np.multiply(tb.alpha_s[col], wl(np.log(np.maximum(prices, 1e-9)))[None], out=tmp)
    u -= np.multiply(tb.beta_r[col], wl(np.log(err / 0.05))[None], out=tmp)
    u += base[:, :, None, :]
    u += np.multiply(lock[:, :, None, :], prev_lab, out=tmp)
    err_open = clip(
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
    stay = np.multiply(prev_lab, avail, out=tmp)  # the scratch array is free again
    stay *= 1.0 - rho
    stay_open = (1.0 - rho) * prev[:, J]
    stay_out = (1.0 - rho) * clip(1.0 - asum(prev, 1), 0.0, 1.0)
    pool = (1.0 - asum(stay.reshape(S, J, W), 1) - stay_open - stay_out) * inv  # (S,W)
    sh_lab = np.multiply(e, pool[:, None, None, :], out=e)  # e is not needed again
    sh_lab += stay  # = stay + e * pool (a sum of two terms is the same either way round)
    sh_open = stay_open + e_open * pool
    outside = stay_out + pool

    # Usage per adopter answers last quarter's mean price with elasticity
    # usage_elasticity (~1: cheaper tokens, proportionally more of them).
    usage = clip(st.price0 / np.maximum(st.mean_price_prev, 1e-300), 1e-3, p.usage_max)
    usage = usage**p.usage_elasticity
    vol = adopters * tb.tokens_per_adopter * 1e6 * fx["demand_mult"][:, None] * usage  # (W,S)
    vol_t = np.ascontiguousarray(vol.T)  # (S,W)
    tok_lab = sh_lab * vol_t[:, None, None, :]  # (S,L,K,W)
    tok_open = sh_open * vol_t  # (S,W)
    lab_tokens = np.moveaxis(asum(tok_lab, 0), -1, 0)  # (W,L,K)
    infer_flops = (
        rsum(lab_tokens * (capital.serving_params(st, tb) if n_serve is None else n_serve))
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
