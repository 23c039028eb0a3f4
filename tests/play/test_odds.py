"""The odds of a game: copies of it played from now to the end. They equal
`frontier sweep` on the same worlds and never touch the game itself."""

from __future__ import annotations

import json

import numpy as np
import pytest
from playkit import cli

from game.engine.creation import futures
from game.play import GameSession, open_content
from game.play.runner import state_digest
from game.play.sweep import SweepCancelled, run_sweep, sweep_json


@pytest.fixture(scope="module")
def content():
    return open_content(None)


def _session(content, tmp_path, quarters: int, seed: int = 5) -> GameSession:
    s = GameSession.new(content, "default", seed=seed, save_name="g", folder=tmp_path)
    for _ in range(quarters):
        s.end_quarter(autosave=False)
    return s


def test_before_the_first_quarter_the_odds_are_the_sweep_of_new_worlds(content, tmp_path):
    s = _session(content, tmp_path, 0)
    goals = content.scenario_model("default").goals
    fresh = sweep_json(run_sweep(content.scenario("default"), "balanced", 30, 7, goals=goals))
    odds = s.odds("balanced", 30, 7)
    assert odds == fresh | {"from_quarter": 1}


def test_the_odds_equal_frontier_sweep_from_the_save(content, tmp_path, capsys):
    s = _session(content, tmp_path, 6)
    s.save()
    odds = s.odds("standing", 40, 3)
    code, out, _ = cli(
        capsys,
        *("sweep", "--from", "g", "--saves-dir", str(tmp_path), "--policy", "standing"),
        *("--worlds", "40", "--seed", "3", "--json"),
    )
    assert code == 0
    assert json.loads(out) == odds
    assert odds["from_quarter"] == 7 and odds["worlds"] == 40


def test_the_odds_never_change_the_game(content, tmp_path):
    s = _session(content, tmp_path, 5)
    twin = _session(content, tmp_path, 5)
    before = (state_digest(s.game.world.state), len(s.game.records), repr(s.standing))
    s.odds("balanced", 50, 1)
    with pytest.raises(SweepCancelled):
        s.odds("standing", 50, 1, cancelled=lambda: True)
    assert (state_digest(s.game.world.state), len(s.game.records), repr(s.standing)) == before
    for _ in range(3):  # and the game goes on exactly as its twin, which never asked
        s.end_quarter(autosave=False)
        twin.end_quarter(autosave=False)
    assert state_digest(s.game.world.state) == state_digest(twin.game.world.state)


def test_futures_redraw_only_what_nobody_has_seen(content, tmp_path):
    s = _session(content, tmp_path, 8)
    st, tb = s.game.world.state, s.game.world.tables
    f = futures(st, tb, 400, 1000)
    seen = ("cash", "cap", "n", "prices", "equity", "adopters", "share_prev", "data_stock")
    for name in seen:  # what the players can see is the game's, in every copy
        assert (getattr(f, name) == getattr(st, name)).all(), name
    assert f.t == st.t and not f.human.any()
    assert list(f.seeds[:3]) == [1000, 1001, 1002]
    # loyalty is drawn again from its prior; whether scaling holds is drawn given that
    # no stall has shown: more likely than the prior, and never a stall below today's
    p = tb.scenario.params
    assert len(np.unique(f.loyalty)) > 300
    assert not st.stall_seen.any()
    assert f.holds.mean() > p.scaling_continues_p
    best = max(st.front_cap[0].max(), st.cap[0, st.has[0, :, 0], 0].max())
    assert (f.stall[~f.holds] >= best - 1e-9).all()


def test_a_stall_once_seen_is_kept(content, tmp_path):
    for seed in range(60):
        s = _session(content, tmp_path, 0, seed=seed)
        if s.game.world.state.holds[0]:
            continue
        while not s.done and not s.game.world.state.stall_seen.any():
            s.end_quarter(autosave=False)
        st = s.game.world.state
        if not st.stall_seen.any():
            continue
        f = futures(st, s.game.world.tables, 50, 9)
        assert not f.holds.any() and (f.stall == st.stall[0]).all()
        return
    pytest.fail("no world with a visible stall in 60 seeds")


def test_standing_orders_keep_your_research(content, tmp_path):
    s = _session(content, tmp_path, 2)
    s.set("research", {"efficiency": 0.05})
    s.end_quarter(autosave=False)
    assert s.standing["research"] == {"efficiency": 0.05}
    res = s.odds("standing", 20, 2)
    hold = s.odds("hold", 20, 2)
    assert res != hold  # research every quarter changes the worlds
