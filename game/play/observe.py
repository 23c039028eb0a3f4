"""Build the session's views (game/play/views.py) from the game's state and records.

Everything a screen shows is computed here, once, from the engine's state, its
reports and the game's records: the front-ends only lay it out.
"""

from __future__ import annotations

import numpy as np

from game.engine import SEGMENTS, TIERS, scaling
from game.engine.metrics import VERDICTS
from game.engine.scenario import RESEARCH, SEGMENT_NAMES
from game.engine.state import FLOW_NAMES
from game.text import money, signed_money

from . import views as v
from .lesson import hhi_words
from .outputs import VERDICT_MEANING
from .runner import revenue_shares
from .script import PLAYER

#: Operating costs line by line: the engine's cash flows that are operating costs
#: (sim.py step 9: op = revenue - serving compute - staff - upkeep - research).
OPERATING = {
    "staff": "staff",
    "research": "research",
    "product_upkeep": "product upkeep",
    "contract_delivery": "delivering the government contract",
}
#: Money paid out that is not an operating cost of the quarter (capex and financing).
ALSO_PAID = {
    "purchase": "GPUs bought",
    "product_build": "product builds",
    "distill": "distillation",
    "interest": "interest",
}


def cost_lines(revenue: float, op_profit: float, flows: dict) -> tuple[v.CostLine, ...]:
    """Where the quarter's money went: the operating costs, which add up to revenue
    minus operating profit (serving compute is the rest once the cash lines are
    taken off), then other money paid out, marked as such."""
    costs = revenue - op_profit
    out = [v.CostLine(label, -float(flows[k])) for k, label in OPERATING.items()]
    serving = costs - sum(c.amount for c in out)
    out.insert(0, v.CostLine("serving compute", serving))
    out = [c for c in out if abs(c.amount) > 1e-6]
    out += [
        v.CostLine(f"{label} (not an operating cost)", -float(flows[k]))
        for k, label in ALSO_PAID.items()
        if abs(flows[k]) > 1e-6
    ]
    return tuple(out)


