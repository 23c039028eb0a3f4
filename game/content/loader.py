"""Load and check a content folder; build engine scenarios from it.

    content = load_content(Path("content"))       # raises ContentError with every problem
    scenario = content.scenario("solar")          # a game.engine Scenario
    scenario = content.scenario("path/to/my.toml")

Every problem is reported as `file:line: dotted.field: message` in one pass, and a
load never half-succeeds.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ValidationError

from ..engine import scenario as eng
from . import schema as sc
from .lines import dotted, find_line, line_map

MAX_BYTES = 1_000_000


class ContentError(Exception):
    """Content that cannot be used. `errors` lists one line per problem."""

    summary = "content error"  # the CLI's closing line: "3 content errors; nothing ..."
    outcome = "nothing was loaded"

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


@dataclass
class TomlFile:
    path: Path
    shown: str
    lines: dict
    data: dict | None


@dataclass
class Content:
    """A checked content folder."""

    root: Path
    params: dict[str, sc.ParamEntry]
    segments: dict[str, sc.SegmentModel]
    products: dict[str, sc.ProductModel]
    archetypes: dict[str, sc.ArchetypeModel]
    events: dict[str, sc.EventModel]
    terms: dict[str, sc.TermModel]
    scenarios: dict[str, sc.ScenarioModel]
    lessons: dict[str, sc.LessonModel]
    files: dict[str, str] = field(default_factory=dict)  # scenario/lesson id -> shown path
    # Catalog files that failed to load: references into them are not checked, so one
    # bad value is reported once and not again at every reference (issue 13).
    broken: set[str] = field(default_factory=set)

    def scenario(self, ref: str | Path) -> eng.Scenario:
        """Engine scenario by id, or from a TOML file outside the folder."""
        key = str(ref)
        if key in self.scenarios:
            return build_scenario(self, self.scenarios[key])
        path = Path(key)
        if path.suffix == ".toml" or path.exists():
            model = load_scenario_file(path, self)
            return build_scenario(self, model)
        raise ContentError([f"{key}: unknown scenario; known: {', '.join(sorted(self.scenarios))}"])

    def scenario_model(self, ref: str | Path) -> sc.ScenarioModel:
        key = str(ref)
        if key in self.scenarios:
            return self.scenarios[key]
        return load_scenario_file(Path(key), self)

    def lesson(self, lid: str) -> sc.LessonModel:
        if lid not in self.lessons:
            raise ContentError([f"{lid}: unknown lesson; known: {', '.join(sorted(self.lessons))}"])
        return self.lessons[lid]


# ---------------------------------------------------------------------------
# Reading and validating one file
# ---------------------------------------------------------------------------


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_toml(path: Path, errors: list[str], max_bytes: int = MAX_BYTES) -> TomlFile:
    """Read and parse a TOML file; problems are appended to `errors` (data is None)."""
    shown = _shown(path)
    try:
        # Stat first: a FIFO or a device would block the read, a folder cannot be read.
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            kind = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
            errors.append(f"{shown}:1: (file): {kind}; give a .toml file")
            return TomlFile(path, shown, {}, None)
        with open(path, "rb") as fh:  # never more than the limit, however big the file
            raw = fh.read(max_bytes + 1)
    except OSError as e:
        errors.append(f"{shown}:1: (file): cannot read: {e.strerror or e}")
        return TomlFile(path, shown, {}, None)
    return parse_toml(raw, path, shown, errors, max_bytes)


def parse_toml(
    raw: bytes, path: Path, shown: str, errors: list[str], max_bytes: int = MAX_BYTES
) -> TomlFile:
    """Parse TOML bytes; problems are appended to `errors` (data is None)."""
    if len(raw) > max_bytes:
        errors.append(f"{shown}:1: (file): larger than the {max_bytes:,}-byte limit")
        return TomlFile(path, shown, {}, None)
    if raw.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte-order mark some editors write
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        errors.append(f"{shown}:1: (file): not UTF-8 text ({e.reason} at byte {e.start})")
        return TomlFile(path, shown, {}, None)
    try:
        data = tomllib.loads(text)
    except RecursionError:
        errors.append(f"{shown}:1: (toml): nested too deeply to be a Frontier file")
        return TomlFile(path, shown, {}, None)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+)", str(e))
        line = int(m.group(1)) if m else 1
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(e))
        errors.append(f"{shown}:{line}: (toml): malformed TOML: {msg}; fix the syntax")
        return TomlFile(path, shown, {}, None)
    return TomlFile(path, shown, line_map(text), data)


def error_at(f: TomlFile, path: tuple, msg: str) -> str:
    return f"{f.shown}:{find_line(f.lines, path)}: {dotted(path)}: {msg}"


def validate_toml(
    model: type[BaseModel],
    f: TomlFile,
    errors: list[str],
    version: int = sc.FORMAT_VERSION,
    doc: str = "docs/content-format.md",
):
    """The file's data as `model`, or None with every problem appended to `errors`."""
    if f.data is None:
        return None
    ver = f.data.get("format_version")
    if isinstance(ver, int) and not isinstance(ver, bool) and ver > version:
        errors.append(
            error_at(
                f,
                ("format_version",),
                f"version {ver} is newer than this Frontier reads "
                f"({version}); upgrade Frontier or write version {version}",
            )
        )
        return None
    try:
        obj = model.model_validate(f.data)
    except ValidationError as e:
        for item in e.errors():
            loc = tuple(item["loc"])
            errors.append(error_at(f, loc, _message(item, doc)))
        return None
    if obj.format_version != version:
        errors.append(error_at(f, ("format_version",), f"must be {version}"))
        return None
    return obj


