"""Invariants every quarter must obey, whatever the player orders.

A hypothesis strategy plays the human lab with random legal orders for 40 quarters and
every quarter is checked: finite numbers, no negative stocks, shares that add up, the
cash identity, the vendor's revenue identity, bounded market-structure metrics.

Legality: the strategy budgets from `World.observe` (cash, debt, last quarter's revenue
and GPU-hour price, with a safety margin on prices). Compute prices move within a quarter
(vendor markup, events), so an order can still overrun the cash by a little; then the
only acceptable refusal is the cash check, and the quarter is played with the same
prices and no spending instead (`Orders(lease=0, prices=...)`), which must be accepted.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from game.engine import (
    FLOW_NAMES,
    SEGMENTS,
    TIERS,
    VERDICTS,
    OrderError,
    Orders,
    Report,
    State,
    TrainOrder,
    World,
    default_scenario,
    step,
)
from game.engine.scenario import RESEARCH

HUMAN = 0
QUARTERS = 40
F = {name: i for i, name in enumerate(FLOW_NAMES)}
K = len(TIERS)
S = len(SEGMENTS)

#: Flows and their sign: +1 money in, -1 money out.
FLOW_SIGN = {
    "revenue": +1,
    "lease": -1,
    "purchase": -1,
    "distill": -1,
    "staff": -1,
    "research": -1,
    "product_build": -1,
    "product_upkeep": -1,
    "interest": -1,
    "funding": +1,
    "borrow": +1,
    "repay": -1,
    "subsidy": +1,
    "writeoff": +1,
    "contract_delivery": -1,
    "parent_sweep": -1,
}

#: Stocks that can never be negative (cash is checked separately, with the engine's
#: bankruptcy tolerance of 1e-9).
NON_NEGATIVE = (
    "debt",
    "gpus",
    "book",
    "lease",
    "adopters",
    "research",
    "amort",
    "n",
    "run_need",
    "run_done",
    "run_cost",
    "build_left",
    "rev_hist",
    "share_prev",
    "staff",
    "markup",
)
POSITIVE = ("prices", "data_stock", "sentiment")

#: Rings that mark empty slots with NaN: allowed only while fewer quarters than the
#: ring holds have been played.
NAN_RINGS = ("struct_hist",)


# ---------------------------------------------------------------------------
# The invariants
# ---------------------------------------------------------------------------


def check_quarter(old: State, new: State, report) -> None:
    """Everything a quarter must obey. `old` is the state before the step."""
    q = old.t
    m = report.metrics
    flows = report.flows
    W, L = old.cash.shape
    assert report.quarter == q and new.t == q + 1

    # Finite numbers everywhere (documented exceptions only).
    for name, a in new.arrays().items():
        if a.dtype.kind != "f":
            continue
        if name in NAN_RINGS and new.t < a.shape[1]:
            assert not np.isinf(a).any(), name
            continue
        assert np.isfinite(a).all(), f"quarter {q}: state.{name} has NaN/inf"
    assert np.isfinite(flows).all(), f"quarter {q}: flows have NaN/inf"
    for name, a in m.items():
        a = np.asarray(a)
        if a.dtype.kind != "f":
            continue
        if name == "price_decline" and q < 4:
            # NaN for the first year: there is no price a year ago to compare with.
            assert np.isnan(a).all(), f"quarter {q}: price_decline should be NaN"
            continue
        assert np.isfinite(a).all(), f"quarter {q}: metrics[{name!r}] has NaN/inf"

    # Stocks.
    arrays = new.arrays()
    for name in NON_NEGATIVE:
        if name in arrays:
            assert (arrays[name] >= 0).all(), f"quarter {q}: negative {name}"
    for name in POSITIVE:
        assert (arrays[name] > 0).all(), f"quarter {q}: {name} not positive"
    assert (new.cash >= -1e-9).all(), f"quarter {q}: negative cash {new.cash.min()}"
    assert (new.share_prev <= 1.0 + 1e-12).all()
    assert (new.rep <= 0).all() and (new.rep >= -3.0).all()

    # Labs: existence never ends, death is final, the dead hold nothing.
    assert (new.exists | ~old.exists).all()
    dead_before = old.exists & ~old.alive
    assert not (new.alive & dead_before).any(), f"quarter {q}: a dead lab came back"
    assert not (new.alive & ~new.exists).any()
    dead = new.exists & ~new.alive
    for name in ("cash", "debt", "gpus", "book", "lease"):
        assert (arrays[name][dead] == 0).all(), f"quarter {q}: a dead lab holds {name}"
    assert not (new.run_on & ~new.alive).any()
    assert np.array_equal(m["alive"], new.alive)
    assert np.array_equal(m["labs_alive"], new.alive.sum(-1))

    # Flows: signed, and zero for labs that were not in business.
    for name, sign in FLOW_SIGN.items():
        assert (sign * flows[..., F[name]] >= 0).all(), f"quarter {q}: {name} has the wrong sign"
    idle = ~old.alive & ~m["entered"]
    assert (flows[idle] == 0).all(), f"quarter {q}: a lab out of business has cash flows"
    bust = m["bankrupt"]
    assert not (bust & ~old.alive).any()
    assert np.array_equal(flows[..., F["writeoff"]] > 0, bust)
    assert np.array_equal(m["revenue"], flows[..., F["revenue"]])

    # The cash identity: every dollar in or out is a flow.
    np.testing.assert_allclose(
        new.cash - old.cash, flows.sum(-1), rtol=0, atol=1e-9, err_msg=f"cash, quarter {q}"
    )
    np.testing.assert_array_equal(m["cash"], new.cash)
    # Debt moves by what was borrowed and repaid; bankruptcy wipes it.
    debt = old.debt + flows[..., F["borrow"]] + flows[..., F["repay"]]
    np.testing.assert_allclose(np.where(bust, 0.0, debt), new.debt, rtol=0, atol=1e-9)

    # Shares over offers and the outside option.
    sh, out = m["shares"], m["outside_share"]
    assert sh.shape == (W, S, L * K + 1) and out.shape == (W, S)
    assert (sh >= 0).all() and (sh <= 1).all(), f"quarter {q}: share outside [0, 1]"
    assert (out >= 0).all() and (out <= 1).all()
    np.testing.assert_allclose(sh.sum(-1) + out, 1.0, rtol=0, atol=1e-9)
    on_sale = (old.alive[..., None] & new.has).reshape(W, L * K)
    assert (sh[..., :-1][~np.broadcast_to(on_sale[:, None, :], sh[..., :-1].shape)] == 0).all(), (
        f"quarter {q}: an offer not on sale has buyers"
    )
    assert ((m["served"] >= 0) & (m["served"] <= 1)).all()

    # Money identities: the vendor sells to labs and to the open-weight hosts (the
    # fringe of compute buyers); buyers spend what sellers earn.
    np.testing.assert_allclose(
        m["vendor_revenue"],
        m["lab_compute_spend"].sum(-1) + m["fringe_compute_spend"],
        rtol=1e-12,
        atol=1e-12,
    )
    np.testing.assert_allclose(
        m["lab_compute_spend"],
        -(flows[..., F["lease"]] + flows[..., F["purchase"]] + flows[..., F["distill"]]),
        rtol=1e-12,
        atol=1e-15,
    )
    np.testing.assert_allclose(
        m["market_size"], m["revenue"].sum(-1) + m["fringe_revenue"], rtol=1e-9, atol=1e-12
    )
    assert (m["fringe_revenue"] >= m["fringe_compute_spend"]).all()

    # Market structure.
    assert ((m["hhi"] >= 0) & (m["hhi"] <= 10_000 + 1e-9)).all()
    assert ((m["cr4"] >= 0) & (m["cr4"] <= 1 + 1e-12)).all()
    # Lerner = sum (p - c) q / sum p q: at most 1 (costs are >= 0). It is NOT clamped
    # below: sellers pricing under marginal cost make it negative, legitimately.
    assert (m["lerner"] <= 1 + 1e-12).all()
    assert m["verdict"].dtype.kind in "iu"
    assert np.isin(m["verdict"], np.arange(len(VERDICTS))).all()
    assert ((m["open_token_share"] >= 0) & (m["open_token_share"] <= 1 + 1e-12)).all()
    assert (m["compute_price"] > 0).all() and (m["open_price"] > 0).all()
    if q >= 4:
        assert (m["price_decline"] >= 0).all()


# ---------------------------------------------------------------------------
# Random legal orders
# ---------------------------------------------------------------------------


def unit_costs(world: World, obs: dict) -> tuple[float, float, float]:
    """Upper estimates of this quarter's lease and buy cost per kGPU and of a training
    FLOP, from last quarter's GPU-hour price with a 2x margin."""
    p = world.scenario.params
    hour = obs["market"]["compute_price_per_gpu_hour"] or p.price_per_gpu_hour0
    hour *= 2.0
    lease = hour * p.lease_premium * p.hours_per_quarter * 1000.0 / 1e9
    buy = hour * p.hours_per_quarter * 1000.0 * p.purchase_quarters / 1e9
    flop = lease / (world.tables.flops_per_kgpu_q * p.train_utilization)
    return lease, buy, flop


