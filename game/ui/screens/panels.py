"""Decision panels: one modal per kind of decision, each with a live preview.

A panel edits a copy of the session's draft (`session.updated`), asks the session
for `preview()` of that copy on every change, and writes it back with Apply. Field
labels, units and bounds come from the order specification through `legal()`; the
numbers in the previews come from the engine through the session.
"""

from __future__ import annotations

import math

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, Static

from game.play import DraftError, count, money, sci

from ..widgets import Linker, TooSmall, fit, line, lines, pct, term


def parse_number(text: str) -> float | None:
    """'1e12', '6', '$6', '1,000' -> a float; '' -> None; ValueError otherwise."""
    t = text.strip().replace(",", "").replace("$", "").replace("_", "")
    if not t:
        return None
    return float(t)


class Panel(Screen[bool]):
    """A decision panel: fields, inline errors, a live preview, Apply and Cancel."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="panel-cancel"),
        Binding("ctrl+s", "apply", "Apply", id="panel-apply"),
        Binding("slash", "app.glossary", "Glossary", id="panel-glossary", show=False),
    ]
    TITLE = ""
    HELP = ""
    TERMS: tuple[str, ...] = ()  # glossary entries behind this panel's words

    def __init__(self, session):
        super().__init__()
        self.session = session
        self.legal = session.legal()
        self.temp: dict = dict(session.draft)
        self.inputs: dict[str, Input] = {}  # draft name -> input
        self.defaults: dict[str, str] = {}
        self.bad: dict[str, str] = {}
        #: The first mention of each glossary term in the panel is a link: `lk` for the
        #: text built once, `plk` (which knows what `lk` linked) for the live preview.
        self.lk = Linker()
        self.plk = Linker()

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield TooSmall()
        with Vertical(classes="body panel"):
            yield Static(self.TITLE, classes="panel-title", markup=False)
            yield Static(self.lk(self.HELP), classes="panel-help", markup=False)
            if self.TERMS:
                yield Static(self._terms(), classes="panel-terms")
            with VerticalScroll(classes="panel-form"):
                yield from self.form()
            yield Static("", id="panel-error", markup=False)
            yield Static("", id="panel-preview", markup=False)
            yield Static(
                Content.from_markup(
                    "[@click=screen.apply]Apply[/] (Enter or ctrl+s)   "
                    "[@click=screen.cancel]Cancel[/] (Esc)"
                ),
                classes="panel-keys",
            )

    def form(self) -> ComposeResult:
        yield from ()

    def _terms(self) -> Content:
        """'Terms (/ for all): scaling law · compute-optimal ...', each one clickable."""
        glossary = self.app.play.glossary(self.app.content)
        parts: list = [("Look up: ", "bold")]
        for i, tid in enumerate(t for t in self.TERMS if t in glossary):
            if i:
                parts.append(" · ")
            parts.append(term(glossary[tid].term, tid))
            self.lk.seen.add(tid)
        parts.append("  (/ for the glossary)")
        return line(*parts)

    def number_row(self, name: str, label: str, unit: str, default: float | None, hint: str):
        """A labelled input for one draft field (name like 'lease', 'prices.frontier')."""
        cur = self._draft_value(name)
        shown = cur if cur is not None else default
        text = "" if shown is None else f"{shown:.6g}"
        self.defaults[name] = "" if default is None else f"{default:.6g}"
        inp = Input(value=text, id=f"in-{name.replace('.', '-')}", classes="panel-input")
        self.inputs[name] = inp
        with Horizontal(classes="row"):
            yield Static(fit(label, 16), classes="row-label", markup=False)
            yield inp
            yield Static(self.lk(fit(f"{unit}; {hint}", 44)), classes="row-hint", markup=False)

    def _draft_value(self, name: str):
        head, _, key = name.partition(".")
        x = self.session.draft.get(head)
        if key:
            return x.get(key) if isinstance(x, dict) else None
        return x if isinstance(x, int | float) and not isinstance(x, bool) else None

    def on_mount(self) -> None:
        first = next(iter(self.inputs.values()), None)
        if first is not None:
            first.focus()
        self.recompute()

    # ------------------------------------------------------------------ changes
    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        import time

        t0 = time.perf_counter()
        self.recompute()
        self.app.time_since("preview", t0)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.action_apply()

    @on(Checkbox.Changed)
    def _checked(self) -> None:
        self.recompute()

    def build_temp(self) -> dict:
        """The draft with this panel's fields; records bad fields in self.bad."""
        s = self.session
        temp = dict(s.draft)
        for name in self.inputs:
            temp = self._drop(temp, name)
        self.bad = {}
        for name, inp in self.inputs.items():
            raw = inp.value.strip()
            if raw == self.defaults.get(name, "") or raw == "":
                inp.remove_class("-invalid")
                continue
            try:
                value = parse_number(raw)
                temp = s.updated(name, value, temp)
                inp.remove_class("-invalid")
            except ValueError as e:
                why = e.reason if isinstance(e, DraftError) else f"{raw!r} is not a number"
                self.bad[name] = why
                inp.add_class("-invalid")
        return self.extra_temp(temp)

    def extra_temp(self, temp: dict) -> dict:
        return temp

    @staticmethod
    def _drop(d: dict, name: str) -> dict:
        head, _, key = name.partition(".")
        out = {k: (dict(x) if isinstance(x, dict) else x) for k, x in d.items()}
        if key and isinstance(out.get(head), dict):
            out[head].pop(key, None)
            if not out[head]:
                out.pop(head)
        elif not key:
            out.pop(head, None)
        return out

    def baseline(self):
        """The next quarter as the orders stand without this panel's changes."""
        if getattr(self, "_baseline", None) is None:
            self._baseline = self.session.preview(self.session.draft)
        return self._baseline

    def vs(self, p, attr: str, fmt=None) -> str:
        """'$0.89B (+$0.10B)': a preview number and its change against the baseline."""
        fmt = fmt or money
        now = getattr(p, attr)
        base = self.baseline()
        if not base.ok:
            return fmt(now)
        d = now - getattr(base, attr)
        if abs(d) < 1e-9:
            return fmt(now)
        sign = "+" if d > 0 else "-"
        return f"{fmt(now)} ({sign}{fmt(abs(d))})"

    def recompute(self) -> None:
        self.temp = self.build_temp()
        self.plk = Linker(self.lk.seen)
        plk = self.plk
        err = self.query_one("#panel-error", Static)
        if self.bad:
            err.update(
                line(
                    ("Not allowed: ", "bold $text-error"),
                    plk("; ".join(f"{k}: {w}" for k, w in self.bad.items())),
                )
            )
            return
        p = self.session.preview(self.temp)
        if p.refusals:
            err.update(
                line(
                    ("Would be refused: ", "bold $text-error"),
                    plk("; ".join(f"{r.field}: {r.reason}" for r in p.refusals)),
                )
            )
        else:
            err.update(plk("; ".join(p.notices)))
        self.query_one("#panel-preview", Static).update(self.render_preview(p))

    def render_preview(self, p) -> Content:
        if not p.ok:
            return Content("")
        return lines(
            [
                line(
                    ("Next quarter, if you apply", "bold"),
                    " (change against leaving it as it is):",
                ),
                line(
                    f"spend up front {self.vs(p, 'spend')}; revenue {self.vs(p, 'revenue')}; "
                    f"profit {self.vs(p, 'profit')}"
                ),
                line(
                    f"cash after {self.vs(p, 'cash_after')}; revenue share "
                    f"{self.vs(p, 'revenue_share', lambda x: pct(x, 1))}; "
                    f"served {self.vs(p, 'served', pct)}"
                ),
            ]
        )

    # ------------------------------------------------------------------ closing
    def action_apply(self) -> None:
        self.temp = self.build_temp()
        if self.bad:
            self.recompute()
            self.app.bell()
            return
        refusals = self.session.check(self.temp)
        if refusals:
            self.recompute()
            self.app.bell()
            return
        self.session.draft = self.temp
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


