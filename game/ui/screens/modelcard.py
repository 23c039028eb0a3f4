"""How the world works: the model card (docs/model.md), one topic at a time."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from ..widgets import TooSmall, link_markdown, open_glossary_link


class ModelCardScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="model-back")]

    DEFAULT_CSS = """
    ModelCardScreen #model-topics { width: 34; height: 1fr; }
    ModelCardScreen #model-scroll { width: 1fr; height: 1fr; }
    ModelCardScreen #model-pick { height: 1fr; }
    """

    def __init__(self, start: str | None = None) -> None:
        super().__init__()
        self.start = start

    def compose(self) -> ComposeResult:
        from game.play import model_card

        self.sections = {s.id: s for s in model_card()}
        yield TooSmall()
        with Vertical(classes="body"):
            yield Static(
                Content.assemble(
                    ("How the world works", "bold"),
                    ": every equation behind the numbers, with its source (docs/model.md)",
                ),
                classes="screen-title",
            )
            if not self.sections:
                yield Static(
                    Content(
                        "This copy of Frontier has no docs/model.md; read it in the "
                        "project's repository."
                    ),
                    id="model-missing",
                )
            else:
                with Horizontal(id="model-pick"):
                    yield OptionList(
                        *(Option(Content(s.title), id=s.id) for s in self.sections.values()),
                        id="model-topics",
                    )
                    with VerticalScroll(id="model-scroll"):
                        yield Markdown("", id="model-text", open_links=False)
        yield Footer()

    def on_mount(self) -> None:
        if not self.sections:
            return
        ol = self.query_one(OptionList)
        ids = list(self.sections)
        at = ids.index(self.start) if self.start in ids else 0
        ol.highlighted = at
        ol.focus()
        self._show(ids[at])

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show(event.option.id)

    def _show(self, sid: str | None) -> None:
        if sid in self.sections:
            self.query_one("#model-text", Markdown).update(link_markdown(self.sections[sid].text))
            self.query_one("#model-scroll").scroll_home(animate=False)

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        open_glossary_link(self.app, event.href)
