"""Counterfactuals: the same world played under two scripts.

Both scripts must name the same scenario and seed, so every random draw (events,
the scaling stall, sentiment) is the same in both: whatever differs comes from the
orders. The report gives the first quarter whose orders differ, the first quarter
whose outcome differs (by state digest), the metrics that moved by the end, and the
engine's reasons at the point of divergence.
"""

from __future__ import annotations

from dataclasses import dataclass

from .measures import COMPARE_MEASURES, MEASURE, label
from .outputs import date_label, summary
from .runner import Game, play_through
from .script import PLAYER, Playthrough, ScriptError


@dataclass
class Comparison:
    a: Game
    b: Game
    names: tuple[str, str]
    first_orders: int | None  # 0-based quarter whose player actions first differ
    first_state: int | None  # 0-based quarter whose state first differs


def compare(pa: Playthrough, pb: Playthrough) -> Comparison:
    if pa.scenario_model.id != pb.scenario_model.id or pa.seed != pb.seed:
        raise ScriptError(
            [
                f"{pb.shown}:1: scenario/seed: compare needs one world: {pa.shown} plays "
                f"{pa.scenario_model.id} seed {pa.seed}, {pb.shown} plays "
                f"{pb.scenario_model.id} seed {pb.seed}; give both the same scenario and seed"
            ]
        )
    a, b = play_through(pa), play_through(pb)
    first_orders = first_state = None
    for ra, rb in zip(a.records, b.records, strict=False):
        acts_a = [x.text for x in ra.actions]
        acts_b = [x.text for x in rb.actions]
        if first_orders is None and (acts_a != acts_b or ra.orders != rb.orders):
            first_orders = ra.quarter
        if first_state is None and ra.digest != rb.digest:
            first_state = ra.quarter
        if first_orders is not None and first_state is not None:
            break
    if first_state is None and len(a.records) != len(b.records):
        first_state = min(len(a.records), len(b.records))
    return Comparison(a, b, (pa.shown, pb.shown), first_orders, first_state)


#: How each of measures.COMPARE_MEASURES is read off a run's summary.
_GET = {
    "verdict": lambda s: s["verdict"],
    "hhi": lambda s: s["hhi"],
    "lerner": lambda s: s["lerner"],
    "score": lambda s: s["player"]["score"],
    "cash": lambda s: _me(s)["cash"],
    "cumulative_profit": lambda s: _me(s)["cumulative_profit"],
    "revenue_share": lambda s: _me(s)["revenue_share"],
    "best_capability": lambda s: _me(s)["best_capability"],
    "labs_alive": lambda s: sum(lab["alive"] for lab in s["labs"]),
    "quarters": lambda s: s["quarters"],
}
#: (JSON key, label, getter on a summary, format) for "what moved".
METRICS = tuple(
    (k, label(k, unit=MEASURE[k].unit.startswith("$"), yours=True), _GET[k], MEASURE[k].fmt)
    for k in COMPARE_MEASURES
)


def _me(s: dict) -> dict:
    return next(lab for lab in s["labs"] if lab["controller"] == "player")


def compare_json(c: Comparison) -> dict:
    sa, sb = summary(c.a), summary(c.b)
    moved = {}
    for key, _, get, _ in METRICS:
        va, vb = get(sa), get(sb)
        if va != vb:
            moved[key] = {"a": va, "b": vb}
    return {
        "a": c.names[0],
        "b": c.names[1],
        "scenario": sa["scenario"],
        "seed": sa["seed"],
        "first_order_difference": None if c.first_orders is None else c.first_orders + 1,
        "first_outcome_difference": None if c.first_state is None else c.first_state + 1,
        "moved": moved,
    }


def compare_text(c: Comparison) -> str:
    """A plain-language report of the comparison (Markdown)."""
    sa, sb = summary(c.a), summary(c.b)
    start = c.a.scenario.start_year
    na, nb = c.names
    out = [f"# {na} vs {nb}", ""]
    out.append(f"One world: scenario `{sa['scenario']}`, seed {sa['seed']}.")
    out.append("")
    if c.first_state is None:
        out.append("The two scripts played identically: no order and no outcome differs.")
        return "\n".join(out) + "\n"
    if c.first_orders is not None:
        t = c.first_orders
        out.append(
            f"**First difference in what you did:** quarter {t + 1} ({date_label(start, t)})."
        )
        out.append("")
        for tag, g in (("A", c.a), ("B", c.b)):
            rec = g.records[t] if t < len(g.records) else None
            acts = "; ".join(x.text for x in rec.actions) if rec else "(game over)"
            who = "orders" if rec and rec.scripted else f"{g.bot.name} policy"
            out.append(f"- {tag} ({who}): {acts or 'nothing new'}")
        out.append("")
    t = c.first_state
    out.append(f"**First difference in the outcome:** quarter {t + 1} ({date_label(start, t)}).")
    out.append("")
    out.append("## Why, in that quarter")
    out.append("")
    for tag, g in (("A", c.a), ("B", c.b)):
        rec = g.records[t] if t < len(g.records) else None
        if rec is None:
            out.append(f"- {tag}: the game was over (the lab had gone bankrupt).")
            continue
        mine = [e.text for e in rec.events if e.lab == PLAYER]
        me = rec.labs[PLAYER]
        out.append(
            f"- {tag}: revenue ${me.revenue:,.2f}B, operating profit ${me.op_profit:,.2f}B, "
            f"cash ${me.cash:,.1f}B." + (" " + " ".join(f"{x}." for x in mine) if mine else "")
        )
    out.append("")
    out.append("## What moved by the end")
    out.append("")
    out.append("| metric | A | B |")
    out.append("| --- | ---: | ---: |")
    for _, name, get, fmt in METRICS:
        va, vb = get(sa), get(sb)
        mark = "" if va == vb else " *"
        out.append(f"| {name}{mark} | {fmt.format(va)} | {fmt.format(vb)} |")
    out.append("")
    out.append("(* = differs)")
    return "\n".join(out) + "\n"


__all__ = ["Comparison", "compare", "compare_json", "compare_text"]
