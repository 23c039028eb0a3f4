"""Government: contracts and nationalization (docs/model.md section 10.1).

One phase of the quarter step, run after the market clears:

- `contracts`: a government contract pays `contract_value` a quarter for
  `contract_quarters` quarters. When none is running it is tendered and goes to the
  lab the government's own buyers prefer (the biggest share of the government
  segment this quarter), so a lab wins it with what government buyers weigh:
  capability, reliability, the government product and price. It is lost when it
  expires and a rival is preferred, or when its holder goes bankrupt.
- `nationalize`: once the frontier reaches `nationalization_at`, each quarter with
  probability `nationalization_hazard` the state takes over the leading private lab
  (the one with the best model among labs that answer to investors). The lab becomes
  a state lab (the scenario's `state` archetype: state funding, no investors, a
  government-first mix) and its founders are bought out (their stake goes to 0). It
  happens at most once per world, and never to a player's lab.
"""

from __future__ import annotations

import numpy as np

from . import rng
from .fast import rmax
from .state import State, Tables

STATE_ARCHETYPE = "state"


def contracts(st: State, tb: Tables, gov_share, alive):
    """(holder, left, pay, won, lost): the contract after this quarter's tender.

    gov_share (W,L): each lab's share of the government segment's buyers this quarter.
    pay (W,L): $B the contract pays each lab this quarter. won / lost (W,L) bool.
    """
    p = tb.scenario.params
    W, L = alive.shape
    holder, left = st.contract_holder, st.contract_left
    zero = np.zeros((W, L), dtype=bool)
    if p.contract_value <= 0:
        return holder, left, np.zeros((W, L)), zero, zero
    rows = np.arange(W)
    # A holder that went bankrupt loses its contract; it is tendered again now.
    held = holder >= 0
    holder_alive = held & alive[rows, np.maximum(holder, 0)]
    left = np.where(holder_alive, left, 0)
    tender = (left == 0) & alive.any(-1)
    best = np.argmax(np.where(alive, gov_share, -np.inf), -1)
    new_holder = np.where(tender, best, np.where(holder_alive, holder, -1))
    new_left = np.where(tender, p.contract_quarters, left)
    pay = np.zeros((W, L))
    on = new_holder >= 0
    pay[rows[on], new_holder[on]] = p.contract_value
    new_left = np.where(on, new_left - 1, 0)
    won = zero.copy()
    changed = tender & (new_holder != holder)
    won[rows[changed], new_holder[changed]] = True
    lost = zero.copy()
    dropped = held & (new_holder != holder)
    lost[rows[dropped], holder[dropped]] = True
    return new_holder.astype(np.int64), new_left.astype(np.int64), pay, won, lost


def nationalize(st: State, tb: Tables, frontier, alive):
    """(W,L) bool: the lab the state takes over this quarter, if any."""
    p = tb.scenario.params
    W, L = alive.shape
    out = np.zeros((W, L), dtype=bool)
    if p.nationalization_hazard <= 0 or STATE_ARCHETYPE not in tb.arch_ids:
        return out
    private = alive & ~tb.a_free[st.arch] & ~st.human[None, :]
    ripe = (frontier >= p.nationalization_at) & ~st.nationalized_seen & private.any(-1)
    if not ripe.any():
        return out
    draw = rng.uniform(st.seeds, st.t, "nationalize", 1)[:, 0] < p.nationalization_hazard
    hit = ripe & draw
    best = rmax(np.where(st.has & private[..., None], st.cap, -np.inf))
    target = np.argmax(np.where(private, best, -np.inf), -1)
    rows = np.flatnonzero(hit)
    out[rows, target[rows]] = True
    return out


def take_over(ns: State, tb: Tables, taken) -> None:
    """Make the labs in `taken` state labs (in place on ns's own arrays)."""
    if not taken.any():
        return
    a = tb.arch_ids.index(STATE_ARCHETYPE)
    ns.arch = np.where(taken, a, ns.arch)
    ns.equity = np.where(taken, 0.0, ns.equity)
    ns.mix = np.where(taken[..., None], tb.a_mix[a], ns.mix)
    ns.nationalized_seen = ns.nationalized_seen | taken.any(-1)
