"""The charts screen: the game's history, one chart at a time.

Left and right (or a click on a chart's name) move between charts; `n` shows the
numbers behind a chart as a table, for screens where the glyphs or colours are poor.
Only the chart on screen is drawn (plots are slow to draw), and the screen is kept
between visits: it reopens on the chart you were reading, redrawn only when a
quarter has been played since.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from ..widgets import KeyBar, TooSmall, term

#: Chart names on the tab line, short enough for all seven in 80 columns.
TABS = {
    "shares": "Shares",
    "prices": "Prices",
    "concentration": "HHI & CR4",
    "cash": "Cash",
    "lerner": "Lerner",
    "value_chain": "Value chain",
    "capability": "Capability",
}
EMPTY = "No quarter played yet: the charts start after the first (press e)."


class ChartsScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", "Back", id="charts-back"),
        Binding("left", "move(-1)", "Previous chart", id="charts-prev"),
        Binding("right", "move(1)", "Next chart", id="charts-next"),
        Binding("n", "numbers", "Numbers / chart", id="charts-numbers"),
    ]

    DEFAULT_CSS = """
    ChartsScreen #charts-tabs { height: auto; }
    ChartsScreen #chart-title { height: 1; }
    ChartsScreen #chart-holder { height: 1fr; }
    """

    def __init__(self, session, table: bool = False, start: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.table = table
        self.active = start
        self.views: dict = {}
        self.drawn: tuple | None = None  # (quarters played, active, table) on screen
        #: When the player asked for the screen (for `frontier bench`), until it is drawn.
        self.opened_at: float | None = None

    def compose(self) -> ComposeResult:
        yield TooSmall()
        with Vertical(classes="body"):
            yield Static("", id="charts-tabs")
            yield Static("", id="chart-title")
            yield Vertical(id="chart-holder")
        yield KeyBar()  # not Footer: it would add ~40 ms to every opening

    def on_screen_resume(self) -> None:
        if not self.show_current():
            self._timed()

    def on_plot_drawn(self) -> None:
        self._timed()

    def _timed(self) -> None:
        """Record the time since the player asked, once what they asked for is drawn."""
        if self.opened_at is not None:
            self.app.time_since("charts", self.opened_at)
            self.opened_at = None

    def show_current(self) -> bool:
        """Draw the active chart, reading the history again if a quarter was played.

        Returns True when a plot was mounted (it says when it is drawn: Plot.Drawn).
        """
        from ..chart import Chart

        played = len(self.session.game.records)
        if not self.views or self.drawn is None or self.drawn[0] != played:
            self.views = {c.id: c for c in self.session.charts()}
        if self.active not in self.views:
            self.active = next(iter(self.views), None)
        key = (played, self.active, self.table)
        if key == self.drawn:
            return False
        self.drawn = key
        self.query_one("#charts-tabs", Static).update(self._tabs())
        self.query_one("#chart-title", Static).update(self._title())
        holder = self.query_one("#chart-holder")
        view = self.views.get(self.active)
        shown = holder.query(Chart)
        if view is not None and shown and shown.first().table == self.table:
            shown.first().show(view)  # redrawn in place
            return not self.table
        holder.remove_children()
        if view is None:
            holder.mount(Static(Content(EMPTY), id="charts-empty"))
            return False
        holder.mount(Chart(view, table=self.table))
        return not self.table

    def _tabs(self) -> Content:
        parts: list = []
        for cid in self.views:
            name = f" {TABS.get(cid, cid)} "
            style = "reverse bold" if cid == self.active else "underline"
            parts.append((name, f"{style} @click=screen.show('{cid}')"))
            parts.append(" ")
        return Content.assemble(*parts)

    def _title(self) -> Content:
        if self.active is None:
            return Content("")
        v = self.views[self.active]
        at = list(self.views).index(self.active) + 1
        return Content.assemble(
            term(v.title, v.term),  # a click opens the glossary entry behind the chart
            f"  ({at} of {len(self.views)}; left and right for the others)",
        )

    def action_show(self, cid: str) -> None:
        """Show chart `cid` (its name was clicked, or an arrow moved to it)."""
        if cid in self.views:
            self.active = cid
            self.show_current()

    def action_move(self, step: int) -> None:
        if self.active is None:
            return
        ids = list(self.views)
        self.action_show(ids[(ids.index(self.active) + step) % len(ids)])

    def action_numbers(self) -> None:
        """Swap chart and table, staying on the same chart."""
        self.table = not self.table
        self.show_current()

    def action_back(self) -> None:
        self.app.pop_screen()
