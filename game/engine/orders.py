"""Orders for human-controlled labs, and their validation.

An order is refused as a whole, with every reason, before anything changes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

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


def _bad_number(x, lo=0.0, hi=math.inf) -> bool:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return True
    return not math.isfinite(v) or v < lo or v > hi


def check_shape(o: Orders, lab: str, prod_ids: tuple[str, ...]) -> list[str]:
    """Problems that need no state: types, ranges and names."""
    errs: list[str] = []
    if not isinstance(o, Orders):
        return [f"{lab}: orders must be an Orders object, got {type(o).__name__}"]
    if o.lease is not None and _bad_number(o.lease, 0.0, 1e7):
        errs.append(f"{lab}: lease: {o.lease!r} must be a number of kGPU >= 0")
    for name in ("buy", "raise_funds", "borrow", "repay"):
        if _bad_number(getattr(o, name), 0.0, 1e7):
            errs.append(f"{lab}: {name}: {getattr(o, name)!r} must be a number >= 0")
    if o.train_share is not None and _bad_number(o.train_share, 0.0, 1.0):
        errs.append(f"{lab}: train_share: {o.train_share!r} must lie in [0, 1]")
    for k, v in o.research.items():
        if k not in RESEARCH:
            errs.append(f"{lab}: research.{k}: unknown track; known: {', '.join(RESEARCH)}")
        elif _bad_number(v, 0.0, 1e6):
            errs.append(f"{lab}: research.{k}: {v!r} must be $B >= 0")
    for k, v in o.prices.items():
        if k not in TIERS:
            errs.append(f"{lab}: prices.{k}: unknown tier; known: {', '.join(TIERS)}")
        elif _bad_number(v, 1e-6, MAX_PRICE):
            errs.append(f"{lab}: prices.{k}: {v!r} must be in (0, {MAX_PRICE:g}] $/M tokens")
    seen: set[str] = set()
    for pid in o.build:
        if pid not in prod_ids:
            errs.append(f"{lab}: build: unknown product {pid!r}; known: {', '.join(prod_ids)}")
        elif pid in seen:
            errs.append(f"{lab}: build: {pid!r} listed twice")
        seen.add(pid)
    if o.train is not None:
        t = o.train
        if not isinstance(t, TrainOrder):
            errs.append(f"{lab}: train: must be a TrainOrder")
        else:
            if _bad_number(t.params, 1e6, MAX_PARAMS):
                errs.append(f"{lab}: train.params: {t.params!r} must be in [1e6, {MAX_PARAMS:g}]")
            if _bad_number(t.tokens, 1e6, MAX_TOKENS):
                errs.append(f"{lab}: train.tokens: {t.tokens!r} must be in [1e6, {MAX_TOKENS:g}]")
            if not isinstance(t.quarters, int) or not 1 <= t.quarters <= 12:
                errs.append(f"{lab}: train.quarters: {t.quarters!r} must be an integer 1..12")
            for k, v in t.mix.items():
                if k not in SEGMENTS:
                    errs.append(
                        f"{lab}: train.mix.{k}: unknown segment; known: {', '.join(SEGMENTS)}"
                    )
                elif _bad_number(v, 0.0, 1e6):
                    errs.append(f"{lab}: train.mix.{k}: {v!r} must be >= 0")
            if t.mix and not any(float(v) > 0 for v in t.mix.values() if not _bad_number(v)):
                errs.append(f"{lab}: train.mix: at least one weight must be positive")
    return errs
