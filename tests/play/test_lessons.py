"""Lessons played in the game (game/play/lesson.py): the prediction form, the
checkpoints and their figures, answers kept in the save and the run folder, the
world played on after a bankruptcy, and `frontier class collect` gathering it all."""

from __future__ import annotations

import csv
import io
import json

import pytest
from playkit import cli, tree, write

from game.content.schema import CHART_IDS, LESSON_FIGURES, PREDICTABLE
from game.engine import VERDICTS
from game.play import GameSession, ScriptError
from game.play.charts import charts
from game.play.lesson import FIGURES, hhi_band
from game.play.saves import SaveError

SOLAR = {"verdict": "commoditized", "hhi-2030": 1500, "lerner-end": 0.1, "labs-left": 4}


def lesson_game(content, folder, lid="solar-vs-steel", student="Ada", group=None, **kw):
    m = content.lessons[lid]
    scen = content.scenarios[group or m.scenario]
    preds = {}
    for p in m.predictions:
        f = FIGURES[p.check]
        preds[p.id] = "competitive" if p.check == "verdict" else max(f.lo, 0)
    s = GameSession.new_lesson(
        content, lid, student, preds, group=group, folder=folder / "saves", **kw
    )
    assert s.scenario.id == scen.id
    return s


def play_to_end(s, auto: bool = False, answer: bool = True) -> list:
    """Play to the end (the game's policy for every quarter, or the standing orders),
    answering each checkpoint as it comes; the checkpoints seen, in order."""
    seen = []
    while not s.done:
        if auto:
            s.autoplay(autosave=False, report=False)
        else:
            s.end_quarter(autosave=False, report=False)
        cp = s.checkpoint_due()
        if cp is not None:
            seen.append(cp)
            if answer:
                s.answer(cp.quarter, f"my answer at quarter {cp.quarter}")
    return seen


# ------------------------------------------------------------------ one definition


def test_every_figure_and_chart_a_lesson_may_name_is_defined_once():
    assert tuple(FIGURES) == LESSON_FIGURES
    assert set(PREDICTABLE) <= set(FIGURES)
    for fid in PREDICTABLE:
        f = FIGURES[fid]
        if fid != "verdict":  # a number: the form needs its range
            assert f.lo > float("-inf") and f.hi < float("inf"), fid


def test_chart_ids_are_the_charts_screen_ones(content, tmp_path):
    s = lesson_game(content, tmp_path)
    s.end_quarter(autosave=False, report=False)
    assert tuple(c.id for c in charts(s.game)) == CHART_IDS


def test_figures_link_real_glossary_terms(content):
    for f in FIGURES.values():
        assert f.term is None or f.term in content.terms, f.id


def test_hhi_bands_follow_the_guidelines():
    assert "highly concentrated" in hhi_band(2000)
    assert "unconcentrated" in hhi_band(900)
    assert "moderately" in hhi_band(1600)
    assert "one firm dominates" in hhi_band(6000)
    assert "highly concentrated (" in hhi_band(1800)  # the verdict's own line
    assert "highly concentrated (" not in hhi_band(1799)


# ------------------------------------------------------------------ checkpoints


@pytest.mark.parametrize(
    "lid,group",
    [
        ("solar-vs-steel", "solar"),
        ("solar-vs-steel", "steel"),
        ("differentiation", None),
        ("inference-economics", None),
        ("scaling-law", None),
        ("value-chain", None),
    ],
)
def test_every_checkpoint_comes_at_its_quarter_with_its_figures(content, tmp_path, lid, group):
    """With any player in the seat (here one who only ends quarters), every checkpoint
    comes once its quarter is played, counted from 1, with every figure it names."""
    s = lesson_game(content, tmp_path, lid, group=group, seed=3)
    m = content.lessons[lid]
    seen = play_to_end(s)
    assert [cp.quarter for cp in seen] == [cp.quarter for cp in m.checkpoints]
    for cp, want in zip(seen, m.checkpoints, strict=True):
        assert cp.date == s.date(cp.quarter - 1)
        assert [f.id for f in cp.figures] == list(want.show)
        assert all(f.text and "nan" not in f.text for f in cp.figures), cp.figures
    assert s.quarter == s.scenario.quarters


