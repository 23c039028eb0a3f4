"""The commands behind `frontier run`, `sweep`, `compare`, `play`, `saves`, `replay`,
`share`, `policies` and `class collect`.

game/cli/__init__.py parses the arguments and calls these. Bad input raises CommandError (one
line and a hint, exit 2) or ScriptError/ContentError (every problem, exit 2); a
command writes nothing unless it succeeds.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import stat
import sys
from contextlib import contextmanager
from pathlib import Path


class CommandError(Exception):
    def __init__(self, message: str, hint: str = "see 'frontier COMMAND --help'"):
        super().__init__(message)
        self.hint = hint


def _content(folder: str | None):
    from game.content import default_content_dir, load_content

    return load_content(Path(folder) if folder else default_content_dir())


@contextmanager
def _progress(label: str, total: int):
    """A rich progress bar on stderr when it is a terminal; otherwise nothing."""
    if not sys.stderr.isatty():
        yield lambda n=1: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n=1: bar.advance(task, n)


def _write(out: str | Path, files: dict[str, str]) -> Path:
    return _stage(out, files).commit_or_fail()


class _Staged:
    """An output folder staged beside its place (outputs.StagedFolder), with its
    OutputError turned into a CommandError."""

    def __init__(self, staged) -> None:
        self.staged = staged

    def discard(self) -> None:
        self.staged.discard()

    def commit_or_fail(self) -> Path:
        from game.play.outputs import OutputError

        try:
            return self.staged.commit()
        except OutputError as e:
            raise CommandError(str(e), "pass --out with a folder you can write") from None


def _stage(out: str | Path, files: dict[str, str]) -> _Staged:
    from game.play.outputs import OutputError, stage_folder

    try:
        return _Staged(stage_folder(out, files))
    except OutputError as e:
        raise CommandError(str(e), "pass --out with a folder you can write") from None


#: What a default output folder's name may hold (runs/<name>): no separators, no '..'.
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def safe_stem(text: str) -> str:
    """A folder name for runs/<name> made from a script, save or scenario name: path
    separators and other characters become '-', and it never is '.', '..' or hidden."""
    stem = _UNSAFE.sub("-", str(text)).strip(".-")
    stem = re.sub(r"\.{2,}", ".", stem)
    return stem[:100] or "run"


def _path_arg(text: str, flag: str) -> Path:
    """A path the user gave: refused when empty (Path('') would mean this folder)."""
    if not str(text).strip():
        raise CommandError(f"{flag} is empty: give a path", "see 'frontier COMMAND --help'")
    return Path(text)


# ----------------------------------------------------------------------------- run


def run(args: argparse.Namespace) -> int:
    from game.play.runner import play_through
    from game.play.script import load_script, script_from_data

    if bool(args.script) == bool(args.code):
        raise CommandError(
            "give a script or --code CODE (one of the two)", "see 'frontier run --help'"
        )
    # Every input is checked before anything is played or written.
    if args.script:
        _check_input_file(
            _path_arg(args.script, "SCRIPT.toml"), "the script", error=_script_error()
        )
    out = _path_arg(args.out, "--out") if args.out is not None else None
    if out is not None:
        _check_out(out)
    save_to = _save_target(args) if args.save else None
    content = _content(args.content)
    if args.code:
        from game.play.share import parse_code

        pt = script_from_data(parse_code(args.code, content), content, shown="--code")
        stem, label = safe_stem(f"{pt.model.scenario}-{pt.seed}"), None
    else:
        pt = load_script(args.script, content)
        stem, label = safe_stem(Path(args.script).stem), Path(args.script).name
    if out is None:
        out = Path("runs") / stem
        _check_out(out)
    with _progress(f"playing {pt.scenario.id}", pt.scenario.quarters) as tick:
        game = play_through(pt, progress=lambda done, end: tick())
    _finish_run(pt, game, out, label, content, save_to)
    return 0


def _save_target(args) -> Path:
    """Where `--save NAME` goes; CommandError now if it could not be written there."""
    from game.play.outputs import OutputError, check_folder
    from game.play.saves import clean_name, saves_dir

    folder = saves_dir(args.saves_dir)
    if not str(folder).strip():
        raise CommandError("--saves-dir is empty: give a folder", "e.g. --saves-dir saves")
    target = folder / f"{clean_name(args.save)}.toml"
    try:
        check_folder(folder)
    except OutputError as e:
        raise CommandError(
            f"--saves-dir: {e}; nothing was played or written",
            "pass --saves-dir with a folder you can write",
        ) from None
    if os.path.isdir(target):
        raise CommandError(
            f"--save: {_shown(target)} is a folder; nothing was played or written",
            "choose another --save NAME",
        )
    return target


def _finish_run(pt, game, out: Path, label, content, save_to: Path | None = None) -> None:
    """Write a played game's outputs (and its save), all or nothing, and print the
    result lines. The output folder is staged first, then the save is written, then
    the folder is put in place; if the save fails, the staged folder is discarded."""
    from game.play.outputs import run_files

    files = run_files(game, script=label)
    staged = _stage(out, files)
    if save_to is not None:
        from game.play.saves import Session

        try:
            Session.from_playthrough(pt, game, content).save(save_to)
        except BaseException:
            staged.discard()
            raise
    staged.commit_or_fail()
    score, met = game.score()
    last = game.records[-1].market
    print(
        f"{pt.scenario.title}, seed {pt.seed}: {game.quarter} quarters, verdict "
        f"{last['verdict']}, HHI {last['hhi']:,.0f}; {game.names[0]} scored {score}/100 "
        f"({len(met)} of {len(game.goals)} goals)"
    )
    bust = game.bust_quarter
    if bust is not None:
        from game.play.outputs import date_label

        ended = (
            "the lesson played the world on to the end"
            if game.quarter > bust + 1
            else "the game ended there"
        )
        print(
            f"{game.names[0]} went bankrupt in quarter {bust + 1} "
            f"({date_label(pt.scenario.start_year, bust)}): cash ran out and no one "
            f"would lend; {ended} (see debrief.md)"
        )
    print(f"wrote {out}/: {', '.join(files)}")
    if save_to is not None:
        print(f"saved {save_to}")


def _check_out(out: Path) -> None:
    """Refuse an unusable output folder before playing, not after."""
    from game.play.outputs import OutputError, check_folder

    try:
        check_folder(out)
    except OutputError as e:
        raise CommandError(str(e), "pass --out with a folder you can write") from None


def _shown(path: str | Path, limit: int = 120) -> str:
    s = str(path)
    return s if len(s) <= limit else f"{s[:60]}...{s[-40:]} ({len(s):,} characters)"


def _check_input_file(path: Path, what: str, limit: int | None = None, error=None) -> None:
    """Refuse, before opening it, a file that is not a regular file (a FIFO would
    block the read, a device never end) or larger than `limit` bytes.

    A missing file is left to the reader, which reports it in its own words. `error`
    is the reader's error class (ScriptError, SaveError...): the problem is raised as
    one `file:1: (file): ...` line of it, as the reader would; else as a CommandError.
    """
    from game.play.script import MAX_SCRIPT_BYTES

    limit = MAX_SCRIPT_BYTES if limit is None else limit
    problem = hint = None
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return
    except OSError as e:
        problem, hint = f"cannot read {what}: {e.strerror or e}", "check the path"
    else:
        if stat.S_ISDIR(st.st_mode):
            problem, hint = f"{what} is a folder, not a file", "check the path"
        elif not stat.S_ISREG(st.st_mode):
            problem = f"{what} is not a regular file (a pipe, socket or device)"
            hint = "give a regular file"
        elif st.st_size > limit:
            problem = f"{what} is {st.st_size:,} bytes, larger than the {limit:,}-byte limit"
            hint = "give a smaller file"
    if problem is None:
        return
    if error is not None:
        raise error([f"{_shown(path)}:1: (file): {problem}; {hint}"])
    raise CommandError(f"{_shown(path)}: {problem}", hint)


def _script_error():
    from game.play.script import ScriptError

    return ScriptError


def _save_error():
    from game.play.saves import SaveError

    return SaveError


def _check_scenario_ref(ref: str, content) -> None:
    """A --scenario that is not a built-in id must be a scenario file that exists."""
    if not ref.strip():
        raise CommandError(
            "--scenario is empty: give a scenario id or a .toml file",
            f"known: {', '.join(sorted(content.scenarios))}",
        )
    if ref in content.scenarios:
        return
    if ref.endswith(".toml") or os.path.lexists(ref):
        from game.content.loader import MAX_BYTES, ContentError

        _check_input_file(Path(ref), "the scenario file", limit=MAX_BYTES, error=ContentError)


# --------------------------------------------------------------------------- sweep


def sweep(args: argparse.Namespace) -> int:
    from game.engine import VERDICTS
    from game.play.bots import BOTS
    from game.play.sweep import SetError, apply_sets, parse_sets, run_sweep, sweep_files, sweep_json

    if args.policy not in BOTS and args.policy not in ("all", "standing"):
        raise CommandError(
            f"unknown policy {args.policy!r}; known: {', '.join(BOTS)}, all, or standing "
            "(with --from)",
            "see 'frontier policies'",
        )
    if args.policy == "standing" and not args.from_save:
        raise CommandError(
            "--policy standing plays a saved game's standing orders: give --from SAVE",
            "e.g. frontier sweep --from mygame --policy standing",
        )
    if args.worlds < 1:
        raise CommandError(f"--worlds {args.worlds}: give at least 1 world", "e.g. --worlds 1000")
    if args.seed < 0:
        raise CommandError(f"--seed {args.seed}: seeds are integers >= 0", "e.g. --seed 7")
    try:
        sets = parse_sets(args.sets)
    except SetError as e:
        raise CommandError(str(e), "see 'frontier sweep --help'") from None
    content = _content(args.content)
    start = None
    if args.from_save:
        from game.play.saves import load_save, save_path, saves_dir

        if args.scenario:
            raise CommandError(
                "--scenario and --from: give one; a save plays its own scenario",
                "e.g. frontier sweep --from mygame",
            )
        path = save_path(_path_arg(args.from_save, "--from"), saves_dir(args.saves_dir))
        _check_input_file(path, "the save", error=_save_error())
        pt, start, _ = load_save(path, content)
        scenario, goals = pt.scenario, pt.scenario_model.goals
    elif args.scenario is not None:
        _check_scenario_ref(args.scenario, content)
        scenario = content.scenario(args.scenario)
        goals = content.scenario_model(args.scenario).goals
    else:
        raise CommandError(
            "give --scenario ID (new worlds) or --from SAVE (copies of a game under way)",
            "e.g. frontier sweep --scenario default",
        )
    if args.out is not None:
        _check_out(_path_arg(args.out, "--out"))
    policies = list(BOTS) if args.policy == "all" else [args.policy]
    if args.policy == "all" and start is not None:
        policies = ["standing", *policies]  # a save's own standing orders first
    results = {}
    try:
        apply_sets(scenario, sets)
        for pol in policies:
            label = f"{args.worlds:,} worlds of {scenario.id}" + (
                f", {pol}" if len(policies) > 1 else ""
            )
            left = scenario.quarters - (start.world.quarter if start is not None else 0)
            with _progress(label, args.worlds * left) as tick:
                results[pol] = run_sweep(
                    scenario,
                    pol,
                    args.worlds,
                    args.seed,
                    sets,
                    progress=tick,
                    goals=goals,
                    start=start,
                )
    except SetError as e:
        raise CommandError(str(e), "see 'frontier sweep --help'") from None
    if args.out:
        files: dict[str, str] = {}
        for pol, res in results.items():
            for name, text in sweep_files(res).items():
                if len(policies) > 1:
                    stem, dot, ext = name.partition(".")
                    name = f"{stem}-{pol}{dot}{ext}"
                files[name] = text
        _write(args.out, files)
    if len(policies) > 1:
        data = {"by_policy": {pol: sweep_json(res) for pol, res in results.items()}}
        if args.json:
            print(json.dumps(data))
        else:
            _policy_table(data["by_policy"], VERDICTS)
    else:
        data = sweep_json(results[args.policy])
        if args.json:
            print(json.dumps(data))
        else:
            _sweep_table(data, VERDICTS)
    if args.out:
        names = (
            "sweep-POLICY.json, worlds-POLICY.csv"
            if len(policies) > 1
            else "sweep.json, worlds.csv"
        )
        print(f"wrote {args.out}/: {names}", file=sys.stderr if args.json else sys.stdout)
    return 0


def _policy_table(by_policy: dict, verdicts) -> None:
    """One row per policy in the seat: how the worlds ended and how the seat did."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from game.play.measures import label, show

    first = next(iter(by_policy.values()))
    sets = ", ".join(f"{k}={v}" for k, v in first["set"].items()) or "none"
    t = Table(
        title=Text(
            f"{first['worlds']:,} worlds of {first['scenario']} for each policy in your "
            f"seat (seed {first['seed']}, set: {sets}); the same worlds for every policy"
        ),
        caption="verdicts: share of worlds (oligopoly = consolidated oligopoly); alive: the "
        "seat survived, share of worlds; "
        f"score ({label('player_score', unit=False)}) and stake "
        f"({label('player_stake', unit=False)}): medians over worlds",
        box=box.SIMPLE_HEAD,
        padding=0,
        show_edge=False,
    )
    t.add_column("policy", no_wrap=True)
    # "oligopoly": consolidated is implied; every header fits 80 columns in full
    for head in (*(v.split()[-1] for v in verdicts), "alive", "score", "stake $B"):
        t.add_column(head, justify="right", no_wrap=True, min_width=len(head))
    for pol, d in by_policy.items():
        t.add_row(
            pol,
            *(f"{d['verdicts'][v]:.0%}" for v in verdicts),
            f"{d['player_alive']:.0%}",
            *(show(k, d[k]["p50"]) for k in ("player_score", "player_stake")),
        )
    Console().print(t)