def build_view(s) -> v.QuarterView:
    g = s.game
    w = g.world
    st, tb = w.state, w.tables
    me = PLAYER
    sc = g.scenario
    cx = w.context()
    recs = g.records
    last = w.reports[-1] if w.reports else None

    # --- the lab
    flows = dict(zip(FLOW_NAMES, last.flows[0, me], strict=True)) if last else {}
    rq = recs[-1].labs[me] if recs else None
    prev = recs[-2].labs[me] if len(recs) >= 2 else None
    revenue = rq.revenue if rq else 0.0
    costs = rq.costs if rq else 0.0
    profit = rq.op_profit if rq else 0.0
    cash = float(st.cash[0, me])
    spent = burn(flows) if flows else 0.0
    runway = cash / spent if spent > 1e-9 else None
    models = []
    rebased = bool(last.metrics["rebased"][0, me]) if last else False
    for k, tier in enumerate(TIERS):
        if not st.has[0, me, k]:
            continue
        cap = float(st.cap[0, me, k])
        price = float(st.prices[0, me, k])
        cost = float(cx.serve_cost[0, me, k])
        models.append(
            v.ModelView(
                tier,
                float(st.n[0, me, k]),
                cap,
                scaling.level_name(cap),
                price,
                cost,
                (price - cost) / price if price > 0 else 0.0,
                rebased and k == 0,
            )
        )
    training = None
    if st.run_on[0, me] or st.run_wait[0, me] >= 0:
        training = v.TrainingView(
            float(st.run_n[0, me]),
            float(st.run_d[0, me]),
            float(min(st.run_done[0, me] / max(st.run_need[0, me], 1.0), 1.0)),
            int(max(st.run_wait[0, me], 0)),
            int(st.run_left[0, me]),
        )
    shares = []
    for seg in SEGMENTS:
        now = rq.share[seg] if rq else 0.0
        before = prev.share[seg] if prev else now
        shares.append(v.ShareView(seg, SEGMENT_NAMES[seg], now, now - before))
    rev_share = g.revenue_share()
    p = sc.params
    lab = v.LabView(
        name=g.names[me],
        alive=bool(st.alive[0, me]),
        cash=cash,
        debt=float(st.debt[0, me]),
        runway=runway,
        revenue=revenue,
        costs=costs,
        profit=profit,
        revenue_change=(revenue - prev.revenue) if prev else None,
        profit_change=(profit - prev.op_profit) if prev else None,
        valuation=float(cx.valuation[0, me]),
        equity=float(st.equity[0, me]),
        stake=float(st.equity[0, me] * cx.valuation[0, me]),
        gpus_owned=float(st.gpus[0, me]),
        gpus_leased=float(st.lease[0, me]),
        served=float(last.metrics["served"][0, me]) if last else 1.0,
        models=tuple(models),
        training=training,
        products=tuple(q for j, q in enumerate(tb.prod_ids) if st.built[0, me, j]),
        building=tuple(
            (q, int(st.build_left[0, me, j]))
            for j, q in enumerate(tb.prod_ids)
            if st.build_left[0, me, j] > 0
        ),
        shares=tuple(shares),
        revenue_share=float(rev_share[me]),
        costs_detail=cost_lines(revenue, profit, flows) if flows else (),
        research_levels=tuple(
            (r, float(np.log2(1 + st.research[0, me, i] / getattr(p, f"{r}_unit"))))
            for i, r in enumerate(RESEARCH)
        ),
    )

    # --- rivals
    rivals = []
    for i in range(tb.n_labs):
        if i == me or not st.exists[0, i]:
            continue
        has = st.has[0, i]
        cap = float(st.cap[0, i][has].max()) if has.any() else 0.0
        rivals.append(
            v.RivalView(
                g.names[i],
                tb.arch_ids[st.arch[0, i]],
                bool(st.alive[0, i]),
                cap,
                scaling.level_name(cap) if cap > 0 else "none",
                float(st.prices[0, i, 0]),
                float(rev_share[i]),
                float(st.cash[0, i]),
            )
        )
    rivals.sort(key=lambda r: (-r.alive, -r.revenue_share))

    # --- market
    market = _market(g, last)

    # --- goals, news, history
    values = g.goal_values()
    score, met = g.score()
    goals = tuple(
        v.GoalView(
            x.id,
            x.text,
            f"{x.op} {x.value:g}",
            float(values[x.id]),
            x.id in met,
            goal_status(x, float(values[x.id])),
        )
        for x in g.goals
    )
    news = tuple(_news(g, recs[-1])) if recs else ()
    h = w.history()
    if h:
        share = revenue_shares(h["revenue"][:, 0], h["fringe_revenue"][:, 0])[:, me]
        hist = v.HistoryView(
            tuple(float(x) for x in h["cash"][:, 0, me]),
            tuple(float(x) for x in share),
            tuple(float(x) for x in h["hhi"][:, 0]),
        )
    else:
        hist = v.HistoryView((), (), ())
    sd = s.standing
    standing = v.StandingView(
        lease=float(sd["lease"]),
        prices=tuple(sorted(sd["prices"].items(), key=lambda kv: TIERS.index(kv[0]))),
        research=tuple((r, float(sd["research"].get(r, 0.0))) for r in RESEARCH),
        train_share=sd["train_share"],
        mix=tuple((seg, float(sd["mix"][seg])) for seg in SEGMENTS if seg in sd["mix"]),
    )
    return v.QuarterView(
        scenario=sc.id,
        title=sc.title,
        quarter=min(g.quarter + 1, sc.quarters),
        quarters=sc.quarters,
        date=s.date(min(g.quarter, sc.quarters - 1)),
        done=g.done,
        lab=lab,
        market=market,
        rivals=tuple(rivals),
        goals=goals,
        score=score,
        news=news,
        history=hist,
        standing=standing,
        played=g.quarter,
        hints=tuple(_hints(g, lab, market, rivals)),
        lesson=_lesson_note(g),
    )


def _lesson_note(g) -> str | None:
    """'checkpoint 2/4 after quarter 13': a lesson's next checkpoint; None outside one."""
    if g.lesson is None:
        return None
    m, rec = g.lesson
    cps = m.checkpoints
    todo = [(n, cp) for n, cp in enumerate(cps, 1) if cp.quarter > g.quarter]
    if not todo:
        answered = sum(1 for cp in cps if cp.quarter in rec.answers)
        return f"lesson: {answered}/{len(cps)} answered (l)"
    n, cp = todo[0]
    return f"checkpoint {n}/{len(cps)} after quarter {cp.quarter}"


def goal_status(goal, value: float) -> str:
    """A goal's standing in its own unit: 'in business', '11.2% (needs 15%+)'."""
    need = "+" if goal.op == ">=" else " or less"
    if goal.metric == "alive":
        return "in business" if value >= 1 else "bankrupt"
    if goal.metric in ("revenue_share", "market_share_segment"):
        where = f" of {SEGMENT_NAMES[goal.segment]} buyers" if goal.segment else ""
        return f"{value:.1%}{where} (needs {goal.value:.0%}{need})"
    if goal.metric in ("cash", "cumulative_profit", "economic_profit", "stake"):
        return f"{money(value)} (needs {money(goal.value)}{need})"
    return f"{value:.2f} (needs {goal.value:g}{need})"  # capability index


