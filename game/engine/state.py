"""World state: a struct of numpy arrays whose leading axis is the world (W).

Axis names used in docstrings and shapes:
W worlds, L lab slots (scenario labs + entrant slots), K model tiers (frontier, small),
S segments, P products, E events, R research tracks, J offers in a segment
(L*K lab offers + 1 open-weight offer; the outside option is implicit), H history ring.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from . import scaling
from .scenario import RESEARCH, SEGMENTS, TEMPORARY, TIERS, Scenario

K = len(TIERS)
S = len(SEGMENTS)
R = len(RESEARCH)
H = 20  # frontier-history ring; open-weight lag must be < H
FLOW_NAMES: tuple[str, ...] = (
    "revenue",
    "lease",
    "purchase",
    "distill",
    "staff",
    "research",
    "product_build",
    "product_upkeep",
    "interest",
    "funding",
    "borrow",
    "repay",
    "subsidy",
    "writeoff",
    "contract_delivery",
    "parent_sweep",
)
F = len(FLOW_NAMES)
FLOW = {name: i for i, name in enumerate(FLOW_NAMES)}


@dataclass
class Tables:
    """Scenario data compiled to arrays once per scenario (never per step)."""

    scenario: Scenario
    law: scaling.ScalingLaw
    n_labs: int
    names: tuple[str, ...]
    arch_ids: tuple[str, ...]
    # segments (S,)
    potential0: np.ndarray
    adopters0: np.ndarray
    tokens_per_adopter: np.ndarray
    market_growth: np.ndarray
    opens_at: np.ndarray
    asc: np.ndarray
    beta_q: np.ndarray
    q_ref: np.ndarray
    beta_r: np.ndarray
    p_ref: np.ndarray
    lock_in: np.ndarray
    app_share: np.ndarray
    bass_p: np.ndarray
    bass_q: np.ndarray
    alpha_s: np.ndarray  # price coefficient by segment = alpha * price_weight
    # products (P,), (P,S)
    prod_ids: tuple[str, ...]
    build_q: np.ndarray
    build_cost: np.ndarray
    upkeep: np.ndarray
    prod_fit: np.ndarray
    prod_lock: np.ndarray
    prod_cost_mult: np.ndarray
    prod_small_share: np.ndarray  # (P,) share of frontier tokens run on the small model
    # archetypes (A,), (A,S), (A,R), (A,P) order ranks
    a_ambition: np.ndarray
    a_cadence: np.ndarray
    a_run_q: np.ndarray
    a_tpp: np.ndarray
    a_mix: np.ndarray
    a_price: np.ndarray
    a_research: np.ndarray
    a_split: np.ndarray
    a_prod_rank: np.ndarray  # (A,P) build order, large = never
    a_buy: np.ndarray
    a_ship: np.ndarray
    a_open: np.ndarray
    a_subsidy: np.ndarray
    a_free: np.ndarray
    a_spend: np.ndarray
    entrant_arch: int
    # events (E,), (E,C), (E,S)
    ev_ids: tuple[str, ...]
    ev_hazard: np.ndarray
    ev_duration: np.ndarray
    ev_min_q: np.ndarray
    ev_effect: dict[str, np.ndarray]  # channel -> (E,) value (NaN = not set)
    ev_segment: np.ndarray  # (E,S) potential multipliers, 1 = none
    # temporary channels as matrices: (E, channels), 0 / 1 where an event is silent
    ev_add_names: tuple[str, ...]
    ev_add: np.ndarray
    ev_mult_names: tuple[str, ...]
    ev_mult: np.ndarray
    # constants
    flops_per_kgpu_q: float
    front0: float
    # Look-up tables by product code (bit j set = product j built; see `product_codes`),
    # built from the product and archetype tables above; None when there are too many
    # products for a table (the step then computes these per lab).
    code_fit: np.ndarray | None = None  # (S, codes*L): (built @ prod_fit)[l, s] at code*L + l
    code_lock: np.ndarray | None = None  # (S, codes*L): lock_in + (built @ prod_lock)[l, s]
    code_upkeep: np.ndarray | None = None  # (codes,) summed upkeep of the built products
    code_next: np.ndarray | None = None  # (A, codes) next product to build, -1 = none


#: Most products a scenario may have for the product-code tables (2**P codes).
MAX_CODE_PRODUCTS = 10


def product_codes(built: np.ndarray) -> np.ndarray:
    """(..., P) bool -> (...) int64 code with bit j set where product j is built."""
    P = built.shape[-1]
    bits = np.ascontiguousarray(built).view(np.uint8).reshape(-1, P)
    weights = (1 << np.arange(P)).astype(np.uint8 if P <= 8 else np.uint16)
    return (bits @ weights).astype(np.int64).reshape(built.shape[:-1])


def _code_tables(L: int, lock_in, prod_fit, prod_lock, upkeep, prod_rank) -> dict:
    """The per-code tables of Tables, computed the way the step would per lab.

    Each code's product pattern is put in every lab slot and goes through the same
    stacked matrix product as the step's (labs, products) @ (products, segments), so a
    table entry has the bits the step's own product would have at that slot.
    """
    P = len(upkeep)
    codes = np.arange(2**P)
    bits = (codes[:, None] >> np.arange(P)) & 1 == 1  # (codes, P)
    pattern = np.broadcast_to(bits[:, None, :], (len(codes), L, P)).astype(np.float64)

    def by_code(x):  # (codes, L, S) -> (S, codes * L)
        return np.ascontiguousarray(x.transpose(2, 0, 1)).reshape(x.shape[2], -1)

    cand = np.where(~bits[None], prod_rank[:, None, :], 10_000)  # (A, codes, P)
    nxt = np.argmin(cand, axis=-1)
    none = np.take_along_axis(cand, nxt[..., None], -1)[..., 0] >= 10_000
    return {
        "code_fit": by_code(pattern @ prod_fit),
        "code_lock": by_code(lock_in + pattern @ prod_lock),
        # Python's sum from 0 in product order, as the step adds the upkeep flows.
        "code_upkeep": sum(bits[:, j] * upkeep[j] for j in range(P)) + np.zeros(len(codes)),
        "code_next": np.where(none, -1, nxt),
    }


def _norm_mix(mix: dict[str, float]) -> np.ndarray:
    v = np.array([max(float(mix.get(s, 0.0)), 0.0) for s in SEGMENTS])
    total = v.sum()
    return v / total if total > 0 else np.full(S, 1.0 / S)


def compile_tables(sc: Scenario) -> Tables:
    errs = sc.validate()
    if errs:
        raise ValueError("scenario is inconsistent: " + "; ".join(errs))
    p = sc.params
    law = scaling.get_law(p.scaling_law)
    segs = sc.segments
    prods = sc.products
    archs = sc.archetypes
    arch_index = {a.id: i for i, a in enumerate(archs)}
    prod_index = {q.id: i for i, q in enumerate(prods)}

    def seg_arr(attr):
        return np.array([float(getattr(s, attr)) for s in segs])

    def by_seg(d):
        return np.array([float(d.get(s, 0.0)) for s in SEGMENTS])

    rank = np.full((len(archs), len(prods)), 10_000, dtype=np.int64)
    for ai, a in enumerate(archs):
        for order, pid in enumerate(a.products):
            rank[ai, prod_index[pid]] = order

    channels = {
        c: np.full(len(sc.events), np.nan)
        for c in (*TEMPORARY, "sentiment_mult", "data_stock_mult")
    }
    for ei, e in enumerate(sc.events):
        for c, v in e.effects.items():
            channels[c][ei] = float(v)
    add_names = tuple(c for c in TEMPORARY if c.endswith("_add"))
    mult_names = tuple(c for c in TEMPORARY if not c.endswith("_add"))
    ev_segment = np.ones((len(sc.events), S))
    for ei, e in enumerate(sc.events):
        for s, v in e.segment_effects.items():
            ev_segment[ei, SEGMENTS.index(s)] = float(v)

    names = tuple(lab.name for lab in sc.labs) + tuple(
        f"Entrant {i + 1}" for i in range(sc.entrant_slots)
    )
    front0 = float(max(scaling.capability(lab.params, lab.tokens, law) for lab in sc.labs))
    prod_fit = np.array([by_seg(q.fit) for q in prods]).reshape(len(prods), S)
    prod_lock = np.array([by_seg(q.lock_in) for q in prods]).reshape(len(prods), S)
    upkeep = np.array([float(q.upkeep) for q in prods])
    lock_in = seg_arr("lock_in")
    codes = {}
    if len(prods) <= MAX_CODE_PRODUCTS:
        codes = _code_tables(sc.n_labs, lock_in, prod_fit, prod_lock, upkeep, rank)
    return Tables(
        scenario=sc,
        law=law,
        n_labs=sc.n_labs,
        names=names,
        arch_ids=tuple(a.id for a in archs),
        potential0=seg_arr("potential0"),
        adopters0=seg_arr("adopters0"),
        tokens_per_adopter=seg_arr("tokens_per_adopter"),
        market_growth=seg_arr("market_growth"),
        opens_at=seg_arr("opens_at"),
        asc=seg_arr("asc"),
        beta_q=seg_arr("beta_quality"),
        q_ref=seg_arr("q_ref"),
        beta_r=seg_arr("beta_reliability"),
        p_ref=seg_arr("p_ref"),
        lock_in=lock_in,
        app_share=seg_arr("app_share"),
        bass_p=seg_arr("bass_p"),
        bass_q=seg_arr("bass_q"),
        alpha_s=p.alpha * seg_arr("price_weight"),
        prod_ids=tuple(q.id for q in prods),
        build_q=np.array([max(int(q.build_quarters), 1) for q in prods]),
        build_cost=np.array([float(q.build_cost) for q in prods]),
        upkeep=upkeep,
        prod_fit=prod_fit,
        prod_lock=prod_lock,
        prod_cost_mult=np.array([float(q.serving_cost_mult) for q in prods]),
        prod_small_share=np.array([float(q.small_model_share) for q in prods]),
        a_ambition=np.array([a.ambition for a in archs], dtype=float),
        a_cadence=np.array([max(a.cadence, 1) for a in archs]),
        a_run_q=np.array([max(a.run_quarters, 1) for a in archs]),
        a_tpp=np.array([a.tokens_per_param for a in archs], dtype=float),
        a_mix=np.array([_norm_mix(a.mix) for a in archs]),
        a_price=np.array([a.price_factor for a in archs], dtype=float),
        a_research=np.array([a.research_share for a in archs], dtype=float),
        a_split=np.array([[float(a.research_split.get(r, 0.0)) for r in RESEARCH] for a in archs]),
        a_prod_rank=rank,
        a_buy=np.array([a.buy_share for a in archs], dtype=float),
        a_ship=np.array([a.ship_delay for a in archs]),
        a_open=np.array([a.releases_open for a in archs]),
        a_subsidy=np.array([a.subsidy for a in archs], dtype=float),
        a_free=np.array([a.sentiment_free for a in archs]),
        a_spend=np.array([a.max_spend_share for a in archs], dtype=float),
        entrant_arch=arch_index.get(sc.entrant_archetype, 0),
        ev_ids=tuple(e.id for e in sc.events),
        ev_hazard=np.array([e.hazard for e in sc.events], dtype=float),
        ev_duration=np.array([max(e.duration, 1) for e in sc.events]),
        ev_min_q=np.array([e.min_quarter for e in sc.events]),
        ev_effect=channels,
        ev_segment=ev_segment,
        ev_add_names=add_names,
        ev_add=np.nan_to_num(np.stack([channels[c] for c in add_names], -1), nan=0.0).reshape(
            len(sc.events), len(add_names)
        ),
        ev_mult_names=mult_names,
        ev_mult=np.nan_to_num(np.stack([channels[c] for c in mult_names], -1), nan=1.0).reshape(
            len(sc.events), len(mult_names)
        ),
        flops_per_kgpu_q=p.gpu_flops * 3600.0 * p.hours_per_quarter * 1000.0,
        front0=front0,
        **codes,
    )


@dataclass
class State:
    """Everything that changes. Arrays have the world as leading axis.

    World (W,): seeds, holds (scaling continues), stall (capability where it stalls),
    loyalty (multiplier on switching costs), contract_holder (lab holding the
    government contract, -1 none), contract_left (its quarters to run),
    nationalized_seen (the state has taken over a lab),
    data_stock (unique tokens), markup (vendor),
    sentiment (investors), open_cap / open_n (best openly released model).
    Segments (W,S): adopters (millions), seg_mult (permanent potential multipliers).
    Events (W,E): ev_left (quarters still active), ev_seen (has happened).
    History rings (W,H): front_cap, front_n (frontier capability and params by quarter).
    Labs (W,L): exists, alive, arch, cash, debt, gpus (owned kGPU), book ($B),
    lease (kGPU last quarter), staff ($B/q base), rep (reputation, <= 0),
    amort (training cost still to amortize), cum_op / cum_econ (profits),
    equity (share of the lab its founders still own, after the rounds sold),
    infer_flops_prev (inference FLOPs demanded last quarter).
    Models (W,L,K): n (params), cap (capability), has (exists); mix (W,L,S).
    Runs (W,L): run_on, run_need / run_done (FLOPs), run_n, run_d, run_mix (W,L,S),
    run_cost ($B so far), run_wait (ship delay left, -1 idle), run_cap,
    last_run_flops, last_deploy (quarter).
    research (W,L,R): cumulative $B. Products (W,L,P): build_left, built.
    prices (W,L,K): $/M tokens; unit_cost (W,L,K): last quarter's serving cost, $/M.
    share_prev (W,S,J): last quarter's shares.
    rev_hist (W,L,4): revenue ring. econ_hist (W,4): industry economic profit ring.
    vc_cum (W,4): cumulative value chain (hardware, labs, apps, consumers).
    """

    t: int
    seeds: np.ndarray
    human: np.ndarray  # (L,) bool, static
    holds: np.ndarray
    stall: np.ndarray
    loyalty: np.ndarray
    contract_holder: np.ndarray
    contract_left: np.ndarray
    nationalized_seen: np.ndarray
    data_stock: np.ndarray
    markup: np.ndarray
    sentiment: np.ndarray
    open_cap: np.ndarray
    open_n: np.ndarray
    adopters: np.ndarray
    seg_mult: np.ndarray
    ev_left: np.ndarray
    ev_seen: np.ndarray
    front_cap: np.ndarray
    front_n: np.ndarray
    exists: np.ndarray
    alive: np.ndarray
    arch: np.ndarray
    cash: np.ndarray
    debt: np.ndarray
    gpus: np.ndarray
    book: np.ndarray
    lease: np.ndarray
    staff: np.ndarray
    rep: np.ndarray
    amort: np.ndarray
    cum_op: np.ndarray
    cum_econ: np.ndarray
    equity: np.ndarray
    infer_flops_prev: np.ndarray
    n: np.ndarray
    cap: np.ndarray
    has: np.ndarray
    mix: np.ndarray
    run_on: np.ndarray
    run_need: np.ndarray
    run_done: np.ndarray
    run_n: np.ndarray
    run_d: np.ndarray
    run_mix: np.ndarray
    run_cost: np.ndarray
    run_wait: np.ndarray
    run_cap: np.ndarray
    run_left: np.ndarray  # (W,L) planned quarters left
    run_raw: np.ndarray  # (W,L) capability the scaling law promised
    last_run_flops: np.ndarray
    last_deploy: np.ndarray
    research: np.ndarray
    build_left: np.ndarray
    built: np.ndarray
    prices: np.ndarray
    unit_cost: np.ndarray
    share_prev: np.ndarray
    rev_hist: np.ndarray
    econ_hist: np.ndarray
    vc_cum: np.ndarray
    price_hist: np.ndarray  # (W,5) constant-capability price ring
    open_q_prev: np.ndarray  # (W,) open-weight offer capability last quarter
    served_prev: np.ndarray  # (W,L) share of demand served last quarter
    vendor_prev: np.ndarray  # (W,) vendor revenue last quarter, in GPU-hours
    op_prev: np.ndarray  # (W,L) operating profit last quarter, $B
    stall_seen: np.ndarray  # (W,L) bool: a shipped model fell short of the scaling law
    struct_hist: np.ndarray  # (W,4,4) last 4 quarters of hhi, lerner, margin, open share
    firm_share: np.ndarray  # (W,L) last quarter's share of all demand, volume-weighted
    firm_alpha: np.ndarray  # (W,L) price coefficient of the lab's mix of buyers
    price0: np.ndarray  # (W,S) mean price paid per M tokens at the start
    mean_price_prev: np.ndarray  # (W,S) mean price paid last quarter

    @property
    def worlds(self) -> int:
        return int(self.seeds.shape[0])

    def copy(self) -> State:
        kw = {}
        for f in fields(self):
            v = getattr(self, f.name)
            kw[f.name] = v.copy() if isinstance(v, np.ndarray) else v
        return State(**kw)

    def draft(self, changed_in_place: tuple[str, ...]) -> State:
        """A new state sharing this one's arrays, except `changed_in_place` (copied).

        For sim.step, which replaces most fields with new arrays: copying them all
        first would be wasted work. Call `detach(old)` on the result when it is done.
        """
        kw = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in changed_in_place:
            kw[name] = kw[name].copy()
        return State(**kw)

    def detach(self, old: State) -> None:
        """Copy every array still shared with `old`, so the two share no memory."""
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, np.ndarray) and v is getattr(old, f.name):
                setattr(self, f.name, v.copy())

    def arrays(self) -> dict[str, np.ndarray]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "t"}

    def world(self, k: int) -> State:
        """World k alone, as a W=1 state (views are copied)."""
        kw = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name in ("t", "human"):
                kw[f.name] = v.copy() if isinstance(v, np.ndarray) else v
            else:
                kw[f.name] = v[k : k + 1].copy()
        return State(**kw)