def facts(args: argparse.Namespace) -> int:
    """`frontier facts`: every stylized fact, measured, with its anchor and band."""
    from game.play.facts import facts_json, facts_markdown, measure

    if not 1 <= args.worlds <= 100_000:
        raise CommandError(f"--worlds {args.worlds}: give 1 to 100,000", "e.g. --worlds 200")
    if args.seed < 0:
        raise CommandError(f"--seed {args.seed}: seeds are integers >= 0", "e.g. --seed 7")
    content = _content(args.content)
    missing = [s for s in ("default", "steel", "solar") if s not in content.scenarios]
    if missing:
        raise CommandError(
            f"the content folder has no {', '.join(missing)} scenario; the facts are "
            "measured on default, steel and solar",
            "drop --content, or add those scenarios",
        )
    from game.play.facts import POLICIES

    batches = 3 * len(POLICIES)
    with _progress(f"{batches} batches of {args.worlds:,} worlds", batches) as tick:
        rows = measure(content, args.worlds, args.seed, progress=lambda _: tick(1))
    if args.json:
        print(json.dumps(facts_json(rows, args.worlds, args.seed)))
        return 0
    if args.markdown:
        print(facts_markdown(rows, args.worlds, args.seed), end="")
        return 0
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    t = Table(title=f"Stylized facts: {args.worlds:,} worlds per batch, seed {args.seed}")
    for col in ("fact", "anchor", "engine", "band", ""):
        t.add_column(col)
    for r in rows:
        value = "n/a" if r.ok is None else f"{r.value:.3g} {r.unit}"
        mark = Text("n/a") if r.ok is None else Text("ok", "green") if r.ok else Text("miss", "red")
        t.add_row(Text(r.text), Text(r.anchor), Text(value), Text(r.band()), mark)
    Console().print(t)
    print(f"{sum(1 for r in rows if r.ok)} of {len(rows)} facts within their band")
    return 0


