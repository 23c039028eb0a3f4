"""Our chart widget: a `ChartView` drawn with textual-plot, or as a table of numbers.

The plot takes no focus and no keys (textual-plot's own zoom and pan keys would
steal the arrows from the screen), and draws no legend of its own: the legend, the
axis label with its unit and the caption are plain text lines around it, so a lab
named "[x]" shows as written and nothing overlaps the lines. Colours come from the
app's theme, so the chart follows dark, light and high-contrast themes.
"""

from __future__ import annotations

import math
from contextlib import ExitStack

from textual.app import ComposeResult
from textual.color import Color
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static
from textual_hires_canvas import Canvas
from textual_plot import HiResMode, PlotWidget
from textual_plot.axis_formatter import NumericAxisFormatter

from game.play import ChartView

from .widgets import Linker, fit, lines


class Plot(PlotWidget, can_focus=False):
    """textual-plot's widget without focus, keys or pan and zoom."""

    BINDINGS = []

    class Drawn(Message):
        """The plot has been drawn (its lines are on the canvas)."""

    def __init__(self, **kw) -> None:
        super().__init__(allow_pan_and_zoom=False, **kw)
        # Our margins, set before mounting so the plot is laid out once, not twice.
        self.set_reactive(PlotWidget.margin_top, 1)
        self.set_reactive(PlotWidget.margin_bottom, 2)
        self._drawn_with: tuple | None = None

    def _style_key(self) -> tuple | None:
        """The plot's own styles, or None while they are not computed yet."""
        try:
            return tuple(
                str(self.get_component_rich_style(c))
                for c in ("plot--axis", "plot--tick", "plot--label")
            )
        except KeyError:
            return None

    def notify_style_update(self) -> None:
        # textual-plot redraws everything on any style update, including the one that
        # follows mounting with unchanged styles: a second full draw that doubled the
        # time to open the screen. Redraw only when the plot's styles really changed
        # (a theme switch).
        key = self._style_key()
        if key is None or key != self._drawn_with:
            super().notify_style_update()

    def render(self):
        if not self._needs_rerender:
            return super().render()
        self._drawn_with = self._style_key()
        # Each pixel drawn asks its canvas to refresh; batching the canvases' refreshes
        # makes that one refresh per canvas for the whole plot.
        with ExitStack() as stack:
            for canvas in self.query(Canvas):
                stack.enter_context(canvas.batch_refresh())
            out = super().render()
        if self._datasets:
            self.post_message(self.Drawn())
        return out


class _Pow10(NumericAxisFormatter):
    """Ticks of a log10 axis at 1, 2 and 5 times powers of ten, labelled with the
    values themselves (0.01, 0.2, 5), not their logarithms."""

    def get_ticks(self, min_: float, max_: float, max_ticks: int = 8) -> list[float]:
        if not (math.isfinite(min_) and math.isfinite(max_)):
            return []
        steps = (1.0,) if max_ - min_ > 2.5 else (1.0, 2.0, 5.0)
        ticks = [
            math.log10(m * 10.0**k)
            for k in range(math.floor(min_) - 1, math.ceil(max_) + 1)
            for m in steps
        ]
        return [t for t in ticks if min_ <= t <= max_][: max_ticks * 2]

    def get_labels_for_ticks(self, ticks):
        return [f"{10.0**t:.3g}" for t in ticks]


class _Quarters(NumericAxisFormatter):
    """Quarter numbers as whole numbers."""

    def get_labels_for_ticks(self, ticks):
        return [f"{t:.0f}" for t in ticks]


#: The theme's colour for each role; rivals take RIVALS_DARK or RIVALS_LIGHT in turn,
#: distinct from the roles' colours and readable on the theme's background.
ROLE = {
    "you": "accent",
    "open": "success",
    "market": "primary",
    "law": "foreground",
    "line": "foreground-muted",
}
RIVALS_DARK = ("#FF6B6B", "#4FC3F7", "#CE93D8", "#FFF176", "#BCAAA4", "#80CBC4", "#F48FB1")
RIVALS_LIGHT = ("#C62828", "#0277BD", "#6A1B9A", "#827717", "#4E342E", "#00695C", "#AD1457")


