"""Orders for the human lab: illegal ones are refused whole, with reasons that name the
lab and the field, before anything changes; legal ones do what they say."""

from __future__ import annotations

import numpy as np
import pytest

from game.engine import (
    FLOW_NAMES,
    SEGMENTS,
    OrderError,
    Orders,
    TrainOrder,
    World,
    default_scenario,
    step,
)
from game.engine.scenario import RESEARCH, TIERS

HUMAN = 0
LAB = "Your Lab"
NAN, INF = float("nan"), float("inf")


def _flow(name: str) -> int:
    return FLOW_NAMES.index(name)


@pytest.fixture
def world() -> World:
    """A one-world game after one quiet quarter, so the market has a history."""
    w = World(default_scenario(), seed=2)
    w.step({HUMAN: Orders()})
    return w


def refuse(world: World, eng, orders) -> list[str]:
    """Step with illegal `orders`; check the refusal left everything as it was."""
    before = eng.snapshot(world)
    with pytest.raises(OrderError) as info:
        world.step(orders)
    eng.assert_unchanged(world, before)
    reasons = info.value.reasons
    assert reasons, "an OrderError without reasons"
    assert all(isinstance(r, str) and r for r in reasons)
    assert str(info.value).startswith("orders refused")
    return reasons


# Each case: orders for the human lab, and the field its reason must name.
ILLEGAL = {
    "buy beyond cash": (Orders(buy=1e6), "buy"),
    "lease beyond cash": (Orders(lease=1e6), "lease"),
    "research beyond cash": (Orders(research={"efficiency": 1e5}), "research"),
    "negative lease": (Orders(lease=-1.0), "lease"),
    "nan lease": (Orders(lease=NAN), "lease"),
    "inf lease": (Orders(lease=INF), "lease"),
    "negative buy": (Orders(buy=-1.0), "buy"),
    "nan buy": (Orders(buy=NAN), "buy"),
    "string buy": (Orders(buy="lots"), "buy"),
    "inf raise": (Orders(raise_funds=INF), "raise_funds"),
    "negative raise": (Orders(raise_funds=-2.0), "raise_funds"),
    "nan borrow": (Orders(borrow=NAN), "borrow"),
    "negative repay": (Orders(repay=-1.0), "repay"),
    "train_share above 1": (Orders(train_share=1.5), "train_share"),
    "train_share nan": (Orders(train_share=NAN), "train_share"),
    "negative research": (Orders(research={"efficiency": -0.5}), "research.efficiency"),
    "nan research": (Orders(research={"reliability": NAN}), "research.reliability"),
    "inf research": (Orders(research={"synthetic": INF}), "research.synthetic"),
    "unknown research track": (Orders(research={"alchemy": 0.1}), "research.alchemy"),
    "unknown product": (Orders(build=("rocket",)), "build"),
    "product listed twice": (Orders(build=("workspace", "workspace")), "build"),
    "already built api": (Orders(build=("api",)), "build"),
    "already built chat": (Orders(build=("chat",)), "build"),
    "unknown price tier": (Orders(prices={"medium": 2.0}), "prices.medium"),
    "zero price": (Orders(prices={"frontier": 0.0}), "prices.frontier"),
    "negative price": (Orders(prices={"small": -1.0}), "prices.small"),
    "nan price": (Orders(prices={"frontier": NAN}), "prices.frontier"),
    "inf price": (Orders(prices={"small": INF}), "prices.small"),
    "absurd price": (Orders(prices={"frontier": 1e6}), "prices.frontier"),
    "train params too small": (Orders(train=TrainOrder(1e3, 1e12)), "train.params"),
    "train params too big": (Orders(train=TrainOrder(1e17, 1e18)), "train.params"),
    "train params nan": (Orders(train=TrainOrder(NAN, 1e12)), "train.params"),
    "train tokens too few": (Orders(train=TrainOrder(1e10, 10.0)), "train.tokens"),
    "train tokens inf": (Orders(train=TrainOrder(1e10, INF)), "train.tokens"),
    "train quarters zero": (Orders(train=TrainOrder(1e10, 2e11, quarters=0)), "train.quarters"),
    "train quarters 13": (Orders(train=TrainOrder(1e10, 2e11, quarters=13)), "train.quarters"),
    "train quarters float": (Orders(train=TrainOrder(1e10, 2e11, quarters=2.5)), "train.quarters"),
    "unknown mix segment": (
        Orders(train=TrainOrder(1e10, 2e11, mix={"poetry": 1.0})),
        "train.mix.poetry",
    ),
    "negative mix weight": (
        Orders(train=TrainOrder(1e10, 2e11, mix={"coding": -1.0, "science": 1.0})),
        "train.mix.coding",
    ),
    "all-zero mix": (Orders(train=TrainOrder(1e10, 2e11, mix={"coding": 0.0})), "train.mix"),
    "train not a TrainOrder": (Orders(train=(1e10, 2e11)), "train"),
    "repay more than debt": (Orders(repay=1.0), "repay"),
    "borrow beyond limit": (Orders(borrow=1e5), "borrow"),
}


