"""Issue 13, defect 13: the Python API refuses wrong types with the project's own
errors (OrderError, ScriptError), never AttributeError or TypeError, and never plays
something other than what was asked (seed 1.7 is not seed 1)."""

from __future__ import annotations

import pytest

from game.engine.orders import OrderError, Orders, TrainOrder
from game.play import GameSession, ScriptError
from game.play.env import FrontierEnv


@pytest.fixture
def session(content, tmp_path):
    return GameSession.new(content, scenario="default", seed=1, folder=tmp_path)


@pytest.mark.parametrize(
    "orders,needle",
    [
        (Orders(research=None), "research: must be given"),
        (Orders(prices=[1]), "prices: must be a table of name = number"),
        (Orders(research="efficiency"), "research: must be a table"),
        (Orders(train=TrainOrder(params=1e12, tokens=2e13, mix=None)), "train.mix: must be given"),
        (Orders(train=TrainOrder(params=1e12, tokens=2e13, quarters=True)), "train.quarters"),
        (Orders(build="chat"), "build: must be a list of product ids"),
        (Orders(buy=None), "buy: must be given"),
        (Orders(distill="yes"), "distill: 'yes' must be true or false"),
    ],
)
def test_wrong_types_in_orders_are_order_errors(session, orders, needle):
    before = session.game.records[:]
    with pytest.raises(OrderError) as e:
        session.play_exact(orders)
    assert needle in " ".join(e.value.reasons)
    assert session.game.records == before and session.quarter == 0


@pytest.mark.parametrize("seed", [1.7, True, -1, "7"])
def test_frontier_env_refuses_a_seed_that_is_not_a_whole_number(content, seed):
    with pytest.raises(ScriptError) as e:
        FrontierEnv(seed=seed, content=content)
    assert "seed: a whole number" in e.value.errors[0]


@pytest.mark.parametrize("max_quarters", [True, 0, 2.5])
def test_frontier_env_refuses_a_bad_max_quarters(content, max_quarters):
    with pytest.raises(ScriptError):
        FrontierEnv(seed=1, max_quarters=max_quarters, content=content)


@pytest.mark.parametrize("auto", [(99,), (1,), (True,), ("0",)])
def test_world_step_refuses_auto_labs_that_are_not_human(session, auto):
    w = session.game.world
    with pytest.raises(OrderError) as e:
        w.step(auto=auto)
    assert "is not a human lab's index" in e.value.reasons[0]
    assert w.quarter == 0