class Chart(Vertical):
    """One chart: its axis label, the plot (or its table), a legend and a caption."""

    DEFAULT_CSS = """
    Chart { height: 1fr; }
    Chart > .chart-axis { height: 1; color: $foreground; text-style: bold; }
    Chart > Plot { height: 1fr; min-height: 8; }
    Chart > .chart-table { height: 1fr; }
    Chart > .chart-legend { height: auto; color: $foreground; }
    Chart > .chart-caption { height: auto; color: $foreground; }
    """

    def __init__(self, view: ChartView, table: bool = False, **kw) -> None:
        super().__init__(**kw)
        self.view = view
        self.table = table

    def compose(self) -> ComposeResult:
        axis, legend, caption = self._texts()
        yield Static(axis, classes="chart-axis")
        if self.table:
            with VerticalScroll(classes="chart-table"):
                yield Static(self._table_text())
        else:
            yield Plot()
        yield Static(legend, classes="chart-legend")
        yield Static(caption, classes="chart-caption")

    def on_mount(self) -> None:
        if not self.table:
            self._draw()
        # The lines' colours come from the theme: draw them again when it changes.
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.show(self.view))

    def show(self, view: ChartView) -> None:
        """Show another chart in this widget: the plot is redrawn in place, which is
        much quicker than mounting a new one."""
        self.view = view
        self._update_texts()
        if self.table:
            self.query_one(".chart-table Static", Static).update(self._table_text())
        else:
            self._draw()

    # ------------------------------------------------------------------ drawing
    def _colors(self) -> list[str]:
        """Each series' colour as #RRGGBB (theme colours with alpha are blended onto
        the background: the plot's styles take no alpha)."""
        var = self.app.get_css_variables()
        bg = Color.parse(var.get("background", "#000000"))

        def solid(name: str) -> str:
            c = Color.parse(var.get(name) or var.get("foreground") or "#FFFFFF")
            return (bg.blend(c.with_alpha(1.0), c.a) if c.a < 1.0 else c).hex6

        rivals = RIVALS_DARK if self.app.current_theme.dark else RIVALS_LIGHT
        out, k = [], 0
        for s in self.view.series:
            if s.role == "rival":
                out.append(rivals[k % len(rivals)])
                k += 1
            else:
                out.append(solid(ROLE.get(s.role, "foreground")))
        return out

    def _draw(self) -> None:
        v = self.view
        plot = self.query_one(Plot)
        plot.clear()
        plot.set_xticks(None)
        plot.set_x_formatter(_Quarters())
        plot.set_y_formatter(_Pow10() if v.log_y else NumericAxisFormatter())
        plot.set_ylimits(None, None)
        plot.show_legend(is_visible=False)
        plot.set_xlabel("")
        plot.set_ylabel("")
        xs = list(v.quarters)
        step = 1 if len(xs) <= 12 else 4  # every quarter, or the first of each year
        plot.set_xticks([float(x) for x in xs[::step]])
        for s, color in zip(v.series, self._colors(), strict=True):
            ys = [math.nan if y is None else y for y in s.values]
            if v.log_y:
                ys = [math.log10(y) if y == y and y > 0 else math.nan for y in ys]
            mode = None if s.role == "line" else HiResMode.QUADRANT
            style = f"bold {color}" if s.role == "you" else color
            plot.plot(xs, ys, line_style=style, hires_mode=mode)
        if len(xs) == 1:  # one quarter: give the axis some width
            plot.set_xlimits(xs[0] - 1, xs[0] + 1)
        else:
            plot.set_xlimits(xs[0], xs[-1])

    def _legend(self, width: int = 80, lk: Linker | None = None) -> Content:
        """The legend, wrapped by whole entries ("━━ name") to `width` cells."""
        lk = lk or Linker()
        out: list = []
        used = 0
        for s, color in zip(self.view.series, self._colors(), strict=True):
            marker = "━━" if s.role != "line" else "──"
            size = len(marker) + 1 + len(s.name)
            if used and used + 3 + size > width:
                out.append("\n")
                used = 0
            elif used:
                out.append("   ")
                used += 3
            out.append((marker, f"bold {color}"))
            out.append(Content.assemble(" ", lk(s.name)))
            used += size
        return Content.assemble(*out)

    def on_resize(self) -> None:
        self._update_texts()

    def _texts(self, width: int = 80) -> tuple[Content, Content, Content]:
        """The axis label, the legend and the caption, the first mention of each term
        in them a link to its glossary entry (the chart's own term is its title's)."""
        v = self.view
        lk = Linker(seen=(v.term,) if v.term else ())
        return lk(f"{v.y_label}, by {v.x_label}"), self._legend(width, lk), lk(v.caption)

    def _update_texts(self) -> None:
        axis, legend, caption = self._texts(max(self.size.width, 20))
        self.query_one(".chart-axis", Static).update(axis)
        self.query_one(".chart-legend", Static).update(legend)
        self.query_one(".chart-caption", Static).update(caption)

    def _table_text(self) -> Content:
        v = self.view
        heads = ["quarter", *(fit(s.name, 16) for s in v.series)]
        rows = v.rows()
        cells = [[d, *vals] for d, vals in rows]
        widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(heads)]
        fmt = lambda r: "  ".join(  # noqa: E731
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        return lines(
            [Content.styled(fmt(heads), "bold"), *(Content(fmt(r)) for r in reversed(cells))]
        )