finite = dict(allow_nan=False, allow_infinity=False)


@st.composite
def train_orders(draw):
    params = 10.0 ** draw(st.floats(9.0, 13.0, **finite))
    tokens = params * draw(st.floats(20.0, 200.0, **finite))
    mix = draw(st.dictionaries(st.sampled_from(SEGMENTS), st.floats(0.0, 5.0, **finite)))
    if mix and not any(v > 0 for v in mix.values()):
        mix = {}
    return TrainOrder(params, tokens, mix=mix, quarters=draw(st.integers(1, 12)))


def draw_orders(data, world: World) -> Orders:
    """Random orders for the human lab that should be legal this quarter."""
    obs = world.observe(HUMAN)
    p = world.scenario.params
    lease_c, buy_c, flop_c = unit_costs(world, obs)
    budget = 0.9 * max(obs["cash"], 0.0)

    lease = data.draw(st.none() | st.floats(0.0, 80.0, **finite), label="lease")
    buy = data.draw(st.just(0.0) | st.floats(0.0, 5.0, **finite), label="buy")
    research = data.draw(
        st.dictionaries(st.sampled_from(RESEARCH), st.floats(0.0, 0.5, **finite)),
        label="research",
    )
    prices = data.draw(
        st.dictionaries(st.sampled_from(TIERS), st.floats(0.05, 100.0, exclude_min=True, **finite)),
        label="prices",
    )
    train = None
    if obs["training"] is None and data.draw(st.integers(0, 4), label="train?") == 0:
        train = data.draw(train_orders(), label="train")
    free = [q for q in world.tables.prod_ids if q not in obs["products"]]
    free = [q for q in free if q not in obs["building"]]
    build = tuple(
        data.draw(st.lists(st.sampled_from(free), unique=True, max_size=2), label="build")
        if free
        else ()
    )
    distill = data.draw(st.booleans(), label="distill")
    release = data.draw(st.integers(0, 9), label="release?") == 0
    raise_funds = data.draw(st.floats(0.0, 5.0, **finite), label="raise")
    # Lenders allow annual revenue plus half the hardware's book value, minus debt;
    # the book value is private, so stay within half the revenue part.
    room = max(p.debt_limit_revenue * 4.0 * obs["revenue"] - obs["debt"], 0.0)
    borrow = data.draw(st.just(0.0) | st.floats(0.0, 0.5 * room, **finite), label="borrow")
    repay = data.draw(st.just(0.0) | st.floats(0.0, obs["debt"], **finite), label="repay")
    train_share = data.draw(st.none() | st.floats(0.0, 1.0, **finite), label="train_share")

    products = {q.id: q for q in world.scenario.products}
    n_big = obs["models"]["frontier"]["params"]

    def cost(lease, buy, research, build, distill, repay):
        leased = obs["gpus_leased"] if lease is None else lease
        small = n_big * p.distill_ratio
        return (
            leased * lease_c
            + buy * buy_c
            + sum(research.values())
            + sum(products[q].build_cost / products[q].build_quarters for q in build)
            + (6.0 * small * 100.0 * small * flop_c if distill else 0.0)
            + repay
        )

    # Shrink the spending until it fits the cash (plus what is borrowed).
    for _ in range(8):
        if cost(lease, buy, research, build, distill, repay) <= budget + borrow:
            break
        lease = 0.5 * (obs["gpus_leased"] if lease is None else lease)
        buy *= 0.5
        research = {k: 0.5 * v for k, v in research.items()}
        repay *= 0.5
        build, distill = (), False
    else:
        lease, buy, research, repay = 0.0, 0.0, {}, 0.0
    return Orders(
        lease=lease,
        buy=buy,
        train=train,
        train_share=train_share,
        research=research,
        build=build,
        prices=prices,
        distill=distill,
        release_open=release,
        raise_funds=raise_funds,
        borrow=borrow,
        repay=repay,
    )


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(seed=st.integers(0, 2**32), data=st.data())
def test_random_legal_orders_keep_every_invariant(seed, data):
    world = World(default_scenario(), seed=seed)
    fallbacks = 0
    while not world.done:
        orders = draw_orders(data, world)
        old = world.state
        try:
            report = world.step({HUMAN: orders})
        except OrderError as e:
            # Only the cash check may refuse these orders (prices moved more than the
            # margin); the refusal changed nothing, and spending nothing is accepted.
            assert all("orders spend" in r for r in e.reasons), e.reasons
            assert world.state is old and world.quarter == old.t
            fallbacks += 1
            report = world.step({HUMAN: Orders(lease=0.0, prices=orders.prices)})
        check_quarter(old, world.state, report)
        if orders.prices and world.state.alive[0, HUMAN] and report.quarter == old.t:
            for tier, price in orders.prices.items():
                assert world.state.prices[0, HUMAN, TIERS.index(tier)] == price
    note(f"{fallbacks} fallbacks in {world.quarter} quarters")
    assert world.quarter == QUARTERS or not world.state.alive[0, HUMAN]


