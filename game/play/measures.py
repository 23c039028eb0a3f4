"""Every number the output files and tables name, defined once.

The engine defines what a quarter reports (`game.engine.metrics.REGISTRY`: name, axes,
unit, label). The outputs of `game/play` (quarters.csv, the sweep's worlds.csv and
table, `frontier compare`'s "what moved") read those metrics, sometimes per lab,
sometimes summed over the game or taken for your seat. A `Measure` names one such
column: its unit and meaning, and the engine metric it reads, whose unit it keeps.
Column lists, table labels and `frontier metrics` all come from here, so a column
cannot change its meaning in one file and keep it in another.
"""

from __future__ import annotations

from dataclasses import dataclass

from game.engine import SEGMENTS, TIERS
from game.engine.metrics import METRIC, REGISTRY


@dataclass(frozen=True)
class Measure:
    name: str  # the column or key, as written in the files
    unit: str
    label: str  # what it means, in plain words
    fmt: str = "{}"  # how tables print it
    metric: str | None = None  # the engine metric (metrics.METRIC) it reads


def _read(name: str, metric: str, label: str | None = None, fmt: str = "{:,.2f}") -> Measure:
    """A measure that reads an engine metric: same unit, the metric's label by default."""
    m = METRIC[metric]
    return Measure(name, m.unit, label or m.label, fmt, metric)


_ALL: tuple[Measure, ...] = (
    # Who and when.
    Measure("quarter", "quarter", "the quarter just played, counted from 1", "{}"),
    Measure("date", "year Qn", "the calendar quarter", "{}"),
    Measure("lab", "name", "the lab's name", "{}"),
    Measure("controller", "kind", "who runs the lab: player, bot:<archetype>, entrant:<archetype>"),
    Measure("world", "index", "the world's number in a sweep, from 0", "{}"),
    Measure("seed", "seed", "the seed the world plays (the sweep's seed + world)", "{}"),
    # A lab, in a quarter (quarters.csv).
    _read("alive", "alive", fmt="{}"),
    _read("cash", "cash", "the lab's cash", "{:,.1f}"),
    _read("revenue", "revenue", "the lab's revenue"),
    Measure("costs", "$B", "revenue less operating profit: what running the lab cost"),
    _read("op_profit", "op_profit", "the lab's operating profit"),
    *(
        _read(f"share_{s}", "shares", f"the lab's share of the {s} segment's buyers", "{:.1%}")
        for s in SEGMENTS
    ),
    *(_read(f"price_{t}", "prices", f"the lab's price of its {t} model") for t in TIERS),
    _read("capability", "capability", "the lab's best model's capability"),
    Measure("level", "name", "the capability's level on the ladder (glossary)", "{}"),
    Measure(
        "adoption", "share", "buyers who have adopted AI, of all who could", "{:.1%}", "adopters"
    ),
    _read("sentiment", "sentiment"),
    _read("econ_profit", "econ_profit", "the lab's economic profit"),
    _read("equity", "equity", "the share of the lab its founders still own", "{:.1%}"),
    _read("stake", "stake", "the founders' stake: equity x valuation", "{:,.1f}"),
    # The market at the end of a game.
    Measure("verdict", "name", "the market's verdict", "{}", "verdict"),
    _read("hhi", "hhi", fmt="{:,.0f}"),
    _read("lerner", "lerner"),
    _read("labs_alive", "labs_alive", "labs in business at the end", "{:.0f}"),
    # Your seat, over the game.
    _read("player_profit", "op_profit", "the seat's cumulative operating profit", "{:,.1f}"),
    _read("player_alive", "alive", "the seat's lab is in business at the end", "{}"),
    Measure(
        "player_share",
        "share",
        "the seat's revenue share in the last quarter (of all model revenue)",
        "{:.1%}",
        "revenue",
    ),
    _read("player_stake", "stake", "the seat's founders' stake at the end", "{:,.1f}"),
    Measure(
        "player_score",
        "0-100",
        "the seat's score: the percentage of the scenario's goals met",
        "{:.0f}",
    ),
    Measure("score", "0-100", "score: the percentage of the scenario's goals met", "{}"),
    _read("cumulative_profit", "op_profit", "your cumulative operating profit", "{:,.1f}"),
    Measure(
        "revenue_share",
        "share",
        "your revenue share in the last quarter (of all model revenue)",
        "{:.1%}",
        "revenue",
    ),
    _read("best_capability", "capability", "your best capability in any quarter"),
    Measure("quarters", "quarters", "quarters played", "{}"),
    # The app's charts as numbers (charts.csv).
    Measure(
        "chart",
        "id",
        "which chart: shares, prices, concentration, cash, lerner, value_chain, capability",
    ),
    Measure("series", "name", "a line of the chart (a lab, a market figure, a threshold)"),
    Measure(
        "role", "kind", "you, rival, open, market, law (the scaling law) or line (a threshold)"
    ),
    Measure("value", "the chart's unit", "the series' value that quarter (empty: none)"),
    Measure("unit", "text", "the chart's axis label with its unit"),
)
MEASURE: dict[str, Measure] = {m.name: m for m in _ALL}

