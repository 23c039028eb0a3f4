"""Saved games: a table with their details; Enter continues one."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from ..widgets import TooSmall


class SavesScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="saves-back")]

    def compose(self) -> ComposeResult:
        yield TooSmall()
        with Vertical(classes="body"):
            yield Static("Saved games", classes="screen-title", markup=False)
            yield DataTable(id="saves-table", cursor_type="row")
            yield Static("", id="saves-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        app = self.app
        t = self.query_one("#saves-table", DataTable)
        t.add_columns("name", "scenario", "lab", "quarter", "saved (UTC)", "problem")
        self.cards = app.play.saves(app.saves_folder(), app.content)
        for i, c in enumerate(self.cards):
            q = f"{c.quarter}/{c.quarters}" if c.quarters else "?"
            cells = (c.name, c.scenario, c.lab, q, c.updated.replace("T", " ").rstrip("Z"))
            # Text, not str: a DataTable reads a str cell as markup ("Lab [/]" would crash).
            t.add_row(*(Text(x) for x in (*cells, c.problem or "")), key=str(i))
        status = self.query_one("#saves-status", Static)
        status.update(
            Content(
                f"{len(self.cards)} saves in {app.saves_folder()}/; Enter continues one"
                if self.cards
                else f"No saves in {app.saves_folder()}/ yet."
            )
        )
        t.focus()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        app = self.app
        card = self.cards[int(event.row_key.value)]
        if card.problem:
            app.notify(card.problem, severity="error", markup=False, timeout=10)
            return
        app.open_save(card.path)
