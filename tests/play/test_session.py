"""GameSession: views, the draft, legal ranges, checks, previews, standing orders, saves."""

from __future__ import annotations

import dataclasses
import json

import pytest

from game.engine.orders import ORDER_FIELDS
from game.play import DraftError, GameSession, OrderError
from game.play.runner import state_digest


@pytest.fixture
def session(content, tmp_path):
    return GameSession.new(content, scenario="default", seed=3, folder=tmp_path)


def test_view_is_plain_data_that_serializes_to_json(session):
    session.end_quarter(autosave=False)
    v = session.view()
    data = dataclasses.asdict(v)
    text = json.dumps(data)
    assert json.loads(text)["lab"]["name"] == "Your Lab"
    assert v.quarter == 2 and v.date == "2025 Q2" and v.market.verdict is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.lab.cash = 0.0  # type: ignore[misc]


def test_a_bad_value_raises_and_leaves_the_draft_alone(session):
    session.set("prices.frontier", 6.0)
    for name, value in (
        ("lease", -5),
        ("lease", float("inf")),
        ("prices.frontier", 0),
        ("research.nothing", 1.0),
        ("train", {"params": 1e12}),
        ("build", "teleporter"),
        ("nonsense", 1),
    ):
        with pytest.raises(DraftError):
            session.set(name, value)
    assert session.draft == {"prices": {"frontier": 6.0}}


def test_check_names_the_field_and_changes_nothing(session):
    before = state_digest(session.game.world.state)
    session.set("lease", 5000.0)  # far more GPUs than the cash pays for
    refusals = session.check()
    assert refusals and refusals[0].field == "orders" and "orders spend" in refusals[0].reason
    with pytest.raises(OrderError):
        session.end_quarter(autosave=False)
    assert state_digest(session.game.world.state) == before and session.quarter == 0
    assert session.draft == {"lease": 5000.0}  # kept, to be fixed


def test_preview_is_the_next_quarter_and_leaves_the_game_unchanged(session):
    before = state_digest(session.game.world.state)
    draft = session.updated("prices.frontier", 5.0)
    p = session.preview(draft)
    assert p.ok and state_digest(session.game.world.state) == before
    session.draft = draft
    session.end_quarter(autosave=False)
    lab = session.view().lab
    assert lab.revenue == pytest.approx(p.revenue) and lab.cash == pytest.approx(p.cash_after)


def test_legal_ranges_come_from_the_order_specification(session):
    legal = session.legal()
    assert [f.name for f in legal.fields] == [f.name for f in ORDER_FIELDS]
    for spec, got in zip(ORDER_FIELDS, legal.fields, strict=True):
        assert (got.kind, got.unit, got.help, got.lo_open) == (
            spec.kind,
            spec.unit,
            spec.help,
            spec.lo_open,
        )
        assert got.hi <= spec.hi
    lease = legal.field("lease")
    assert lease.hi == pytest.approx(legal.cash / lease.cost_each)


def test_standing_orders_carry_over_until_changed(session):
    session.set("lease", 20.0)
    session.set("research.efficiency", 0.1)
    session.end_quarter(autosave=False)
    for _ in range(3):
        session.end_quarter(autosave=False)  # nothing touched
    last = session.game.records[-1].orders
    assert last.lease == 20.0 and last.research == {"efficiency": 0.1}
    session.autoplay(autosave=False)  # a quarter handed to the policy...
    session.end_quarter(autosave=False)  # ...leaves the player's standing orders as they were
    last = session.game.records[-1].orders
    assert last.lease == 20.0 and last.research == {"efficiency": 0.1}


def test_standing_orders_are_cut_to_the_cash_and_the_report_says_so(session):
    cash = session.view().lab.cash
    session.set("research.reliability", round(cash * 0.8, 2))
    session.end_quarter(autosave=False)  # typed this quarter: played as typed
    report = session.end_quarter(autosave=False)  # standing: cut to what is left
    assert any("standing research cut" in n for n in report.notices)
    spent = session.game.records[-1].orders.research["reliability"]
    assert spent < cash * 0.8
    assert session.view().lab.alive


def test_a_lab_overtaken_by_open_weights_is_told_why(session):
    # In the default world the player's starting model is already below the open one.
    report = session.end_quarter(autosave=False)
    shown = [n.text for n in report.news if n.mine]
    assert any("is behind the free open-weight model" in t for t in shown), shown
    assert session.view().lab.models[0].open_weights


def test_save_and_load_continue_the_same_game(content, tmp_path):
    a = GameSession.new(content, scenario="steel", seed=12, folder=tmp_path, save_name="g")
    a.set("lease", 15.0)
    for _ in range(3):
        a.end_quarter()
    a.save()
    b = GameSession.load(content, "g", tmp_path)
    assert b.standing == a.standing and b.view() == a.view()
    for s in (a, b):
        s.set("prices.frontier", 7.5)
        for _ in range(4):
            s.end_quarter(autosave=False)
    assert [r.digest for r in a.game.records] == [r.digest for r in b.game.records]


