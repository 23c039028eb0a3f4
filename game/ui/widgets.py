"""Small widgets and text helpers shared by the screens.

Every piece of engine or user text goes into a `Content` as plain text (never parsed
as markup), so a lab named "[Apex] [/]" shows as written.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

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


#: The words on screen that name a glossary entry (regular expressions without capturing
#: groups, matched whole and case-insensitively): `Linker` turns the first mention of each
#: on a screen into a link to its entry. Longer phrases win over the words inside them.
TERM_WORDS: dict[str, tuple[str, ...]] = {
    "hhi": ("HHI", "Herfindahl"),
    "cr4": ("CR4",),
    "lerner-index": ("Lerner(?: index)?",),
    "markup": ("markups?",),
    "verdict": ("(?:market )?verdicts?",),
    "oligopoly": (r"oligopol\w*",),
    "commoditization": (r"commoditi[sz]\w*",),
    "value-chain": ("value chain", "who captures the value"),
    "consumer-surplus": ("consumer surplus", "buyers' surplus"),
    "constant-capability-price": (
        "(?:price of )?constant[- ]capability(?: price)?",
        "const-capability(?: price)?",
    ),
    "capability-index": ("capability(?: index)?",),
    "open-weights": ("open[- ]weights?",),
    "scaling-law": ("scaling laws?", "scaling (?:holds|stalls|stops|stopped)"),
    "compute-optimal": ("compute-optimal",),
    "over-training": (r"over-train\w*",),
    "algorithmic-progress": ("algorithmic progress",),
    "data-wall": ("data wall", "data stock"),
    "parameters": (r"param\w*",),
    "tokens": (r"token\w*",),
    "flops": (r"FLOP\w*",),
    "utilization": ("utili[sz]ation",),
    "inference": ("inference", "serving costs?"),
    "distillation": (r"distil\w*",),
    "reliability": ("reliability",),
    "specialization": (r"speciali[sz]\w*",),
    "switching-costs": ("switching costs?", "lock-in"),
    "logit-demand": ("logit(?: demand)?",),
    "best-response": ("best[- ]response",),
    "sunk-costs": ("sunk costs?",),
    "economic-profit": ("economic profit", "operating profit"),
    "learning-curve": ("learning curve", "Swanson"),
    "bass-diffusion": ("adoption", "Bass diffusion"),
    "hype-cycle": (r"hype\w*(?: cycle)?", "investor (?:mood|sentiment)", "investors' mood"),
    "dilution": (r"dilut\w*", "founders' stake", "valuation"),
    "government-contract": ("government contracts?",),
    "nationalization": (r"nationali[sz]\w*",),
}


@functools.cache
def _term_pattern() -> tuple[re.Pattern, list[str]]:
    """The words of every term, longest first (compiled at first use, not at start-up:
    the title screen needs none of it)."""
    pairs = sorted(
        ((p, tid) for tid, ps in TERM_WORDS.items() for p in ps), key=lambda x: -len(x[0])
    )
    rx = "|".join(f"({p})" for p, _ in pairs)
    return re.compile(rf"(?<![\w-])(?:{rx})(?![\w-])", re.IGNORECASE), [t for _, t in pairs]


def glossary_link(text: str, term_id: str) -> Content:
    """`text` as a link to a glossary entry (underlined by the link style, not bold)."""
    return Content(text).stylize(f"@click=app.glossary('{term_id}')")


class Linker:
    """Links the first mention of each glossary term on one screen.

    Call it on plain text (engine text, tips, help) to get a Content with the first
    mention of each term linked; `term` links a label and counts it as the mention.
    """

    def __init__(self, seen: Iterable[str] = ()):
        self.seen: set[str] = set(seen)

    def term(self, label: str, term_id: str) -> Content:
        self.seen.add(term_id)
        return term(label, term_id)

    def __call__(self, text: str, style: str = "") -> Content:
        out: list = []
        at = 0
        rx, ids = _term_pattern()
        for m in rx.finditer(text):
            tid = ids[m.lastindex - 1]
            if tid in self.seen:
                continue
            self.seen.add(tid)
            out += [text[at : m.start()], glossary_link(m.group(), tid)]
            at = m.end()
        content = Content.assemble(*out, text[at:]) if out else Content(text)
        return content.stylize(style) if style else content


def hang(prefix: str | Content, body: Content, width: int) -> Content:
    """`prefix` then `body` wrapped to `width` cells, its later lines indented under
    the body's first (a bullet's or a label's hanging indent)."""
    pre = Content(prefix) if isinstance(prefix, str) else prefix
    room = max(width - pre.cell_length, 10)
    rows = body.wrap(room) or [Content("")]
    pad = " " * pre.cell_length
    return Content("\n").join([pre + rows[0], *(Content(pad) + r for r in rows[1:])])


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
    """A change as (text, style): green up, red down (the theme's text colours for
    success and error, which stay readable on its background)."""
    if x is None:
        return ("", "")
    style = "$text-success" if x > 1e-12 else "$text-error" if x < -1e-12 else ""
    return (fmt(x), style)


def link_markdown(md: str, seen: Iterable[str] = ()) -> str:
    """Markdown with the first mention of each glossary term made a link to
    `glossary:<id>` (fenced code and inline code left alone); a screen showing it
    opens the entry when the link is clicked (Markdown(open_links=False))."""
    done: set[str] = set(seen)
    rx, ids = _term_pattern()
    out: list[str] = []
    fenced = False
    for line in md.split("\n"):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            out.append(line)
            continue
        if fenced or line.startswith("    "):
            out.append(line)
            continue
        parts = re.split(r"(`[^`]*`)", line)  # inline code stays as written
        for k in range(0, len(parts), 2):
            text, pieces, at = parts[k], [], 0
            for m in rx.finditer(text):
                tid = ids[m.lastindex - 1]
                if tid in done:
                    continue
                done.add(tid)
                pieces += [text[at : m.start()], f"[{m.group()}](glossary:{tid})"]
                at = m.end()
            parts[k] = "".join(pieces) + text[at:]
        out.append("".join(parts))
    return "\n".join(out)


def open_glossary_link(app, href: str) -> bool:
    """Open the glossary entry of a `glossary:<id>` Markdown link; False for any other
    link (which is left alone: the game opens no web pages)."""
    if href.startswith("glossary:"):
        app.action_glossary(href.split(":", 1)[1])
        return True
    return False


class KeyBar(Static):
    """The screen's keys on one line at the bottom, drawn once as text.

    Textual's Footer mounts a widget for every key each time a screen opens, which
    costs tens of milliseconds; a screen that must open fast (the charts) uses this
    instead. A click on a key runs its action, as in the Footer.
    """

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        link-style: none;
        link-color: $footer-foreground;
        link-style-hover: reverse;
    }
    """

    def on_mount(self) -> None:
        parts: list = []
        for b in self.screen.BINDINGS:
            if not getattr(b, "show", True):
                continue
            key = self.app.get_key_display(b)
            act = f"@click=screen.{b.action}"
            parts += [
                (f" {key} ", f"bold $footer-key-foreground {act}"),
                (f"{b.description} ", act),
            ]
        self.update(Content.assemble(*parts))