@pytest.mark.parametrize("orders, field", ILLEGAL.values(), ids=ILLEGAL.keys())
def test_illegal_order_is_refused_naming_lab_and_field(world, eng, orders, field):
    reasons = refuse(world, eng, {HUMAN: orders})
    hits = [r for r in reasons if LAB in r and field in r]
    assert hits, f"no reason names {LAB!r} and {field!r}: {reasons}"


def test_refused_orders_can_be_fixed_and_replayed(world, eng):
    """A refusal is not sticky: the same world accepts legal orders right after."""
    refuse(world, eng, {HUMAN: Orders(buy=1e6)})
    q = world.quarter
    world.step({HUMAN: Orders(buy=1.0)})
    assert world.quarter == q + 1


def test_every_problem_is_reported_at_once(world, eng):
    orders = Orders(
        lease=-1.0,
        research={"alchemy": 1.0},
        prices={"frontier": 0.0, "medium": 1.0},
        build=("rocket",),
        train=TrainOrder(1.0, 1e12),
    )
    reasons = refuse(world, eng, {HUMAN: orders})
    for field in ("lease", "research.alchemy", "prices.frontier", "prices.medium", "build"):
        assert any(field in r for r in reasons), (field, reasons)
    assert any("train.params" in r for r in reasons), reasons
    assert all(LAB in r for r in reasons)


def test_spending_beyond_cash_says_how_much(world, eng):
    cash = world.observe(HUMAN)["cash"]
    (reason,) = refuse(world, eng, {HUMAN: Orders(buy=1e6)})
    assert LAB in reason and "buy" in reason
    assert f"${cash:.2f}B" in reason  # what the lab has


def test_borrowing_can_pay_for_spending(world):
    """The cash check counts what the lab borrows this quarter."""
    w = world
    # Earn a year of revenue so lenders extend credit.
    for _ in range(3):
        w.step({HUMAN: Orders()})
    cash = w.observe(HUMAN)["cash"]
    spend = cash + 0.5
    with pytest.raises(OrderError):
        w.step({HUMAN: Orders(research={"efficiency": spend})})
    r = w.step({HUMAN: Orders(research={"efficiency": spend}, borrow=1.0)})
    assert r.flows[0, HUMAN, _flow("borrow")] >= 1.0
    assert r.flows[0, HUMAN, _flow("research")] == pytest.approx(-spend)


def test_second_training_run_is_refused_while_one_is_under_way(world, eng):
    world.step({HUMAN: Orders(train=TrainOrder(1e12, 2e13, quarters=12))})
    assert world.observe(HUMAN)["training"] is not None
    reasons = refuse(world, eng, {HUMAN: Orders(train=TrainOrder(1e11, 2e12))})
    assert any(LAB in r and "train" in r and "under way" in r for r in reasons), reasons


def test_orders_for_a_bot_lab_are_refused(world, eng):
    bot = 1
    name = world.names[bot]
    reasons = refuse(world, eng, {bot: Orders(prices={"frontier": 1.0})})
    assert any(name in r and "not human" in r for r in reasons), reasons
    # Even together with legal orders for the human lab.
    refuse(world, eng, {HUMAN: Orders(), bot: Orders()})


@pytest.mark.parametrize("lab", [99, -1, "0", 1.0, None])
def test_orders_for_an_unknown_lab_are_refused(world, eng, lab):
    reasons = refuse(world, eng, {lab: Orders()})
    assert any("unknown lab" in r and repr(lab) in r for r in reasons), reasons


@pytest.mark.parametrize("bad", ["lease 10", 3, {"lease": 10.0}, TrainOrder(1e10, 2e11)])
def test_orders_must_be_orders_objects(world, eng, bad):
    reasons = refuse(world, eng, {HUMAN: bad})
    assert any(LAB in r and "Orders" in r for r in reasons), reasons


