"""FrontierApp: screens, themes, the command palette and the game-layer loader."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.message import Message
from textual.theme import BUILTIN_THEMES, Theme

#: The themes `--theme` and the palette offer: our names -> Textual theme names.
THEMES = {
    "dark": "frontier-dark",
    "light": "frontier-light",
    "high-contrast": "frontier-high-contrast",
}


def _variant(base: str, name: str, variables: dict[str, str]) -> Theme:
    """One of Textual's themes under our name, with some of its colours changed."""
    theme = BUILTIN_THEMES[base]
    return replace(theme, name=name, variables={**theme.variables, **variables})


# Textual's dark and light themes, with the colours that fell short of a 4.5:1 contrast
# on their background (WCAG AA) darkened: the highlighted row or checkbox in dark
# (#0178D4 behind light text is 3.8:1), a rise in green in light (#337E4A on #E0E0E0
# is 3.8:1). tests/ui/test_themes.py measures every number on screen.
DARK = _variant("textual-dark", "frontier-dark", {"block-cursor-background": "#0A5A9C"})
LIGHT = _variant("textual-light", "frontier-light", {"text-success": "#155C2A"})

HIGH_CONTRAST = Theme(
    name="frontier-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FF00FF",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1A1A1A",
    success="#00FF00",
    warning="#FFFF00",
    error="#FF5555",
    dark=True,
    variables={
        "text-muted": "#FFFFFF",
        "footer-key-foreground": "#FFFF00",
        "border": "#FFFFFF",
        "block-cursor-background": "#FFFF00",
        "block-cursor-foreground": "#000000",
        "input-selection-background": "#FFFF00 40%",
    },
)


class Loaded(Message):
    """The game layer is imported and the content folder read (or failed)."""

    def __init__(self, play, content, error: list[str] | None = None):
        super().__init__()
        self.play = play
        self.content = content
        self.error = error


class FrontierCommands(Provider):
    """The command palette: end quarter, save, load, help and every panel."""

    def _commands(self):
        app = self.app
        out = [
            ("Help: keys and panels", app.action_help, "what every key and panel does"),
            ("Glossary: look up a term", app.action_glossary, "HHI, CR4, Lerner index..."),
            (
                "How the world works: the model card",
                app.action_model_card,
                "every equation behind the numbers, with its source",
            ),
            ("Load a saved game", app.action_load, "list the saves and continue one"),
            ("Theme: dark", partial(app.set_theme, "dark"), "dark colours"),
            ("Theme: light", partial(app.set_theme, "light"), "light colours, for a projector"),
            (
                "Theme: high contrast",
                partial(app.set_theme, "high-contrast"),
                "white on black, for a projector",
            ),
        ]
        extra = getattr(self.screen, "palette_commands", None)  # the screen it opened on
        if callable(extra):
            out = extra() + out
        return out

    async def discover(self) -> Hits:
        for name, call, help_text in self._commands():
            yield DiscoveryHit(name, call, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, call, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), call, help=help_text)