def _message(item: dict, doc: str = "docs/content-format.md") -> str:
    kind = item.get("type", "")
    if kind == "extra_forbidden":
        return f"unknown key; remove it or check its spelling ({doc})"
    if kind == "missing":
        return "required field is missing"
    msg = item.get("msg", "invalid")
    msg = msg.removeprefix("Value error, ")
    inp = item.get("input")
    if kind.startswith(("greater", "less")) or "should be" in msg.lower():
        return f"{msg}, got {inp!r}"
    return msg


# ---------------------------------------------------------------------------
# The folder
# ---------------------------------------------------------------------------

CATALOGS = {
    "calibration.toml": sc.CalibrationFile,
    "segments.toml": sc.SegmentsFile,
    "products.toml": sc.ProductsFile,
    "archetypes.toml": sc.ArchetypesFile,
    "events.toml": sc.EventsFile,
    "glossary.toml": sc.GlossaryFile,
}


def known_list(names) -> str:
    names = sorted(names)
    return ", ".join(names) if names else "(none)"


def close_matches(name: str, names) -> str:
    starts = sorted(n for n in names if n.startswith(name) or name.startswith(n))
    near = (starts + difflib.get_close_matches(name, list(names), n=3))[:3]
    near = list(dict.fromkeys(near))
    return f" (did you mean {', '.join(near)}?)" if near else ""


def _unique(items: list, key: str, f: TomlFile, listname: str, errors: list[str]) -> dict:
    out: dict = {}
    first: dict = {}
    for i, item in enumerate(items):
        k = getattr(item, key)
        if k in out:
            errors.append(
                error_at(
                    f,
                    (listname, i, key),
                    f"duplicate id {k!r} (first at line {find_line(f.lines, (listname, first[k], key))})",
                )
            )
        else:
            out[k] = item
            first[k] = i
    return out


