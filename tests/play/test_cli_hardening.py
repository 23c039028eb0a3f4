"""Issue 13: hostile and careless input to the command line is refused with exit 2, a
clear message and no traceback, and a refused command leaves every file as it was.

Each test names the defect of issue 13 it guards.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playkit import MINIMAL, ROOT, cli, tree, write

from game.play import outputs
from game.play.outputs import OutputError, stage_folder, write_folder
from game.play.share import CodeError, _check, make_code, parse_code

LONG = "x" * 300  # a file name longer than the OS allows (ENAMETOOLONG)


def refused(code: int, err: str, *needles: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err and "unexpected error" not in err, err
    for n in needles:
        assert n in err, (n, err)


def run_fast(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`frontier ARGS` in a subprocess; a hang (a FIFO read) fails after `timeout`."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "game.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


@pytest.fixture
def script(tmp_path):
    return write(tmp_path / "in" / "minimal.toml", MINIMAL)


# ------------------------------------------------- 5. refused commands write nothing


def test_5_run_with_a_bad_saves_dir_writes_no_outputs(tmp_path, script, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "notadir", "a file")
    before = tree(tmp_path)
    code, _, err = cli(
        capsys, "run", str(script), "--out", "D", "--save", "g", "--saves-dir", "notadir"
    )
    refused(code, err, "notadir", "not a folder", "nothing was played or written")
    assert tree(tmp_path) == before
    assert not (tmp_path / "D").exists()


def test_5_a_failing_save_discards_the_staged_outputs(tmp_path, script, capsys, monkeypatch):
    from game.play.saves import SaveError, Session

    def fail(self, path):
        raise SaveError([f"{path}: cannot write the save: disk full"])

    monkeypatch.setattr(Session, "save", fail)
    out = tmp_path / "out"
    write(out / "summary.json", "old")
    before = tree(tmp_path)
    code, _, err = cli(
        capsys,
        "run",
        str(script),
        "--out",
        str(out),
        "--save",
        "g",
        "--saves-dir",
        str(tmp_path / "sv"),
    )
    refused(code, err, "disk full")
    assert tree(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]


def test_5_write_folder_rolls_back_a_failed_swap(tmp_path, monkeypatch):
    out = tmp_path / "out"
    write(out / "a.txt", "old a")
    write(out / "b.txt", "old b")
    write(out / "notes.md", "mine")
    before = tree(tmp_path)
    real = os.replace

    def flaky(src, dst):
        if Path(dst) == out / "b.txt" and Path(src).parent.name != ".old":
            # the second new file fails to go into place (putting the old one back works)
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(outputs.os, "replace", flaky)
    with pytest.raises(OutputError, match="No space left on device"):
        write_folder(out, {"a.txt": "new a", "b.txt": "new b"})
    monkeypatch.setattr(outputs.os, "replace", real)
    assert tree(tmp_path) == before  # old files back, no staging folder left
    assert write_folder(out, {"a.txt": "new a", "b.txt": "new b"}) == out
    assert tree(out) == {"a.txt": b"new a", "b.txt": b"new b", "notes.md": b"mine"}


def test_5_write_folder_refuses_before_writing(tmp_path):
    out = tmp_path / "out"
    (out / "b.txt").mkdir(parents=True)  # a folder where a file should go
    before = tree(tmp_path)
    with pytest.raises(OutputError, match="is a folder"):
        write_folder(out, {"a.txt": "x", "b.txt": "y"})
    assert tree(tmp_path) == before
    assert sorted(p.name for p in out.iterdir()) == ["b.txt"]


def test_5_a_discarded_stage_removes_the_folders_it_made(tmp_path):
    staged = stage_folder(tmp_path / "a" / "b" / "out", {"x.txt": "x"})
    assert (tmp_path / "a" / "b").is_dir()
    staged.discard()
    assert list(tmp_path.iterdir()) == []


def test_12_stale_staging_folders_are_cleaned_up(tmp_path):
    stale = tmp_path / ".o.tmp-killed"
    write(stale / "summary.json", "half")
    os.utime(stale, (0, 0))  # left by a kill -9 long ago
    fresh = tmp_path / ".o.tmp-running"  # another process staging right now
    fresh.mkdir()
    write_folder(tmp_path / "o", {"a.txt": "x"})
    assert not stale.exists() and fresh.exists()


def test_11_new_output_folders_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        out = write_folder(tmp_path / "o", {"a.txt": "x"})
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o755


def test_5_sweep_out_failure_leaves_the_folder(tmp_path, capsys, monkeypatch):
    out = tmp_path / "o"
    write(out / "sweep.json", "old")
    (out / "worlds.csv").mkdir()
    before = tree(tmp_path)
    code, _, err = cli(capsys, "sweep", "--scenario", "default", "--worlds", "2", "--out", str(out))
    refused(code, err, "worlds.csv is a folder")
    assert tree(tmp_path) == before


def test_5_class_collect_out_failure_leaves_the_folder(tmp_path, script, capsys):
    code, _, err = cli(capsys, "run", str(script), "--out", str(tmp_path / "r"))
    assert code == 0, err
    out = tmp_path / "c"
    (out / "class.csv").mkdir(parents=True)
    before = tree(tmp_path)
    code, _, err = cli(capsys, "class", "collect", str(tmp_path / "r"), "--out", str(out))
    refused(code, err, "class.csv is a folder")
    assert tree(tmp_path) == before


# ------------------------------------------ 7. bad inputs exit 2, not "unexpected error"


@pytest.mark.parametrize(
    ("pair", "needle"),
    [
        ("k=[1]", "unknown parameter"),
        ("k={a=1}", "unknown parameter"),
        ("k=1979-05-27", "unknown parameter"),
        ("lease_premium=[1]", "not an array"),
        ("lease_premium={a=1}", "not a table"),
        ("lease_premium=1979-05-27", "not a date or time"),
        ("lease_premium=07:32:00", "not a date or time"),
        ("scaling_law=[1]", "not an array"),
        ("lease_premium=" + "9" * 400, "far too large (400 digits)"),
        ("open_weight_lag_quarters=" + "9" * 400, "far too large"),
    ],
)
def test_7_set_values_of_the_wrong_kind(pair, needle, tmp_path, capsys):
    code, _, err = cli(
        capsys, "sweep", "--scenario", "default", "--worlds", "2", "--set", pair, "--out",
        str(tmp_path / "o"),
    )  # fmt: skip
    refused(code, err, needle)
    assert "9" * 100 not in err  # a huge value is cut short in the message
    assert not (tmp_path / "o").exists()


def _long_path_cases(tmp_path: Path, script: Path) -> list[list[str]]:
    long = str(tmp_path / LONG)
    return [
        ["run", str(script), "--out", long],
        ["run", str(script), "--out", long + "/x"],
        ["run", str(script), "--save", "g", "--saves-dir", long, "--out", str(tmp_path / "o")],
        ["run", str(script), "--content", long, "--out", str(tmp_path / "o")],
        ["run", long + ".toml", "--out", str(tmp_path / "o")],
        ["sweep", "--scenario", long + ".toml", "--worlds", "1"],
        ["sweep", "--scenario", long, "--worlds", "1"],
        ["sweep", "--from", long + ".toml", "--worlds", "1"],
        ["replay", long + ".toml", "--out", str(tmp_path / "o")],
        ["share", long + ".toml"],
        ["saves", "--saves-dir", long],
        ["compare", str(script), long + ".toml"],
        ["content", "check", long + ".toml"],
        ["content", "check", "--content", long],
        ["class", "collect", str(script), "--out", long],
    ]


def test_7_paths_too_long_for_the_os(tmp_path, script, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = tree(tmp_path)
    for args in _long_path_cases(tmp_path, script):
        code, _, err = cli(capsys, *args)
        assert code == 2, (args, err)
        assert "Traceback" not in err and "unexpected error" not in err, (args, err)
        assert "too long" in err.lower() or "larger" in err or "characters" in err, (args, err)
        assert tree(tmp_path) == before, args


def test_7_symlink_loops(tmp_path, script, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "loop").symlink_to("loop")
    (tmp_path / "loop.toml").symlink_to("loop.toml")
    before = tree(tmp_path)
    cases = [
        ["run", "loop.toml", "--out", "o"],
        ["run", "loop"],
        ["run", str(script), "--out", "loop/x"],
        ["run", str(script), "--out", "loop"],
        ["run", str(script), "--save", "g", "--saves-dir", "loop", "--out", "o"],
        ["run", str(script), "--content", "loop", "--out", "o"],
        ["sweep", "--scenario", "loop.toml", "--worlds", "1"],
        ["sweep", "--scenario", "loop", "--worlds", "1"],
        ["replay", "loop.toml", "--out", "o"],
        ["share", "loop.toml"],
        ["compare", str(script), "loop.toml"],
        ["content", "check", "loop.toml"],
        ["content", "check", "loop"],
    ]
    for args in cases:
        code, _, err = cli(capsys, *args)
        assert code == 2, (args, err)
        assert "Traceback" not in err and "unexpected error" not in err, (args, err)
        assert "symbolic link" in err or "loop" in err, (args, err)
        assert tree(tmp_path) == before, args


def test_7_os_errors_naming_a_path_are_input_errors(capsys, monkeypatch):
    from game.cli import commands

    def boom(args):
        raise OSError(36, "File name too long", "/some/" + "y" * 400)

    monkeypatch.setattr(commands, "policies", boom)
    code, _, err = cli(capsys, "policies")
    refused(code, err, "File name too long", "(406 characters)")
    assert "y" * 100 not in err


def test_7_os_errors_naming_no_path_stay_internal(capsys, monkeypatch):
    from game.cli import commands

    def boom(args):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(commands, "policies", boom)
    code, _, err = cli(capsys, "policies")
    assert code == 1 and "unexpected error" in err


# ------------------------------------------------ 9. share codes name built-in scenarios


def _code(scenario: str, seed: int = 7) -> str:
    body = f"FR1.{scenario}.{seed}.balanced.-"
    return f"{body}.{_check(body)}"


@pytest.mark.parametrize("scenario", ["/tmp/evil", "sub/evil", "C:\\evil", "evil", ""])
def test_9_a_code_naming_a_path_is_refused(scenario, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "evil", MINIMAL)  # even a file that exists is not a scenario id
    before = tree(tmp_path)
    code, _, err = cli(capsys, "run", "--code", _code(scenario))
    refused(code, err, "built-in scenarios only")
    assert tree(tmp_path) == before
    assert not (tmp_path / "runs").exists()


def test_9_parse_code_refuses_paths_without_content():
    with pytest.raises(CodeError, match="built-in scenarios only"):
        parse_code(_code("/tmp/evil"))
    assert parse_code(_code("default"))["scenario"] == "default"


def test_9_a_built_in_code_round_trips(tmp_path, content, capsys, monkeypatch):
    from game.play.script import script_from_data

    pt = script_from_data(parse_code(_code("default", 3)), content)
    code_text = make_code(pt, content)
    assert parse_code(code_text, content)["scenario"] == "default"
    monkeypatch.chdir(tmp_path)
    code, _out, err = cli(capsys, "run", "--code", code_text)
    assert code == 0, err
    assert (tmp_path / "runs" / "default-3" / "summary.json").is_file()


@pytest.mark.parametrize(
    ("text", "want"),
    [("..", "run"), ("a/b", "a-b"), ("/tmp/x", "tmp-x"), (".hidden", "hidden"), ("a..b", "a.b")],
)
def test_9_default_folder_names_never_escape(text, want):
    from game.cli.commands import safe_stem

    stem = safe_stem(text)
    assert stem == want
    assert "/" not in stem and "\\" not in stem and ".." not in stem


def test_9_replay_default_folder_stays_in_runs(tmp_path, script, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = cli(capsys, "run", str(script), "--save", "g", "--saves-dir", "sv")
    assert code == 0, err
    (tmp_path / "sv" / "sub").mkdir()
    code, _out, err = cli(capsys, "replay", "sv/sub/..", "--saves-dir", "sv")
    # "sv/sub/.." names a folder, not a save: refused, and nothing lands beside runs/
    refused(code, err, "is a folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "runs", "sv"]


# ------------------------------------------ 8, 10. sizes first; FIFOs are not read


def test_8_share_checks_the_size_before_reading(tmp_path, capsys):
    big = tmp_path / "big.toml"
    with open(big, "wb") as fh:
        fh.truncate(6_000_000)  # sparse: no memory or disk to speak of
    code, _, err = cli(capsys, "share", str(big))
    refused(code, err, "6,000,000 bytes", "limit")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_10_fifos_are_refused_not_read(tmp_path, script):
    fifo = tmp_path / "f.toml"
    os.mkfifo(fifo)
    before = sorted(p.name for p in tmp_path.iterdir())
    for args in (
        ["run", str(fifo)],
        ["replay", str(fifo)],
        ["share", str(fifo)],
        ["compare", str(script), str(fifo)],
        ["content", "check", str(fifo)],
        ["content", "check", "--scenario", str(fifo)],
        ["sweep", "--scenario", str(fifo), "--worlds", "1"],
        ["sweep", "--from", str(fifo), "--worlds", "1"],
        ["class", "collect", str(fifo), "--out", str(tmp_path / "c")],
    ):
        p = run_fast(*args, cwd=tmp_path, timeout=60)
        refused(p.returncode, p.stderr, "not a regular file")
    assert sorted(p.name for p in tmp_path.iterdir()) == before


# ------------------------------------------------------------- 4. text is text


def _markup_save(tmp_path: Path, capsys) -> Path:
    s = write(tmp_path / "mk.toml", MINIMAL + '\n[player]\nname = "Lab [/]"\n')
    code, _out, err = cli(
        capsys, "run", str(s), "--save", "mk", "--saves-dir", str(tmp_path / "sv"), "--out",
        str(tmp_path / "o"),
    )  # fmt: skip
    assert code == 0, err
    return tmp_path / "sv"


def test_4_markup_in_a_lab_name_does_not_break_the_saves_listing(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    folder = _markup_save(tmp_path, capsys)
    write(folder / "[bold]broken[red].toml", "not = [toml")  # a save with a problem
    code, out, err = cli(capsys, "saves", "--saves-dir", str(folder))
    assert code == 0, err
    assert "Lab [/]" in out and "[bold]broken[red]" in out


def test_4_markup_in_titles_is_printed_as_written(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    f = folder / "scenarios" / "default.toml"
    text = f.read_text(encoding="utf-8")
    import re

    text = re.sub(r'(?m)^title = ".*"$', 'title = "Race [/] [bold]x[/bold]"', text, count=1)
    f.write_text(text, encoding="utf-8")
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)  # the rich table
    code, out, err = cli(capsys, "scenarios", "--content", str(folder))
    assert code == 0, err
    assert "Race [/] [bold]x[/bold]" in out


# ------------------------------------------------------ 14. replay --to N


def test_14_replay_to_n_reports_no_bankruptcy_that_did_not_happen(tmp_path, script, capsys):
    code, _, err = cli(
        capsys, "run", str(script), "--save", "g", "--saves-dir", str(tmp_path / "sv"), "--out",
        str(tmp_path / "o1"),
    )  # fmt: skip
    assert code == 0, err
    code, out, err = cli(
        capsys, "replay", "g", "--saves-dir", str(tmp_path / "sv"), "--to", "5", "--out",
        str(tmp_path / "o2"),
    )  # fmt: skip
    assert code == 0, err
    assert "bankrupt" not in out
    assert "went bankrupt" not in (tmp_path / "o2" / "debrief.md").read_text(encoding="utf-8")


def test_14_replay_to_before_a_bankruptcy_reports_none(tmp_path, capsys):
    import json

    hold = write(
        tmp_path / "h.toml", 'format_version = 1\nscenario = "default"\nseed = 2\npolicy = "hold"\n'
    )
    sv = str(tmp_path / "sv")
    code, out, err = cli(
        capsys, "run", str(hold), "--save", "h", "--saves-dir", sv, "--out", str(tmp_path / "o")
    )
    assert code == 0, err
    s = json.loads((tmp_path / "o" / "summary.json").read_text(encoding="utf-8"))
    if s["labs"][0]["alive"]:
        pytest.skip("the lab survived holding in this world")
    assert "went bankrupt in quarter" in out
    bust = s["quarters"]  # the game ended in the quarter the lab went bankrupt
    code, out, err = cli(
        capsys, "replay", "h", "--saves-dir", sv, "--to", str(bust - 1), "--out",
        str(tmp_path / "early"),
    )  # fmt: skip
    assert code == 0, err
    assert "bankrupt" not in out
    assert "went bankrupt" not in (tmp_path / "early" / "debrief.md").read_text(encoding="utf-8")
    code, out, err = cli(capsys, "replay", "h", "--saves-dir", sv, "--out", str(tmp_path / "all"))
    assert code == 0, err
    assert f"went bankrupt in quarter {bust}" in out


# ------------------------------------------------------ 12. misleading messages


def test_12_out_below_a_regular_file_is_not_permission_denied(tmp_path, script, capsys):
    write(tmp_path / "afile", "x")
    before = tree(tmp_path)
    code, _, err = cli(capsys, "run", str(script), "--out", str(tmp_path / "afile" / "x"))
    refused(code, err, "afile is a file, not a folder")
    assert "permission denied" not in err
    assert tree(tmp_path) == before


@pytest.mark.parametrize(
    "args",
    [
        ["sweep", "--scenario", "", "--worlds", "1"],
        ["content", "check", "--scenario", ""],
        ["content", "check", ""],
        ["run", "x.toml", "--out", ""],
        ["replay", ""],
        ["share", ""],
    ],
)
def test_12_empty_paths_are_not_a_directory(args, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = cli(capsys, *args)
    refused(code, err, "empty")
    assert "Is a directory" not in err
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------- 12. messages that say what happened


def test_12_a_utf8_bom_is_read_as_the_text_it_marks(tmp_path, capsys):
    bom = tmp_path / "bom.toml"
    bom.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    code, _, err = cli(capsys, "run", str(bom), "--out", str(tmp_path / "r"))
    assert code == 0, err
    assert (tmp_path / "r" / "summary.json").is_file()


def test_12_a_script_given_as_a_scenario_says_so(tmp_path, capsys, script):
    code, _, err = cli(capsys, "content", "check", str(script))
    refused(code, err, "this is a playthrough script, not a scenario", "frontier run")
    assert "upgrade Frontier" not in err


def test_12_a_hand_edited_save_is_not_blamed_on_the_engine(tmp_path, capsys, content):
    from game.play import GameSession

    s = GameSession.new(content, scenario="default", seed=5, folder=tmp_path)
    s.set("prices.frontier", 6.0)
    s.end_quarter(autosave=False, report=False)
    s.end_quarter(autosave=False, report=False)
    text = s.save("g").read_text()
    edited = write(tmp_path / "edited.toml", text.replace("frontier = 6.0", "frontier = 7.0"))
    code, _, err = cli(capsys, "replay", str(edited), "--out", str(tmp_path / "r"))
    refused(code, err, "the save was edited after it was written")
    assert "engine changed" not in err
    assert not (tmp_path / "r").exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_10_a_fifo_inside_a_content_folder_does_not_hang(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(ROOT / "content", root)
    os.mkfifo(root / "scenarios" / "pipe.toml")
    out = run_fast("content", "check", "--content", str(root), cwd=tmp_path, timeout=60)
    refused(out.returncode, out.stderr, "pipe.toml:1: (file): not a regular file")
