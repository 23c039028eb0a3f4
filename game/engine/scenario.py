"""Scenarios as plain data: every parameter of a world, with its source.

A `Scenario` is a frozen dataclass tree. The engine reads it and never writes it.
`default_scenario()` builds the calibrated "Frontier Race, 2025-2034". Loading
scenarios from TOML belongs to `game.content`; this module is only the shape and the
defaults, so the engine is usable on its own.

Units used throughout the engine:
- money in billions of US dollars ($B) per quarter unless noted;
- compute in thousands of H100-equivalent GPUs ("kGPU") held for a quarter;
- prices of tokens in $ per million tokens;
- adopters in millions, tokens per adopter in millions per quarter.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

SEGMENTS: tuple[str, ...] = (
    "coding",
    "writing",
    "entertainment",
    "enterprise",
    "science",
    "government",
)
SEGMENT_NAMES = {
    "coding": "coding",
    "writing": "creative writing",
    "entertainment": "entertainment",
    "enterprise": "customer service & enterprise",
    "science": "science & biology",
    "government": "government & national security",
}
TIERS: tuple[str, ...] = ("frontier", "small")
RESEARCH: tuple[str, ...] = ("efficiency", "reliability", "synthetic")


@dataclass(frozen=True)
class Segment:
    """A market segment. Utility of an offer j to a buyer in this segment is

    u = asc + beta_q*(quality - q_ref) - alpha*w*ln(price/p_ref) - beta_r*ln(err/0.05)
        + fit + lock_in*last_share + reputation
    where w = price_weight, and the outside option (no AI) has u = 0.
    """

    id: str
    potential0: float  # potential adopters at the start, millions
    adopters0: float  # share of the potential already adopting at the start
    tokens_per_adopter: float  # million tokens per adopter per quarter
    market_growth: float  # d ln(potential) / d(frontier capability)
    opens_at: float  # capability where the segment opens (logistic midpoint)
    asc: float  # attractiveness of using AI at all
    beta_quality: float  # utility per capability point
    q_ref: float  # capability bar of the segment
    beta_reliability: float  # weight on -ln(error rate / 5%): the 95%/5% problem
    p_ref: float  # reference price, $/M tokens
    lock_in: float  # state dependence on last quarter's share
    app_share: float  # share of spend that flows through third-party apps
    bass_p: float = 0.05  # innovation, per quarter
    bass_q: float = 0.3  # imitation, per quarter (generative AI spread fast)
    price_weight: float = 1.0  # scales alpha: how price-sensitive the segment's buyers are


@dataclass(frozen=True)
class Product:
    id: str
    name: str
    build_quarters: int
    build_cost: float  # $B in total, spread over the build
    upkeep: float  # $B per quarter once live
    fit: dict[str, float] = field(default_factory=dict)  # utility by segment
    lock_in: dict[str, float] = field(default_factory=dict)  # extra lock-in by segment
    serving_cost_mult: float = 1.0  # multiplies the cost per token
    small_model_share: float = 0.0  # share of frontier-offer tokens run on the small model
    blurb: str = ""


@dataclass(frozen=True)
class Archetype:
    """Parameters of a vectorized rival policy."""

    id: str
    name: str
    ambition: float  # target run FLOPs as a multiple of the biggest live lab's last run, grown
    cadence: int  # quarters between training runs
    run_quarters: int  # quarters a run is planned to take
    tokens_per_param: float  # >20 = over-trained for cheaper inference
    mix: dict[str, float]  # specialization of its runs
    price_factor: float  # scales the best-response markup (1 = best response)
    research_share: float  # share of revenue spent on research
    research_split: dict[str, float]
    products: tuple[str, ...]  # build order
    buy_share: float  # share of compute bought rather than leased
    ship_delay: int = 0  # quarters between finishing a run and shipping it
    releases_open: bool = False  # publishes its frontier weights
    subsidy: float = 0.0  # $B per quarter from a parent or a state
    sentiment_free: bool = False  # raises money regardless of investor mood
    max_spend_share: float = 0.5  # share of free funds (cash + rounds - reserve) per run
    blurb: str = ""


#: Bounds outside which a parameter breaks the model (not plausibility ranges):
#: probabilities and shares in [0, 1], divisors positive, the open-weight lag inside
#: the 20-quarter frontier history the state keeps (state.H).
PARAM_BOUNDS: dict[str, tuple[float, float]] = {
    "scaling_continues_p": (0.0, 1.0),
    "stall_softness": (0.0, 1.0),
    "algo_halving_months": (0.1, 1e6),
    "price_perf_doubling_years": (0.01, 1e6),
    "gpu_life_quarters": (1.0, 400.0),
    "purchase_quarters": (0.01, 1e6),
    "train_utilization": (0.01, 1.0),
    "infer_utilization": (0.01, 1.0),
    "serving_progress_per_year": (0.01, 100.0),
    "efficiency_step": (0.0, 0.99),
    "reliability_step": (0.0, 0.99),
    "efficiency_unit": (1e-6, 1e9),
    "reliability_unit": (1e-6, 1e9),
    "synthetic_unit": (1e-6, 1e9),
    "error_at_5": (1e-9, 1.0),
    "distill_ratio": (1e-4, 0.99),
    "alpha": (0.01, 100.0),
    "open_weight_lag_quarters": (0, 19),
    "open_weight_lag_end": (0, 19),
    "open_weight_catchup_years": (0.0, 100.0),
    "open_weight_size_ratio": (1e-3, 1.0),
    "open_weight_tokens_per_param": (1.0, 1e5),
    "usage_elasticity": (0.0, 10.0),
    "usage_max": (1.0, 1e12),
    "switching_rate": (0.0, 1.0),
    "loyalty_min": (0.01, 100.0),
    "loyalty_max": (0.01, 100.0),
    "max_dilution": (0.0, 1.0),
    "max_round_share": (0.0, 1.0),
    "compute_per_dollar_growth": (0.1, 100.0),
    "parent_reserve_quarters": (0.0, 400.0),
    "parent_sweep_share": (0.0, 1.0),
    "contract_value": (0.0, 1e4),
    "contract_quarters": (1, 400),
    "contract_margin": (0.0, 1.0),
    "nationalization_hazard": (0.0, 1.0),
    "nationalization_at": (-2.0, 15.0),
    "capital_pool0": (0.0, 1e6),
    "capital_pool_revenue": (0.0, 1e3),
    "valuation_multiple_min": (0.0, 1e3),
    "valuation_multiple_max": (0.0, 1e3),
    "sentiment0": (0.2, 3.0),
    "sentiment_mean": (0.2, 3.0),
    "sentiment_reversion": (0.0, 1.0),
    "markup_speed": (0.0, 1.0),
    "markup_growth_scale": (1e-6, 1e6),
    "training_amortization_quarters": (1, 400),
    "entry_probability": (0.0, 1.0),
    "app_margin": (0.0, 0.99),
    "hours_per_quarter": (1.0, 2200.0),
    "gpu_flops": (1.0, 1e20),
}


@dataclass(frozen=True)
class LabSpec:
    name: str
    archetype: str
    cash: float  # $B
    gpus: float  # kGPU owned
    params: float  # frontier model parameters
    tokens: float  # frontier model training tokens
    small_params: float = 0.0  # 0 = no small model yet
    mix: dict[str, float] = field(default_factory=dict)  # empty = archetype mix
    prices: tuple[float, float] = (10.0, 0.6)  # $/M tokens, frontier and small
    products: tuple[str, ...] = ()
    research: dict[str, float] = field(default_factory=dict)  # cumulative $B
    staff: float = 0.3  # $B per quarter
    reputation: float = 0.0
    human: bool = False


@dataclass(frozen=True)
class EventSpec:
    """A random event. Each quarter a world not already hit draws it with `hazard`.

    `effects` maps channel -> value. Channels named in TEMPORARY act while the
    event lasts; the others apply once, when it starts.
    """

    id: str
    name: str
    hazard: float  # probability per quarter
    duration: int  # quarters
    min_quarter: int = 0
    effects: dict[str, float] = field(default_factory=dict)
    segment_effects: dict[str, float] = field(default_factory=dict)  # potential mult, once
    text: str = ""


#: Event channels that act while the event lasts (others apply once at its start).
TEMPORARY = (
    "markup_add",
    "compute_price_mult",
    "lease_cap_mult",
    "data_growth_mult",
    "open_lag_add",
    "staff_cost_mult",
    "entry_cost_mult",
    "demand_mult",
)
ONCE = (
    "sentiment_mult",
    "data_stock_mult",
)
CHANNELS = TEMPORARY + ONCE


@dataclass(frozen=True)
class Params:
    """Numbers of the world. Each default names its source in docs/model.md."""

    # Scaling
    scaling_law: str = "epoch"  # Besiroglu et al. 2024 refit; "hoffmann" = Chinchilla
    scaling_continues_p: float = 0.65  # the interview's 60-40 / 70-30 odds
    stall_min: float = 0.3  # stall point, capability points above the start frontier
    stall_max: float = 2.0
    stall_softness: float = 0.1  # share of raw capability still gained past a stall
    algo_halving_months: float = 8.0  # Ho et al. 2024
    data_stock0: float = 1.0e14  # usable unique tokens (order of Villalobos et al. 2024)
    data_growth_q: float = 0.017  # ~7%/yr
    synthetic_unit: float = 2.0  # $B: level = log2(1 + cumulative spend / unit)
    synthetic_gain: float = 0.5  # each level adds this share of the base data stock
    # Compute market
    gpu_flops: float = 989e12  # H100 dense BF16 FLOP/s
    hours_per_quarter: float = 2190.0
    price_per_gpu_hour0: float = 2.5  # $ per H100-hour, specialist clouds 2023-25
    price_perf_doubling_years: float = 2.1  # Epoch
    markup0: float = 3.0  # 75% gross margin (NVIDIA FY2025)
    markup_min: float = 0.6
    markup_max: float = 3.4
    markup_mid_growth: float = 0.08  # quarterly compute-demand growth at mid markup
    markup_growth_scale: float = 0.08
    markup_speed: float = 0.25
    lease_premium: float = 1.3  # leasing costs more per hour than owning
    purchase_quarters: float = 10.0  # a bought kGPU costs this many quarters of base price
    gpu_life_quarters: float = 16.0  # 1/16 of owned hardware and its book value go each quarter
    train_utilization: float = 0.375  # Epoch median MFU
    infer_utilization: float = 0.3  # assumption: decoding is memory-bound
    # Inference
    serving_progress_per_year: float = 2.5  # serving-stack gains for everyone; 1 = none
    efficiency_step: float = 0.2  # cut per research level (the interview's 10-30%)
    efficiency_unit: float = 1.0  # $B per research doubling
    reliability_unit: float = 1.0
    reliability_step: float = 0.25  # error-rate cut per level
    error_at_5: float = 0.05  # error rate of a capability-5 model: the 95%/5% problem
    error_per_cap: float = 0.5  # d ln(error) / d capability
    unserved_penalty: float = 1.5  # reputation lost per unit of unserved share
    reputation_recovery: float = 0.25
    distill_ratio: float = 0.1  # small model params / big model params
    distill_gap: float = 1.2  # capability lost per decade of size when distilling
    # Demand
    alpha: float = 2.0  # price coefficient on ln(price); markup = 1/(alpha(1-s))
    open_weight_lag_quarters: int = 4  # Epoch 2024: about a year
    open_weight_lag_end: int = 1  # ... closing to a quarter (Epoch 2025: ~3 months)
    open_weight_catchup_years: float = 4.0  # years over which the lag closes
    open_weight_markup: float = 0.15  # hosts price near serving cost
    open_weight_efficiency: float = 0.8  # hosts' cost multiplier
    open_weight_size_ratio: float = 0.3  # share of parameters active per token (sparse)
    open_weight_tokens_per_param: float = 100.0  # open models are over-trained
    open_weight_error_mult: float = 1.5
    open_weight_friction: float = 1.4  # utility cost of no vendor: hosting, support, SLAs
    usage_elasticity: float = 1.0  # tokens per adopter vs mean price (LLM market study)
    usage_max: float = 1e4  # most tokens an adopter uses, as a multiple of 2025's
    switching_rate: float = 0.4  # share of buyers who choose afresh each quarter
    loyalty_min: float = 0.25  # per-world multiplier on switching costs, drawn
    loyalty_max: float = 5.0  # log-uniformly between these two
    spec_strength: float = 0.3  # bonus = strength*(sqrt(6*share)-1): full focus +0.43
    # Finance
    interest_q: float = 0.02
    debt_limit_revenue: float = 1.0  # debt limit = this x annual revenue + half of book
    valuation_multiple: float = 15.0  # x forward revenue at neutral mood and margin
    valuation_multiple_min: float = 2.0  # bounds of the multiple: a bust ...
    valuation_multiple_max: float = 40.0  # ... and the boom's richest rounds
    capability_valuation: float = 6.0  # $B per point of lead over the open model (+1)
    max_dilution: float = 0.2  # share of valuation sold in one quarter
    capital_pool0: float = 80.0  # $B a year investors put into AI labs, before revenue
    capital_pool_revenue: float = 1.0  # extra $B of pool per $B of annual industry revenue
    max_round_share: float = 0.25  # one round takes at most this share of the quarter's pool
    sentiment0: float = 1.3
    sentiment_mean: float = 1.0
    sentiment_reversion: float = 0.12
    sentiment_vol: float = 0.08
    sentiment_growth_gain: float = 0.6
    staff_revenue_share: float = 0.08
    training_amortization_quarters: int = 8  # 1/8 of unamortized training cost a quarter
    cost_of_capital_q: float = 0.03
    training_cost_growth: float = 2.4  # x per year, Cottier et al. 2024
    compute_per_dollar_growth: float = 1.75  # x per year: 4.2x compute / 2.4x cost
    parent_reserve_quarters: float = 4.0  # a parent leaves its lab this much spending
    parent_sweep_share: float = 0.5  # and takes back this share of the rest each quarter
    entry_cost0: float = 3.0  # $B to found a lab at the start
    entry_cost_follows_frontier: float = 0.5  # entry cost as share of the frontier run cost
    entry_probability: float = 0.3  # per quarter when profits invite entry
    entry_cash_mult: float = 1.5  # entrants arrive with this x entry cost in cash
    # Government
    contract_value: float = 0.2  # $B a quarter a government contract pays
    contract_quarters: int = 8  # how long a contract runs before it is tendered again
    contract_margin: float = 0.5  # share of a contract's value left after delivering it
    nationalization_hazard: float = 0.0  # per quarter, once the frontier is high enough
    nationalization_at: float = 7.5  # frontier capability from which the state may act
    # Value chain
    app_margin: float = 0.5  # Sequoia 2024: user-facing layer's 50% margin


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    story: str
    start_year: int
    quarters: int
    segments: tuple[Segment, ...]
    products: tuple[Product, ...]
    archetypes: tuple[Archetype, ...]
    labs: tuple[LabSpec, ...]
    events: tuple[EventSpec, ...]
    params: Params = Params()
    entrant_archetype: str = "follower"
    entrant_slots: int = 3

    def with_params(self, **overrides) -> Scenario:
        known = {f.name for f in fields(Params)}
        bad = sorted(set(overrides) - known)
        if bad:
            raise ValueError(f"unknown parameter(s) {', '.join(bad)}")
        return replace(self, params=replace(self.params, **overrides))

    def archetype(self, aid: str) -> Archetype:
        for a in self.archetypes:
            if a.id == aid:
                return a
        raise KeyError(aid)

    @property
    def n_labs(self) -> int:
        return len(self.labs) + self.entrant_slots

    def validate(self) -> list[str]:
        """Cross-reference problems, empty when the scenario is usable."""
        errs: list[str] = []
        p = self.params
        for name, (lo, hi) in PARAM_BOUNDS.items():
            v = getattr(p, name)
            if not lo <= v <= hi:
                errs.append(f"params.{name}: {v!r} must lie in [{lo:g}, {hi:g}]")
        if p.stall_min > p.stall_max:
            errs.append(
                f"params.stall_min ({p.stall_min:g}) must not exceed stall_max ({p.stall_max:g})"
            )
        if p.loyalty_min > p.loyalty_max:
            errs.append(
                f"params.loyalty_min ({p.loyalty_min:g}) must not exceed "
                f"loyalty_max ({p.loyalty_max:g})"
            )
        if p.valuation_multiple_min > p.valuation_multiple_max:
            errs.append(
                f"params.valuation_multiple_min ({p.valuation_multiple_min:g}) must not exceed "
                f"valuation_multiple_max ({p.valuation_multiple_max:g})"
            )
        if p.markup_min > p.markup_max:
            errs.append(
                f"params.markup_min ({p.markup_min:g}) must not exceed markup_max ({p.markup_max:g})"
            )
        seg_ids = [s.id for s in self.segments]
        if tuple(seg_ids) != SEGMENTS:
            errs.append(f"segments must be {', '.join(SEGMENTS)} in that order")
        arch = {a.id for a in self.archetypes}
        prods = {p.id for p in self.products}
        for i, lab in enumerate(self.labs):
            if lab.archetype not in arch:
                errs.append(f"labs[{i}].archetype: unknown archetype {lab.archetype!r}")
            errs += [
                f"labs[{i}].products: unknown product {p!r}" for p in lab.products if p not in prods
            ]
            if lab.params <= 0 or lab.tokens <= 0:
                errs.append(f"labs[{i}]: params and tokens must be positive")
        for a in self.archetypes:
            errs += [
                f"archetype {a.id}: unknown product {p!r}" for p in a.products if p not in prods
            ]
        if self.entrant_slots and self.entrant_archetype not in arch:
            errs.append(f"entrant_archetype: unknown archetype {self.entrant_archetype!r}")
        if sum(lab.human for lab in self.labs) > 1:
            errs.append("at most one lab can be marked human in a scenario")
        for e in self.events:
            errs += [
                f"event {e.id}: unknown effect channel {k!r}"
                for k in e.effects
                if k not in CHANNELS
            ]
            errs += [
                f"event {e.id}: unknown segment {k!r}"
                for k in e.segment_effects
                if k not in SEGMENTS
            ]
        return errs


# ---------------------------------------------------------------------------
# The default scenario: "The Frontier Race, 2025-2034"
# ---------------------------------------------------------------------------


def default_segments() -> tuple[Segment, ...]:
    """The six segments. Columns follow Segment's fields; see docs/model.md for sources."""
    # fmt: off
    cols = ("id", "potential0", "adopters0", "tokens_per_adopter", "market_growth", "opens_at",
            "asc", "beta_quality", "q_ref", "beta_reliability", "p_ref", "lock_in", "app_share",
            "price_weight")
    rows = (
        ("coding",        30.0, 0.18, 120.0, 0.40, 0.0,  0.5, 6.4, 5.0, 0.60, 10.0, 2.0, 0.5, 0.8),
        ("writing",      400.0, 0.12,  16.0, 0.25, 0.0,  0.5, 3.2, 4.7, 0.10,  5.0, 1.5, 0.3, 1.0),
        ("entertainment", 600.0, 0.08, 10.0, 0.30, 0.0,  0.0, 2.0, 4.6, 0.05,  3.0, 1.5, 0.6, 1.2),
        ("enterprise",    60.0, 0.08, 120.0, 0.40, 0.0,  0.3, 4.8, 5.0, 1.00,  8.0, 2.5, 0.6, 0.9),
        ("science",       10.0, 0.05,  40.0, 0.60, 5.3,  0.0, 8.0, 5.5, 1.20, 20.0, 1.5, 0.5, 0.7),
        ("government",     6.0, 0.05,  60.0, 0.40, 0.0, -0.5, 5.6, 5.0, 1.50, 15.0, 3.0, 0.3, 0.7),
    )
    # fmt: on
    return tuple(Segment(**dict(zip(cols, row, strict=True))) for row in rows)


