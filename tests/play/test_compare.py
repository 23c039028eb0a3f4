"""`frontier compare`: one world under two scripts, where they part and why."""

from __future__ import annotations

import json

from playkit import MINIMAL, cli, write

A = MINIMAL + "\n[[quarters]]\nquarter = 3\nprices = { frontier = 6.0 }\n"
B = MINIMAL + "\n[[quarters]]\nquarter = 3\nprices = { frontier = 3.0 }\n"


def test_first_difference_metrics_and_reasons(tmp_path, capsys):
    a, b = write(tmp_path / "a.toml", A), write(tmp_path / "b.toml", B)
    code, out, err = cli(capsys, "compare", str(a), str(b), "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["first_order_difference"] == 3 and d["first_outcome_difference"] == 3
    assert d["scenario"] == "default" and d["seed"] == 7
    assert d["moved"]  # a halved price moves the end of the game
    for v in d["moved"].values():
        assert v["a"] != v["b"]
    code, text, _ = cli(capsys, "compare", str(a), str(b))
    assert code == 0
    assert "**First difference in what you did:** quarter 3 (2025 Q3)" in text
    assert "to $3.00/M tokens" in text and "to $6.00/M tokens" in text
    assert "## Why, in that quarter" in text and "## What moved by the end" in text
    assert "| your revenue share" in text


def test_identical_scripts(tmp_path, capsys):
    a, b = write(tmp_path / "a.toml", A), write(tmp_path / "b.toml", A)
    code, out, _ = cli(capsys, "compare", str(a), str(b))
    assert code == 0 and "played identically" in out
    code, out, _ = cli(capsys, "compare", str(a), str(b), "--json")
    d = json.loads(out)
    assert d["first_outcome_difference"] is None and d["moved"] == {}


def test_different_policies_diverge_from_the_first_quarter(tmp_path, capsys):
    a = write(tmp_path / "a.toml", MINIMAL)
    b = write(tmp_path / "b.toml", MINIMAL.replace('"balanced"', '"efficiency"'))
    d = json.loads(cli(capsys, "compare", str(a), str(b), "--json")[1])
    assert d["first_outcome_difference"] == 1


def test_different_worlds_are_refused(tmp_path, capsys):
    a = write(tmp_path / "a.toml", MINIMAL)
    b = write(tmp_path / "b.toml", MINIMAL.replace("seed = 7", "seed = 8"))
    code, _, err = cli(capsys, "compare", str(a), str(b))
    assert code == 2 and "compare needs one world" in err and "seed 8" in err


def test_a_bad_script_is_reported(tmp_path, capsys):
    a = write(tmp_path / "a.toml", MINIMAL)
    b = write(tmp_path / "b.toml", MINIMAL + "bogus = 1\n")
    code, _, err = cli(capsys, "compare", str(a), str(b))
    assert code == 2 and "b.toml:5: bogus: unknown key" in err