def load_content(root: str | Path) -> Content:
    """Load and cross-check a content folder. Raises ContentError listing every problem."""
    root = Path(root)
    errors: list[str] = []
    if not root.is_dir():
        raise ContentError(
            [f"{_shown(root)}:1: (folder): not a content folder (no such directory)"]
        )
    parsed: dict[str, Any] = {}
    files: dict[str, TomlFile] = {}
    for name, model in CATALOGS.items():
        f = read_toml(root / name, errors)
        files[name] = f
        parsed[name] = validate_toml(model, f, errors)

    cal = parsed["calibration.toml"]
    params: dict = {}
    if cal is not None:
        params = dict(cal.params)
        f = files["calibration.toml"]
        fields = {x.name: x for x in dataclasses.fields(eng.Params)}
        ranges = param_ranges(params)
        defaults = eng.Params()
        for name, entry in params.items():
            if name not in fields:
                errors.append(
                    error_at(f, ("params", name), f"unknown parameter{close_matches(name, fields)}")
                )
                continue
            numeric = not isinstance(getattr(defaults, name), str)
            if numeric and entry.range is None:
                errors.append(
                    error_at(
                        f,
                        ("params", name),
                        "a number needs its valid range: add range = [lo, hi] "
                        "(docs/content-format.md)",
                    )
                )
            elif not numeric and entry.range is not None:
                errors.append(
                    error_at(f, ("params", name, "range"), "only a number has a range; remove it")
                )
            elif numeric and (bound := eng.PARAM_BOUNDS.get(name)) is not None:
                lo, hi = entry.range
                if lo < bound[0] or hi > bound[1]:
                    errors.append(
                        error_at(
                            f,
                            ("params", name, "range"),
                            f"[{lo:g}, {hi:g}] goes outside [{bound[0]:g}, {bound[1]:g}], "
                            "where the engine holds together (game/engine/scenario.py "
                            "PARAM_BOUNDS); narrow it",
                        )
                    )
            errors += _check_type(f, ("params", name, "value"), entry.value, name, ranges)
        for name, msg in pair_problems({k: e.value for k, e in params.items()}):
            errors.append(error_at(f, ("params", name, "value"), msg))
        for name in fields:
            if name not in params:
                errors.append(
                    error_at(
                        f,
                        ("params",),
                        f"parameter {name!r} is missing; every "
                        "engine parameter needs a value and a source",
                    )
                )

    def catalog(fname: str, attr: str) -> dict:
        obj = parsed[fname]
        if obj is None:
            return {}
        return _unique(getattr(obj, attr), "id", files[fname], attr, errors)

    segments = catalog("segments.toml", "segments")
    products = catalog("products.toml", "products")
    archetypes = catalog("archetypes.toml", "archetypes")
    events = catalog("events.toml", "events")
    terms = catalog("glossary.toml", "terms")

    if parsed["segments.toml"] is not None:
        ids = tuple(s.id for s in parsed["segments.toml"].segments)
        if ids != eng.SEGMENTS:
            errors.append(
                error_at(
                    files["segments.toml"],
                    ("segments",),
                    f"segments must be {', '.join(eng.SEGMENTS)}, in that order",
                )
            )
    seg_ids = set(eng.SEGMENTS)
    _check_catalog_refs(files, parsed, products, seg_ids, errors)

    content = Content(root, params, segments, products, archetypes, events, terms, {}, {})
    content.broken = {name for name, obj in parsed.items() if obj is None}
    catalogs_ok = not errors  # building scenarios needs clean catalogs; else errors cascade
    # Scenarios and lessons: one file each, stem == id.
    scen_files: dict[str, TomlFile] = {}
    for m, f in _load_folder(root / "scenarios", sc.ScenarioModel, errors):
        content.scenarios[m.id] = m
        content.files[m.id] = f.shown
        scen_files[m.id] = f
    for m, f in _load_folder(root / "lessons", sc.LessonModel, errors):
        content.lessons[m.id] = m
        content.files["lesson:" + m.id] = f.shown
        errors += _check_lesson(content, m, f)
    for sid, m in content.scenarios.items():
        errors += check_scenario(content, m, scen_files[sid], build=catalogs_ok)
    for t in terms.values():
        f = files["glossary.toml"]
        i = parsed["glossary.toml"].terms.index(t)
        for j, other in enumerate(t.see_also):
            if other not in terms:
                errors.append(
                    error_at(
                        f,
                        ("terms", i, "see_also", j),
                        f"unknown term {other!r}; known: {known_list(terms)}",
                    )
                )
    if errors:
        raise ContentError(errors)
    return content


