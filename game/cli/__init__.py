"""The `frontier` command line: the front-ends that print to a terminal.

    game/cli/__init__.py   the argparse setup and `main` (the console script)
    game/cli/commands.py   run, sweep, compare, play, saves, replay, share, class
    game/cli/repl.py       `frontier play` at a line prompt (pipes and --plain)
    game/cli/bench.py      `frontier bench`

Start-up stays fast: numpy, rich and the engine are imported inside the command
functions, never at module level.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import sys
from collections.abc import Sequence

from game import __version__
from game.text import count, sci, si

PROG = "frontier"
#: Parameter counts the capability scale covers (game.engine.scaling's grid).
PARAMS_RANGE = (1e5, 1e22)

COMMANDS: tuple[tuple[str, str], ...] = (
    ("scaling", "compute-optimal model size, loss and capability for a FLOP budget or model"),
    ("scenarios", "list the scenarios"),
    ("lessons", "list the classroom lessons"),
    ("lesson", "print a lesson as a Markdown handout"),
    ("content", "check a content folder or a scenario file (content check [PATH])"),
    ("run", "play a playthrough script headless; write summary, quarters and debrief"),
    ("sweep", "outcome distribution of a scenario over many worlds"),
    ("compare", "the same world under two scripts: where and why they diverge"),
    ("facts", "the stylized facts the model is calibrated to, measured on the engine"),
    ("play", "play a game in the terminal, quarter by quarter (autosaves)"),
    ("saves", "list the saved games"),
    ("replay", "re-simulate a save, verify it, and write the run's outputs"),
    ("share", "print a save's share code (the world, for a class challenge)"),
    ("policies", "list the bots that can play a seat"),
    ("metrics", "every number the engine reports and every output column: unit and meaning"),
    ("class", "combine a class's runs (class collect FILES... --out DIR)"),
    ("bench", "time the engine"),
)

#: The themes of the terminal app (game.ui.app.THEMES, which cli does not import).
THEMES = ("dark", "light", "high-contrast")

# Options whose value is a positive number. Used to catch "--flops -1e24", which
# argparse would otherwise misread as an unknown option.
NUMERIC_OPTIONS = ("--flops", "--params", "--tokens")


class UsageError(Exception):
    """Bad input from the user: reported in one line, exit code 2."""

    def __init__(self, message: str, hint: str = f"see '{PROG} --help'") -> None:
        super().__init__(message)
        self.hint = hint


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors are a single line, not a usage dump."""

    def error(self, message: str):  # type: ignore[override]
        raise UsageError(message, hint=f"see '{self.prog} --help'")


