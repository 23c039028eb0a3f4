"""Lessons in the app: the prediction form, the checkpoints and the discussion.

Everything shown comes from game.play (GameSession.lesson_form, checkpoint,
answer, discussion); these screens only lay it out and collect what the student
types.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Input, Select, Static

from ..widgets import Linker, TooSmall, line, lines, term


class LessonFormScreen(Screen):
    """Before the first quarter: who you are, which world, and your predictions."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="form-back"),
        Binding("ctrl+s", "start", "Start the lesson", id="form-start"),
    ]

    def __init__(self, lesson_id: str, student: str = "", group: str | None = None, form=None):
        super().__init__()
        self.lesson_id = lesson_id
        self.student = student
        self.group = group
        self.form = form

    def compose(self) -> ComposeResult:
        app = self.app
        if self.form is None:
            self.form = app.play.GameSession.lesson_form(app.content, self.lesson_id)
        form = self.form
        lk = Linker()
        yield TooSmall()
        with Vertical(classes="body"):
            yield Static(
                Content.styled(f"Lesson: {form.title} ({form.minutes} min)", "bold"),
                classes="screen-title",
            )
            with VerticalScroll(id="lesson-form"):
                yield Static(lk(form.predict), classes="form-text")
                yield Static(lk(form.world), id="form-world", classes="form-text")
                yield Static(Content.styled("Your name", "bold"), classes="form-label")
                yield Input(
                    value=self.student,
                    placeholder="as your teacher will see it in the class table",
                    id="form-student",
                    max_length=40,
                )
                if len(form.groups) > 1:
                    yield Static(
                        Content.styled("Which world did your teacher give you?", "bold"),
                        classes="form-label",
                    )
                    yield Select(
                        [(g, g) for g in form.groups],
                        value=self.group or form.groups[0],
                        allow_blank=False,
                        id="form-group",
                    )
                yield Static(
                    Content.styled("Your predictions (a guess is fine)", "bold"),
                    classes="form-label",
                )
                for f in form.fields:
                    when = f" (checked at the end of {f.date})"
                    yield Static(
                        Content.assemble(
                            lk(f.prompt),
                            when,
                            "  ",
                            term("what is this?", f.term) if f.term else "",
                        ),
                        classes="form-question",
                    )
                    if f.kind == "choice":
                        yield Select(
                            [(c, c) for c in f.choices],
                            prompt="choose one",
                            id=f"pred-{f.id}",
                        )
                    else:
                        yield Input(
                            placeholder=f"a number from {f.lo:g} to {f.hi:g}",
                            id=f"pred-{f.id}",
                            type="integer" if f.whole else "number",
                        )
            yield Static("", id="form-error", markup=False)
            with Horizontal(classes="panel-buttons"):
                yield Button("Start the lesson (ctrl+s)", id="form-go", variant="primary")
                yield Button("Back (escape)", id="form-cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#form-student", Input).focus()

    @on(Button.Pressed, "#form-go")
    def _go(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#form-cancel")
    def _cancel(self) -> None:
        self.app.pop_screen()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        last = self.query(Input).last()
        if event.input is last:  # Enter on the last answer starts the lesson
            self.action_start()
        else:
            self.focus_next()

    def answers(self) -> dict[str, str]:
        out = {}
        for f in self.form.fields:
            w = self.query_one(f"#pred-{f.id}")
            v = w.value
            if isinstance(w, Select):
                v = "" if v is Select.BLANK else str(v)
            out[f.id] = str(v).strip()
        return out

    def action_start(self) -> None:
        app = self.app
        student = self.query_one("#form-student", Input).value.strip()
        groups = self.query("#form-group")
        group = str(groups.first(Select).value) if groups else self.form.groups[0]
        try:
            session = app.play.GameSession.new_lesson(
                app.content,
                self.lesson_id,
                student,
                self.answers(),
                group=group,
                seed=self.form.seed,
                folder=app.saves_dir,
            )
        except app.play.ScriptError as e:
            self.query_one("#form-error", Static).update(
                line(("Not yet: ", "bold red"), "; ".join(e.errors))
            )
            return
        app.begin(session)


class CheckpointScreen(ModalScreen[bool]):
    """A checkpoint: its question, every figure it needs, and the student's answer."""

    BINDINGS = [Binding("escape", "later", "Answer later", id="checkpoint-later")]

    def __init__(self, session, view):
        super().__init__()
        self.session = session
        self.view_ = view

    def compose(self) -> ComposeResult:
        v = self.view_
        lk = Linker()
        with Vertical(classes="dialog checkpoint"):
            yield Static(
                Content.styled(
                    f"Checkpoint {v.number} of {v.of}: quarter {v.quarter} ({v.date})", "bold"
                ),
                id="checkpoint-title",
            )
            figures = [
                Content.assemble(lk.term(f.label, f.term) if f.term else f.label, ": ", lk(f.text))
                for f in v.figures
            ]
            yield Static(lk(v.prompt), id="checkpoint-prompt")
            with VerticalScroll(id="checkpoint-figures"):
                yield Static(lines(figures))
            yield Input(
                value=v.answer or "",
                placeholder="your answer, with the numbers",
                id="checkpoint-answer",
                max_length=2000,
            )
            yield Static(
                "Enter keeps your answer (in your save and for your teacher); Escape: later (l)",
                id="checkpoint-hint",
                markup=False,
            )

    def on_mount(self) -> None:
        self.query_one("#checkpoint-answer", Input).focus()

    @on(Input.Submitted, "#checkpoint-answer")
    def _answered(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.query_one("#checkpoint-hint", Static).update(
                line(("Write an answer first, ", "bold"), "or press Escape to answer later.")
            )
            return
        play = self.app.play
        try:
            path = self.session.answer(self.view_.quarter, text)
        except play.SaveError as e:
            self.app.notify(
                "\n".join(e.errors) + "\nYour answer is kept in the game.",
                severity="error",
                markup=False,
                timeout=10,
            )
            self.dismiss(True)
            return
        self.app.notify(f"answer kept in your save and in {path}", markup=False)
        self.dismiss(True)

    def action_later(self) -> None:
        self.dismiss(False)


class DiscussScreen(Screen):
    """The lesson's debrief questions, one at a time, each next to its charts."""

    BINDINGS = [
        Binding("left", "move(-1)", "Previous question", id="discuss-prev"),
        Binding("right", "move(1)", "Next question", id="discuss-next"),
        Binding("n", "numbers", "Numbers / charts", id="discuss-numbers"),
        Binding("escape", "app.pop_screen", "Back", id="discuss-back"),
    ]

    def __init__(self, session):
        super().__init__()
        self.session = session
        self.questions = session.discussion()
        self.at = 0
        self.table = False

    def compose(self) -> ComposeResult:
        yield TooSmall()
        with Vertical(classes="body"):
            yield Static(id="discuss-title", classes="screen-title")
            yield Static(id="discuss-question")
            yield VerticalScroll(id="discuss-charts")
        yield Footer()

    def on_mount(self) -> None:
        self.show_question()

    def show_question(self) -> None:
        from ..chart import Chart

        q = self.questions[self.at]
        self.query_one("#discuss-title", Static).update(
            Content.assemble(
                (f"Question {self.at + 1} of {len(self.questions)}", "bold"),
                " · left and right for the others; n: numbers",
            )
        )
        lk = Linker()
        self.query_one("#discuss-question", Static).update(lk(q.question))
        holder = self.query_one("#discuss-charts", VerticalScroll)
        holder.remove_children()
        widgets: list = []
        for c in q.charts:
            widgets.append(Static(lk.term(c.title, c.term) if c.term else lk(c.title)))
            widgets.append(Chart(c, table=self.table, classes="discuss-chart"))
        holder.mount_all(widgets or [Static("(no chart for this question)")])

    def action_move(self, step: int) -> None:
        self.at = (self.at + step) % len(self.questions)
        self.show_question()

    def action_numbers(self) -> None:
        self.table = not self.table
        self.show_question()


__all__ = ["CheckpointScreen", "DiscussScreen", "LessonFormScreen"]