# ---------------------------------------------------------------------- panels


class ComputePanel(Panel):
    TITLE = "Compute: lease or buy GPUs"
    TERMS = ("utilization", "inference", "markup", "sunk-costs")
    HELP = (
        "GPUs serve your customers first; what is left trains your next model. A lease "
        "is paid each quarter and stays until you change it; bought GPUs are paid once "
        "and lose value over their life."
    )

    def form(self) -> ComposeResult:
        lg = self.legal
        v = self.session.view()
        lease, buy = lg.field("lease"), lg.field("buy")
        yield from self.number_row(
            "lease",
            lease.label,
            lease.unit,
            v.standing.lease,
            f"{money(lease.cost_each)} per 1k a quarter; cash pays {lease.hi:,.0f}k",
        )
        yield from self.number_row(
            "buy",
            buy.label,
            buy.unit,
            None,
            f"{money(buy.cost_each)} per 1k; own {v.lab.gpus_owned:,.0f}k",
        )


class PricingPanel(Panel):
    TITLE = "Prices per million tokens"
    TERMS = ("logit-demand", "lerner-index", "switching-costs", "constant-capability-price")
    HELP = (
        "Buyers weigh quality, price, reliability and fit. A lower price wins buyers "
        "but earns less on each token; serving cost is what a million tokens cost you."
    )

    def form(self) -> ComposeResult:
        v = self.session.view()
        prices = self.legal.field("prices")
        for m in v.lab.models:
            yield from self.number_row(
                f"prices.{m.tier}",
                f"{prices.label} ({m.tier})",
                "$/M tokens",
                m.price,
                f"serving costs ${m.serving_cost:.2f}; max {prices.hi:g}",
            )
        cheapest = min((r.price for r in v.rivals if r.alive), default=None)
        rows = []
        if cheapest is not None:
            rows.append(f"Rivals' frontier prices from ${cheapest:.2f}/M")
        if v.market.open_price is not None:
            rows.append(f"open-weight hosts charge ${v.market.open_price:.2f}/M")
        yield Static(self.lk("; ".join(rows)), classes="panel-note", markup=False)

    def render_preview(self, p) -> Content:
        if not p.ok:
            return Content("")
        margins = ", ".join(f"{t} {pct(m)}" for t, m in p.margins)
        shares = "  ".join(f"{fit(s.name, 12)} {pct(s.share)}" for s in p.shares[:6])
        return lines(
            [
                line(
                    ("Next quarter, if you apply", "bold"),
                    " (change against leaving it as it is):",
                ),
                line(
                    f"revenue {self.vs(p, 'revenue')}; profit {self.vs(p, 'profit')}; "
                    f"revenue share {self.vs(p, 'revenue_share', lambda x: pct(x, 1))}"
                ),
                line(f"margin {margins}"),
                line(self.plk(f"buyers: {shares}")),
            ]
        )