def _sweep_table(d: dict, verdicts) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from game.play.measures import SWEEP_DISTRIBUTIONS, label, show

    sets = ", ".join(f"{k}={v}" for k, v in d["set"].items()) or "none"
    t = Table(
        title=Text(
            f"{d['worlds']:,} worlds of {d['scenario']} (seed {d['seed']}, policy "
            f"{d['policy']}, set: {sets})"
        )
    )
    t.add_column("verdict")
    t.add_column("share of worlds", justify="right")
    for v in verdicts:
        t.add_row(v, f"{d['verdicts'][v]:.1%}")
    q = Table(title="distributions (10th / 50th / 90th percentile)")
    q.add_column("measure")
    for c in ("p10", "p50", "p90"):
        q.add_column(c, justify="right")
    for key in SWEEP_DISTRIBUTIONS:
        q.add_row(label(key), *(show(key, d[key][c]) for c in ("p10", "p50", "p90")))
    con = Console()
    con.print(t)
    con.print(q)
    con.print(f"The seat survived in {d['player_alive']:.1%} of worlds.")


# ------------------------------------------------------------------------- compare


def compare(args: argparse.Namespace) -> int:
    from game.play.compare import compare as do_compare
    from game.play.compare import compare_json, compare_text
    from game.play.script import load_script

    for p in (args.a, args.b):
        _check_input_file(_path_arg(p, "A.toml and B.toml"), "the script", error=_script_error())
    content = _content(args.content)
    pa = load_script(args.a, content)
    pb = load_script(args.b, content)
    c = do_compare(pa, pb)
    if args.json:
        print(json.dumps(compare_json(c)))
    else:
        print(compare_text(c), end="")
    return 0