def _load_folder(folder: Path, model, errors: list[str]):
    """Valid (model, file) pairs of one-entry-per-file folders; file stem == id."""
    for path in sorted(folder.glob("*.toml")):
        f = read_toml(path, errors)
        m = validate_toml(model, f, errors)
        if m is None:
            continue
        if m.id != path.stem:
            errors.append(
                error_at(f, ("id",), f"id {m.id!r} must match the file name {path.stem!r}")
            )
            continue
        yield m, f


def _check_type(
    f: TomlFile, path: tuple, value, name: str, ranges: dict | None = None
) -> list[str]:
    problem = param_problem(name, value, ranges)
    return [error_at(f, path, problem)] if problem else []


def param_ranges(params: dict[str, sc.ParamEntry]) -> dict[str, tuple[float, float]]:
    """The documented range of each numeric parameter ([params.X] range = [lo, hi])."""
    return {k: e.range for k, e in params.items() if e.range is not None}


_BUILTIN_RANGES: dict[str, tuple[float, float]] | None = None


def builtin_ranges() -> dict[str, tuple[float, float]]:
    """The ranges of the built-in content/calibration.toml (read once; {} if unreadable)."""
    global _BUILTIN_RANGES
    if _BUILTIN_RANGES is None:
        errors: list[str] = []
        f = read_toml(default_content_dir() / "calibration.toml", errors)
        cal = validate_toml(sc.CalibrationFile, f, errors)
        _BUILTIN_RANGES = param_ranges(dict(cal.params)) if cal is not None else {}
    return _BUILTIN_RANGES


def param_problem(name: str, value, ranges: dict | None = None) -> str | None:
    """What is wrong with `value` for engine parameter `name` (None if nothing).

    The one rule for a parameter's value wherever it comes from: content/calibration.toml,
    a scenario's [params], or `--set`. A number must be finite and inside the range
    documented in calibration.toml (`ranges`, default: the built-in content's).
    """
    fields = {x.name for x in dataclasses.fields(eng.Params)}
    if name not in fields:
        return f"unknown parameter{close_matches(name, fields)}; see content/calibration.toml for the names"
    default = getattr(eng.Params(), name)
    if isinstance(default, str):
        if not isinstance(value, str):
            return f"{name} takes a string, got {value!r}"
        if name == "scaling_law" and value not in eng_laws():
            return f"unknown scaling law {value!r}; known: {', '.join(eng_laws())}"
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{name} takes a number, got {_brief(value)}"
    if isinstance(default, int) and not isinstance(value, int):
        return f"{name} takes an integer, got {value!r}"
    problem = sc.finite_problem(value)
    if problem:
        return f"{name} {problem}"
    lo_hi = (builtin_ranges() if ranges is None else ranges).get(name)
    if lo_hi is None:
        if value < 0:
            return f"{name} must be >= 0, got {value!r}"
        return None
    lo, hi = lo_hi
    if not lo <= value <= hi:
        return (
            f"{name} must be >= {lo:g} and <= {hi:g}, got {_brief(value)}; "
            f"give a value in [{lo:g}, {hi:g}] (the range of [params.{name}] in "
            "content/calibration.toml, where the model holds together)"
        )
    return None


