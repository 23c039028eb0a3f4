"""Demand and pricing: logit choice, Bass diffusion, best-response markups, surplus.

Sources: Berry (1994) for logit demand and its inclusive value; Bass (1969) for
diffusion; the Bertrand-logit first-order condition for markups.
"""

from __future__ import annotations

import numpy as np

from .fast import rsum


def bass_step(adopters, potential, p, q):
    """A' = A + (p + q A/M)(M - A), kept within [0, max(A, M)]."""
    m = np.maximum(potential, 1e-12)
    new = adopters + (p + q * adopters / m) * (m - adopters)
    return np.clip(new, 0.0, np.maximum(adopters, m))


def logit_shares(utility, available):
    """Shares of each offer and of the outside option (utility 0).

    utility, available: (..., J) (available broadcasts). Returns (shares (..., J),
    outside (...), inclusive (...)) where inclusive = ln(1 + sum_j exp(u_j)) is the
    logit inclusive value. Utilities are capped at 300 so exp cannot overflow, which
    lets us skip the usual max-subtraction (the engine's utilities stay far below).
    """
    # exp(-inf) and exp underflow take numpy's slow path; exp(-700) ~ 1e-304 does not,
    # and the mask then makes unavailable offers' shares exactly zero.
    e = np.exp(np.where(available, np.minimum(utility, 300.0), -700.0)) * available
    denom = 1.0 + e.sum(axis=-1)
    inv = 1.0 / denom
    return e * inv[..., None], inv, np.log(denom)


def partial_adjustment(prev, fresh, fresh_outside, available, rho):
    """Shares when only a fraction rho of buyers re-choose each quarter.

    prev, fresh: (W,S,J) last quarter's and this quarter's logit shares; available:
    (W,J) offers still on sale. Buyers of withdrawn offers all choose afresh. Returns
    (shares, outside) that sum to one. Switching costs of this kind are the standard
    partial-adjustment reading of state dependence (Klemperer 1995).
    """
    stay = (1.0 - rho) * prev * available[:, None, :]
    prev_out = np.clip(1.0 - rsum(prev), 0.0, 1.0)
    stay_out = (1.0 - rho) * prev_out
    pool = 1.0 - rsum(stay) - stay_out
    return stay + pool[..., None] * fresh, stay_out + pool * fresh_outside


def best_response_lerner(firm_share, alpha, factor, lo=0.05, hi=0.85):
    """Lerner index (p - c)/p from the logit first-order condition.

    With utility -alpha ln p, a firm selling offers with total share s sets
    (p - c)/p = 1 / (alpha (1 - s)). `factor` scales it (archetype pricing style).
    Clipped to [lo, hi] because the FOC has no interior solution when alpha(1-s) <= 1.
    """
    denom = np.maximum(alpha * (1.0 - firm_share), 1e-6)
    return np.clip(factor / denom, lo, hi)


def consumer_surplus(inclusive, alpha, mean_price, volume):
    """Money-metric logit surplus, $ (Small & Rosen 1981; Train 2009, ch. 3).

    The surplus per unit is inclusive / alpha_money. Utility is linear in ln(price), so
    the marginal utility of money is alpha / price; we evaluate it at the share-weighted
    mean price, the usual local linearisation. volume is the units demanded.
    """
    return volume * inclusive * mean_price / alpha
