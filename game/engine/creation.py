"""Creation: a batch of worlds at the start of the game, and entrants' set-up.

`create` draws each world's hidden facts (does scaling hold, where it stalls, how
loyal buyers are), builds the starting labs and warms the market up with one quarter
of demand (docs/model.md 2, 4.5, 8.6); `admit` sets up a new entrant (11.9).
"""

from __future__ import annotations

import numpy as np

from . import capital, demand, events, rng, scaling
from .capital import serve_cost
from .fast import asum, rsum
from .scenario import RESEARCH, SEGMENTS
from .state import H, K, S, State, Tables
from .training import distilled_capability, ring

MAX_LABS = 32


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
        mix[:, i] = tb.a_mix[ai] if not lab.mix else mix_vec(lab.mix)
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
        slot = ring(-k)
        front_cap[:, slot] = cap[:, best, 0] - 0.12 * k
        front_n[:, slot] = sc.labs[best].params / 1.3**k
    open_arch = tb.a_open[arch] & exists
    open_cap = np.where(open_arch, cap[..., 0], -np.inf).max(axis=-1)
    open_n = np.where(open_arch, n[..., 0], 0.0).max(axis=-1)
    open_cap = np.where(np.isfinite(open_cap), open_cap, 0.0)
    seg_open = demand.opens(tb, tb.front0)
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
        tb, 0, st.markup, events.effects(tb, st.ev_left)
    )
    st.book = gpus * buy_cost[:, None] * 0.6
    # Warm start: last quarter's shares, revenue and inference load, so lock-in,
    # valuations and capacity plans start from a market that already exists.
    fx = events.effects(tb, st.ev_left)
    cx = capital.context(st, tb, fx)
    d = demand.shares(st, tb, cx, st.prices, fx, switching=1.0)
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


def mix_vec(m: dict[str, float]) -> np.ndarray:
    v = np.array([max(float(m.get(s, 0.0)), 0.0) for s in SEGMENTS])
    return v / v.sum() if v.sum() > 0 else np.full(S, 1.0 / S)


def admit(ns: State, tb: Tables, entered, entry_cost, d, lease_hour):
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


def futures(st: State, tb: Tables, worlds: int, seed: int) -> State:
    """`worlds` copies of world 0 of `st` whose futures differ (the odds of a game).

    Everything the players can see is copied. What is still to come is drawn afresh:
    copy k has seed `seed + k`, so every later draw (events, bots' randomness,
    nationalization, contracts) differs. The hidden draws nobody has seen are drawn
    again, given what the game has shown so far (docs/model.md 19.5):

    - where no shipped model has yet fallen short of the law, whether scaling holds and
      where it would stall are drawn from their priors *given* that it has not
      stalled below the best capability shipped so far, c: P(holds) becomes
      p / (p + (1 - p) P(stall > c)), and a stall point lies uniformly above c;
    - once a stall has been seen (`stall_seen`), scaling is known to stall there: kept;
    - buyers' loyalty is drawn again from its prior (no screen measures it).

    All labs are left to their policies (the caller's `decide` plays the seat).
    """
    if worlds < 1:
        raise ValueError("worlds must be >= 1")
    if not 0 <= int(seed) < 2**63 - worlds:
        raise ValueError("seed must be a non-negative integer below 2**63")
    p = tb.scenario.params
    one = st.world(0)
    kw = {}
    for name, v in one.arrays().items():
        kw[name] = v.copy() if name == "human" else np.repeat(v, worlds, axis=0)
    new = State(t=one.t, **kw)
    new.human = np.zeros_like(one.human)
    seeds = np.arange(worlds, dtype=np.uint64) + np.uint64(int(seed))
    new.seeds = seeds
    if not bool(one.stall_seen.any()):
        shipped = np.where(one.has[0, :, 0], one.cap[0, :, 0], -np.inf)
        c = float(max(np.max(one.front_cap[0]), np.max(shipped)))
        lo_prior, hi = tb.front0 + p.stall_min, tb.front0 + p.stall_max
        lo = max(c, lo_prior)
        q = (1.0 - p.scaling_continues_p) * max(hi - lo, 0.0) / max(hi - lo_prior, 1e-12)
        p_holds = p.scaling_continues_p / max(p.scaling_continues_p + q, 1e-12)
        u = rng.uniform(seeds, -1, "world", 2)
        new.holds = u[:, 0] < p_holds
        new.stall = lo + u[:, 1] * max(hi - lo, 0.0)
    v = rng.uniform(seeds, -1, "loyalty", 1)[:, 0]
    new.loyalty = p.loyalty_min * (p.loyalty_max / p.loyalty_min) ** v
    return new
