"""Counter-based random numbers, vectorized over worlds.

Each draw is a pure function of (world seed, quarter, stream, index), so world k of a
batch gets exactly the numbers a single run with that world's seed gets, whatever the
batch size. The mixer is SplitMix64 (Steele, Lea, Flood 2014, the generator behind
Java's SplittableRandom); like numpy's Philox it is counter-based, but it costs a
handful of vector operations per draw instead of one numpy Generator per world (which
would dominate the run time of a 10,000-world study).
"""

from __future__ import annotations

import numpy as np

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLD = np.uint64(0x9E3779B97F4A7C15)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)

#: Named streams so that adding a draw in one place never shifts another's numbers.
STREAMS = {
    "world": 1,
    "events": 2,
    "entry": 3,
    "policy": 4,
    "sentiment": 5,
    "research": 6,
    "bots": 7,  # game.play.bots (random orders)
    "loyalty": 8,  # the per-world draw of buyers' loyalty
    "nationalize": 9,  # whether the state takes over a lab this quarter
}


def _mix(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> _S30)
    x = x * _M1
    x = x ^ (x >> _S27)
    x = x * _M2
    return x ^ (x >> _S31)


def uniform(seeds: np.ndarray, quarter: int, stream: str, n: int) -> np.ndarray:
    """Uniforms in [0, 1), shape (W, n), one row per world seed."""
    sid = STREAMS[stream]
    # Array arithmetic on uint64 wraps silently; the one product of two scalars is
    # done in Python integers, modulo 2**64, so no np.errstate is needed (it costs more
    # than the arithmetic for one world).
    q = np.uint64(((quarter + 1) * int(_M2)) % (1 << 64))
    base = _mix(seeds.astype(np.uint64) * _GOLD + np.uint64(sid))
    base = _mix(base ^ q)
    idx = np.arange(1, n + 1, dtype=np.uint64) * _GOLD
    bits = _mix(base[:, None] ^ idx[None, :])
    return (bits >> _S11).astype(np.float64) * (1.0 / 9007199254740992.0)


def normal(seeds: np.ndarray, quarter: int, stream: str, n: int) -> np.ndarray:
    """Standard normals, shape (W, n), by Box-Muller."""
    u = uniform(seeds, quarter, stream, 2 * n)
    u1 = 1.0 - u[:, :n]
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u[:, n:])
