"""Every output column is defined once (game/play/measures.py) and read from there."""

from __future__ import annotations

import csv
import io
import json

from playkit import ROOT, cli

from game.engine.metrics import METRIC, REGISTRY
from game.play.measures import FILES, MEASURE, QUARTER_COLUMNS, SWEEP_DISTRIBUTIONS, label
from game.play.sweep import run_sweep, worlds_csv


def test_every_column_has_one_definition_that_reads_a_real_metric():
    for cols in FILES.values():
        assert len(cols) == len(set(cols))
        for c in cols:
            m = MEASURE[c]
            assert m.unit and m.label, c
            assert m.metric is None or m.metric in METRIC, c


def test_a_column_that_reads_a_money_metric_keeps_its_unit():
    # A column derived from a $B metric (summed, or taken for the seat) is still $B,
    # or a share of the total.
    for m in MEASURE.values():
        if m.metric and METRIC[m.metric].unit == "$B":
            assert m.unit in ("$B", "share"), m.name
            assert (m.unit == "share") == ("share" in m.label), m.name


def test_the_files_write_exactly_the_registered_columns(capsys, tmp_path):
    from game.engine import default_scenario
    from game.play.outputs import quarters_csv
    from game.play.runner import new_game

    sc = default_scenario()
    g = new_game(sc, seed=3, policy="balanced")
    for _ in range(2):
        g.play()
    header = next(csv.reader(io.StringIO(quarters_csv(g))))
    assert tuple(header) == QUARTER_COLUMNS == FILES["quarters.csv"]

    res = run_sweep(sc, "balanced", worlds=2, seed=5)
    header = next(csv.reader(io.StringIO(worlds_csv(res))))
    assert tuple(header) == FILES["worlds.csv"]


def test_the_sweep_table_labels_come_from_the_registry(capsys):
    code, out, _ = cli(capsys, "sweep", "--scenario", "default", "--worlds", "3")
    assert code == 0
    flat = " ".join(out.split())
    for k in SWEEP_DISTRIBUTIONS:
        # rich may wrap a long label over lines: compare words, not line breaks
        assert " ".join(label(k).split()[:3]) in flat, k


def test_frontier_metrics_lists_every_metric_and_column(capsys):
    code, out, _ = cli(capsys, "metrics", "--json")
    assert code == 0
    d = json.loads(out)
    assert [m["name"] for m in d["engine"]] == [m.name for m in REGISTRY]
    for f, cols in FILES.items():
        assert [c["name"] for c in d["files"][f]] == list(cols)
        assert all(c["unit"] == MEASURE[c["name"]].unit for c in d["files"][f])
    code, out, _ = cli(capsys, "metrics")
    assert code == 0 and "quarters.csv" in out and "lab_lerner" in out


def test_the_readme_names_every_output_column():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for f in ("quarters.csv", "worlds.csv"):
        for c in FILES[f]:
            if c.startswith(("share_", "price_")):
                c = c.split("_")[0] + "_"
            assert f"`{c}" in readme, (f, c)


def test_the_readme_sweep_example_is_what_the_command_prints(capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    cmd = "$ frontier sweep --scenario default --policy niche --worlds 500 --seed 1 --json\n"
    shown = readme[readme.index(cmd) + len(cmd) :].splitlines()[0]
    code, out, _ = cli(capsys, *cmd.split()[2:])
    assert code == 0
    assert json.loads(shown) == json.loads(out)
