"""Every term on screen links to its glossary entry.

For each screen a player sees (at 80x24 and 160x50, a few quarters into a fixed game),
the words that name a glossary entry (KEYWORDS below) are looked for in what the
terminal shows, and each entry named must be linked somewhere on that screen: a span
whose click runs `app.glossary('id')`.

How the screen is read:

- the words: the rendered segments (`uikit.screen_segments`, what the terminal shows),
  with the text of links blanked out (a link's words name its own entry: "Price of
  constant capability" does not also ask for "capability") and the text of controls
  (lists, tables, inputs, checkboxes, buttons, the footer) left out, since a click there
  picks the item and cannot open a link;
- the links: the `@click` meta of the rendered segments (what is visible), together with
  the spans of every Static's Content (`Static.visual`; a span's style is a string such
  as "@click=app.glossary('hhi')"), which covers the lines scrolled out of view too.
"""

from __future__ import annotations

import re

import pytest
from textual.content import Content
from textual.errors import NoWidget
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Footer,
    Input,
    OptionList,
    ProgressBar,
    Select,
    Static,
)
from uikit import flat_text, make_app, play_quarters, ready, screen_segments

from game.play import glossary, open_content
from game.ui.screens.game import GameScreen
from game.ui.screens.help import GlossaryScreen, HelpScreen
from game.ui.screens.industry import IndustryScreen
from game.ui.screens.newgame import LessonsScreen, NewGameScreen
from game.ui.screens.odds import OddsScreen
from game.ui.screens.panels import PANEL_CLASSES
from game.ui.screens.report import ReportScreen
from game.ui.screens.saves import SavesScreen
from game.ui.widgets import TERM_WORDS, Linker

#: Glossary id -> the words on screen that name it. A word matches at the start of a
#: word, in any case, with any ending ("oligopol" finds "oligopoly"); longer words are
#: looked for first, so "constant capability" is not also "capability".
KEYWORDS: dict[str, list[str]] = {
    "hhi": ["HHI", "Herfindahl"],
    "cr4": ["CR4"],
    "lerner-index": ["Lerner"],
    "markup": ["markup"],
    "verdict": ["verdict"],
    "oligopoly": ["oligopol"],
    "commoditization": ["commoditiz", "commoditis"],
    "value-chain": ["value chain", "who captures the value"],
    "consumer-surplus": ["consumer surplus"],
    "constant-capability-price": ["constant capability", "constant-capability", "Const-capability"],
    "capability-index": ["capability index", "capability"],
    "open-weights": ["open weights", "open-weight", "open weight"],
    "scaling-law": ["scaling law", "scaling holds"],
    "compute-optimal": ["compute-optimal"],
    "over-training": ["over-train"],
    "algorithmic-progress": ["algorithmic progress"],
    "data-wall": ["data wall", "data stock"],
    "parameters": ["parameter", "param"],
    "tokens": ["token"],
    "flops": ["FLOP"],
    "utilization": ["utilization", "utilisation"],
    "inference": ["inference", "serving cost"],
    "distillation": ["distil"],
    "reliability": ["reliability"],
    "specialization": ["specializ", "specialis"],
    "switching-costs": ["switching cost", "lock-in"],
    "logit-demand": ["logit"],
    "best-response": ["best response", "best-response"],
    "sunk-costs": ["sunk cost"],
    "economic-profit": ["economic profit", "operating profit"],
    "learning-curve": ["learning curve", "Swanson"],
    "bass-diffusion": ["adoption", "Bass diffusion"],
    "hype-cycle": ["hype", "investor mood", "investors' mood", "investor sentiment"],
    "dilution": ["dilution", "dilute", "founders' stake", "valuation"],
    "government-contract": ["government contract"],
    "nationalization": ["nationaliz", "nationalis"],
}

SIZES = [(80, 24), (160, 50)]
CONTROLS = (Button, Checkbox, DataTable, Footer, Input, OptionList, ProgressBar, Select)
#: A link to an entry: a label's click action, or a Markdown link to `glossary:<id>`.
LINK = re.compile(r"app\.glossary\('([^']*)'\)|link\('glossary:([^']*)'\)")
_WORDS = [
    (re.compile(rf"(?<![\w-]){re.escape(w)}\w*", re.IGNORECASE), tid)
    for w, tid in sorted(
        ((w, tid) for tid, ws in KEYWORDS.items() for w in ws), key=lambda p: -len(p[0])
    )
]


# ---------------------------------------------------------------------- reading a screen


def link_ids(style) -> set[str]:
    """The glossary ids a style links to: a Content span's style (a string, or a
    textual Style) or a rendered segment's rich Style (its meta holds the action)."""
    if style is None:
        return set()
    if isinstance(style, str):
        return {a or b for a, b in LINK.findall(style)}
    meta = getattr(style, "meta", None) or {}
    return {a or b for a, b in LINK.findall(str(meta.get("@click", "")))}


