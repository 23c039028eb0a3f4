"""What if: the decisions that moved your score most, found by playing the game without them.

    items = what_ifs(game, pt)      # the three decisions that moved the score most
    items[0].text                   # "If you had not raised $4.0B from investors in ..."
    write_script(items[0], "without.toml")
    # frontier compare game.toml without.toml   reports the same figures

A decision is one kind of thing the player's own orders did in one quarter and that
the debrief lists among the decisions that mattered (outputs.mattered): a training run
started, products started, an open release, a distillation that gained something, a
funding round of a quarter or more of the cash, borrowing, or price moves of 20% or
more. For each one the same world (scenario, seed, policy: every random draw the
same) is played again with that decision taken out of that quarter's orders and every
other order as the script wrote it. Taking a decision out means: no `train` order;
the products it started left out of `build`; no `release_open`; no `distill`; no
`raise_funds` or no `borrow`; for a price move, the tiers it moved left out of
`prices`, so the lab keeps last quarter's price (the engine keeps a price until an
order changes it).

Without the decision the world may refuse a later order the player gave (a run
already under way, cash that is no longer there). Such an order is left out too, the
way the engine names it: the field it refuses; for cash, the quarter's one-off
spending (buy, build, distill, repay, research, in that order) and then the lease, cut
to what the cash pays for. The what-if lists them. If the lab goes bankrupt sooner,
its later orders cannot be played and are left out as well.

The games are played from the quarter of the decision on, from a copy of the game
just before it (Game.fork): the engine never changes a state in place, so the copy
plays exactly as a full replay of the counterfactual script does (the tests check the
state digests against `frontier compare`). The ranking is by how far the score (0-100)
moved, then by how far the cumulative operating profit moved.
"""

from __future__ import annotations

import dataclasses
import math
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.engine import VERDICTS
from game.engine.orders import OrderError, Orders

from .outputs import _r, date_label
from .runner import Game, state_digest
from .saves import orders_table
from .script import PLAYER, SCRIPT_VERSION, Playthrough

#: The kinds of player action (runner.Action.kind) a what-if can take away, in the
#: order a quarter's decisions are listed.
KINDS = ("train", "build", "release", "distill", "raise", "borrow", "price")

#: What the debrief says when there is no what-if to show.
NO_DECISIONS = (
    "You made no decision that mattered (a training run, a product, an open release, "
    "a big funding round or loan, a price move of 20% or more), so there is no what-if "
    "to show."
)
NO_EFFECT = (
    "Playing the game again without any one of your decisions that mattered would have "
    "ended the same way: none of them moved your score or your profit."
)

#: How many times a refused quarter is trimmed and tried again before giving up.
_TRIES = 12
#: Cash-short quarters lose their one-off spending in this order, then the lease.
_ONE_OFFS = ("buy", "build", "distill", "repay", "research")
_VERDICT_WORDS = {
    "monopoly": "as a monopoly",
    "consolidated oligopoly": "as a consolidated oligopoly",
    "competitive": "competitive",
    "commoditized": "commoditized",
}


@dataclass(frozen=True)
class Decision:
    """One kind of thing the player's orders did in one quarter (a what-if candidate)."""

    quarter: int  # 0-based quarter of the orders
    kind: str  # one of KINDS
    text: str  # the action text(s), in plain words, for "you"
    keys: tuple[str, ...] = ()  # the product ids (build) or the tiers (price) it moved

    def remove(self, o: Orders) -> Orders:
        """The quarter's orders without this decision."""
        if self.kind == "train":
            return dataclasses.replace(o, train=None)
        if self.kind == "build":
            return dataclasses.replace(o, build=tuple(p for p in o.build if p not in self.keys))
        if self.kind == "price":
            prices = {k: v for k, v in o.prices.items() if k not in self.keys}
            return dataclasses.replace(o, prices=prices)
        if self.kind == "release":
            return dataclasses.replace(o, release_open=False)
        if self.kind == "distill":
            return dataclasses.replace(o, distill=False)
        if self.kind == "raise":
            return dataclasses.replace(o, raise_funds=0.0)
        if self.kind == "borrow":
            return dataclasses.replace(o, borrow=0.0)
        raise ValueError(f"cannot remove a {self.kind!r} decision")