def default_products() -> tuple[Product, ...]:
    return (
        Product(
            "api",
            "API platform",
            1,
            0.2,
            0.03,
            fit={"coding": 0.3, "enterprise": 0.3, "science": 0.2},
            lock_in={"coding": 0.3, "enterprise": 0.3},
            blurb="Developers build on your models; integrations are sticky.",
        ),
        Product(
            "chat",
            "Chat assistant",
            2,
            0.5,
            0.08,
            fit={"writing": 0.6, "entertainment": 0.5, "coding": 0.2, "enterprise": 0.1},
            lock_in={"writing": 0.6, "entertainment": 0.6},
            blurb="A consumer app: habits and memory keep users coming back.",
        ),
        Product(
            "workspace",
            "Live workspace",
            2,
            0.6,
            0.06,
            fit={"coding": 0.6, "writing": 0.4},
            lock_in={"coding": 0.6, "writing": 0.3},
            blurb="Artifacts-like: see the model's code and documents running live.",
        ),
        Product(
            "swarm",
            "Agent swarm orchestration",
            3,
            1.0,
            0.10,
            fit={"coding": 0.4, "enterprise": 0.4, "science": 0.3},
            lock_in={"enterprise": 0.3},
            small_model_share=0.4,
            blurb="A big model plans and hands sub-tasks to swarms of small cheap ones: "
            "it needs a small model of your own.",
        ),
        Product(
            "enterprise",
            "Enterprise platform",
            3,
            1.2,
            0.12,
            fit={"enterprise": 0.7, "government": 0.2},
            lock_in={"enterprise": 1.0},
            blurb="Security reviews, admin controls, contracts: slow to win, slow to lose.",
        ),
        Product(
            "science",
            "Science lab",
            4,
            2.0,
            0.15,
            fit={"science": 0.9},
            lock_in={"science": 0.6},
            blurb="Wet-lab partners and tools that turn the model into a research engine.",
        ),
        Product(
            "government",
            "Government partnership",
            4,
            1.5,
            0.10,
            fit={"government": 1.2},
            lock_in={"government": 1.2},
            blurb="Clearances and accredited deployments for national-security work.",
        ),
    )


