"""A list on the left and the highlighted item's details on the right."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import OptionList, Static

from ..widgets import lines


class ListDetailScreen(Screen):
    """Subclasses compose an OptionList with id LIST and a Static with id DETAIL, and
    say in `detail(key)` what an item shows (rows for `widgets.lines`, or None)."""

    LIST = ""
    DETAIL = ""
    start: str | None = None  # the option highlighted first (default: the first)

    def detail(self, key: str | None) -> list | None:
        raise NotImplementedError

    def on_mount(self) -> None:
        ol = self.query_one(f"#{self.LIST}", OptionList)
        ids = [ol.get_option_at_index(i).id for i in range(ol.option_count)]
        idx = ids.index(self.start) if self.start in ids else 0
        ol.highlighted = idx
        ol.focus()
        self.show_detail(ids[idx])

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == self.LIST:
            self.show_detail(event.option.id)

    def show_detail(self, key: str | None) -> None:
        rows = self.detail(key)
        if rows is not None:
            self.query_one(f"#{self.DETAIL}", Static).update(lines(rows))
