"""Saves: round trips, verified replays, migrations, corrupt input, names, autosaves."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from playkit import MINIMAL, ORDERED, ROOT, cli, tree, write

from game.content import load_content
from game.play.runner import play_through
from game.play.saves import (
    AUTOSAVES,
    SaveError,
    Session,
    clean_name,
    list_saves,
    load_save,
    read_save,
)
from game.play.script import SCRIPT_VERSION, load_script

FIXTURES = ROOT / "tests" / "play" / "saves"


def _digests(game):
    return [r.digest for r in game.records]


def test_round_trip_20_plus_20_equals_40_straight(tmp_path, content):
    pt = load_script(write(tmp_path / "s.toml", ORDERED), content)
    straight = play_through(pt)
    assert straight.quarter == 40
    half = play_through(pt, to_quarter=20)
    path = Session.from_playthrough(pt, half, content).save(tmp_path / "saves" / "half.toml")
    pt2, game, warnings = load_save(path, content)
    assert warnings == [] and game.quarter == 20
    assert _digests(game) == _digests(straight)[:20]
    while not game.done:
        game.play(pt2.orders.get(game.quarter))
    assert _digests(game) == _digests(straight)
    # The finished game saves and loads again, unchanged.
    end = Session.from_playthrough(pt2, game, content).save(tmp_path / "saves" / "end.toml")
    assert _digests(load_save(end, content)[1]) == _digests(straight)


def test_cli_run_save_then_replay_gives_the_same_outputs(tmp_path, capsys):
    script = write(tmp_path / "s.toml", ORDERED)
    sv = tmp_path / "sv"
    code, out, err = cli(
        capsys,
        "run",
        str(script),
        "--out",
        str(tmp_path / "a"),
        "--save",
        "mine",
        "--saves-dir",
        str(sv),
    )
    assert code == 0, err
    assert f"saved {sv}/mine.toml" in out
    code, _, err = cli(
        capsys, "replay", "mine", "--saves-dir", str(sv), "--out", str(tmp_path / "b")
    )
    assert code == 0, err
    a, b = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert a["quarters.csv"] == b["quarters.csv"] and a["debrief.md"] == b["debrief.md"]
    # --to stops early.
    code, _, _ = cli(
        capsys, "replay", str(sv / "mine.toml"), "--to", "8", "--out", str(tmp_path / "c")
    )
    assert code == 0
    assert (
        b"\n8," in tree(tmp_path / "c")["quarters.csv"]
        and b"\n9," not in tree(tmp_path / "c")["quarters.csv"]
    )


def test_saves_dir_from_the_environment(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("FRONTIER_SAVES", str(tmp_path / "env-saves"))
    script = write(tmp_path / "s.toml", MINIMAL)
    assert cli(capsys, "run", str(script), "--out", str(tmp_path / "o"), "--save", "g1")[0] == 0
    assert (tmp_path / "env-saves" / "g1.toml").is_file()
    code, out, _ = cli(capsys, "saves")
    assert code == 0 and "g1" in out and "default" in out and "40/40" in out


def test_a_changed_content_folder_is_caught_at_the_quarter_it_diverges(tmp_path, capsys, content):
    pt = load_script(write(tmp_path / "s.toml", MINIMAL), content)
    path = Session.from_playthrough(pt, play_through(pt, to_quarter=10), content).save(
        tmp_path / "g.toml"
    )
    changed = tmp_path / "content"
    shutil.copytree(content.root, changed)
    cal = changed / "calibration.toml"
    text = cal.read_text()
    old = "[params.alpha]\nvalue = 2.0"
    assert old in text
    cal.write_text(text.replace(old, "[params.alpha]\nvalue = 2.1"))
    before = path.read_bytes()
    code, _, err = cli(
        capsys, "replay", str(path), "--content", str(changed), "--out", str(tmp_path / "o")
    )
    assert code == 2
    assert (
        "quarter 1 (2025 Q1) does not replay to the saved state: the content folder changed" in err
    )
    assert "--force" in err and not (tmp_path / "o").exists() and path.read_bytes() == before
    code, _, err = cli(
        capsys,
        "replay",
        str(path),
        "--content",
        str(changed),
        "--out",
        str(tmp_path / "o"),
        "--force",
    )
    assert code == 0 and "warning" in err and (tmp_path / "o" / "summary.json").is_file()
    # The untouched content replays it cleanly.
    assert load_save(path, load_content(content.root))[2] == []


def test_one_fixture_per_version_loads(content):
    assert SCRIPT_VERSION == 2
    v1 = load_script(FIXTURES / "v1-script.toml", content)  # migrated from version 1
    assert v1.model.format_version == 2 and v1.model.save is None
    pt, game, warnings = load_save(FIXTURES / "v2-save.toml", content)
    assert warnings == [] and game.quarter == 6 and pt.model.save.lab == "Fixture Labs"
    assert _digests(game) == pt.model.save.digests
    assert _digests(game) == _digests(play_through(v1, to_quarter=6))


def _valid_save(tmp_path, content) -> bytes:
    pt = load_script(write(tmp_path / "src.toml", MINIMAL), content)
    path = Session.from_playthrough(pt, play_through(pt, to_quarter=4), content).save(
        tmp_path / "x.toml"
    )
    data = path.read_bytes()
    path.unlink()
    (tmp_path / "src.toml").unlink()
    return data


CORRUPT = {
    "truncated": (lambda good: good[: len(good) // 2], ""),
    "random bytes": (lambda good: bytes(range(256)) * 40, "not UTF-8"),
    "wrong types": (lambda good: good.replace(b"quarter = 4", b'quarter = "four"'), "save.quarter"),
    "missing field": (
        lambda good: good.replace(b'lab = "Your Lab"\n', b""),
        "save.lab: required field is missing",
    ),
    "future version": (
        lambda good: good.replace(b"format_version = 2", b"format_version = 3"),
        "version 3 is newer",
    ),
    "oversized": (lambda good: good + b"#" * 5_000_001, "5,000,000-byte limit"),
    "digest count": (
        lambda good: good.replace(b"quarter = 4", b"quarter = 5"),
        "save.digests: has 4 entries for 5",
    ),
    "unknown field": (
        lambda good: good.replace(b"[save]", b"[save]\ncheat = true"),
        "save.cheat: unknown key",
    ),
    "v1 with save": (
        lambda good: good.replace(b"format_version = 2", b"format_version = 1"),
        "version-1 file cannot hold",
    ),
}


@pytest.mark.parametrize("case", sorted(CORRUPT))
def test_corrupt_save_clear_error_and_nothing_changes(case, tmp_path, capsys, content):
    good = _valid_save(tmp_path, content)
    make, needle = CORRUPT[case]
    sv = tmp_path / "saves"
    write(sv / "other.toml", "format_version = 2\n")  # an unrelated file that must survive
    (sv / "bad.toml").write_bytes(make(good))
    before = tree(tmp_path)
    for argv in (
        ["replay", "bad", "--saves-dir", str(sv), "--out", str(tmp_path / "out")],
        ["play", "--load", "bad", "--saves-dir", str(sv)],
        ["share", "bad", "--saves-dir", str(sv)],
    ):
        code, out, err = cli(capsys, *argv)
        assert code == 2, (argv, out, err)
        assert "bad.toml:" in err and needle in err and "Traceback" not in err
        assert "save error" in err
    assert tree(tmp_path) == before


@pytest.mark.parametrize(
    "name", ["../evil", "..", "a/b", "x\\..\\y", "/etc/passwd", "n" * 80, "..."]
)
def test_save_names_that_try_path_traversal_are_refused(name, tmp_path, capsys):
    script = write(tmp_path / "s.toml", MINIMAL)
    sv = tmp_path / "deep" / "saves"
    sv.mkdir(parents=True)
    before = tree(tmp_path)
    code, _, err = cli(
        capsys,
        "run",
        str(script),
        "--out",
        str(tmp_path / "o"),
        "--save",
        name,
        "--saves-dir",
        str(sv),
    )
    assert code == 2 and "save name" in err
    assert tree(tmp_path) == before and not (tmp_path / "o").exists()


def test_clean_name():
    assert clean_name("My Game!") == "My Game"
    assert clean_name("class #3: week 2") == "class -3- week 2"
    assert clean_name("game.toml") == "game"
    for bad in ("../x", "a/b", "", "!!!", "x" * 65):
        with pytest.raises(SaveError):
            clean_name(bad)


def test_autosave_keeps_the_last_five(tmp_path, content):
    pt = load_script(write(tmp_path / "s.toml", MINIMAL), content)
    game = play_through(pt, to_quarter=0)
    session = Session.from_playthrough(pt, game, content)
    folder = tmp_path / "sv"
    for _ in range(8):
        game.play(None)
        session.autosave(folder, "run")
    names = sorted(p.name for p in folder.iterdir())
    assert names == [f"run.autosave-q{q:03d}.toml" for q in range(4, 9)]
    assert len(names) == AUTOSAVES
    newest = load_save(folder / "run.autosave-q008.toml", content)[1]
    assert newest.quarter == 8 and _digests(newest) == _digests(game)
    listed = list_saves(folder, content)
    assert sorted(s.quarter for s in listed) == [4, 5, 6, 7, 8]
    assert all(s.problem is None and s.scenario == "default" for s in listed)


def test_share_code_starts_the_same_world(tmp_path, capsys):
    text = (
        MINIMAL.replace('"balanced"', '"niche"')
        + "\n[player]\nspecialization = { science = 2, coding = 1 }\n"
    )
    script = write(tmp_path / "s.toml", text)
    code, out, _ = cli(capsys, "share", str(script))
    assert code == 0
    share = out.strip()
    assert share.startswith("FR1.default.7.niche.1_0_0_0_2_0.") and len(share) < 50
    assert cli(capsys, "run", str(script), "--out", str(tmp_path / "a"))[0] == 0
    assert cli(capsys, "run", "--code", share, "--out", str(tmp_path / "b"))[0] == 0
    a, b = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert a["quarters.csv"] == b["quarters.csv"]
    # A mistyped code is caught by its checksum.
    broken = share.replace(".7.", ".8.")
    code, _, err = cli(capsys, "run", "--code", broken, "--out", str(tmp_path / "c"))
    assert code == 2 and "mistyped" in err and not (tmp_path / "c").exists()
    code, _, err = cli(capsys, "run", "--code", "hello", "--out", str(tmp_path / "c"))
    assert code == 2 and "not a Frontier share code" in err


def test_run_needs_a_script_or_a_code(capsys):
    code, _, err = cli(capsys, "run")
    assert code == 2 and "give a script or --code" in err


def test_play_in_the_terminal_autosaves_and_continues(tmp_path):
    sv = tmp_path / "sv"
    keys = (
        "price=6 lease=30\ntrain=1e12x2e13@3\nend\nresearch.efficiency=1e6\nend\nclear\nend\nquit\n"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "game.cli",
            "play",
            "--seed",
            "4",
            "--name",
            "ada",
            "--saves-dir",
            str(sv),
        ],
        input=keys,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    # Quarter 2's research is refused (nothing played), cleared, then the standing
    # orders (the lease of 30k GPUs) play the quarter.
    assert "refused: orders spend $" in out and "nothing was played" in out
    assert "2025 Q1 played" in out and "2025 Q2 played" in out
    assert f"autosaved {sv / 'ada.autosave-q001.toml'}" in out
    assert f"saved {sv / 'ada.toml'} (continue with: frontier play --load ada" in out
    assert sorted(p.name for p in sv.iterdir()) == [
        "ada.autosave-q001.toml",
        "ada.autosave-q002.toml",
        "ada.toml",
    ]
    content = load_content(ROOT / "content")
    pt, game, _ = load_save(sv / "ada.toml", content)
    assert game.quarter == 2 and pt.orders[0].prices == {"frontier": 6.0}
    assert pt.orders[0].lease == 30.0 and pt.orders[0].train.params == 1e12
    assert pt.orders[1].lease == 30.0  # the standing lease, played again
    assert pt.orders[1].research == {} and pt.orders[1].train is None
    again = subprocess.run(
        [sys.executable, "-m", "game.cli", "play", "--load", "ada", "--saves-dir", str(sv)],
        input="end\nquit\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    assert "2025 Q3 played" in again.stdout
    pt, game, _ = load_save(sv / "ada.toml", content)
    assert game.quarter == 3 and pt.orders[2].lease == 30.0


def test_read_save_rejects_orders_after_the_saved_quarter(tmp_path, content):
    good = _valid_save(tmp_path, content).decode()
    bad = good + "\n[[quarters]]\nquarter = 9\nprices = { frontier = 5.0 }\n"
    with pytest.raises(SaveError, match="orders for quarter 9, after the 4 quarters saved"):
        read_save(bad.encode(), "x.toml", content)
