"""`frontier class collect`: many students' runs -> class.csv and a class debrief.

Each input is a summary.json written by `frontier run` (or the folder holding one).
Every file is checked against the summary contract first; one bad file stops the
collection with its name and field, and nothing is written.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import statistics
from collections import Counter
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from game.engine import VERDICTS

from .script import ScriptError


class CollectError(ScriptError):
    """Summary files that cannot be collected (exit 2, nothing written)."""

    summary = "summary file error"
    outcome = "nothing was written"


MAX_SUMMARY_BYTES = 5_000_000


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True, strict=True)


class LabRow(_Open):
    name: str
    controller: str
    alive: bool
    cash: float
    cumulative_profit: float
    revenue_share: float
    best_capability: float
    level: str


class PlayerRow(_Open):
    score: Annotated[int, Field(ge=0, le=100)]
    goals_met: list[str]
    name: str | None = None
    policy: str | None = None
    quarters_ordered: int | None = None
    runs: int | None = None
    products: list[str] = []


class LessonPrediction(_Open):
    id: str
    prompt: str
    quarter: int
    answer: float | str | None = None
    actual: float | str | None = None


class LessonAnswer(_Open):
    quarter: int
    date: str
    prompt: str
    answer: str | None = None


class LessonPart(_Open):
    """The `lesson` key of a lesson's summary.json (game/play/lesson.py)."""

    id: str
    title: str
    student: str
    group: str
    predictions: list[LessonPrediction]
    answers: list[LessonAnswer]


class SummaryModel(_Open):
    """The keys of summary.json that are a contract (README, `frontier run`)."""

    scenario: str
    seed: int
    quarters: int
    verdict: str
    hhi: float
    cr4: float
    lerner: float
    value_chain: dict[str, float]
    labs: list[LabRow]
    player: PlayerRow
    lesson: LessonPart | None = None


class Entry:
    def __init__(self, path: Path, shown: str, s: SummaryModel):
        self.path, self.shown, self.s = path, shown, s
        self.me = next((lab for lab in s.labs if lab.controller == "player"), None)
        # The student: the name a lesson asked for, else the run's folder name
        # (frontier run ... --out alice), else the lab.
        folder = path.parent.name
        self.student = (
            s.lesson.student
            if s.lesson is not None
            else folder
            if folder not in ("", ".")
            else (s.player.name or path.stem)
        )


