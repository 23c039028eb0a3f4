"""Engine benchmarks: `frontier bench` / `make bench` (a benchmark, not a timed test).

Each measure runs in a fresh subprocess pinned to one BLAS/OpenMP thread, so the
figures are "one core" and a measure's memory is its own.

| measure                                                  | target     |
| one quarter of one world (5 labs, 6 segments), median    | <= 2 ms    |
| 10,000 worlds x 40 quarters on one core                  | <= 5 s     |
| that batch vs the same worlds stepped one by one         | >= 50x     |
| 100,000 worlds (chunked), peak memory                    | <= 1 GiB   |
| `frontier run` of a 40-quarter script, wall, with start  | <= 1.0 s   |
| `frontier sweep --worlds 10000`, wall                    | <= 8 s     |
| `frontier play` cold start to the title, under tmux       | <= 0.5 s   |
| the e key to the quarterly report on screen              | <= 100 ms  |
| a key typed in a panel to its updated preview            | <= 50 ms   |
| the h key to the charts screen, 35-39 quarters in        | <= 150 ms  |
| odds over 500 worlds x 40 quarters, in the app           | <= 3 s     |
| the longest frame gap while the odds run                 | <= 100 ms  |
| the debrief's three what-ifs, 40-quarter game, median    | <= 2 s     |

The two command measures time the real command in a fresh process, as a user runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

TARGETS = {
    "turn_ms_median": ("<=", 2.0, "ms", "one quarter of one world, median"),
    "batch_10k_s": ("<=", 5.0, "s", "10,000 worlds x 40 quarters, one core"),
    "batch_speedup": (">=", 50.0, "x", "batch vs one world at a time, per world"),
    "peak_mib_100k": ("<=", 1024.0, "MiB", "100,000 worlds (chunked), peak memory"),
    "run_wall_s": ("<=", 1.0, "s", "frontier run of a 40-quarter script, wall, start included"),
    "sweep_10k_wall_s": ("<=", 8.0, "s", "frontier sweep --worlds 10000, wall"),
    "ui_start_s": ("<=", 0.5, "s", "frontier play: cold start to the title, under tmux"),
    "ui_report_ms": ("<=", 100.0, "ms", "end of quarter to the report on screen, median"),
    "ui_preview_ms": ("<=", 50.0, "ms", "key in a panel to its updated preview, median"),
    "ui_charts_ms": ("<=", 150.0, "ms", "h to the charts screen, 35-39 quarters in, median"),
    "ui_odds_s": ("<=", 3.0, "s", "odds over 500 worlds x 40 quarters, in the app"),
    "ui_odds_gap_ms": ("<=", 100.0, "ms", "longest frame gap while the odds run"),
    "debrief_whatif_s": (
        "<=",
        2.0,
        "s",
        "the debrief's three what-ifs (counterfactual replays), 40 quarters, median",
    ),
}

#: The game the what-ifs are timed on: 40 quarters, six decisions of the player's
#: (a run, a funding round, four price moves), the efficiency policy for the rest.
WHATIF_SCRIPT = "examples/undercut.toml"

#: The script `frontier run` is timed on: the default scenario's 40 quarters, a few
#: orders of the player's and the balanced policy for the rest.
RUN_SCRIPT = """format_version = 1
scenario = "default"
seed = 7
policy = "balanced"

[[quarters]]
quarter = 1
prices = { frontier = 7.0 }
train = { params = 1e12, tokens = 2e13, quarters = 3 }

[[quarters]]
quarter = 6
raise_funds = 4.0
build = ["swarm"]
"""


def _command_wall(args: list[str], repeats: int) -> float:
    """Median wall time of `frontier ARGS` in a fresh process (start-up included)."""
    import statistics
    import time

    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "1"
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "game.cli", *args],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _commands(quick: bool) -> dict:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="frontier-bench-") as d:
        script = Path(d) / "bench.toml"
        script.write_text(RUN_SCRIPT, encoding="utf-8")
        run_s = _command_wall(
            ["run", str(script), "--out", str(Path(d) / "out")], 3 if quick else 5
        )
        worlds = 1_000 if quick else 10_000
        sweep_s = _command_wall(
            ["sweep", "--scenario", "default", "--worlds", str(worlds), "--json"], 1
        )
    return {"run_wall_s": run_s, "sweep_wall_s": sweep_s, "sweep_worlds": worlds}


def _turn(repeats: int) -> dict:
    import time

    import numpy as np

    from game.engine import World, default_scenario

    sc = default_scenario()
    times = []
    for r in range(repeats):
        w = World(sc, seed=r, worlds=1, human=(), explain_events=False, keep_history=False)
        while not w.done:
            t = time.perf_counter()
            w.step()
            times.append(time.perf_counter() - t)
    return {"turn_ms_median": float(np.median(times) * 1e3)}


def _run_batch(worlds: int, seed: int = 0) -> float:
    import time

    from game.engine import World, default_scenario

    t = time.perf_counter()
    w = World(
        default_scenario(),
        seed=seed,
        worlds=worlds,
        human=(),
        explain_events=False,
        keep_history=False,
    )
    while not w.done:
        w.step()
    return time.perf_counter() - t


def _batch(worlds: int, singles: int) -> dict:
    batch_s = _run_batch(worlds)
    single_s = sum(_run_batch(1, seed=k) for k in range(singles)) / singles
    quarters = 40
    return {
        "batch_worlds": worlds,
        "batch_s": batch_s,
        "batch_world_quarters_per_s": worlds * quarters / batch_s,
        "single_world_s": single_s,
        "batch_speedup": single_s / (batch_s / worlds),
    }


def _memory(worlds: int, chunk: int) -> dict:
    import resource

    import numpy as np

    from game.engine import World, default_scenario

    sc = default_scenario()
    verdicts = []
    for start in range(0, worlds, chunk):
        w = World(
            sc,
            seed=start,
            worlds=min(chunk, worlds - start),
            human=(),
            explain_events=False,
            keep_history=False,
        )
        while not w.done:
            report = w.step()
        verdicts.append(report.metrics["verdict"].copy())  # what a study keeps
    np.concatenate(verdicts)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"memory_worlds": worlds, "peak_mib": peak_kib / 1024.0}


def _whatif(repeats: int) -> dict:
    """Seconds from a finished game to its debrief's three what-ifs (median)."""
    import statistics
    import time
    from pathlib import Path

    from game.content import default_content_dir, load_content
    from game.play.runner import play_through
    from game.play.script import load_script
    from game.play.whatif import decisions, what_ifs_md

    content = load_content(default_content_dir())
    pt = load_script(Path(__file__).resolve().parents[2] / WHATIF_SCRIPT, content)
    game = play_through(pt)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        what_ifs_md(game, pt)
        times.append(time.perf_counter() - t)
    return {
        "debrief_whatif_s": statistics.median(times),
        "whatif_decisions": len(decisions(game, pt)),
    }


