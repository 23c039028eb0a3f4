"""Determinism: a world is a pure function of (scenario, seed, orders).

- the same seed and the same orders give the same state, bit for bit, after a full game;
- different seeds give different worlds;
- world k of a batch created with seed S equals a single world created with seed S+k,
  whatever the batch size, with bots everywhere or with a human lab under orders;
- the functional `step` never mutates its input and repeats itself exactly.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from game.engine import (
    OrderError,
    Orders,
    TrainOrder,
    World,
    compile_tables,
    create,
    default_scenario,
    step,
)

HUMAN = 0  # "Your Lab"
QUARTERS = 40


def bits_equal(a, b) -> bool:
    """Same dtype, shape and bytes: NaN equals NaN, but -0.0 differs from +0.0."""
    a, b = np.asarray(a), np.asarray(b)
    return (
        a.dtype == b.dtype
        and a.shape == b.shape
        and np.ascontiguousarray(a).tobytes() == np.ascontiguousarray(b).tobytes()
    )


def diff_arrays(a: dict, b: dict) -> list[str]:
    """Names whose arrays differ bit for bit (or exist on one side only)."""
    return [
        k for k in sorted(set(a) | set(b)) if k not in a or k not in b or not bits_equal(a[k], b[k])
    ]


def script(q: int) -> Orders:
    """A busy human player: prices, compute, research, products, two runs, distillation."""
    return Orders(
        lease=20.0 + 5.0 * (q % 4),
        buy=0.5 if q % 7 == 0 else 0.0,
        prices={"frontier": 4.0 + (q % 5), "small": 0.3 + 0.1 * (q % 3)},
        research={"efficiency": 0.05, "reliability": 0.02 * (q % 2)},
        build=("workspace",) if q == 1 else ("swarm",) if q == 9 else (),
        train=TrainOrder(6e11, 2.4e13, mix={"coding": 2.0, "science": 1.0}, quarters=3)
        if q == 3
        else TrainOrder(2e12, 6e13, quarters=4)
        if q == 20
        else None,
        distill=q == 12,
        raise_funds=1.0,
    )


def cheap(q: int) -> Orders:
    """What the player falls back to when the script is refused: prices only, no lease."""
    return Orders(lease=0.0, prices={"frontier": 4.0 + (q % 5)})


def play_quarter(world: World, scripted: bool) -> tuple[Orders | None, bool]:
    """Play one quarter: the script if the world accepts it, else a cheaper fallback.

    Returns the orders used (None = bots only) and whether the full script was used.
    """
    q = world.quarter
    if not scripted:
        world.step()
        return None, False
    for o in (script(q), cheap(q), Orders(lease=0.0)):
        try:
            world.step({HUMAN: o})
        except OrderError:
            continue
        return o, o == script(q)
    pytest.fail(f"quarter {q}: even Orders(lease=0) was refused")


def replay(world: World, orders: Orders | None):
    if orders is None:
        return world.step()
    if not world.state.alive[0, HUMAN]:
        orders = Orders()  # a bust lab can only pass; the batch masked its orders anyway
    return world.step({HUMAN: orders})


def event_key(e):
    return (e.quarter, e.kind, e.text, e.lab, e.segment, e.causes)


def assert_world_equals(batch: World, k: int, single: World) -> None:
    """World k of `batch` and the one world of `single` agree bit for bit."""
    q = batch.quarter
    assert q == single.quarter
    a, b = batch.state.world(k).arrays(), single.state.arrays()
    changed = sorted(
        n for n in set(a) | set(b) if n not in a or n not in b or not bits_equal(a[n], b[n])
    )
    assert not changed, f"after quarter {q}, world {k}: state differs in {changed}"
    if not batch.reports:
        return
    rb, rs = batch.reports[-1], single.reports[-1]
    assert bits_equal(rb.flows[k], rs.flows[0]), f"quarter {q}, world {k}: flows differ"
    bad = [m for m in rb.metrics if not bits_equal(rb.metrics[m][k], rs.metrics[m][0])]
    assert not bad, f"quarter {q}, world {k}: metrics differ in {bad}"
    ev_b = [event_key(e) for e in rb.events if e.world == k]
    ev_s = [event_key(e) for e in rs.events]
    assert ev_b == ev_s, f"quarter {q}, world {k}: events differ"


def run_game(seed: int, worlds: int, scripted: bool) -> World:
    w = World(default_scenario(), seed=seed, worlds=worlds, human=None if scripted else ())
    while not w.done:
        play_quarter(w, scripted)
    return w


# ---------------------------------------------------------------------------


@pytest.mark.parametrize("scripted", [False, True], ids=["bots", "human"])
def test_same_seed_same_orders_same_world(scripted):
    # The global RNGs must play no part: seed them differently before each run.
    np.random.seed(1)
    random.seed(1)
    a = run_game(seed=17, worlds=3, scripted=scripted)
    np.random.seed(2)
    random.seed(2)
    b = run_game(seed=17, worlds=3, scripted=scripted)
    assert a.quarter == b.quarter == QUARTERS
    changed = diff_arrays(a.state.arrays(), b.state.arrays())
    assert not changed, f"state differs in {changed}"
    ha, hb = a.history(), b.history()
    assert ha and set(ha) == set(hb)
    changed = diff_arrays(ha, hb)
    assert not changed, f"history differs in {changed}"
    for ra, rb in zip(a.reports, b.reports, strict=True):
        assert bits_equal(ra.flows, rb.flows)
        assert [(*event_key(e), e.world) for e in ra.events] == [
            (*event_key(e), e.world) for e in rb.events
        ]


def test_different_seeds_give_different_worlds():
    a = run_game(seed=0, worlds=1, scripted=False)
    b = run_game(seed=1, worlds=1, scripted=False)
    changed = set(diff_arrays(a.state.arrays(), b.state.arrays())) - {"seeds"}
    assert changed, "two seeds played the same game"
    ha, hb = a.history(), b.history()
    assert not bits_equal(ha["frontier"], hb["frontier"]) or not bits_equal(ha["cash"], hb["cash"])
    assert not bits_equal(ha["sentiment"], hb["sentiment"])  # investor noise is seeded


def play_batch_and_singles(scripted: bool) -> None:
    """A batch of 6 worlds (seed 40) against 6 single worlds (seeds 40..45), same orders,
    compared after creation and after every quarter of a full game."""
    seed, W = 40, 6
    human = None if scripted else ()
    batch = World(default_scenario(), seed=seed, worlds=W, human=human)
    singles = [World(default_scenario(), seed=seed + k, human=human) for k in range(W)]
    for k, s in enumerate(singles):
        assert_world_equals(batch, k, s)
    full = 0
    while not batch.done:
        used, was_full = play_quarter(batch, scripted)
        full += was_full
        for k, s in enumerate(singles):
            replay(s, used)
            assert_world_equals(batch, k, s)
    assert batch.quarter == QUARTERS
    if scripted:
        # The comparison means something only if the orders did things.
        assert full >= QUARTERS // 2
        assert batch.state.built[:, HUMAN, batch.tables.prod_ids.index("workspace")].all()


@pytest.mark.parametrize("scripted", [False, True], ids=["bots", "human"])
def test_batch_world_k_equals_single_world_with_seed_plus_k(scripted):
    """Bit for bit, from create() on. Guards against reductions whose rounding depends
    on the batch size: numpy sums a middle axis of a worlds-last (..., W) array pairwise
    when W = 1 (the axis is then contiguous) and in index order when W > 1."""
    play_batch_and_singles(scripted)


@pytest.mark.parametrize("scripted", [False, True], ids=["bots", "human"])
def test_batch_size_does_not_change_shared_worlds(scripted):
    human = None if scripted else ()
    small = World(default_scenario(), seed=123, worlds=2, human=human)
    big = World(default_scenario(), seed=123, worlds=5, human=human)
    while not big.done:
        # The big batch chooses the orders: what all five worlds accept, the first two
        # accept too (orders are checked world by world).
        used, _ = play_quarter(big, scripted)
        if used is None:
            small.step()
        else:
            small.step({HUMAN: used})
        for k in range(2):
            changed = diff_arrays(small.state.world(k).arrays(), big.state.world(k).arrays())
            assert not changed, f"quarter {small.quarter}, world {k}: {changed}"
            assert bits_equal(small.reports[-1].flows[k], big.reports[-1].flows[k])
    assert small.quarter == big.quarter == QUARTERS
    hs, hb = small.history(), big.history()
    changed = [k for k in hs if not bits_equal(hs[k], hb[k][:, :2])]
    assert not changed, f"history differs in {changed}"


def test_step_is_pure_and_repeatable():
    tb = compile_tables(default_scenario())
    st = create(tb, seed=9, worlds=3)
    for _ in range(6):
        st, _ = step(tb, st, {HUMAN: Orders()})
    before = {k: v.copy() for k, v in st.arrays().items()}
    t0 = st.t
    orders = {HUMAN: Orders(prices={"frontier": 5.0}, research={"synthetic": 0.1})}
    a, ra = step(tb, st, orders)
    b, rb = step(tb, st, orders)
    assert st.t == t0
    assert not diff_arrays(before, st.arrays()), "step mutated its input state"
    assert a.t == b.t == t0 + 1
    assert not diff_arrays(a.arrays(), b.arrays())
    assert bits_equal(ra.flows, rb.flows)
    assert not diff_arrays(ra.metrics, rb.metrics)
    # The new state shares no memory with the old one.
    for k, v in a.arrays().items():
        assert not np.shares_memory(v, st.arrays()[k]), k