def _number(text: str) -> float:
    """Parse a positive, finite number such as 1e24, 3.5e25 or 70e9."""
    try:
        value = float(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a positive number such as 1e24 or 70e9, got {text!r}"
        ) from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be greater than zero, got {text!r}")
    return value


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _check_negative_values(argv: Sequence[str]) -> None:
    for flag, value in itertools.pairwise(argv):
        if flag in NUMERIC_OPTIONS and value.startswith("-") and _looks_numeric(value):
            raise UsageError(
                f"argument {flag}: must be greater than zero, got {value!r}",
                hint=f"see '{PROG} scaling --help'",
            )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Frontier: a terminal strategy game about the economics of AI.",
        epilog=f"Run '{PROG} COMMAND --help' for the options of one command.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    helps = dict(COMMANDS)
    scaling = sub.add_parser(
        "scaling",
        help=helps["scaling"],
        description=(
            "Chinchilla-style scaling. With --flops C: the compute-optimal parameters and "
            "tokens for budget C, and the resulting loss and capability. With --params N "
            "[--tokens D]: the loss and capability of that model (D defaults to the "
            "compute-optimal tokens for N). Training FLOPs are 6*N*D."
        ),
        epilog=(
            "examples:\n"
            f"  {PROG} scaling --flops 1e24\n"
            f"  {PROG} scaling --params 70e9 --tokens 1.4e12 --json\n"
            f"  {PROG} scaling --flops 3.5e25 --law hoffmann"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # Not required=True: argparse would then report a missing --flops before an
    # unknown option. cmd_scaling checks that one of the two is given.
    target = scaling.add_mutually_exclusive_group()
    target.add_argument("--flops", type=_number, metavar="C", help="training FLOP budget")
    target.add_argument("--params", type=_number, metavar="N", help="parameter count")
    scaling.add_argument(
        "--tokens",
        type=_number,
        metavar="D",
        help="training tokens (only with --params; default: compute-optimal for N)",
    )
    scaling.add_argument(
        "--law",
        default="epoch",
        metavar="LAW",
        help="scaling-law fit: epoch (Besiroglu et al. 2024, default) or hoffmann (2022)",
    )
    scaling.add_argument("--json", action="store_true", help="print JSON instead of a table")
    scaling.set_defaults(func=cmd_scaling)

    def content_flag(p):
        p.add_argument(
            "--content",
            metavar="DIR",
            help="content folder (default: the content/ folder shipped with Frontier)",
        )

    def saves_flag(p):
        p.add_argument(
            "--saves-dir",
            metavar="DIR",
            help="folder of saves (default: $FRONTIER_SAVES, else ./saves)",
        )

    scen = sub.add_parser("scenarios", help=helps["scenarios"], description=helps["scenarios"])
    content_flag(scen)
    scen.set_defaults(func=cmd_scenarios)
    less = sub.add_parser("lessons", help=helps["lessons"], description=helps["lessons"])
    content_flag(less)
    less.set_defaults(func=cmd_lessons)
    one = sub.add_parser("lesson", help=helps["lesson"], description=helps["lesson"])
    one.add_argument("id", metavar="ID", help="lesson id (see 'frontier lessons')")
    one.add_argument("--instructor", action="store_true", help="include the instructor notes")
    content_flag(one)
    one.set_defaults(func=cmd_lesson)
    cont = sub.add_parser(
        "content",
        help=helps["content"],
        description="Check content: every error as file:line: field: message, exit 2.",
    )
    csub = cont.add_subparsers(dest="content_command", metavar="ACTION")
    check = csub.add_parser("check", help="validate a content folder or one scenario file")
    check.add_argument("path", nargs="?", metavar="PATH", help="folder or scenario .toml")
    check.add_argument("--scenario", metavar="FILE", help="a scenario .toml outside the folder")
    content_flag(check)
    check.set_defaults(func=cmd_content_check)
    cont.set_defaults(func=lambda a: _usage("content needs an action: check"))

    run = sub.add_parser(
        "run",
        help=helps["run"],
        description=(
            "Play a playthrough script (README: 'Playthrough scripts') in one world and "
            "write summary.json, quarters.csv, charts.csv and debrief.md to DIR. Identical inputs give "
            "byte-identical files; progress goes to stderr on a terminal."
        ),
        epilog=f"example:\n  {PROG} run examples/undercut.toml --out runs/undercut",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("script", nargs="?", metavar="SCRIPT.toml", help="the playthrough script")
    run.add_argument("--code", metavar="CODE", help="play the world of a share code instead")
    run.add_argument("--out", metavar="DIR", help="output folder (default: runs/<script name>)")
    run.add_argument("--save", metavar="NAME", help="also save the game as NAME")
    saves_flag(run)
    content_flag(run)
    run.set_defaults(func=_play_command("run"))

    sweep = sub.add_parser(
        "sweep",
        help=helps["sweep"],
        description=(
            "Play N worlds of a scenario with a bot in the player's seat and report the "
            "distribution of verdicts, HHI, Lerner index, the seat's profit and the labs "
            "alive. World k has seed S+k."
        ),
        epilog=(
            "examples:\n"
            f"  {PROG} sweep --scenario solar --worlds 2000\n"
            f"  {PROG} sweep --scenario default --policy niche --set open_weight_lag_quarters=1 --json\n"
            f"  {PROG} sweep --scenario steel --policy all --worlds 500"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sweep.add_argument("--scenario", metavar="ID", help="scenario id or .toml path")
    sweep.add_argument(
        "--from",
        dest="from_save",
        metavar="SAVE",
        help="a saved game: play copies of it from its current quarter to the end (the "
        "odds the app's odds panel shows); the scenario is the save's",
    )
    sweep.add_argument(
        "--policy",
        default="balanced",
        metavar="NAME",
        help="bot in the player's seat (default balanced; see 'frontier policies'), or "
        "'all': every policy on the same worlds, one row each",
    )
    sweep.add_argument(
        "--worlds", type=int, default=1000, metavar="N", help="worlds to play (default 1000)"
    )
    sweep.add_argument(
        "--seed", type=int, default=0, metavar="S", help="seed of world 0 (default 0)"
    )
    sweep.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        dest="sets",
        help="override a scenario parameter (repeatable)",
    )
    sweep.add_argument(
        "--json", action="store_true", help="print the JSON contract instead of a table"
    )
    sweep.add_argument("--out", metavar="DIR", help="also write sweep.json and worlds.csv to DIR")
    saves_flag(sweep)
    content_flag(sweep)
    sweep.set_defaults(func=_play_command("sweep"))

    facts = sub.add_parser(
        "facts",
        help=helps["facts"],
        description=(
            "Measure each stylized fact (price declines, open-weight share, capital, "
            "growth, the capability ladder, the designed endings for every bot in the "
            "seat, balance, the chip vendor, training compute) on N worlds, next to its "
            "real-world anchor, its source and the band the engine should fall in. "
            "World k has seed S+k."
        ),
    )
    facts.add_argument(
        "--worlds", type=int, default=200, metavar="N", help="worlds per batch (default 200)"
    )
    facts.add_argument(
        "--seed", type=int, default=0, metavar="S", help="seed of world 0 (default 0)"
    )
    facts.add_argument("--json", action="store_true", help="print JSON instead of a table")
    facts.add_argument(
        "--markdown", action="store_true", help="print the table as Markdown (docs/model.md)"
    )
    content_flag(facts)
    facts.set_defaults(func=_play_command("facts"))

    comp = sub.add_parser(
        "compare",
        help=helps["compare"],
        description=(
            "Play one world (same scenario and seed) under two scripts and show the first "
            "quarter that differs, the metrics that moved and the engine's reasons."
        ),
    )
    comp.add_argument("a", metavar="A.toml")
    comp.add_argument("b", metavar="B.toml")
    comp.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    content_flag(comp)
    comp.set_defaults(func=_play_command("compare"))

    play = sub.add_parser(
        "play",
        help=helps["play"],
        description=(
            "Play in the terminal: see your lab and the market, give orders, end the "
            "quarter. Standing orders (lease, prices, research, training share, "
            "specialization) carry over. The game autosaves every quarter (the last 5 are "
            "kept). In a terminal it opens the full-screen app; with --plain, or when input "
            "is piped, it reads typed orders at a line prompt (type help there)."
        ),
    )
    play.add_argument(
        "--scenario", default="default", metavar="ID", help="scenario (default: default)"
    )
    play.add_argument("--seed", type=int, default=None, metavar="S", help="seed (default: random)")
    play.add_argument(
        "--policy",
        default="hold",
        metavar="NAME",
        help="bot that plays the quarters you hand over with auto (default: hold)",
    )
    play.add_argument("--code", metavar="CODE", help="play the world of a share code")
    play.add_argument("--load", metavar="SAVE", help="continue a saved game (name or path)")
    play.add_argument(
        "--force", action="store_true", help="with --load: continue even if it does not replay"
    )
    play.add_argument("--name", metavar="NAME", help="save name (default: scenario-seed)")
    play.add_argument(
        "--lab", metavar="NAME", help="your lab's name in a new game (1-40 characters)"
    )
    play.add_argument(
        "--lesson",
        metavar="ID",
        help="play a classroom lesson: predictions first, then its world with its "
        "checkpoints (see 'frontier lessons')",
    )
    play.add_argument(
        "--student", metavar="NAME", help="with --lesson: your name for the class table"
    )
    play.add_argument(
        "--group",
        metavar="ID",
        help="with --lesson: the world your teacher gave you, where the class is split",
    )
    play.add_argument(
        "--plain",
        action="store_true",
        help="play at a line prompt even in a terminal (pipes always get it)",
    )
    play.add_argument(
        "--theme",
        metavar="NAME",
        choices=THEMES,
        help=f"colour theme of the terminal app, one of {', '.join(THEMES)} (not the line prompt)",
    )
    saves_flag(play)
    content_flag(play)
    play.set_defaults(func=_play_command("play"))

    svs = sub.add_parser("saves", help=helps["saves"], description=helps["saves"])
    saves_flag(svs)
    content_flag(svs)
    svs.set_defaults(func=_play_command("saves"))

    rep = sub.add_parser(
        "replay",
        help=helps["replay"],
        description=(
            "Re-simulate a save, check every quarter against the saved digests, and write "
            "the same outputs as `frontier run`."
        ),
    )
    rep.add_argument("save", metavar="SAVE", help="save name or path")
    rep.add_argument("--to", type=int, metavar="QUARTER", help="stop after this many quarters")
    rep.add_argument("--out", metavar="DIR", help="output folder (default: runs/<save name>)")
    rep.add_argument(
        "--force", action="store_true", help="continue past a quarter that does not replay"
    )
    saves_flag(rep)
    content_flag(rep)
    rep.set_defaults(func=_play_command("replay"))

    shr = sub.add_parser("share", help=helps["share"], description=helps["share"])
    shr.add_argument("save", metavar="SAVE", help="save name or path (a script works too)")
    saves_flag(shr)
    content_flag(shr)
    shr.set_defaults(func=_play_command("share"))

    pol = sub.add_parser("policies", help=helps["policies"], description=helps["policies"])
    pol.set_defaults(func=_play_command("policies"))

    met = sub.add_parser("metrics", help=helps["metrics"], description=helps["metrics"])
    met.add_argument("--json", action="store_true", help="print them as JSON")
    met.set_defaults(func=_play_command("metrics"))

    cls = sub.add_parser("class", help=helps["class"], description="Classroom tools.")
    clsub = cls.add_subparsers(dest="class_command", metavar="ACTION")
    coll = clsub.add_parser(
        "collect",
        help="combine students' summary.json files into class.csv and class.md",
        description=(
            "Combine many runs' summary.json files (or the run folders holding them) into "
            "class.csv and a Markdown class debrief (class.md) in DIR."
        ),
    )
    coll.add_argument("files", nargs="+", metavar="FILE", help="summary.json files or run folders")
    coll.add_argument("--out", required=True, metavar="DIR", help="output folder")
    coll.set_defaults(func=_play_command("class_collect"))
    cls.set_defaults(func=lambda a: _usage("class needs an action: collect"))

    bench = sub.add_parser("bench", help=helps["bench"], description="Time the game engine.")
    bench.add_argument("--json", action="store_true", help="print JSON instead of a table")
    bench.add_argument("--quick", action="store_true", help="run a shorter benchmark")
    bench.set_defaults(func=cmd_bench)
    return parser


# ---------------------------------------------------------------------------- commands


def _play_command(name: str):
    """A command of game.cli.commands, imported only when it runs (fast start-up)."""

    def run(args: argparse.Namespace) -> int:
        from game.cli import commands

        try:
            return getattr(commands, name)(args)
        except commands.CommandError as exc:
            raise UsageError(str(exc), exc.hint) from None

    return run


def cmd_home(args: argparse.Namespace) -> int:
    width = max(len(name) for name, _ in COMMANDS)
    lines = [
        f"{PROG} {__version__}",
        f"Start a game with '{PROG} play' (or 'make play'). Everything else:",
        "",
        *(f"  {PROG} {name:<{width}}  {text}" for name, text in COMMANDS),
        "",
        f"Run '{PROG} --help' or '{PROG} COMMAND --help' for details.",
    ]
    print("\n".join(lines))
    return 0


def scaling_report(
    *,
    flops: float | None = None,
    params: float | None = None,
    tokens: float | None = None,
    law: str = "epoch",
) -> dict[str, float | str]:
    """The numbers `frontier scaling` prints. Raises UsageError on bad input."""
    import numpy as np

    from game.engine import scaling as sc

    try:
        fit = sc.get_law(law.strip().lower())
    except ValueError as exc:
        raise UsageError(str(exc), hint=f"see '{PROG} scaling --help'") from None

    if tokens is not None and tokens < 1:
        raise UsageError(
            f"argument --tokens: must be at least 1, got {sci(tokens)}",
            hint=f"see '{PROG} scaling --help'",
        )
    with np.errstate(all="ignore"):
        if flops is not None:
            n, d = sc.compute_optimal(flops, fit)
        else:
            n = params
            d = tokens if tokens is not None else sc.optimal_tokens_for_params(params, fit)
        n, d = float(n), float(d)
        c = sc.TRAIN_FLOPS_PER_PARAM_TOKEN * n * d
        value = float(sc.loss(n, d, fit))
        cap = float(sc.capability_from_loss(value, fit))

    # The capability scale covers compute-optimal models of 1e5 .. 1e22 parameters;
    # outside that the numbers are meaningless (or overflow).
    low, high = PARAMS_RANGE
    if not (low <= n <= high and d >= 1 and all(map(math.isfinite, (c, value, cap)))):
        with np.errstate(all="ignore"):
            c_low, c_high = (
                sc.TRAIN_FLOPS_PER_PARAM_TOKEN * p * float(sc.optimal_tokens_for_params(p, fit))
                for p in PARAMS_RANGE
            )
        what = f"--flops {sci(flops)}" if flops is not None else f"--params {sci(params)}"
        raise UsageError(
            f"{what} is outside the range the model covers",
            hint=f"use --params from {sci(low)} to {sci(high)} "
            f"or --flops from about {sci(c_low)} to {sci(c_high)}",
        )
    return {
        "flops": c,
        "params": n,
        "tokens": d,
        "loss": value,
        "capability": cap,
        "level": sc.level_name(cap),
    }


def _scaling_table(report: dict[str, float | str], *, title: str) -> str:
    n, d = float(report["params"]), float(report["tokens"])
    rows = [
        ("FLOPs", f"{float(report['flops']):.3e}", ""),
        ("parameters", f"{n:.3e}", si(n)),
        ("tokens", f"{d:.3e}", si(d)),
        ("tokens/param", f"{d / n:.3g}", ""),
        ("loss", f"{float(report['loss']):.4f}", ""),
        ("capability", f"{float(report['capability']):.2f}", ""),
        ("level", str(report["level"]), ""),
    ]
    label_w = max(len(r[0]) for r in rows)
    value_w = max((len(r[1]) for r in rows if r[2]), default=0)
    lines = [title]
    for label, value, extra in rows:
        line = f"  {label:<{label_w}}  {value:<{value_w}}"
        if extra:
            line += f"  ({extra})"
        lines.append(line.rstrip())
    return "\n".join(lines)


def cmd_scaling(args: argparse.Namespace) -> int:
    if args.flops is None and args.params is None:
        raise UsageError(
            "one of the arguments --flops --params is required",
            hint=f"e.g. '{PROG} scaling --flops 1e24'",
        )
    if args.tokens is not None and args.params is None:
        raise UsageError(
            "argument --tokens: only allowed with --params",
            hint="--flops already fixes the compute-optimal tokens",
        )
    report = scaling_report(flops=args.flops, params=args.params, tokens=args.tokens, law=args.law)
    if args.json:
        import json

        print(json.dumps(report))
        return 0
    law = args.law.strip().lower()
    if args.flops is not None:
        title = f"Compute-optimal allocation for {sci(args.flops)} FLOPs"
    elif args.tokens is None:
        title = f"Model with {count(args.params)} parameters, compute-optimal tokens"
    else:
        title = f"Model with {count(args.params)} parameters on {count(args.tokens)} tokens"
    title += f" ({law} law)"
    print(_scaling_table(report, title=title))
    return 0


def _usage(message: str) -> int:
    raise UsageError(message)


def _load(folder: str | None):
    """Load a content folder; ContentError becomes exit code 2 (see main)."""
    from pathlib import Path

    from game.content import default_content_dir, load_content

    return load_content(Path(folder) if folder else default_content_dir())


def cmd_content_check(args: argparse.Namespace) -> int:
    from pathlib import Path

    from game.content import default_content_dir, load_content, load_scenario_file

    if args.scenario and args.path:
        raise UsageError("give a PATH or --scenario FILE, not both")
    given = args.scenario if args.scenario is not None else args.path
    if given is not None and not given.strip():
        raise UsageError("the path is empty: give a folder or a scenario .toml file")
    target = Path(given) if given else None
    if target is not None and target.suffix == ".toml":
        from game.cli.commands import _check_input_file
        from game.content.loader import MAX_BYTES, ContentError

        _check_input_file(target, "the scenario file", limit=MAX_BYTES, error=ContentError)
        content = _load(args.content)
        m = load_scenario_file(target, content)
        content.scenario(str(target))
        print(f"ok: scenario {m.id!r} ({m.title}) checks against {args.content or 'content/'}")
        return 0
    folder = target or (Path(args.content) if args.content else default_content_dir())
    c = load_content(folder)
    print(
        f"ok: {len(c.scenarios)} scenarios, {len(c.lessons)} lessons, {len(c.terms)} glossary "
        f"terms, {len(c.params)} parameters in {folder}"
    )
    return 0


def _table(headers: list[str], rows: list[list[str]], title: str) -> None:
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        t = Table(title=Text(title))
        for h in headers:
            t.add_column(Text(h))
        for r in rows:
            t.add_row(*(Text(c) for c in r))  # text, never markup: "[/]" shows as written
        Console().print(t)
        return
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())


def cmd_scenarios(args: argparse.Namespace) -> int:
    c = _load(args.content)
    rows = [
        [m.id, m.title, m.designed_outcome, str(m.quarters), m.player.name]
        for m in sorted(c.scenarios.values(), key=lambda m: m.id)
    ]
    _table(["id", "title", "designed outcome", "quarters", "you play"], rows, "Scenarios")
    return 0


def cmd_lessons(args: argparse.Namespace) -> int:
    c = _load(args.content)
    rows = [
        [m.id, m.title, m.scenario, str(m.minutes)]
        for m in sorted(c.lessons.values(), key=lambda m: m.id)
    ]
    _table(["id", "title", "scenario", "minutes"], rows, "Lessons")
    return 0


def cmd_lesson(args: argparse.Namespace) -> int:
    c = _load(args.content)
    if args.id not in c.lessons:
        raise UsageError(
            f"unknown lesson {args.id!r}; known: {', '.join(sorted(c.lessons)) or '(none)'}",
            hint=f"see '{PROG} lessons'",
        )
    print(lesson_markdown(c, args.id, instructor=args.instructor))
    return 0


def lesson_markdown(c, lid: str, instructor: bool = False) -> str:
    m = c.lessons[lid]
    scen = c.scenarios.get(m.scenario)
    out = [f"# {m.title}", ""]
    same = m.seed is not None
    out.append(
        f"*{m.minutes} minutes. Scenario: `{m.scenario}`"
        + (f" ({scen.title})" if scen else "")
        + (f", seed {m.seed}.*" if same else ", a seed of your own.*")
    )
    worlds = " or ".join(f"`{s}`" for s in m.scenarios)
    out += [
        "",
        f"Play it in the app: `{PROG} play --lesson {lid}` (or Lessons on the title screen). "
        "It asks for your predictions first, stops at each checkpoint with the numbers "
        f"it asks about, and keeps your answers for `{PROG} class collect`.",
        "",
        f"Everyone plays the same world: scenario {worlds}, seed {m.seed}."
        if same
        else f"Each student plays scenario {worlds} with a seed of their own (the app "
        "draws one and shows it): the class needs many different worlds to see how often "
        "each thing happens.",
        "",
    ]
    if m.groups:
        out += [
            "The class is split: each student plays the world the teacher gives them ("
            + ", ".join(f"`{g}`" for g in m.groups)
            + ").",
            "",
        ]
    out += ["## Objectives", "", *(f"- {o}" for o in m.objectives), ""]
    out += ["## Before you play", "", m.predict.strip(), ""]
    out += ["Predict, and write your answers down (the app asks for them):", ""]
    for pr in m.predictions:
        when = f" (quarter {pr.quarter}, {_year(scen, pr.quarter - 1)})" if pr.quarter else ""
        out.append(f"- {pr.prompt}{when}")
    out += ["", "## Checkpoints", ""]
    out += [
        f"- **Quarter {cp.quarter}** ({_year(scen, cp.quarter - 1)}): {cp.prompt}"
        for cp in m.checkpoints
    ]
    out += [
        "",
        "## Debrief",
        "",
        *(f"{i}. {q.question}" for i, q in enumerate(m.questions, 1)),
        "",
    ]
    if m.glossary:
        out += ["## Terms", ""]
        for t in m.glossary:
            term = c.terms[t]
            line = f"- **{term.term}**: {term.text.strip()}"
            if term.formula:
                line += f" `{term.formula}`"
            out.append(line)
        out.append("")
    if instructor:
        out += ["## Instructor notes", "", m.instructor_notes.strip(), ""]
    return "\n".join(out).rstrip() + "\n"


def _year(scen, quarter: int) -> str:
    if scen is None:
        return f"quarter {quarter}"
    return f"{scen.start_year + quarter // 4} Q{quarter % 4 + 1}"


def cmd_bench(args: argparse.Namespace) -> int:
    import importlib

    try:
        bench = importlib.import_module("game.cli.bench")
    except ModuleNotFoundError as exc:
        if exc.name != "game.cli.bench":  # a dependency of the benchmark is missing: report it
            raise
        print(f"{PROG}: error: the benchmark (game.cli.bench) is not available", file=sys.stderr)
        return 1
    run = getattr(bench, "main", None)
    if not callable(run):
        print(f"{PROG}: error: game.cli.bench has no main() function", file=sys.stderr)
        return 1
    result = run(json_output=args.json, quick=args.quick)
    return 0 if result is None else int(result)


# -------------------------------------------------------------------------------- main


def _log_traceback() -> str | None:
    """Write the current exception's traceback to a temp file; return its path."""
    import tempfile
    import traceback

    try:
        with tempfile.NamedTemporaryFile(
            "w", prefix="frontier-error-", suffix=".log", delete=False, encoding="utf-8"
        ) as fh:
            fh.write(f"{PROG} {__version__}\nargv: {sys.argv!r}\n\n")
            fh.write(traceback.format_exc())
            return fh.name
    except OSError:
        return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        _check_negative_values(argv)
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # --help and --version exit 0 through argparse
            return exc.code if isinstance(exc.code, int) else 0
        func = getattr(args, "func", cmd_home)
        return func(args)
    except UsageError as exc:
        print(f"{PROG}: error: {exc} ({exc.hint})", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `frontier scaling ... | head -1`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as exc:
        message = path_error(exc)
        if message is None:
            return _internal_error(exc)
        print(f"{PROG}: error: {message} (check the path)", file=sys.stderr)
        return 2
    except RuntimeError as exc:
        if str(exc).startswith("Symlink loop"):  # pathlib's resolve() on a symlink loop
            where = str(exc).partition(" from ")[2].strip("'\"")
            print(
                f"{PROG}: error: {shown_path(where)}: a symbolic link loop (check the path)",
                file=sys.stderr,
            )
            return 2
        return _internal_error(exc)
    except Exception as exc:
        if hasattr(exc, "errors") and hasattr(exc, "outcome"):  # bad input: every error, exit 2
            for line in exc.errors:
                print(line, file=sys.stderr)
            n = len(exc.errors)
            print(
                f"{PROG}: {n} {exc.summary}{'s' if n != 1 else ''}; {exc.outcome}",
                file=sys.stderr,
            )
            return 2
        return _internal_error(exc)


def shown_path(path: str, limit: int = 120) -> str:
    """A path as messages show it: whole, or cut in the middle when very long."""
    s = str(path)
    return s if len(s) <= limit else f"{s[:60]}...{s[-40:]} ({len(s):,} characters)"


def path_error(exc: OSError) -> str | None:
    """The one-line reason for an OSError about a path the user gave (a name too long
    for the OS, a symbolic link loop, a missing or unreadable file...), or None when
    the error names no path (then it is an internal fault)."""
    if not isinstance(exc.filename, (str, bytes, os.PathLike)):
        return None
    reason = exc.strerror or str(exc)
    where = shown_path(os.fsdecode(exc.filename))
    if isinstance(exc.filename2, (str, bytes, os.PathLike)):
        where += f" -> {shown_path(os.fsdecode(exc.filename2))}"
    return f"{where}: {reason}"


def _internal_error(exc: BaseException) -> int:
    """An internal fault (a bug): one line, the traceback in a log file, exit 1."""
    path = _log_traceback()
    text = str(exc).splitlines()
    what = f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
    where = f"; traceback in {path}" if path else ""
    print(f"{PROG}: unexpected error: {what}{where}", file=sys.stderr)
    return 1
