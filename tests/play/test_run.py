"""`frontier run`: a script end to end, its outputs against the contract, byte for byte."""

from __future__ import annotations

import csv
import io
import json
import os
import stat

import pytest
from playkit import MINIMAL, ORDERED, cli, subprocess_cli, tree, write

from game.engine import SEGMENTS, VC_NAMES, VERDICTS
from game.play.outputs import QUARTER_COLUMNS

SUMMARY_KEYS = {
    "scenario",
    "seed",
    "quarters",
    "verdict",
    "hhi",
    "cr4",
    "lerner",
    "value_chain",
    "labs",
    "player",
}
LAB_KEYS = {
    "name",
    "controller",
    "alive",
    "cash",
    "cumulative_profit",
    "economic_profit",
    "equity",
    "stake",
    "revenue_share",
    "best_capability",
    "level",
}


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    """The ORDERED script run once through the real command (a subprocess)."""
    d = tmp_path_factory.mktemp("run")
    script = write(d / "ordered.toml", ORDERED)
    done = subprocess_cli("run", str(script), "--out", str(d / "out"), cwd=d)
    assert done.returncode == 0, done.stderr
    return d, done


def test_outputs_exist_and_progress_stays_off_a_pipe(ran):
    d, done = ran
    assert sorted(tree(d / "out")) == ["charts.csv", "debrief.md", "quarters.csv", "summary.json"]
    assert done.stderr == ""  # not a terminal: no progress bar
    assert "wrote" in done.stdout and "scored" in done.stdout
    # No temporary folders are left beside the output.
    assert sorted(p.name for p in d.iterdir()) == ["ordered.toml", "out"]


def test_summary_contract(ran):
    d, _ = ran
    s = json.loads((d / "out" / "summary.json").read_text())
    assert set(s) >= SUMMARY_KEYS
    assert s["scenario"] == "default" and s["seed"] == 7 and s["quarters"] == 40
    assert s["verdict"] in VERDICTS
    assert 0 <= s["hhi"] <= 10_000 and 0 <= s["cr4"] <= 1 and s["lerner"] <= 1
    assert set(s["value_chain"]) == set(VC_NAMES)
    assert all(isinstance(v, float) for v in s["value_chain"].values())
    assert len(s["labs"]) >= 5
    for lab in s["labs"]:
        assert set(lab) == LAB_KEYS
        assert 0 <= lab["revenue_share"] <= 1
    me = s["labs"][0]
    assert me["name"] == "Ada Labs" and me["controller"] == "player"
    assert {lab["controller"] for lab in s["labs"][1:5]} == {
        "bot:frontier",
        "bot:incumbent",
        "bot:open",
        "bot:follower",
    }
    shares = sum(lab["revenue_share"] for lab in s["labs"])
    assert shares <= 1.0 + 1e-6  # the rest is the open-weight fringe
    p = s["player"]
    assert isinstance(p["score"], int) and 0 <= p["score"] <= 100
    assert set(p["goals_met"]) <= {"survive", "stake", "share"}
    # The score is the share of the scenario's goals met, and each goal says why.
    assert p["score"] == round(100 * len(p["goals_met"]) / len(p["goals"]))
    for g in p["goals"]:
        value, target = g["value"], float(g["target"].split()[1])
        assert g["met"] == (value >= target if g["target"].startswith(">=") else value <= target)
    assert p["quarters_ordered"] == 3 and p["policy"] == "balanced"


def test_quarters_csv_rows(ran):
    d, _ = ran
    rows = list(csv.DictReader(io.StringIO((d / "out" / "quarters.csv").read_text())))
    assert tuple(rows[0]) == QUARTER_COLUMNS
    assert {f"share_{s}" for s in SEGMENTS} <= set(rows[0])
    quarters = sorted({int(r["quarter"]) for r in rows})
    assert quarters == list(range(1, 41))
    first = [r for r in rows if r["quarter"] == "1"]
    assert len(first) >= 5 and first[0]["lab"] == "Ada Labs" and first[0]["date"] == "2025 Q1"
    # The ordered prices show up in the player's rows.
    assert float(first[0]["price_frontier"]) == 7.0
    q5 = next(r for r in rows if r["quarter"] == "5" and r["lab"] == "Ada Labs")
    assert float(q5["price_frontier"]) == 6.0
    for r in rows:
        assert abs(float(r["revenue"]) - float(r["costs"]) - float(r["op_profit"])) < 1e-3
        assert all(0 <= float(r[f"share_{s}"]) <= 1 for s in SEGMENTS)
        assert float(r["econ_profit"]) < float(r["op_profit"]) + 1e-3  # it charges more
        assert 0 <= float(r["equity"]) <= 1
        # The stake is the founders' share of the lab's value; 0 once bankrupt.
        assert float(r["stake"]) >= 0 and (r["alive"] == "1" or float(r["stake"]) == 0)


