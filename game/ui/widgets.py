"""Small widgets and text helpers shared by the screens.

Every piece of engine or user text goes into a `Content` as plain text (never parsed
as markup), so a lab named "[Apex] [/]" shows as written.
"""

from __future__ import annotations

from textual.app import RenderResult
from textual.content import Content
from textual.widgets import Static

MIN_WIDTH, MIN_HEIGHT = 80, 24


class TooSmall(Static):
    """Shown instead of a screen's body when the terminal is below 80x24."""

    DEFAULT_CSS = """
    TooSmall { width: 1fr; height: 1fr; content-align: center middle;
               text-align: center; color: $foreground; }
    """

    def render(self) -> RenderResult:
        w, h = self.app.size
        return Content(
            f"Frontier needs a terminal of at least {MIN_WIDTH}x{MIN_HEIGHT}; "
            f"this one is {w}x{h}. Make the window larger or the font smaller."
        )


def term(label: str, term_id: str | None) -> Content:
    """A label that opens its glossary entry when clicked (plain text otherwise)."""
    if not term_id:
        return Content.styled(label, "bold")
    return Content.from_markup(
        f"[bold][@click=app.glossary('{term_id}')]$label[/][/bold]", label=label
    )


def line(*parts: str | Content | tuple[str, str]) -> Content:
    """Content from plain strings, Contents and (text, style) pairs; no markup parsed."""
    return Content.assemble(*parts)


def lines(rows: list[Content | str]) -> Content:
    out = Content("")
    for i, r in enumerate(rows):
        if i:
            out = out + Content("\n")
        out = out + (r if isinstance(r, Content) else Content(r))
    return out


def pct(x: float | None, digits: int = 0) -> str:
    return "-" if x is None else f"{x * 100:.{digits}f}%"


def fit(text: str, width: int) -> str:
    """Text cut to `width` cells with an ellipsis."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def change(x: float | None, fmt) -> tuple[str, str]:
    """A change as (text, style): green up, red down."""
    if x is None:
        return ("", "")
    style = "green" if x > 1e-12 else "red" if x < -1e-12 else ""
    return (fmt(x), style)