_EVEN = {s: 1.0 for s in SEGMENTS}


def default_archetypes() -> tuple[Archetype, ...]:
    return (
        Archetype(
            "frontier",
            "Frontier lab",
            ambition=1.1,
            cadence=4,
            run_quarters=2,
            tokens_per_param=40.0,
            mix={
                "coding": 2.0,
                "writing": 1.0,
                "entertainment": 0.5,
                "enterprise": 1.5,
                "science": 1.0,
                "government": 0.5,
            },
            price_factor=1.0,
            research_share=0.08,
            research_split={"efficiency": 0.4, "reliability": 0.4, "synthetic": 0.2},
            products=("api", "chat", "workspace", "enterprise", "swarm", "science"),
            buy_share=0.3,
            max_spend_share=0.7,
            blurb="Races for the best model and sells it at a premium.",
        ),
        Archetype(
            "incumbent",
            "Search-giant incumbent",
            ambition=1.3,
            cadence=5,
            run_quarters=2,
            tokens_per_param=30.0,
            mix=dict(_EVEN),
            price_factor=0.9,
            research_share=0.12,
            research_split={"efficiency": 0.5, "reliability": 0.3, "synthetic": 0.2},
            products=("api", "chat", "enterprise", "science", "government"),
            buy_share=0.8,
            ship_delay=3,
            subsidy=6.0,
            sentiment_free=True,
            max_spend_share=0.6,
            blurb="The biggest cluster and the deepest pockets, built for search: "
            "it invents much and ships slowly (Bell Labs).",
        ),
        Archetype(
            "open",
            "Open-weights releaser",
            ambition=0.6,
            cadence=4,
            run_quarters=2,
            tokens_per_param=80.0,
            mix=dict(_EVEN),
            price_factor=0.5,
            research_share=0.05,
            research_split={"efficiency": 0.6, "reliability": 0.1, "synthetic": 0.3},
            products=("api",),
            buy_share=0.6,
            releases_open=True,
            subsidy=1.0,
            sentiment_free=True,
            blurb="Publishes its weights: it earns little itself and drags prices down.",
        ),
        Archetype(
            "follower",
            "Cheap fast follower",
            ambition=0.35,
            cadence=3,
            run_quarters=2,
            tokens_per_param=100.0,
            mix={
                "coding": 2.0,
                "writing": 1.0,
                "entertainment": 1.0,
                "enterprise": 1.5,
                "science": 0.3,
                "government": 0.2,
            },
            price_factor=0.6,
            research_share=0.08,
            research_split={"efficiency": 0.7, "reliability": 0.2, "synthetic": 0.1},
            products=("api", "chat", "swarm"),
            buy_share=0.2,
            max_spend_share=0.8,
            blurb="Trains small over-trained models and undercuts on price.",
        ),
        Archetype(
            "state",
            "State-backed lab",
            ambition=0.8,
            cadence=4,
            run_quarters=3,
            tokens_per_param=40.0,
            mix={
                "coding": 1.0,
                "writing": 0.5,
                "entertainment": 0.3,
                "enterprise": 0.7,
                "science": 2.0,
                "government": 3.0,
            },
            price_factor=0.8,
            research_share=0.1,
            research_split={"efficiency": 0.3, "reliability": 0.5, "synthetic": 0.2},
            products=("api", "government", "science"),
            buy_share=0.7,
            subsidy=1.5,
            sentiment_free=True,
            blurb="Funded by a government for national capability, not for profit.",
        ),
    )


