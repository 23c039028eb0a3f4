"""Events: which random events start this quarter, and their combined effects.

`draw` is phase 1 of the step (docs/model.md 16); `effects` combines the temporary
channels of the events under way; `product` multiplies the once-effects of the events
that start now.
"""

from __future__ import annotations

import numpy as np

from . import rng
from .state import State, Tables


def draw(st: State, tb: Tables):
    """(ev_left, ev_seen, started): count down the events under way and draw new ones."""
    E = len(tb.scenario.events)
    ev_left = np.maximum(st.ev_left - 1, 0)
    ev_seen = st.ev_seen.copy()
    started = np.zeros(st.ev_left.shape, dtype=bool)
    if E:
        u = rng.uniform(st.seeds, st.t, "events", E)
        started = (u < tb.ev_hazard) & ~ev_seen & (st.t >= tb.ev_min_q) & (ev_left == 0)
        ev_left = np.where(started, tb.ev_duration, ev_left)
        ev_seen |= started
    return ev_left, ev_seen, started


def effects(tb: Tables, ev_left: np.ndarray) -> dict[str, np.ndarray]:
    """Combine active events' temporary channels: *_add sum, *_mult multiply.

    Channel by channel, in event order, on (W,) columns. An event that leaves a channel
    neutral (adds 0, multiplies by 1) is skipped: that changes no bit of the result.
    """
    W, E = ev_left.shape
    if not (ev_left > 0).any():  # no event under way: every channel neutral, same bits
        return {
            **{name: np.zeros(W) for name in tb.ev_add_names},
            **{name: np.ones(W) for name in tb.ev_mult_names},
        }
    on = [ev_left[:, e] > 0 for e in range(E)]
    out = {}
    for i, name in enumerate(tb.ev_add_names):
        acc = np.zeros(W)
        for e in np.flatnonzero(tb.ev_add[:, i] != 0.0):
            acc += on[e] * tb.ev_add[e, i]
        out[name] = acc
    for i, name in enumerate(tb.ev_mult_names):
        acc = np.ones(W)
        for e in np.flatnonzero(tb.ev_mult[:, i] != 1.0):
            acc *= np.where(on[e], tb.ev_mult[e, i], 1.0)
        out[name] = acc
    return out


def product(started, factors):
    """Product, in event order, of the factors of the events that started (1 if not).

    started (W,E) or (W,E,1); factors (E,) or (E,S). Events whose factors are all 1
    are left out, which changes no bit; None when no event has a factor.
    """
    mult = None
    for e in np.flatnonzero((factors != 1.0).reshape(len(factors), -1).any(-1)):
        f = np.where(started[:, e], factors[e], 1.0)
        mult = f if mult is None else mult * f
    return mult