class ResearchPanel(Panel):
    TITLE = "Research, $B a quarter"
    TERMS = ("reliability", "data-wall", "algorithmic-progress")
    HELP = (
        "Research compounds: each doubling of what you have spent raises a level. "
        "Efficiency cuts serving cost, reliability wins buyers who need it, synthetic "
        "data stretches the data stock. Spending stays each quarter until you change it."
    )

    def form(self) -> ComposeResult:
        v = self.session.view()
        f = self.legal.field("research")
        levels = dict(v.lab.research_levels)
        for track, spend in v.standing.research:
            yield from self.number_row(
                f"research.{track}",
                track.capitalize(),
                f.unit,
                spend,
                f"level {levels.get(track, 0):.2f}",
            )


class FundingPanel(Panel):
    TITLE = "Funding: raise, borrow, repay"
    TERMS = ("dilution", "hype-cycle", "economic-profit")
    HELP = (
        "Investors pay what your valuation and their mood allow, for a share of the "
        "company: every round shrinks the share you own. All labs draw on one pool of "
        "investors' money each quarter, so when many ask at once each gets less. "
        "Lenders lend up to a year's revenue plus half your hardware's value."
    )

    def form(self) -> ComposeResult:
        lg = self.legal
        v = self.session.view()
        hints = {
            "raise_funds": f"valuation {money(lg.valuation)}; you own {v.lab.equity:.0%}; "
            f"up to about {money(lg.raise_expected)}",
            "borrow": f"lenders allow {money(lg.borrow_room)}",
            "repay": f"debt {money(v.lab.debt)}",
        }
        for name, hint in hints.items():
            f = lg.field(name)
            yield from self.number_row(name, f.label, f.unit, None, hint)

    def render_preview(self, p) -> Content:
        if not p.ok:
            return Content("")
        return lines(
            [
                line(("Next quarter, if you apply:", "bold")),
                line(
                    f"investors give {money(p.raised)} for about {pct(p.dilution, 1)} of the "
                    f"company; cash after {self.vs(p, 'cash_after')}"
                ),
                line(f"revenue {money(p.revenue)}, profit {self.vs(p, 'profit')}"),
            ]
        )