def test_figures_are_the_game_s_own_numbers(content, tmp_path):
    s = lesson_game(content, tmp_path)
    for _ in range(5):
        s.end_quarter(autosave=False, report=False)
    cp = s.checkpoint_due()
    got = {f.id: f.text for f in cp.figures}
    market = s.game.records[4].market
    assert got["hhi"] == f"{market['hhi']:,.0f}"
    assert got["cr4"] == f"{market['cr4']:.0%}"
    assert got["lerner"] == f"{market['lerner']:.2f}"
    assert got["hhi_band"] == hhi_band(market["hhi"])


def test_a_bankrupt_student_watches_the_world_to_the_end(content, tmp_path):
    """In solar a lab that only holds goes bankrupt; the lesson plays the world on, so
    the later checkpoints and the ending still come (the class compares endings)."""
    s = lesson_game(content, tmp_path, seed=7)
    seen = play_to_end(s)
    bust = s.game.bust_quarter
    assert bust is not None and bust + 1 < 25
    assert [cp.quarter for cp in seen] == [5, 13, 25, 40]
    assert s.quarter == 40 and s.done
    md = s.debrief_md()
    assert "went bankrupt in" in md and "The lesson played the world on" in md
    results = {r.id: r for r in s.lesson_results()}
    assert results["verdict"].actual in VERDICTS
    assert results["labs-left"].actual == s.game.records[-1].market["labs_alive"]


def test_a_normal_game_still_ends_at_a_bankruptcy(content):
    s = GameSession.new(content, scenario="solar", seed=7, folder="unused")
    while not s.done:
        s.end_quarter(autosave=False, report=False)
    assert s.quarter < 40 and s.game.bust_quarter == s.quarter - 1


# ------------------------------------------------------------------ the form


def test_the_form_names_the_world_and_draws_a_seed_per_student(content):
    shared = GameSession.lesson_form(content, "solar-vs-steel")
    assert shared.seed == 7 and not shared.own_seed
    assert shared.groups == ("solar", "steel")
    assert "the same for the whole class" in shared.world
    own = [GameSession.lesson_form(content, "scaling-law") for _ in range(3)]
    assert all(f.own_seed for f in own)
    assert len({f.seed for f in own}) == 3
    assert f"seed {own[0].seed}" in own[0].world and "world of their own" in own[0].world
    kinds = {f.id: f.kind for f in shared.fields}
    assert kinds == {
        "verdict": "choice",
        "hhi-2030": "number",
        "lerner-end": "number",
        "labs-left": "number",
    }
    hhi = next(f for f in shared.fields if f.id == "hhi-2030")
    assert hhi.date == "2030 Q4" and hhi.quarter == 24


@pytest.mark.parametrize(
    "change,needle",
    [
        ({"hhi-2030": 20000}, "between 0 and 10000"),
        ({"hhi-2030": "lots"}, "between 0 and 10000"),
        ({"hhi-2030": float("nan")}, "between 0 and 10000"),
        ({"verdict": "steel"}, "choose one of: monopoly"),
        ({"labs-left": 2.5}, "whole number"),
        ({"labs-left": ""}, "give your prediction"),
    ],
)
def test_bad_predictions_are_refused_and_nothing_is_written(content, tmp_path, change, needle):
    preds = {**SOLAR, **change}
    with pytest.raises(ScriptError) as e:
        GameSession.new_lesson(content, "solar-vs-steel", "Ada", preds, folder=tmp_path / "s")
    assert needle in " ".join(e.value.errors)
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize(
    "kw,needle",
    [
        ({"student": ""}, "your name"),
        ({"student": "x" * 41}, "your name"),
        ({"group": "default"}, "played in solar, steel"),
        ({"lesson": "no-such"}, "unknown lesson 'no-such'"),
    ],
)
def test_bad_lesson_starts_are_refused(content, tmp_path, kw, needle):
    args = {"lesson": "solar-vs-steel", "student": "Ada", "predictions": SOLAR, **kw}
    with pytest.raises(ScriptError) as e:
        GameSession.new_lesson(content, folder=tmp_path, **args)
    assert needle in " ".join(e.value.errors)


