"""What if: the decisions that moved the score most, checked against `frontier compare`."""

from __future__ import annotations

import copy
import json
import tomllib

import pytest
from playkit import MINIMAL, ROOT, cli, write

from game.play.compare import compare, compare_json
from game.play.outputs import summary
from game.play.runner import Game, play_through
from game.play.saves import Session, load_save
from game.play.script import load_script, script_from_data
from game.play.whatif import (
    NO_DECISIONS,
    NO_EFFECT,
    decisions,
    script_toml,
    what_if_lines,
    what_ifs,
    what_ifs_md,
    write_script,
)

#: A game whose what-ifs cover most kinds, and later orders the world without a
#: decision refuses (a second run while the policy's is under way; a repayment of a
#: loan never taken).
CASCADE = {
    "format_version": 2,
    "scenario": "default",
    "seed": 7,
    "policy": "balanced",
    "player": {"name": "Ada Labs"},
    "quarters": [
        {"quarter": 1, "raise_funds": 8.0, "prices": {"frontier": 9.0}, "note": "fund it"},
        {"quarter": 2, "lease": 60.0, "research": {"efficiency": 0.5}},
        {
            "quarter": 3,
            "train": {"params": 1e12, "tokens": 2e13, "quarters": 2},
            "build": ["swarm"],
        },
        {"quarter": 5, "borrow": 1.0, "prices": {"frontier": 5.0}},
        {"quarter": 6, "repay": 1.0, "train": {"params": 2e12, "tokens": 4e13, "quarters": 2}},
    ],
}


@pytest.fixture(scope="module")
def cascade(content):
    pt = script_from_data(CASCADE, content, shown="cascade.toml")
    return pt, play_through(pt)


@pytest.fixture(scope="module")
def scale_bet(content):
    pt = load_script(ROOT / "examples" / "scale-bet.toml", content)
    return pt, play_through(pt)


def _me(s: dict) -> dict:
    return next(lab for lab in s["labs"] if lab["controller"] == "player")


def _check_against_compare(pt, w, content) -> None:
    """The what-if's figures are what `compare` reports for the two scripts."""
    pb = script_from_data(w.script, content, shown="without.toml")
    c = compare(pt, pb)
    sa, sb = summary(c.a), summary(c.b)
    assert (sa["player"]["score"], sb["player"]["score"]) == (w.score_with, w.score_without)
    assert (_me(sa)["cumulative_profit"], _me(sb)["cumulative_profit"]) == (
        w.profit_with,
        w.profit_without,
    )
    assert (_me(sa)["revenue_share"], _me(sb)["revenue_share"]) == (w.share_with, w.share_without)
    assert (sa["verdict"], sb["verdict"]) == (w.verdict_with, w.verdict_without)
    assert (sa["quarters"], sb["quarters"]) == (w.quarters_with, w.quarters_without)
    # The decision's quarter is where the two games part, in orders and in outcome.
    assert c.first_orders == w.quarter - 1
    assert compare_json(c)["first_order_difference"] == w.quarter
    assert c.first_state == w.quarter - 1
    # Played from a copy of the game, bit for bit the full replay of the script.
    assert c.b.records[-1].digest == w.digest


def test_what_ifs_match_compare(cascade, content):
    pt, game = cascade
    items = what_ifs(game, pt, top=None)
    assert len(items) >= 4
    assert any(w.dropped for w in items)  # the world without it refused a later order
    for w in items:
        _check_against_compare(pt, w, content)
        assert w.text.startswith("If you had not ") and f" in {w.date}, " in w.text
        assert w.decision and w.date.startswith("20")
        for d in w.dropped:
            assert d in w.text


def test_a_bankruptcy_what_if_matches_compare(scale_bet, content):
    pt, game = scale_bet
    items = what_ifs(game, pt)
    assert len(items) == 3
    bust = [w for w in items if w.quarters_without < w.quarters_with]
    assert bust and "would have gone bankrupt in" in bust[0].text
    for w in items:
        _check_against_compare(pt, w, content)


