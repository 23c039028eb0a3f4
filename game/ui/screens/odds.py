"""What are my odds? Copies of the game played from now to the end, in a worker.

The figures are `session.odds()`, which is `frontier sweep --from SAVE` figure for
figure; the game itself is never touched. The run can be cancelled (escape), and the
screen stays responsive while it runs (a thread worker; numpy does the work).
"""

from __future__ import annotations

import threading
import time

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, ProgressBar, Select, Static

from ..widgets import Linker, TooSmall, line, lines

WORLDS = 300
VERDICT_ORDER = ("monopoly", "consolidated oligopoly", "competitive", "commoditized")


def _bar(share: float, width: int = 24) -> str:
    n = round(share * width)
    return "█" * n + "·" * (width - n)


class OddsScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", "Back / cancel", id="odds-back"),
        Binding("enter", "run", "Run", id="odds-run", show=False),
    ]

    DEFAULT_CSS = """
    OddsScreen #odds-controls { height: auto; }
    OddsScreen #odds-policy { width: 40; }
    OddsScreen #odds-result { height: auto; }
    """

    def __init__(self, session, worlds: int = WORLDS, seed: int = 0) -> None:
        super().__init__()
        self.session = session
        self.worlds = worlds
        self.seed = seed
        self.stop = threading.Event()
        self.running = False
        self.result: dict | None = None

    def compose(self) -> ComposeResult:
        from game.play import policies

        options = [("your standing orders", "standing")] + [
            (f"the {name} bot", name) for name, _ in policies()
        ]
        yield TooSmall()
        with VerticalScroll(classes="body", id="odds-body"):
            yield Static(
                lines(
                    [
                        line(("What are my odds?", "bold")),
                        Linker()(
                            "Copies of this game, played from now to the end. "
                            "What you can see is copied; what is still to come is drawn "
                            "afresh in each copy, and so is what the game hides (whether "
                            "scaling holds, how loyal buyers are), given what it has shown. "
                            "Your game is not touched."
                        ),
                    ]
                ),
                id="odds-intro",
            )
            with Horizontal(id="odds-controls"):
                yield Select(options, value="standing", allow_blank=False, id="odds-policy")
                yield Button("Run (enter)", id="odds-go", variant="primary")
            yield ProgressBar(total=1, show_eta=False, id="odds-progress")
            yield Static("", id="odds-result")
        yield Footer()

    def on_mount(self) -> None:
        if self.session.done:
            self.query_one("#odds-result", Static).update(
                Content("The game is over: there is no future left to play.")
            )
            self.query_one("#odds-go", Button).disabled = True

    @on(Button.Pressed, "#odds-go")
    def _pressed(self) -> None:
        self.action_run()

    def action_run(self) -> None:
        if self.running or self.session.done:
            return
        policy = self.query_one("#odds-policy", Select).value
        left = self.session.scenario.quarters - self.session.quarter
        bar = self.query_one("#odds-progress", ProgressBar)
        bar.update(total=self.worlds * left, progress=0)
        self.query_one("#odds-result", Static).update(
            Content(f"playing {self.worlds} copies to the end... (escape cancels)")
        )
        self.stop.clear()
        self.running = True
        self._run(str(policy))

    @work(thread=True, exclusive=True, group="odds")
    def _run(self, policy: str) -> None:
        from game.play import SweepCancelled

        bar = self.query_one("#odds-progress", ProgressBar)

        def tick(n: int) -> None:
            self.app.call_from_thread(bar.advance, n)
            time.sleep(0.001)  # let the app's thread run between quarters (the GIL)

        try:
            res = self.session.odds(
                policy, self.worlds, self.seed, progress=tick, cancelled=self.stop.is_set
            )
        except SweepCancelled:
            self.app.call_from_thread(self._done, None, policy)
            return
        self.app.call_from_thread(self._done, res, policy)

    def _done(self, res: dict | None, policy: str) -> None:
        self.running = False
        out = self.query_one("#odds-result", Static)
        if res is None:
            out.update(Content("Cancelled: nothing was changed. Press enter to run again."))
            return
        self.result = res
        out.update(self._text(res, policy))

    def _text(self, r: dict, policy: str) -> Content:
        who = "your standing orders" if policy == "standing" else f"the {policy} bot"
        lk = Linker()  # the first mention of each term is a link to its entry
        rows: list = [
            line(
                (f"{r['worlds']} copies from quarter {r['from_quarter']}", "bold"),
                f", {who} in your seat:",
            ),
            line(lk.term("How the market ends", "verdict")),  # the verdict, as a term
        ]
        for v in VERDICT_ORDER:
            share = r["verdicts"][v]
            rows.append(line(lk(f"  {v:<23}"), f" {_bar(share)} {share:>4.0%}"))
        rows += [
            line(
                ("Your lab survives", "bold"),
                f" in {r['player_alive']:.0%} of them.",
            ),
            line(("Your score", "bold"), " (the share of the scenario's goals met):"),
        ]
        for score, share in sorted(r["player_score_shares"].items(), key=lambda kv: int(kv[0])):
            rows.append(line(f"  {score:>3}/100  {_bar(share)} {share:>4.0%}"))
        st = r["player_stake"]
        rows += [
            line(
                lk("Founders' stake at the end", "bold"),
                f": median ${st['p50']:,.1f}B (one in ten below ${st['p10']:,.1f}B, "
                f"one in ten above ${st['p90']:,.1f}B).",
            ),
            "",
            f"The same figures from the command line, once the game is saved under its "
            f"name: frontier sweep --from {self.session.save_name} --policy {policy} "
            f"--worlds {r['worlds']} --seed {r['seed']}",
        ]
        return lines(rows)

    def action_back(self) -> None:
        if self.running:
            self.stop.set()  # the worker stops after the quarter it is playing
            return
        self.app.pop_screen()