# ---------------------------------------------------------------------------
# Bots only: batches with entry, bankruptcies and every kind of event
# ---------------------------------------------------------------------------


def stormy():
    """Every event likely, labs poor and dear to run: bankruptcies in most worlds."""
    sc = default_scenario()
    events = tuple(dataclasses.replace(e, hazard=0.3) for e in sc.events)
    labs = tuple(
        dataclasses.replace(lab, cash=0.2 * lab.cash, staff=5 * lab.staff) for lab in sc.labs
    )
    return dataclasses.replace(sc, events=events, labs=labs)


@pytest.mark.parametrize("storm", [False, True], ids=["default", "stormy"])
def test_bot_batches_keep_every_invariant(storm):
    scenario = stormy() if storm else default_scenario()
    world = World(scenario, seed=22, worlds=12, human=())
    busts = 0
    while not world.done:
        old = world.state
        report = world.step()
        check_quarter(old, world.state, report)
        busts += int(report.metrics["bankrupt"].sum())
    assert world.quarter == QUARTERS
    if storm:
        # The storm must have exercised bankruptcies and every kind of event.
        assert busts > 0
        assert world.state.ev_seen.all()


def test_entry_keeps_the_invariants():
    """Entrants arrive with cash recorded as funding, so the cash identity holds."""
    sc = default_scenario().with_params(entry_probability=1.0)
    world = World(sc, seed=5, worlds=3, human=())
    for _ in range(4):
        old = world.state
        report = world.step()
        check_quarter(old, world.state, report)
    # Profits that beat any entry cost invite entry (the state is the engine's input).
    world.state.econ_hist[:] = 1e4
    free = ~world.state.exists
    assert free.any(-1).all()
    old = world.state
    report = world.step()
    check_quarter(old, world.state, report)
    entered = report.metrics["entered"]
    assert entered.any(-1).all() and not (entered & ~free).any()
    assert (world.state.alive[entered]).all() and (world.state.cash[entered] > 0).all()
    funding = report.flows[..., F["funding"]]
    np.testing.assert_array_equal(funding[entered], world.state.cash[entered])
    # And the entrants play on under the same invariants.
    for _ in range(4):
        old = world.state
        report = world.step()
        check_quarter(old, world.state, report)