#: quarters.csv: one row per quarter per lab that exists.
QUARTER_COLUMNS: tuple[str, ...] = (
    "quarter",
    "date",
    "lab",
    "controller",
    "alive",
    "cash",
    "revenue",
    "costs",
    "op_profit",
    *(f"share_{s}" for s in SEGMENTS),
    *(f"price_{t}" for t in TIERS),
    "capability",
    "level",
    "adoption",
    "sentiment",
    "econ_profit",
    "equity",
    "stake",
)
#: What a sweep keeps of each world (worlds.csv has "world" and "seed" first).
SWEEP_MEASURES: tuple[str, ...] = (
    "verdict",
    "hhi",
    "lerner",
    "player_profit",
    "player_alive",
    "player_share",
    "labs_alive",
    "player_stake",
    "player_score",
)
#: The sweep's distributions (percentiles over worlds), in its JSON and its table.
SWEEP_DISTRIBUTIONS: tuple[str, ...] = (
    "hhi",
    "lerner",
    "player_profit",
    "player_stake",
    "player_score",
    "labs_alive",
)
#: `frontier compare`: what moved by the end.
COMPARE_MEASURES: tuple[str, ...] = (
    "verdict",
    "hhi",
    "lerner",
    "score",
    "cash",
    "cumulative_profit",
    "revenue_share",
    "best_capability",
    "labs_alive",
    "quarters",
)

#: Where each output file's columns come from (`frontier metrics`).
FILES: dict[str, tuple[str, ...]] = {
    "quarters.csv": QUARTER_COLUMNS,
    "charts.csv": ("chart", "series", "role", "quarter", "date", "value", "unit"),
    "worlds.csv": ("world", "seed", *SWEEP_MEASURES),
    "compare": COMPARE_MEASURES,
}


def label(name: str, unit: bool = True, yours: bool = False) -> str:
    """'Lerner index, labs and open-weight hosts (share)': a table's row label.

    yours: the table is about your lab, so "the lab's cash" reads "your cash".
    """
    m = MEASURE[name]
    text = m.label
    if yours and text.startswith("the lab's "):
        text = "your " + text.removeprefix("the lab's ")
    return f"{text} ({m.unit})" if unit else text


def show(name: str, value) -> str:
    """The value as a table prints it."""
    return MEASURE[name].fmt.format(value)


def engine_metrics() -> tuple:
    """The engine's metrics, for `frontier metrics`."""
    return REGISTRY


__all__ = [
    "COMPARE_MEASURES",
    "FILES",
    "MEASURE",
    "QUARTER_COLUMNS",
    "SWEEP_DISTRIBUTIONS",
    "SWEEP_MEASURES",
    "Measure",
    "engine_metrics",
    "label",
    "show",
]