def _brief(value) -> str:
    """repr of a value, shortened (a 5,000-digit integer is not shown whole)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**40:
        return f"an integer of {len(str(abs(value)))} digits"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


#: Pairs of parameters whose first must not exceed its second.
PARAM_PAIRS = (
    ("stall_min", "stall_max"),
    ("loyalty_min", "loyalty_max"),
    ("valuation_multiple_min", "valuation_multiple_max"),
    ("markup_min", "markup_max"),
)


def pair_problems(values: dict) -> list[tuple[str, str]]:
    """(name, message) for each pair of PARAM_PAIRS out of order in `values`."""
    out = []
    for a, b in PARAM_PAIRS:
        x, y = values.get(a), values.get(b)
        if isinstance(x, int | float) and isinstance(y, int | float) and x > y:
            out.append((a, f"{a} ({x:g}) must not exceed {b} ({y:g})"))
    return out


def eng_laws():
    from ..engine.scaling import LAWS

    return tuple(LAWS)


def _check_catalog_refs(files, parsed, products, seg_ids, errors):
    if parsed["products.toml"] is not None:
        f = files["products.toml"]
        for i, q in enumerate(parsed["products.toml"].products):
            for attr in ("fit", "lock_in"):
                for k in getattr(q, attr):
                    if k not in seg_ids:
                        errors.append(
                            error_at(
                                f,
                                ("products", i, attr, k),
                                f"unknown segment {k!r}; known: {known_list(seg_ids)}",
                            )
                        )
    if parsed["archetypes.toml"] is not None:
        f = files["archetypes.toml"]
        for i, a in enumerate(parsed["archetypes.toml"].archetypes):
            for k in a.mix:
                if k not in seg_ids:
                    errors.append(
                        error_at(
                            f,
                            ("archetypes", i, "mix", k),
                            f"unknown segment {k!r}; known: {known_list(seg_ids)}",
                        )
                    )
            for k in a.research_split:
                if k not in eng.RESEARCH:
                    errors.append(
                        error_at(
                            f,
                            ("archetypes", i, "research_split", k),
                            f"unknown research track {k!r}; known: {known_list(eng.RESEARCH)}",
                        )
                    )
            for j, pid in enumerate(a.products):
                if parsed["products.toml"] is not None and pid not in products:
                    errors.append(
                        error_at(
                            f,
                            ("archetypes", i, "products", j),
                            f"unknown product {pid!r}; known: {known_list(products)}",
                        )
                    )
    if parsed["events.toml"] is not None:
        f = files["events.toml"]
        for i, e in enumerate(parsed["events.toml"].events):
            for k in e.effects:
                if k not in eng.CHANNELS:
                    errors.append(
                        error_at(
                            f,
                            ("events", i, "effects", k),
                            f"unknown effect channel {k!r}; known: {known_list(eng.CHANNELS)}",
                        )
                    )
            for k in e.segment_effects:
                if k not in seg_ids:
                    errors.append(
                        error_at(
                            f,
                            ("events", i, "segment_effects", k),
                            f"unknown segment {k!r}; known: {known_list(seg_ids)}",
                        )
                    )


def check_scenario(
    content: Content, m: sc.ScenarioModel, f: TomlFile, build: bool = True
) -> list[str]:
    """Cross-references of one scenario against the folder."""
    errs: list[str] = []
    seg_ids = set(eng.SEGMENTS)
    fields = {x.name for x in dataclasses.fields(eng.Params)}
    for name, value in m.params.items():
        if name not in fields:
            errs.append(
                error_at(
                    f,
                    ("params", name),
                    f"unknown parameter{close_matches(name, fields)}; "
                    "see content/calibration.toml for the names",
                )
            )
        else:
            errs += _check_type(f, ("params", name), value, name, param_ranges(content.params))
    merged = {k: e.value for k, e in content.params.items()} | dict(m.params)
    for name, msg in pair_problems(merged):
        other = dict(PARAM_PAIRS)[name]
        at = ("params", name) if name in m.params else ("params", other)
        if name in m.params or other in m.params:
            errs.append(error_at(f, at, msg))
    seg_fields = {x.name for x in dataclasses.fields(eng.Segment)} - {"id"}
    for sid, over in m.segments.items():
        if sid not in seg_ids:
            errs.append(
                error_at(
                    f, ("segments", sid), f"unknown segment {sid!r}; known: {known_list(seg_ids)}"
                )
            )
            continue
        for k, v in over.items():
            if k not in seg_fields:
                errs.append(
                    error_at(
                        f,
                        ("segments", sid, k),
                        f"unknown segment field{close_matches(k, seg_fields)}; known: {known_list(seg_fields)}",
                    )
                )
            elif isinstance(v, bool) or not isinstance(v, int | float):
                errs.append(error_at(f, ("segments", sid, k), f"takes a number, got {_brief(v)}"))
            else:
                # The same rule as segments.toml: the field's type in SegmentModel.
                problem = _segment_field_problem(k, v)
                if problem:
                    errs.append(error_at(f, ("segments", sid, k), problem))
    labs = [("player", m.player)] + [(("rivals", i), r) for i, r in enumerate(m.rivals)]
    for where, lab in labs:
        base = (where,) if isinstance(where, str) else where
        if lab.archetype not in content.archetypes and "archetypes.toml" not in content.broken:
            errs.append(
                error_at(
                    f,
                    (*base, "archetype"),
                    f"unknown archetype {lab.archetype!r}; known: {known_list(content.archetypes)}",
                )
            )
        for j, pid in enumerate(lab.products):
            if pid not in content.products and "products.toml" not in content.broken:
                errs.append(
                    error_at(
                        f,
                        (*base, "products", j),
                        f"unknown product {pid!r}; known: {known_list(content.products)}",
                    )
                )
        for k in lab.mix:
            if k not in seg_ids:
                errs.append(
                    error_at(
                        f, (*base, "mix", k), f"unknown segment {k!r}; known: {known_list(seg_ids)}"
                    )
                )
        for k in lab.research:
            if k not in eng.RESEARCH:
                errs.append(
                    error_at(
                        f,
                        (*base, "research", k),
                        f"unknown research track {k!r}; known: {known_list(eng.RESEARCH)}",
                    )
                )
        if lab.small_params >= lab.params:
            errs.append(error_at(f, (*base, "small_params"), "must be smaller than params"))
    names = [m.player.name] + [r.name for r in m.rivals]
    for i, r in enumerate(m.rivals):
        if names.count(r.name) > 1:
            errs.append(error_at(f, ("rivals", i, "name"), f"two labs are called {r.name!r}"))
    if (
        m.entrant_slots
        and m.entrant_archetype not in content.archetypes
        and "archetypes.toml" not in content.broken
    ):
        errs.append(
            error_at(
                f,
                ("entrant_archetype",),
                f"unknown archetype {m.entrant_archetype!r}; known: {known_list(content.archetypes)}",
            )
        )
    for j, eid in enumerate(m.events or []):
        if eid not in content.events and "events.toml" not in content.broken:
            errs.append(
                error_at(
                    f, ("events", j), f"unknown event {eid!r}; known: {known_list(content.events)}"
                )
            )
    for j, lid in enumerate(m.lessons):
        # A lesson whose own file failed has its error already; do not repeat it here.
        if (
            content.lessons
            and lid not in content.lessons
            and not (content.root / "lessons" / f"{lid}.toml").is_file()
        ):
            errs.append(
                error_at(
                    f,
                    ("lessons", j),
                    f"unknown lesson {lid!r}; known: {known_list(content.lessons)}",
                )
            )
    seen_goals: dict[str, int] = {}
    for j, g in enumerate(m.goals):
        if g.id in seen_goals:
            first = find_line(f.lines, ("goals", seen_goals[g.id], "id"))
            errs.append(
                error_at(f, ("goals", j, "id"), f"duplicate id {g.id!r} (first at line {first})")
            )
        seen_goals.setdefault(g.id, j)
        if g.metric == "market_share_segment" and g.segment not in seg_ids:
            errs.append(
                error_at(
                    f,
                    ("goals", j, "segment"),
                    f"market_share_segment needs a segment; known: {known_list(seg_ids)}",
                )
            )
    if not errs and build:
        try:
            built = build_scenario(content, m)
            errs += [_built_error(f, m, e) for e in built.validate()]
        except (TypeError, ValueError) as e:
            errs.append(error_at(f, (), f"cannot build the scenario: {e}"))
    return errs


def _segment_field_problem(name: str, value) -> str | None:
    """Why `value` cannot be segment field `name` (SegmentModel's rule), or None."""
    from pydantic import TypeAdapter

    info = sc.SegmentModel.model_fields[name]
    adapter = TypeAdapter(Annotated[info.annotation, *info.metadata])
    try:
        adapter.validate_python(value)
    except ValidationError as e:
        return "; ".join(_message(item) for item in e.errors())
    return None


def _built_error(f: TomlFile, m: sc.ScenarioModel, problem: str) -> str:
    """An engine validation problem at the line it comes from: `params.X: ...` at the
    scenario's own [params] X when it sets X (else the whole scenario)."""
    head, _, rest = problem.partition(": ")
    parts = head.split(".")
    if len(parts) == 2 and parts[0] == "params" and parts[1] in m.params and rest:
        return error_at(f, ("params", parts[1]), rest)
    return error_at(f, (), problem)


def _check_lesson(content: Content, m: sc.LessonModel, f: TomlFile) -> list[str]:
    errs = []
    scen_dir = content.root / "scenarios"
    known = {p.stem for p in scen_dir.glob("*.toml")}
    if m.scenario not in known:
        errs.append(
            error_at(
                f, ("scenario",), f"unknown scenario {m.scenario!r}; known: {known_list(known)}"
            )
        )
    for j, g in enumerate(m.groups):
        if g not in known:
            errs.append(
                error_at(f, ("groups", j), f"unknown scenario {g!r}; known: {known_list(known)}")
            )
    if m.groups and m.scenario not in m.groups:
        errs.append(
            error_at(f, ("groups",), f"list the lesson's scenario {m.scenario!r} among its groups")
        )
    # Every scenario a student may play must hold every checkpoint and prediction.
    scens = [content.scenarios[s] for s in (m.groups or [m.scenario]) if s in content.scenarios]
    last = min((s.quarters for s in scens), default=None)
    seen: set[int] = set()
    for j, cp in enumerate(m.checkpoints):
        if last is not None and cp.quarter > last:
            errs.append(
                error_at(
                    f,
                    ("checkpoints", j, "quarter"),
                    f"quarter {cp.quarter} is after the scenario's last ({last}); "
                    "checkpoints count quarters from 1, as the game does",
                )
            )
        if cp.quarter in seen:
            errs.append(
                error_at(
                    f,
                    ("checkpoints", j, "quarter"),
                    f"a second checkpoint at quarter {cp.quarter}; give each its own quarter",
                )
            )
        seen.add(cp.quarter)
    ids: set[str] = set()
    for j, pr in enumerate(m.predictions):
        if pr.quarter is not None and last is not None and pr.quarter > last:
            errs.append(
                error_at(
                    f,
                    ("predictions", j, "quarter"),
                    f"quarter {pr.quarter} is after the scenario's last ({last}); "
                    "quarters count from 1, as the game does",
                )
            )
        if pr.id in ids:
            errs.append(error_at(f, ("predictions", j, "id"), f"a second prediction {pr.id!r}"))
        ids.add(pr.id)
    for j, t in enumerate(m.glossary):
        if t not in content.terms and "glossary.toml" not in content.broken:
            errs.append(
                error_at(
                    f,
                    ("glossary", j),
                    f"unknown glossary term {t!r}; known: {known_list(content.terms)}",
                )
            )
    return errs


def load_scenario_file(path: Path, content: Content) -> sc.ScenarioModel:
    """A scenario outside the folder, checked against the folder's catalogs."""
    errors: list[str] = []
    f = read_toml(Path(path), errors)
    d = f.data
    script = isinstance(d, dict) and "rivals" not in d
    if script and ("seed" in d or "policy" in d or isinstance(d.get("quarters"), list)):
        # A playthrough script given where a scenario is wanted.
        raise ContentError(
            [
                f"{f.shown}:1: (file): this is a playthrough script, not a scenario; "
                f"play it with 'frontier run {f.shown}', or give a scenario file "
                "(one with title, story, player and rivals)"
            ]
        )
    m = validate_toml(sc.ScenarioModel, f, errors)
    if m is not None:
        errors += check_scenario(content, m, f)
    if errors:
        raise ContentError(errors)
    return m


# ---------------------------------------------------------------------------
# Content -> engine Scenario
# ---------------------------------------------------------------------------


def _lab(m: sc.LabModel, human: bool) -> eng.LabSpec:
    return eng.LabSpec(
        name=m.name,
        archetype=m.archetype,
        cash=float(m.cash),
        gpus=float(m.gpus),
        params=float(m.params),
        tokens=float(m.tokens),
        small_params=float(m.small_params),
        mix=dict(m.mix),
        prices=(float(m.prices[0]), float(m.prices[1])),
        products=tuple(m.products),
        research=dict(m.research),
        staff=float(m.staff),
        reputation=float(m.reputation),
        human=human,
    )


def build_scenario(content: Content, m: sc.ScenarioModel) -> eng.Scenario:
    defaults = eng.Params()
    values = {}
    for f in dataclasses.fields(eng.Params):
        v = content.params[f.name].value if f.name in content.params else getattr(defaults, f.name)
        v = m.params.get(f.name, v)
        values[f.name] = type(getattr(defaults, f.name))(v)
    segments = []
    for sid in eng.SEGMENTS:
        s = content.segments[sid]
        d = s.model_dump(exclude={"name", "source"})
        d.update(m.segments.get(sid, {}))
        segments.append(eng.Segment(**{k: (v if k == "id" else float(v)) for k, v in d.items()}))
    products = tuple(
        eng.Product(
            id=q.id,
            name=q.name,
            build_quarters=q.build_quarters,
            build_cost=q.build_cost,
            upkeep=q.upkeep,
            fit=dict(q.fit),
            lock_in=dict(q.lock_in),
            serving_cost_mult=q.serving_cost_mult,
            small_model_share=q.small_model_share,
            blurb=q.blurb,
        )
        for q in content.products.values()
    )
    archetypes = tuple(
        eng.Archetype(**{**a.model_dump(exclude={"source"}), "products": tuple(a.products)})
        for a in content.archetypes.values()
    )
    chosen = m.events if m.events is not None else list(content.events)
    events = tuple(
        eng.EventSpec(**content.events[e].model_dump(exclude={"source"})) for e in chosen
    )
    labs = (_lab(m.player, True), *(_lab(r, False) for r in m.rivals))
    return eng.Scenario(
        id=m.id,
        title=m.title,
        story=m.story.strip(),
        start_year=m.start_year,
        quarters=m.quarters,
        segments=tuple(segments),
        products=products,
        archetypes=archetypes,
        labs=labs,
        events=events,
        params=eng.Params(**values),
        entrant_archetype=m.entrant_archetype,
        entrant_slots=m.entrant_slots,
    )


def default_content_dir() -> Path:
    """The built-in content: shipped inside the installed package (game/_content, read
    with importlib.resources), else the repository's content/ folder next to the game
    package (a checkout, or an editable install)."""
    from importlib.resources import files

    shipped = files("game").joinpath("_content")
    if shipped.is_dir():
        return Path(str(shipped))
    return Path(__file__).resolve().parents[2] / "content"
