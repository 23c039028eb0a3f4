"""What a front-end shows: frozen views of the game, plain text and numbers only.

`GameSession.view()` returns a `QuarterView`; `legal()`, `check()`, `preview()` and
`end_quarter()` return the other views here. They hold no markup, no numpy values
and nothing mutable, so `dataclasses.asdict(view)` is JSON-ready and any front-end
(the Textual app, the line REPL, a test, a web page) can show them as they are.

Units: money in $B, prices in $ per million tokens, shares 0-1, HHI 0-10,000,
compute in thousand GPUs, quarters counted from 1 where a person reads them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelView:
    """One of the lab's models (a tier)."""

    tier: str  # frontier or small
    params: float
    capability: float
    level: str  # the named level of the capability ladder
    price: float  # $/M tokens
    serving_cost: float  # $/M tokens, marginal
    margin: float  # (price - serving cost) / price
    open_weights: bool  # the lab serves the open-weight model: its own fell behind


@dataclass(frozen=True)
class TrainingView:
    params: float
    tokens: float
    progress: float  # 0-1
    shipping_in: int  # quarters until it ships once trained (slow shippers)
    quarters_left: int  # planned quarters left


@dataclass(frozen=True)
class ShareView:
    segment: str
    name: str
    share: float  # of the segment's buyers
    change: float  # since last quarter


@dataclass(frozen=True)
class CostLine:
    name: str
    amount: float  # $B this quarter (positive = money out)


@dataclass(frozen=True)
class LabView:
    name: str
    alive: bool
    cash: float
    debt: float
    runway: float | None  # quarters of cash at last quarter's burn; None: not burning
    revenue: float
    costs: float
    profit: float  # operating profit
    revenue_change: float | None  # since last quarter, $B
    profit_change: float | None
    valuation: float
    equity: float  # share of the lab its founders (you) still own, 0-1
    stake: float  # equity x valuation, $B
    gpus_owned: float
    gpus_leased: float
    served: float  # share of demand the compute could serve last quarter
    models: tuple[ModelView, ...]
    training: TrainingView | None
    products: tuple[str, ...]
    building: tuple[tuple[str, int], ...]  # (product, quarters left)
    shares: tuple[ShareView, ...]
    revenue_share: float  # of the industry's model revenue
    costs_detail: tuple[CostLine, ...]  # operating costs (they add up to `costs`), then capex
    research_levels: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class RivalView:
    name: str
    archetype: str
    alive: bool
    capability: float
    level: str
    price: float  # frontier price, $/M tokens
    revenue_share: float
    cash: float


@dataclass(frozen=True)
class MarketView:
    hhi: float | None
    cr4: float | None
    lerner: float | None
    constant_cap_price: float | None  # $/M tokens for the starting frontier's capability
    verdict: str | None
    verdict_meaning: str
    trend: str  # where HHI is heading over the last year, and the verdict a year ago
    frontier: float | None
    frontier_level: str
    open_capability: float
    open_price: float | None
    gpu_hour: float | None  # $ per GPU-hour, vendor list price
    labs_alive: int
    open_token_share: float | None
    adoption: float | None = None  # buyers who adopted AI, of all who could (Bass)
    sentiment: float | None = None  # investors' mood, 1 = neutral


@dataclass(frozen=True)
class GoalView:
    id: str
    text: str
    target: str
    value: float
    met: bool
    status: str = ""  # where the lab stands, in the goal's own unit: "11.2% (needs 15%+)"


@dataclass(frozen=True)
class NewsItem:
    kind: str
    text: str
    causes: tuple[str, ...] = ()
    mine: bool = False  # about the player's lab


@dataclass(frozen=True)
class HistoryView:
    """Per quarter played, for sparklines."""

    cash: tuple[float, ...]
    share: tuple[float, ...]  # the player's share of model revenue
    hhi: tuple[float, ...]


@dataclass(frozen=True)
class StandingView:
    """The orders that carry over from quarter to quarter until changed."""

    lease: float
    prices: tuple[tuple[str, float], ...]
    research: tuple[tuple[str, float], ...]
    train_share: float | None
    mix: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class QuarterView:
    scenario: str
    title: str
    quarter: int  # the quarter about to be played, 1-based
    quarters: int
    date: str  # "2025 Q1"
    done: bool
    lab: LabView
    market: MarketView
    rivals: tuple[RivalView, ...]
    goals: tuple[GoalView, ...]
    score: int  # if the game ended now
    news: tuple[NewsItem, ...]  # last quarter's
    history: HistoryView
    standing: StandingView
    played: int = 0  # quarters played so far (0: no figures for a quarter yet)
    hints: tuple[str, ...] = ()  # what the lab's situation calls for, in plain words
    lesson: str | None = None  # a lesson's progress: its next checkpoint, or None


