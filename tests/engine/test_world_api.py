"""The World API: construction, observe(), history(), the end of the game, events."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from game.engine import (
    FLOW_NAMES,
    SEGMENTS,
    TIERS,
    VERDICTS,
    Event,
    OrderError,
    Orders,
    TrainOrder,
    World,
    default_scenario,
)
from game.engine.scaling import LEVEL_NAMES
from game.engine.scenario import RESEARCH, SEGMENT_NAMES
from game.engine.world import HISTORY_KEYS

HUMAN = 0

OBSERVE_KEYS = {
    "quarter",
    "year",
    "name",
    "alive",
    "cash",
    "debt",
    "gpus_owned",
    "gpus_leased",
    "revenue",
    "models",
    "training",
    "research_levels",
    "products",
    "building",
    "share",
    "reputation",
    "market",
    "rivals",
}
MARKET_KEYS = {
    "frontier_capability",
    "open_weight_capability",
    "open_weight_price",
    "compute_price_per_gpu_hour",
    "hhi",
    "verdict",
    "investor_sentiment",
}
RIVAL_KEYS = {"name", "archetype", "alive", "capability", "prices", "share"}


def short(quarters: int):
    return dataclasses.replace(default_scenario(), quarters=quarters)


# ---------------------------------------------------------------------------
# Construction
# ---------------------------------------------------------------------------


def test_world_defaults():
    w = World(default_scenario())
    assert w.quarter == 0 and w.worlds == 1 and not w.done
    assert w.names[HUMAN] == "Your Lab"
    assert list(np.flatnonzero(w.state.human)) == [HUMAN]  # the scenario's human lab
    assert w.history() == {} and w.reports == []
    assert World(default_scenario(), human=()).state.human.sum() == 0
    assert list(np.flatnonzero(World(default_scenario(), human=(1, 2)).state.human)) == [1, 2]


@pytest.mark.parametrize(
    "kwargs", [{"worlds": 0}, {"seed": -1}, {"human": (99,)}, {"human": (-1,)}]
)
def test_world_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        World(default_scenario(), **kwargs)


def test_state_arrays_have_the_world_axis_first():
    w = World(default_scenario(), seed=3, worlds=5, human=())
    for name, a in w.state.arrays().items():
        if name == "human":
            assert a.shape == (w.tables.n_labs,)
        else:
            assert a.shape[0] == 5, name
    one = w.state.world(3)
    assert one.worlds == 1 and one.t == w.state.t
    assert np.array_equal(one.cash[0], w.state.cash[3])
    one.cash[0, 0] = -123.0  # a copy, not a view
    assert w.state.cash[3, 0] != -123.0


# ---------------------------------------------------------------------------
# observe()
# ---------------------------------------------------------------------------


def _check_observation(obs: dict, w: World, lab: int, world: int) -> None:
    st = w.state
    assert set(obs) == OBSERVE_KEYS
    json.dumps(obs)  # plain data: no numpy scalars or arrays leak out
    assert type(obs["quarter"]) is int and obs["quarter"] == w.quarter
    assert obs["year"] == w.scenario.start_year + w.quarter // 4
    assert obs["name"] == w.names[lab]
    assert type(obs["alive"]) is bool and obs["alive"] == bool(st.alive[world, lab])
    for key in ("cash", "debt", "gpus_owned", "gpus_leased", "revenue", "reputation"):
        assert isinstance(obs[key], float) and np.isfinite(obs[key]), key
    assert obs["cash"] == st.cash[world, lab] and obs["debt"] >= 0 and obs["gpus_owned"] >= 0
    assert set(obs["models"]) <= set(TIERS) and obs["models"]
    for tier, m in obs["models"].items():
        assert set(m) == {"params", "capability", "level", "price"}, tier
        assert m["params"] > 0 and m["price"] > 0 and m["level"] in LEVEL_NAMES
    assert set(obs["research_levels"]) == set(RESEARCH)
    assert all(v >= 0 for v in obs["research_levels"].values())
    assert set(obs["products"]) <= set(w.tables.prod_ids)
    assert all(isinstance(p, str) for p in obs["products"])
    assert set(obs["building"]) <= set(w.tables.prod_ids) - set(obs["products"])
    assert all(type(v) is int and v > 0 for v in obs["building"].values())
    assert set(obs["share"]) == set(SEGMENTS)
    assert all(0.0 <= v <= 1.0 for v in obs["share"].values())
    assert set(obs["market"]) == MARKET_KEYS
    market = obs["market"]
    assert market["investor_sentiment"] > 0 and np.isfinite(market["open_weight_capability"])
    if w.reports:
        assert market["verdict"] in VERDICTS
        assert 0.0 <= market["hhi"] <= 10_000.0
        assert market["compute_price_per_gpu_hour"] > 0 and market["open_weight_price"] > 0
        assert market["frontier_capability"] >= max(m["capability"] for m in obs["models"].values())
    else:
        for key in ("frontier_capability", "open_weight_price", "hhi", "verdict"):
            assert market[key] is None, key
    rivals = obs["rivals"]
    assert len(rivals) == int(st.exists[world].sum()) - 1
    assert w.names[lab] not in {r["name"] for r in rivals}
    for r in rivals:
        assert set(r) == RIVAL_KEYS
        assert r["archetype"] in w.tables.arch_ids and isinstance(r["alive"], bool)
        assert set(r["prices"]) == set(TIERS) and set(r["share"]) == set(SEGMENTS)
    # Shares of the lab and its rivals in a segment cannot exceed the whole segment.
    for s in SEGMENTS:
        assert obs["share"][s] + sum(r["share"][s] for r in rivals) <= 1.0 + 1e-9


def test_observe_has_the_documented_keys_and_types():
    w = World(default_scenario(), seed=5, worlds=2)
    for world in range(2):
        _check_observation(w.observe(HUMAN, world), w, HUMAN, world)
    obs = w.observe(HUMAN)
    assert obs["name"] == "Your Lab" and obs["quarter"] == 0 and obs["training"] is None
    assert obs["products"] == ["api", "chat"]
    for _ in range(5):
        w.step({HUMAN: Orders()})
        for world in range(2):
            for lab in (HUMAN, 1, 2):
                _check_observation(w.observe(lab, world), w, lab, world)
    assert w.observe(HUMAN)["year"] == w.scenario.start_year + 1


def test_observe_reports_a_training_run():
    w = World(default_scenario(), seed=5)
    w.step({HUMAN: Orders(train=TrainOrder(1e12, 2e13, quarters=12))})
    run = w.observe(HUMAN)["training"]
    assert set(run) == {"params", "tokens", "progress", "shipping_in"}
    assert run["params"] == 1e12 and run["tokens"] == 2e13
    assert 0.0 <= run["progress"] < 1.0 and type(run["shipping_in"]) is int


def test_observe_rejects_an_unknown_lab():
    w = World(default_scenario())
    for lab in (-1, w.tables.n_labs):
        with pytest.raises(IndexError):
            w.observe(lab)


# ---------------------------------------------------------------------------
# history() and reports
# ---------------------------------------------------------------------------


def test_history_stacks_metrics_by_quarter():
    W, Q = 3, 6
    w = World(default_scenario(), seed=8, worlds=W, human=())
    reports = [w.step() for _ in range(Q)]
    h = w.history()
    assert set(h) == set(HISTORY_KEYS)
    for k, a in h.items():
        per_quarter = np.asarray(reports[0].metrics[k])
        assert a.shape == (Q, W, *per_quarter.shape[1:]), k
        for q in range(Q):
            assert np.array_equal(a[q], reports[q].metrics[k], equal_nan=True), (k, q)
    L = w.tables.n_labs
    assert h["cash"].shape == (Q, W, L) and h["verdict"].shape == (Q, W)
    assert h["value_chain"].shape == (Q, W, 4)
    assert [r.quarter for r in reports] == list(range(Q))
    assert w.reports == reports


def test_report_shapes():
    W = 2
    w = World(default_scenario(), seed=8, worlds=W)
    r = w.step({HUMAN: Orders()})
    L, S = w.tables.n_labs, len(SEGMENTS)
    J = L * len(TIERS) + 1
    assert r.flows.shape == (W, L, len(FLOW_NAMES))
    assert r.metrics["shares"].shape == (W, S, J)
    assert r.metrics["outside_share"].shape == (W, S)
    for k, a in r.metrics.items():
        assert np.shape(a)[0] == W, k
    assert all(isinstance(e, Event) for e in r.events)


def test_keep_history_false_keeps_nothing():
    w = World(default_scenario(), seed=8, keep_history=False)
    r = w.step({HUMAN: Orders()})
    assert r.metrics and w.history() == {} and w.reports == []
    assert w.quarter == 1


# ---------------------------------------------------------------------------
# The end of the game
# ---------------------------------------------------------------------------


def test_done_after_the_scenario_quarters_and_no_step_after(eng):
    sc = short(6)
    w = World(sc, seed=1, worlds=2, human=())
    for q in range(sc.quarters):
        assert not w.done, q
        w.step()
    assert w.done and w.quarter == sc.quarters
    assert w.history()["frontier"].shape[0] == sc.quarters
    before = eng.snapshot(w)
    with pytest.raises(OrderError) as info:
        w.step()
    assert any(str(sc.quarters) in r for r in info.value.reasons)
    eng.assert_unchanged(w, before)


def test_full_default_game_lasts_forty_quarters():
    w = World(default_scenario(), seed=2)
    n = 0
    while not w.done:
        w.step({HUMAN: Orders(raise_funds=1.0)})
        n += 1
    assert n <= default_scenario().quarters == 40
    if w.state.alive[0, HUMAN]:
        assert n == 40
    # Over either way: out of quarters, or the human lab is bust and cannot act.
    with pytest.raises(OrderError):
        w.step({HUMAN: Orders(prices={"frontier": 5.0})})


def test_a_bankrupt_human_lab_ends_the_game(eng):
    w = World(eng.doomed_scenario(), seed=0)
    reports = []
    while not w.done:
        reports.append(w.step())
        assert len(reports) <= 4, "a lab that cannot pay its staff should go bust at once"
    assert w.quarter < w.scenario.quarters
    assert not w.state.alive[0, HUMAN] and not w.observe(HUMAN)["alive"]
    last = reports[-1]
    assert last.metrics["bankrupt"][0, HUMAN]
    bust = [e for e in last.events if e.kind == "bankrupt"]
    assert [e.lab for e in bust] == [HUMAN]
    assert bust[0].world == 0 and bust[0].quarter == last.quarter
    assert "Your Lab" in bust[0].text
    # The writeoff brings cash back to zero and clears the books.
    assert w.state.cash[0, HUMAN] == 0.0 and w.state.debt[0, HUMAN] == 0.0
    assert w.state.gpus[0, HUMAN] == 0.0
    assert not w.history()["alive"][-1, 0, HUMAN]


def test_game_is_not_over_while_a_human_lab_lives_in_some_world(eng):
    w = World(default_scenario(), seed=4, worlds=2)
    w.state.staff[1, HUMAN] = 1e4  # unpayable, in world 1 only
    w.step()
    assert list(w.state.alive[:, HUMAN]) == [True, False]
    assert not w.done
    w.state.staff[0, HUMAN] = 1e4
    w.step()
    assert w.done


# ---------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------


def test_share_moves_are_explained_with_causes():
    w = World(default_scenario(), seed=3)
    moves = []
    for q in range(12):
        # Swing the price to move shares; the engine must say why they moved.
        r = w.step({HUMAN: Orders(prices={"frontier": 2.0 if q % 2 else 12.0})})
        for e in r.events:
            assert isinstance(e, Event) and e.quarter == r.quarter and e.world == 0
            assert e.text
        moves += [e for e in r.events if e.kind in ("share_up", "share_down")]
    assert moves, "no share move explained in 12 quarters of price swings"
    for e in moves:
        assert e.lab == HUMAN  # a game explains the player's own shares
        assert e.segment in SEGMENTS
        assert e.causes and all(isinstance(c, str) and c for c in e.causes)
        assert SEGMENT_NAMES[e.segment] in e.text
        assert "Your Lab" in e.text
        assert ("rose" in e.text) == (e.kind == "share_up")
    assert any("price" in c for e in moves for c in e.causes)


def test_event_kinds_are_the_documented_ones():
    kinds = {"event", "shipped", "stall", "displaced", "bankrupt", "entered", "released"}
    kinds |= {"share_up", "share_down", "contract_won", "contract_lost", "nationalized"}
    w = World(default_scenario(), seed=6, worlds=3, human=())
    seen = set()
    while not w.done:
        r = w.step()
        for e in r.events:
            assert e.kind in kinds, e.kind
            assert 0 <= e.world < 3
            if e.lab is not None:
                assert 0 <= e.lab < w.tables.n_labs
            seen.add(e.kind)
    assert {"shipped", "share_up", "share_down"} <= seen


def test_events_can_be_switched_off():
    w = World(default_scenario(), seed=3, explain_events=False)
    for _ in range(4):
        assert w.step({HUMAN: Orders(prices={"frontier": 2.0})}).events == []
    big = World(default_scenario(), seed=3, worlds=32, human=())
    assert big.step().events == []  # large batches are studies: read the metrics