@dataclass(frozen=True)
class WhatIf:
    """The game played without one decision, against the game as played.

    Money in $B, shares 0-1; figures rounded as summary.json and `frontier compare`
    round them. `script` is the counterfactual playthrough (a dict shaped like the
    TOML): `frontier compare ORIGINAL COUNTERFACTUAL` plays the same two games.
    """

    quarter: int  # 1-based, as the game counts
    date: str  # '2027 Q2'
    kind: str  # train, build, release, distill, raise, borrow or price
    decision: str  # what the player did, in plain words (the action text)
    score_with: int
    score_without: int
    profit_with: float  # cumulative operating profit at the end, $B
    profit_without: float
    share_with: float  # your share of the industry's model revenue in the last quarter
    share_without: float
    verdict_with: str
    verdict_without: str
    quarters_with: int  # quarters played (fewer than the scenario's: the lab went bust)
    quarters_without: int
    text: str  # the what-if in plain words
    dropped: tuple[str, ...] = ()  # later orders the world without it refused, left out too
    digest: str = ""  # the state digest at the end of the game without the decision
    script: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def score_change(self) -> int:
        """How the score would have moved without the decision (without - with)."""
        return self.score_without - self.score_with

    @property
    def profit_change(self) -> float:
        return self.profit_without - self.profit_with


# --------------------------------------------------------------------- decisions


def decisions(game: Game, pt: Playthrough) -> list[Decision]:
    """The player's own decisions that mattered, in the order they were made.

    Read off the quarters the player's orders played (not the policy's), as the
    debrief's "Decisions that mattered" reads them; each is kept only if the orders
    of the script hold the order that made it (so that it can be taken out).
    """
    out: list[Decision] = []
    for rec in game.records:
        o = pt.orders.get(rec.quarter)
        if not rec.scripted or o is None:
            continue
        acts = [a for a in rec.actions if a.matters]
        for kind in KINDS:
            mine = [a for a in acts if a.kind == kind]
            if not mine:
                continue
            keys: tuple[str, ...] = ()
            if kind == "build":
                keys = tuple(p for p in o.build if any(f" the {p} product" in a.text for a in mine))
            elif kind == "price":
                keys = tuple(t for t in o.prices if any(f" the {t} price " in a.text for a in mine))
            held = {
                "train": o.train is not None,
                "build": bool(keys),
                "price": bool(keys),
                "release": o.release_open,
                "distill": o.distill,
                "raise": o.raise_funds > 0,
                "borrow": o.borrow > 0,
            }[kind]
            if not held:
                continue
            text = " and ".join(_yours(a.text) for a in mine)
            out.append(Decision(rec.quarter, kind, text, keys))
    return out


def _yours(text: str) -> str:
    """An action text as said to the player: 'its frontier model' -> 'your frontier model'."""
    return text.replace(" its ", " your ")


# ----------------------------------------------------------------------- what-ifs


def what_ifs(game: Game, pt: Playthrough, top: int | None = 3) -> list[WhatIf]:
    """The `top` decisions whose absence would have moved the score most (all: None).

    `game` is the game `pt` plays (play_through(pt), or a loaded save's game); the
    what-ifs are played to the same quarter as the game (to the scenario's end when
    the game is over). Ranked by |score change|, then |cumulative profit change|,
    then by quarter; a decision whose absence changes none of the figures is left out.
    Same game, same what-ifs: every draw is the world's own.
    """
    cands = decisions(game, pt)
    if not cands:
        return []
    end = pt.scenario.quarters if game.done else game.quarter
    with_ = _figures(game)
    by_quarter: dict[int, list[Decision]] = {}
    for d in cands:
        by_quarter.setdefault(d.quarter, []).append(d)
    notes = {q.quarter - 1: q.note for q in pt.model.quarters}
    base = Game.from_playthrough(pt)
    base.world.explain = False  # explanations change no number; the what-ifs show none
    out: list[WhatIf] = []
    for t in sorted(by_quarter):
        while base.quarter < t:  # the common prefix, played once
            base.advance(pt.orders.get(base.quarter))
        if t and state_digest(base.world.state) != game.records[t - 1].digest:
            raise ValueError(
                f"what_ifs: the game does not replay from {pt.shown}: quarter {t} differs"
            )
        for d in by_quarter[t]:
            w = _without(base, pt, d, end, with_, notes)
            if w is not None:
                out.append(w)
    out = [w for w in out if _moved(w)]
    out.sort(key=lambda w: (-abs(w.score_change), -abs(w.profit_change), w.quarter, _rank(w)))
    return out if top is None else out[:top]


