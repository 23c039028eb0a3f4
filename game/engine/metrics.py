"""Market structure: HHI, CR4, Lerner index, and the verdict.

Sources: U.S. DOJ/FTC Horizontal Merger Guidelines (2023: HHI above 1,800 is highly
concentrated; 2010: below 1,500 unconcentrated); Lerner (1934).
"""

from __future__ import annotations

import numpy as np

from .fast import rsum

VERDICTS: tuple[str, ...] = ("monopoly", "consolidated oligopoly", "competitive", "commoditized")
MONOPOLY, OLIGOPOLY, COMPETITIVE, COMMODITIZED = range(4)

#: Thresholds of the verdict, documented in docs/model.md.
HHI_MONOPOLY = 5000.0  # one firm holds ~70% or more
HHI_CONCENTRATED = 1800.0  # 2023 Merger Guidelines
LERNER_COMMODITY = 0.2  # price within 20% of marginal cost
OPEN_SHARE_COMMODITY = 0.5  # open-weight hosts serve most tokens


def hhi(lab_revenue, fringe_revenue):
    """HHI of model revenue, 0..10,000. lab_revenue (W,L); the fringe is atomistic."""
    total = rsum(lab_revenue) + fringe_revenue
    s = lab_revenue / np.maximum(total, 1e-12)[..., None] * 100.0
    return np.where(total > 0, rsum(s * s), 0.0)


def cr4(lab_revenue, fringe_revenue):
    total = rsum(lab_revenue) + fringe_revenue
    top4 = rsum(-np.sort(-lab_revenue, axis=-1)[..., :4])
    return np.where(total > 0, top4 / np.maximum(total, 1e-12), 0.0)


def lerner(revenue, margin_revenue):
    """Revenue-weighted Lerner index: sum (p-c)q / sum p q over all sellers."""
    return np.where(revenue > 0, margin_revenue / np.maximum(revenue, 1e-12), 0.0)


def verdict(hhi_value, lerner_value, lab_margin, open_token_share):
    """Verdict code per world (see VERDICTS).

    commoditized: margins near cost (Lerner < 0.2) or open weights serve most tokens;
    monopoly: HHI >= 5,000 with positive lab margins;
    consolidated oligopoly: HHI >= 1,800 with positive lab margins;
    competitive: otherwise.
    """
    commod = (lerner_value < LERNER_COMMODITY) | (open_token_share > OPEN_SHARE_COMMODITY)
    positive = lab_margin > 0
    out = np.full(np.shape(hhi_value), COMPETITIVE, dtype=np.int64)
    out = np.where(positive & (hhi_value >= HHI_CONCENTRATED), OLIGOPOLY, out)
    out = np.where(positive & (hhi_value >= HHI_MONOPOLY), MONOPOLY, out)
    return np.where(commod, COMMODITIZED, out)