class _NonFinite(ValueError):
    """NaN, Infinity or -Infinity in a summary (Python's json reads them; we do not)."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name  # as written in the file
        digits = len(name.lstrip("-"))
        self.shown = name if len(name) <= 24 else f"an integer of {digits:,} digits"

    def pos(self, text: str) -> int:
        """Where the constant is written (its first occurrence as a value)."""
        m = re.search(r"[:\[,]\s*" + re.escape(self.name) + r"\b", text)
        return m.start() if m else 0

    def field(self, text: str) -> str:
        """The key the constant is the value of, or (json) if it has none."""
        m = re.search(r'"((?:[^"\\]|\\.)*)"\s*:\s*' + re.escape(self.name) + r"\b", text)
        return m.group(1) if m else "(json)"


def _no_constant(name: str):
    raise _NonFinite(name)


def _finite_float(text: str) -> float:
    v = float(text)  # 1e400 reads as inf
    if not math.isfinite(v):
        raise _NonFinite(text)
    return v


#: Most digits of an integer in a summary (a float holds up to about 1.8e308).
MAX_INT_DIGITS = 308


def _small_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _NonFinite(text)
    return int(text)


def _load(path: Path) -> tuple[Entry | None, list[str]]:
    p = path / "summary.json" if path.is_dir() else path
    shown = str(p)
    try:
        with open(p, "rb") as fh:
            raw = fh.read(MAX_SUMMARY_BYTES + 1)
    except OSError as e:
        return None, [f"{shown}:1: (file): cannot read: {e.strerror or e}"]
    if len(raw) > MAX_SUMMARY_BYTES:
        return None, [
            f"{shown}:1: (file): larger than {MAX_SUMMARY_BYTES:,} bytes; not a summary.json"
        ]
    try:
        text = raw.decode("utf-8")
        data = json.loads(
            text, parse_constant=_no_constant, parse_float=_finite_float, parse_int=_small_int
        )
    except _NonFinite as e:
        line = text.count("\n", 0, e.pos(text)) + 1
        return None, [
            f"{shown}:{line}: {e.field(text)}: {e.shown} is not a number `frontier run` "
            "writes (a summary holds finite numbers only); pass the files `frontier run` wrote"
        ]
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        line = getattr(e, "lineno", 1)
        return None, [
            f"{shown}:{line}: (json): not a summary.json ({e}); pass the files `frontier run` wrote"
        ]
    except RecursionError:
        return None, [
            f"{shown}:1: (json): nested too deeply to be a summary.json; "
            "pass the files `frontier run` wrote"
        ]
    except ValueError as e:  # e.g. an integer of more digits than Python converts
        return None, [
            f"{shown}:1: (json): not a summary.json ({e}); pass the files `frontier run` wrote"
        ]
    try:
        s = SummaryModel.model_validate(data)
    except ValidationError as e:
        errs = []
        for item in e.errors():
            loc = ".".join(str(x) for x in item["loc"]) or "(file)"
            msg = "required field is missing" if item["type"] == "missing" else item["msg"]
            errs.append(f"{shown}:1: {loc}: {msg}")
        return None, errs
    if s.verdict not in VERDICTS:
        return None, [
            f"{shown}:1: verdict: unknown verdict {s.verdict!r}; known: {', '.join(VERDICTS)}"
        ]
    return Entry(p, shown, s), []


def collect(paths: list[str | Path]) -> list[Entry]:
    """Load every summary; ScriptError with every problem if any file is bad."""
    if not paths:
        raise CollectError(["class collect: give at least one summary.json (or run folder)"])
    entries, errors = [], []
    for path in paths:
        e, errs = _load(Path(path))
        errors += errs
        if e is not None:
            entries.append(e)
    if errors:
        raise CollectError(errors)
    return entries


CLASS_COLUMNS = (
    "student",
    "file",
    "lab",
    "scenario",
    "seed",
    "policy",
    "quarters",
    "quarters_ordered",
    "runs",
    "products",
    "score",
    "goals_met",
    "alive",
    "cash",
    "cumulative_profit",
    "revenue_share",
    "best_capability",
    "verdict",
    "hhi",
    "lerner",
)


def class_csv(entries: list[Entry]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CLASS_COLUMNS)
    for e in entries:
        s, me = e.s, e.me
        w.writerow(
            [
                e.student,
                e.shown,
                me.name if me else "",
                s.scenario,
                s.seed,
                s.player.policy or "",
                s.quarters,
                "" if s.player.quarters_ordered is None else s.player.quarters_ordered,
                "" if s.player.runs is None else s.player.runs,
                " ".join(s.player.products),
                s.player.score,
                " ".join(s.player.goals_met),
                int(me.alive) if me else "",
                f"{me.cash:.2f}" if me else "",
                f"{me.cumulative_profit:.2f}" if me else "",
                f"{me.revenue_share:.4f}" if me else "",
                f"{me.best_capability:.3f}" if me else "",
                s.verdict,
                f"{s.hhi:.0f}",
                f"{s.lerner:.3f}",
            ]
        )
    return buf.getvalue()


def _money(x: float) -> str:
    return f"-${-x:,.1f}B" if x < 0 else f"${x:,.1f}B"


def class_md(entries: list[Entry]) -> str:
    out: list[str] = []
    add = out.append
    n = len(entries)
    add("# Class debrief")
    add("")
    worlds = Counter((e.s.scenario, e.s.seed) for e in entries)
    if len(worlds) == 1:
        (scen, seed), _ = worlds.most_common(1)[0]
        add(
            f"{n} runs of scenario `{scen}`, all on seed {seed}: every student faced the same world."
        )
    else:
        listed = ", ".join(f"`{sc}` seed {sd} ({k})" for (sc, sd), k in sorted(worlds.items()))
        add(f"{n} runs across {len(worlds)} different worlds: {listed}. Compare within a world.")
    add("")
    add("## How the industry ended")
    add("")
    verdicts = Counter(e.s.verdict for e in entries)
    add("| verdict | runs | share |")
    add("| --- | ---: | ---: |")
    for v in VERDICTS:
        add(f"| {v} | {verdicts.get(v, 0)} | {verdicts.get(v, 0) / n:.0%} |")
    add("")
    profits = [e.me.cumulative_profit for e in entries if e.me]
    if profits:
        add("## The spread of profits")
        add("")
        add(
            f"Cumulative operating profit of the students' labs: lowest {_money(min(profits))}, "
            f"median {_money(statistics.median(profits))}, highest {_money(max(profits))}; "
            f"{sum(p > 0 for p in profits)} of {len(profits)} made money and "
            f"{sum(1 for e in entries if e.me and e.me.alive)} survived."
        )
        add("")
    add("## Who chose what")
    add("")
    add(
        "| student | lab | policy | quarters ordered | runs | products | score | profit | share | verdict |"
    )
    add("| --- | --- | --- | ---: | ---: | --- | ---: | ---: | ---: | --- |")
    ranked = sorted(
        entries,
        key=lambda e: (-e.s.player.score, -(e.me.cumulative_profit if e.me else -1e18), e.student),
    )
    for e in ranked:
        s, me = e.s, e.me
        add(
            f"| {e.student} | {me.name if me else '?'} | {s.player.policy or '?'} | "
            f"{'' if s.player.quarters_ordered is None else s.player.quarters_ordered} | "
            f"{'' if s.player.runs is None else s.player.runs} | "
            f"{', '.join(s.player.products) or '-'} | {s.player.score} | "
            f"{_money(me.cumulative_profit) if me else '?'} | "
            f"{f'{me.revenue_share:.0%}' if me else '?'} | {s.verdict} |"
        )
    add("")
    groups = Counter(e.s.player.policy or "?" for e in entries)
    if len(groups) > 1:
        add("## By policy (the bot that played the quarters left without orders)")
        add("")
        add("| policy | runs | median profit | median score |")
        add("| --- | ---: | ---: | ---: |")
        for pol, k in sorted(groups.items()):
            mine = [e for e in entries if (e.s.player.policy or "?") == pol]
            prof = statistics.median([e.me.cumulative_profit for e in mine if e.me] or [0.0])
            score = statistics.median([e.s.player.score for e in mine])
            add(f"| {pol} | {k} | {_money(prof)} | {score:g} |")
        add("")
    out += lessons_md(entries)
    add("Questions for the debrief: did the students who made money share a strategy? ")
    add("Did anyone's choices change the verdict, or was it set by the world (the seed)?")
    add("")
    return "\n".join(out)


ANSWER_COLUMNS = (
    "student",
    "lesson",
    "world",
    "seed",
    "kind",
    "item",
    "quarter",
    "prompt",
    "answer",
    "actual",
)


def _cell(x) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        return f"{x:.4g}"
    return str(x)


def answers_csv(entries: list[Entry]) -> str:
    """Every lesson answer: the predictions (with what happened) and the checkpoints."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(ANSWER_COLUMNS)
    for e in entries:
        les = e.s.lesson
        if les is None:
            continue
        head = [e.student, les.id, les.group, e.s.seed]
        for p in les.predictions:
            w.writerow(
                [*head, "prediction", p.id, p.quarter, p.prompt, _cell(p.answer), _cell(p.actual)]
            )
        for a in les.answers:
            w.writerow([*head, "checkpoint", a.date, a.quarter, a.prompt, _cell(a.answer), ""])
    return buf.getvalue()