# ------------------------------------------------------------------ answers kept


def test_answers_go_to_the_save_and_the_run_folder(content, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = lesson_game(content, tmp_path, group="steel", policy="balanced")
    for _ in range(5):
        s.end_quarter(autosave=False, report=False)
    path = s.answer(5, "HHI about 2,000, highly concentrated")
    assert path == tmp_path / "runs" / "lesson-solar-vs-steel-Ada" or path.resolve() == (
        tmp_path / "runs" / "lesson-solar-vs-steel-Ada"
    )
    summ = json.loads((path / "summary.json").read_text())
    assert summ["lesson"]["student"] == "Ada" and summ["lesson"]["group"] == "steel"
    assert summ["lesson"]["answers"][0]["answer"] == "HHI about 2,000, highly concentrated"
    # The save holds it too, and loads to the same game with the same answers.
    saved = tmp_path / "saves" / "lesson-solar-vs-steel-Ada.toml"
    assert "HHI about 2,000" in saved.read_text()
    back = GameSession.load(content, saved)
    assert back.game.lesson[1].answers == {5: "HHI about 2,000, highly concentrated"}
    assert back.game.lesson[1].predictions == s.game.lesson[1].predictions
    assert back.game.records[-1].digest == s.game.records[-1].digest
    # A checkpoint that does not exist, or has not come, is refused.
    with pytest.raises(SaveError):
        s.answer(6, "no checkpoint here")
    with pytest.raises(SaveError):
        s.answer(13, "not yet played")


def test_the_headless_run_of_a_lesson_save_has_the_same_answers(
    content, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    s = lesson_game(content, tmp_path, group="steel", policy="balanced")
    play_to_end(s, auto=True)
    app_side = json.loads((s.run_folder / "summary.json").read_text())["lesson"]
    save = s.save()
    code, _, err = cli(capsys, "run", str(save), "--out", str(tmp_path / "headless"))
    assert code == 0, err
    headless = json.loads((tmp_path / "headless" / "summary.json").read_text())["lesson"]
    assert headless == app_side
    assert [a["answer"] for a in headless["answers"]] == [
        f"my answer at quarter {q}" for q in (5, 13, 25, 40)
    ]


@pytest.mark.parametrize(
    "edit,needle",
    [
        (('id = "solar-vs-steel"', 'id = "no-such-lesson"'), "lesson.id: unknown lesson"),
        (("labs-left = ", "nope = "), "lesson.predictions.nope: unknown prediction"),
        (("{ quarter = 5, text", "{ quarter = 6, text"), "no checkpoint at quarter 6"),
        (("{ quarter = 5, text", "{ quarter = 13, text"), "quarter 13 has not been played"),
        (('group = "solar"', 'group = "steel"'), "the game plays 'solar'"),
        (('verdict = "commoditized"', 'verdict = "sunny"'), "choose one of"),
    ],
)
def test_a_hand_edited_lesson_table_is_refused_with_its_line(
    content, tmp_path, monkeypatch, edit, needle
):
    monkeypatch.chdir(tmp_path)
    s = GameSession.new_lesson(content, "solar-vs-steel", "Ada", SOLAR, folder=tmp_path / "saves")
    for _ in range(6):
        s.end_quarter(autosave=False, report=False)
    s.answer(5, "an answer")
    text = s.save().read_text()
    old, new = edit
    assert old in text, old
    bad = write(tmp_path / "bad.toml", text.replace(old, new, 1))
    before = tree(tmp_path / "saves")
    with pytest.raises(SaveError) as e:
        GameSession.load(content, bad)
    msg = " ".join(e.value.errors)
    assert needle in msg and "bad.toml:" in msg, msg
    assert tree(tmp_path / "saves") == before


# ------------------------------------------------------------------ the debrief


def test_the_debrief_puts_predictions_against_the_game(content, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = lesson_game(content, tmp_path, group="steel", policy="balanced")
    play_to_end(s, auto=True)
    md = s.debrief_md()
    assert "## Lesson: Solar or steel?" in md
    final = s.game.records[-1].market
    assert f"| {final['verdict']}:" in md
    at24 = s.game.records[23].market["hhi"]
    assert f"| 2030 Q4 | 0 | {at24:,.0f} |" in md
    assert "*You wrote:* my answer at quarter 25" in md
    talk = s.discussion()
    m = content.lessons["solar-vs-steel"]
    assert [d.question for d in talk] == [q.question for q in m.questions]
    assert [tuple(c.id for c in d.charts) for d in talk] == [tuple(q.charts) for q in m.questions]


# ------------------------------------------------------------------ class collect


def test_class_collect_gathers_every_student_s_answers(content, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for who, group in (("Ada", "solar"), ("Bo", "steel")):
        s = lesson_game(content, tmp_path, student=who, group=group, policy="balanced")
        play_to_end(s, auto=True)
    code, out, err = cli(
        capsys, "class", "collect", *map(str, sorted((tmp_path / "runs").iterdir())), "--out", "cls"
    )
    assert code == 0, err
    assert "answers.csv" in out
    rows = list(csv.DictReader(io.StringIO((tmp_path / "cls" / "answers.csv").read_text())))
    assert {r["student"] for r in rows} == {"Ada", "Bo"}
    assert {r["world"] for r in rows} == {"solar", "steel"}
    answers = [r for r in rows if r["kind"] == "checkpoint" and r["student"] == "Bo"]
    assert [r["answer"] for r in answers] == [f"my answer at quarter {q}" for q in (5, 13, 25, 40)]
    verdicts = [r for r in rows if r["item"] == "verdict"]
    assert all(r["actual"] in VERDICTS for r in verdicts)
    md = (tmp_path / "cls" / "class.md").read_text()
    assert (
        "predictions against what happened" in md and "- Bo (steel): my answer at quarter 5" in md
    )
    table = list(csv.DictReader(io.StringIO((tmp_path / "cls" / "class.csv").read_text())))
    assert {r["student"] for r in table} == {"Ada", "Bo"}


# ------------------------------------------------------------------ content checks


@pytest.mark.parametrize(
    "edit,needle",
    [
        (
            ('show = ["hhi", "hhi_band", "cr4", "lerner"]', 'show = ["hhi", "profit_soon"]'),
            "checkpoints[0].show[1]",
        ),
        (('groups = ["solar", "steel"]', 'groups = ["solar", "moon"]'), "unknown scenario 'moon'"),
        (('groups = ["solar", "steel"]', 'groups = ["steel"]'), "among its groups"),
        (("quarter = 24", "quarter = 44"), "quarter 44 is after the scenario's last (40)"),
        (('check = "hhi"', 'check = "my_products"'), "predictions[1].check"),
        (('charts = ["value_chain"]', 'charts = ["pie"]'), "debrief[2]"),
    ],
)
def test_content_check_catches_lesson_mistakes(tmp_path, capsys, edit, needle):
    import shutil

    from game.content import default_content_dir

    root = tmp_path / "content"
    shutil.copytree(default_content_dir(), root)
    f = root / "lessons" / "solar-vs-steel.toml"
    old, new = edit
    assert old in f.read_text(), old
    f.write_text(f.read_text().replace(old, new, 1))
    code, _, err = cli(capsys, "content", "check", "--content", str(root))
    assert code == 2
    assert "solar-vs-steel.toml:" in err and needle in err, err
    assert "unknown lesson" not in err  # the lesson's own error, said once