def test_orders_when_nobody_is_human_are_refused(eng):
    w = World(default_scenario(), seed=2, human=())
    reasons = refuse(w, eng, {HUMAN: Orders()})
    assert any("not human" in r for r in reasons), reasons


def test_a_bust_human_lab_cannot_act(eng):
    w = World(eng.doomed_scenario(), seed=0)
    w.step()
    assert not w.state.alive[0, HUMAN]
    reasons = refuse(w, eng, {HUMAN: Orders(prices={"frontier": 3.0})})
    assert any(LAB in r and "bankrupt" in r for r in reasons), reasons


def test_a_lab_bust_in_one_world_can_still_spend_in_the_others():
    w = World(default_scenario(), seed=4, worlds=2)
    # Bankrupt the human lab in world 1 only, through the engine's own finance step:
    # give it a payroll no lender will cover.
    w.state.staff[1, HUMAN] = 1e4
    w.step({HUMAN: Orders()})
    assert list(w.state.alive[:, HUMAN]) == [True, False]
    cash = w.state.cash[0, HUMAN]
    assert cash > 0.2
    spend = {"efficiency": 0.1}
    # A single world with the same seed accepts these orders...
    alone = World(default_scenario(), seed=4)
    alone.step({HUMAN: Orders()})
    assert alone.state.cash[0, HUMAN] == pytest.approx(cash)
    alone.step({HUMAN: Orders(research=spend)})
    # ...and world 0 of the batch, whose lab has the same cash, must accept them too.
    w.step({HUMAN: Orders(research=spend)})
    assert w.state.research[0, HUMAN, 0] == pytest.approx(alone.state.research[0, HUMAN, 0])


# ---------------------------------------------------------------------------
# Legal orders do what they say.
# ---------------------------------------------------------------------------


def test_price_order_sets_the_price_and_sticks(world):
    small = world.state.prices[0, HUMAN, TIERS.index("small")]
    r = world.step({HUMAN: Orders(prices={"frontier": 3.0})})
    assert world.state.prices[0, HUMAN, 0] == 3.0
    assert world.state.prices[0, HUMAN, 1] == small  # omitted tier keeps its price
    assert r.metrics["prices"][0, HUMAN, 0] == 3.0
    assert world.observe(HUMAN)["models"]["frontier"]["price"] == 3.0
    world.step({HUMAN: Orders()})  # omitted: last quarter's choice
    assert world.state.prices[0, HUMAN, 0] == 3.0


def test_lower_own_price_sells_more_tokens(world):
    """Same world, same quarter: only the human's frontier price differs."""
    tb, st = world.tables, world.state
    _, cheap = step(tb, st, {HUMAN: Orders(prices={"frontier": 2.0})})
    _, dear = step(tb, st, {HUMAN: Orders(prices={"frontier": 20.0})})
    j = HUMAN * len(TIERS) + TIERS.index("frontier")  # offers are ordered (lab, tier)
    sh_cheap = cheap.metrics["shares"][0, :, j]
    sh_dear = dear.metrics["shares"][0, :, j]
    assert np.all(sh_cheap > sh_dear)


def test_build_order_completes_after_build_quarters(world):
    sc = world.scenario
    prod = next(p for p in sc.products if p.id == "workspace")
    j = world.tables.prod_ids.index("workspace")
    assert "workspace" not in world.observe(HUMAN)["products"]
    paid = 0.0
    r = world.step({HUMAN: Orders(build=("workspace",))})
    paid -= r.flows[0, HUMAN, _flow("product_build")]
    for q in range(1, prod.build_quarters):
        obs = world.observe(HUMAN)
        assert "workspace" not in obs["products"], f"built after {q} of {prod.build_quarters}"
        assert obs["building"] == {"workspace": prod.build_quarters - q}
        r = world.step({HUMAN: Orders()})
        paid -= r.flows[0, HUMAN, _flow("product_build")]
    obs = world.observe(HUMAN)
    assert "workspace" in obs["products"] and obs["building"] == {}
    assert world.state.built[0, HUMAN, j]
    assert paid == pytest.approx(prod.build_cost)
    # Now it is built, building it again is refused.
    with pytest.raises(OrderError):
        world.step({HUMAN: Orders(build=("workspace",))})


