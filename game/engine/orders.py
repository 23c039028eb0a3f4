"""Orders for human-controlled labs, and their validation.

An order is refused as a whole, with every reason, before anything changes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .scenario import RESEARCH, SEGMENTS, TIERS

MAX_PRICE = 1000.0  # $/M tokens
MAX_PARAMS = 1e16
MAX_TOKENS = 1e18


@dataclass(frozen=True)
class TrainOrder:
    """Start a training run of `params` parameters on `tokens` tokens.

    mix: specialization weights by segment (missing segments weigh 0; empty = the lab's
    current mix).
    quarters: planned duration; the engine gives the run the compute share it needs
    to finish in that many quarters, as far as the lab's compute allows.
    """

    params: float
    tokens: float
    mix: dict[str, float] = field(default_factory=dict)
    quarters: int = 2


@dataclass(frozen=True)
class Orders:
    """One quarter of decisions for one lab. Omitted fields keep last quarter's choice.

    lease: kGPU leased this quarter (None = same as last quarter).
    buy: kGPU bought this quarter (capex, depreciates over the hardware's life).
    train: start a training run (refused if one is under way).
    train_share: share of compute given to training (None = what the run needs).
    research: $B this quarter by track (efficiency, reliability, synthetic).
    build: product ids to start building.
    prices: $/M tokens by tier (frontier, small).
    distill: distill a small model from the current frontier model.
    release_open: publish the frontier model's weights.
    raise_funds: $B asked from investors (what they give depends on the valuation).
    borrow / repay: $B of debt.
    """

    lease: float | None = None
    buy: float = 0.0
    train: TrainOrder | None = None
    train_share: float | None = None
    research: dict[str, float] = field(default_factory=dict)
    build: tuple[str, ...] = ()
    prices: dict[str, float] = field(default_factory=dict)
    distill: bool = False
    release_open: bool = False
    raise_funds: float = 0.0
    borrow: float = 0.0
    repay: float = 0.0


class OrderError(ValueError):
    """Orders refused. `reasons` lists each problem; the state did not change."""

    def __init__(self, reasons: list[str]):
        self.reasons = list(reasons)
        super().__init__("orders refused: " + "; ".join(self.reasons))


def _bad_number(x, lo=0.0, hi=math.inf, lo_open=False) -> bool:
    if isinstance(x, bool):
        return True
    try:
        v = float(x)
    except (TypeError, ValueError, OverflowError):
        return True
    return not math.isfinite(v) or v < lo or v > hi or (lo_open and v <= lo)


# ---------------------------------------------------------------------------
# The order specification: every order field once, with its type, unit, bounds and
# help. The engine's checks (check_shape), the playthrough schema
# (game/play/script.py), the session's legal ranges, the REPL help and the UI's
# forms are all derived from ORDER_FIELDS.
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderField:
    """One field of a quarter's orders.

    name: the field's path in a script's `[[quarters]]` entry ("lease", "train.params").
    kind: "number", "integer", "flag" (true/false), "amounts" (a table of numbers by
    key: research by track, prices by tier, mix by segment) or "ids" (a list of
    product ids).
    lo, hi: the allowed range of a number (of each amount); lo_open: lo itself is
    not allowed. keys: the allowed keys of an amounts table.
    standing: the game session carries the value over from quarter to quarter.
    repl: how the order is typed at the line prompt.
    """

    name: str
    kind: str
    label: str
    unit: str
    help: str
    lo: float = 0.0
    hi: float = math.inf
    lo_open: bool = False
    keys: tuple[str, ...] = ()
    standing: bool = False
    repl: str = ""

    def bounds_text(self) -> str:
        """The range as words, e.g. 'in (0, 1000] $ per million tokens'."""
        if self.kind in ("flag", "ids"):
            return ""
        if self.kind == "integer":
            return f"an integer {self.lo:g}..{self.hi:g}"
        left = "(" if self.lo_open else "["
        if math.isinf(self.hi):
            return f"{'>' if self.lo_open else '>='} {self.lo:g}"
        return f"in {left}{self.lo:g}, {self.hi:g}]"

    def problem(self, value) -> str | None:
        """Why one value (one amount, for an amounts table) is out of bounds, or None."""
        if self.kind == "integer":
            ok = isinstance(value, int | np.integer) and not isinstance(value, bool)
            if not ok or not self.lo <= int(value) <= self.hi:
                return f"{value!r} must be {self.bounds_text()}"
            return None
        if self.kind in ("number", "amounts"):
            if _bad_number(value, self.lo, self.hi, self.lo_open):
                return f"{value!r} must be a number {self.bounds_text()} ({self.unit})"
            return None
        if self.kind == "flag" and not isinstance(value, bool | np.bool_):
            return f"{value!r} must be true or false"
        return None


MONEY_MAX = 1e7  # $B: far above any lab's books; bounds the arithmetic


ORDER_FIELDS: tuple[OrderField, ...] = (
    OrderField(
        "lease",
        "number",
        "Lease",
        "thousand GPUs",
        "GPUs rented for this quarter, paid up front; the lease stays until you change it",
        0.0,
        MONEY_MAX,
        standing=True,
        repl="lease=40",
    ),
    OrderField(
        "buy",
        "number",
        "Buy",
        "thousand GPUs",
        "GPUs bought outright: paid now, then yours for the hardware's life (they depreciate)",
        0.0,
        MONEY_MAX,
        repl="buy=5",
    ),
    OrderField(
        "train.params",
        "number",
        "Parameters",
        "parameters",
        "size N of the model a new training run makes",
        1e6,
        MAX_PARAMS,
        repl="train=1e12x2e13@3",
    ),
    OrderField(
        "train.tokens",
        "number",
        "Tokens",
        "tokens",
        "training data D of the run; the run needs 6 x N x D FLOPs",
        1e6,
        MAX_TOKENS,
    ),
    OrderField(
        "train.quarters",
        "integer",
        "Duration",
        "quarters",
        "how many quarters the run is planned over; shorter runs need more compute at once",
        1,
        12,
    ),
    OrderField(
        "train.mix",
        "amounts",
        "Specialization",
        "relative weight",
        "what the next model is tuned for, as weights by market segment",
        0.0,
        1e6,
        keys=SEGMENTS,
        standing=True,
        repl="mix.coding=2",
    ),
    OrderField(
        "train_share",
        "number",
        "Training share",
        "share of compute",
        "share of your GPUs given to the training run (unset: what the run needs after serving)",
        0.0,
        1.0,
        standing=True,
        repl="train_share=0.5",
    ),
    OrderField(
        "research",
        "amounts",
        "Research",
        "$B per quarter",
        "spending per research track: efficiency (cheaper serving), reliability, synthetic data",
        0.0,
        1e6,
        keys=RESEARCH,
        standing=True,
        repl="research.efficiency=0.5",
    ),
    OrderField(
        "build",
        "ids",
        "Build",
        "products",
        "products to start building (each costs its build cost over its build quarters)",
        repl="build=workspace",
    ),
    OrderField(
        "prices",
        "amounts",
        "Price",
        "$ per million tokens",
        "what customers pay per million tokens, by model tier; prices stay until you change them",
        0.0,
        MAX_PRICE,
        lo_open=True,
        keys=TIERS,
        standing=True,
        repl="price=6  price.small=0.4",
    ),
    OrderField(
        "distill",
        "flag",
        "Distill",
        "",
        "distil a small, cheap model from your frontier model (costs training compute)",
        repl="distill",
    ),
    OrderField(
        "release_open",
        "flag",
        "Release weights",
        "",
        "publish your frontier model's weights: the open-weight offer catches up to it",
        repl="release",
    ),
    OrderField(
        "raise_funds",
        "number",
        "Raise",
        "$B",
        "money asked from investors; what they give depends on your valuation and their mood",
        0.0,
        MONEY_MAX,
        repl="raise=5",
    ),
    OrderField(
        "borrow",
        "number",
        "Borrow",
        "$B",
        "debt taken this quarter (limit: a year's revenue plus half the hardware's book value)",
        0.0,
        MONEY_MAX,
        repl="borrow=2",
    ),
    OrderField(
        "repay",
        "number",
        "Repay",
        "$B",
        "debt paid back this quarter",
        0.0,
        MONEY_MAX,
        repl="repay=1",
    ),
)

#: The specification by name.
FIELDS: dict[str, OrderField] = {f.name: f for f in ORDER_FIELDS}


def _value(o: Orders, name: str):
    head, _, rest = name.partition(".")
    v = getattr(o, head)
    return getattr(v, rest) if rest and v is not None else v


#: The order fields whose None means "as last quarter" (Orders' own None defaults).
_MAY_BE_NONE = frozenset({"lease", "train_share"})


def check_shape(o: Orders, lab: str, prod_ids: tuple[str, ...]) -> list[str]:
    """Problems that need no state: types, ranges and names (from ORDER_FIELDS)."""
    errs: list[str] = []
    if not isinstance(o, Orders):
        return [f"{lab}: orders must be an Orders object, got {type(o).__name__}"]
    if o.train is not None and not isinstance(o.train, TrainOrder):
        errs.append(f"{lab}: train: must be a TrainOrder")
    for f in ORDER_FIELDS:
        if f.name.startswith("train.") and not isinstance(o.train, TrainOrder):
            continue
        v = _value(o, f.name)
        if v is None:
            if f.name not in _MAY_BE_NONE:
                errs.append(f"{lab}: {f.name}: must be given ({f.help}), got None")
            continue  # lease / train_share left as they were
        if f.kind == "amounts":
            if not isinstance(v, Mapping):
                errs.append(
                    f"{lab}: {f.name}: must be a table of name = number, "
                    f"got {type(v).__name__} {v!r}"
                )
                continue
            for k, x in v.items():
                if k not in f.keys:
                    what = {"prices": "tier", "research": "track"}.get(f.name, "segment")
                    errs.append(f"{lab}: {f.name}.{k}: unknown {what}; known: {', '.join(f.keys)}")
                elif (why := f.problem(x)) is not None:
                    errs.append(f"{lab}: {f.name}.{k}: {why}")
            if f.name == "train.mix" and v:
                good = [x for x in v.values() if not _bad_number(x)]
                if good and not any(float(x) > 0 for x in good):
                    errs.append(f"{lab}: train.mix: at least one weight must be positive")
        elif f.kind == "ids":
            if isinstance(v, str | bytes) or not isinstance(v, Sequence):
                errs.append(f"{lab}: build: must be a list of product ids, got {v!r}")
                continue
            seen: set[str] = set()
            for pid in v:
                if pid not in prod_ids:
                    errs.append(
                        f"{lab}: build: unknown product {pid!r}; known: {', '.join(prod_ids)}"
                    )
                elif pid in seen:
                    errs.append(f"{lab}: build: {pid!r} listed twice")
                seen.add(pid)
        elif (why := f.problem(v)) is not None:
            errs.append(f"{lab}: {f.name}: {why}")
    return errs
