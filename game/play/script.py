"""The playthrough format: a TOML script of a whole game (also the save format).

    format_version = 1
    scenario = "default"        # a scenario id, or a path to a scenario .toml
    seed = 7
    policy = "balanced"         # plays every quarter without orders; default "hold"

    [player]
    name = "Ada Labs"
    specialization = { coding = 3, enterprise = 1 }

    [[quarters]]
    quarter = 1                 # 1 = the first quarter played
    prices = { frontier = 8.0 }
    train = { params = 2e12, tokens = 4e13, quarters = 3 }

A file with only `scenario`, `seed` and `policy` is a complete script. Every problem
is reported as `file:line: field: message`, all in one pass, before anything runs.
README ("Playthrough scripts") and examples/ document the fields.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StrictBool, StrictInt, StringConstraints

from game.content import schema as sc
from game.content.loader import (
    Content,
    ContentError,
    TomlFile,
    close_matches,
    error_at,
    known_list,
    read_toml,
    validate_toml,
)
from game.engine import scenario as eng
from game.engine.orders import FIELDS, Orders, TrainOrder

from .bots import BOTS, Bot, get_bot

#: Version of the playthrough format; older files are migrated (MIGRATIONS below).
#: 1: issue 4's playthrough. 2: adds the optional [save] table (game/play/saves.py).
SCRIPT_VERSION = 2
#: Largest seed: world k of a sweep plays seed + k, and seeds stay below 2**63.
MAX_SEED = 2**62
MAX_SCRIPT_BYTES = 5_000_000

Name = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[^\x00-\x1f]+$")]


class ScriptError(ContentError):
    """A playthrough that cannot run: every problem as `file:line: field: message`."""

    summary = "script error"
    outcome = "nothing was run or written"


def spec_type(name: str) -> Any:
    """The pydantic type of one order field, from the order specification.

    Numbers must be finite and within the field's bounds; amounts tables map keys
    (checked against the field's keys in check_script, for the error's line) to such
    numbers.
    """
    f = FIELDS[name]
    if f.kind == "integer":
        return Annotated[int, BeforeValidator(sc._integer), Field(ge=int(f.lo), le=int(f.hi))]
    if f.kind == "flag":
        return StrictBool
    if f.kind == "ids":
        return list[str]
    hi = None if math.isinf(f.hi) else f.hi
    bounds = {"gt": f.lo} if f.lo_open else {"ge": f.lo}
    num = Annotated[float, BeforeValidator(sc._number), Field(le=hi, allow_inf_nan=False, **bounds)]
    return dict[str, num] if f.kind == "amounts" else num


class TrainModel(sc.Model):
    params: spec_type("train.params")
    tokens: spec_type("train.tokens")
    quarters: spec_type("train.quarters") = 2
    mix: spec_type("train.mix") = {}


class QuarterModel(sc.Model):
    """One quarter's orders (the fields of ORDER_FIELDS). Omitted fields: see Orders."""

    quarter: Annotated[int, BeforeValidator(sc._integer), Field(ge=1)]
    lease: spec_type("lease") | None = None
    buy: spec_type("buy") = 0.0
    train: TrainModel | None = None
    train_share: spec_type("train_share") | None = None
    research: spec_type("research") = {}
    build: spec_type("build") = []
    prices: spec_type("prices") = {}
    distill: spec_type("distill") = False
    release_open: spec_type("release_open") = False
    raise_funds: spec_type("raise_funds") = 0.0
    borrow: spec_type("borrow") = 0.0
    repay: spec_type("repay") = 0.0
    note: str | None = None  # the player's reason, quoted in the debrief

    def orders(self) -> Orders:
        t = self.train
        return Orders(
            lease=self.lease,
            buy=self.buy,
            train=None
            if t is None
            else TrainOrder(params=t.params, tokens=t.tokens, mix=dict(t.mix), quarters=t.quarters),
            train_share=self.train_share,
            research=dict(self.research),
            build=tuple(self.build),
            prices=dict(self.prices),
            distill=self.distill,
            release_open=self.release_open,
            raise_funds=self.raise_funds,
            borrow=self.borrow,
            repay=self.repay,
        )


