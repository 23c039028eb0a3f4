"""Plain-language events with their causes, read off two consecutive states.

Only small batches are explained (a game, a few replays); Monte Carlo studies read
the metrics instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import scaling
from .scenario import SEGMENT_NAMES, SEGMENTS
from .state import K, State, Tables

EXPLAIN_MAX_WORLDS = 16
SHARE_MOVE = 0.02  # a share move worth explaining, in points of the segment's buyers


@dataclass(frozen=True)
class Event:
    quarter: int
    world: int
    kind: str  # event, shipped, stall, displaced, bankrupt, entered, released, share_up/down,
    # contract_won, contract_lost, nationalized
    text: str
    lab: int | None = None
    segment: str | None = None
    causes: tuple[str, ...] = ()


def _poss(name: str) -> str:
    """The possessive of a lab's name: "Apex AI's", "Swift Models'"."""
    return name + ("'" if name.endswith("s") else "'s")


def _pct(new, old) -> float:
    return (new / old - 1.0) * 100.0 if old > 0 else 0.0


def explain(tb: Tables, old: State, new: State, m: dict, labs=None) -> list[Event]:
    """Events of the quarter just played, for every world of a small batch."""
    if old.worlds > EXPLAIN_MAX_WORLDS:
        return []
    q = old.t
    names = tb.names
    out: list[Event] = []
    labs = range(tb.n_labs) if labs is None else labs
    for w in range(old.worlds):
        for e in np.flatnonzero(m["events_started"][w]):
            spec = tb.scenario.events[e]
            out.append(Event(q, w, "event", f"{spec.name}: {spec.text}"))
        for i in np.flatnonzero(m["shipped"][w]):
            cap = new.cap[w, i, 0]
            text = (
                f"{names[i]} shipped a new model: capability {cap:.2f} "
                f"({scaling.level_name(cap)}), {new.n[w, i, 0]:.2g} parameters"
            )
            out.append(Event(q, w, "shipped", text, lab=int(i)))
            gap = m["stall_gap"][w, i]
            if gap > 0.05:
                out.append(
                    Event(
                        q,
                        w,
                        "stall",
                        f"{_poss(names[i])} new model fell {gap:.2f} points short of what the "
                        "scaling law promised for its compute: a sign that scaling may be stalling",
                        lab=int(i),
                        causes=("scaling stalled in this world",),
                    )
                )
        for i in np.flatnonzero(m["released"][w]):
            out.append(
                Event(
                    q, w, "released", f"{names[i]} released its model's weights openly", lab=int(i)
                )
            )
        # A lab whose own model fell below the open-weight offer serves the open one
        # (sim.py: open weights are a floor). Said once, the quarter it happens.
        # (After a switch the lab's capability equals last quarter's open model.)
        newly = m["rebased"][w] & (np.abs(old.cap[w, :, 0] - old.open_q_prev[w]) > 1e-9)
        for i in np.flatnonzero(newly):
            out.append(
                Event(
                    q,
                    w,
                    "displaced",
                    f"{_poss(names[i])} own model (capability {old.cap[w, i, 0]:.2f}) is behind the "
                    f"free open-weight model ({m['open_capability'][w]:.2f}), so it serves that "
                    "model instead, like any host: it has no quality edge, and buyers weigh its "
                    f"price against the hosts' (${m['open_price'][w]:.2f}/M)",
                    lab=int(i),
                    causes=("the open-weight frontier caught up", "no newer model of its own"),
                )
            )
        for i in np.flatnonzero(m["bankrupt"][w]):
            out.append(
                Event(
                    q,
                    w,
                    "bankrupt",
                    f"{names[i]} went bankrupt: cash ran out and lenders would give no more; "
                    "its buyers choose again among the other offers (some give up on AI)",
                    lab=int(i),
                )
            )
        p = tb.scenario.params
        for i in np.flatnonzero(m["contract_won"][w]):
            out.append(
                Event(
                    q,
                    w,
                    "contract_won",
                    f"{names[i]} won the government contract: ${p.contract_value:g}B a quarter "
                    f"for {p.contract_quarters} quarters, awarded to the lab the government's "
                    "buyers prefer",
                    lab=int(i),
                    causes=("the biggest share of government buyers",),
                )
            )
        for i in np.flatnonzero(m["contract_lost"][w]):
            holder = int(m["contract_holder"][w])
            to = f" to {names[holder]}" if holder >= 0 else ""
            out.append(
                Event(
                    q,
                    w,
                    "contract_lost",
                    f"{names[i]} lost the government contract{to}"
                    + (": it went bankrupt" if not new.alive[w, i] else " at its tender"),
                    lab=int(i),
                )
            )
        for i in np.flatnonzero(m["nationalized"][w]):
            out.append(
                Event(
                    q,
                    w,
                    "nationalized",
                    f"{names[i]} was nationalized: models are now strong enough to matter for "
                    "national security, so the state took over the leading private lab, bought "
                    "out its founders and will fund it for capability rather than profit",
                    lab=int(i),
                    causes=(f"the frontier reached capability {p.nationalization_at:g}",),
                )
            )
        for i in np.flatnonzero(m["entered"][w]):
            out.append(
                Event(
                    q,
                    w,
                    "entered",
                    f"{names[i]} entered the market: recent industry profits beat the cost "
                    "of starting a lab",
                    lab=int(i),
                )
            )
        for i in labs:
            if old.alive[w, i]:
                out += _share_moves(tb, old, new, m, w, int(i))
    return out


