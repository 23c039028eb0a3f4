"""Capital markets (issue 11): a shared investors' pool, bounded rounds, dilution and the
cost of idle cash. Each test names the rule of docs/model.md 11.3-11.7 it checks."""

from __future__ import annotations

import numpy as np

from game.engine import Orders, World, compile_tables, create, default_scenario, step
from game.engine.capital import capital_pool, context, fund, valuation
from game.engine.events import effects as _event_effects
from game.engine.state import FLOW

LAB = 0  # "Your Lab", human in the default scenario


def _start(worlds=3, seed=5):
    tb = compile_tables(default_scenario())
    st = create(tb, seed=seed, worlds=worlds)
    return tb, st, context(st, tb, _event_effects(tb, st.ev_left))


def test_asks_beyond_the_pool_are_rationed_pro_rata():
    """[F8b]: when the capped asks exceed the pool, every lab gets the same fraction."""
    _, st, cx = _start()
    W, L = st.cash.shape
    asks = np.full((W, L), 1e6)  # everyone asks for far more than the pool
    ones = np.ones(W)
    funding, sold = fund(cx, asks, st.alive, np.ones((W, L)), ones)
    capped = np.where(st.alive, cx.raise_cap, 0.0)
    assert np.allclose(funding.sum(-1), np.minimum(capped.sum(-1), cx.capital_pool))
    frac = funding[st.alive] / capped[st.alive]
    assert np.allclose(frac.reshape(W, -1), frac.reshape(W, -1)[:, :1])
    # Small asks within the pool are met in full, and sell funding / (value + funding).
    small = np.where(st.alive, 0.1, 0.0)
    funding, sold = fund(cx, small, st.alive, np.ones((W, L)), ones)
    assert np.allclose(funding, small)
    live = st.alive
    assert np.allclose(sold[live], 0.1 / (cx.valuation[live] + 0.1))


def test_a_round_is_bounded_by_the_valuation_and_the_pool():
    """[F8]: raise_cap = min(max_dilution x value, max_round_share x pool)."""
    tb, st, cx = _start()
    p = tb.scenario.params
    assert np.all(cx.raise_cap <= p.max_dilution * cx.valuation + 1e-9)
    assert np.all(cx.raise_cap <= p.max_round_share * cx.capital_pool[:, None] + 1e-9)
    pool = capital_pool(tb, st)
    annual = 4 * np.where(st.alive, st.rev_hist[..., -1], 0).sum(-1)
    assert np.allclose(pool, st.sentiment * (p.capital_pool0 + p.capital_pool_revenue * annual) / 4)


def test_valuation_multiples_stay_within_their_bounds():
    """[F7]: the revenue multiple lies in [valuation_multiple_min, valuation_multiple_max]."""
    tb, st, _ = _start(worlds=8)
    p = tb.scenario.params
    value = valuation(st, tb)
    rev = st.rev_hist[..., -1]
    growth = np.clip(rev / np.maximum(st.rev_hist[..., 0], 1e-3), 0.5, 3.0)
    premium = p.capability_valuation * 4.0 * np.maximum(st.sentiment[:, None], 1.0)
    live = st.alive & (rev > 0)
    multiple_floor = p.valuation_multiple_min * 4 * rev * growth
    multiple_ceiling = p.valuation_multiple_max * 4 * rev * growth + premium
    assert np.all(value[live] >= multiple_floor[live] - 1e-9)
    assert np.all(value[live] <= multiple_ceiling[live] + 1e-9)


def test_raising_dilutes_the_founders_and_no_round_outruns_the_pool():
    """[F8c]: equity falls by exactly the share each round sells; a quarter's rounds
    together never exceed its pool (the only event that moves the mood at closing, the
    hype crash, shrinks it)."""
    sc = default_scenario()
    assert all(e.effects.get("sentiment_mult", 1.0) <= 1.0 for e in sc.events)
    w = World(sc, seed=2, worlds=40, human=(), explain_events=False)
    raised_any = False
    while not w.done:
        before = w.state.equity.copy()
        cx = w.context()
        rep = w.step()
        entered = rep.metrics["entered"]
        funding = np.where(entered, 0.0, rep.flows[..., FLOW["funding"]])
        assert np.all(funding.sum(-1) <= cx.capital_pool + 1e-6)
        assert np.all(funding <= cx.raise_cap + 1e-6)
        raised = funding > 1e-9
        raised_any |= bool(raised.any())
        sold = funding / np.maximum(cx.valuation + funding, 1e-12)
        assert np.allclose(w.state.equity[raised], (before * (1 - sold))[raised])
        assert np.allclose(w.state.equity[~raised & ~entered], before[~raised & ~entered])
    assert raised_any
    assert np.all((w.state.equity >= 0) & (w.state.equity <= 1))


def test_idle_cash_costs_the_cost_of_capital_in_economic_profit():
    """[F13]: economic profit charges cost_of_capital_q on cash held at the start."""
    tb = compile_tables(default_scenario())
    st = create(tb, seed=9, worlds=2)
    rich = st.copy()
    rich.cash[:, LAB] += 50.0
    _, poor_rep = step(tb, st, {LAB: Orders()})
    _, rich_rep = step(tb, rich, {LAB: Orders()})
    diff = rich_rep.metrics["econ_profit"][:, LAB] - poor_rep.metrics["econ_profit"][:, LAB]
    assert np.allclose(diff, -tb.scenario.params.cost_of_capital_q * 50.0)
    # Operating profit does not see it: idle cash is an opportunity cost, not an outlay.
    assert np.allclose(rich_rep.metrics["op_profit"][:, LAB], poor_rep.metrics["op_profit"][:, LAB])


def test_the_stake_is_equity_times_valuation_and_zero_when_bust():
    sc = default_scenario()
    w = World(sc, seed=4, worlds=20, human=(), explain_events=False)
    while not w.done:
        rep = w.step()
        m = rep.metrics
        assert np.allclose(m["stake"], w.state.equity * m["valuation"])
        assert np.all(m["stake"][~w.state.alive] == 0)
