"""Non-finite and out-of-range numbers in scripts, `--set` and class summaries are
refused with exit 2, `file:line: field`, and nothing written (issue 13, defects 1, 7, 12).
"""

from __future__ import annotations

import json

import pytest
from playkit import MINIMAL, cli, tree, write

from game.content import default_content_dir, load_content
from game.play.script import ScriptError, script_from_data

HEAD = MINIMAL  # format_version, scenario = "default", seed, policy


SCRIPTS = [
    # id, text after HEAD, dotted field, phrase
    ("spec-inf", "[player]\nspecialization = { coding = inf }\n",
     "player.specialization.coding", "finite"),
    ("spec-nan", "[player]\nspecialization = { coding = nan }\n",
     "player.specialization.coding", "finite"),
    ("spec-sum-overflows", "[player]\nspecialization = { coding = 1e308, writing = 1e308 }\n",
     "player.specialization.coding", "less than or equal to 1000000"),
    ("spec-huge-int", "[player]\nspecialization = { coding = " + "9" * 400 + " }\n",
     "player.specialization.coding", "too large"),
    ("mix-nan", "[[quarters]]\nquarter = 1\n[quarters.train]\nparams = 1e12\ntokens = 2e13\n"
     "mix = { coding = nan }\n", "quarters[0].train.mix.coding", "finite"),
    ("price-inf", "[[quarters]]\nquarter = 1\nprices = { frontier = inf }\n",
     "quarters[0].prices.frontier", "finite"),
    ("lease-minus-inf", "[[quarters]]\nquarter = 1\nlease = -inf\n",
     "quarters[0].lease", "finite"),
    ("research-huge-int", "[[quarters]]\nquarter = 1\nresearch = { efficiency = "
     + "1" * 500 + " }\n", "quarters[0].research.efficiency", "too large"),
]  # fmt: skip


@pytest.mark.parametrize("case", SCRIPTS, ids=[c[0] for c in SCRIPTS])
def test_non_finite_script_numbers_exit_2(tmp_path, capsys, case):
    _, body, field, phrase = case
    script = write(tmp_path / "s.toml", HEAD + body)
    before = tree(tmp_path)
    code, out, err = cli(capsys, "run", str(script), "--out", str(tmp_path / "out"))
    assert code == 2, (out, err)
    assert "Traceback" not in err
    hits = [x for x in err.splitlines() if "s.toml:" in x and f": {field}: " in x]
    assert hits and phrase in hits[0], err
    assert tree(tmp_path) == before  # nothing written


def test_compare_refuses_a_non_finite_script(tmp_path, capsys):
    good = write(tmp_path / "a.toml", HEAD)
    bad = write(tmp_path / "b.toml", HEAD + "[player]\nspecialization = { coding = inf }\n")
    before = tree(tmp_path)
    code, out, err = cli(capsys, "compare", str(good), str(bad))
    assert code == 2, (out, err)
    assert "b.toml:" in err and "player.specialization.coding" in err and "finite" in err
    assert tree(tmp_path) == before


def test_a_script_from_data_refuses_inf():
    """The path share codes take (game/play/share.py decodes to this dict)."""
    content = load_content(default_content_dir())
    data = {
        "format_version": 2,
        "scenario": "default",
        "seed": 1,
        "player": {"specialization": {"coding": float("inf")}},
    }
    with pytest.raises(ScriptError) as e:
        script_from_data(data, content, shown="share code")
    assert any("player.specialization.coding" in x and "finite" in x for x in e.value.errors)


@pytest.mark.parametrize(
    ("pair", "phrase"),
    [
        ("lease_premium=0", "[0.5, 10]"),
        ("valuation_multiple=1e308", "[0.1, 1000]"),
        ("alpha=nan", "finite"),
        ("alpha=inf", "finite"),
    ],
)
def test_set_outside_the_documented_range_exits_2(tmp_path, capsys, pair, phrase):
    out = tmp_path / "o"
    code, o, err = cli(
        capsys, "sweep", "--scenario", "default", "--worlds", "2", "--set", pair, "--out", str(out)
    )
    assert code == 2, (o, err)
    assert (phrase in err and "calibration.toml" in err) or "finite" in err, err
    assert "Traceback" not in err
    assert not out.exists()


# --- class collect ----------------------------------------------------------------


@pytest.fixture(scope="module")
def summary(tmp_path_factory):
    import contextlib
    import io

    from game.cli import main

    d = tmp_path_factory.mktemp("finite")
    script = write(d / "alice.toml", MINIMAL)
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["run", str(script), "--out", str(d / "alice")]) == 0
    return (d / "alice" / "summary.json").read_text()


def _collect(tmp_path, capsys, text: str):
    path = tmp_path / "bob" / "summary.json"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    out = tmp_path / "class"
    before = tree(tmp_path)
    code, o, err = cli(capsys, "class", "collect", str(path), "--out", str(out))
    assert code == 2, (o, err)
    assert "Traceback" not in err and "unexpected" not in err
    assert not out.exists() and tree(tmp_path) == before
    return err


@pytest.mark.parametrize("const", ["NaN", "Infinity", "-Infinity"])
def test_collect_refuses_nan_and_infinity(tmp_path, capsys, summary, const):
    s = json.loads(summary)
    text = json.dumps(s, indent=2).replace('"hhi": ', f'"hhi": {const}, "was": ', 1)
    err = _collect(tmp_path, capsys, text)
    line = next(i for i, x in enumerate(text.splitlines(), 1) if const in x)
    assert f"summary.json:{line}: hhi: {const} is not a number" in err, err


def test_collect_refuses_a_float_that_overflows(tmp_path, capsys, summary):
    text = summary.replace('"hhi": ', '"hhi": 1e400, "was": ', 1)
    err = _collect(tmp_path, capsys, text)
    assert "hhi: 1e400 is not a number" in err, err


def test_collect_refuses_deep_nesting(tmp_path, capsys):
    err = _collect(tmp_path, capsys, "[" * 200_000 + "]" * 200_000)
    assert "nested too deeply" in err


def test_collect_refuses_a_5000_digit_integer(tmp_path, capsys, summary):
    text = summary.replace('"seed": ', '"seed": ' + "7" * 5000 + ', "was": ', 1)
    err = _collect(tmp_path, capsys, text)
    assert "seed: an integer of 5,000 digits is not a number" in err, err