def _rank(w: WhatIf) -> int:
    return KINDS.index(w.kind)


def _moved(w: WhatIf) -> bool:
    return (w.score_with, w.profit_with, w.share_with, w.verdict_with, w.quarters_with) != (
        w.score_without,
        w.profit_without,
        w.share_without,
        w.verdict_without,
        w.quarters_without,
    )


def _figures(g: Game) -> dict[str, Any]:
    """The figures a what-if sets side by side, as summary() computes and rounds them."""
    return {
        "score": g.score()[0],
        "profit": _r(g.cumulative_profit()[PLAYER]),
        "share": _r(g.revenue_share()[PLAYER]),
        "verdict": VERDICTS[int(g.world.reports[-1].metrics["verdict"][0])],
        "quarters": g.quarter,
    }


def _without(
    base: Game,
    pt: Playthrough,
    d: Decision,
    end: int,
    with_: dict[str, Any],
    notes: dict[int, str | None],
) -> WhatIf | None:
    """Play on from a copy of `base` (just before d's quarter) without d."""
    g = base.fork(explain=False)
    orders = dict(pt.orders)
    orders[d.quarter] = d.remove(orders[d.quarter])
    dropped: list[str] = []
    while g.quarter < end and not g.done:
        t = g.quarter
        o = orders.get(t)
        if o is None:
            g.advance(None)
            continue
        played = _play_trimmed(g, o, t, dropped, pt.scenario.start_year)
        if played is None:
            return None  # the world refuses what is left of the quarter: no what-if
        orders[t] = played
    late = sorted(t for t in orders if t >= g.quarter)
    if late and g.done and g.quarter < end:
        dropped.append(
            f"your orders from {date_label(pt.scenario.start_year, late[0])} on (the lab was "
            "bankrupt)"
        )
        for t in late:
            del orders[t]
    without = _figures(g)
    text = _sentence(d, pt.scenario.start_year, with_, without, dropped)
    return WhatIf(
        quarter=d.quarter + 1,
        date=date_label(pt.scenario.start_year, d.quarter),
        kind=d.kind,
        decision=d.text,
        score_with=with_["score"],
        score_without=without["score"],
        profit_with=with_["profit"],
        profit_without=without["profit"],
        share_with=with_["share"],
        share_without=without["share"],
        verdict_with=with_["verdict"],
        verdict_without=without["verdict"],
        quarters_with=with_["quarters"],
        quarters_without=without["quarters"],
        text=text,
        dropped=tuple(dropped),
        digest=state_digest(g.world.state),
        script=_script(pt, orders, notes),
    )


def _play_trimmed(g: Game, o: Orders, t: int, dropped: list[str], year0: int) -> Orders | None:
    """Play quarter t with orders `o`, leaving out what the world refuses; the orders
    played (None if even the trimmed orders are refused)."""
    for _ in range(_TRIES):
        try:
            g.advance(o)
            return o
        except OrderError as e:
            trimmed, why = _trim(g, o, e.reasons)
        if trimmed == o:
            return None
        dropped.append(f"{why} in {date_label(year0, t)}")
        o = trimmed
    return None


