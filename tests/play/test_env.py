"""FrontierEnv: a Gymnasium-style agent API that plays whole games."""

from __future__ import annotations

import json

import pytest

from game.engine import OrderError, Orders, default_scenario
from game.engine.orders import ORDER_FIELDS
from game.play.env import FrontierEnv
from game.play.runner import play_through
from game.play.script import script_from_data


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


def test_legal_orders_follow_the_order_spec():
    env = FrontierEnv("default", seed=2)
    env.reset()
    f = env.legal_orders()["fields"]
    for spec in ORDER_FIELDS:
        head, _, part = spec.name.partition(".")
        entry = f[head][part] if part else f[head]
        assert (entry["kind"], entry["label"], entry["unit"]) == (spec.kind, spec.label, spec.unit)
        assert entry["help"] == spec.help
        if spec.kind in ("number", "integer", "amounts"):
            assert entry["min"] == spec.lo and entry["max"] <= spec.hi
    assert f["prices"]["min_exclusive"] is True and set(f["prices"]["serving_cost"]) == {
        "frontier",
        "small",
    }
    # No debt yet: repaying is not allowed, and the env says why.
    assert f["repay"]["allowed"] is False and "no debt" in f["repay"]["why_not"]
    assert f["raise_funds"]["expected_max"] > 0
    assert {p["id"] for p in f["build"]["products"]} >= set(f["build"]["choices"])


def test_orders_are_played_exactly_as_a_script_plays_them(content):
    """The env has no standing orders: research given once is spent once."""
    plan = {
        1: {
            "lease": 30.0,
            "research": {"efficiency": 0.3},
            "prices": {"frontier": 6.0},
            "train": {"params": 8e11, "tokens": 2e13, "quarters": 3, "mix": {"coding": 2.0}},
            "train_share": 0.6,
        },
        2: {},
        4: {"research": {"reliability": 0.2}},
        6: {"build": ["science"], "raise_funds": 2.0},
        7: {"prices": {"small": 0.4}},
    }
    env = FrontierEnv("default", seed=5, policy="balanced", content=content)
    env.reset()
    for q in range(1, 11):
        env.step(plan.get(q))  # None: the policy plays the quarter
    data = {
        "format_version": 2,
        "scenario": "default",
        "seed": 5,
        "policy": "balanced",
        "quarters": [{"quarter": q, **o} for q, o in plan.items()],
    }
    straight = play_through(script_from_data(data, content), to_quarter=10)
    assert [r.digest for r in env.game.records] == [r.digest for r in straight.records]
    assert env.game.records[1].orders.research == {}  # not carried over
    assert env.game.records[1].orders.train_share is None


def test_an_engine_scenario_and_no_saves(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FRONTIER_SAVES", raising=False)
    env = FrontierEnv(default_scenario().with_params(open_weight_lag_quarters=1), seed=3)
    _, info = env.reset()
    assert info["quarters"] == default_scenario().quarters
    for _ in range(3):
        env.step({"prices": {"frontier": 5.0}})
        env.step(None)
    assert env.game.quarter == 6
    reasons = env.check({"lease": 1e6})
    assert len(reasons) == 1 and reasons[0].startswith("orders spend")
    assert "prices.frontier" in env.check({"prices": {"frontier": 0}})[0]
    assert list(tmp_path.iterdir()) == []  # the env never autosaves