def default_events() -> tuple[EventSpec, ...]:
    return (
        EventSpec(
            "data_wall",
            "Data wall",
            hazard=0.02,
            duration=8,
            min_quarter=4,
            effects={"data_stock_mult": 0.7, "data_growth_mult": 0.0},
            text="Usable web data runs short: filtering and licensing shrink the stock.",
        ),
        EventSpec(
            "open_release",
            "Open-weight release",
            hazard=0.05,
            duration=4,
            effects={"open_lag_add": -2.0},
            text="A strong open-weight model lands and closes part of the gap to the frontier.",
        ),
        EventSpec(
            "chip_shortage",
            "Chip shortage",
            hazard=0.03,
            duration=3,
            effects={"markup_add": 1.0, "lease_cap_mult": 0.7},
            text="Packaging and memory bottlenecks: GPUs are scarce and dear.",
        ),
        EventSpec(
            "hype_crash",
            "Hype crash",
            hazard=0.025,
            duration=4,
            min_quarter=4,
            effects={"sentiment_mult": 0.45, "demand_mult": 0.92},
            text="Investors lose faith in AI revenue; rounds dry up.",
        ),
        EventSpec(
            "regulation",
            "Regulation",
            hazard=0.02,
            duration=12,
            min_quarter=2,
            effects={"staff_cost_mult": 1.15, "entry_cost_mult": 1.5},
            segment_effects={"government": 1.3},
            text="New rules add compliance costs and raise the bar to enter.",
        ),
        EventSpec(
            "science_breakthrough",
            "Science breakthrough",
            hazard=0.02,
            duration=1,
            min_quarter=4,
            segment_effects={"science": 1.6},
            text="An AI-driven discovery shows what models can do for biology.",
        ),
    )


