"""Bots that play a strategy through the engine's archetype policy.

Each style overrides the decision fields of the seat's archetype (see base.py). The
numbers are rules of thumb of ours, picked so that each strategy is recognisable in a
sweep; docs/model.md ("Bots") lists them with the reasoning.
"""

from __future__ import annotations

import numpy as np

from game.engine.policy import Context, Decisions
from game.engine.state import State, Tables

from .base import Bot


def _narrow(mix: dict[str, float]) -> dict[str, float]:
    """All runs aimed at the seat's strongest segment (ties: the first listed)."""
    top = max(mix, key=lambda k: mix[k]) if mix else "coding"
    return {top: 1.0}


def _release_new_models(
    st: State, tb: Tables, cx: Context, dec: Decisions, seats: np.ndarray
) -> Decisions:
    """Publish the weights of every frontier model the seat shipped last quarter."""
    fresh = st.alive[:, seats] & st.has[:, seats, 0] & (st.last_deploy[:, seats] == st.t - 1)
    dec.release[:, seats] = fresh
    return dec


BALANCED = Bot(
    "balanced",
    "Keeps pace with the frontier, prices at the best response, builds chat, a "
    "workspace and enterprise sales, and spends a tenth of revenue on research.",
    style={
        "ambition": 0.9,
        "cadence": 4,
        "run_quarters": 2,
        "tokens_per_param": 40.0,
        "price_factor": 1.0,
        "research_share": 0.10,
        "research_split": {"efficiency": 0.4, "reliability": 0.4, "synthetic": 0.2},
        "products": ("api", "chat", "workspace", "enterprise"),
        "buy_share": 0.4,
        "max_spend_share": 0.5,
    },
)

SCALE_MAX = Bot(
    "scale-max",
    "Bets everything on scale: a compute-optimal run 60% bigger than the largest "
    "rival's every three quarters, funded by every round it can raise.",
    style={
        "ambition": 1.6,
        "cadence": 3,
        "run_quarters": 2,
        "tokens_per_param": 20.0,
        "price_factor": 1.1,
        "research_share": 0.04,
        "research_split": {"efficiency": 0.2, "reliability": 0.2, "synthetic": 0.6},
        "products": ("api", "chat"),
        "buy_share": 0.6,
        "max_spend_share": 0.9,
    },
)

EFFICIENCY = Bot(
    "efficiency",
    "Trains smaller, heavily over-trained models that are cheap to serve, invests in "
    "serving efficiency, undercuts on price and sells agent swarms.",
    style={
        "ambition": 0.6,
        "cadence": 4,
        "run_quarters": 2,
        "tokens_per_param": 150.0,
        "price_factor": 0.75,
        "research_share": 0.15,
        "research_split": {"efficiency": 0.7, "reliability": 0.2, "synthetic": 0.1},
        "products": ("api", "chat", "swarm"),
        "buy_share": 0.8,
        "max_spend_share": 0.4,
    },
)

NICHE = Bot(
    "niche",
    "Specialises every run in its strongest segment, sells reliability at a premium "
    "there and builds the products that lock those buyers in.",
    style={
        "ambition": 0.7,
        "cadence": 4,
        "run_quarters": 2,
        "tokens_per_param": 60.0,
        "mix": _narrow,
        "price_factor": 1.3,
        "research_share": 0.10,
        "research_split": {"efficiency": 0.3, "reliability": 0.6, "synthetic": 0.1},
        "products": ("api", "enterprise", "workspace", "science", "government"),
        "buy_share": 0.4,
        "max_spend_share": 0.5,
    },
)

OPEN_WEIGHTS = Bot(
    "open-weights",
    "Publishes the weights of every new frontier model and prices its API near "
    "cost: it sells little, but it lowers everyone's floor.",
    style={
        "ambition": 0.7,
        "cadence": 4,
        "run_quarters": 2,
        "tokens_per_param": 80.0,
        "price_factor": 0.6,
        "research_share": 0.06,
        "research_split": {"efficiency": 0.6, "reliability": 0.1, "synthetic": 0.3},
        "products": ("api", "chat"),
        "buy_share": 0.5,
        "max_spend_share": 0.5,
    },
    hook=_release_new_models,
)