def _trim(g: Game, o: Orders, reasons: list[str]) -> tuple[Orders, str]:
    """The orders with one refused order left out, and what was left out, in words."""
    name = g.names[PLAYER]
    for r in reasons:
        text = r[len(name) + 2 :] if r.startswith(name + ": ") else r
        key = text.split(":", 1)[0].split(".", 1)[0].strip()
        if key in _LEAVE_OUT and _has(o, key):
            return _leave_out(o, key)
    if any("orders spend" in r for r in reasons):  # cash: one-offs first, then the lease
        for key in _ONE_OFFS:
            if _has(o, key):
                return _leave_out(o, key)
        return _cut_lease(g, o)
    return o, ""


def _has(o: Orders, key: str) -> bool:
    return bool(getattr(o, key)) if key != "train" else o.train is not None


_LEAVE_OUT = {
    "train": lambda o: (dataclasses.replace(o, train=None), "the training run"),
    "build": lambda o: (
        dataclasses.replace(o, build=()),
        "building " + " and ".join(f"the {p} product" for p in o.build),
    ),
    "distill": lambda o: (dataclasses.replace(o, distill=False), "the distillation"),
    "release_open": lambda o: (dataclasses.replace(o, release_open=False), "the open release"),
    "buy": lambda o: (dataclasses.replace(o, buy=0.0), f"buying {o.buy:,.0f}k GPUs"),
    "repay": lambda o: (dataclasses.replace(o, repay=0.0), f"repaying ${o.repay:,.1f}B of debt"),
    "borrow": lambda o: (dataclasses.replace(o, borrow=0.0), f"borrowing ${o.borrow:,.1f}B"),
    "raise_funds": lambda o: (
        dataclasses.replace(o, raise_funds=0.0),
        f"the ${o.raise_funds:,.1f}B funding round",
    ),
    "research": lambda o: (
        dataclasses.replace(o, research={}),
        f"${sum(o.research.values()):,.2f}B of research",
    ),
}


def _leave_out(o: Orders, key: str) -> tuple[Orders, str]:
    return _LEAVE_OUT[key](o)


def _cut_lease(g: Game, o: Orders) -> tuple[Orders, str]:
    """The lease cut to what the cash (and this quarter's borrowing) pays for."""
    from game.engine import capital, events

    st, tb = g.world.state, g.world.tables
    # The quarter's own prices, as the order check sees them: with the events that
    # start this quarter (World.context() has last quarter's).
    ev_left = events.draw(st, tb)[0]
    cost = float(capital.context(st, tb, events.effects(tb, ev_left)).lease_cost[0])
    have = max(float(st.cash[0, PLAYER]) + float(o.borrow), 0.0)
    now = float(st.lease[0, PLAYER]) if o.lease is None else float(o.lease)
    can = 0.0 if cost <= 0 else have / cost
    if can > 0:  # rounded down to 3 significant digits, so the script states it exactly
        step = 10.0 ** (math.floor(math.log10(can)) - 2)
        can = math.floor(can / step) * step
        can = float(f"{can:.3g}")
    if can >= now:
        return o, ""
    return (
        dataclasses.replace(o, lease=can),
        f"the lease, cut from {now:,.0f}k to {can:,.0f}k GPUs (what the cash paid for)",
    )


# -------------------------------------------------------------------------- words


def _bn(x: float) -> str:
    return f"-${-x:,.1f}B" if x < 0 else f"${x:,.1f}B"


def _phrase(d: Decision) -> str:
    """What the player did, after "If you had not"."""
    if d.kind == "train":
        import re

        m = re.match(r"started a training run of (\S+) parameters on (\S+) tokens", d.text)
        if m:
            n, tok = (_short(x) for x in m.groups())
            return f"started training the {n}-parameter model on {tok} tokens"
    if d.kind == "distill":
        return d.text.split(":", 1)[0].replace(" for ", " (for ", 1) + ")"
    return d.text


def _short(x: str) -> str:
    """'6e+11' -> '6e11'."""
    return x.replace("e+", "e")


