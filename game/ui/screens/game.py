"""The game screen: the dashboard of one quarter, and the keys that play it.

Every number comes from `session.view()`; the widgets are built once and updated in
place each quarter.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Sparkline, Static

from game.play import count, money, signed_money

from ..widgets import Linker, TooSmall, change, fit, line, lines, pct

PANELS = {
    "compute": ("c", "Compute", "lease or buy GPUs"),
    "train": ("t", "Train", "plan a training run: size, data, specialization"),
    "pricing": ("p", "Prices", "price per million tokens for each model"),
    "research": ("r", "Research", "spend on efficiency, reliability, synthetic data"),
    "products": ("b", "Products", "build chat, workspace, agents, enterprise..."),
    "funding": ("f", "Funding", "raise from investors, borrow, repay"),
    "government": ("g", "Government", "contracts with governments"),
    "open": ("o", "Open weights", "release your weights, distil a small model"),
}


class GameScreen(Screen):
    """The dashboard. Keys open the decision panels; `e` ends the quarter."""

    BINDINGS = [
        Binding("e", "end_quarter", "End quarter", id="end-quarter"),
        Binding("s", "save", "Save", id="save"),
        Binding("question_mark", "app.help", "Help", id="help"),
        Binding("t", "panel('train')", "Train", id="panel-train"),
        Binding("p", "panel('pricing')", "Prices", id="panel-pricing"),
        Binding("c", "panel('compute')", "Compute", id="panel-compute"),
        Binding("r", "panel('research')", "Research", id="panel-research", show=False),
        Binding("b", "panel('products')", "Products", id="panel-products", show=False),
        Binding("f", "panel('funding')", "Funding", id="panel-funding", show=False),
        Binding("g", "panel('government')", "Government", id="panel-government", show=False),
        Binding("o", "panel('open')", "Open weights", id="panel-open", show=False),
        Binding("x", "clear_draft", "Clear orders", id="clear-draft", show=False),
        Binding("a", "autoplay", "Let the policy play", id="autoplay", show=False),
        Binding("h", "charts", "Charts", id="charts"),
        Binding("i", "industry", "Industry", id="industry", show=False),
        Binding("w", "odds", "What are my odds?", id="odds", show=False),
        Binding("m", "app.model_card", "How the world works", id="model-card", show=False),
        Binding("k", "skip_tutorial", "Skip the guided start", id="skip-tutorial", show=False),
        Binding("l", "lesson", "Lesson checkpoint", id="lesson", show=False),
        Binding("slash", "app.glossary", "Glossary", id="glossary", show=False),
        Binding("q", "app.request_quit", "Quit", id="quit-game", show=False),
    ]

    def __init__(self, session):
        super().__init__()
        self.session = session
        self.report_screen = None
        self.report_name = f"report-{id(self)}"
        self.charts_name = f"charts-{id(self)}"
        self.linked: set[str] = set()  # glossary terms the dashboard links already

    def on_unmount(self) -> None:
        app = self.app
        if (
            self.report_screen is not None
            and app.is_screen_installed(self.report_name)
            and self.report_screen not in app.screen_stack
        ):
            app.uninstall_screen(self.report_name)
        charts = (
            app.get_screen(self.charts_name) if app.is_screen_installed(self.charts_name) else None
        )
        if charts is not None and charts not in app.screen_stack:
            app.uninstall_screen(self.charts_name)

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield TooSmall()
        with Vertical(classes="body"):
            yield Static(id="topbar", markup=False)
            with Grid(id="dash"):
                with Vertical(id="lab-box", classes="box"):
                    yield Static(id="lab", markup=False)
                with Vertical(id="market-box", classes="box"):
                    yield Static(id="market", markup=False)
                    with Horizontal(classes="spark-row"):
                        yield Static("cash", classes="spark-label", markup=False)
                        yield Sparkline([], id="spark-cash", classes="spark")
                    with Horizontal(classes="spark-row"):
                        yield Static("share", classes="spark-label", markup=False)
                        yield Sparkline([], id="spark-share", classes="spark")
                    with Horizontal(classes="spark-row"):
                        yield Static("HHI", classes="spark-label", markup=False)
                        yield Sparkline([], id="spark-hhi", classes="spark")
                with Vertical(id="shares-box", classes="box"):
                    yield Static(id="shares", markup=False)
                with Vertical(id="rivals-box", classes="box"):
                    yield Static(id="rivals", markup=False)
                with VerticalScroll(id="goals-box", classes="box"):
                    yield Static(id="goals", markup=False)
                with VerticalScroll(id="news-box", classes="box"):
                    yield Static(id="news", markup=False)
            yield Static(id="draft", markup=False)
        yield Footer(compact=True)  # every key fits in 80 columns

    def on_mount(self) -> None:
        titles = {
            "lab-box": "Your lab",
            "market-box": "Market",
            "shares-box": "Your share of buyers",
            "rivals-box": "Rivals",
            "goals-box": "Goals",
            "news-box": "Tips and news",
        }
        for wid, title in titles.items():
            self.query_one(f"#{wid}").border_title = title
        self.refresh_view()

    # ------------------------------------------------------------------ updating
    def refresh_view(self) -> None:
        """Update every widget in place from the session's view."""
        v = self.session.view()
        lk = Linker()  # the first mention of each term on the dashboard is a link
        with self.app.batch_update():
            self.query_one("#topbar", Static).update(self._topbar(v, lk))
            self.query_one("#lab", Static).update(self._lab(v, lk))
            self.query_one("#market", Static).update(self._market(v, lk))
            self.query_one("#shares", Static).update(self._shares(v, lk))
            self.query_one("#rivals", Static).update(self._rivals(v, lk))
            self.query_one("#goals", Static).update(self._goals(v, lk))
            self.query_one("#news", Static).update(self._news(v, lk))
            self.linked = set(lk.seen)
            h = v.history
            show = len(h.cash) >= 4
            for row in self.query(".spark-row"):
                row.display = show
            if show:
                self.query_one("#spark-cash", Sparkline).data = list(h.cash[-40:])
                self.query_one("#spark-share", Sparkline).data = list(h.share[-40:])
                self.query_one("#spark-hhi", Sparkline).data = list(h.hhi[-40:])
            self.refresh_draft()

    def refresh_draft(self, refusals=None) -> None:
        s = self.session
        lk = Linker(self.linked)
        parts: list = [("Orders: ", "bold")]
        d = s.draft
        if not d:
            parts.append("none new; last quarter's carry on")
        else:
            parts.append(lk(describe_draft(d)))
        st = s.view().standing if refusals is None else None
        if st is not None:
            rented = f"renting {st.lease:,.0f}k GPUs" if st.lease >= 0.5 else "no GPUs rented"
            parts.append(f" ({rented}")
            spend = sum(x for _, x in st.research)
            parts.append(f", research ${spend:.2f}B/q)" if spend else ")")
        if refusals is None:
            refusals = s.check() if d else []
        widget = self.query_one("#draft", Static)
        if refusals:
            text = "; ".join(f"{r.field}: {r.reason}" for r in refusals)
            widget.update(line(("Refused: ", "bold $text-error"), lk(text)))
            widget.add_class("refused")
        else:
            widget.update(line(*parts))
            widget.remove_class("refused")

    def _topbar(self, v, lk: Linker) -> Content:
        status = "game over" if v.done else f"quarter {v.quarter}/{v.quarters}"
        met = sum(g.met for g in v.goals)
        goals = f"goals on track {met}/{len(v.goals)}" if v.goals else f"score {v.score}/100"
        if v.lesson:  # a lesson: its next checkpoint matters more than the title
            return line((v.date, "bold"), f" · {status} · {goals} · ", lk(fit(v.lesson, 48)))
        return line((v.date, "bold"), f" · {status} · {goals} · ", lk(fit(v.title, 40)))

    def _lab(self, v, lk: Linker) -> Content:
        a = v.lab
        rows = [
            line(
                (fit(a.name, 22), "bold"),
                "  " if a.alive else " BANKRUPT ",
                f"cash {money(a.cash)}",
            )
        ]
        if not v.played:
            rows += [
                line("Revenue, costs, profit: after the"),
                line("first quarter (press e)"),
            ]
        else:
            runway = (
                "cash not falling"
                if a.runway is None
                else f"runway {a.runway:.0f}q"
                if a.runway < 40
                else "runway 40q+"
            )
            rows += [
                line(
                    "Revenue ",
                    (money(a.revenue), "bold"),
                    " ",
                    change(a.revenue_change, signed_money),
                    f"  {runway}",
                ),
                line(
                    f"Costs {money(a.costs)}  ",
                    lk.term("profit", "economic-profit"),
                    " ",
                    (money(a.profit), "bold"),
                    " ",
                    change(a.profit_change, signed_money),
                ),
            ]
        rows.append(
            line(lk.term("Valuation", "dilution"), f" {money(a.valuation)}, you own {a.equity:.0%}")
        )
        rows.append(
            line(
                f"GPUs {a.gpus_owned:,.0f}k"
                + (f"+{a.gpus_leased:,.0f}k rented" if a.gpus_leased else " owned")
            )
        )
        rows.append(
            line(
                ("model    ", "bold"),
                lk.term("cap", "capability-index"),
                (" price/M  ", "bold"),
                lk.term("cost/M", "inference"),
                " ",
                lk.term("margin", "lerner-index"),
            )
        )
        for m in a.models:
            rows.append(
                line(
                    f"{m.tier:<8} {m.capability:4.2f}  ${m.price:5.2f}  ${m.serving_cost:5.2f}  "
                    f"{pct(m.margin):>4}"
                )
            )
        best = next((m for m in a.models if m.tier == "frontier"), None)
        if best is not None:  # the ladder's name for the best model (the glossary has them all)
            rows.append(
                line(
                    lk.term("Level", "capability-index"),
                    lk(fit(f": {best.level}" + (" (open)" if best.open_weights else ""), 34)),
                )
            )
        if a.training:
            t = a.training
            wait = f", ships in {t.shipping_in}q" if t.shipping_in else ""
            rows.append(
                line(f"Training {count(t.params)}x{count(t.tokens)}: {pct(t.progress)}{wait}")
            )
        else:
            rows.append(line("Training: none (t plans a run)"))
        if v.played:
            rows.append(line(f"Revenue share {pct(a.revenue_share, 1)}; served {pct(a.served)}"))
        if a.building:
            rows.append(line(lk("Building " + ", ".join(f"{p} ({q}q)" for p, q in a.building))))
        rows.append(line(lk("Products " + (", ".join(a.products) or "none"))))
        if a.debt > 0:
            rows.append(line(f"Debt {money(a.debt)}"))
        if a.costs_detail:
            rows.append(line(("Costs last quarter", "bold")))
            rows += [
                line(lk(f"  {fit(c.name, 26):<26}"), f" {money(c.amount)}") for c in a.costs_detail
            ]
        return lines(rows)

    def _market(self, v, lk: Linker) -> Content:
        m = v.market
        if m.hhi is None:
            return lines(
                [
                    line("No quarter played yet: press e."),
                    line(
                        lk.term("Open weights", "open-weights"),
                        lk(f": capability {m.open_capability:.2f}"),
                    ),
                    line(f"{m.labs_alive} labs compete."),
                ]
            )
        return lines(
            [
                line(
                    lk.term("HHI", "hhi"),
                    f" {m.hhi:,.0f} ",
                    lk.term("CR4", "cr4"),
                    f" {pct(m.cr4)} ",
                    lk.term("Lerner", "lerner-index"),
                    f" {m.lerner:.2f}",
                ),
                line(lk.term("Verdict", "verdict"), " ", lk(fit(m.verdict or "", 28), "bold")),
                line(lk(fit(m.trend, 38))),
                line(
                    lk.term("Const-capability price", "constant-capability-price"),
                    f" ${m.constant_cap_price:.2f}/M",
                ),
                line(
                    f"Frontier {m.frontier:.2f}; ",
                    lk.term("open", "open-weights"),
                    f" {m.open_capability:.2f} ${m.open_price:.2f}/M",
                ),
                line(f"GPU-hour ${m.gpu_hour:.2f}; {m.labs_alive} labs alive"),
                line(
                    lk.term("Adoption", "bass-diffusion"),
                    f" {pct(m.adoption)} ",
                    lk.term("investor mood", "hype-cycle"),
                    f" {m.sentiment:.2f}",
                ),
            ]
        )

    def _shares(self, v, lk: Linker) -> Content:
        if not v.played:
            return lines(
                [line(lk(f"{fit(s.name, 24):<24}"), "    -") for s in v.lab.shares]
                + [line("(buyers choose in the first quarter)")]
            )
        rows = []
        for s in v.lab.shares:
            rows.append(
                line(
                    lk(f"{fit(s.name, 24):<24} "),
                    (f"{pct(s.share):>4}", "bold"),
                    " ",
                    change(s.change if v.played > 1 else None, lambda d: f"{d * 100:+.1f}"),
                )
            )
        return lines(rows)

    def _rivals(self, v, lk: Linker) -> Content:
        rows = [line(("lab            cap  price/M  rev.share", "bold"))]
        for r in v.rivals:
            if not r.alive:
                rows.append(line(f"{fit(r.name, 14):<14} bankrupt"))
                continue
            share = pct(r.revenue_share) if v.played else "-"
            rows.append(
                line(f"{fit(r.name, 14):<14} {r.capability:4.2f}  ${r.price:6.2f}  {share:>7}")
            )
        return lines(rows)

    def _goals(self, v, lk: Linker) -> Content:
        if not v.goals:
            return lines([line("Survive to the end.")])
        rows = []
        for g in v.goals:
            mark = ("on track ", "bold $text-success") if g.met else ("not yet  ", "bold")
            rows.append(line(mark, lk(f"{g.text}: {g.status}")))
        return lines(rows)

    def _news(self, v, lk: Linker) -> Content:
        rows = []
        t = self.session.tutorial()
        if t is not None:
            rows.append(
                line(
                    lk(f"Guided start {t.number}/{t.of}: {t.title}. ", "bold"),
                    lk(t.text),
                    ("  (k skips the guided start)", "italic"),
                )
            )
        # What happened first, then what it calls for (the report said both, in order).
        for n in v.news:
            rows.append(line(("* " if n.mine else "- ", "bold"), lk(n.text)))
        rows += [line(("Tip: ", "bold"), lk(h)) for h in v.hints]
        if not rows:
            return lines([line("A quiet quarter: no market events.")])
        return lines(rows)

    # ------------------------------------------------------------------ actions
    def action_end_quarter(self) -> None:
        import time

        t0 = time.perf_counter()
        s = self.session
        if s.done:
            self._debrief()
            return
        refusals = s.check()
        if refusals:
            self.refresh_draft(refusals)
            self.app.bell()
            return
        try:
            report = s.end_quarter()
        except self.app.play.OrderError as e:
            self.query_one("#draft", Static).update(
                line(("Refused: ", "bold $text-error"), "; ".join(e.reasons))
            )
            return
        self.show_report(report)
        self.app.time_since("report", t0)
        self.call_after_refresh(self.refresh_view)  # the dashboard, once the report is up

    def show_report(self, report) -> None:
        """Push the report screen, built once per game and updated in place."""
        from .report import ReportScreen

        if self.report_screen is None:
            self.report_screen = ReportScreen(report)
            self.app.install_screen(self.report_screen, name=self.report_name)
        else:
            self.report_screen.show_report(report)
        self.app.push_screen(self.report_name, self._after_report)

    def _after_report(self, _=None) -> None:
        cp = self.session.checkpoint_due()
        if cp is not None:  # a lesson's checkpoint: the question, then the game goes on
            from .lesson import CheckpointScreen

            self.app.push_screen(CheckpointScreen(self.session, cp), self._after_checkpoint)
            return
        if self.session.done:
            self._debrief()

    def _after_checkpoint(self, _=None) -> None:
        self.refresh_view()
        if self.session.done:
            self._debrief()

    def action_lesson(self) -> None:
        """The lesson's latest checkpoint again (to answer it or change the answer)."""
        s = self.session
        if s.lesson is None:
            self.app.notify(
                "This game is not a lesson: see Lessons on the title screen.", markup=False
            )
            return
        reached = [cp.quarter for cp in s.lesson.checkpoints if cp.quarter <= s.quarter]
        if not reached:
            first = s.lesson.checkpoints[0].quarter
            self.app.notify(
                f"The lesson's first checkpoint comes once quarter {first} is played.",
                markup=False,
            )
            return
        from .lesson import CheckpointScreen

        self.app.push_screen(CheckpointScreen(s, s.checkpoint(reached[-1])), self._after_checkpoint)

    def _debrief(self) -> None:
        from .debrief import DebriefScreen

        self.app.push_screen(DebriefScreen(self.session))

    def action_charts(self) -> None:
        """The charts screen, kept for this game between visits (it reopens on the chart
        last read and redraws only after a quarter has been played)."""
        import time

        from .charts import ChartsScreen

        t0 = time.perf_counter()
        if not self.app.is_screen_installed(self.charts_name):
            self.app.install_screen(ChartsScreen(self.session), self.charts_name)
        screen = self.app.get_screen(self.charts_name)
        screen.opened_at = t0  # it records the time once its chart is drawn
        self.app.push_screen(screen)

    def action_skip_tutorial(self) -> None:
        self.session.skip_tutorial()
        self.refresh_view()

    def action_industry(self) -> None:
        from .industry import IndustryScreen

        self.app.push_screen(IndustryScreen(self.session))

    def action_odds(self) -> None:
        from .odds import OddsScreen

        self.app.push_screen(OddsScreen(self.session))

    def action_autoplay(self) -> None:
        s = self.session
        if s.done:
            return
        report = s.autoplay()
        self.show_report(report)
        self.call_after_refresh(self.refresh_view)

    def action_save(self) -> None:
        from .dialogs import AskText

        self.app.push_screen(
            AskText("Save the game as", self.session.save_name, "save name"), self._save_as
        )

    def _save_as(self, name: str | None) -> None:
        if not name:
            return
        play = self.app.play
        try:
            path = self.session.save(name)
        except play.SaveError as e:
            self.app.notify("\n".join(e.errors), severity="error", markup=False, timeout=10)
            return
        self.app.notify(f"saved {path}", markup=False)

    def action_clear_draft(self) -> None:
        self.session.clear()
        self.refresh_draft()

    def action_panel(self, name: str) -> None:
        if self.session.done:
            self.app.notify("The game is over: see the debrief.", markup=False)
            return
        from .panels import make_panel

        self.app.push_screen(make_panel(name, self.session), self._panel_closed)

    def _panel_closed(self, _=None) -> None:
        self.refresh_draft()

    def palette_commands(self):
        from functools import partial

        out = [
            ("End the quarter", self.action_end_quarter, "play this quarter with your orders"),
            ("Save the game", self.action_save, "save under a name"),
            ("Clear this quarter's orders", self.action_clear_draft, "standing orders stay"),
            ("Let the policy play this quarter", self.action_autoplay, "hand over for a quarter"),
            ("Charts: the game's history (h)", self.action_charts, "shares, prices, HHI, cash..."),
            (
                "Industry: value chain, verdict, open weights, data (i)",
                self.action_industry,
                "who captures the value and why the verdict is what it is",
            ),
            (
                "What are my odds? (w)",
                self.action_odds,
                "copies of this game played to the end: verdicts, survival, score",
            ),
        ]
        for key, (k, label, hint) in PANELS.items():
            out.append((f"Panel: {label} ({k})", partial(self.action_panel, key), hint))
        return out


def describe_draft(d: dict) -> str:
    """The draft in words (the orders typed this quarter)."""
    out = []
    for k, x in d.items():
        if k == "train" and isinstance(x, dict):
            q = x.get("quarters", 2)
            out.append(f"train {count(x['params'])} params x {count(x['tokens'])} tokens over {q}q")
        elif k == "mix" and isinstance(x, dict):
            top = max(x.values(), default=0)
            focus = [seg for seg, w in x.items() if w == top and w > 0]
            even = len(set(x.values())) <= 1
            out.append("general specialization" if even else f"specialize in {', '.join(focus)}")
        elif isinstance(x, dict):
            out.append(", ".join(f"{k} {kk} {vv:g}" for kk, vv in x.items()))
        elif isinstance(x, list):
            out.append(f"{k} {', '.join(x)}")
        elif x is True:
            out.append(k.replace("_", " "))
        elif x is None:
            out.append(f"{k} as needed")
        else:
            out.append(f"{k} {x:g}")
    return "; ".join(out)