def test_debrief_tells_the_story(ran):
    d, _ = ran
    text = (d / "out" / "debrief.md").read_text()
    for heading in (
        "## The verdict",
        "## Your result",
        "## Who captured the value",
        "## Market concentration, year by year",
        "## Decisions that mattered",
    ):
        assert heading in text
    # The player's own run, with its note and what it became.
    assert "**2025 Q1** (you): " in text and "started a training run of 1e+12 parameters" in text
    assert 'Your note: "undercut the leader"' in text
    assert "you shipped a new model" in text
    # The HHI chart: one bar per year and the guideline marks.
    chart = text.split("```")[1]
    assert chart.count("Q4  ") == 10 and "(| = 1,800 and 5,000)" in chart


def test_two_runs_are_byte_identical(tmp_path, capsys):
    script = write(tmp_path / "s.toml", ORDERED)
    for out in ("a", "b"):
        code, _, err = cli(capsys, "run", str(script), "--out", str(tmp_path / out))
        assert code == 0, err
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_rerun_into_the_same_folder_replaces_the_outputs(tmp_path, capsys):
    write(tmp_path / "out" / "notes.txt", "mine")
    script = write(tmp_path / "s.toml", MINIMAL)
    assert cli(capsys, "run", str(script), "--out", str(tmp_path / "out"))[0] == 0
    first = tree(tmp_path / "out")
    assert cli(capsys, "run", str(script), "--out", str(tmp_path / "out"))[0] == 0
    assert tree(tmp_path / "out") == first
    assert first["notes.txt"] == b"mine"  # other files in the folder are left alone


def test_default_output_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "myrun.toml", MINIMAL)
    code, out, _ = cli(capsys, "run", "myrun.toml")
    assert code == 0 and "runs/myrun" in out
    assert sorted(tree(tmp_path / "runs" / "myrun")) == [
        "charts.csv",
        "debrief.md",
        "quarters.csv",
        "summary.json",
    ]


def test_output_path_that_is_a_file(tmp_path, capsys):
    write(tmp_path / "taken", "x")
    script = write(tmp_path / "s.toml", MINIMAL)
    code, _, err = cli(capsys, "run", str(script), "--out", str(tmp_path / "taken"))
    assert code == 2 and "exists and is not a folder" in err
    assert (tmp_path / "taken").read_text() == "x"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_output_folder_that_cannot_be_written(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        script = write(tmp_path / "s.toml", MINIMAL)
        code, _, err = cli(capsys, "run", str(script), "--out", str(locked / "out"))
        assert code == 2 and "cannot write" in err
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(stat.S_IRWXU)


def test_unwritable_output_found_even_as_root(tmp_path, capsys):
    """A parent that is a file cannot hold a folder, whoever runs the command."""
    write(tmp_path / "file", "x")
    script = write(tmp_path / "s.toml", MINIMAL)
    code, _, err = cli(capsys, "run", str(script), "--out", str(tmp_path / "file" / "out"))
    assert code == 2 and "Traceback" not in err
    assert tree(tmp_path) == {"file": b"x", "s.toml": MINIMAL.encode()}


def test_missing_script_file(tmp_path, capsys):
    code, _, err = cli(capsys, "run", str(tmp_path / "nope.toml"), "--out", str(tmp_path / "o"))
    assert code == 2 and "nope.toml:1: (file): cannot read" in err
    assert not (tmp_path / "o").exists()


def test_unknown_flag(tmp_path, capsys):
    code, _, err = cli(capsys, "run", "x.toml", "--fast")
    assert code == 2 and "--fast" in err


def test_bankrupt_player_ends_the_game_and_later_orders_are_refused(tmp_path, capsys):
    # hold never raises money; in this world the lab runs dry well before the end.
    text = 'format_version = 1\nscenario = "default"\nseed = 7\npolicy = "hold"\n'
    code, _, _ = cli(
        capsys, "run", str(write(tmp_path / "h.toml", text)), "--out", str(tmp_path / "h")
    )
    assert code == 0
    s = json.loads((tmp_path / "h" / "summary.json").read_text())
    if s["labs"][0]["alive"]:
        pytest.skip("the lab survived holding in this world")
    assert s["quarters"] < 40 and "survive" not in s["player"]["goals_met"]
    late = text + "[[quarters]]\nquarter = 40\nprices = { frontier = 5.0 }\n"
    code, _, err = cli(
        capsys, "run", str(write(tmp_path / "late.toml", late)), "--out", str(tmp_path / "l")
    )
    assert code == 2 and "went bankrupt in quarter" in err and "(quarter 40)" in err


def test_progress_shows_on_a_terminal(tmp_path):
    """With stderr on a terminal (a pseudo-terminal here) a progress bar is drawn there."""
    import pty
    import subprocess
    import sys

    from playkit import ROOT

    script = write(tmp_path / "s.toml", MINIMAL)
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "game.cli", "run", str(script), "--out", str(tmp_path / "o")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=slave,
    )
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    out = proc.stdout.read().decode()
    assert proc.wait(timeout=60) == 0
    os.close(master)
    assert b"playing default" in seen and b"40/40" in seen
    assert "playing" not in out  # stdout carries only the result lines
