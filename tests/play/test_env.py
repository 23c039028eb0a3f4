"""FrontierEnv: a Gymnasium-style agent API that plays whole games."""

from __future__ import annotations

import json

import pytest

from game.engine import OrderError, Orders
from game.play.env import FrontierEnv


def test_plays_a_40_quarter_game():
    env = FrontierEnv("default", seed=3, policy="balanced")
    obs, info = env.reset()
    assert obs["quarter"] == 0 and info["quarters"] == 40 and obs["name"] == "Your Lab"
    json.dumps(obs)  # plain data an LLM agent can read
    total, steps = 0.0, 0
    terminated = truncated = False
    while not (terminated or truncated):
        q = obs["quarter"]
        orders = {"prices": {"frontier": 7.0}} if q % 4 == 0 else None  # otherwise the policy plays
        obs, reward, terminated, truncated, info = env.step(orders)
        rec = env.game.records[-1]
        assert reward == pytest.approx(rec.labs[0].op_profit)
        total += reward
        steps += 1
    assert steps == 40 or not obs["alive"]
    assert not truncated and info["quarter"] == steps
    assert 0 <= info["score"] <= 100 and info["verdict"]
    with pytest.raises(OrderError, match="game is over"):
        env.step(None)


def test_reset_replays_the_same_world():
    env = FrontierEnv("solar", seed=5)
    env.reset()
    a = [env.step({"prices": {"frontier": 4.0}})[1] for _ in range(6)]
    env.reset()
    b = [env.step(Orders(prices={"frontier": 4.0}))[1] for _ in range(6)]
    assert a == b
    env.reset(seed=6)
    assert [env.step({"prices": {"frontier": 4.0}})[1] for _ in range(6)] != a


def test_max_quarters_truncates():
    env = FrontierEnv("default", seed=1, max_quarters=3)
    env.reset()
    flags = [env.step(None)[2:4] for _ in range(3)]
    assert flags == [(False, False), (False, False), (False, True)]


def test_illegal_orders_are_refused_and_change_nothing():
    env = FrontierEnv("default", seed=2)
    env.reset()
    env.step(None)
    before = env.game.records[-1].digest, env.game.quarter
    reasons = env.check({"research": {"efficiency": 1e5}})
    assert reasons and "orders spend" in reasons[0]
    with pytest.raises(OrderError, match="orders spend"):
        env.step({"research": {"efficiency": 1e5}})
    with pytest.raises(OrderError, match="leese: unknown field"):
        env.step({"leese": 3})
    with pytest.raises(OrderError, match=r"prices\.frontier"):
        env.step({"prices": {"frontier": -1}})
    assert (env.game.records[-1].digest, env.game.quarter) == before
    assert env.check({"prices": {"frontier": 5.0}}) == []


def test_legal_orders_describe_this_quarter():
    env = FrontierEnv("default", seed=2)
    env.reset()
    legal = env.legal_orders()
    f = legal["fields"]
    assert legal["quarter"] == 0 and legal["cash"] > 0
    assert set(f) == {
        "lease",
        "buy",
        "train",
        "train_share",
        "research",
        "build",
        "prices",
        "distill",
        "release_open",
        "raise_funds",
        "borrow",
        "repay",
    }
    assert f["train"]["allowed"] is True
    assert set(f["research"]["keys"]) == {"efficiency", "reliability", "synthetic"}
    assert "workspace" in f["build"]["choices"]
    # The cash limit is real: leasing the maximum is legal, double the maximum is not.
    assert env.check({"lease": f["lease"]["max"] * 0.99}) == []
    assert env.check({"lease": f["lease"]["max"] * 2}) != []
    env.step({"train": {"params": 1e12, "tokens": 2e13, "quarters": 4}})
    assert env.legal_orders()["fields"]["train"]["allowed"] is False
    json.dumps(env.legal_orders())


def test_step_before_reset():
    with pytest.raises(OrderError, match="reset"):
        FrontierEnv("default").step(None)
