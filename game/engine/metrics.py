"""Market structure: HHI, CR4, Lerner index, and the verdict.

Sources: U.S. DOJ/FTC Horizontal Merger Guidelines (2023: HHI above 1,800 is highly
concentrated; 2010: below 1,500 unconcentrated); Lerner (1934).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .fast import asum, rsum

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


#: What the verdict reads, in the order of `State.struct_hist`'s last axis.
VERDICT_INPUTS: tuple[str, ...] = ("hhi", "lerner", "lab_margin", "open_token_share")


def trailing(struct_hist):
    """The verdict's inputs averaged over the quarters kept (W,Q,4) -> (W,4): the last
    four quarters, fewer at the start (unfilled quarters are NaN)."""
    filled = np.isfinite(struct_hist)
    return asum(np.where(filled, struct_hist, 0.0), 1) / np.maximum(asum(filled * 1.0, 1), 1)


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


# ---------------------------------------------------------------------------
# The metric registry: every number a quarter reports, defined once
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    """One entry of a quarter's `Report.metrics`.

    axes: the array's axes after the world axis, by letter (docs/model.md 1: L labs,
    K tiers, S segments, E events, J offers in a segment, V value-chain layers); ""
    for one number per world. history: kept by `World.history()` for every quarter
    (and so read by sweeps, facts, the debrief and the app's charts).
    """

    name: str
    axes: str
    unit: str
    label: str
    history: bool = False


#: Every metric `sim.step` reports, in its order. A test checks that the step reports
#: exactly these, with these axes.
REGISTRY: tuple[Metric, ...] = (
    Metric("frontier", "", "index", "best capability on offer (the frontier)", True),
    Metric("open_capability", "", "index", "capability of the open-weight offer", True),
    Metric("open_price", "", "$/M tokens", "price of the open-weight offer", True),
    Metric("compute_price", "", "$/GPU-hour", "the vendor's price of a GPU-hour", True),
    Metric("markup", "", "price/cost - 1", "the chip vendor's markup", True),
    Metric("sentiment", "", "index", "investor sentiment (1 = neutral)", True),
    Metric("hhi", "", "0-10,000", "HHI of model revenue", True),
    Metric("cr4", "", "share", "four biggest sellers' share of model revenue", True),
    Metric("lerner", "", "share", "Lerner index, labs and open-weight hosts", True),
    Metric("verdict", "", "code", "market verdict (metrics.VERDICTS)", True),
    Metric("lab_margin", "", "share", "labs' operating margin", True),
    Metric("lab_lerner", "", "share", "Lerner index of the labs alone", True),
    Metric("open_token_share", "", "share", "open weights' share of tokens served", True),
    Metric("price_decline", "", "x a year", "fall of the constant-capability price", True),
    Metric("constant_cap_price", "", "$/M tokens", "price of constant capability", True),
    Metric("market_size", "", "$B", "spend on models: tokens and contracts", True),
    Metric("potential", "S", "M buyers", "potential buyers by segment", True),
    Metric("adopters", "S", "M buyers", "buyers who have adopted AI, by segment"),
    Metric("segment_tokens", "S", "M tokens", "tokens served by segment"),
    Metric("outside_share", "S", "share", "buyers choosing no AI, by segment"),
    Metric("value_chain", "V", "$B", "value created this quarter, by layer", True),
    Metric("value_chain_cum", "V", "$B", "value created so far, by layer", True),
    Metric("vendor_revenue", "", "$B", "the chip vendor's revenue", True),
    Metric("lab_compute_spend", "L", "$B", "each lab's spend on chips"),
    Metric("fringe_revenue", "", "$B", "open-weight hosts' revenue", True),
    Metric("fringe_compute_spend", "", "$B", "open-weight hosts' spend on chips"),
    Metric("revenue", "L", "$B", "each lab's revenue", True),
    Metric("op_profit", "L", "$B", "each lab's operating profit", True),
    Metric("gpu_wear", "L", "$B", "depreciation of owned GPUs (no cash paid)"),
    Metric("train_compute", "L", "$B", "compute given to training (not in op. profit)"),
    Metric("econ_profit", "L", "$B", "each lab's economic profit", True),
    Metric("cash", "L", "$B", "each lab's cash", True),
    Metric("equity", "L", "share", "the share of each lab its founders still own", True),
    Metric("valuation", "L", "$B", "what investors would pay for each lab", True),
    Metric("stake", "L", "$B", "the founders' stake: equity x valuation", True),
    Metric("capital_pool", "", "$B", "investors' money for AI labs this quarter", True),
    Metric("alive", "L", "bool", "the lab is in business", True),
    Metric("capability", "L", "index", "each lab's best model", True),
    Metric("prices", "LK", "$/M tokens", "each lab's prices by tier", True),
    Metric("unit_cost", "LK", "$/M tokens", "each lab's cost of serving a million tokens, by tier"),
    Metric("served", "L", "share", "share of its demand each lab could serve"),
    Metric("shares", "SJ", "share", "each offer's share of a segment's buyers"),
    Metric("labs_alive", "", "labs", "labs in business", True),
    Metric("events_started", "E", "bool", "events that started this quarter"),
    Metric("shipped", "L", "bool", "the lab shipped a new frontier model", True),
    Metric("trained_flops", "L", "FLOP", "a run that finished training this quarter"),
    Metric("stall_gap", "L", "index", "how far a shipped model fell short of the law", True),
    Metric("bankrupt", "L", "bool", "the lab went bankrupt this quarter"),
    Metric("entered", "L", "bool", "the lab entered this quarter"),
    Metric("released", "L", "bool", "the lab released its weights"),
    Metric("contract_holder", "", "lab", "the lab holding the government contract (-1 none)"),
    Metric("contract_won", "L", "bool", "the lab won the government contract"),
    Metric("contract_lost", "L", "bool", "the lab lost the government contract"),
    Metric("nationalized", "L", "bool", "the state took the lab over"),
    Metric("rebased", "L", "bool", "the lab serves the open-weight model"),
    Metric("scaling_holds", "", "bool", "scaling keeps paying in this world"),
)
METRIC: dict[str, Metric] = {m.name: m for m in REGISTRY}
#: What `World.history()` keeps, quarter by quarter.
HISTORY_KEYS: tuple[str, ...] = tuple(m.name for m in REGISTRY if m.history)