def _shown(x) -> str:
    if x is None:
        return ""
    if isinstance(x, str):
        return x
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:g}" if float(x).is_integer() else f"{x:.2f}"


def lessons_md(entries: list[Entry]) -> list[str]:
    """The class debrief's lesson part: predictions against outcomes, and the answers
    at each checkpoint, student by student."""
    les = [e for e in entries if e.s.lesson is not None]
    if not les:
        return []
    out = ["## The lesson: predictions against what happened", ""]
    first = les[0].s.lesson
    for p in first.predictions:
        out += [f"**{p.prompt}**", "", "| student | world | predicted | the game |"]
        out.append("| --- | --- | ---: | ---: |")
        for e in les:
            mine = next((x for x in e.s.lesson.predictions if x.id == p.id), None)
            if mine is None:
                continue
            out.append(
                f"| {e.student} | {e.s.lesson.group} | {_shown(mine.answer) or '-'} | "
                f"{_shown(mine.actual) or 'not reached'} |"
            )
        out.append("")
    out += ["## The lesson: answers at the checkpoints", ""]
    for a in first.answers:
        out += [f"**Quarter {a.quarter} ({a.date})**: {a.prompt}", ""]
        for e in les:
            mine = next((x for x in e.s.lesson.answers if x.quarter == a.quarter), None)
            said = mine.answer if mine is not None and mine.answer else "(no answer)"
            out.append(f"- {e.student} ({e.s.lesson.group}): {said}")
        out.append("")
    return out


def class_files(entries: list[Entry]) -> dict[str, str]:
    files = {"class.csv": class_csv(entries), "class.md": class_md(entries)}
    if any(e.s.lesson is not None for e in entries):
        files["answers.csv"] = answers_csv(entries)
    return files


__all__ = [
    "ANSWER_COLUMNS",
    "CLASS_COLUMNS",
    "SummaryModel",
    "answers_csv",
    "class_csv",
    "class_files",
    "class_md",
    "collect",
]
