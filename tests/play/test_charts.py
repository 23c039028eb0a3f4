"""The charts read the engine's history, each with its unit and what to look for."""

from __future__ import annotations

import numpy as np
import pytest

from game.engine import default_scenario
from game.engine.metrics import HHI_CONCENTRATED
from game.play.charts import RUNWAY_CAP, charts
from game.play.runner import new_game
from game.play.script import PLAYER

IDS = ("shares", "prices", "concentration", "cash", "lerner", "value_chain", "capability")


@pytest.fixture(scope="module")
def game():
    g = new_game(default_scenario(), 11, "balanced")
    for _ in range(10):
        g.play()
    return g


def _series(c, name):
    return next(s for s in c.series if s.name == name)


def test_no_charts_before_the_first_quarter():
    assert charts(new_game(default_scenario(), 1, "hold")) == ()


def test_every_chart_is_there_with_units_and_a_caption(game):
    cs = {c.id: c for c in charts(game)}
    assert tuple(cs) == IDS
    for c in cs.values():
        assert c.quarters == tuple(range(1, 11))  # counted as the game counts, from 1
        assert c.dates[0] == "2025 Q1" and c.dates[-1] == "2027 Q2"
        assert "(" in c.y_label and c.caption.endswith(".")
        assert all(len(s.values) == 10 for s in c.series)


def test_the_numbers_are_the_engine_history(game):
    h = game.world.history()
    cs = {c.id: c for c in charts(game)}
    hhi = np.array(_series(cs["concentration"], "HHI / 100").values)
    assert np.allclose(hhi * 100, h["hhi"][:, 0])
    assert set(_series(cs["concentration"], "highly concentrated").values) == {
        HHI_CONCENTRATED / 100
    }
    me = game.names[PLAYER]
    price = np.array(_series(cs["prices"], f"{me} (frontier model)").values)
    assert np.allclose(price, h["prices"][:, 0, PLAYER, 0])
    cash = np.array(_series(cs["cash"], f"{me} cash ($B)").values)
    assert np.allclose(cash, h["cash"][:, 0, PLAYER])
    vc = cs["value_chain"]
    assert np.allclose(np.array([s.values for s in vc.series]).T, h["value_chain"][:, 0])


def test_shares_add_up_and_the_law_is_never_below_the_frontier(game):
    cs = {c.id: c for c in charts(game)}
    shares = np.array([[v or 0.0 for v in s.values] for s in cs["shares"].series])
    assert np.allclose(shares.sum(0), 100.0)
    cap = cs["capability"]
    front = np.array(_series(cap, "frontier (best on sale)").values)
    law = np.array(_series(cap, "the scaling law's prediction").values)
    assert (law >= front - 1e-12).all()
    runway = _series(cs["cash"], "runway (quarters)").values
    assert all(0 <= r <= RUNWAY_CAP for r in runway)


def test_a_stalled_world_shows_the_frontier_below_the_law():
    # A world where scaling stalls: the law's line ends above the frontier.
    for seed in range(40):
        g = new_game(default_scenario(), seed, "scale-max")
        if g.world.state.holds[0]:
            continue
        while not g.done:
            g.play()
        cap = {c.id: c for c in charts(g)}["capability"]
        front = _series(cap, "frontier (best on sale)").values[-1]
        law = _series(cap, "the scaling law's prediction").values[-1]
        assert law > front + 0.1
        return
    pytest.fail("no stalled world in 40 seeds")


def test_the_table_has_a_row_per_quarter(game):
    c = charts(game)[0]
    rows = c.rows()
    assert len(rows) == 10 and rows[0][0] == "1 2025 Q1"
    assert len(c.rows(last=3)) == 3 and c.rows(last=3)[-1][0] == "10 2027 Q2"


def test_each_chart_links_a_real_glossary_entry(game):
    from game.play import glossary, open_content

    terms = glossary(open_content(None))
    linked = [c for c in charts(game) if c.term]
    assert len(linked) >= 6
    assert all(c.term in terms for c in linked)


def test_charts_csv_holds_every_value_of_every_chart(game):
    import csv
    import io

    from game.play.measures import FILES
    from game.play.outputs import charts_csv

    rows = list(csv.reader(io.StringIO(charts_csv(game))))
    assert tuple(rows[0]) == FILES["charts.csv"]
    cs = charts(game)
    assert len(rows) - 1 == sum(len(c.series) * len(c.quarters) for c in cs)
    hhi = [r for r in rows[1:] if r[0] == "concentration" and r[1] == "HHI / 100"]
    assert [float(r[5]) for r in hhi] == pytest.approx(
        [v for v in _series(cs[2], "HHI / 100").values], rel=1e-5
    )
    assert hhi[0][3:5] == ["1", "2025 Q1"]