def _in_control(app, x: int, y: int) -> bool:
    """A cell a click cannot follow a link from: a control, or the screen behind a
    dialog (shown dimmed, not in play until the dialog closes)."""
    try:
        widget, _ = app.screen.get_widget_at(x, y)
    except NoWidget:
        return False
    if isinstance(app.screen, ModalScreen) and widget is app.screen:
        return True
    return any(isinstance(w, CONTROLS) for w in widget.ancestors_with_self)


def on_screen(app) -> tuple[str, set[str]]:
    """(1) the screen's words outside links and controls, one line per row, and (2) the
    glossary ids linked on the screen (visible or scrolled out of view)."""
    rows, linked = [], set()
    for y, row in enumerate(screen_segments(app)):
        out = []
        for x, text, style in row:
            ids = link_ids(style)
            linked |= ids
            # a link of any kind (a glossary entry, a chart's tab) does what it says
            acts = bool((getattr(style, "meta", None) or {}).get("@click"))
            blank = ids or acts or _in_control(app, x, y)
            out.append(" " * len(text) if blank else text)
        rows.append("".join(out))
    for widget in app.screen.query(Static):
        visual = widget.visual
        if isinstance(visual, Content):
            for span in visual.spans:
                linked |= link_ids(span.style)
    return "\n".join(rows), linked


def named(text: str) -> dict[str, str]:
    """Glossary id -> the first word on screen that names it."""
    found: dict[str, str] = {}
    for rx, tid in _WORDS:

        def blank(m: re.Match, tid=tid) -> str:
            found.setdefault(tid, m.group())
            return " " * len(m.group())

        text = rx.sub(blank, text)
    return found


class Audit:
    """Collects, screen by screen, the terms shown without a link to their entry."""

    def __init__(self, size):
        self.size = size
        self.failures: list[str] = []
        self.screens: list[str] = []

    def __call__(self, app, where: str) -> None:
        text, linked = on_screen(app)
        missing = {tid: word for tid, word in named(text).items() if tid not in linked}
        self.screens.append(where)
        if missing:
            self.failures.append(
                f"{where} at {self.size[0]}x{self.size[1]}: "
                + ", ".join(f"{word!r} shown, {tid!r} not linked" for tid, word in missing.items())
            )

    def check(self) -> None:
        assert not self.failures, "\n".join(self.failures)


# ---------------------------------------------------------------------- the table itself


@pytest.fixture(scope="module")
def terms():
    return glossary(open_content(None))


def test_every_keyword_names_a_real_glossary_term(terms):
    assert set(KEYWORDS) <= set(terms), set(KEYWORDS) - set(terms)
    assert set(TERM_WORDS) <= set(terms), set(TERM_WORDS) - set(terms)


def test_every_glossary_term_has_words_that_name_it(terms):
    """A new glossary entry needs the words that name it, here and in the app's
    TERM_WORDS, or nothing on screen will link to it."""
    assert set(terms) <= set(KEYWORDS), set(terms) - set(KEYWORDS)
    assert set(terms) <= set(TERM_WORDS), set(terms) - set(TERM_WORDS)


def test_the_linker_links_the_first_mention_of_each_term():
    lk = Linker()
    c = lk("Open-weight hosts cut prices; open weights win; HHI [b]1,977[/b] and HHI.")
    assert c.plain == "Open-weight hosts cut prices; open weights win; HHI [b]1,977[/b] and HHI."
    links = [(c.plain[s.start : s.end], link_ids(s.style)) for s in c.spans]
    assert links == [("Open-weight", {"open-weights"}), ("HHI", {"hhi"})]
    # the longer phrase wins over the words in it, and a label counts as the mention
    c = lk("the price of constant capability fell; capability 5.2")
    assert [c.plain[s.start : s.end] for s in c.spans] == [
        "price of constant capability",
        "capability",
    ]
    lk2 = Linker()
    lk2.term("Verdict", "verdict")
    assert lk2("market verdict: consolidated oligopoly").spans[0].style == (
        "@click=app.glossary('oligopoly')"
    )
    assert Linker()("capabilityless reparameterized").spans == []


# ---------------------------------------------------------------------- the screens

PANEL_KEYS = {"compute": "c", "train": "t", "pricing": "p", "research": "r"}
PANEL_KEYS |= {"products": "b", "funding": "f", "government": "g", "open": "o"}


@pytest.mark.parametrize("size", SIZES)
async def test_every_term_in_a_game_links_to_its_entry(tmp_path, size):
    audit = Audit(size)
    app = make_app(tmp_path, scenario="default", seed=1)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await play_quarters(pilot, 3)
        assert isinstance(app.screen, GameScreen)
        audit(app, "dashboard")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        audit(app, "quarterly report")
        await pilot.press("enter")
        await pilot.pause()
        for name, key in PANEL_KEYS.items():
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, PANEL_CLASSES[name]), name
            audit(app, f"{name} panel")
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, IndustryScreen)
        audit(app, "industry")
        await pilot.press("escape")
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, OddsScreen)
        audit(app, "odds")
        app.screen.worlds = 12
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.result is not None
        audit(app, "odds, after a run")
        await pilot.press("escape")
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        audit(app, "help")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        # a game with a training run under way, specialized orders and a raise
        s = app.session
        s.set("train", {"params": 1e12, "tokens": 2e13, "quarters": 3})
        s.set("raise_funds", 2.0)
        await play_quarters(pilot, 1)
        s.set("distill", True)
        app.screen.refresh_draft()
        await pilot.pause()
        audit(app, "dashboard with a run and orders")
    audit.check()
    assert len(audit.screens) == 15