def test_a_human_lab_going_bust_keeps_the_invariants(eng):
    world = World(eng.doomed_scenario(), seed=3, worlds=3)
    while not world.done:
        old = world.state
        report = world.step()
        check_quarter(old, world.state, report)
    assert not world.state.alive[:, HUMAN].any()


# ---------------------------------------------------------------------------
# The checker itself: each invariant can fail.
# ---------------------------------------------------------------------------


def _set(name, index, value):
    def corrupt(old, new, report):
        getattr(new, name)[index] = value

    return corrupt


def _metric(name, index, value):
    def corrupt(old, new, report):
        report.metrics[name][index] = value

    return corrupt


def _flow(name, index, value):
    def corrupt(old, new, report):
        report.flows[(*index, F[name])] = value

    return corrupt


def _revive(old, new, report):
    old.alive[0, 1] = False
    report.flows[0, 1] = 0.0


CORRUPTIONS = {
    "cash appears from nowhere": _set("cash", (0, 1), 1e3),
    "NaN capability": _set("cap", (0, 1, 0), float("nan")),
    "negative GPUs": _set("gpus", (1, 2), -1.0),
    "negative debt": _set("debt", (0, 0), -0.5),
    "zero price": _set("prices", (0, 3, 1), 0.0),
    "inf in the value chain": _metric("value_chain", (0, 1), float("inf")),
    "share above one": _metric("shares", (0, 0, 0), 1.5),
    "shares do not add up": _metric("outside_share", (1, 2), 0.0),
    "vendor revenue off": _metric("vendor_revenue", (0,), 1e3),
    "HHI above 10,000": _metric("hhi", (1,), 10_001.0),
    "CR4 above one": _metric("cr4", (0,), 1.2),
    "Lerner above one": _metric("lerner", (0,), 1.5),
    "unknown verdict": _metric("verdict", (0,), len(VERDICTS)),
    "staff paid to the lab": _flow("staff", (0, 1), 1.0),
    "writeoff without bankruptcy": _flow("writeoff", (0, 2), 1.0),
    "a dead lab comes back": _revive,
}