def test_same_seed_and_orders_give_the_same_game(content, tmp_path):
    runs = []
    for _ in range(2):
        s = GameSession.new(content, scenario="solar", seed=21, folder=tmp_path)
        s.set("train", {"params": 5e11, "tokens": 1e13, "quarters": 2})
        s.end_quarter(autosave=False)
        for _ in range(5):
            s.end_quarter(autosave=False)
        runs.append([r.digest for r in s.game.records])
    assert runs[0] == runs[1]


def test_the_operating_cost_lines_add_up_to_the_costs(session):
    session.set("research.efficiency", 0.2)
    session.set("build", "workspace")
    for _ in range(3):
        session.end_quarter(autosave=False)
    lab = session.view().lab
    operating = [c for c in lab.costs_detail if "not an operating cost" not in c.name]
    assert {c.name for c in operating} >= {"serving compute", "staff", "research"}
    assert sum(c.amount for c in operating) == pytest.approx(lab.costs)
    assert all(c.amount > 0 for c in operating)


def test_adoption_and_investor_mood_are_reported(content, tmp_path):
    s = GameSession.new(content, scenario="default", seed=8, folder=tmp_path)
    for _ in range(12):
        s.end_quarter(autosave=False)
    m = s.view().market
    first = s.game.records[0].market
    assert 0 < first["adoption"] < m.adoption <= 1  # Bass diffusion spreads
    assert m.sentiment > 0
    files = s.run_files()
    assert "adoption,sentiment" in files["quarters.csv"].splitlines()[0]
    summary = json.loads(files["summary.json"])
    assert summary["adoption"] == pytest.approx(m.adoption, rel=1e-5)
    assert summary["investor_sentiment"] == pytest.approx(m.sentiment, rel=1e-5)
    assert "## Buyers and investors" in files["debrief.md"]


def test_a_distillation_says_what_it_gained(content, tmp_path):
    s = GameSession.new(content, scenario="default", seed=4, folder=tmp_path)
    # At the start the small model is already a distillation of the frontier model.
    s.set("distill", True)
    report = s.end_quarter(autosave=False)
    assert any("for no gain" in a for a in report.actions), report.actions
    # After a bigger frontier model ships, distilling it makes a better small model.
    s.set("lease", 60.0)
    s.set("train", {"params": 2e12, "tokens": 4e13, "quarters": 2})
    for _ in range(5):
        s.end_quarter(autosave=False)
    assert s.game.world.state.cap[0, 0, 0] > s.game.records[0].labs[0].capability
    s.set("distill", True)
    report = s.end_quarter(autosave=False)
    gained = [a for a in report.actions if a.startswith("distilled a small model")]
    assert gained and "->" in gained[0], report.actions


def test_the_report_explains_the_change_in_cash(content, tmp_path):
    for scen, seed in (("default", 1), ("steel", 3)):
        s = GameSession.new(content, scenario=scen, seed=seed, folder=tmp_path)
        s.set("train", {"params": 1e12, "tokens": 2e13, "quarters": 2})
        s.set("raise_funds", 2.0)
        s.set("build", "workspace")
        cash = s.view().lab.cash
        for _ in range(4):
            report = s.end_quarter(autosave=False)
            now = s.view().lab.cash
            assert sum(c.amount for c in report.cash_bridge) == pytest.approx(now - cash)
            assert report.cash_bridge[0].name == "operating profit"
            cash = now


def test_goals_and_tips_speak_plainly(content, tmp_path):
    s = GameSession.new(content, scenario="default", seed=1, folder=tmp_path)
    v = s.view()
    assert v.played == 0 and any("first quarter" in h for h in v.hints)
    # The starting model is below the open-weight one: the tip says what to do.
    assert any("weaker than the free open-weight model" in h for h in v.hints)
    status = {g.id: g.status for g in v.goals}
    assert "in business" in status.values()
    share = next(g for g in s.game.goals if g.metric == "revenue_share")
    assert status[share.id].endswith(f"(needs {share.value:.0%}+)")
    s.set("train", {"params": 1e12, "tokens": 2e13, "quarters": 2})
    s.end_quarter(autosave=False)
    hints = s.view().hints
    assert not any("first quarter" in h or "weaker than" in h for h in hints)


def test_a_price_far_above_the_rivals_gets_a_tip_and_a_fair_one_does_not(session):
    def price_tip(v):
        return [h for h in v.hints if "well above the rivals'" in h]

    assert price_tip(session.view()) == []  # $8/M against rivals at $3-10/M
    session.set("price.frontier", 40.0)
    session.end_quarter(autosave=False)
    v = session.view()
    (tip,) = price_tip(v)
    assert "$40.00/M" in tip and "(p)" in tip
    theirs = sorted(r.price for r in v.rivals if r.alive)
    mid = theirs[len(theirs) // 2]
    assert f"${mid:.2f}/M" in tip