# ------------------------------------------------------------ saves, replay, share


def saves(args: argparse.Namespace) -> int:
    from game.play.saves import list_saves, saves_dir

    folder = saves_dir(args.saves_dir)
    found = list_saves(folder, _content(args.content))
    if not found:
        print(
            f"no saves in {folder}/ (play with 'frontier play', or 'frontier run SCRIPT --save NAME')"
        )
        return 0
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # Every cell is Text, never markup: a lab named "Lab [/]" or a problem quoting a
    # file's brackets is shown as written, and cannot break the listing.
    t = Table(title=Text(f"saves in {folder}/"))
    for col in ("name", "scenario", "lab", "quarter", "saved (UTC)", "note"):
        t.add_column(col)
    for s in found:
        q = f"{s.quarter}/{s.quarters}" if s.quarters else "?"
        cells = (s.name, s.scenario, s.lab, q, s.updated.replace("T", " ").rstrip("Z"))
        t.add_row(*(Text(str(c)) for c in (*cells, s.problem or "")))
    Console().print(t)
    return 0


def replay(args: argparse.Namespace) -> int:
    from game.play.saves import load_save, save_path, saves_dir

    if args.to is not None and args.to < 1:
        raise CommandError(f"--to {args.to}: give a quarter >= 1", "e.g. --to 20")
    path = save_path(_path_arg(args.save, "SAVE"), saves_dir(args.saves_dir))
    _check_input_file(path, "the save", error=_save_error())
    out = _path_arg(args.out, "--out") if args.out is not None else None
    out = out or Path("runs") / safe_stem(path.stem)
    _check_out(out)
    content = _content(args.content)
    pt, game, warnings = load_save(path, content, force=args.force, to_quarter=args.to)
    for w in warnings:
        print(f"frontier: warning: {w}", file=sys.stderr)
    _finish_run(pt, game, out, path.name, content)
    return 0


