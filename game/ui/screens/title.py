"""The title screen: new game, continue, load, lessons, scenarios, quit."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..widgets import TooSmall

LOGO = "F R O N T I E R"
TAGLINE = "Run an AI lab for ten years. Will the industry end like steel, or like solar?"

ITEMS = (
    ("new", "New game", "pick a scenario, name your lab, choose what it is good at"),
    ("continue", "Continue", "the game you saved or autosaved last"),
    ("load", "Load a game", "every saved game, with its details"),
    ("lessons", "Lessons", "a classroom lesson: predict, play, discuss"),
    ("scenarios", "Scenarios", "the worlds you can play, and what each teaches"),
    ("quit", "Quit", ""),
)


class TitleScreen(Screen):
    BINDINGS = [
        Binding("n", "pick('new')", "New game", id="title-new"),
        Binding("c", "pick('continue')", "Continue", id="title-continue"),
        Binding("l", "pick('load')", "Load", id="title-load"),
        Binding("?", "app.help", "Help", id="title-help"),
        Binding("q", "app.request_quit", "Quit", id="title-quit"),
    ]

    def compose(self) -> ComposeResult:
        yield TooSmall()
        with Vertical(classes="body", id="title-body"):
            yield Static(LOGO, id="logo", markup=False)
            yield Static(TAGLINE, id="tagline", markup=False)
            yield OptionList(
                *(
                    Option(Content.assemble((label, "bold"), "  ", (hint, "italic")), id=key)
                    for key, label, hint in ITEMS
                ),
                id="title-menu",
            )
            yield Static("loading the world...", id="title-status", markup=False)
            # Key hints as plain text: a Footer costs ~0.1 s of the first paint.
            yield Static(
                "n new · c continue · l load · ? help · ctrl+p commands · q quit",
                id="title-keys",
                markup=False,
            )

    def on_mount(self) -> None:
        self.query_one("#title-menu", OptionList).focus()
        if self.app.ready or self.app.load_error:
            self.game_layer_ready()

    def game_layer_ready(self) -> None:
        status = self.query_one("#title-status", Static)
        if self.app.load_error:
            status.update(
                Content("The content folder has errors:\n" + "\n".join(self.app.load_error))
            )
            return
        latest = self._latest()
        status.update(
            Content(f"Continue: {latest.name} ({latest.scenario}, quarter {latest.quarter})")
            if latest
            else Content("Ready. Press Enter on 'New game' to start.")
        )

    def _latest(self):
        app = self.app
        if not app.ready:
            return None
        for card in app.play.saves(app.saves_folder(), app.content):
            if card.problem is None:
                return card
        return None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_pick(event.option.id)

    def action_pick(self, key: str) -> None:
        app = self.app
        if key == "quit":
            app.action_request_quit()
            return
        if not app.ready:
            app.notify(
                "still loading the game..." if not app.load_error else "the content has errors",
                markup=False,
            )
            return
        if key == "new":
            from .newgame import NewGameScreen

            app.push_screen(NewGameScreen())
        elif key == "continue":
            latest = self._latest()
            if latest is None:
                app.notify("No saved game yet: start a new one.", markup=False)
                return
            app.open_save(latest.path)
        elif key == "load":
            app.action_load()
        elif key == "lessons":
            from .newgame import LessonsScreen

            app.push_screen(LessonsScreen())
        elif key == "scenarios":
            from .newgame import NewGameScreen

            app.push_screen(NewGameScreen(browse=True))
