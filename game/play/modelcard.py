"""How the world works: the model card (docs/model.md) split by topic for the app."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


def _model_md() -> Path:
    """docs/model.md: shipped inside the installed package (game/_docs), else the
    repository's."""
    from importlib.resources import files

    shipped = files("game").joinpath("_docs", "model.md")
    if shipped.is_file():
        return Path(str(shipped))
    return Path(__file__).resolve().parents[2] / "docs" / "model.md"


#: docs/model.md of this copy of Frontier (see README).
MODEL_MD = _model_md()


@dataclass(frozen=True)
class CardSection:
    id: str  # "4" for "## 4. Scaling"; "intro" for the text before the first section
    title: str
    text: str  # the section's Markdown, its heading included


def model_card(path: Path | None = None) -> tuple[CardSection, ...]:
    """The model card's sections in order (the contents list left out), or () when
    this copy of Frontier has no docs/model.md."""
    path = MODEL_MD if path is None else Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ()
    out: list[CardSection] = []
    cards = numbers(path)
    if cards:
        out.append(CardSection("numbers", "The numbers on your screen", numbers_md(cards)))
    parts = re.split(r"^(?=## )", text, flags=re.M)
    intro = parts[0].strip()
    if intro:
        out.append(CardSection("intro", "About this model card", intro))
    for part in parts[1:]:
        heading = part.splitlines()[0][3:].strip()
        if heading.lower() == "contents":
            continue
        m = re.match(r"(\d+)\.\s*(.*)", heading)
        sid, title = (m.group(1), f"{m.group(1)}. {m.group(2)}") if m else (heading, heading)
        out.append(CardSection(sid, title, part.strip()))
    return tuple(out)


@dataclass(frozen=True)
class NumberCard:
    """A number the game shows, with the equation behind it (from docs/model.md)."""

    number: str  # as the screen names it
    where: str  # where it is shown
    tag: str  # the equation's tag in docs/model.md, "M1" for [M1]
    section: str  # the card's topic that holds it ("14")
    equation: str  # the block of docs/model.md the tag closes, as written there


#: The numbers on the game's screens and the equation behind each: (the number as
#: the screen names it, where it is shown, its tag in docs/model.md).
NUMBERS: tuple[tuple[str, str, str], ...] = (
    ("Cash", "dashboard (Your lab), report", "F2"),
    ("Revenue", "dashboard (Your lab), report", "F1"),
    ("Operating profit", "dashboard (Your lab), report", "F12"),
    ("Economic profit", "report, industry, lessons", "F13"),
    ("Valuation", "dashboard (Your lab), funding panel", "F7"),
    ("you own (equity after a round)", "dashboard (Your lab), funding panel", "F8c"),
    ("cap: a model's capability", "dashboard, rivals, training panel", "S5"),
    ("a finished run's capability", "training panel, report", "T6"),
    ("cost/M: serving a million tokens", "dashboard (models), pricing panel", "I1"),
    ("Your share of buyers", "dashboard, report", "D10"),
    ("Buyers who stay (lock-in)", "dashboard shares, report", "D12"),
    ("rev. share and HHI", "dashboard (Market, Rivals), charts", "M1"),
    ("CR4", "dashboard (Market), charts", "M2"),
    ("Lerner index", "dashboard (Market), charts, industry", "M3"),
    ("Verdict", "dashboard (Market), industry, debrief", "M6"),
    ("Const-capability price", "dashboard (Market), charts", "M7"),
    ("Open weights: capability", "dashboard (Market), industry", "D1"),
    ("Open weights: price", "dashboard (Market), charts", "D7"),
    ("Adoption", "dashboard (Market)", "D4"),
    ("investor mood", "dashboard (Market), funding panel", "N1"),
    ("GPU-hour price", "dashboard, compute panel", "C2"),
    ("Value chain: labs", "industry, charts, debrief", "V3"),
    ("Value chain: buyers' surplus", "industry, charts, debrief", "V5"),
)


def _blocks(text: str) -> list[tuple[str, str]]:
    """(section id, code block) for every indented block of the card, in order."""
    out: list[tuple[str, str]] = []
    section, block = "intro", []
    for line in [*text.splitlines(), ""]:
        m = re.match(r"## (\d+)\.", line)
        if m:
            section = m.group(1)
        if line.startswith("    ") and line.strip():
            block.append(line[4:])
            continue
        if block:
            out.append((section, "\n".join(block)))
            block = []
    return out


def numbers(path: Path | None = None) -> tuple[NumberCard, ...]:
    """The numbers on screen with their equations, read from docs/model.md by tag
    (() when this copy of Frontier has no docs/model.md)."""
    path = MODEL_MD if path is None else Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ()
    blocks = _blocks(text)
    out = []
    for number, where, tag in NUMBERS:
        found = next(((sid, b) for sid, b in blocks if f"[{tag}]" in b), None)
        if found is not None:
            out.append(NumberCard(number, where, tag, found[0], found[1]))
    return tuple(out)


def numbers_md(cards: tuple[NumberCard, ...]) -> str:
    """The card's first topic: each number on screen and the equation behind it."""
    out = [
        "## The numbers on your screen",
        "",
        "Each number the game shows, where it is shown, and the equation that computes",
        "it, as docs/model.md writes it (the tag in brackets names the equation; the",
        "topic named after it explains every term and gives the source).",
        "",
    ]
    for c in cards:
        out += [f"**{c.number}** ({c.where}): [{c.tag}], topic {c.section}", ""]
        out += ["```", c.equation, "```", ""]
    return "\n".join(out)


__all__ = [
    "MODEL_MD",
    "NUMBERS",
    "CardSection",
    "NumberCard",
    "model_card",
    "numbers",
    "numbers_md",
]