class ChecklistPanel(Panel):
    """Products to build and yes/no orders, as checkboxes."""

    CHOICES: tuple[str, ...] = ()  # product ids this panel offers (empty: all)
    FLAGS: tuple[tuple[str, str], ...] = ()  # (draft flag, label)

    def form(self) -> ComposeResult:
        self.boxes: dict[str, Checkbox] = {}
        for pc in self.legal.products:
            if self.CHOICES and pc.id not in self.CHOICES:
                continue
            if pc.state != "available":
                yield Static(
                    self.lk(fit(f"{pc.name}: {pc.state}. {pc.blurb}", 76)),
                    classes="panel-note",
                    markup=False,
                )
                continue
            label = (
                f"{pc.name}: {money(pc.build_cost)} over {pc.build_quarters}q, then "
                f"{money(pc.upkeep)}/q"
            )
            box = Checkbox(
                Content(fit(label, 72)),
                value=pc.id in self.session.draft.get("build", []),
                id=f"build-{pc.id}",
            )
            self.boxes[f"build:{pc.id}"] = box
            yield box
            yield Static(self.lk(fit(pc.blurb, 76)), classes="panel-note", markup=False)
        for flag, label in self.FLAGS:
            f = self.legal.field(flag)
            box = Checkbox(
                Content(fit(label if f.allowed else f"{label} ({f.why_not})", 72)),
                value=bool(self.session.draft.get(flag)),
                id=f"flag-{flag}",
                disabled=not f.allowed,
            )
            self.boxes[f"flag:{flag}"] = box
            yield box
            yield Static(self.lk(fit(f.help, 76)), classes="panel-note", markup=False)

    def on_mount(self) -> None:
        first = next(iter(getattr(self, "boxes", {}).values()), None)
        if first is not None:
            first.focus()
        self.recompute()

    def extra_temp(self, temp: dict) -> dict:
        s = self.session
        build = [b for b in temp.get("build", []) if f"build:{b}" not in getattr(self, "boxes", {})]
        temp = {k: x for k, x in temp.items() if k != "build"}
        for key, box in getattr(self, "boxes", {}).items():
            kind, _, name = key.partition(":")
            if kind == "build" and box.value:
                build.append(name)
            elif kind == "flag":
                temp.pop(name, None)
                if box.value:
                    temp = s.updated(name, True, temp)
        if build:
            temp["build"] = build
        return temp


class ProductsPanel(ChecklistPanel):
    TITLE = "Products to build"
    TERMS = ("switching-costs", "specialization", "value-chain")
    HELP = (
        "Products fit your models to what buyers need and lock them in. Each costs its "
        "build cost over its build quarters, then an upkeep every quarter."
    )