def _hints(g, lab: v.LabView, market: v.MarketView, rivals) -> list[str]:
    """What the lab's situation calls for, read off the view (never an order)."""
    out = []
    if not lab.alive and not g.done:
        out.append(
            "Your lab went bankrupt. The lesson goes on without it: press e to watch the "
            "industry quarter by quarter to the end and answer its checkpoints."
        )
    if g.quarter == 0:
        out.append(
            "Your first quarter: look at your prices (p), plan a training run (t), rent "
            "GPUs if you need more (c), then press e to play the quarter and read its report."
        )
    own = max((m.capability for m in lab.models if m.tier == "frontier"), default=0.0)
    front = next((m for m in lab.models if m.tier == "frontier"), None)
    if lab.alive and front is not None and front.open_weights and market.open_price:
        out.append(
            f"You serve the free open-weight model ({front.capability:.2f}) like any host, so "
            f"your ${front.price:.2f}/M competes with the hosts' ${market.open_price:.2f}/M: "
            "price near theirs (p) to keep buyers, or train a better model of your own (t)."
        )
    elif lab.alive and own < market.open_capability - 1e-9 and lab.training is None:
        out.append(
            f"Your best model ({own:.2f}) is weaker than the free open-weight model "
            f"({market.open_capability:.2f}), so buyers treat you as one more host of it: "
            "a bigger model of your own (t) is how to get ahead."
        )
    if lab.alive and lab.runway is not None and lab.runway < 6:
        out.append(
            f"At this burn your cash lasts about {lab.runway:.0f} quarters: raise or borrow "
            "(f), or cut costs."
        )
    mine = next((m for m in lab.models if m.tier == "frontier"), None)
    theirs = sorted(r.price for r in rivals if r.alive and r.price > 0)
    if lab.alive and mine is not None and theirs:
        mid = theirs[len(theirs) // 2]
        if mine.price > 1.5 * mid:
            out.append(
                f"Your frontier price (${mine.price:.2f}/M) is well above the rivals' "
                f"(median ${mid:.2f}/M): buyers who choose afresh each quarter go elsewhere "
                "and your share slides. The pricing panel (p) shows a margin that keeps them."
            )
    if g.quarter and lab.served < 0.95:
        out.append(f"Your GPUs served only {lab.served:.0%} of demand last quarter: rent more (c).")
    return out


def burn(flows: dict) -> float:
    """The cash a quarter's flows used up, financing (rounds, loans) left out; 0 when
    the lab's own business added cash. $B. Runway is cash over this."""
    net = sum(flows.values()) - flows["funding"] - flows["borrow"] - flows["repay"]
    return -net if net < 0 else 0.0


def cash_bridge(m: dict, flows: dict, lab: int) -> tuple[v.CostLine, ...]:
    """From operating profit to the change in cash (sim.py: the cash identity). Signed:
    positive lines add cash. They add up to the quarter's change in cash."""
    items = [
        ("operating profit", float(m["op_profit"][0, lab])),
        ("GPU wear: in the costs, but no cash paid", float(m["gpu_wear"][0, lab])),
        ("compute for training (not in the costs)", -float(m["train_compute"][0, lab])),
        ("GPUs bought", float(flows["purchase"])),
        ("product builds", float(flows["product_build"])),
        ("distillation", float(flows["distill"])),
        ("interest", float(flows["interest"])),
        ("raised from investors", float(flows["funding"])),
        ("borrowed", float(flows["borrow"])),
        ("repaid", float(flows["repay"])),
        ("subsidy", float(flows["subsidy"])),
        ("returned to the parent", float(flows["parent_sweep"])),
        ("written off", float(flows["writeoff"])),
    ]
    return tuple(v.CostLine(name, x) for name, x in items if abs(x) > 1e-6)


def _market(g, last) -> v.MarketView:
    st = g.world.state
    if last is None:
        return v.MarketView(
            None,
            None,
            None,
            None,
            None,
            "",
            "the first quarter has not been played yet",
            None,
            "",
            float(st.open_q_prev[0]),
            None,
            None,
            int(st.alive[0].sum()),
            None,
        )
    m = last.metrics
    h = g.world.history()
    verdict = VERDICTS[int(m["verdict"][0])]
    hhi = float(m["hhi"][0])
    trend = "too early for a trend"
    if len(h["hhi"]) >= 5:
        year_ago = float(h["hhi"][-5, 0])
        d = hhi - year_ago
        was = VERDICTS[int(h["verdict"][-5, 0])]
        word = "rising" if d > 250 else "falling" if d < -250 else "steady"
        trend = f"HHI {word}: {d:+,.0f} in a year"
        if was != verdict:
            trend += f"; was {was}"
    front = float(m["frontier"][0])
    return v.MarketView(
        hhi=hhi,
        cr4=float(m["cr4"][0]),
        lerner=float(m["lerner"][0]),
        constant_cap_price=float(m["constant_cap_price"][0]),
        verdict=verdict,
        verdict_meaning=VERDICT_MEANING[verdict],
        trend=trend,
        frontier=front,
        frontier_level=scaling.level_name(front),
        open_capability=float(m["open_capability"][0]),
        open_price=float(m["open_price"][0]),
        gpu_hour=float(m["compute_price"][0]),
        labs_alive=int(m["labs_alive"][0]),
        open_token_share=float(m["open_token_share"][0]),
        adoption=g.records[-1].market["adoption"],
        sentiment=g.records[-1].market["sentiment"],
    )


#: Market events everyone hears about (the player's own share moves are added).
PUBLIC = ("event", "bankrupt", "entered", "stall", "released", "shipped", "displaced")


def _news(g, rec) -> list[v.NewsItem]:
    out = []
    for e in rec.events:
        mine = e.lab == PLAYER
        if mine or e.kind in PUBLIC:
            out.append(v.NewsItem(e.kind, e.text, tuple(e.causes), mine))
    out.sort(key=lambda n: (not n.mine, n.kind.startswith("share")))
    return out


def build_report(s, before: v.QuarterView, notices, saved, error) -> v.QuarterReport:
    g = s.game
    rec = g.records[-1]
    after = s.view()
    a, b = after.lab, before.lab
    t = rec.quarter
    date = s.date(t)
    lines = []
    if not a.alive and not b.alive:  # a lesson watching the world after a bankruptcy
        head = (
            f"{date}: {a.name} is out of business; the market played on: HHI "
            f"{after.market.hhi:,.0f}, Lerner {after.market.lerner:.2f}, "
            f"{after.market.labs_alive} labs in business."
        )
    elif not a.alive:
        head = f"{date}: {a.name} went bankrupt: its cash ran out and lenders gave no more."
    else:
        verb = "made" if a.profit >= 0 else "lost"
        head = (
            f"{date}: {a.name} {verb} {money(abs(a.profit))} on {money(a.revenue)} of revenue; "
            f"cash {money(a.cash)}"
            + (
                f", about {a.runway:.0f} quarters of runway"
                if a.runway is not None and a.runway < 40  # a longer runway is no news
                else ""
            )
            + "."
        )
    m, mb = after.market, before.market

    def ch(x, y, fmt):
        return "" if y is None or x is None else fmt(x - y)

    numbers = (
        v.KeyNumber(
            "revenue",
            money(a.revenue),
            ch(a.revenue, b.revenue if g.quarter > 1 else None, signed_money),
        ),
        v.KeyNumber(
            "costs", money(a.costs), ch(a.costs, b.costs if g.quarter > 1 else None, signed_money)
        ),
        v.KeyNumber(
            "operating profit",
            money(a.profit),
            ch(a.profit, b.profit if g.quarter > 1 else None, signed_money),
        ),
        v.KeyNumber("cash", money(a.cash), signed_money(a.cash - b.cash)),
        v.KeyNumber(
            "share of model revenue",
            f"{a.revenue_share:.1%}",
            f"{(a.revenue_share - b.revenue_share) * 100:+.1f} pts" if g.quarter > 1 else "",
        ),
        v.KeyNumber(
            "HHI (concentration)",
            f"{m.hhi:,.0f} of 10,000",
            "; ".join(
                x for x in (ch(m.hhi, mb.hhi, lambda d: f"{d:+,.0f}"), hhi_words(m.hhi)) if x
            ),
        ),
        v.KeyNumber(
            "market verdict",
            m.verdict or "",
            ("" if mb.verdict in (None, m.verdict) else f"was {mb.verdict}; ") + m.verdict_meaning,
        ),
    )
    for a_ in rec.actions:
        lines.append(a_.text)
    return v.QuarterReport(
        quarter=t + 1,
        date=date,
        headline=head,
        numbers=numbers,
        costs=a.costs_detail,
        cash_bridge=cash_bridge(
            g.world.reports[-1].metrics,
            dict(zip(FLOW_NAMES, g.world.reports[-1].flows[0, PLAYER], strict=True)),
            PLAYER,
        )
        if a.alive
        else (),
        actions=tuple(lines),
        next_steps=after.hints,
        news=after.news,
        notices=tuple(notices),
        done=g.done,
        autosave=saved,
        autosave_error=error,
    )