def _share_moves(tb: Tables, old: State, new: State, m: dict, w: int, i: int) -> list[Event]:
    p = tb.scenario.params
    names = tb.names
    L = tb.n_labs
    out = []
    sh_old = old.share_prev[w, :, :-1].reshape(len(SEGMENTS), L, K).sum(-1)
    sh_new = m["shares"][w, :, :-1].reshape(len(SEGMENTS), L, K).sum(-1)
    for s, seg in enumerate(SEGMENTS):
        delta = sh_new[s, i] - sh_old[s, i]
        if abs(delta) < SHARE_MOVE:
            continue
        fell = delta < 0
        causes: list[tuple[float, str]] = []
        # Own moves.
        for k, tier in enumerate(("frontier", "small")):
            po, pn = old.prices[w, i, k], new.prices[w, i, k]
            if po > 0 and abs(pn / po - 1) > 0.05 and new.has[w, i, k]:
                d_u = -tb.alpha_s[s] * np.log(pn / po)
                if (d_u < 0) == fell:
                    verb = "raised" if pn > po else "cut"
                    causes.append((abs(d_u), f"own {tier} price {verb} {abs(_pct(pn, po)):.0f}%"))
        d_cap = new.cap[w, i, 0] - old.cap[w, i, 0]
        if abs(d_cap) > 0.02 and (d_cap < 0) == fell:
            causes.append(
                (
                    abs(d_cap) * tb.beta_q[s],
                    f"own model {'weaker' if fell else 'better'} ({d_cap:+.2f} capability)",
                )
            )
        if m["served"][w, i] < 0.98 and fell:
            short = 1 - m["served"][w, i]
            causes.append(
                (p.unserved_penalty * short, f"capacity ran short: {short:.0%} of demand unserved")
            )
        new_prod = np.flatnonzero(new.built[w, i] & ~old.built[w, i])
        for j in new_prod:
            gain = tb.prod_fit[j, s] + tb.prod_lock[j, s] * sh_old[s, i]
            if gain > 0 and not fell:
                causes.append((gain, f"launched {tb.scenario.products[j].name}"))
        # Rivals.
        for r in range(L):
            if r == i:
                continue
            if m["entered"][w, r]:
                if fell:
                    causes.append((0.5, f"new entrant {names[r]}"))
                continue
            if not old.exists[w, r]:
                continue
            if old.alive[w, r] and not new.alive[w, r]:
                if not fell:
                    causes.append((1.0 * sh_old[s, r] * 10, f"{names[r]} went bankrupt"))
                continue
            if not new.alive[w, r]:
                continue
            po, pn = old.prices[w, r, 0], new.prices[w, r, 0]
            if po > 0 and pn < po * 0.9 and fell:
                causes.append(
                    (
                        tb.alpha_s[s] * np.log(po / pn) * max(sh_new[s, r], 0.05) * 4,
                        f"rival price cut ({names[r]} {_pct(pn, po):.0f}%)",
                    )
                )
            if po > 0 and pn > po * 1.1 and not fell:
                causes.append(
                    (
                        tb.alpha_s[s] * np.log(pn / po) * max(sh_old[s, r], 0.05) * 4,
                        f"rival price rise ({names[r]} +{_pct(pn, po):.0f}%)",
                    )
                )
            dc = new.cap[w, r, 0] - old.cap[w, r, 0]
            if dc > 0.05 and fell:
                causes.append((dc * tb.beta_q[s] * 2, f"{names[r]} upgraded its model (+{dc:.2f})"))
        d_open = m["open_capability"][w] - old.open_q_prev[w]
        if d_open > 0.03 and fell:
            causes.append(
                (
                    d_open * tb.beta_q[s] * 2,
                    f"open-weight model caught up (+{d_open:.2f} capability)",
                )
            )
        if not causes:
            causes.append(
                (
                    0.0,
                    "lock-in and diffusion shifting buyers"
                    if not fell
                    else "rivals' lock-in pulling buyers away",
                )
            )
        causes.sort(key=lambda c: -c[0])
        reasons = tuple(c[1] for c in causes[:3])
        verb = "fell" if fell else "rose"
        text = (
            f"{names[i]}: share in {SEGMENT_NAMES[seg]} {verb} "
            f"{abs(delta) * 100:.1f} pts to {sh_new[s, i]:.0%}: {', '.join(reasons)}"
        )
        out.append(
            Event(
                old.t,
                w,
                "share_down" if fell else "share_up",
                text,
                lab=i,
                segment=seg,
                causes=reasons,
            )
        )
    return out