def default_labs() -> tuple[LabSpec, ...]:
    return (
        LabSpec(
            "Your Lab",
            "frontier",
            cash=8.0,
            gpus=40.0,
            params=3.0e11,
            tokens=1.2e13,
            small_params=3.0e10,
            prices=(8.0, 0.6),
            products=("api", "chat"),
            research={"efficiency": 1.0, "reliability": 1.0},
            staff=0.35,
            human=True,
        ),
        LabSpec(
            "Apex AI",
            "frontier",
            cash=15.0,
            gpus=80.0,
            params=4.0e11,
            tokens=1.6e13,
            small_params=4.0e10,
            prices=(10.0, 0.8),
            products=("api", "chat", "workspace"),
            research={"efficiency": 2.0, "reliability": 2.0, "synthetic": 1.0},
            staff=0.5,
        ),
        LabSpec(
            "Googol",
            "incumbent",
            cash=60.0,
            gpus=250.0,
            params=5.0e11,
            tokens=1.5e13,
            small_params=5.0e10,
            prices=(7.0, 0.3),
            products=("api", "chat"),
            research={"efficiency": 4.0, "reliability": 2.0, "synthetic": 2.0},
            staff=0.8,
        ),
        LabSpec(
            "Llamalot",
            "open",
            cash=20.0,
            gpus=120.0,
            params=4.0e11,
            tokens=1.5e13,
            small_params=8.0e9,
            prices=(3.0, 0.2),
            products=("api",),
            research={"efficiency": 2.0},
            staff=0.4,
        ),
        LabSpec(
            "Swift Models",
            "follower",
            cash=3.0,
            gpus=20.0,
            params=7.0e10,
            tokens=1.4e13,
            small_params=7.0e9,
            prices=(4.0, 0.4),
            products=("api",),
            research={"efficiency": 1.0},
            staff=0.08,
        ),
    )


def default_scenario() -> Scenario:
    return Scenario(
        id="default",
        title="The Frontier Race, 2025-2034",
        story=(
            "Five labs, one chip vendor and a crowd of open-weight hosts enter 2025 with "
            "models just above top-graduate-student level on our index. Nobody knows whether scaling "
            "keeps paying, whether open weights catch up, or who is left standing in ten years."
        ),
        start_year=2025,
        quarters=40,
        segments=default_segments(),
        products=default_products(),
        archetypes=default_archetypes(),
        labs=default_labs(),
        events=default_events(),
    )