def _ui(quarters: int, keys: int, starts: int) -> dict:
    from game.ui import bench as ui_bench

    out = ui_bench.in_app(quarters, keys)
    out["ui_start_s"] = ui_bench.start_seconds(starts)
    return out


def _worker(name: str, args: list[str]) -> None:
    a = [int(x) for x in args]
    workers = {"turn": _turn, "batch": _batch, "memory": _memory, "ui": _ui, "whatif": _whatif}
    out = workers[name](*a)
    print(json.dumps(out))


def _spawn(name: str, *args: int) -> dict:
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "1"
    cmd = [sys.executable, "-m", "game.cli.bench", "--worker", name, *map(str, args)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(quick: bool = False) -> dict:
    turn = _spawn("turn", 2 if quick else 10)
    batch = _spawn("batch", 500 if quick else 10_000, 3 if quick else 30)
    mem = _spawn("memory", 2_000 if quick else 100_000, 1_000 if quick else 10_000)
    cmds = _commands(quick)
    ui = _spawn("ui", 6 if quick else 20, 10 if quick else 30, 2 if quick else 5)
    whatif = _spawn("whatif", 1 if quick else 5)
    scale = 10_000 / batch["batch_worlds"]
    return {
        "turn_ms_median": turn["turn_ms_median"],
        "batch_world_quarters_per_s": batch["batch_world_quarters_per_s"],
        "batch_speedup": batch["batch_speedup"],
        "peak_mib_100k": mem["peak_mib"],
        "batch_10k_s": batch["batch_s"] * scale,
        "run_wall_s": cmds["run_wall_s"],
        # Quick runs time 1,000 worlds and scale the sweeping part to 10,000.
        "sweep_10k_wall_s": cmds["sweep_wall_s"] * (10_000 / cmds["sweep_worlds"]),
        "sweep_worlds": cmds["sweep_worlds"],
        "ui_start_s": ui["ui_start_s"],
        "ui_report_ms": ui["ui_report_ms"],
        "ui_preview_ms": ui["ui_preview_ms"],
        "ui_charts_ms": ui["ui_charts_ms"],
        "ui_odds_s": ui["ui_odds_s"],
        "ui_odds_gap_ms": ui["ui_odds_gap_ms"],
        "debrief_whatif_s": whatif["debrief_whatif_s"],
        "whatif_decisions": whatif["whatif_decisions"],
        "quick": quick,
        "batch_worlds": batch["batch_worlds"],
        "memory_worlds": mem["memory_worlds"],
    }


def main(json_output: bool = False, quick: bool = False) -> int:
    if not json_output:
        from rich.console import Console

        console = Console(stderr=True)
        with console.status("timing the engine (fresh processes, one thread each)..."):
            res = measure(quick)
    else:
        res = measure(quick)
    if json_output:
        print(json.dumps(res))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Frontier engine benchmark" + (" (quick: smaller runs)" if quick else ""))
    for col in ("measure", "value", "target", ""):
        table.add_column(col)
    for key, (op, target, unit, label) in TARGETS.items():
        v = res[key]
        if v is None:  # the start-up figure needs tmux
            table.add_row(label, "not measured (no tmux)", f"{op} {target:g} {unit}", "")
            continue
        ok = v <= target if op == "<=" else v >= target
        table.add_row(
            label,
            f"{v:,.2f} {unit}",
            f"{op} {target:g} {unit}",
            "[green]ok[/]" if ok else "[red]miss[/]",
        )
    table.add_row(
        "world-quarters per second (batch)", f"{res['batch_world_quarters_per_s']:,.0f}", "", ""
    )
    Console().print(table)
    if quick:
        Console().print(
            f"quick: batch of {res['batch_worlds']:,} worlds scaled to 10,000; memory for "
            f"{res['memory_worlds']:,} worlds, not 100,000; sweep of {res['sweep_worlds']:,} "
            "worlds scaled to 10,000 (start-up included, so an over-estimate)"
        )
    return 0


def _cli(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m game.cli.bench")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--worker", nargs="+")
    ns = ap.parse_args(argv)
    if ns.worker:
        _worker(ns.worker[0], ns.worker[1:])
        return 0
    return main(ns.json, ns.quick)


if __name__ == "__main__":
    raise SystemExit(_cli())
