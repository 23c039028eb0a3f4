"""New game (scenario, lab name, specialization, seed or share code) and lessons."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Footer, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from ..widgets import Linker, TooSmall
from .listing import ListDetailScreen


class NewGameScreen(ListDetailScreen):
    LIST, DETAIL = "scenario-list", "scenario-text"

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="newgame-back"),
        Binding("ctrl+s", "start", "Start", id="newgame-start"),
    ]

    def __init__(self, browse: bool = False):
        super().__init__()
        self.browse = browse
        self.cards = {}

    def compose(self) -> ComposeResult:
        app = self.app
        play = app.play
        cards = play.scenarios(app.content)
        self.cards = {c.id: c for c in cards}
        yield TooSmall()
        with Vertical(classes="body"):
            yield Static(
                "Scenarios: what each world teaches" if self.browse else "New game",
                classes="screen-title",
                markup=False,
            )
            with Horizontal(id="scenario-pick"):
                yield OptionList(
                    *(Option(Content(c.title), id=c.id) for c in cards), id="scenario-list"
                )
                with VerticalScroll(id="scenario-story"):
                    yield Static(id="scenario-text", markup=False)
            with Horizontal(id="newgame-form"):
                yield Input(placeholder="your lab's name", id="lab-name", max_length=40)
                yield Select(
                    [("general (the scenario's mix)", "")]
                    + [(f"specialize: {name}", seg) for seg, name in play.segments()],
                    value="",
                    allow_blank=False,
                    id="specialization",
                )
                yield Input(placeholder="seed or share code (blank: random)", id="seed-or-code")
            with Horizontal(id="newgame-actions"):
                yield Button("Start the game", id="start", variant="primary")
                yield Static("", id="newgame-error", markup=False)
        yield Footer()

    @on(OptionList.OptionSelected, "#scenario-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#lab-name", Input).focus()

    def detail(self, sid: str | None) -> list | None:
        c = self.cards.get(sid)
        if c is None:
            return None
        lk = Linker()  # the first mention of each term is a link to its entry
        return [
            lk(c.title, "bold"),
            lk(f"{c.quarters} quarters from {c.start_year}; designed to end: {c.designed_outcome}"),
            Content.styled("Your goals", "bold"),
            *(lk(f"- {g}") for g in c.goals),
            Content.styled("What it teaches", "bold"),
            lk(c.teaches),
            "",
            lk(c.story),
        ]

    @on(Button.Pressed, "#start")
    def _start_pressed(self) -> None:
        self.action_start()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        app = self.app
        play = app.play
        ol = self.query_one("#scenario-list", OptionList)
        opt = ol.get_option_at_index(ol.highlighted or 0)
        name = self.query_one("#lab-name", Input).value.strip() or None
        seg = self.query_one("#specialization", Select).value
        spec = play.specialization(seg if isinstance(seg, str) else None)
        raw = self.query_one("#seed-or-code", Input).value.strip()
        error = self.query_one("#newgame-error", Static)
        try:
            if raw.upper().startswith("FR1."):
                session = play.GameSession.from_code(
                    app.content, raw, lab_name=name, folder=app.saves_dir
                )
            else:
                seed = None
                if raw:
                    if not raw.isdigit():
                        error.update(
                            Content(f"seed {raw!r}: give a whole number, or a share code FR1...")
                        )
                        return
                    seed = int(raw)
                session = play.GameSession.new(
                    app.content,
                    scenario=opt.id,
                    seed=seed,
                    lab_name=name,
                    specialization=spec,
                    policy=app.start["policy"],
                    folder=app.saves_dir,
                )
        except (play.ScriptError, play.CodeError) as e:
            error.update(Content("\n".join(e.errors)))
            return
        app.begin(session)


class LessonsScreen(ListDetailScreen):
    """Classroom lessons: each starts its scenario with the lesson's seed (or a random
    one, for lessons where every student needs a world of their own)."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="lessons-back")]
    LIST, DETAIL = "lesson-list", "lesson-text"

    def compose(self) -> ComposeResult:
        app = self.app
        self.cards = {c.id: c for c in app.play.lessons(app.content)}
        yield TooSmall()
        with Vertical(classes="body"):
            yield Static("Lessons", classes="screen-title", markup=False)
            with Horizontal(id="scenario-pick"):
                yield OptionList(
                    *(
                        Option(Content(f"{c.title} ({c.minutes} min)"), id=c.id)
                        for c in self.cards.values()
                    ),
                    id="lesson-list",
                )
                with VerticalScroll(id="scenario-story"):
                    yield Static(id="lesson-text", markup=False)
            yield Static(
                "Enter opens the lesson: your predictions first, then its world. "
                "Its handout: frontier lesson ID",
                id="lesson-hint",
                markup=False,
            )
        yield Footer()

    def detail(self, lid: str | None) -> list | None:
        c = self.cards.get(lid)
        if c is None:
            return None
        lk = Linker()  # the first mention of each term is a link to its entry
        return [
            lk(c.title, "bold"),
            f"{c.minutes} minutes; scenario {c.scenario}, "
            + (f"seed {c.seed}" if c.seed is not None else "a world of your own (a random seed)"),
            "",
            Content.styled("Before you play, predict", "bold"),
            lk(c.predict),
            "",
            Content.styled("Objectives", "bold"),
            *(lk(f"- {o}") for o in c.objectives),
        ]

    @on(OptionList.OptionSelected, "#lesson-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        from .lesson import LessonFormScreen

        self.app.push_screen(LessonFormScreen(event.option.id))
