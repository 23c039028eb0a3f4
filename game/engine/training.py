"""Training runs and distillation: the capability a finished run earns.

`run_capability` applies repeated data, synthetic data and algorithmic progress to a
run (docs/model.md 4.6-4.7, 6.3); `distilled_capability` gives a distilled model's
capability (6.7). Used by the step, by creation and by the training planner.
"""

from __future__ import annotations

import numpy as np

from . import scaling
from .capital import research_level
from .state import H, Tables


def distilled_capability(cap_big, ratio, gap):
    """A model 1/ratio smaller loses `gap` capability points per decade of size."""
    return cap_big - gap * np.log10(1.0 / ratio)


def ring(t: int) -> int:
    """Slot of quarter t in the frontier-history ring."""
    return t % H


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


def distill_cost(n_big, p):
    """FLOPs to distill: 6 * N_small * (100 * N_small) tokens."""
    n_small = n_big * p.distill_ratio
    return 6.0 * n_small * 100.0 * n_small