def share(args: argparse.Namespace) -> int:
    from game.play.saves import read_save, save_path, saves_dir
    from game.play.script import MAX_SCRIPT_BYTES
    from game.play.share import make_code

    path = save_path(_path_arg(args.save, "SAVE"), saves_dir(args.saves_dir))
    # The size and kind are checked before the file is opened: a 1 GB file is not
    # read into memory, and a FIFO does not block.
    _check_input_file(path, "the save", error=_save_error())
    content = _content(args.content)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_SCRIPT_BYTES + 1)
    except OSError as e:
        raise CommandError(
            f"{path}: cannot read: {e.strerror or e}", "see 'frontier saves'"
        ) from None
    pt = read_save(raw, str(path), content, path)
    print(make_code(pt, content))
    return 0


def play(args: argparse.Namespace) -> int:
    """`frontier play`: the Textual app in a real terminal, else the line REPL.

    The single place a terminal goes to game/ui: stdin and stdout are terminals and
    --plain is not given. Pipes, --plain, and a game.ui that cannot be imported
    (textual missing or broken) get the line REPL (game/cli/repl.py).
    """
    if args.load and args.lab:
        raise CommandError(
            "--lab names a new game's lab; a loaded game keeps its own", "drop --lab or --load"
        )
    lesson = getattr(args, "lesson", None)
    if lesson and (args.load or args.code or args.scenario != "default"):
        raise CommandError(
            "--lesson plays the lesson's own world; it cannot be combined with --load, "
            "--code or --scenario",
            "drop one of them (a lesson's save continues with --load NAME)",
        )
    for flag in ("student", "group"):
        if getattr(args, flag, None) and not lesson:
            raise CommandError(f"--{flag} goes with --lesson", "add --lesson ID or drop it")
    if not args.plain and sys.stdin.isatty() and sys.stdout.isatty():
        try:
            from game.ui import run as run_app
        except ImportError as e:
            if getattr(e, "name", None) != "game.ui":
                print(
                    f"frontier: the terminal app is unavailable ({e}); using the line prompt",
                    file=sys.stderr,
                )
        else:
            return run_app(args)
    from .repl import play as play_repl

    return play_repl(args, _content(args.content))