class FrontierApp(App):
    """Frontier in the terminal."""

    CSS_PATH = "frontier.tcss"
    TITLE = "Frontier"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (80, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (24, "-fits"), (32, "-tall"), (45, "-roomy")]
    COMMANDS = App.COMMANDS | {FrontierCommands}
    BINDINGS = [
        Binding("ctrl+q", "request_quit", "Quit", id="quit", priority=True, show=False),
        Binding("f1", "help", "Help", id="help-f1", show=False),
    ]

    def __init__(
        self,
        scenario: str | None = None,
        seed: int | None = None,
        code: str | None = None,
        load: str | None = None,
        force: bool = False,
        name: str | None = None,
        lab: str | None = None,
        saves_dir: str | None = None,
        content_dir: str | None = None,
        policy: str = "hold",
        theme_name: str | None = None,
        lesson: str | None = None,
        student: str | None = None,
        group: str | None = None,
        direct: bool | None = None,
        measure: bool = False,
    ):
        super().__init__()
        for theme in (DARK, LIGHT, HIGH_CONTRAST):
            self.register_theme(theme)
        self.start = {
            "scenario": scenario or "default",
            "seed": seed,
            "code": code,
            "load": load,
            "force": force,
            "name": name,
            "lab": lab,
            "policy": policy or "hold",
            "lesson": lesson,
            "student": student,
            "group": group,
        }
        # Start straight in a game when the command line names one.
        self.direct = (
            bool(
                load
                or code
                or lab
                or lesson
                or seed is not None
                or (scenario and scenario != "default")
            )
            if direct is None
            else direct
        )
        self.saves_dir = saves_dir
        self.content_dir = content_dir
        self.theme_name = theme_name or "dark"
        self.play = None  # the game.play module, once loaded
        self.content = None
        self.load_error: list[str] | None = None
        self.session = None
        self.exit_message: str | None = None
        #: Wall times (s) of the report and preview paths, kept only when `frontier
        #: bench` asks (game/ui/bench.py sets measure=True).
        self.measure = measure
        self.timings: dict[str, list[float]] = {"report": [], "preview": [], "charts": []}

    # ------------------------------------------------------------------ start-up
    def on_mount(self) -> None:
        if self.theme_name not in THEMES:  # say so rather than play in another theme
            self.exit_message = (
                f"frontier: unknown theme {self.theme_name!r}; the themes are " + ", ".join(THEMES)
            )
            self.exit(return_code=2)
            return
        self.set_theme(self.theme_name)
        from .screens.title import TitleScreen

        self.push_screen(TitleScreen())
        # Import the engine once the title is on screen: a thread importing numpy
        # holds the interpreter and would delay the first paint.
        self.call_after_refresh(self.load_game_layer)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_game_layer(self) -> None:
        import game.play as play

        try:
            content = play.open_content(self.content_dir)
        except play.ContentError as e:
            self.post_message(Loaded(play, None, list(e.errors)))
            return
        self.post_message(Loaded(play, content))

    def on_loaded(self, message: Loaded) -> None:
        self.play, self.content, self.load_error = message.play, message.content, message.error
        if self.load_error and self.direct:
            self.exit_message = "\n".join(self.load_error)
            self.exit(return_code=2)
            return
        for screen in self.screen_stack:
            hook = getattr(screen, "game_layer_ready", None)
            if hook:
                hook()
        if self.direct and self.content is not None:
            self.direct = False
            self.start_from_args()

    def time_since(self, what: str, t0: float) -> None:
        """Record, once the screen has been painted, the time since t0 under `what`."""
        if not self.measure:
            return
        import time

        self.call_after_refresh(lambda: self.timings[what].append(time.perf_counter() - t0))

    @property
    def ready(self) -> bool:
        return self.content is not None

    def saves_folder(self):
        return self.play.saves_dir(self.saves_dir)

    def start_from_args(self) -> None:
        s = self.start
        play = self.play
        try:
            if s["lesson"]:
                from .screens.lesson import LessonFormScreen

                form = play.GameSession.lesson_form(self.content, s["lesson"], seed=s["seed"])
                if s["group"] and s["group"] not in form.groups:
                    raise play.ScriptError(
                        [
                            f"--group: the lesson is played in {', '.join(form.groups)}, "
                            f"not {s['group']!r}"
                        ]
                    )
                self.push_screen(
                    LessonFormScreen(s["lesson"], s["student"] or "", s["group"], form=form)
                )
                return
            if s["load"]:
                session = play.GameSession.load(
                    self.content, s["load"], self.saves_dir, force=s["force"]
                )
            elif s["code"]:
                session = play.GameSession.from_code(
                    self.content,
                    s["code"],
                    lab_name=s["lab"],
                    save_name=s["name"],
                    folder=self.saves_dir,
                )
            else:
                session = play.GameSession.new(
                    self.content,
                    scenario=s["scenario"],
                    seed=s["seed"],
                    lab_name=s["lab"],
                    policy=s["policy"],
                    save_name=s["name"],
                    folder=self.saves_dir,
                    shown="frontier play",
                )
        except (play.ScriptError, play.SaveError, play.CodeError, play.ContentError) as e:
            # Bad command-line input: say why on the terminal and exit with status 2.
            n = len(e.errors)
            self.exit_message = "\n".join(
                [*e.errors, f"frontier: {n} {e.summary}{'s' if n != 1 else ''}; {e.outcome}"]
            )
            self.exit(return_code=2)
            return
        self.begin(session)

    def open_save(self, path) -> None:
        """Continue the save at `path` (a notice, not a crash, if it cannot be read)."""
        try:
            session = self.play.GameSession.load(self.content, path, self.saves_dir)
        except self.play.SaveError as e:
            self.notify("\n".join(e.errors), severity="error", markup=False, timeout=10)
            return
        self.begin(session)

    def begin(self, session) -> None:
        """Play `session`: the dashboard over the title screen."""
        from .screens.game import GameScreen

        self.session = session
        for w in session.warnings:
            self.notify(w, severity="warning", markup=False, timeout=10)
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.push_screen(GameScreen(session))

    # ------------------------------------------------------------------ actions
    def set_theme(self, name: str) -> None:
        """Our theme `name` (dark, light, high-contrast), or a Textual theme by its name."""
        self.theme = THEMES.get(name, name if name in self.available_themes else THEMES["dark"])

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_glossary(self, term: str | None = None) -> None:
        from .screens.help import GlossaryScreen

        if self.content is None:
            self.notify("still loading the game...", markup=False)
            return
        self.push_screen(GlossaryScreen(term))

    def action_model_card(self, topic: str | None = None) -> None:
        """How the world works: the model card, by topic."""
        from .screens.modelcard import ModelCardScreen

        self.push_screen(ModelCardScreen(topic))

    def action_load(self) -> None:
        from .screens.saves import SavesScreen

        if self.content is None:
            self.notify("still loading the game...", markup=False)
            return
        self.push_screen(SavesScreen())

    def action_request_quit(self) -> None:
        from .screens.dialogs import Confirm

        if isinstance(self.screen, Confirm):
            return
        text = (
            "Quit Frontier? Your game is saved first."
            if self.session is not None and not self.session.done
            else "Quit Frontier?"
        )
        self.push_screen(Confirm(text, yes="Quit", no="Stay"), self._quit_answer)

    def _quit_answer(self, yes: bool | None) -> None:
        if not yes:
            return
        if self.session is not None:
            try:
                path = self.session.save()
                self.exit_message = (
                    f"saved {path} (continue with: frontier play --load {path.stem})"
                )
            except self.play.SaveError as e:
                self.exit_message = "could not save: " + "; ".join(e.errors)
        self.exit(return_code=0)


__all__ = ["THEMES", "FrontierApp"]
