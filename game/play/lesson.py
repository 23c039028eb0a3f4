"""Lessons played in the game: the prediction form, the checkpoints and their
figures, the answers a student gives, and what the debrief and `class collect` read.

A lesson (content/lessons/*.toml) names its scenario (or the groups a class is split
across), a seed (or none: each student plays a world of their own), predictions to
make before the first quarter, checkpoints at quarters counted as the game counts
them (1 is the first quarter played; a checkpoint comes once its quarter has been
played), and debrief questions, each with the charts to look at.

What a student answers is a `LessonRecord`, kept in the game's save as its
`[lesson]` table (game/play/script.py) and written into the run's summary.json, so
`frontier run SAVE` and `frontier class collect` see exactly what the app saw.

Every figure a checkpoint shows is defined once in FIGURES, read off the game's
reports and records for the quarter asked (content/schema.py LESSON_FIGURES names
them, and a test keeps the two lists equal).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from game.content.schema import LessonModel
from game.engine import SEGMENTS, TIERS, VC_NAMES, VERDICTS, scaling
from game.engine.metrics import HHI_CONCENTRATED, HHI_MONOPOLY
from game.engine.state import FLOW_NAMES
from game.text import money, sci, si

from .industry import LAYERS
from .runner import Game, revenue_shares
from .script import PLAYER

#: The longest answer kept (characters).
MAX_ANSWER = 2000


@dataclass(frozen=True)
class Value:
    """One figure at one quarter: as shown, and as a number (None: text only)."""

    text: str
    number: float | None = None


@dataclass(frozen=True)
class Figure:
    id: str
    label: str
    term: str | None  # the glossary entry that explains it
    read: Callable[[Game, int], Value]  # (game, quarter counted from 1)
    unit: str = ""
    lo: float = -math.inf  # the range a prediction of it may take
    hi: float = math.inf
    whole: bool = False  # a count: predictions are whole numbers


def _m(g: Game, t: int) -> dict:
    return g.world.reports[t - 1].metrics


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _alive(g: Game, t: int) -> list[int]:
    a = _m(g, t)["alive"][0]
    return [i for i in range(len(g.names)) if a[i]]


def _shares(g: Game, t: int) -> np.ndarray:
    m = _m(g, t)
    return revenue_shares(m["revenue"][0], m["fringe_revenue"][0])


def hhi_band(hhi: float) -> str:
    """The antitrust band an HHI sits in (DOJ/FTC 2023, and 2010's lower bands)."""
    if hhi >= HHI_MONOPOLY:
        return f"at least {HHI_MONOPOLY:,.0f}: one firm dominates (the game's monopoly line)"
    if hhi >= HHI_CONCENTRATED:
        return (
            f"{HHI_CONCENTRATED:,.0f} or more: highly concentrated (DOJ/FTC 2023 draw the "
            f"line at {HHI_CONCENTRATED:,.0f}, as the game's verdict does)"
        )
    if hhi >= 1500:
        return (
            f"1,500 to {HHI_CONCENTRATED:,.0f}: moderately concentrated by the 2010 bands, "
            "not highly concentrated by 2023's"
        )
    return "below 1,500: unconcentrated (DOJ/FTC 2010 bands)"


def _band(g: Game, t: int) -> Value:
    return Value(hhi_band(float(_m(g, t)["hhi"][0])))


def hhi_words(hhi: float) -> str:
    """hhi_band in a few words, for the quarterly report's HHI line."""
    if hhi >= HHI_MONOPOLY:
        return "one firm dominates"
    if hhi >= HHI_CONCENTRATED:
        return "highly concentrated"
    if hhi >= 1500:
        return f"moderately concentrated; highly from {HHI_CONCENTRATED:,.0f}"
    return f"unconcentrated; highly from {HHI_CONCENTRATED:,.0f}"


def _per_m(x: float) -> str:
    return f"${x:,.3f}/M" if x < 1 else f"${x:,.2f}/M"


def _tiers(g: Game, t: int, key: str, lab: int = PLAYER) -> dict[str, float]:
    m = _m(g, t)
    has = m["prices"][0, lab] > 0
    return {tier: float(m[key][0, lab, k]) for k, tier in enumerate(TIERS) if has[k]}


def _my_price(g: Game, t: int) -> Value:
    p = _tiers(g, t, "prices")
    if not p:
        return Value("no model on sale")
    return Value(", ".join(f"{k} {_per_m(v)}" for k, v in p.items()), p.get("frontier"))


def _my_cost(g: Game, t: int) -> Value:
    c = _tiers(g, t, "unit_cost")
    if not c:
        return Value("no model on sale")
    first = float(_m(g, 1)["unit_cost"][0, PLAYER, 0])
    now = c.get("frontier")
    since = f" (quarter 1: {_per_m(first)})" if now is not None and first > 0 and t > 1 else ""
    return Value(", ".join(f"{k} {_per_m(v)}" for k, v in c.items()) + since, now)


def _my_lerner(g: Game, t: int) -> Value:
    p, c = _tiers(g, t, "prices"), _tiers(g, t, "unit_cost")
    if "frontier" not in p or p["frontier"] <= 0:
        return Value("no model on sale")
    x = (p["frontier"] - c["frontier"]) / p["frontier"]
    return Value(
        f"{x:.2f}: (price {_per_m(p['frontier'])} - cost {_per_m(c['frontier'])}) / price", x
    )


def _margin(g: Game, t: int, lab: int) -> float | None:
    row = g.records[t - 1].labs[lab]
    if row is None or row.revenue < 1e-3:  # under $1M: no meaningful margin
        return None
    return row.op_profit / row.revenue


def _my_margin(g: Game, t: int) -> Value:
    x = _margin(g, t, PLAYER)
    row = g.records[t - 1].labs[PLAYER]
    if x is None:
        return Value(
            f"no margin to speak of: revenue {money(row.revenue)}, operating profit "
            f"{money(row.op_profit)}"
            if row is not None
            else "not in business"
        )
    return Value(
        f"{x:.0%} of revenue (operating profit {money(row.op_profit)} on {money(row.revenue)})", x
    )


def _rival_margins(g: Game, t: int) -> Value:
    out = []
    for i in _alive(g, t):
        if i == PLAYER:
            continue
        x = _margin(g, t, i)
        out.append(f"{g.names[i]} {'-' if x is None else f'{x:.0%}'}")
    return Value("; ".join(out) or "no rival in business")


def _rival_prices(g: Game, t: int) -> Value:
    m = _m(g, t)
    k = TIERS.index("frontier")
    out = [
        f"{g.names[i]} {_per_m(float(m['prices'][0, i, k]))}"
        for i in _alive(g, t)
        if i != PLAYER and m["prices"][0, i, k] > 0
    ]
    return Value("; ".join(out) or "no rival in business")


def _my_share(g: Game, t: int) -> Value:
    x = float(_shares(g, t)[PLAYER])
    return Value(f"{x:.1%} of all model revenue", x)


def _segment_shares(g: Game, t: int) -> Value:
    row = g.records[t - 1].labs[PLAYER]
    first = g.records[0].labs[PLAYER]
    if row is None:
        return Value("not in business")
    parts = []
    for s in SEGMENTS:
        was = f" (was {first.share[s]:.0%})" if t > 1 and first is not None else ""
        parts.append(f"{s} {row.share[s]:.0%}{was}")
    return Value(", ".join(parts))


def _products(g: Game, t: int) -> Value:
    """Products live now (read at the quarter just played), else those ordered by t."""
    if t == g.quarter:
        st, tb = g.world.state, g.world.tables
        live = [tb.scenario.products[j].name for j in np.flatnonzero(st.built[0, PLAYER])]
        building = [a.text for a in g.records[-1].actions if a.kind == "build"]
        text = ", ".join(live) if live else "none live yet"
        return Value(text + (f" (ordered this quarter: {'; '.join(building)})" if building else ""))
    ordered = [a.text for r in g.records[:t] for a in r.actions if a.kind == "build"]
    return Value("ordered so far: " + ("; ".join(ordered) if ordered else "none"))


def _my_capability(g: Game, t: int) -> Value:
    x = float(_m(g, t)["capability"][0, PLAYER])
    return Value(_capability(x), x)


def _open_gap(g: Game, t: int) -> Value:
    m = _m(g, t)
    gap = max(float(m["frontier"][0]) - float(m["open_capability"][0]), 0.0)
    from game.engine.demand import open_lag

    lag = open_lag(g.world.tables.scenario.params, t)
    return Value(
        f"{gap:.2f} capability points behind the best model (open weights trail about "
        f"{lag:.0f} quarter{'s' if round(lag) != 1 else ''} in this world)",
        gap,
    )


def _value_chain(key: str) -> Callable[[Game, int], Value]:
    def read(g: Game, t: int) -> Value:
        vc = _m(g, t)[key][0]
        pos = float(np.maximum(vc, 0.0).sum())
        parts = []
        for j, name in enumerate(VC_NAMES):
            x = float(vc[j])
            share = f" ({x / pos:.0%})" if pos > 0 and x >= 0 else ""
            parts.append(f"{LAYERS[name]} {money(x)}{share}")
        return Value("; ".join(parts))

    return read


def _profits(g: Game, t: int) -> Value:
    m = _m(g, t)
    op, econ = float(m["op_profit"][0, PLAYER]), float(m["econ_profit"][0, PLAYER])
    train = float(m["train_compute"][0, PLAYER])
    return Value(
        f"operating {money(op)}, economic {money(econ)} this quarter (the gap: training "
        f"compute {money(train)}, product builds and the cost of capital)"
    )


def _labs_vs_vendor(g: Game, t: int) -> Value:
    m = _m(g, t)
    labs = float(m["revenue"][0].sum())
    spend = float(m["lab_compute_spend"][0].sum())
    vendor = float(m["vendor_revenue"][0])
    return Value(
        f"labs' revenue {money(labs)}, labs' spend on chips {money(spend)}, the chip "
        f"vendor's revenue {money(vendor)} this quarter"
    )


def _capability(x: float) -> str:
    return f"{x:.2f} ({scaling.level_name(x)})"


def _law_gap(g: Game, t: int) -> Value:
    short = []
    for r in g.world.reports[:t]:
        m = r.metrics
        for i in np.flatnonzero(m["shipped"][0] & (m["stall_gap"][0] > 0.05)):
            short.append((r.quarter, int(i), float(m["stall_gap"][0, i])))
    if not short:
        return Value("every model shipped so far reached what the scaling law promised", 0.0)
    worst = max(short, key=lambda s: s[2])
    mine = [s for s in short if s[1] == PLAYER]
    return Value(
        f"{len(short)} model(s) fell short of the scaling law so far (largest gap "
        f"{worst[2]:.2f} points, {g.names[worst[1]]}); yours: {len(mine)}",
        worst[2],
    )


def _data_stock(g: Game, t: int) -> Value:
    from .industry import industry

    v = industry(g)
    if v is None:
        return Value("-")
    who = f" ({v.biggest_run_lab})" if v.biggest_run_lab else ""
    return Value(
        f"{sci(v.data_stock)} unique tokens; the biggest recent run{who} read "
        f"{sci(v.biggest_run_tokens)} ({v.data_used:.0%} of the stock)",
        v.data_stock,
    )


def _research(g: Game, t: int) -> Value:
    j = FLOW_NAMES.index("research")
    total = sum(float(r.flows[0, PLAYER, j]) for r in g.world.reports[:t])
    eff = sum(
        float((r.orders.research or {}).get("efficiency", 0.0))
        for r in g.records[:t]
        if r.orders is not None
    )
    return Value(f"research so far {money(total)}, of it efficiency {money(eff)} by your orders")


def _entries_exits(g: Game, t: int) -> Value:
    entered, failed = [], []
    for r in g.world.reports[:t]:
        m = r.metrics
        entered += [g.names[i] for i in np.flatnonzero(m["entered"][0])]
        failed += [g.names[i] for i in np.flatnonzero(m["bankrupt"][0])]
    return Value(
        f"entered: {', '.join(entered) or 'none'}; went bankrupt: {', '.join(failed) or 'none'}",
        float(len(entered) - len(failed)),
    )


def _compute_optimal(g: Game, t: int) -> Value:
    law = g.world.tables.law
    n, d = scaling.compute_optimal(1e26, law)
    cap = float(scaling.capability_from_loss(scaling.loss(float(n), float(d), law), law))
    return Value(
        f"1e26 FLOP: {sci(float(n))} parameters ({si(float(n))}) on {sci(float(d))} tokens, "
        f"capability {_capability(cap)}"
    )


def _cc_price(g: Game, t: int) -> Value:
    m = _m(g, t)
    x = float(m["constant_cap_price"][0])
    return Value(f"{_per_m(x)}, falling {float(m['price_decline'][0]):.1f}x a year", x)


def _metric(key: str, fmt: Callable[[float], str]) -> Callable[[Game, int], Value]:
    def read(g: Game, t: int) -> Value:
        x = float(_m(g, t)[key][0])
        return Value(fmt(x), x)

    return read


def _verdict(g: Game, t: int) -> Value:
    from .outputs import VERDICT_MEANING

    v = VERDICTS[int(_m(g, t)["verdict"][0])]
    return Value(f"{v}: {VERDICT_MEANING[v]}", float(VERDICTS.index(v)))


FIGURES: dict[str, Figure] = {
    f.id: f
    for f in (
        Figure(
            "hhi",
            "HHI of model revenue",
            "hhi",
            _metric("hhi", "{:,.0f}".format),
            "0-10,000",
            0,
            10_000,
        ),
        Figure("hhi_band", "HHI band", "hhi", _band),
        Figure(
            "cr4",
            "CR4: the four biggest sellers' share",
            "cr4",
            _metric("cr4", _pct),
            "share",
            0,
            1,
        ),
        Figure(
            "lerner",
            "Lerner index, labs and open-weight hosts",
            "lerner-index",
            _metric("lerner", "{:.2f}".format),
            "0-1",
            -1,
            1,
        ),
        Figure(
            "lab_lerner",
            "Lerner index of the labs alone",
            "lerner-index",
            _metric("lab_lerner", "{:.2f}".format),
            "0-1",
            -1,
            1,
        ),
        Figure("verdict", "Verdict", "verdict", _verdict),
        Figure(
            "labs_alive",
            "Labs in business",
            None,
            _metric("labs_alive", "{:.0f}".format),
            "labs",
            0,
            20,
            True,
        ),
        Figure("entries_exits", "Entries and bankruptcies so far", "sunk-costs", _entries_exits),
        Figure("my_price", "Your price", "markup", _my_price, "$/M tokens"),
        Figure("my_cost", "Your serving cost", "inference", _my_cost, "$/M tokens"),
        Figure("my_lerner", "Your Lerner index (frontier model)", "lerner-index", _my_lerner),
        Figure("my_margin", "Your operating margin", "markup", _my_margin),
        Figure("my_share", "Your share of model revenue", None, _my_share, "share", 0, 1),
        Figure(
            "my_segment_shares",
            "Your share of each segment's buyers",
            "specialization",
            _segment_shares,
        ),
        Figure("my_products", "Your products", "switching-costs", _products),
        Figure("rival_prices", "Rivals' frontier prices", "best-response", _rival_prices),
        Figure("rival_margins", "Rivals' operating margins", "markup", _rival_margins),
        Figure(
            "open_price",
            "Open-weight price",
            "open-weights",
            _metric("open_price", _per_m),
            "$/M tokens",
        ),
        Figure("open_gap", "Open weights behind the frontier", "open-weights", _open_gap),
        Figure(
            "open_token_share",
            "Open weights' share of tokens",
            "open-weights",
            _metric("open_token_share", _pct),
            "share",
            0,
            1,
        ),
        Figure(
            "value_chain", "Value created this quarter", "value-chain", _value_chain("value_chain")
        ),
        Figure(
            "value_chain_cum",
            "Value created so far",
            "value-chain",
            _value_chain("value_chain_cum"),
        ),
        Figure("my_profits", "Your operating and economic profit", "economic-profit", _profits),
        Figure("labs_vs_vendor", "Labs against the chip vendor", "value-chain", _labs_vs_vendor),
        Figure(
            "frontier",
            "Frontier capability",
            "capability-index",
            _metric("frontier", _capability),
            "index",
            0,
            20,
        ),
        Figure("my_capability", "Your best model", "capability-index", _my_capability),
        Figure("law_gap", "Models short of the scaling law", "scaling-law", _law_gap),
        Figure("data_stock", "The data stock", "tokens", _data_stock),
        Figure("efficiency_spent", "Your research spending", "inference", _research),
        Figure(
            "constant_cap_price",
            "Price of constant capability",
            "constant-capability-price",
            _cc_price,
        ),
        Figure(
            "compute_optimal_1e26",
            "A compute-optimal 1e26 FLOP run",
            "compute-optimal",
            _compute_optimal,
        ),
    )
}


# ------------------------------------------------------------------ the student's record


@dataclass
class LessonRecord:
    """What a student has said in a lesson: kept in the save's [lesson] table."""

    id: str
    student: str
    group: str
    predictions: dict[str, float | str] = field(default_factory=dict)
    answers: dict[int, str] = field(default_factory=dict)  # checkpoint quarter -> answer

    def table(self) -> dict:
        """The [lesson] table of a save (TOML-ready)."""
        out: dict = {"id": self.id, "student": self.student, "group": self.group}
        if self.predictions:
            out["predictions"] = dict(self.predictions)
        if self.answers:
            out["answers"] = [{"quarter": q, "text": a} for q, a in sorted(self.answers.items())]
        return out

    @classmethod
    def from_model(cls, m) -> LessonRecord:
        return cls(
            m.id,
            m.student,
            m.group,
            dict(m.predictions),
            {a.quarter: a.text for a in m.answers},
        )


@dataclass(frozen=True)
class PredictionField:
    """One question of the prediction form."""

    id: str
    prompt: str
    kind: str  # "choice" or "number"
    choices: tuple[str, ...] = ()
    lo: float = -math.inf
    hi: float = math.inf
    whole: bool = False
    quarter: int | None = None  # the quarter it is checked at (None: the last)
    date: str = ""  # that quarter's date
    term: str | None = None

    def parse(self, raw: str | float) -> float | str:
        """The answer as stored, or ValueError with a message that says how to fix it."""
        if self.kind == "choice":
            s = str(raw).strip()
            for c in self.choices:
                if s.lower() == c.lower():
                    return c
            raise ValueError(f"choose one of: {', '.join(self.choices)}")
        if isinstance(raw, bool):
            raise ValueError("give a number")
        try:
            x = float(str(raw).replace(",", "").strip()) if isinstance(raw, str) else float(raw)
        except (TypeError, ValueError):
            raise ValueError(f"give a number between {self.lo:g} and {self.hi:g}") from None
        if not math.isfinite(x) or not self.lo <= x <= self.hi:
            raise ValueError(f"give a number between {self.lo:g} and {self.hi:g}")
        if self.whole and x != int(x):
            raise ValueError("give a whole number")
        return int(x) if self.whole else x


def prediction_fields(lesson: LessonModel, start_year: int, last: int) -> list[PredictionField]:
    from .outputs import date_label

    out = []
    for p in lesson.predictions:
        f = FIGURES[p.check]
        q = p.quarter or last
        if p.check == "verdict":
            out.append(
                PredictionField(
                    p.id,
                    p.prompt,
                    "choice",
                    VERDICTS,
                    quarter=q,
                    date=date_label(start_year, q - 1),
                    term=f.term,
                )
            )
        else:
            out.append(
                PredictionField(
                    p.id,
                    p.prompt,
                    "number",
                    lo=f.lo,
                    hi=f.hi,
                    whole=f.whole,
                    quarter=q,
                    date=date_label(start_year, q - 1),
                    term=f.term,
                )
            )
    return out


@dataclass(frozen=True)
class LessonForm:
    """The prediction form that opens a lesson."""

    id: str
    title: str
    minutes: int
    predict: str  # the lesson's question, in its words
    world: str  # which world the student plays, and whether classmates share it
    groups: tuple[str, ...]  # the scenarios a student may be given (first: default)
    seed: int  # the world's seed (a fresh one where each student needs their own)
    own_seed: bool
    fields: tuple[PredictionField, ...]


def lesson_form(content, lid: str, seed: int | None = None) -> LessonForm:
    import secrets

    from game.text import reflow

    m = content.lessons.get(lid)
    if m is None:
        from game.content.loader import known_list

        from .script import ScriptError

        raise ScriptError(
            [f"--lesson: unknown lesson {lid!r}; known: {known_list(content.lessons)}"]
        )
    own = m.seed is None
    if seed is None:
        seed = secrets.randbelow(1_000_000) if own else m.seed
    scen = content.scenarios[m.scenario]
    groups = tuple(m.scenarios)
    names = " or ".join(f"{g} ({content.scenarios[g].title})" for g in groups)
    if own:
        world = (
            f"Your world: scenario {names}, seed {seed}. Each student plays a world of "
            "their own here, so the class sees how often each ending happens; your seed "
            "is in your results."
        )
    else:
        world = f"Your world: scenario {names}, seed {seed}, the same for the whole class."
    if len(groups) > 1:
        world += " The class is split between these worlds: pick the one your teacher gave you."
    return LessonForm(
        lid,
        m.title,
        m.minutes,
        reflow(m.predict).replace("`", ""),  # Markdown code marks read as plain text
        world,
        groups,
        seed,
        own,
        tuple(prediction_fields(m, scen.start_year, scen.quarters)),
    )


@dataclass(frozen=True)
class Discussion:
    """A debrief question with its charts (game/play/charts.py views)."""

    question: str
    charts: tuple  # ChartView


def discussion(lesson: LessonModel, game: Game) -> list[Discussion]:
    from .charts import charts

    views = {c.id: c for c in charts(game)}
    return [
        Discussion(q.question, tuple(views[c] for c in q.charts if c in views))
        for q in lesson.questions
    ]


@dataclass(frozen=True)
class FigureLine:
    id: str
    label: str
    text: str
    term: str | None


@dataclass(frozen=True)
class CheckpointView:
    """A checkpoint on screen: its prompt with every figure it needs."""

    lesson: str  # the lesson's title
    number: int  # 1-based, of `of`
    of: int
    quarter: int  # counted from 1, as the game counts
    date: str
    prompt: str
    figures: tuple[FigureLine, ...]
    answer: str | None  # what the student already wrote


def figures_at(game: Game, ids, t: int) -> tuple[FigureLine, ...]:
    out = []
    for fid in ids:
        f = FIGURES[fid]
        out.append(FigureLine(fid, f.label, f.read(game, t).text, f.term))
    return tuple(out)


def checkpoint_view(
    lesson: LessonModel, record: LessonRecord, game: Game, quarter: int
) -> CheckpointView | None:
    """The checkpoint at `quarter` (played), or None if the lesson has none there."""
    from .outputs import date_label

    for n, cp in enumerate(lesson.checkpoints, 1):
        if cp.quarter == quarter and quarter <= len(game.records):
            return CheckpointView(
                lesson.title,
                n,
                len(lesson.checkpoints),
                quarter,
                date_label(game.scenario.start_year, quarter - 1),
                cp.prompt.strip(),
                figures_at(game, cp.show, quarter),
                record.answers.get(quarter),
            )
    return None


@dataclass(frozen=True)
class PredictionResult:
    id: str
    prompt: str
    quarter: int
    date: str
    answer: float | str | None
    actual: float | str | None  # None: that quarter has not been played
    actual_text: str


def prediction_results(
    lesson: LessonModel, record: LessonRecord, game: Game
) -> list[PredictionResult]:
    fields = prediction_fields(lesson, game.scenario.start_year, game.scenario.quarters)
    out = []
    for p, f in zip(lesson.predictions, fields, strict=True):
        q = f.quarter or game.scenario.quarters
        if q <= len(game.records):
            v = FIGURES[p.check].read(game, q)
            actual = VERDICTS[int(v.number)] if p.check == "verdict" else v.number
            text = v.text
        else:
            actual, text = None, "not played yet"
        out.append(
            PredictionResult(p.id, p.prompt, q, f.date, record.predictions.get(p.id), actual, text)
        )
    return out


def show_value(x: float | str | None) -> str:
    if x is None:
        return "-"
    if isinstance(x, str):
        return x
    return f"{x:,.0f}" if abs(x) >= 100 or float(x).is_integer() else f"{x:.2f}"


def lesson_summary(lesson: LessonModel, record: LessonRecord, game: Game) -> dict:
    """The `lesson` key of summary.json: predictions against what happened, and the
    answers at each checkpoint (what `frontier class collect` gathers)."""
    from .outputs import date_label

    start = game.scenario.start_year
    return {
        "id": record.id,
        "title": lesson.title,
        "student": record.student,
        "group": record.group,
        "predictions": [
            {
                "id": r.id,
                "prompt": r.prompt,
                "quarter": r.quarter,
                "answer": r.answer,
                "actual": r.actual,
            }
            for r in prediction_results(lesson, record, game)
        ],
        "answers": [
            {
                "quarter": cp.quarter,
                "date": date_label(start, cp.quarter - 1),
                "prompt": cp.prompt.strip(),
                "answer": record.answers.get(cp.quarter),
            }
            for cp in lesson.checkpoints
        ],
    }


def lesson_md(lesson: LessonModel, record: LessonRecord, game: Game) -> list[str]:
    """The debrief's lesson section (Markdown lines)."""
    out = [
        f"## Lesson: {lesson.title}",
        "",
        f"Student: {record.student} (world: {record.group}, seed {game.seed})",
        "",
    ]
    out += ["### Your predictions against what happened", ""]
    out += ["| prediction | when | you said | the game |", "| --- | --- | ---: | --- |"]
    for r in prediction_results(lesson, record, game):
        out.append(f"| {r.prompt} | {r.date} | {show_value(r.answer)} | {r.actual_text} |")
    out += ["", "### Your answers at the checkpoints", ""]
    for a in lesson_summary(lesson, record, game)["answers"]:
        out.append(
            f"- **Quarter {a['quarter']}** ({a['date']}): {a['prompt']} "
            f"*You wrote:* {a['answer'] or '(no answer)'}"
        )
    out += ["", "### For the discussion", ""]
    out += [f"{i}. {q.question}" for i, q in enumerate(lesson.questions, 1)]
    out.append("")
    return out


__all__ = [
    "FIGURES",
    "MAX_ANSWER",
    "CheckpointView",
    "Discussion",
    "Figure",
    "FigureLine",
    "LessonForm",
    "LessonRecord",
    "PredictionField",
    "PredictionResult",
    "checkpoint_view",
    "discussion",
    "figures_at",
    "hhi_band",
    "hhi_words",
    "lesson_form",
    "lesson_md",
    "lesson_summary",
    "prediction_fields",
    "prediction_results",
    "show_value",
]