def quarter_orders(data: dict[str, Any], quarter: int) -> Orders:
    """Engine orders from a dict shaped like a `[[quarters]]` entry (without `quarter`),
    for 1-based `quarter`; OrderError with every problem as `field: message`."""
    from pydantic import ValidationError

    from game.engine.orders import OrderError

    try:
        q = QuarterModel.model_validate({**data, "quarter": quarter})
    except ValidationError as e:
        raise OrderError(
            [
                f"{'.'.join(str(x) for x in item['loc'])}: "
                + (
                    "unknown field"
                    if item["type"] == "extra_forbidden"
                    else item["msg"].removeprefix("Value error, ")
                )
                for item in e.errors()
            ]
        ) from None
    return q.orders()


class PlayerModel(sc.Model):
    name: Name | None = None
    specialization: dict[str, sc.Weight] = {}


Digest = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{8,64}$")]
Stamp = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")]


class SaveMeta(sc.Model):
    """The [save] table: what a save adds to a playthrough (game/play/saves.py)."""

    game_version: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    content_digest: Digest
    created: Stamp
    updated: Stamp
    lab: Name
    quarter: Annotated[int, BeforeValidator(sc._integer), Field(ge=0, le=400)]
    digests: list[Digest] = []


class LessonAnswerModel(sc.Model):
    quarter: Annotated[int, BeforeValidator(sc._integer), Field(ge=1, le=400)]
    text: Annotated[str, StringConstraints(max_length=2000)]


Answer = StrictInt | Annotated[float, BeforeValidator(sc._number), Field(allow_inf_nan=False)] | str


class LessonTableModel(sc.Model):
    """The [lesson] table: a lesson played in this game, and what the student said
    (game/play/lesson.py)."""

    id: sc.ID
    student: Name
    group: sc.ID
    predictions: dict[str, Answer] = {}
    answers: list[LessonAnswerModel] = []


class ScriptModel(sc.Model):
    format_version: sc.Int
    scenario: sc.Text
    seed: Annotated[int, BeforeValidator(sc._integer), Field(ge=0, lt=MAX_SEED)]
    policy: str = "hold"
    player: PlayerModel = PlayerModel()
    quarters: list[QuarterModel] = []
    lesson: LessonTableModel | None = None
    save: SaveMeta | None = None


@dataclass
class Playthrough:
    """A checked script, ready to play: the engine scenario with the player's options."""

    model: ScriptModel
    shown: str  # how to name the file in messages
    scenario: eng.Scenario  # with the player's name and specialization applied
    scenario_model: sc.ScenarioModel  # for goals and titles
    bot: Bot
    orders: dict[int, Orders] = field(default_factory=dict)  # 0-based quarter -> orders
    lines: dict = field(default_factory=dict)  # TOML path -> line
    lesson: sc.LessonModel | None = None  # the lesson of the [lesson] table

    @property
    def seed(self) -> int:
        return self.model.seed

    def line_of_quarter(self, t: int, key: str | None = None) -> int:
        """Line of quarter t's orders (0-based), or of one of its fields."""
        for j, q in enumerate(self.model.quarters):
            if q.quarter == t + 1:
                path = ("quarters", j) + ((key,) if key else ())
                from game.content.lines import find_line

                return find_line(self.lines, path)
        return 1


def load_script(path: str | Path, content: Content) -> Playthrough:
    """Read and check a playthrough script. Raises ScriptError with every problem."""
    errors: list[str] = []
    f = read_toml(Path(path), errors, max_bytes=MAX_SCRIPT_BYTES)
    if isinstance(f.data, dict):
        f.data = migrate(f.data)
    model = validate_toml(ScriptModel, f, errors, version=SCRIPT_VERSION, doc=DOC)
    if model is None:
        raise ScriptError(errors + _raw_checks(f, content, errors))
    return check_script(model, f, content)


def script_from_data(
    data: dict[str, Any], content: Content, shown: str = "<script>"
) -> Playthrough:
    """A playthrough from a dict shaped like the TOML (for code and share codes)."""
    errors: list[str] = []
    f = TomlFile(Path(shown), shown, {}, migrate(dict(data)))
    try:
        model = validate_toml(ScriptModel, f, errors, version=SCRIPT_VERSION, doc=DOC)
        if model is None:
            raise ScriptError(errors + _raw_checks(f, content, errors))
        return check_script(model, f, content)
    except ScriptError as e:  # no file, so no line numbers: "frontier play: seed: ..."
        raise ScriptError([x.replace(f"{shown}:1: ", f"{shown}: ", 1) for x in e.errors]) from None


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring an older playthrough or save up to SCRIPT_VERSION, one version at a time."""
    ver = data.get("format_version")
    if not isinstance(ver, int) or isinstance(ver, bool):
        return data  # validation reports it
    while ver < SCRIPT_VERSION and ver in MIGRATIONS:
        data = MIGRATIONS[ver](data)
        ver = data["format_version"]
    return data


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 (the first playthrough format) had no [save] table; 2 may have one.

    Nothing else changed, so a version-1 file reads as a version-2 script. (A [save]
    table in a version-1 file is refused by saves.read_save before migrating.)
    """
    return {**data, "format_version": 2}


