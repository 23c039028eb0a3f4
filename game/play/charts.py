"""The charts screen's data: each chart's series, axes, units and what to look for.

Everything here is read off the engine's history (`World.history()`, whose metrics
`metrics.REGISTRY` defines once, with units). The front-ends draw a `ChartView` as a
plot or as a table of numbers; they compute nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from game.engine import TIERS, VC_NAMES
from game.engine.metrics import HHI_CONCENTRATED, HHI_MONOPOLY, LERNER_COMMODITY, METRIC
from game.engine.scaling import LEVELS
from game.engine.state import FLOW_NAMES

from .observe import burn as spent
from .runner import Game, revenue_shares
from .script import PLAYER

#: Runway shown on the chart is capped here: "more than ten years" reads as ten.
RUNWAY_CAP = 40.0


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]  # one per quarter played; None: not on sale / gone
    role: str  # "you", "rival", "open", "market", "law", "line" (a threshold)


@dataclass(frozen=True)
class ChartView:
    id: str
    title: str
    caption: str  # one line: what to look for
    y_label: str  # with its unit
    quarters: tuple[int, ...]  # 1-based, the game's own count
    dates: tuple[str, ...]  # "2025 Q1" for each quarter
    series: tuple[Series, ...]
    fmt: str = "{:,.2f}"  # how the table prints a value
    log_y: bool = False  # prices fall by orders of magnitude: plotted as log10
    x_label: str = "quarter"
    term: str | None = None  # the glossary entry that explains what the chart shows

    def rows(self, last: int | None = None) -> list[tuple[str, list[str]]]:
        """The chart as a table: (date, values by series), the last `last` quarters."""
        idx = range(len(self.quarters))
        if last is not None:
            idx = idx[-last:]
        return [
            (
                f"{self.quarters[i]} {self.dates[i]}",
                ["-" if s.values[i] is None else self.fmt.format(s.values[i]) for s in self.series],
            )
            for i in idx
        ]


def _t(a) -> tuple[float | None, ...]:
    return tuple(None if not np.isfinite(x) else float(x) for x in np.asarray(a, dtype=float))


def _unit(metric: str) -> str:
    return METRIC[metric].unit


def charts(game: Game) -> tuple[ChartView, ...]:
    """Every chart of the game so far (empty before the first quarter)."""
    h = game.world.history()
    if not h:
        return ()
    from .outputs import date_label

    T = h["hhi"].shape[0]
    start = game.scenario.start_year
    q = tuple(range(1, T + 1))
    dates = tuple(date_label(start, t) for t in range(T))
    names = game.names
    L = len(names)
    alive = h["alive"][:, 0]  # (T,L)
    seen = alive.any(0)  # labs that were in the market at some point
    rivals = [i for i in range(L) if i != PLAYER and seen[i]]
    me = names[PLAYER]

    def chart(id, title, caption, y_label, series, **kw) -> ChartView:
        return ChartView(id, title, caption, y_label, q, dates, tuple(series), **kw)

    out = []

    # --- shares of model revenue
    rev = h["revenue"][:, 0]
    total = rev.sum(-1) + h["fringe_revenue"][:, 0]
    share = revenue_shares(rev, h["fringe_revenue"][:, 0])
    open_share = np.where(total > 0, h["fringe_revenue"][:, 0] / np.maximum(total, 1e-12), 0.0)
    out.append(
        chart(
            "shares",
            "Shares of model revenue",
            "One or two lines pulling away means consolidation; all of them sinking "
            "toward the open-weight line means commoditization.",
            "share of revenue (%)",
            [
                Series(me, _t(100 * share[:, PLAYER]), "you"),
                *(
                    Series(names[i], _t(np.where(alive[:, i], 100 * share[:, i], np.nan)), "rival")
                    for i in rivals
                ),
                Series("open-weight hosts", _t(100 * open_share), "open"),
            ],
            fmt="{:.1f}",
            term="oligopoly",
        )
    )

    # --- prices
    k = TIERS.index("frontier")
    price = h["prices"][:, 0, :, k]  # (T,L)
    riv = np.array([price[:, i] for i in rivals]).T if rivals else np.full((T, 1), np.nan)
    riv_alive = np.array([alive[:, i] for i in rivals]).T if rivals else np.zeros((T, 1), bool)
    riv = np.where(riv_alive, riv, np.nan)
    with np.errstate(all="ignore"):
        med = np.array([np.nanmedian(r) if np.isfinite(r).any() else np.nan for r in riv])
    out.append(
        chart(
            "prices",
            "Prices of a million tokens",
            "Prices that fall toward the open-weight line mean margins are being competed "
            "away; the constant-capability price shows how fast a given quality gets cheaper.",
            f"price ({_unit('open_price')}, log scale)",
            [
                Series(f"{me} (frontier model)", _t(price[:, PLAYER]), "you"),
                Series("rivals' median (frontier models)", _t(med), "rival"),
                Series("open-weight offer", _t(h["open_price"][:, 0]), "open"),
                Series("constant capability", _t(h["constant_cap_price"][:, 0]), "market"),
            ],
            fmt="{:,.3f}",
            log_y=True,
            term="constant-capability-price",
        )
    )

    # --- concentration
    out.append(
        chart(
            "concentration",
            "Concentration: HHI and CR4",
            f"Above {HHI_CONCENTRATED / 100:.0f} (HHI {HHI_CONCENTRATED:,.0f}) the market is "
            f"highly concentrated; above {HHI_MONOPOLY / 100:.0f} one firm dominates.",
            "HHI / 100 and CR4 (%), 0-100",
            [
                Series("HHI / 100", _t(h["hhi"][:, 0] / 100), "market"),
                Series("CR4 (%)", _t(100 * h["cr4"][:, 0]), "rival"),
                Series("highly concentrated", _t(np.full(T, HHI_CONCENTRATED / 100)), "line"),
            ],
            fmt="{:,.1f}",
            term="hhi",
        )
    )

    # --- cash and runway
    burn = np.array(
        [
            spent(dict(zip(FLOW_NAMES, rep.flows[0, PLAYER], strict=True)))
            for rep in game.world.reports[-T:]
        ]
    )
    cash = h["cash"][:, 0, PLAYER]
    runway = np.where(
        burn > 1e-9, np.minimum(cash / np.maximum(burn, 1e-12), RUNWAY_CAP), RUNWAY_CAP
    )
    out.append(
        chart(
            "cash",
            "Your cash and runway",
            "Runway is how many quarters the cash lasts at that quarter's burn (capped at "
            f"{RUNWAY_CAP:.0f}); under 4 quarters, raise money or cut costs.",
            f"cash ({_unit('cash')}) and runway (quarters)",
            [
                Series(f"{me} cash ($B)", _t(cash), "you"),
                Series("runway (quarters)", _t(np.where(alive[:, PLAYER], runway, 0.0)), "market"),
            ],
            fmt="{:,.2f}",
        )
    )

    # --- Lerner index
    out.append(
        chart(
            "lerner",
            "Lerner index: how far prices sit above cost",
            f"Near 0 is commodity pricing (below {LERNER_COMMODITY:.1f} counts as "
            "commoditized); near 1 means buyers pay far above what serving costs.",
            f"Lerner index ({_unit('lerner')} of revenue, 0-1)",
            [
                Series("labs alone", _t(h["lab_lerner"][:, 0]), "you"),
                Series("labs and open-weight hosts", _t(h["lerner"][:, 0]), "market"),
                Series("commodity line", _t(np.full(T, LERNER_COMMODITY)), "line"),
            ],
            term="lerner-index",
        )
    )

    # --- value chain
    vc = h["value_chain"][:, 0]  # (T,V)
    labels = {
        "hardware": "chip vendor",
        "labs": "AI labs",
        "apps": "apps and hosts",
        "consumers": "buyers (surplus)",
    }
    out.append(
        chart(
            "value_chain",
            "Who captures the value created each quarter",
            "Compare the layers: a fat chip-vendor line and thin labs line means the "
            "hardware captures the boom; a rising buyers' line means competition passes "
            "it on.",
            f"value this quarter ({_unit('value_chain')})",
            [Series(labels.get(n, n), _t(vc[:, j]), "market") for j, n in enumerate(VC_NAMES)],
            fmt="{:,.2f}",
            term="value-chain",
        )
    )

    # --- capability against the scaling law
    cap = h["capability"][:, 0]  # (T,L)
    shipped = h["shipped"][:, 0]
    gap = h["stall_gap"][:, 0]
    law = np.empty((T, L))
    last_gap = np.zeros(L)
    for t in range(T):
        last_gap = np.where(shipped[t], gap[t], last_gap)
        law[t] = cap[t] + np.maximum(last_gap, 0.0)
    law_front = np.where(alive, law, -np.inf).max(-1)
    law_front = np.maximum(law_front, h["frontier"][:, 0])
    out.append(
        chart(
            "capability",
            "Capability: the frontier against the scaling law",
            "Where the frontier line falls below the law's line, scaling has stalled in "
            "this world: bigger runs no longer buy what the law promised.",
            f"capability ({_unit('frontier')}; levels: "
            + ", ".join(f"{x:g} {n}" for x, n in LEVELS[2:4])
            + ")",
            [
                Series("frontier (best on sale)", _t(h["frontier"][:, 0]), "market"),
                Series("the scaling law's prediction", _t(law_front), "law"),
                Series(f"{me}", _t(np.where(alive[:, PLAYER], cap[:, PLAYER], np.nan)), "you"),
                Series("open-weight offer", _t(h["open_capability"][:, 0]), "open"),
            ],
            term="scaling-law",
        )
    )
    return tuple(out)


__all__ = ["RUNWAY_CAP", "ChartView", "Series", "charts"]
