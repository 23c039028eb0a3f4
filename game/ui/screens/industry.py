"""The industry screen: who captures the value, the verdict and why, the open-weight
frontier and the data stock. Every number comes from `session.industry()`."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from game.play import count, money

from ..widgets import Linker, TooSmall, line, lines


def _share(x: float | None) -> str:
    return "loss" if x is None else f"{x:.0%}"


class IndustryScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="industry-back")]

    def __init__(self, session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield TooSmall()
        with VerticalScroll(classes="body", id="industry-body"):
            yield Static(self._text(), id="industry-text")
        yield Footer()

    def _text(self) -> Content:
        v = self.session.industry()
        if v is None:
            return Content("No quarter played yet: the industry's figures start after the first.")
        w = max(len(r.layer) for r in v.layers)
        lk = Linker()  # the first mention of each term is a link to its entry
        rows: list = [
            line(("The industry after ", "bold"), (v.date, "bold"), f" (quarter {v.quarters})"),
            "",
            line(lk.term("Who captures the value", "value-chain")),
            line((f"  {'layer':<{w}}  {'this quarter':>15}   {'over the game':>15}", "bold")),
        ]
        for r in v.layers:
            rows.append(
                line(
                    lk(f"  {r.layer:<{w}}  "),
                    f"{money(r.now):>9} {_share(r.now_share):>5}"
                    f"   {money(r.total):>9} {_share(r.total_share):>5}",
                )
            )
        rows += [
            lk(
                f"  Each layer's figure: {v.layers_note}. Shares are of the value created; "
                "a layer that lost money shows 'loss'."
            ),
            "",
            line(
                lk.term("Verdict", "verdict"),
                ": ",
                lk(v.verdict, "bold"),
                f" (the averages of the last {v.window} quarters)",
            ),
            *(line("  - ", lk(r)) for r in v.reasons),
            "",
            line(lk.term("Open weights", "open-weights")),
            line(
                f"  best open model {v.open_capability:.2f} against the frontier "
                f"{v.frontier:.2f} ({v.frontier_level}): "
                + (
                    f"{v.open_gap:.2f} points behind"
                    if v.open_gap > 0.005
                    else "level with the best model on sale"
                )
            ),
            line(
                f"  the open ecosystem copies the frontier about {v.open_lag:.1f} quarters "
                "late (the lag shortens over the first years)"
            ),
            line(
                lk(
                    f"  hosts charge ${v.open_price:,.2f}/M tokens and serve "
                    f"{v.open_token_share:.0%} of all tokens"
                )
            ),
            "",
            line(lk.term("Data", "data-wall")),
            line(lk(f"  unique text to train on: {count(v.data_stock)} tokens")),
        ]
        if v.biggest_run_lab:
            rows.append(
                line(
                    lk(
                        f"  the biggest latest run ({v.biggest_run_lab}) reads "
                        f"{count(v.biggest_run_tokens)} tokens, {v.data_used:.0%} of the stock"
                        + (": past 100% it repeats data and learns less" if v.data_used > 1 else "")
                    )
                )
            )
        return lines(rows)