def test_frontier_compare_reproduces_a_what_if(scale_bet, tmp_path, capsys):
    pt, game = scale_bet
    w = what_ifs(game, pt, top=1)[0]
    b = write_script(w, tmp_path / "without.toml")
    assert tomllib.loads(b.read_text(encoding="utf-8")) == w.script
    assert b.read_text(encoding="utf-8").startswith("# If you had not ")
    code, out, err = cli(
        capsys, "compare", str(ROOT / "examples" / "scale-bet.toml"), str(b), "--json"
    )
    assert code == 0, err
    d = json.loads(out)
    assert d["first_order_difference"] == w.quarter
    assert d["moved"]["score"] == {"a": w.score_with, "b": w.score_without}
    assert d["moved"]["cumulative_profit"] == {"a": w.profit_with, "b": w.profit_without}


def test_a_lease_the_cash_no_longer_pays_for_is_cut(content):
    data = {
        "format_version": 2,
        "scenario": "default",
        "seed": 7,
        "policy": "balanced",
        "quarters": [
            {"quarter": 1, "raise_funds": 15.0},
            {"quarter": 2, "lease": 1800.0, "buy": 50.0},  # only the round pays for these
            {"quarter": 3, "lease": 100.0},
        ],
    }
    pt = script_from_data(data, content)
    game = play_through(pt)
    [w] = what_ifs(game, pt)
    assert w.kind == "raise" and w.quarter == 1
    assert [d.split(",")[0] for d in w.dropped] == [
        "buying 50k GPUs in 2025 Q2",
        "the lease",
        "the lease",
    ]
    q2, q3 = w.script["quarters"][1:]
    assert "buy" not in q2 and 0 < q2["lease"] < 1800 and 0 < q3["lease"] < 100
    _check_against_compare(pt, w, content)


def _remove(data: dict, d) -> dict:
    """The script without decision d, edited by hand (the test's own oracle)."""
    out = copy.deepcopy(data)
    q = next(x for x in out["quarters"] if x["quarter"] == d.quarter + 1)
    field = {
        "train": "train",
        "raise": "raise_funds",
        "borrow": "borrow",
        "release": "release_open",
        "distill": "distill",
    }.get(d.kind)
    if field:
        del q[field]
    elif d.kind == "build":
        q["build"] = [p for p in q["build"] if p not in d.keys]
    else:
        q["prices"] = {k: v for k, v in q["prices"].items() if k not in d.keys}
    return out


def test_the_three_moved_the_score_most_of_all_decisions(scale_bet, content):
    pt, game = scale_bet
    data = tomllib.loads((ROOT / "examples" / "scale-bet.toml").read_text(encoding="utf-8"))
    score = game.score()[0]
    # Every candidate played by hand, as a full game of its own script.
    change = {}
    for d in decisions(game, pt):
        g = play_through(script_from_data(_remove(data, d), content))
        change[(d.quarter + 1, d.kind)] = abs(g.score()[0] - score)
    assert len(change) == 5
    top = what_ifs(game, pt)
    assert len(top) == 3
    got = [abs(w.score_change) for w in top]
    assert got == sorted(got, reverse=True)
    for w in top:
        assert abs(w.score_change) == change[(w.quarter, w.kind)]
    rest = [v for k, v in change.items() if k not in {(w.quarter, w.kind) for w in top}]
    assert min(got) >= max(rest)
    assert max(change.values()) > 0  # the test means something: one decision moves the score
    everything = what_ifs(game, pt, top=None)
    assert everything[:3] == top


def test_ties_are_broken_by_profit(cascade):
    pt, game = cascade
    items = what_ifs(game, pt, top=None)
    keys = [(-abs(w.score_change), -abs(w.profit_change)) for w in items]
    assert keys == sorted(keys)


