"""Help (keys and panels in plain words) and the glossary."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from ..widgets import Linker, TooSmall, line, lines
from .listing import ListDetailScreen

PANEL_HELP = (
    (
        "Your lab",
        "cash and how many quarters it lasts at this burn (runway); this quarter's "
        "revenue, costs and operating profit with their change; what investors think the lab "
        "is worth; your GPUs; each model's capability, price, serving cost and margin.",
    ),
    (
        "Market",
        "how concentrated model revenue is (HHI, CR4), how far prices sit above "
        "cost (Lerner index), what a fixed capability costs now, and the verdict so far: "
        "monopoly, consolidated oligopoly (like steel), competitive, or commoditized (like "
        "solar). Sparklines: your cash, your revenue share and HHI by quarter.",
    ),
    (
        "Your share of buyers",
        "the share of each market segment's buyers who chose your "
        "models last quarter, and the change.",
    ),
    ("Rivals", "the other labs: best capability, frontier price, share of revenue."),
    ("Goals", "the scenario's goals and where you stand; the score counts goals met."),
    ("News", "what happened last quarter and why; * marks news about your lab."),
    (
        "Charts (h)",
        "the game's history: shares of revenue, prices, HHI and CR4, your cash and runway, "
        "the Lerner index, who captures the value, and capability against the scaling law. "
        "Left and right move between charts; n shows each chart's numbers as a table.",
    ),
    (
        "Industry (i)",
        "who captures the value created (chip vendor, labs, applications, buyers) this "
        "quarter and over the game; the verdict with each test of its rule and this "
        "world's numbers; how far open weights trail the frontier; the data stock and "
        "how much of it the biggest run reads.",
    ),
    (
        "What are my odds? (w)",
        "copies of this game played from now to the end with your standing orders or a "
        "bot in your seat: how the market ends, how often your lab survives, your score. "
        "Your game is not touched; escape cancels a run.",
    ),
    (
        "Orders",
        "the bottom line shows this quarter's orders. Lease, prices, research, the "
        "training share and your specialization stay from quarter to quarter until you "
        "change them, so ending a quarter without orders keeps the lab running as it is.",
    ),
)


class HelpScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="help-back"),
        Binding("slash", "app.glossary", "Glossary", id="help-glossary"),
        Binding("m", "app.model_card", "How the world works", id="help-model"),
    ]

    def compose(self) -> ComposeResult:
        from .game import PANELS, GameScreen

        lk = Linker()  # the first mention of each term is a link to its entry
        rows: list = [line(("Keys", "bold"))]
        for b in GameScreen.BINDINGS:
            key = {"question_mark": "?", "slash": "/"}.get(b.key, b.key)
            rows.append(line(lk(f"  {key:<4} {b.description}")))
        rows += [
            line("  ctrl+p  command palette (every action, panels, themes)"),
            line("  ctrl+q  quit (asks first, then saves)"),
            "",
            line(("Decision panels", "bold"), " (each previews next quarter before you apply)"),
        ]
        for _, (k, label, hint) in PANELS.items():
            rows.append(line(lk(f"  {k}  {label}: {hint}")))
        rows += ["", line(("The dashboard", "bold"))]
        for title, text in PANEL_HELP:
            rows.append(line((f"  {title}: ", "bold"), lk(text)))
        rows += [
            "",
            line(
                ("Terms", "bold"),
                ": click an underlined term, or press / for the glossary. The model behind "
                "every number, equation by equation with its source, is under m (How the "
                "world works), and in docs/model.md.",
            ),
        ]
        yield TooSmall()
        with VerticalScroll(classes="body", id="help-scroll"):
            yield Static(Content.styled("How to play Frontier", "bold"), classes="screen-title")
            yield Static(lines(rows), id="help-text")
        yield Footer()


class GlossaryScreen(ListDetailScreen):
    LIST, DETAIL = "term-list", "term-text"

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="glossary-back")]

    def __init__(self, term: str | None = None):
        super().__init__()
        self.start = term

    def compose(self) -> ComposeResult:
        app = self.app
        self.terms = app.play.glossary(app.content)
        yield TooSmall()
        with Vertical(classes="body"):
            yield Static("Glossary", classes="screen-title", markup=False)
            with Horizontal(id="scenario-pick"):
                yield OptionList(
                    *(
                        Option(Content(t.term), id=t.id)
                        for t in sorted(self.terms.values(), key=lambda t: t.term.lower())
                    ),
                    id="term-list",
                )
                with VerticalScroll(id="scenario-story"):
                    yield Static(id="term-text", markup=False)
        yield Footer()

    def detail(self, tid: str | None) -> list | None:
        t = self.terms.get(tid)
        if t is None:
            return None
        rows: list = [Content.styled(t.term, "bold"), "", t.text]
        if t.formula:
            rows += ["", line(("Formula: ", "bold"), t.formula)]
        rows += ["", line(("Source: ", "bold"), t.source)]
        if t.see_also:
            rows += ["", line(("See also: ", "bold"), ", ".join(t.see_also))]
        return rows
