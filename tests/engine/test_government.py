"""Government contracts, nationalization and the swarm's small models (issue 11:
mechanics that existed only in name). docs/model.md 7.3 and 10.1."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from game.content.loader import build_scenario, load_content
from game.engine import World, compile_tables, create, default_scenario
from game.engine.capital import context, serving_params
from game.engine.events import effects as _event_effects
from game.engine.sim import GOV
from game.engine.state import FLOW, K

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def national():
    content = load_content(ROOT / "content")
    sc = build_scenario(content, content.scenarios["national"])
    w = World(sc, seed=21, worlds=60, human=(), explain_events=False)
    rows = []
    while not w.done:
        before = w.state
        rep = w.step()
        rows.append((before, w.state, rep))
    return sc, w, rows


def test_contracts_go_to_the_lab_government_buyers_prefer_and_change_hands(national):
    sc, w, rows = national
    p = sc.params
    L = w.tables.n_labs
    won_any = lost_any = False
    for before, _after, rep in rows:
        m = rep.metrics
        holder = m["contract_holder"]
        assert np.all(holder >= 0)  # a contract is always running once tendered
        gov = m["shares"][:, GOV, : L * K].reshape(-1, L, K).sum(-1)
        # At a tender the contract goes to the biggest share of government buyers.
        tendered = before.contract_left == 0
        best = np.argmax(np.where(before.alive, gov, -np.inf), -1)
        assert np.all(holder[tendered] == best[tendered])
        # Between tenders it stays with its holder while the holder is alive.
        kept = (before.contract_left > 0) & before.alive[
            np.arange(len(holder)), before.contract_holder
        ]
        assert np.all(holder[kept] == before.contract_holder[kept])
        # The holder is paid, and pays (1 - margin) of it to deliver.
        rows_ = np.arange(len(holder))
        delivery = rep.flows[rows_, holder, FLOW["contract_delivery"]]
        assert np.allclose(delivery, -(1 - p.contract_margin) * p.contract_value)
        won_any |= bool(m["contract_won"].any())
        lost_any |= bool(m["contract_lost"].any())
    assert won_any and lost_any


def test_the_state_takes_over_the_leading_private_lab_once_models_are_strong(national):
    sc, w, rows = national
    p = sc.params
    tb = w.tables
    state = tb.arch_ids.index("state")
    taken_worlds = np.zeros(w.state.worlds, dtype=bool)
    for before, after, rep in rows:
        taken = rep.metrics["nationalized"]
        hit = taken.any(-1)
        assert np.all(taken.sum(-1) <= 1)
        assert not np.any(hit & taken_worlds)  # at most once per world
        assert np.all(rep.metrics["frontier"][hit] >= p.nationalization_at)
        assert not taken[:, 0].any()  # never the player's lab
        assert np.all(after.arch[taken] == state)
        assert np.all(after.equity[taken] == 0.0)
        assert not tb.a_free[before.arch][taken].any()  # it answered to investors before
        taken_worlds |= hit
    assert 0.2 < taken_worlds.mean() < 1.0


def test_default_has_small_contracts_and_no_nationalization():
    sc = default_scenario()
    assert sc.params.nationalization_hazard == 0.0
    w = World(sc, seed=3, worlds=20, human=(), explain_events=False)
    while not w.done:
        rep = w.step()
        assert not rep.metrics["nationalized"].any()


def test_the_swarm_runs_part_of_the_frontier_offer_on_the_small_model():
    tb = compile_tables(default_scenario())
    st = create(tb, seed=1, worlds=2)
    swarm = tb.prod_ids.index("swarm")
    share = tb.prod_small_share[swarm]
    assert share > 0
    lab = 0
    with_swarm = st.copy()
    with_swarm.built = st.built.copy()
    with_swarm.built[:, lab, swarm] = True
    n = serving_params(with_swarm, tb)
    expect = (1 - share) * st.n[:, lab, 0] + share * st.n[:, lab, 1]
    assert np.allclose(n[:, lab, 0], expect)
    fx = _event_effects(tb, st.ev_left)
    base = context(st, tb, fx).serve_cost[:, lab, 0]
    cut = context(with_swarm, tb, fx).serve_cost[:, lab, 0]
    assert np.all(cut < base)
    # Without a small model of its own the swarm saves nothing.
    no_small = with_swarm.copy()
    no_small.has = with_swarm.has.copy()
    no_small.has[:, lab, 1] = False
    assert np.allclose(context(no_small, tb, fx).serve_cost[:, lab, 0], base)