def _sentence(
    d: Decision, year0: int, a: dict[str, Any], b: dict[str, Any], dropped: list[str]
) -> str:
    when = date_label(year0, d.quarter)
    parts = []
    if b["quarters"] < a["quarters"]:
        parts.append(f"your lab would have gone bankrupt in {date_label(year0, b['quarters'] - 1)}")
    elif b["quarters"] > a["quarters"]:
        parts.append(f"your lab would have survived past {date_label(year0, a['quarters'] - 1)}")
    if a["score"] == b["score"]:
        parts.append(f"your score would still have been {a['score']}")
    else:
        parts.append(f"your score would have been {b['score']} instead of {a['score']}")
    pa, pb = _bn(a["profit"]), _bn(b["profit"])
    if pa == pb:
        parts.append(f"your cumulative profit about the same, {pa}")
    else:
        parts.append(f"your cumulative profit {pb} instead of {pa}")
    head = ", ".join(parts[:-1]) + " and " + parts[-1]
    va, vb = a["verdict"], b["verdict"]
    if va == vb:
        market = f"the industry would still have ended {_VERDICT_WORDS[va]}"
    else:
        market = (
            f"the industry would have ended {_VERDICT_WORDS[vb]} instead of {_VERDICT_WORDS[va]}"
        )
    out = f"If you had not {_phrase(d)} in {when}, {head}; {market}."
    if dropped:
        out += (
            " Without it the world would have refused some of your orders, so they were "
            "left out or cut: " + "; ".join(dropped) + "."
        )
    return out


def what_if_lines(items: list[WhatIf], decided: int) -> list[str]:
    """The what-ifs as the debrief shows them: one line each, or one line saying why
    there are none. decided: how many decisions there were (len(decisions(...)))."""
    if items:
        return [w.text for w in items]
    return [NO_DECISIONS if not decided else NO_EFFECT]


def what_ifs_md(game: Game, pt: Playthrough, top: int = 3) -> str:
    """A debrief section: the decisions that moved your score most."""
    items = what_ifs(game, pt, top)
    return what_ifs_section(items, what_if_lines(items, len(decisions(game, pt))))


def what_ifs_section(items: list[WhatIf], lines: list[str]) -> str:
    """The what-if section of a debrief from what_ifs() and what_if_lines()."""
    out = ["## What if: the decisions that moved your score most", ""]
    out += [f"- {x}" for x in lines] if items else lines
    out += [
        "",
        "Each what-if is the same world (same seed, same draws) played again without that "
        "one decision; `frontier compare` on the two scripts shows the same numbers.",
        "",
    ]
    return "\n".join(out)


# ------------------------------------------------------------------------- script


def _script(pt: Playthrough, orders: dict[int, Orders], notes: dict[int, str | None]) -> dict:
    """The counterfactual playthrough: pt's header and these orders (no [save] table)."""
    m = pt.model
    out: dict[str, Any] = {
        "format_version": SCRIPT_VERSION,
        "scenario": m.scenario,
        "seed": m.seed,
        "policy": m.policy,
    }
    player = {k: v for k, v in m.player.model_dump().items() if v}
    if player:
        out["player"] = player
    quarters = [orders_table(t + 1, orders[t], notes.get(t)) for t in sorted(orders)]
    if quarters:
        out["quarters"] = quarters
    return out


def script_toml(w: WhatIf) -> str:
    """The counterfactual script as TOML text, the what-if as its opening comment."""
    import tomli_w

    head = textwrap.wrap(w.text, 86)
    return "".join(f"# {x}\n" for x in head) + "\n" + tomli_w.dumps(w.script)


def write_script(w: WhatIf, path: str | Path) -> Path:
    """Write the counterfactual script, for `frontier run` or `frontier compare`."""
    path = Path(path)
    path.write_text(script_toml(w), encoding="utf-8")
    return path


__all__ = [
    "KINDS",
    "NO_DECISIONS",
    "NO_EFFECT",
    "Decision",
    "WhatIf",
    "decisions",
    "script_toml",
    "what_if_lines",
    "what_ifs",
    "what_ifs_md",
    "what_ifs_section",
    "write_script",
]
