"""The debrief at the end: verdict and reasons, scorecard, decisions, export."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Markdown, Static

from ..widgets import Linker, TooSmall, line, lines, link_markdown, open_glossary_link


class DebriefScreen(Screen):
    BINDINGS = [
        Binding("x", "export", "Export files", id="debrief-export"),
        Binding("h", "charts", "Charts", id="debrief-charts"),
        Binding("i", "industry", "Industry", id="debrief-industry"),
        Binding("d", "discuss", "Discussion", id="debrief-discuss"),
        Binding("escape", "back", "Back to the game", id="debrief-back"),
        Binding("n", "title", "Title screen", id="debrief-title"),
        Binding("q", "app.request_quit", "Quit", id="debrief-quit"),
    ]

    def __init__(self, session):
        super().__init__()
        self.session = session
        self.what_ifs_ready = False

    def compose(self) -> ComposeResult:
        s = self.session
        r = s.result()
        p = r["player"]
        self.links = lk = Linker()
        yield TooSmall()
        with Vertical(classes="body"):
            yield Static(
                lines(
                    [
                        line(("Debrief: ", "bold"), r["title"]),
                        line(
                            lk.term("Verdict", "verdict"),
                            ": ",
                            lk(r["verdict"], "bold"),
                            "  (",
                            lk.term("HHI", "hhi"),
                            f" {r['hhi']:,.0f}, ",
                            lk.term("CR4", "cr4"),
                            f" {r['cr4']:.0%}, ",
                            lk.term("Lerner", "lerner-index"),
                            f" {r['lerner']:.2f})",
                        ),
                        line(
                            ("Score: ", "bold"),
                            f"{p['score']}/100, {len(p['goals_met'])} of {len(p['goals'])} goals met",
                        ),
                    ]
                ),
                id="debrief-head",
            )
            yield Markdown(
                self._linked(s.debrief_md(what_ifs=None)), id="debrief-md", open_links=False
            )
            with Horizontal(classes="panel-buttons"):
                yield Button("Export (x)", id="export", variant="primary")
                yield Button("Title screen (n)", id="title")
                yield Static("", id="export-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#debrief-md").focus()
        self.write_lesson_run()
        self.find_what_ifs()

    @work(thread=True, exclusive=True, group="what-ifs", exit_on_error=False)
    def find_what_ifs(self) -> None:
        """The what-ifs replay the game once per decision (about a second): in a
        thread, so the debrief is on screen at once and stays responsive."""
        md = self.session.debrief_md(what_ifs=True)
        self.app.call_from_thread(self._what_ifs_found, md)

    def _linked(self, md: str) -> str:
        """The debrief with the first mention of each term (not already linked above)
        a link to its glossary entry."""
        return link_markdown(md, self.links.seen)

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        open_glossary_link(self.app, event.href)

    def _what_ifs_found(self, md: str) -> None:
        self.what_ifs_ready = True
        self.query_one("#debrief-md", Markdown).update(self._linked(md))
        self.write_lesson_run()  # again, its debrief.md now with the what-ifs

    def write_lesson_run(self) -> None:
        s = self.session
        if s.lesson is not None:  # the lesson's answers go where the teacher collects them
            try:
                path = s.write_run()
            except self.app.play.SaveError as e:
                self.query_one("#export-status", Static).update(
                    line(("Could not write the run: ", "bold red"), "; ".join(e.errors))
                )
            else:
                self.query_one("#export-status", Static).update(
                    line(
                        f"your answers are in {path}; d: the discussion questions with their charts"
                    )
                )

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "discuss":  # only a lesson has discussion questions
            return self.session.lesson is not None
        return True

    def action_discuss(self) -> None:
        if self.session.lesson is None:
            self.app.notify("The discussion questions come with a lesson.", markup=False)
            return
        from .lesson import DiscussScreen

        self.app.push_screen(DiscussScreen(self.session))

    def action_charts(self) -> None:
        from .charts import ChartsScreen

        self.app.push_screen(ChartsScreen(self.session))

    def action_industry(self) -> None:
        from .industry import IndustryScreen

        self.app.push_screen(IndustryScreen(self.session))

    @on(Button.Pressed, "#export")
    def _export_pressed(self) -> None:
        self.action_export()

    @on(Button.Pressed, "#title")
    def _title_pressed(self) -> None:
        self.action_title()

    def action_export(self) -> None:
        s = self.session
        status = self.query_one("#export-status", Static)
        try:
            path = s.export(s.run_folder)
        except Exception as e:  # an output folder that cannot be written
            status.update(line(("Export failed: ", "bold red"), str(e)))
            return
        status.update(line(f"wrote summary.json, quarters.csv, charts.csv, debrief.md to {path}"))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_title(self) -> None:
        app = self.app
        app.session = None
        while len(app.screen_stack) > 2:
            app.pop_screen()
        app.pop_screen()
