"""The `frontier` command line, run for real (subprocess) and in-process (main([...]))."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import types
from pathlib import Path

import pytest

import game
from game.cli import main
from game.engine import scaling as sc

ROOT = Path(__file__).resolve().parents[1]
JSON_KEYS = {"flops", "params", "tokens", "loss", "capability", "level"}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "game.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def run_json(capsys, *args: str) -> dict:
    assert main(["scaling", *args, "--json"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    assert set(data) == JSON_KEYS
    return data


# ------------------------------------------------------------------ help, version, home


def test_help_subprocess():
    proc = run("--help")
    assert proc.returncode == 0
    assert "usage: frontier" in proc.stdout
    assert "scaling" in proc.stdout and "bench" in proc.stdout
    assert proc.stderr == ""


@pytest.mark.parametrize("command", ["scaling", "bench"])
def test_subcommand_help(capsys, command):
    assert main([command, "--help"]) == 0
    assert f"usage: frontier {command}" in capsys.readouterr().out


def test_version_subprocess():
    proc = run("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"frontier {game.__version__}"
    assert game.__version__ == "0.1.0"


def test_version_in_process(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == "frontier 0.1.0"


def test_bare_command_points_to_play_and_lists_commands():
    proc = run()
    assert proc.returncode == 0
    assert "Start a game with 'frontier play'" in proc.stdout
    assert "frontier scaling" in proc.stdout
    assert "frontier bench" in proc.stdout


def test_startup_does_not_import_numpy_or_the_engine():
    code = (
        "import sys; from game.cli import main; main(['--version']); "
        "bad = [m for m in ('numpy', 'game.engine', 'rich', 'textual') if m in sys.modules]; "
        "print(bad)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("[]")


# ------------------------------------------------------------------------------ scaling


def test_scaling_flops_json_subprocess():
    proc = run("scaling", "--flops", "1e24", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) == JSON_KEYS
    n, d = sc.compute_optimal(1e24)
    assert data["params"] == pytest.approx(float(n))
    assert data["tokens"] == pytest.approx(float(d))
    assert data["flops"] == pytest.approx(1e24)


def test_scaling_flops_json_matches_engine(capsys):
    data = run_json(capsys, "--flops", "3.5e25")
    n, d = sc.compute_optimal(3.5e25)
    value = sc.loss(n, d)
    cap = sc.capability_from_loss(value)
    assert all(isinstance(data[k], float) for k in JSON_KEYS - {"level"})
    assert isinstance(data["level"], str)
    assert data["flops"] == pytest.approx(3.5e25, rel=1e-9)
    assert data["flops"] == pytest.approx(6 * data["params"] * data["tokens"], rel=1e-12)
    assert data["params"] == pytest.approx(float(n))
    assert data["tokens"] == pytest.approx(float(d))
    assert data["loss"] == pytest.approx(float(value))
    assert data["capability"] == pytest.approx(float(cap))
    assert data["level"] == sc.level_name(cap)


@pytest.mark.parametrize("law", ["hoffmann", "HOFFMANN", "epoch"])
def test_scaling_law_option(capsys, law):
    data = run_json(capsys, "--flops", "1e24", "--law", law)
    fit = sc.get_law(law.lower())
    n, _ = sc.compute_optimal(1e24, fit)
    assert data["params"] == pytest.approx(float(n))


def test_hoffmann_and_epoch_differ(capsys):
    epoch = run_json(capsys, "--flops", "1e24")
    hoffmann = run_json(capsys, "--flops", "1e24", "--law", "hoffmann")
    assert epoch["params"] != pytest.approx(hoffmann["params"], rel=0.05)


def test_scaling_params_without_tokens_uses_compute_optimal_tokens(capsys):
    data = run_json(capsys, "--params", "70e9")
    d = float(sc.optimal_tokens_for_params(70e9))
    assert data["params"] == 70e9
    assert data["tokens"] == pytest.approx(d)
    assert data["flops"] == pytest.approx(6 * 70e9 * d)
    assert data["loss"] == pytest.approx(float(sc.optimal_loss_for_params(70e9)))


def test_scaling_params_with_tokens(capsys):
    data = run_json(capsys, "--params", "70e9", "--tokens", "1.4e12")
    assert data["params"] == 70e9
    assert data["tokens"] == 1.4e12
    assert data["flops"] == pytest.approx(6 * 70e9 * 1.4e12)
    assert data["loss"] == pytest.approx(float(sc.loss(70e9, 1.4e12)))
    assert data["level"] == sc.level_name(sc.capability(70e9, 1.4e12))


def test_more_tokens_lower_loss(capsys):
    short = run_json(capsys, "--params", "7e9", "--tokens", "1e11")
    long = run_json(capsys, "--params", "7e9", "--tokens", "1e13")
    assert long["loss"] < short["loss"]
    assert long["capability"] > short["capability"]


@pytest.mark.parametrize("args", [["--flops", "1e24"], ["--params", "1e9", "--tokens", "2e10"]])
def test_scaling_human_table(capsys, args):
    assert main(["scaling", *args]) == 0
    out = capsys.readouterr().out
    for label in ("FLOPs", "parameters", "tokens", "tokens/param", "loss", "capability", "level"):
        assert label in out
    assert any(name in out for name in sc.LEVEL_NAMES)


def test_scaling_human_table_subprocess():
    proc = run("scaling", "--params", "1e10")
    assert proc.returncode == 0, proc.stderr
    assert "good student" in proc.stdout
    assert proc.stderr == ""


@pytest.mark.parametrize(
    ("option", "text", "key"),
    [
        ("--flops", "1e24", "flops"),
        ("--flops", "3.5e25", "flops"),
        ("--flops", "1E22", "flops"),
        ("--flops", "2000000000000000000000", "flops"),
        ("--params", "70e9", "params"),
        ("--params", "7.0e+10", "params"),
        ("--params", "70_000_000_000", "params"),
    ],
)
def test_number_forms(capsys, option, text, key):
    data = run_json(capsys, option, text)
    assert data[key] == pytest.approx(float(text))


# --------------------------------------------------------------------------- bad input

BAD_INPUT = [
    ["scaling"],
    ["scaling", "--flops"],
    ["scaling", "--flops", "abc"],
    ["scaling", "--flops", "1e24x"],
    ["scaling", "--flops", "-1e24"],
    ["scaling", "--flops=-1e24"],
    ["scaling", "--flops", "0"],
    ["scaling", "--flops", "nan"],
    ["scaling", "--flops", "inf"],
    ["scaling", "--flops", "1e400"],
    ["scaling", "--params", "-5"],
    ["scaling", "--params", "0"],
    ["scaling", "--params", "1e9", "--tokens", "0"],
    ["scaling", "--params", "1e9", "--tokens", "-1e12"],
    ["scaling", "--params", "1e9", "--tokens", "lots"],
    ["scaling", "--params", "1e9", "--tokens", "0.5"],
    ["scaling", "--flops", "1e24", "--params", "1e9"],
    ["scaling", "--flops", "1e24", "--tokens", "1e12"],
    ["scaling", "--tokens", "1e12"],
    ["scaling", "--flops", "1e24", "--law", "kaplan"],
    ["scaling", "--flops", "1e24", "--law"],
    ["scaling", "--flops", "1e24", "--bogus"],
    ["scaling", "--params", "1e300"],
    ["scaling", "--flops", "1e300"],
    ["scaling", "--flops", "1e-3"],
    ["--bogus"],
    ["nonsense"],
    ["bench", "--bogus"],
]


@pytest.mark.parametrize("args", BAD_INPUT, ids=" ".join)
def test_bad_input_subprocess(args):
    proc = run(*args)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("frontier: error: ")
    assert "(" in lines[0]  # every message carries a hint in parentheses


@pytest.mark.parametrize("args", BAD_INPUT, ids=" ".join)
def test_bad_input_in_process(capsys, args):
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("frontier: error: ")


def test_negative_value_message_is_specific(capsys):
    assert main(["scaling", "--flops", "-1e24"]) == 2
    assert "greater than zero" in capsys.readouterr().err


def test_unknown_law_lists_known_laws(capsys):
    assert main(["scaling", "--flops", "1e24", "--law", "kaplan"]) == 2
    err = capsys.readouterr().err
    assert "epoch" in err and "hoffmann" in err


# -------------------------------------------------------------------------------- bench


def test_bench_delegates_to_game_bench(monkeypatch):
    calls = []

    def fake_main(json_output: bool, quick: bool) -> int:
        calls.append((json_output, quick))
        return 0

    monkeypatch.setitem(sys.modules, "game.cli.bench", types.SimpleNamespace(main=fake_main))
    assert main(["bench"]) == 0
    assert main(["bench", "--json", "--quick"]) == 0
    assert calls == [(False, False), (True, True)]


def test_bench_passes_exit_code_through(monkeypatch):
    fake = types.SimpleNamespace(main=lambda json_output, quick: 3)
    monkeypatch.setitem(sys.modules, "game.cli.bench", fake)
    assert main(["bench"]) == 3


def test_bench_missing_module_is_a_clear_error(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "game.cli.bench", None)  # makes the import fail
    assert main(["bench", "--quick"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("frontier: error: ")
    assert "game.cli.bench" in err


def test_unexpected_error_is_short_and_logged(monkeypatch, capsys, tmp_path):
    def broken(json_output: bool, quick: bool) -> int:
        raise RuntimeError("boom")

    monkeypatch.setitem(sys.modules, "game.cli.bench", types.SimpleNamespace(main=broken))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert main(["bench"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert "RuntimeError: boom" in err
    logs = list(tmp_path.glob("frontier-error-*.log"))
    assert len(logs) == 1
    assert str(logs[0]) in err
    text = logs[0].read_text()
    assert "Traceback" in text and "boom" in text
