"""Pydantic v2 models of the content files (see docs/content-format.md).

Every model forbids unknown keys and is frozen. Numbers accept TOML integers and
floats but never strings or booleans, and every number must be finite: nan, inf,
-inf and integers too large for a float are refused (issue 13). Weights (a
specialization, a mix, a research split) are at most MAX_WEIGHT, so that their sums
stay finite too.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from game.engine.orders import MAX_PRICE, MONEY_MAX

FORMAT_VERSION = 1
ID = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$")]
Text = Annotated[str, StringConstraints(min_length=1)]


#: Largest relative weight (of a specialization, a mix, a research split): weights are
#: compared with each other only, and this bound keeps any sum of them finite.
MAX_WEIGHT = 1e6


def finite_problem(v: Any) -> str | None:
    """Why a TOML number cannot be used, or None: nan, inf, -inf, or an integer
    too large for a float."""
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    if isinstance(v, int):
        try:
            float(v)
        except OverflowError:
            return (
                f"must be a finite number, got an integer of {len(str(abs(v)))} digits (too large)"
            )
        return None
    if not math.isfinite(v):
        return f"must be a finite number, got {v!r}"
    return None


def _number(v: Any) -> Any:
    if isinstance(v, (bool, str)):
        raise ValueError(f"expected a number, got {type(v).__name__} {v!r}")
    problem = finite_problem(v)
    if problem:
        raise ValueError(problem)
    return v


def _integer(v: Any) -> Any:
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError(f"expected an integer, got {type(v).__name__} {v!r}")
    return v


Num = Annotated[float, BeforeValidator(_number)]
Int = Annotated[int, BeforeValidator(_integer)]
NonNeg = Annotated[float, BeforeValidator(_number), Field(ge=0)]
Pos = Annotated[float, BeforeValidator(_number), Field(gt=0)]
Share = Annotated[float, BeforeValidator(_number), Field(ge=0, le=1)]
#: An amount of money ($B) or of compute (kGPU): 0..MONEY_MAX, the orders' bound.
Amount = Annotated[float, BeforeValidator(_number), Field(ge=0, le=MONEY_MAX)]
#: A price in $ per million tokens: (0, MAX_PRICE], as an order's price.
Price = Annotated[float, BeforeValidator(_number), Field(gt=0, le=MAX_PRICE)]
#: A relative weight: 0..MAX_WEIGHT.
Weight = Annotated[float, BeforeValidator(_number), Field(ge=0, le=MAX_WEIGHT)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Versioned(Model):
    format_version: Int


# --- calibration -----------------------------------------------------------------


class ParamEntry(Model):
    """One [params.X] table. A number's `range = [lo, hi]` is where the model holds
    together (both ends allowed); every value of X -- here, in a scenario's
    [params] or from `--set` -- must lie in it (loader.param_problem)."""

    value: Annotated[float | int | str, BeforeValidator(lambda v: _reject_bool(v))]
    range: tuple[Num, Num] | None = None
    source: Text
    unit: str | None = None
    note: str | None = None

    @field_validator("range")
    @classmethod
    def _range_ordered(cls, r):
        if r is not None and r[0] > r[1]:
            raise ValueError(f"the low end {r[0]:g} exceeds the high end {r[1]:g}; write [lo, hi]")
        return r


def _reject_bool(v):
    if isinstance(v, bool):
        raise ValueError("expected a number or a string, got a boolean")
    return v


class CalibrationFile(Versioned):
    params: dict[str, ParamEntry]


# --- catalogs ----------------------------------------------------------------------


def _between(lo: float, hi: float, gt: bool = False) -> Any:
    """A finite number in [lo, hi] ((lo, hi] with gt)."""
    low = {"gt": lo} if gt else {"ge": lo}
    return Annotated[float, BeforeValidator(_number), Field(le=hi, **low)]


#: Terms of a logit utility (docs/model.md 8.5): kept within +-20 so that exp() of a
#: utility neither overflows nor loses every other offer (exp(20) is about 5e8).
Utility = _between(-20.0, 20.0)
#: A capability index (docs/model.md 4): the ladder runs from about 0 to 20.
CapIndex = _between(0.0, 20.0)
#: An event's multiplier on a channel, and its additive shift (docs/model.md 16).
EVENT_MULT_MAX = 10.0
EVENT_ADD_MAX = 20.0


class SegmentModel(Model):
    """One market segment (docs/model.md 8.1), each number within a range the demand
    equations hold together in."""

    id: ID
    name: Text
    potential0: _between(0.0, 10_000.0)  # M potential buyers: the world has ~8,000
    adopters0: Share
    tokens_per_adopter: _between(0.0, 100_000.0)  # M tokens a quarter
    market_growth: _between(-2.0, 2.0)  # per capability point: exp() over the ladder
    opens_at: CapIndex
    asc: Utility
    beta_quality: _between(0.0, 20.0)
    q_ref: CapIndex
    beta_reliability: _between(0.0, 20.0)
    p_ref: Price
    lock_in: _between(0.0, 20.0)
    app_share: Share
    bass_p: Share = 0.01
    bass_q: Share = 0.09
    price_weight: _between(0.0, 10.0, gt=True) = 1.0
    source: Text


class SegmentsFile(Versioned):
    segments: list[SegmentModel]


class ProductModel(Model):
    id: ID
    name: Text
    build_quarters: Annotated[int, BeforeValidator(_integer), Field(ge=1, le=40)]
    build_cost: Amount
    upkeep: Amount
    fit: dict[str, _between(-5.0, 5.0)] = {}  # utility per segment
    lock_in: dict[str, _between(0.0, 5.0)] = {}
    serving_cost_mult: Annotated[float, BeforeValidator(_number), Field(gt=0, le=1)] = 1.0
    small_model_share: Annotated[float, BeforeValidator(_number), Field(ge=0, le=0.9)] = 0.0
    blurb: str = ""
    source: Text


class ProductsFile(Versioned):
    products: list[ProductModel]


class ArchetypeModel(Model):
    id: ID
    name: Text
    ambition: NonNeg
    cadence: Annotated[int, BeforeValidator(_integer), Field(ge=1, le=40)]
    run_quarters: Annotated[int, BeforeValidator(_integer), Field(ge=1, le=12)]
    tokens_per_param: Pos
    mix: dict[str, Weight]
    price_factor: Pos
    research_share: Share
    research_split: dict[str, Weight]
    products: list[str]
    buy_share: Share
    ship_delay: Annotated[int, BeforeValidator(_integer), Field(ge=0, le=20)] = 0
    releases_open: bool = False
    subsidy: Amount = 0.0
    sentiment_free: bool = False
    max_spend_share: Share = 0.5
    blurb: str = ""
    source: Text


class ArchetypesFile(Versioned):
    archetypes: list[ArchetypeModel]


class EventModel(Model):
    id: ID
    name: Text
    hazard: Share
    duration: Annotated[int, BeforeValidator(_integer), Field(ge=1, le=80)]
    min_quarter: Annotated[int, BeforeValidator(_integer), Field(ge=0)] = 0
    effects: dict[str, Num] = {}
    segment_effects: dict[str, _between(0.0, EVENT_MULT_MAX)] = {}
    text: str = ""
    source: Text

    @field_validator("effects")
    @classmethod
    def _effects_in_range(cls, effects):
        for k, v in effects.items():
            if k.endswith("_mult") and not 0 <= v <= EVENT_MULT_MAX:
                raise ValueError(f"{k}: a multiplier in [0, {EVENT_MULT_MAX:g}], got {v:g}")
            if not k.endswith("_mult") and not -EVENT_ADD_MAX <= v <= EVENT_ADD_MAX:
                raise ValueError(
                    f"{k}: a shift in [-{EVENT_ADD_MAX:g}, {EVENT_ADD_MAX:g}], got {v:g}"
                )
        return effects


class EventsFile(Versioned):
    events: list[EventModel]


class TermModel(Model):
    id: ID
    term: Text
    text: Text
    formula: str | None = None
    source: Text
    see_also: list[str] = []


class GlossaryFile(Versioned):
    terms: list[TermModel]


# --- scenarios and lessons ----------------------------------------------------------


class LabModel(Model):
    name: Text
    archetype: str
    cash: Amount
    gpus: Amount
    params: Annotated[float, BeforeValidator(_number), Field(ge=1e6, le=1e16)]
    tokens: Annotated[float, BeforeValidator(_number), Field(ge=1e6, le=1e18)]
    small_params: NonNeg = 0.0
    mix: dict[str, Weight] = {}
    prices: tuple[Price, Price] = (10.0, 0.6)
    products: list[str] = []
    research: dict[str, Amount] = {}
    staff: Amount = 0.3
    reputation: Annotated[float, BeforeValidator(_number), Field(ge=-3, le=0)] = 0.0


OUTCOMES = ("monopoly", "consolidated oligopoly", "competitive", "commoditized", "uncertain")
METRICS = (
    "alive",
    "cash",
    "revenue_share",
    "cumulative_profit",
    "economic_profit",
    "stake",
    "capability",
    "market_share_segment",
)


class GoalModel(Model):
    id: ID
    text: Text
    metric: Literal[METRICS]  # type: ignore[valid-type]
    op: Literal[">=", "<="]
    value: Num
    segment: str | None = None


class ScenarioModel(Versioned):
    id: ID
    title: Text
    story: Text
    objectives: Annotated[list[Text], Field(min_length=1)]
    start_year: Annotated[int, BeforeValidator(_integer), Field(ge=1950, le=2200)]
    quarters: Annotated[int, BeforeValidator(_integer), Field(ge=4, le=80)]
    designed_outcome: Literal[OUTCOMES]  # type: ignore[valid-type]
    teaches: Text
    events: list[str] | None = None
    entrant_archetype: str = "follower"
    entrant_slots: Annotated[int, BeforeValidator(_integer), Field(ge=0, le=8)] = 3
    lessons: list[str] = []
    params: dict[str, Any] = {}
    segments: dict[str, dict[str, Any]] = {}
    player: LabModel
    rivals: Annotated[list[LabModel], Field(min_length=1, max_length=10)]
    goals: list[GoalModel] = []


#: The figures a lesson can put on screen at a checkpoint (game/play/lesson.py
#: FIGURES reads each off the game; a test keeps the two lists equal).
LESSON_FIGURES = (
    "hhi",
    "hhi_band",
    "cr4",
    "lerner",
    "lab_lerner",
    "verdict",
    "labs_alive",
    "entries_exits",
    "my_price",
    "my_cost",
    "my_lerner",
    "my_margin",
    "my_share",
    "my_segment_shares",
    "my_products",
    "rival_prices",
    "rival_margins",
    "open_price",
    "open_gap",
    "open_token_share",
    "value_chain",
    "value_chain_cum",
    "my_profits",
    "labs_vs_vendor",
    "frontier",
    "my_capability",
    "law_gap",
    "data_stock",
    "efficiency_spent",
    "constant_cap_price",
    "compute_optimal_1e26",
)
#: The figures a prediction can be checked against (numbers, or the verdict).
PREDICTABLE = (
    "verdict",
    "hhi",
    "cr4",
    "lerner",
    "labs_alive",
    "my_share",
    "open_token_share",
    "frontier",
)
#: The charts a debrief question can show (game/play/charts.py; a test keeps them equal).
CHART_IDS = ("shares", "prices", "concentration", "cash", "lerner", "value_chain", "capability")


class Checkpoint(Model):
    # Counted as the game counts: 1 is the first quarter played. The checkpoint comes
    # once that quarter has been played, with its figures on screen.
    quarter: Annotated[int, BeforeValidator(_integer), Field(ge=1, le=80)]
    prompt: Text
    # What the question needs on screen, in this order.
    show: Annotated[list[Literal[LESSON_FIGURES]], Field(min_length=1)]  # type: ignore[valid-type]


class Prediction(Model):
    """A question answered before the first quarter, checked against the game."""

    id: ID
    prompt: Text
    check: Literal[PREDICTABLE]  # type: ignore[valid-type]
    # The quarter whose figure counts (counted from 1); default: the last quarter.
    quarter: Annotated[int, BeforeValidator(_integer), Field(ge=1, le=80)] | None = None


class DebriefQuestion(Model):
    question: Text
    charts: list[Literal[CHART_IDS]] = []  # type: ignore[valid-type]


class LessonModel(Versioned):
    id: ID
    title: Text
    minutes: Annotated[int, BeforeValidator(_integer), Field(ge=10, le=240)]
    scenario: str
    # The world every student plays; None: each student plays a world of their own
    # (a lesson about how often something happens needs many different worlds).
    seed: Annotated[int, BeforeValidator(_integer), Field(ge=0)] | None = None
    objectives: Annotated[list[Text], Field(min_length=1)]
    # Scenario ids the class is split across (e.g. half solar, half steel); each
    # student picks theirs. Empty: everyone plays `scenario`.
    groups: list[str] = []
    predict: Text
    predictions: Annotated[list[Prediction], Field(min_length=1)]
    glossary: list[str] = []
    debrief: Annotated[list[DebriefQuestion | Text], Field(min_length=1)]
    instructor_notes: Text
    checkpoints: Annotated[list[Checkpoint], Field(min_length=1)]

    @property
    def questions(self) -> list[DebriefQuestion]:
        """The debrief's questions, each with its charts (a bare string has none)."""
        return [
            q if isinstance(q, DebriefQuestion) else DebriefQuestion(question=q)
            for q in self.debrief
        ]

    @property
    def scenarios(self) -> list[str]:
        """The scenarios a student may play: the groups, else the lesson's scenario."""
        return list(self.groups) or [self.scenario]
