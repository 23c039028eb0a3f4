"""Demand helpers: Bass diffusion, best-response markups, logit consumer surplus.

The logit shares themselves are computed in demand.shares, in a worlds-last layout.

Sources: Berry (1994) for logit demand and its inclusive value; Bass (1969) for
diffusion; the Bertrand-logit first-order condition for markups.
"""

from __future__ import annotations

import numpy as np

from .fast import clip


def bass_step(adopters, potential, p, q):
    """A' = A + (p + q A/M)(M - A), kept within [0, max(A, M)]."""
    m = np.maximum(potential, 1e-12)
    new = adopters + (p + q * adopters / m) * (m - adopters)
    return clip(new, 0.0, np.maximum(adopters, m))


def best_response_lerner(firm_share, alpha, factor, lo=0.05, hi=0.85):
    """Lerner index (p - c)/p from the logit first-order condition.

    With utility -alpha ln p, a firm selling offers with total share s sets
    (p - c)/p = 1 / (alpha (1 - s)). `factor` scales it (archetype pricing style).
    Clipped to [lo, hi] because the FOC has no interior solution when alpha(1-s) <= 1.
    """
    denom = np.maximum(alpha * (1.0 - firm_share), 1e-6)
    return clip(factor / denom, lo, hi)


def consumer_surplus(inclusive, alpha, mean_price, volume):
    """Money-metric logit surplus, $ (Small & Rosen 1981; Train 2009, ch. 3).

    The surplus per unit is inclusive / alpha_money. Utility is linear in ln(price), so
    the marginal utility of money is alpha / price; we evaluate it at the share-weighted
    mean price, the usual local linearisation. volume is the units demanded.
    """
    return volume * inclusive * mean_price / alpha