@pytest.mark.parametrize("size", SIZES)
async def test_every_term_before_a_game_links_to_its_entry(tmp_path, size):
    """The title, every scenario's page in New game, every lesson, the saves."""
    audit = Audit(size)
    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        audit(app, "title")
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NewGameScreen)
        ol = app.screen.query_one("#scenario-list", OptionList)
        for i in range(ol.option_count):
            ol.highlighted = i
            await pilot.pause()
            audit(app, f"new game: {ol.get_option_at_index(i).id}")
        await pilot.press("escape")
        await pilot.pause()
        app.screen.action_pick("lessons")
        await pilot.pause()
        assert isinstance(app.screen, LessonsScreen)
        ol = app.screen.query_one("#lesson-list", OptionList)
        for i in range(ol.option_count):
            ol.highlighted = i
            await pilot.pause()
            audit(app, f"lesson: {ol.get_option_at_index(i).id}")
    app = make_app(tmp_path, scenario="steel", seed=2, name="links")
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await play_quarters(pilot, 2)
        app.session.save()
        app.action_load()
        await pilot.pause()
        assert isinstance(app.screen, SavesScreen)
        audit(app, "saves")
    audit.check()


@pytest.mark.parametrize("size", SIZES)
async def test_every_term_after_a_game_and_in_a_lesson_links_to_its_entry(
    tmp_path, monkeypatch, size
):
    """The debrief (with its what-ifs), every chart, the model card's first topic, and
    a lesson: its form, a checkpoint and every discussion question with its charts."""
    from game.ui.screens.charts import ChartsScreen
    from game.ui.screens.debrief import DebriefScreen
    from game.ui.screens.lesson import CheckpointScreen, DiscussScreen, LessonFormScreen
    from game.ui.screens.modelcard import ModelCardScreen

    monkeypatch.chdir(tmp_path)
    audit = Audit(size)
    app = make_app(tmp_path, scenario="steel", seed=2)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await play_quarters(pilot, 6)
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, ChartsScreen)
        for cid in list(app.screen.views):
            app.screen.action_show(cid)
            await pilot.pause()
            audit(app, f"chart {cid}")
        await pilot.press("escape")
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ModelCardScreen)
        audit(app, "model card")
        await pilot.press("escape")
        await play_quarters(pilot, None)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        audit(app, "debrief")
    app = make_app(tmp_path, lesson="solar-vs-steel", student="Ada")
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        assert isinstance(app.screen, LessonFormScreen)
        audit(app, "lesson form")
        form = app.screen
        form.query_one("#form-group", Select).value = "steel"
        form.query_one("#pred-verdict", Select).value = "competitive"
        for wid in ("pred-hhi-2030", "pred-lerner-end", "pred-labs-left"):
            form.query_one(f"#{wid}", Input).value = "1"
        form.action_start()
        await pilot.pause()
        await play_quarters(pilot, 13)
        app.screen._after_report()
        await pilot.pause()
        assert isinstance(app.screen, CheckpointScreen)
        audit(app, "checkpoint 13")
        await pilot.press("escape")
        app.push_screen(DiscussScreen(app.session))
        await pilot.pause()
        for n in range(len(app.screen.questions)):
            audit(app, f"discussion question {n + 1}")
            await pilot.press("right")
            await pilot.pause()
    audit.check()


# ---------------------------------------------------------------------- clicking a link


def _link_at(app, term_id: str) -> tuple[int, int]:
    for y, row in enumerate(screen_segments(app)):
        for x, _, style in row:
            if term_id in link_ids(style):
                return x, y
    raise AssertionError(f"no link to {term_id!r} on screen")


@pytest.mark.parametrize(
    ("key", "term_id", "title"),
    [
        (None, "hhi", "Herfindahl-Hirschman index (HHI)"),  # a label on the dashboard
        ("p", "reliability", "Reliability"),  # a word in the pricing panel's help
    ],
)
async def test_clicking_a_term_opens_its_glossary_entry(tmp_path, key, term_id, title):
    app = make_app(tmp_path, scenario="default", seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await play_quarters(pilot, 3)
        if key:
            await pilot.press(key)
            await pilot.pause()
        before = app.screen
        assert await pilot.click(offset=_link_at(app, term_id))
        await pilot.pause()
        assert isinstance(app.screen, GlossaryScreen)
        ol = app.screen.query_one("#term-list", OptionList)
        assert ol.get_option_at_index(ol.highlighted).id == term_id
        assert title in flat_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is before
