"""The industry view: the value chain, the verdict with each test of its rule, open
weights and data, all read off the engine."""

from __future__ import annotations

import numpy as np
import pytest

from game.engine import VERDICTS, default_scenario
from game.engine.metrics import trailing
from game.play.industry import industry
from game.play.runner import new_game


def test_nothing_before_the_first_quarter():
    assert industry(new_game(default_scenario(), 1, "hold")) is None


@pytest.mark.parametrize(
    ("scenario", "seed", "policy"), [("default", 2, "balanced"), ("default", 8, "niche")]
)
def test_the_verdict_and_its_reasons_are_the_engines(scenario, seed, policy):
    g = new_game(default_scenario(), seed, policy)
    for _ in range(16):
        g.play()
        v = industry(g)
        m = g.world.reports[-1].metrics
        assert v.verdict == VERDICTS[int(m["verdict"][0])]  # the same rule, same inputs
        x = trailing(g.world.state.struct_hist)[0]
        assert f"Lerner index {x[1]:.2f}" in v.reasons[0]
        assert f"{x[3]:.0%} of tokens" in v.reasons[1]
        assert v.reasons[-1].startswith(f"so the market is {v.verdict}")


def test_the_value_chain_is_the_reported_one():
    g = new_game(default_scenario(), 4, "balanced")
    for _ in range(6):
        g.play()
    v = industry(g)
    m = g.world.reports[-1].metrics
    assert np.allclose([r.now for r in v.layers], m["value_chain"][0])
    assert np.allclose([r.total for r in v.layers], m["value_chain_cum"][0])
    shares = [r.now_share for r in v.layers if r.now_share is not None]
    assert sum(shares) == pytest.approx(1.0)
    assert all((r.now_share is None) == (r.now < 0) for r in v.layers)


def test_open_weights_and_data():
    g = new_game(default_scenario(), 6, "balanced")
    for _ in range(10):
        g.play()
    v = industry(g)
    assert v.open_capability <= v.frontier + 1e-9
    assert v.open_gap == pytest.approx(max(v.frontier - v.open_capability, 0.0))
    p = g.world.tables.scenario.params
    assert p.open_weight_lag_end <= v.open_lag <= p.open_weight_lag_quarters
    assert v.data_stock == pytest.approx(float(g.world.state.data_stock[0]))
    assert v.biggest_run_lab in g.names
    assert v.data_used == pytest.approx(v.biggest_run_tokens / v.data_stock)