MIGRATIONS = {1: _v1_to_v2}


#: Where the format is documented (named in "unknown key" errors).
DOC = "README.md, 'Playthrough scripts'"


def _raw_checks(f: TomlFile, content: Content, found: list[str]) -> list[str]:
    """The scenario and policy checks, run on the raw data when the file did not
    validate, so one pass reports them too (unless already reported)."""
    if not isinstance(f.data, dict):
        return []
    out = []
    said = " ".join(found)
    scen, policy = f.data.get("scenario"), f.data.get("policy")
    if isinstance(scen, str) and ": scenario:" not in said:
        ref = _scenario_ref(scen, f, content)
        if isinstance(ref, str) and ref not in content.scenarios:
            out.append(error_at(f, ("scenario",), _unknown_scenario(ref, content)))
        elif isinstance(ref, Path) and not ref.is_file():
            out.append(
                error_at(
                    f, ("scenario",), f"no scenario file {str(ref)!r}; give a scenario id or a path"
                )
            )
    if isinstance(policy, str) and policy not in BOTS and ": policy:" not in said:
        out.append(error_at(f, ("policy",), _unknown_policy(policy)))
    return out


def _unknown_scenario(ref: str, content: Content) -> str:
    return (
        f"unknown scenario {ref!r}{close_matches(ref, content.scenarios)}; "
        f"known: {known_list(content.scenarios)} (or a path to a .toml file)"
    )


def _unknown_policy(name: str) -> str:
    return f"unknown policy {name!r}{close_matches(name, BOTS)}; known: {', '.join(BOTS)}"


def _scenario_ref(ref: str, f: TomlFile, content: Content) -> str | Path:
    """A scenario id, or a path: relative paths are read from the script's folder."""
    if ref in content.scenarios:
        return ref
    if ref.endswith(".toml") or "/" in ref:
        p = Path(ref)
        return p if p.is_absolute() else f.path.parent / p
    return ref


def check_script(model: ScriptModel, f: TomlFile, content: Content) -> Playthrough:
    errors: list[str] = []

    def err(path: tuple, msg: str) -> None:
        errors.append(error_at(f, path, msg))

    # The scenario: an id of the content folder or a scenario file.
    ref = _scenario_ref(model.scenario, f, content)
    scen_model = None
    if isinstance(ref, Path):
        if not ref.is_file():
            err(("scenario",), f"no scenario file {str(ref)!r}; give a scenario id or a path")
        else:
            try:
                scen_model = content.scenario_model(ref)
            except ContentError as e:
                errors += e.errors
    elif ref not in content.scenarios:
        err(("scenario",), _unknown_scenario(ref, content))
    else:
        scen_model = content.scenarios[ref]

    if model.policy not in BOTS:
        err(("policy",), _unknown_policy(model.policy))
    for k in model.player.specialization:
        if k not in eng.SEGMENTS:
            err(
                ("player", "specialization", k),
                f"unknown segment; known: {', '.join(eng.SEGMENTS)}",
            )
    if model.player.specialization and not any(model.player.specialization.values()):
        err(("player", "specialization"), "at least one weight must be positive")

    products = tuple(content.products)
    n_quarters = scen_model.quarters if scen_model else None
    seen: dict[int, int] = {}
    for j, q in enumerate(model.quarters):
        at = ("quarters", j)
        if n_quarters is not None and q.quarter > n_quarters:
            err(
                (*at, "quarter"),
                f"quarter {q.quarter} is out of range: the scenario has {n_quarters} quarters "
                f"(1..{n_quarters})",
            )
        if q.quarter in seen:
            err(
                (*at, "quarter"),
                f"quarter {q.quarter} already has orders (quarters[{seen[q.quarter]}])",
            )
        seen.setdefault(q.quarter, j)
        for k in q.research:
            if k not in eng.RESEARCH:
                err(
                    (*at, "research", k),
                    f"unknown research track; known: {', '.join(eng.RESEARCH)}",
                )
        for k in q.prices:
            if k not in eng.TIERS:
                err((*at, "prices", k), f"unknown model tier; known: {', '.join(eng.TIERS)}")
        for i, pid in enumerate(q.build):
            if pid not in products:
                err(
                    (*at, "build", i),
                    f"unknown product {pid!r}{close_matches(pid, products)}; known: {', '.join(products)}",
                )
        if len(set(q.build)) != len(q.build):
            err((*at, "build"), "a product is listed twice")
        if q.train is not None:
            for k in q.train.mix:
                if k not in eng.SEGMENTS:
                    err(
                        (*at, "train", "mix", k),
                        f"unknown segment; known: {', '.join(eng.SEGMENTS)}",
                    )
            if q.train.mix and not any(q.train.mix.values()):
                err((*at, "train", "mix"), "at least one weight must be positive")
    if model.lesson is not None:
        _check_lesson(model, content, scen_model, err)
    if errors or scen_model is None:
        raise ScriptError(errors)

    from game.content.loader import build_scenario

    scenario = _with_player(build_scenario(content, scen_model), model.player)
    bot = get_bot(model.policy)
    scenario = bot.seat(scenario, PLAYER)
    orders = {q.quarter - 1: q.orders() for q in sorted(model.quarters, key=lambda q: q.quarter)}
    lesson = content.lessons[model.lesson.id] if model.lesson is not None else None
    return Playthrough(model, f.shown, scenario, scen_model, bot, orders, dict(f.lines), lesson)


