"""The industry screen's data: the value chain, the verdict and why, the open-weight
frontier and the data stock, read off the engine's state and last report.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from game.engine import VC_NAMES, scaling
from game.engine.demand import open_lag
from game.engine.metrics import (
    HHI_CONCENTRATED,
    HHI_MONOPOLY,
    LERNER_COMMODITY,
    OPEN_SHARE_COMMODITY,
    VERDICT_INPUTS,
    VERDICTS,
    trailing,
)

from .outputs import VERDICT_MEANING, date_label
from .runner import Game

#: The value chain's layers in plain words (VC_NAMES order).
LAYERS = {
    "hardware": "chip vendor",
    "labs": "labs and hosts",
    "apps": "applications",
    "consumers": "buyers",
}
#: What each layer's figure is.
LAYER_MEASURE = (
    "the chip vendor's gross profit; the AI labs' and open-weight hosts' operating "
    "profit; the profit of applications built on the models; the buyers' surplus over "
    "what they pay"
)


@dataclass(frozen=True)
class LayerRow:
    layer: str
    now: float  # $B this quarter
    now_share: float | None  # of the value created this quarter; None for a loss
    total: float  # $B over the game
    total_share: float | None


@dataclass(frozen=True)
class IndustryView:
    date: str  # the quarter last played
    quarters: int  # quarters played
    layers: tuple[LayerRow, ...]
    layers_note: str  # what each layer's figure is
    verdict: str
    meaning: str
    window: int  # quarters the verdict reads
    reasons: tuple[str, ...]  # each test of the rule, with this world's numbers
    frontier: float
    frontier_level: str
    open_capability: float
    open_gap: float  # capability points the open offer trails the best model
    open_lag: float  # quarters the open offer trails, by the calibration
    open_price: float
    open_token_share: float
    data_stock: float  # unique tokens
    biggest_run_tokens: float
    biggest_run_lab: str | None
    data_used: float  # the biggest run's tokens over the stock


def _shares(values: np.ndarray) -> list[float | None]:
    pos = float(np.maximum(values, 0.0).sum())
    return [None if v < 0 or pos <= 0 else float(v) / pos for v in values]


def industry(game: Game) -> IndustryView | None:
    """The industry after the last quarter played (None before the first)."""
    w = game.world
    if not w.reports:
        return None
    st, p = w.state, w.tables.scenario.params
    m = w.reports[-1].metrics
    vc_now, vc_cum = m["value_chain"][0], m["value_chain_cum"][0]
    sn, sc = _shares(vc_now), _shares(vc_cum)
    layers = tuple(
        LayerRow(LAYERS[k], float(vc_now[j]), sn[j], float(vc_cum[j]), sc[j])
        for j, k in enumerate(VC_NAMES)
    )
    # The verdict reads the trailing averages the engine keeps (metrics.trailing).
    trail = trailing(st.struct_hist)[0]
    x = dict(zip(VERDICT_INPUTS, (float(v) for v in trail), strict=True))
    window = int(np.isfinite(st.struct_hist[0, :, 0]).sum())
    name = VERDICTS[int(m["verdict"][0])]  # the engine's, read off these same averages
    commod_price = x["lerner"] < LERNER_COMMODITY
    commod_open = x["open_token_share"] > OPEN_SHARE_COMMODITY
    reasons = [
        f"Lerner index {x['lerner']:.2f}: "
        + (
            f"below {LERNER_COMMODITY:g}, prices sit near cost"
            if commod_price
            else f"at least {LERNER_COMMODITY:g}, prices stay above cost"
        ),
        f"open weights serve {x['open_token_share']:.0%} of tokens: "
        + (
            f"more than {OPEN_SHARE_COMMODITY:.0%}, so they set the price"
            if commod_open
            else f"not more than {OPEN_SHARE_COMMODITY:.0%}"
        ),
    ]
    if commod_price or commod_open:
        reasons.append("either of those is enough, whatever the HHI")
    else:
        reasons.append(
            f"labs' operating margin {x['lab_margin']:.0%}: "
            + ("positive" if x["lab_margin"] > 0 else "not positive, so no lab has market power")
        )
        band = (
            f"at least {HHI_MONOPOLY:,.0f}: one lab dominates"
            if x["hhi"] >= HHI_MONOPOLY
            else f"at least {HHI_CONCENTRATED:,.0f}: highly concentrated"
            if x["hhi"] >= HHI_CONCENTRATED
            else f"below {HHI_CONCENTRATED:,.0f}: not highly concentrated"
        )
        reasons.append(f"HHI {x['hhi']:,.0f}, {band}")
    reasons.append(f"so the market is {name}: {VERDICT_MEANING[name]}")
    frontier = float(m["frontier"][0])
    open_cap = float(m["open_capability"][0])
    runs = st.run_d[0] * (st.last_run_flops[0] > 0) * st.exists[0]
    big = int(np.argmax(runs)) if runs.size else 0
    tokens = float(runs[big]) if runs.size else 0.0
    stock = float(st.data_stock[0])
    return IndustryView(
        date=date_label(game.scenario.start_year, st.t - 1),
        quarters=st.t,
        layers=layers,
        layers_note=LAYER_MEASURE,
        verdict=name,
        meaning=VERDICT_MEANING[name],
        window=window,
        reasons=tuple(reasons),
        frontier=frontier,
        frontier_level=scaling.level_name(frontier),
        open_capability=open_cap,
        open_gap=max(frontier - open_cap, 0.0),
        open_lag=open_lag(p, st.t),
        open_price=float(m["open_price"][0]),
        open_token_share=float(m["open_token_share"][0]),
        data_stock=stock,
        biggest_run_tokens=tokens,
        biggest_run_lab=game.names[big] if tokens > 0 else None,
        data_used=tokens / stock if stock > 0 else 0.0,
    )


__all__ = ["LAYER_MEASURE", "IndustryView", "LayerRow", "industry"]
