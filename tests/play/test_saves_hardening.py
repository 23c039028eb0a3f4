"""Issue 13: every save Frontier writes loads again, wherever it is loaded from; each
game keeps its own saves and autosaves; hostile files and names are refused cleanly."""

from __future__ import annotations

import importlib
import os
import stat
import subprocess
import sys
import time

import pytest
from playkit import ROOT, tree, write

from game.play import GameSession
from game.play.atomic import STALE_AFTER, atomic_write
from game.play.runner import play_through
from game.play.saves import (
    AUTOSAVES,
    SaveError,
    Session,
    clean_name,
    list_saves,
    load_save,
)
from game.play.script import load_script


def _scenario_file(path, content, first_lab=None):
    text = (ROOT / "content" / "scenarios" / "default.toml").read_text(encoding="utf-8")
    if first_lab is not None:
        text = text.replace('name = "Your Lab"', f'name = "{first_lab}"', 1)
    return write(path, text)


def _digests(game):
    return [r.digest for r in game.records]


# ------------------------------------------------------------------- defect 2


def test_relative_scenario_path_in_a_script_loads_from_the_saves_folder(
    tmp_path, content, monkeypatch
):
    _scenario_file(tmp_path / "scripts" / "world.toml", content)
    script = write(
        tmp_path / "scripts" / "s.toml",
        'format_version = 2\nscenario = "world.toml"\nseed = 3\npolicy = "balanced"\n',
    )
    pt = load_script(script, content)
    game = play_through(pt, to_quarter=2)
    saved = Session.from_playthrough(pt, game, content).save(tmp_path / "saves" / "g.toml")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    _, again, warnings = load_save(saved, content)
    assert warnings == [] and _digests(again) == _digests(game)


