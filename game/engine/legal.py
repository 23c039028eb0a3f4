"""Order legality: a human lab's orders replace the bots' decisions, or are refused
whole with every reason (docs/model.md 18). Part of phase 2 of the step."""

from __future__ import annotations

import numpy as np

from .creation import mix_vec
from .orders import OrderError, Orders, check_shape
from .policy import Context, Decisions
from .scenario import RESEARCH, TIERS
from .state import State, Tables
from .training import distill_cost


def apply_orders(
    st: State,
    tb: Tables,
    cx: Context,
    dec: Decisions,
    orders: dict[int, Orders],
    auto: frozenset[int] = frozenset(),
) -> Decisions:
    """Overwrite human labs' rows with their orders; refuse illegal ones whole.

    Human labs in `auto` keep the policy's rows this quarter (no orders allowed).
    """
    p = tb.scenario.params
    errs: list[str] = []
    if not isinstance(orders, dict):
        raise OrderError([f"orders must map lab index -> Orders, got {type(orders).__name__}"])
    for i in orders:
        if not isinstance(i, int | np.integer) or not 0 <= int(i) < tb.n_labs:
            errs.append(f"orders for unknown lab {i!r}")
        elif not st.human[int(i)]:
            errs.append(f"{tb.names[int(i)]}: not human-controlled; its policy decides")
        elif int(i) in auto:
            errs.append(f"{tb.names[int(i)]}: has orders and is left to its policy; pick one")
    if errs:
        raise OrderError(errs)
    dec = dec.copy()
    for i in np.flatnonzero(st.human):
        if int(i) in auto:
            continue
        name = tb.names[i]
        o = orders.get(int(i), Orders())
        errs += check_shape(o, name, tb.prod_ids)
        if errs:
            continue
        alive = st.alive[:, i]
        if not alive.any():
            if o != Orders():
                errs.append(f"{name}: the lab has gone bankrupt and cannot act")
            dec.lease[:, i] = 0.0
            for arr in (dec.buy, dec.raise_ask, dec.borrow, dec.repay):
                arr[:, i] = 0.0
            dec.start[:, i] = dec.distill[:, i] = dec.release[:, i] = False
            dec.research[:, i] = 0.0
            dec.build[:, i] = False
            continue
        dec.lease[:, i] = st.lease[:, i] if o.lease is None else float(o.lease)
        dec.buy[:, i] = float(o.buy)
        dec.train_share[:, i] = np.nan if o.train_share is None else float(o.train_share)
        dec.research[:, i] = [float(o.research.get(r, 0.0)) for r in RESEARCH]
        dec.build[:, i] = False
        for pid in o.build:
            j = tb.prod_ids.index(pid)
            if (alive & (st.built[:, i, j] | (st.build_left[:, i, j] > 0))).any():
                errs.append(f"{name}: build: {pid!r} is already built or being built")
            dec.build[:, i, j] = True
        dec.prices[:, i] = st.prices[:, i]
        for tier, v in o.prices.items():
            dec.prices[:, i, TIERS.index(tier)] = float(v)
        dec.distill[:, i] = bool(o.distill)
        if o.distill and not st.has[alive, i, 0].all():
            errs.append(f"{name}: distill: there is no frontier model to distill")
        dec.release[:, i] = bool(o.release_open)
        dec.raise_ask[:, i] = float(o.raise_funds)
        dec.repay[:, i] = float(o.repay)
        dec.borrow[:, i] = float(o.borrow)
        if o.repay > 0 and (alive & (o.repay > st.debt[:, i] + 1e-9)).any():
            errs.append(
                f"{name}: repay: ${o.repay:.2f}B exceeds debt ${st.debt[alive, i].min():.2f}B"
            )
        if o.borrow > 0 and (alive & (o.borrow > cx.debt_room[:, i] + 1e-9)).any():
            errs.append(
                f"{name}: borrow: ${o.borrow:.2f}B exceeds the lenders' limit "
                f"${cx.debt_room[alive, i].min():.2f}B (limit = annual revenue + half the "
                "hardware's book value - debt)"
            )
        dec.start[:, i] = False
        if o.train is not None:
            if (alive & (st.run_on[:, i] | (st.run_wait[:, i] >= 0))).any():
                errs.append(f"{name}: train: a training run is already under way")
            dec.start[:, i] = True
            dec.run_n[:, i] = float(o.train.params)
            dec.run_d[:, i] = float(o.train.tokens)
            dec.run_q[:, i] = int(o.train.quarters)
            dec.run_mix[:, i] = mix_vec(o.train.mix) if o.train.mix else st.mix[:, i]
        # Cash check: everything paid up front this quarter.
        parts = {
            "lease": dec.lease[:, i] * cx.lease_cost,
            "buy": dec.buy[:, i] * cx.buy_cost,
            "research": dec.research[:, i].sum(-1),
            "build": (dec.build[:, i] * tb.build_cost / tb.build_q).sum(-1),
            "distill": np.where(
                dec.distill[:, i],
                distill_cost(st.n[:, i, 0], p) * cx.train_flop_cost,
                0.0,
            ),
            "repay": dec.repay[:, i],
        }
        need = sum(parts.values())
        have = st.cash[:, i] + dec.borrow[:, i]
        # Worlds where the lab is bust ignore its orders, so they cannot refuse them.
        short = alive & (need > have + 1e-9)
        if short.any():
            w = int(np.argmax(np.where(alive, need - have, -np.inf)))
            spent = ", ".join(f"{k} ${v[w]:.2f}B" for k, v in parts.items() if v[w] > 0)
            where = f" in world {w}" if st.worlds > 1 else ""
            errs.append(
                f"{name}: orders spend ${need[w]:.2f}B ({spent}) but the lab has "
                f"${have[w]:.2f}B{where}; spend less, borrow or raise funds first"
            )
    if errs:
        raise OrderError(errs)
    return dec