def test_building_twice_while_under_construction_is_refused(world, eng):
    world.step({HUMAN: Orders(build=("science",))})
    assert world.observe(HUMAN)["building"]
    reasons = refuse(world, eng, {HUMAN: Orders(build=("science",))})
    assert any(LAB in r and "build" in r for r in reasons)


def test_training_run_ships_a_model_with_the_ordered_params(world):
    params, tokens = 8e11, 2.4e13
    mix = {"coding": 3.0, "science": 1.0}
    world.step({HUMAN: Orders(train=TrainOrder(params, tokens, mix=mix, quarters=2), lease=150.0)})
    run = world.observe(HUMAN)["training"]
    assert run["params"] == params and run["tokens"] == tokens
    for _ in range(8):
        r = world.step({HUMAN: Orders(raise_funds=3.0)})
        if r.metrics["shipped"][0, HUMAN]:
            break
    else:
        pytest.fail(f"the run never shipped: {world.observe(HUMAN)['training']}")
    assert not r.metrics["rebased"][0, HUMAN]
    assert world.state.n[0, HUMAN, 0] == params
    assert world.observe(HUMAN)["models"]["frontier"]["params"] == params
    assert world.observe(HUMAN)["training"] is None
    mix_vec = np.array([mix.get(s, 0.0) for s in SEGMENTS])
    np.testing.assert_allclose(world.state.mix[0, HUMAN], mix_vec / mix_vec.sum())


def test_research_spend_adds_to_cumulative_research(world):
    spend = {"efficiency": 0.3, "reliability": 0.2, "synthetic": 0.1}
    before = world.state.research[0, HUMAN].copy()
    r = world.step({HUMAN: Orders(research=spend)})
    added = world.state.research[0, HUMAN] - before
    np.testing.assert_allclose(added, [spend[t] for t in RESEARCH], rtol=0, atol=1e-12)
    assert r.flows[0, HUMAN, _flow("research")] == pytest.approx(-sum(spend.values()))


def test_buying_gpus_increases_owned_gpus(world):
    life = world.scenario.params.gpu_life_quarters
    before = world.state.gpus[0, HUMAN]
    r = world.step({HUMAN: Orders(buy=5.0)})
    after = world.state.gpus[0, HUMAN]
    assert after == pytest.approx((before + 5.0) * (1.0 - 1.0 / life))
    assert after > before * (1.0 - 1.0 / life)
    assert r.flows[0, HUMAN, _flow("purchase")] < 0
    assert world.observe(HUMAN)["gpus_owned"] == after


def test_lease_order_sets_leased_gpus_and_sticks(world):
    r = world.step({HUMAN: Orders(lease=12.5)})
    assert world.observe(HUMAN)["gpus_leased"] == 12.5
    assert r.flows[0, HUMAN, _flow("lease")] < 0
    world.step({HUMAN: Orders()})
    assert world.observe(HUMAN)["gpus_leased"] == 12.5


def test_distill_is_legal_and_makes_a_small_model(world):
    ratio = world.scenario.params.distill_ratio
    r = world.step({HUMAN: Orders(distill=True)})
    n = world.state.n[0, HUMAN]
    assert n[1] == pytest.approx(ratio * n[0])
    assert world.state.has[0, HUMAN, 1]
    assert r.flows[0, HUMAN, _flow("distill")] < 0


def test_borrow_and_repay_move_debt(world):
    for _ in range(3):
        world.step({HUMAN: Orders()})
    r = world.step({HUMAN: Orders(borrow=0.5)})
    assert world.observe(HUMAN)["debt"] == pytest.approx(0.5)
    assert r.flows[0, HUMAN, _flow("borrow")] == pytest.approx(0.5)
    r = world.step({HUMAN: Orders(repay=0.2)})
    assert r.flows[0, HUMAN, _flow("repay")] == pytest.approx(-0.2)
    assert world.observe(HUMAN)["debt"] == pytest.approx(0.3)


def test_raise_funds_brings_cash_up_to_the_ask(world):
    r = world.step({HUMAN: Orders(raise_funds=2.0)})
    got = r.flows[0, HUMAN, _flow("funding")]
    assert 0.0 < got <= 2.0 + 1e-12


def test_bare_orders_go_to_the_human_lab(world):
    world.step(Orders(prices={"frontier": 4.5}))
    assert world.state.prices[0, HUMAN, 0] == 4.5