class GovernmentPanel(ChecklistPanel):
    TITLE = "Government contracts"
    TERMS = ("government-contract", "switching-costs", "specialization")
    HELP = (
        "Governments buy slowly and stay long: a partnership product (security reviews, "
        "clearances, on-premises serving) wins contracts and locks them in."
    )
    CHOICES = ("government",)

    def form(self) -> ComposeResult:
        v = self.session.view()
        gov = next((s for s in v.lab.shares if s.segment == "government"), None)
        if gov is not None:
            yield Static(
                self.lk(f"Your share of government buyers: {pct(gov.share)}"),
                classes="panel-note",
                markup=False,
            )
        yield from super().form()


class OpenPanel(ChecklistPanel):
    TITLE = "Open weights and small models"
    TERMS = ("open-weights", "distillation", "commoditization")
    HELP = (
        "Publishing your weights lets every host serve your model: the open-weight "
        "offer catches up and prices fall for everyone. A distilled small model is "
        "cheap to serve."
    )
    CHOICES = ("__none__",)
    FLAGS = (
        ("release_open", "Release your frontier model's weights"),
        ("distill", "Distil a small model"),
    )

    def form(self) -> ComposeResult:
        v = self.session.view()
        mine = max((m.capability for m in v.lab.models if m.tier == "frontier"), default=0.0)
        yield Static(
            self.lk(
                f"Open-weight model: capability {v.market.open_capability:.2f}; yours {mine:.2f}"
            ),
            classes="panel-note",
            markup=False,
        )
        yield from super().form()


# ------------------------------------------------------------------ training


class RatioControl(Widget, can_focus=True):
    """Tokens per parameter on a log scale, 1..1000; left/right move it."""

    BINDINGS = [
        Binding("left", "move(-1)", "fewer tokens", id="ratio-left", show=False),
        Binding("right", "move(1)", "more tokens", id="ratio-right", show=False),
        Binding("o", "optimal", "optimal", id="ratio-optimal", show=False),
        Binding("enter", "screen.apply", "apply", id="ratio-apply", show=False),
    ]
    STEP = 10**0.1  # ten steps a decade

    class Moved(Message):
        """The split changed."""

    def __init__(self, ratio: float, optimal: float, **kw):
        super().__init__(**kw)
        self.ratio = ratio
        self.optimal = optimal

    def render(self) -> Content:
        width = max(self.size.width - 34, 10)

        def pos(r: float) -> int:
            x = (math.log10(max(min(r, 1000.0), 1.0))) / 3.0
            return min(round(x * (width - 1)), width - 1)

        bar = ["-"] * width
        bar[pos(self.optimal)] = "|"
        bar[pos(self.ratio)] = "#"
        return Content.assemble(
            ("Tokens/param ", "bold"),
            (f"{self.ratio:>5.0f}  ", "bold"),
            "big model ",
            "".join(bar),
            " small",
        )

    def action_move(self, d: int) -> None:
        self.ratio = min(max(self.ratio * self.STEP**d, 1.0), 1000.0)
        self.refresh()
        self.post_message(self.Moved())

    def action_optimal(self) -> None:
        self.ratio = self.optimal
        self.refresh()
        self.post_message(self.Moved())


