"""What the front-ends list: scenarios, lessons, glossary terms, saves, policies.

Frozen, plain views of the content folder, so a front-end never touches the content
models (or the engine) itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from game.content.loader import Content, default_content_dir, load_content
from game.engine.scenario import SEGMENT_NAMES, SEGMENTS
from game.text import reflow

from .bots import BOTS
from .saves import list_saves


@dataclass(frozen=True)
class ScenarioCard:
    id: str
    title: str
    story: str
    objectives: tuple[str, ...]
    goals: tuple[str, ...]  # "text (target)"
    quarters: int
    start_year: int
    designed_outcome: str
    teaches: str


@dataclass(frozen=True)
class LessonCard:
    id: str
    title: str
    minutes: int
    scenario: str
    seed: int | None  # None: each student plays a world of their own
    objectives: tuple[str, ...]
    predict: str


@dataclass(frozen=True)
class Term:
    id: str
    term: str
    text: str
    formula: str | None
    source: str
    see_also: tuple[str, ...]


@dataclass(frozen=True)
class SaveCard:
    name: str
    path: str
    scenario: str
    lab: str
    quarter: int
    quarters: int | None
    updated: str
    problem: str | None


def open_content(folder: str | Path | None = None) -> Content:
    """The content folder (default: the one shipped with Frontier). ContentError if bad."""
    return load_content(folder or default_content_dir())


def scenarios(content: Content) -> list[ScenarioCard]:
    out = []
    for sid, m in content.scenarios.items():
        out.append(
            ScenarioCard(
                sid,
                m.title,
                reflow(m.story),
                tuple(m.objectives),
                tuple(f"{g.text} ({g.op} {g.value:g})" for g in m.goals),
                m.quarters,
                m.start_year,
                m.designed_outcome,
                m.teaches.strip(),
            )
        )
    return sorted(out, key=lambda c: (c.id != "default", c.id))


def lessons(content: Content) -> list[LessonCard]:
    return [
        LessonCard(
            lid, m.title, m.minutes, m.scenario, m.seed, tuple(m.objectives), m.predict.strip()
        )
        for lid, m in sorted(content.lessons.items())
    ]


def glossary(content: Content) -> dict[str, Term]:
    """Glossary terms by id."""
    return {
        tid: Term(tid, t.term, t.text.strip(), t.formula, t.source, tuple(t.see_also))
        for tid, t in content.terms.items()
    }


def saves(folder: str | Path, content: Content) -> list[SaveCard]:
    """The saves in a folder, newest first (with the problem of any that is broken)."""
    return [
        SaveCard(
            s.name, str(s.path), s.scenario, s.lab, s.quarter, s.quarters, s.updated, s.problem
        )
        for s in list_saves(Path(folder), content)
    ]


def segments() -> list[tuple[str, str]]:
    """(id, name) of the market segments, in the engine's order."""
    return [(s, SEGMENT_NAMES[s]) for s in SEGMENTS]


#: A specialization weighs its segment this much against 1 for each other segment.
FOCUS_WEIGHT = 3.0


def specialization(segment: str | None) -> dict[str, float] | None:
    """The mix of a lab specialized in `segment` (None or '': the scenario's own mix)."""
    if not segment:
        return None
    if segment not in SEGMENTS:
        raise ValueError(f"unknown segment {segment!r}; known: {', '.join(SEGMENTS)}")
    return {s: (FOCUS_WEIGHT if s == segment else 1.0) for s in SEGMENTS}


def policies() -> list[tuple[str, str]]:
    return [(name, bot.blurb) for name, bot in BOTS.items()]