# ------------------------------------------------------------------------ policies


def policies(args: argparse.Namespace) -> int:
    from game.play.bots import BOTS

    width = max(len(n) for n in BOTS)
    for name, bot in BOTS.items():
        print(f"{name:<{width}}  {bot.blurb}")
    return 0


def metrics(args: argparse.Namespace) -> int:
    """The engine's metrics and the output files' columns, from their one definition."""
    from game.play.measures import FILES, MEASURE, engine_metrics

    if args.json:
        out = {
            "engine": [
                {"name": m.name, "axes": m.axes, "unit": m.unit, "label": m.label}
                for m in engine_metrics()
            ],
            "files": {
                f: [{"name": c, "unit": MEASURE[c].unit, "label": MEASURE[c].label} for c in cols]
                for f, cols in FILES.items()
            },
        }
        print(json.dumps(out, indent=1))
        return 0
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    con = Console()
    t = Table(
        title="What the engine reports each quarter (per world; axes: L labs, K tiers, "
        "S segments, J offers, E events, V value-chain layers)"
    )
    for c in ("metric", "axes", "unit", "meaning"):
        t.add_column(c)
    for m in engine_metrics():
        t.add_row(m.name, m.axes or "-", escape(m.unit), escape(m.label))
    con.print(t)
    for f, cols in FILES.items():
        t = Table(title=f"{f}: its columns" if f != "compare" else "frontier compare: what moved")
        for c in ("column", "unit", "meaning", "reads"):
            t.add_column(c)
        for c in cols:
            m = MEASURE[c]
            t.add_row(c, escape(m.unit), escape(m.label), m.metric or "-")
        con.print(t)
    return 0


# --------------------------------------------------------------------------- class


def class_collect(args: argparse.Namespace) -> int:
    from game.play.classroom import MAX_SUMMARY_BYTES, CollectError, class_files, collect

    _check_out(_path_arg(args.out, "--out"))
    for f in args.files:  # a FIFO or a 1 GB file is refused before it is opened
        p = _path_arg(f, "FILE")
        p = p / "summary.json" if os.path.isdir(p) else p
        _check_input_file(p, "the summary", limit=MAX_SUMMARY_BYTES, error=CollectError)
    entries = collect(args.files)
    files = class_files(entries)
    _write(args.out, files)
    print(f"collected {len(entries)} runs; wrote {args.out}/: {', '.join(files)}")
    return 0
