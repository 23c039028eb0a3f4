"""`frontier class collect`: several students' runs -> class.csv and class.md."""

from __future__ import annotations

import csv
import io
import json

import pytest
from playkit import MINIMAL, cli, tree, write

from game.play.classroom import CLASS_COLUMNS

STUDENTS = {
    "alice": ("balanced", "Alice AI"),
    "bob": ("niche", "Bob Bots"),
    "carol": ("scale-max", "Carol Compute"),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    import contextlib

    from game.cli import main

    d = tmp_path_factory.mktemp("class")
    for who, (policy, lab) in STUDENTS.items():
        text = MINIMAL.replace('"balanced"', f'"{policy}"') + f'\n[player]\nname = "{lab}"\n'
        script = write(d / f"{who}.toml", text)
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["run", str(script), "--out", str(d / "runs" / who)]) == 0
    return d


def test_collect_writes_csv_and_debrief(runs, capsys):
    files = [str(runs / "runs" / who / "summary.json") for who in STUDENTS]
    code, out, err = cli(capsys, "class", "collect", *files, "--out", str(runs / "class"))
    assert code == 0, err
    assert "collected 3 runs" in out
    assert sorted(tree(runs / "class")) == ["class.csv", "class.md"]
    rows = list(csv.DictReader(io.StringIO((runs / "class" / "class.csv").read_text())))
    assert tuple(rows[0]) == CLASS_COLUMNS
    assert [r["student"] for r in rows] == list(STUDENTS)
    assert [r["policy"] for r in rows] == [p for p, _ in STUDENTS.values()]
    assert [r["lab"] for r in rows] == [lab for _, lab in STUDENTS.values()]
    for r, who in zip(rows, STUDENTS, strict=True):
        s = json.loads((runs / "runs" / who / "summary.json").read_text())
        assert int(r["score"]) == s["player"]["score"] and r["verdict"] == s["verdict"]
        assert float(r["cumulative_profit"]) == pytest.approx(
            s["labs"][0]["cumulative_profit"], abs=0.01
        )
    md = (runs / "class" / "class.md").read_text()
    assert "3 runs of scenario `default`, all on seed 7" in md
    assert "## How the industry ended" in md and "## Who chose what" in md
    assert "## By policy" in md
    for who in STUDENTS:
        assert f"| {who} |" in md


def test_collect_accepts_run_folders(runs, capsys):
    folders = [str(runs / "runs" / who) for who in STUDENTS]
    code, _, err = cli(capsys, "class", "collect", *folders, "--out", str(runs / "class2"))
    assert code == 0, err
    assert (runs / "class2" / "class.csv").read_text().count("\n") == 4


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("{ not json", "(json): not a summary.json"),
        ('{"scenario": "default"}', "seed: required field is missing"),
        (json.dumps({"scenario": "x", "seed": "7"}), "seed: Input should be a valid integer"),
    ],
)
def test_bad_summary_stops_everything(runs, tmp_path, capsys, content, needle):
    bad = write(tmp_path / "bad" / "summary.json", content)
    good = str(runs / "runs" / "alice" / "summary.json")
    code, _, err = cli(capsys, "class", "collect", good, str(bad), "--out", str(tmp_path / "out"))
    assert code == 2 and needle in err and "bad/summary.json:" in err
    assert not (tmp_path / "out").exists()


def test_missing_file(tmp_path, capsys):
    code, _, err = cli(
        capsys, "class", "collect", str(tmp_path / "nope.json"), "--out", str(tmp_path / "o")
    )
    assert code == 2 and "cannot read" in err


def test_class_needs_an_action(capsys):
    code, _, err = cli(capsys, "class")
    assert code == 2 and "collect" in err