@pytest.fixture(scope="module")
def quarter():
    world = World(default_scenario(), seed=5, worlds=2)
    world.step({HUMAN: Orders()})
    old = world.state
    report = world.step({HUMAN: Orders(prices={"frontier": 5.0})})
    return old, world.state, report


@pytest.mark.parametrize("corrupt", CORRUPTIONS.values(), ids=CORRUPTIONS.keys())
def test_the_checker_catches_broken_invariants(quarter, corrupt):
    old, new, report = quarter
    check_quarter(old, new, report)  # the real quarter passes
    old, new = old.copy(), new.copy()
    report = Report(
        quarter=report.quarter,
        metrics={k: np.array(v, copy=True) for k, v in report.metrics.items()},
        flows=report.flows.copy(),
        events=list(report.events),
    )
    corrupt(old, new, report)
    with pytest.raises(AssertionError):
        check_quarter(old, new, report)


# ---------------------------------------------------------------------------
# Bankrupt labs' buyers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "switching",
    # Control: when every buyer re-chooses, remembering the shares cannot matter.
    [1.0, None],
    ids=["everyone-switches", "default-switching"],
)
def test_a_bankrupt_labs_buyers_all_choose_afresh(eng, switching):
    """Partial adjustment's contract: buyers of withdrawn offers all choose afresh.
    Guards against book-keeping that forgets a bankrupt lab's shares, which would count
    its buyers as last quarter's non-buyers and keep 1 - switching_rate of them out."""
    sc = eng.doomed_scenario()
    if switching is not None:
        sc = sc.with_params(switching_rate=switching)
    world = World(sc, seed=7, worlds=2)
    report = world.step()
    assert report.metrics["bankrupt"][:, HUMAN].all()
    tb, bust = world.tables, world.state
    lost = report.metrics["shares"][:, :, HUMAN * K : (HUMAN + 1) * K]  # (W,S,K)
    assert lost.sum(-1).min() > 1e-3  # the lab had buyers to lose
    # The same market, remembering the bust lab's last shares: its offers are
    # withdrawn (the lab is dead), so partial adjustment sends all its buyers to
    # choose afresh. Nothing else reads a dead lab's remembered shares.
    remembered = bust.copy()
    remembered.share_prev[:, :, HUMAN * K : (HUMAN + 1) * K] = lost
    _, engine = step(tb, bust)
    _, contract = step(tb, remembered)
    np.testing.assert_allclose(
        engine.metrics["outside_share"], contract.metrics["outside_share"], rtol=1e-9
    )