def _check_lesson(model: ScriptModel, content: Content, scen_model, err) -> None:
    """The [lesson] table against its lesson: a known lesson of this scenario, known
    predictions with answers of the right kind, answers at its checkpoints only."""
    rec = model.lesson
    lesson = content.lessons.get(rec.id)
    if lesson is None:
        err(
            ("lesson", "id"),
            f"unknown lesson {rec.id!r}{close_matches(rec.id, content.lessons)}; "
            f"known: {known_list(content.lessons)}",
        )
        return
    if rec.group not in lesson.scenarios:
        err(("lesson", "group"), f"the lesson is played in {', '.join(lesson.scenarios)}")
    elif scen_model is not None and scen_model.id != rec.group:
        err(
            ("lesson", "group"),
            f"the lesson's world is {rec.group!r} but the game plays {scen_model.id!r}",
        )
    if scen_model is None:
        return
    from .lesson import prediction_fields

    fields = {
        f.id: f for f in prediction_fields(lesson, scen_model.start_year, scen_model.quarters)
    }
    for k, v in rec.predictions.items():
        f = fields.get(k)
        if f is None:
            err(("lesson", "predictions", k), f"unknown prediction; known: {', '.join(fields)}")
            continue
        try:
            f.parse(v)
        except ValueError as e:
            err(("lesson", "predictions", k), str(e))
    quarters = {cp.quarter for cp in lesson.checkpoints}
    played = model.save.quarter if model.save is not None else scen_model.quarters
    seen: set[int] = set()
    for j, a in enumerate(rec.answers):
        at = ("lesson", "answers", j, "quarter")
        if a.quarter not in quarters:
            err(at, f"no checkpoint at quarter {a.quarter}; the lesson's: {sorted(quarters)}")
        elif a.quarter > played:
            err(at, f"quarter {a.quarter} has not been played ({played} played)")
        if a.quarter in seen:
            err(at, f"a second answer at quarter {a.quarter}")
        seen.add(a.quarter)


#: The player's lab is the scenario's first lab (game/content/loader.py build_scenario).
PLAYER = 0


def _with_player(scenario: eng.Scenario, player: PlayerModel) -> eng.Scenario:
    import dataclasses

    labs = list(scenario.labs)
    lab = labs[PLAYER]
    changes: dict[str, Any] = {}
    if player.name:
        taken = {x.name for x in labs[1:]}
        name = player.name if player.name not in taken else f"{player.name} (you)"
        changes["name"] = name
    if player.specialization:
        changes["mix"] = dict(player.specialization)
    labs[PLAYER] = dataclasses.replace(lab, **changes)
    return dataclasses.replace(scenario, labs=tuple(labs))


__all__ = [
    "MAX_SEED",
    "PLAYER",
    "SCRIPT_VERSION",
    "Playthrough",
    "QuarterModel",
    "ScriptError",
    "ScriptModel",
    "check_script",
    "load_script",
    "quarter_orders",
    "script_from_data",
]