def test_play_with_a_relative_scenario_path_saves_a_loadable_game(tmp_path, content, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _scenario_file(tmp_path / "my.scen.toml", content)
    s = GameSession.new(content, scenario="./my.scen.toml", seed=4, folder="sv")
    s.end_quarter(autosave=False)
    path = s.save()
    assert path.resolve() == tmp_path / "sv" / "my.scen-4.toml"
    loaded = GameSession.load(content, "my.scen-4", folder="sv")
    assert loaded.quarter == 1 and _digests(loaded.game) == _digests(s.game)


@pytest.mark.parametrize(
    "stem",
    ["plain", "my..world", "x" * 80, "!!!", "a b"],
    ids=["plain", "dots", "long", "sym", "sp"],
)
def test_play_with_an_absolute_scenario_path_and_no_name_starts_and_saves(stem, tmp_path, content):
    scen = _scenario_file(tmp_path / "scen" / f"{stem}.toml", content)
    s = GameSession.new(content, scenario=str(scen), seed=9, folder=tmp_path / "sv")
    assert "/" not in s.save_name and clean_name(s.save_name) == s.save_name
    s.end_quarter(autosave=False)
    path = s.save()
    assert load_save(path, content)[1].quarter == 1


def test_a_bad_name_is_refused_before_the_game_starts(tmp_path, content):
    for bad in ("../x", "a/b", "n" * 65, "a\x00b"):
        with pytest.raises(SaveError, match="save name"):
            GameSession.new(content, seed=1, save_name=bad, folder=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_lab_name_over_40_characters_saves_and_loads(tmp_path, content):
    long = "The Extremely Long Named Frontier Research Laboratory"
    assert len(long) > 40
    scen = _scenario_file(tmp_path / "long.toml", content, first_lab=long)
    s = GameSession.new(content, scenario=str(scen), seed=2, folder=tmp_path / "sv")
    assert s.game.names[0] == long
    s.end_quarter(autosave=False)
    path = s.save("long")
    _, game, _ = load_save(path, content)
    assert game.names[0] == long and game.quarter == 1
    (info,) = list_saves(tmp_path / "sv", content)
    assert info.problem is None and len(info.lab) <= 40 and info.lab.startswith("The Extremely")


def test_a_40_character_player_name_taken_by_a_rival_saves_and_loads(tmp_path, content):
    rival = "R" * 40
    text = (ROOT / "content" / "scenarios" / "default.toml").read_text(encoding="utf-8")
    scen = write(tmp_path / "r.toml", text.replace('name = "Apex AI"', f'name = "{rival}"', 1))
    s = GameSession.new(content, scenario=str(scen), seed=2, lab_name=rival, folder=tmp_path)
    assert len(s.game.names[0]) > 40  # "... (you)"
    s.end_quarter(autosave=False)
    assert load_save(s.save("rv"), content)[1].quarter == 1


# ------------------------------------------------------------------- defect 6


def _play(s, n):
    for _ in range(n):
        s.end_quarter(autosave=True, report=False)


def test_a_new_game_under_a_used_name_keeps_both_games_autosaves(tmp_path, content):
    old = GameSession.new(content, seed=1, save_name="ada", folder=tmp_path)
    _play(old, 7)
    old.save()
    before = tree(tmp_path)
    new = GameSession.new(content, seed=2, save_name="ada", folder=tmp_path)
    assert new.save_name == "ada-2" and "saved as 'ada-2'" in " ".join(new.warnings)
    _play(new, 2)
    new.save()
    # The old game's files are untouched; the new one has its own.
    assert {k: v for k, v in tree(tmp_path).items() if k in before} == before
    assert (tmp_path / "ada-2.autosave-q001.toml").is_file()
    assert (tmp_path / "ada-2.autosave-q002.toml").is_file()
    assert load_save(tmp_path / "ada.toml", content)[1].quarter == 7


def test_the_same_seed_under_a_used_name_is_another_game_too(tmp_path, content):
    a = GameSession.new(content, seed=1, save_name="g", folder=tmp_path)
    a.set("prices.frontier", 5.0)
    _play(a, 3)
    b = GameSession.new(content, seed=1, save_name="g", folder=tmp_path)
    _play(b, 1)  # the same seed, other orders: another game from quarter 1 on
    assert b.save_name == "g-2"
    assert sorted(p.name for p in tmp_path.glob("g.autosave-q*.toml")) == [
        f"g.autosave-q{q:03d}.toml" for q in (1, 2, 3)
    ]


def test_a_rewound_load_keeps_the_later_saves_and_its_own(tmp_path, content):
    s = GameSession.new(content, seed=5, save_name="run", folder=tmp_path)
    _play(s, 6)
    s.save()
    head = tree(tmp_path)
    back = GameSession.load(content, tmp_path / "run.autosave-q003.toml", folder=tmp_path)
    assert back.quarter == 3 and back.save_name == "run-2"
    assert any("later state" in w for w in back.warnings)
    back.set("prices.frontier", 4.0)
    _play(back, 2)
    back.save()
    assert {k: v for k, v in tree(tmp_path).items() if k in head} == head
    assert load_save(tmp_path / "run-2.toml", content)[1].quarter == 5
    # Continuing the head keeps its name: its own files are earlier states.
    assert GameSession.load(content, "run", folder=tmp_path).save_name == "run"


def test_saving_over_another_games_save_is_refused(tmp_path, content):
    a = GameSession.new(content, seed=1, save_name="a", folder=tmp_path)
    _play(a, 1)
    a.save()
    b = GameSession.new(content, seed=2, save_name="b", folder=tmp_path)
    _play(b, 1)
    before = tree(tmp_path)
    with pytest.raises(SaveError, match="nothing was overwritten"):
        b.save("a")
    assert tree(tmp_path) == before
    # Saving this game's own later state over its earlier one is fine.
    _play(a, 1)
    assert load_save(a.save(), content)[1].quarter == 2


def test_rotation_keeps_five_of_the_games_own_autosaves(tmp_path, content):
    s = GameSession.new(content, seed=1, save_name="r", folder=tmp_path)
    _play(s, 8)
    names = sorted(p.name for p in tmp_path.glob("r.autosave-q*.toml"))
    assert names == [f"r.autosave-q{q:03d}.toml" for q in range(4, 9)] and len(names) == AUTOSAVES


# -------------------------------------------------------------- defects 8, 10


def test_saves_listing_checks_the_size_before_reading(tmp_path, content, monkeypatch):
    folder = tmp_path / "sv"
    folder.mkdir()
    big = folder / "big.toml"
    with open(big, "wb") as fh:
        fh.truncate(50_000_000)  # sparse: no memory, no disk
    read = []
    real = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: read.append(n) or real(fd, n))
    (info,) = list_saves(folder, content)
    assert "larger than the 5,000,000-byte limit" in info.problem and read == []
    with pytest.raises(SaveError, match="larger than the 5,000,000-byte limit"):
        load_save(big, content)
    assert read == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_does_not_hang_the_listing_or_a_load(tmp_path, content):
    folder = tmp_path / "sv"
    folder.mkdir()
    os.mkfifo(folder / "pipe.toml")
    code = (
        "import sys\nfrom pathlib import Path\n"
        "from game.content import default_content_dir, load_content\n"
        "from game.play.saves import SaveError, list_saves, load_save\n"
        "c = load_content(default_content_dir())\n"
        "f = Path(sys.argv[1])\n"
        "print(list_saves(f, c)[0].problem)\n"
        "try:\n    load_save(f / 'pipe.toml', c)\nexcept SaveError as e:\n    print(e.errors[0])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2 and all("not a regular file" in x for x in lines)


def test_a_folder_named_like_a_save_is_listed_with_its_problem(tmp_path, content):
    (tmp_path / "dir.toml").mkdir()
    (info,) = list_saves(tmp_path, content)
    assert "a folder" in info.problem
    with pytest.raises(SaveError, match="a folder"):
        load_save(tmp_path / "dir.toml", content)


# ------------------------------------------------------------------ defect 11


def test_saves_follow_the_umask(tmp_path, content):
    old = os.umask(0o022)
    try:
        s = GameSession.new(content, seed=1, save_name="u", folder=tmp_path)
        s.end_quarter(autosave=True, report=False)
        for p in (s.save(), tmp_path / "u.autosave-q001.toml"):
            assert stat.S_IMODE(p.stat().st_mode) == 0o644, p
        os.umask(0o077)
        atomic_write(tmp_path / "private.toml", b"x = 1\n")
        assert stat.S_IMODE((tmp_path / "private.toml").stat().st_mode) == 0o600
    finally:
        os.umask(old)


# ------------------------------------------------------------------ defect 12


def test_stale_temp_files_are_cleaned_and_fresh_ones_kept(tmp_path, content):
    stale = tmp_path / ".g.toml.abc123_z.tmp"
    fresh = tmp_path / ".g.toml.zzzzzzzz.tmp"
    other = tmp_path / ".notes.tmp"  # not the writer's pattern
    for p in (stale, fresh, other):
        p.write_bytes(b"half")
    old = time.time() - STALE_AFTER - 5
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    list_saves(tmp_path, content)
    assert not stale.exists() and fresh.exists() and other.exists()
    os.utime(fresh, (old, old))
    atomic_write(tmp_path / "x.toml", b"x = 1\n")
    assert not fresh.exists() and other.exists()


def test_non_ascii_names_stay_distinct(tmp_path, content):
    assert clean_name("café") == "café" and clean_name("cafè") == "cafè"
    assert clean_name("cafe\u0301") == "café"  # the same name, however it is typed
    assert clean_name("東京") == "東京"
    a = GameSession.new(content, seed=1, save_name="café", folder=tmp_path)
    b = GameSession.new(content, seed=2, save_name="cafè", folder=tmp_path)
    pa, pb = a.save(), b.save()
    assert pa != pb and pa.is_file() and pb.is_file()
    assert load_save(pa, content)[1].seed == 1 and load_save(pb, content)[1].seed == 2


@pytest.mark.parametrize(
    "name", ["../x", "..", "a/b", "x\\y", "n" * 65, "a\x00b", "a\nb", "!!!", "", "é" * 65]
)
def test_in_game_save_and_rename_refuse_bad_names_with_save_error(name, tmp_path, content):
    s = GameSession.new(content, seed=1, save_name="ok", folder=tmp_path / "sv")
    s.end_quarter(autosave=False)
    s.set("prices.frontier", 5.0)
    before = tree(tmp_path)
    with pytest.raises(SaveError, match="save name"):
        s.save(name or "\x00")
    with pytest.raises(SaveError, match="save name"):
        s.rename(name or " ")
    assert tree(tmp_path) == before and s.save_name == "ok"
    assert s.draft == {"prices": {"frontier": 5.0}}  # the pending orders are kept
    assert load_save(s.save(), content)[1].quarter == 1


# ------------------------------------------------------------------ defect 3


def test_an_unwritable_saves_folder_is_reported_not_raised(tmp_path, content):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    s = GameSession.new(content, seed=1, save_name="g", folder=blocker / "sv")
    report = s.end_quarter(autosave=True)
    assert report.autosave is None and "cannot write the save" in report.autosave_error
    with pytest.raises(SaveError, match="cannot write the save"):
        s.save()
    assert s.quarter == 1


def test_autosave_reports_any_os_error(tmp_path, content, monkeypatch):
    saves = importlib.import_module("game.play.saves")

    s = GameSession.new(content, seed=1, save_name="g", folder=tmp_path)
    for exc in (PermissionError(13, "Permission denied"), NotADirectoryError(20, "nope"), OSError):

        def boom(path, data, exc=exc):
            raise exc

        monkeypatch.setattr(saves, "atomic_write", boom)
        report = s.end_quarter(autosave=True)
        assert report.autosave is None and "cannot write the save" in report.autosave_error
        with pytest.raises(SaveError):
            s.save()
    assert s.quarter == 3


def test_a_content_folder_that_cannot_be_read_at_save_time_is_a_save_error(
    tmp_path, content, monkeypatch
):
    saves = importlib.import_module("game.play.saves")

    s = GameSession.new(content, seed=1, save_name="g", folder=tmp_path)

    def boom(content):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(saves, "content_digest", boom)
    with pytest.raises(SaveError, match="Permission denied"):
        s.save()
    assert s.end_quarter(autosave=True).autosave_error


def test_frontier_play_with_an_absolute_scenario_path_and_no_name(tmp_path):
    scen = _scenario_file(tmp_path / "my..scen.toml", None)
    sv = tmp_path / "sv"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "game.cli",
            "play",
            "--scenario",
            str(scen),
            "--seed",
            "4",
            "--saves-dir",
            str(sv),
        ],
        input="end\nquit\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "my.scen-4.toml" in done.stdout and "Traceback" not in done.stderr
    again = subprocess.run(
        [sys.executable, "-m", "game.cli", "play", "--load", "my.scen-4", "--saves-dir", str(sv)],
        input="quit\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    assert "2025 Q2" in again.stdout


def test_a_saves_folder_with_a_nul_is_a_save_error(tmp_path, content):
    s = GameSession.new(content, seed=1, save_name="g", folder=str(tmp_path) + "/a\x00b")
    assert "cannot write the save" in s.end_quarter(autosave=True).autosave_error
    with pytest.raises(SaveError, match="cannot write the save"):
        s.save()
    with pytest.raises(SaveError, match="cannot read"):
        load_save(str(tmp_path) + "/a\x00b/g.toml", content)