class TrainPanel(Panel):
    TITLE = "Training planner"
    TERMS = (
        "scaling-law",
        "compute-optimal",
        "flops",
        "capability-index",
        "data-wall",
        "over-training",
        "specialization",
    )
    HELP = (
        "A run needs 6·N·D FLOPs. | marks the compute-optimal split of the budget; "
        "left/right on the bar trade parameters for tokens (o: optimal)."
    )

    def form(self) -> ComposeResult:
        s = self.session
        v = s.view()
        f = self.legal.field("train.params")
        plan = s.suggested_run()
        per_q, budget, quarters = plan.flops_per_quarter, plan.flops, plan.quarters
        self.ratio = RatioControl(plan.tokens_per_param, plan.optimal_tokens_per_param, id="ratio")
        if not f.allowed:
            yield Static(
                self.lk(f"No new run now: {f.why_not}."), classes="panel-note", markup=False
            )
        yield from self.number_row(
            "budget",
            "Budget",
            "FLOPs",
            budget,
            f"free GPUs train {sci(per_q)}/quarter",
        )
        yield self.ratio
        yield from self.number_row("quarters", "Duration", "quarters", quarters, "1 to 12")
        options = [("as your lab is now", "")] + [
            (f"specialize: {name}", seg) for seg, name in self.app.play.segments()
        ]
        mix = dict(v.standing.mix)
        focus = max(mix, key=mix.get) if mix and len(set(mix.values())) > 1 else ""
        yield Select(options, value=focus, allow_blank=False, id="mix")

    def build_temp(self) -> dict:
        s = self.session
        temp = {k: x for k, x in s.draft.items() if k not in ("train", "mix")}
        self.bad = {}
        try:
            budget = parse_number(self.inputs["budget"].value)
            quarters = parse_number(self.inputs["quarters"].value)
        except ValueError:
            self.bad["budget"] = "give numbers such as 1e25 and 3"
            return temp
        if budget is None or budget <= 0:
            self.bad["budget"] = "give a FLOP budget such as 1e25"
            return temp
        n_opt, d_opt = s.split_budget(budget)
        self.ratio.optimal = d_opt / n_opt
        self.ratio.refresh()
        n, d = s.split_budget(budget, self.ratio.ratio)
        try:
            temp = s.updated(
                "train",
                {"params": n, "tokens": d, "quarters": quarters if quarters else 2},
                temp,
            )
        except DraftError as e:
            self.bad[e.field] = e.reason
            return temp
        seg = self.query_one("#mix", Select).value
        weights = self.app.play.specialization(seg if isinstance(seg, str) else None)
        if weights:
            temp = s.updated("mix", weights, temp)
        return temp

    @on(Select.Changed, "#mix")
    @on(RatioControl.Moved)
    def _mix(self) -> None:
        self.recompute()

    def render_preview(self, p) -> Content:
        t = p.training
        if t is None:
            return Content("")
        ladder = _ladder(t)
        plk = self.plk
        speed = (
            "your GPUs cannot train it: lease more"
            if not math.isfinite(t.quarters_at_current_compute)
            else f"{t.quarters_at_current_compute:.1f} quarters on your free GPUs"
        )
        data = (
            f"uses {pct(t.data_use)} of the data stock"
            if t.data_use <= 1
            else f"repeats data: {t.tokens / t.data_stock:.1f}x the stock, worth "
            f"{count(t.effective_tokens)} fresh tokens"
        )
        return lines(
            [
                line(
                    ("Run: ", "bold"),
                    plk(
                        f"{count(t.params)} params x {count(t.tokens)} tokens = "
                        f"{sci(t.flops)} FLOPs ({t.tokens_per_param:.0f} tokens/param; "
                        f"best {t.optimal_tokens_per_param:.0f})"
                    ),
                ),
                line(
                    ("Predicted: ", "bold"),
                    plk(
                        f"loss {t.loss:.3f}, capability {t.capability:.2f} ({t.level})"
                        + (f"; today's frontier {t.frontier:.2f}" if t.frontier is not None else "")
                    ),
                ),
                line(ladder),
                line(
                    ("Cost: ", "bold"),
                    f"{money(t.cost)} of compute; needs {t.compute_needed:,.0f}k GPUs a quarter "
                    f"for {t.quarters}q ({speed})",
                ),
                line(("Data: ", "bold"), plk(data)),
            ]
        )


def _ladder(t) -> str:
    """The capability ladder as text, with where the run lands."""
    names = {
        "college freshman": "freshman",
        "top graduate student": "top grad",
        "a lab of Nobel-level minds": "Nobel lab",
    }
    steps = " · ".join(f"{start:g} {names.get(name, name)}" for start, name in t.ladder)
    return f"Ladder: {steps}; this run: {t.capability:.2f}"


PANEL_CLASSES = {
    "compute": ComputePanel,
    "train": TrainPanel,
    "pricing": PricingPanel,
    "research": ResearchPanel,
    "products": ProductsPanel,
    "funding": FundingPanel,
    "government": GovernmentPanel,
    "open": OpenPanel,
}


def make_panel(name: str, session) -> Panel:
    return PANEL_CLASSES[name](session)