@dataclass(frozen=True)
class FieldRange:
    """The allowed values of one order field this quarter (from the order spec)."""

    name: str
    kind: str
    label: str
    unit: str
    help: str
    lo: float
    hi: float
    keys: tuple[str, ...]
    allowed: bool
    why_not: str  # when not allowed
    standing: bool
    cost_each: float | None  # $B per unit, where the field costs money up front
    lo_open: bool = False  # lo itself is not allowed (prices must be above 0)


@dataclass(frozen=True)
class ProductChoice:
    id: str
    name: str
    build_cost: float
    build_quarters: int
    upkeep: float
    blurb: str
    state: str  # "built", "building", "available"


@dataclass(frozen=True)
class LegalView:
    quarter: int
    cash: float
    borrow_room: float
    raise_expected: float  # what investors would give at most this quarter, $B
    valuation: float
    fields: tuple[FieldRange, ...]
    products: tuple[ProductChoice, ...]

    def field(self, name: str) -> FieldRange:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


@dataclass(frozen=True)
class Refusal:
    field: str  # the order field, or "orders" for the whole draft (cash)
    reason: str

    def text(self) -> str:
        return self.reason if self.field == "orders" else f"{self.field}: {self.reason}"


@dataclass(frozen=True)
class TrainingPlan:
    """What a training run would give: the scaling law's prediction and its costs."""

    params: float
    tokens: float
    flops: float
    tokens_per_param: float
    optimal_tokens_per_param: float  # compute-optimal for the same FLOPs
    optimal_params: float
    optimal_tokens: float
    loss: float
    capability: float  # with this quarter's algorithms and data, before any stall
    level: str
    frontier: float | None  # today's frontier, to compare
    cost: float  # $B of compute at this quarter's lease price
    quarters: int  # planned
    quarters_at_current_compute: float  # with the lab's GPUs, after serving
    compute_needed: float  # kGPU it needs each planned quarter
    data_stock: float  # unique tokens available
    data_use: float  # tokens / data stock (above 1: repeated data)
    effective_tokens: float  # what the repeated data is worth
    flops_per_quarter: float  # training FLOPs the lab's GPUs give a quarter, after serving
    ladder: tuple[tuple[float, str], ...] = ()  # (capability where a level starts, name)


@dataclass(frozen=True)
class PreviewView:
    """The engine's next quarter if the draft were committed (a copy of the world)."""

    ok: bool
    refusals: tuple[Refusal, ...] = ()
    spend: float = 0.0  # $B paid up front this quarter
    revenue: float = 0.0
    costs: float = 0.0
    profit: float = 0.0
    cash_after: float = 0.0
    revenue_share: float = 0.0
    shares: tuple[ShareView, ...] = ()
    margins: tuple[tuple[str, float], ...] = ()  # tier -> margin
    served: float = 0.0
    notices: tuple[str, ...] = ()  # standing orders trimmed to the cash
    training: TrainingPlan | None = None
    raised: float = 0.0  # $B investors would give for the draft's raise
    dilution: float = 0.0  # share of the company they would get for it


@dataclass(frozen=True)
class KeyNumber:
    label: str
    value: str
    change: str


@dataclass(frozen=True)
class QuarterReport:
    """What happened in the quarter just played, in plain words."""

    quarter: int  # 1-based, the quarter played
    date: str
    headline: str
    numbers: tuple[KeyNumber, ...]
    costs: tuple[CostLine, ...]  # where the quarter's money went, $B
    cash_bridge: tuple[CostLine, ...]  # from operating profit to the change in cash
    actions: tuple[str, ...]  # what the lab did
    next_steps: tuple[str, ...]  # what the lab's situation calls for now (the dashboard's tips)
    news: tuple[NewsItem, ...]
    notices: tuple[str, ...]
    done: bool
    autosave: str | None
    autosave_error: str | None


__all__ = [
    "CostLine",
    "FieldRange",
    "GoalView",
    "HistoryView",
    "KeyNumber",
    "LabView",
    "LegalView",
    "MarketView",
    "ModelView",
    "NewsItem",
    "PreviewView",
    "ProductChoice",
    "QuarterReport",
    "QuarterView",
    "Refusal",
    "RivalView",
    "ShareView",
    "StandingView",
    "TrainingPlan",
    "TrainingView",
]
