"""Bots: every one plays whole batches legally, the style keeps the lab's character, and
the same code gives the same world in a sweep and in a single game."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from game.engine import World, default_scenario
from game.engine.state import FLOW
from game.play.bots import BOTS, get_bot
from game.play.runner import new_game
from game.play.sweep import run_sweep

SEAT = 0
NAMES = ("hold", "random", "balanced", "scale-max", "efficiency", "niche", "open-weights")


def test_the_seven_bots_exist():
    assert tuple(BOTS) == NAMES
    with pytest.raises(KeyError, match="unknown policy 'greedy'; known: hold, random"):
        get_bot("greedy")


def _play(name: str, worlds: int = 40, seed: int = 3, scenario=None):
    bot = get_bot(name)
    sc = bot.seat(scenario or default_scenario(), SEAT)
    w = World(sc, seed=seed, worlds=worlds, human=(), explain_events=False)
    decide = bot.decide_for((SEAT,))
    flows, cash_before = [], []
    while w.quarter < sc.quarters:
        cash_before.append(w.state.cash[:, SEAT].copy())
        alive = w.state.alive[:, SEAT].copy()
        r = w.step(decide=decide)
        flows.append((r.flows[:, SEAT].copy(), alive))
    return w, flows, cash_before


@pytest.mark.parametrize("name", NAMES)
def test_bot_plays_a_batch_and_never_spends_cash_it_lacks(name):
    w, flows, cash_before = _play(name)
    h = w.history()
    for k in ("cash", "revenue", "op_profit", "capability", "hhi", "lerner"):
        assert np.isfinite(h[k]).all(), k
    for (f, alive), cash in zip(flows, cash_before, strict=True):
        upfront = -(
            f[:, FLOW["lease"]]
            + f[:, FLOW["purchase"]]
            + f[:, FLOW["research"]]
            + f[:, FLOW["product_build"]]
        )
        # What a bot commits up front fits in the cash it had (a human's orders would be refused).
        if name in ("hold", "random"):
            assert (upfront[alive] <= np.maximum(cash[alive], 0) + 1e-6).all()


def test_bots_play_differently():
    profit = {}
    for name in NAMES:
        w, _, _ = _play(name, worlds=30)
        profit[name] = w.history()["op_profit"][:, :, SEAT].sum(0)
    # Seven strategies, seven different outcome distributions.
    medians = {n: round(float(np.median(p)), 3) for n, p in profit.items()}
    assert len(set(medians.values())) == len(NAMES), medians


def test_hold_keeps_prices_and_starts_nothing():
    bot = get_bot("hold")
    sc = bot.seat(default_scenario(), SEAT)
    w = World(sc, seed=3, worlds=10, human=(), explain_events=False)
    start_prices = np.array(sc.labs[SEAT].prices)
    while w.quarter < sc.quarters:
        r = w.step(decide=bot.decide_for((SEAT,)))
        alive = w.state.alive[:, SEAT]
        assert not w.state.run_on[:, SEAT].any() and (w.state.run_wait[:, SEAT] < 0).all()
        assert not (w.state.build_left[:, SEAT] > 0).any()
        assert (r.flows[:, SEAT, FLOW["research"]] == 0).all()
        assert (r.flows[:, SEAT, FLOW["funding"]] == 0).all()
        assert (w.state.prices[alive, SEAT] == start_prices).all()


def test_open_weights_bot_releases_its_models():
    bot = get_bot("open-weights")
    sc = bot.seat(default_scenario(), SEAT)
    w = World(sc, seed=5, worlds=20, human=(), explain_events=False)
    released = np.zeros(20, dtype=bool)
    while w.quarter < sc.quarters:
        released |= w.step(decide=bot.decide_for((SEAT,))).metrics["released"][:, SEAT]
    assert released.mean() > 0.5


def test_random_bot_is_seeded_by_the_world():
    a, _, _ = _play("random", worlds=8, seed=11)
    b, _, _ = _play("random", worlds=8, seed=11)
    c, _, _ = _play("random", worlds=8, seed=12)
    assert np.array_equal(a.history()["cash"], b.history()["cash"])
    # World k of seed 11 is world k-1 of seed 12: the draws follow the world's seed.
    assert np.array_equal(a.history()["cash"][:, 1:], c.history()["cash"][:, :-1])


def test_style_keeps_the_labs_character():
    sc = default_scenario()
    sc = dataclasses.replace(
        sc,
        archetypes=tuple(
            dataclasses.replace(a, subsidy=2.5, sentiment_free=True, ship_delay=2)
            if a.id == sc.labs[SEAT].archetype
            else a
            for a in sc.archetypes
        ),
    )
    seated = get_bot("scale-max").seat(sc, SEAT)
    arch = seated.archetype(seated.labs[SEAT].archetype)
    assert (arch.subsidy, arch.sentiment_free, arch.ship_delay) == (2.5, True, 2)
    assert arch.ambition == 1.6 and arch.tokens_per_param == 20.0
    assert seated.labs[SEAT].mix == (sc.labs[SEAT].mix or sc.archetype(sc.labs[SEAT].archetype).mix)
    # The other labs and the catalogs are untouched.
    assert seated.labs[1:] == sc.labs[1:] and seated.archetypes[:-1] == sc.archetypes


def test_niche_narrows_runs_to_the_seats_strongest_segment():
    sc = default_scenario()
    sc = dataclasses.replace(
        sc,
        labs=(
            dataclasses.replace(sc.labs[SEAT], mix={"science": 3.0, "coding": 1.0}),
            *sc.labs[1:],
        ),
    )
    seated = get_bot("niche").seat(sc, SEAT)
    assert seated.archetype(seated.labs[SEAT].archetype).mix == {"science": 1.0}


@pytest.mark.parametrize("policy", ["random", "niche"])
def test_sweep_world_k_is_the_single_game_with_seed_plus_k(policy):
    res = run_sweep(default_scenario(), policy, worlds=6, seed=40, chunk=4)
    for k in (0, 5):
        g = new_game(default_scenario(), 40 + k, policy)
        profit = 0.0
        while g.quarter < 40 and not g.done:
            profit += float(g.play().metrics["op_profit"][0, SEAT])
        if g.done and g.quarter < 40:
            continue  # the single game stops at the seat's bankruptcy; the sweep plays on
        last = g.records[-1].market
        assert res.hhi[k] == pytest.approx(last["hhi"], rel=0, abs=0)
        assert res.player_profit[k] == pytest.approx(profit, rel=1e-12)