def test_no_decisions_no_what_ifs(content, tmp_path):
    # The policy plays every quarter: its price moves and runs are not the player's.
    pt = load_script(write(tmp_path / "m.toml", MINIMAL), content)
    game = play_through(pt)
    assert any(a.matters for r in game.records for a in r.actions)
    assert decisions(game, pt) == [] and what_ifs(game, pt) == []
    assert what_if_lines([], 0) == [NO_DECISIONS]
    assert NO_DECISIONS in what_ifs_md(game, pt)
    # Orders that are not decisions that matter (a lease, research) give none either.
    small = MINIMAL + "\n[[quarters]]\nquarter = 2\nlease = 10.0\nresearch = { efficiency = 0.1 }\n"
    pt = load_script(write(tmp_path / "s.toml", small), content)
    game = play_through(pt)
    assert decisions(game, pt) == [] and what_ifs(game, pt) == []
    assert what_if_lines([], 1) == [NO_EFFECT]


def test_deterministic_across_calls_and_a_save(cascade, content, tmp_path):
    pt, game = cascade
    first = what_ifs(game, pt)
    again = what_ifs(game, pt)
    assert first == again and [w.script for w in first] == [w.script for w in again]
    assert [script_toml(w) for w in first] == [script_toml(w) for w in again]
    header = {k: CASCADE[k] for k in ("scenario", "seed", "policy", "player")}
    path = Session(game, header, content).save(tmp_path / "game.toml")
    pt2, game2, warnings = load_save(path, content)
    assert not warnings
    loaded = what_ifs(game2, pt2)
    assert loaded == first
    assert [w.script for w in loaded] == [w.script for w in first]


def test_a_fork_plays_on_as_the_game_would(cascade):
    pt, game = cascade
    g = Game.from_playthrough(pt)
    for t in range(12):
        g.play(pt.orders.get(t))
    before = [r.digest for r in g.records]
    fork = g.fork()
    while not fork.done:
        fork.play(pt.orders.get(fork.quarter))
    assert [r.digest for r in fork.records] == [r.digest for r in game.records]
    assert [r.digest for r in g.records] == before and g.quarter == 12  # untouched
    g.play(pt.orders.get(12))
    assert g.records[-1].digest == game.records[12].digest


def test_a_game_that_does_not_replay_from_the_script_is_refused(cascade, content):
    _, game = cascade
    other = dict(CASCADE, seed=8)
    with pytest.raises(ValueError, match="does not replay"):
        what_ifs(game, script_from_data(other, content))


def test_a_game_played_in_the_session_gets_its_what_ifs(content, tmp_path):
    """The debrief's what-ifs for a game played quarter by quarter in a GameSession:
    each equals `frontier compare` of the session's own playthrough against the
    what-if's script, and the debrief and its export carry them."""
    from game.play import GameSession

    s = GameSession.new(content, scenario="default", seed=11, folder=tmp_path)
    s.set("raise_funds", 5.0)
    s.end_quarter(autosave=False, report=False)
    s.set("prices.frontier", 4.0)
    s.end_quarter(autosave=False, report=False)
    s.set("train", {"params": 8e11, "tokens": 1.6e13, "quarters": 2})
    while not s.done:
        s.end_quarter(autosave=False, report=False)
    items, lines = s.what_ifs()
    assert 1 <= len(items) <= 3 and lines == [w.text for w in items]
    pt = s.playthrough()
    for w in items:
        cmp = compare(pt, script_from_data(w.script, content, shown="without.toml"))
        data = compare_json(cmp)
        assert data["first_order_difference"] == w.quarter
        moved = data["moved"]  # what compare lists moved; the rest stayed put
        score = moved.get("score", {"a": w.score_with, "b": w.score_with})
        assert score == {"a": w.score_with, "b": w.score_without}
        profit = moved.get("cumulative_profit", {"a": w.profit_with, "b": w.profit_with})
        assert profit == {"a": w.profit_with, "b": w.profit_without}
    md = s.debrief_md(what_ifs=True)
    assert "## What if: the decisions that moved your score most" in md
    assert md.index("## What if") < md.index("## Decisions that mattered")
    exported = s.export(tmp_path / "out") / "debrief.md"
    assert items[0].text in exported.read_text()
