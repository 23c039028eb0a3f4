"""The quarterly report: what happened and why, after each quarter."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from game.play import money, signed_money

from ..widgets import Linker, TooSmall, hang, line, lines


class ReportScreen(Screen[None]):
    BINDINGS = [
        Binding("enter", "close", "Continue", id="report-close"),
        Binding("escape", "close", "Continue", id="report-escape", show=False),
        Binding("space", "close", "Continue", id="report-space", show=False),
    ]

    def __init__(self, report=None):
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        yield TooSmall()
        with Vertical(classes="body report"):
            yield Static("", id="report-title", classes="panel-title", markup=False)
            with VerticalScroll(id="report-scroll"):
                yield Static("", id="report-text", markup=False)
            yield Static(
                "Enter: back to your lab · up and down scroll the report",
                classes="report-hint",
                markup=False,
            )

    def on_mount(self) -> None:
        if self.report is not None:
            self._fill(self.report)

    def show_report(self, report) -> None:
        """Show another quarter's report in place (the screen is built once a game)."""
        self.report = report
        if self.is_mounted:
            self._fill(report)

    def _fill(self, report) -> None:
        self.query_one("#report-title", Static).update(
            Content.styled(f"Quarterly report: {report.date}", "bold")
        )
        self._wrapped_at = self._width()
        self.query_one("#report-text", Static).update(_text(report, self._wrapped_at))
        self.call_after_refresh(self._rewrap)  # once laid out, at the real width
        scroll = self.query_one("#report-scroll")
        scroll.scroll_home(animate=False)
        scroll.focus()

    def _width(self) -> int:
        """The cells a report line has (the text is wrapped by hand, with hanging
        indents, so a bullet's later lines sit under its first)."""
        # Two cells short of the text's width: room for the scroll bar, which appears
        # only once the text is longer than the screen.
        w = self.query_one("#report-scroll").size.width
        return (w if w > 20 else self.app.size.width - 8) - 2

    def on_resize(self) -> None:
        self._rewrap()

    def _rewrap(self) -> None:
        width = self._width()
        if self.report is not None and width != getattr(self, "_wrapped_at", None):
            self._wrapped_at = width
            self.query_one("#report-text", Static).update(_text(self.report, width))

    def on_screen_resume(self) -> None:
        self.query_one("#report-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)


def _text(r, width: int = 76) -> Content:
    """The report, wrapped to `width` with hanging indents; the first mention of each
    glossary term in it is a link."""
    lk = Linker()

    def bullet(text: str) -> Content:
        return hang("- ", lk(text), width)

    rows: list = [line(lk(r.headline, "bold")), ""]
    label = max(len(n.label) for n in r.numbers)
    for n in r.numbers:
        body = line(lk(n.value, "bold"), "  ", lk(n.change))
        rows.append(hang(lk(f"{n.label:<{label}}  "), body, width))
    # The story first (what moved and why, what the lab did), then the accounts.
    mine = [n for n in r.news if n.mine]
    other = [n for n in r.news if not n.mine]
    if mine:
        rows += ["", line(("Why your numbers moved", "bold"))]
        rows += [bullet(n.text) for n in mine]
    if r.actions:
        rows += ["", line(("What your lab did", "bold"))]
        rows += [bullet(a) for a in r.actions]
    if r.next_steps and not r.done:
        rows += ["", line(("What you could do next", "bold"))]
        rows += [bullet(h) for h in r.next_steps]
    if r.notices:
        rows += ["", line(("Notices", "bold"))]
        rows += [bullet(a) for a in r.notices]
    if r.costs:
        rows += ["", line(("Costs this quarter", "bold"), " (revenue minus these is the profit)")]
        rows += [line("- ", lk(f"{c.name}: "), money(c.amount)) for c in r.costs]
    if r.cash_bridge:
        total = sum(c.amount for c in r.cash_bridge)
        rows += ["", line(("Why cash moved ", "bold"), f"({signed_money(total)})")]
        rows += [line(f"{signed_money(c.amount):>9}  ", lk(c.name)) for c in r.cash_bridge]
    if other:
        rows += ["", line(("In the market", "bold"))]
        rows += [bullet(n.text) for n in other]
    if not mine and not other:
        rows += ["", line("A quiet quarter: no shares moved much and no market events.")]
    if r.autosave_error:
        rows += ["", line(("Autosave failed: ", "bold $text-error"), r.autosave_error)]
    if r.done:
        rows += ["", line(("The game is over. Enter opens the debrief.", "bold"))]
    return lines(rows)
