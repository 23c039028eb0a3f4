"""`frontier play` at the line prompt: typed orders through piped stdin."""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import pytest

from game.cli import main
from game.content import default_content_dir, load_content
from game.engine.orders import ORDER_FIELDS
from game.play.saves import load_save

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def content():
    return load_content(default_content_dir())


def play(tmp_path: Path, keys: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`frontier play` with `keys` on stdin (not a terminal: the line REPL)."""
    base = ["--saves-dir", str(tmp_path), "--name", "g"]
    if "--load" not in args and "--code" not in args:
        base += ["--seed", "4"]
    return subprocess.run(
        [sys.executable, "-m", "game.cli", "play", *base, *args],
        input=keys,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def saved(tmp_path: Path, content, name: str = "g"):
    pt, game, warnings = load_save(tmp_path / f"{name}.toml", content)
    assert warnings == []
    return pt, game


def test_a_few_quarters_with_orders(tmp_path, content):
    keys = (
        "price=6 lease=30\n"
        "train=1e12x2e13@3 mix.coding=2\n"
        "build=workspace\n"
        "end\n"
        "raise=2\n"
        "end\n"
        "end\n"
        "quit\n"
    )
    done = play(tmp_path, keys)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for date in ("2025 Q1", "2025 Q2", "2025 Q3"):
        assert f"{date} played" in out
    assert "you: started building the workspace product" in out
    assert "you: cut the frontier price" in out
    assert "saved " in out and "continue with: frontier play --load g" in out
    pt, game = saved(tmp_path, content)
    assert game.quarter == 3
    q1, q2, q3 = pt.orders[0], pt.orders[1], pt.orders[2]
    assert q1.prices == {"frontier": 6.0} and q1.lease == 30.0
    assert (q1.train.params, q1.train.tokens, q1.train.quarters) == (1e12, 2e13, 3)
    assert q1.train.mix == {"coding": 2.0} and q1.build == ("workspace",)
    assert q2.raise_funds == 2.0 and q2.lease == 30.0 and q2.train is None
    assert q3.raise_funds == 0.0 and q3.lease == 30.0 and q3.build == ()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "g.autosave-q001.toml",
        "g.autosave-q002.toml",
        "g.autosave-q003.toml",
        "g.toml",
    ]


def test_help_lists_every_order_field(tmp_path):
    done = play(tmp_path, "help\nquit\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for f in ORDER_FIELDS:
        assert (f.repl or f"{f.name}=VALUE") in out, f.name
        assert f.label in out and f.unit in out and f.help in out, f.name
        assert f.bounds_text() in out, f.name
    for command in ("end", "auto", "show", "clear", "status", "products", "save [NAME]", "quit"):
        assert f"  {command} " in out


def test_bad_input_prints_a_reason_and_the_game_goes_on(tmp_path, content):
    bad = {
        "train=1e12x2e13@inf": "bad order: train.quarters: 'inf' is not a finite number",
        "price=nan": "bad order: prices.frontier: 'nan' is not a finite number",
        "save ../x": "error: save name '../x': a name cannot contain",
        "save /etc/passwd": "a name cannot contain",
        "leese=3": "bad order: leese: unknown order; known: lease",
        "train=1x": "bad order: train: write PARAMSxTOKENS[@QUARTERS]",
        "lease=": "bad order: lease: give a value",
        "build=castle": "bad order: build: unknown product 'castle'",
        "price=0": "bad order: prices.frontier: 0.0 must be a number in (0, 1000]",
        "train=1e12x2e13@99": "bad order: train.quarters: 99 must be an integer 1..12",
        "unset nothing": "bad order: nothing: unknown order",
        "lease=1e400": "bad order: lease: '1e400' is not a finite number",
        "[red]x[/]=1": "bad order: [red]x[/]: unknown order",
    }
    keys = "\n".join(bad) + "\nlease=20\nend\n"  # no quit: end of input saves too
    done = play(tmp_path, keys)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    lines = done.stdout.splitlines()
    for reason in bad.values():
        assert any(reason in line for line in lines), reason
    assert "2025 Q1 played" in done.stdout
    assert not (tmp_path.parent / "x.toml").exists()
    pt, game = saved(tmp_path, content)
    assert game.quarter == 1 and pt.orders[0].lease == 20.0


def test_refused_orders_play_nothing(tmp_path, content):
    done = play(tmp_path, "lease=5000\nend\nshow\nquit\n")
    assert done.returncode == 0, done.stderr
    assert "refused: orders spend $" in done.stdout
    assert "nothing was played" in done.stdout
    assert "2025 Q1 played" not in done.stdout
    assert saved(tmp_path, content)[1].quarter == 0


def test_auto_hands_the_quarter_to_the_policy(tmp_path, content):
    done = play(tmp_path, "lease=30\nauto\nend\nquit\n", "--policy", "balanced")
    assert done.returncode == 0, done.stderr
    assert "notice: the balanced policy played this quarter" in done.stdout
    pt, game = saved(tmp_path, content)
    assert game.quarter == 2
    assert not game.records[0].scripted and game.records[1].scripted
    assert 0 not in pt.orders  # the policy's quarter is replayed by the policy
    assert pt.model.policy == "balanced"


def test_standing_orders_carry_over(tmp_path, content):
    done = play(tmp_path, "lease=30 research.efficiency=0.2\nend\nshow\nend\nquit\n")
    assert done.returncode == 0, done.stderr
    assert (
        "standing orders: lease 30k GPUs; prices frontier $8.00, small $0.60; research "
        "efficiency $0.20B" in done.stdout
    )
    assert "typed this quarter: nothing" in done.stdout
    assert "end plays: lease=30 research.efficiency=0.2" in done.stdout
    pt, game = saved(tmp_path, content)
    assert game.quarter == 2
    for q in (0, 1):
        assert pt.orders[q].lease == 30.0 and pt.orders[q].research == {"efficiency": 0.2}
    # Loaded again, the standing orders come back from the save.
    again = play(tmp_path, "end\nquit\n", "--load", "g")
    assert again.returncode == 0, again.stderr
    pt, game = saved(tmp_path, content)
    assert game.quarter == 3
    assert pt.orders[2].lease == 30.0 and pt.orders[2].research == {"efficiency": 0.2}


def test_lab_names_and_notes_print_verbatim(tmp_path, content):
    name = "[Apex] [/] :smile: [bold]"
    done = play(tmp_path, "note why [b]not[/b]\nshow\nend\nstatus\nquit\n", "--lab", name)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert f"You run {name}." in out
    assert f"2025 Q1: {name} " in out  # the quarter's headline
    assert "note: why [b]not[/b]" in out
    assert "\N{SMILING FACE WITH OPEN MOUTH AND SMILING EYES}" not in out
    game = saved(tmp_path, content)[1]
    assert game.names[0] == name and game.records[0].note == "why [b]not[/b]"


def test_a_whole_game_ends_with_its_result(tmp_path, content):
    done = play(tmp_path, "auto\n" * 40, "--policy", "balanced")
    assert done.returncode == 0, done.stderr
    assert "game over" in done.stdout
    assert "scored " in done.stdout and "/100" in done.stdout
    assert "frontier replay" in done.stdout
    assert saved(tmp_path, content)[1].quarter == 40


def test_lab_and_load_do_not_mix(tmp_path):
    done = play(tmp_path, "quit\n", "--load", "g", "--lab", "Ada")
    assert done.returncode == 2
    assert "--lab" in done.stderr


def test_a_terminal_goes_to_the_app_unless_plain(tmp_path, monkeypatch, capsys):
    class Tty:
        def __init__(self, lines):
            self.lines = list(lines)

        def isatty(self):
            return True

        def readline(self):
            return self.lines.pop(0) if self.lines else ""

    calls = []
    app = types.ModuleType("game.ui")
    app.run = lambda args: calls.append(args) or 7
    monkeypatch.setitem(sys.modules, "game.ui", app)
    monkeypatch.setattr(sys, "stdin", Tty(["quit\n"]))
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    argv = ["play", "--saves-dir", str(tmp_path), "--seed", "4", "--theme", "high-contrast"]
    assert main(argv) == 7
    assert calls[0].theme == "high-contrast" and calls[0].plain is False
    # --plain: the line prompt, even in a terminal.
    assert main([*argv, "--plain"]) == 0
    assert len(calls) == 1 and "You run Your Lab" in capsys.readouterr().out
    # An app that cannot be imported: the line prompt.
    monkeypatch.setitem(sys.modules, "game.ui", None)
    monkeypatch.setattr(sys, "stdin", Tty(["quit\n"]))
    assert main(argv) == 0
    assert "You run Your Lab" in capsys.readouterr().out


def test_a_lesson_at_the_line_prompt(tmp_path, content):
    """--lesson asks the name and each prediction (again after a bad answer), stops at
    each checkpoint with its figures, and keeps the answers in the save and runs/."""
    keys = "Ada\nsunny\ncommoditized\n1500\n0.2\n4\n" + "end\n" * 5 + "HHI low\n" + "quit\n"
    out = subprocess.run(
        [
            *(sys.executable, "-m", "game.cli", "play", "--lesson", "solar-vs-steel"),
            *("--saves-dir", str(tmp_path / "saves"), "--content", str(default_content_dir())),
        ],
        input=keys,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "choose one of: monopoly" in text  # "sunny" was asked again
    assert "checkpoint 1 of 4: quarter 5 (2026 Q1)" in text
    assert "HHI band:" in text and "answer kept in your save" in text
    _, game, _ = load_save(tmp_path / "saves" / "lesson-solar-vs-steel-Ada.toml", content)
    assert game.lesson[1].answers == {5: "HHI low"}
    assert game.lesson[1].predictions["verdict"] == "commoditized"
    assert (tmp_path / "runs" / "lesson-solar-vs-steel-Ada" / "summary.json").is_file()


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--lesson", "no-such"], "unknown lesson 'no-such'"),
        (["--student", "Ada"], "--student goes with --lesson"),
        (["--lesson", "solar-vs-steel", "--scenario", "steel"], "cannot be combined"),
        (["--lesson", "solar-vs-steel", "--group", "moon"], "not 'moon'"),
    ],
)
def test_bad_lesson_flags_exit_2(tmp_path, args, needle):
    out = subprocess.run(
        [sys.executable, "-m", "game.cli", "play", "--saves-dir", str(tmp_path), *args],
        input="Ada\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert needle in out.stderr
    assert "Traceback" not in out.stderr


def test_typed_input_that_once_ended_the_game_prints_a_reason(tmp_path, content):
    """Issue 13, defect 3: overflowing numbers and unsafe save names print one line and
    the game goes on; the pending orders and the save on quit are kept."""
    keys = (
        "price=6\n"
        "train=1e12x2e13@inf\n"
        "train=1e12x2e13@1e400\n"
        "save ../x\n"
        f"save {'n' * 65}\n"
        "save a\x00b\n"
        "end\n"
        "quit\n"
    )
    out = play(tmp_path, keys)
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr + out.stdout
    assert out.stdout.count("is not a finite number") == 2
    assert "cannot contain '/'" in out.stdout and "at most 64 characters" in out.stdout
    pt, game, _ = load_save(tmp_path / "g.toml", content)
    assert game.quarter == 1 and pt.model.quarters[0].prices == {"frontier": 6.0}
    assert not (tmp_path.parent / "x.toml").exists()
