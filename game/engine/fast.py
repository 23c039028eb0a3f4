"""Reductions over short axes, unrolled.

numpy's reductions pay a per-row cost that dominates when the reduced axis is short
(2 tiers, 7 products, 8 labs) and the other axes are long (10,000 worlds): summing a
(W,S,L,2) array over its last axis is ~20x slower than adding two slices. These
helpers add, multiply or compare slices in a fixed order, so each world's result
depends only on that world's numbers, whatever the batch size.
"""

from __future__ import annotations

import numpy as np


def _move(x: np.ndarray, axis: int, to: int) -> np.ndarray:
    """np.moveaxis of one axis to the front (to=0) or the back (to=-1), as a view,
    without moveaxis's argument checks (they cost more than the move on small arrays)."""
    n = x.ndim
    axis %= n
    rest = [i for i in range(n) if i != axis]
    return x.transpose([axis, *rest] if to == 0 else [*rest, axis])


def _last(x, axis):
    x = np.asarray(x)
    return x if axis in (-1, x.ndim - 1) else _move(x, axis, -1)


#: Below this many elements an array is "small" (one world's state): one
#: ``ufunc.accumulate`` call adds the slices in the same left-to-right order as the
#: loops below, bit for bit, without a Python-level step per slice.
SMALL = 4096


def _acc(ufunc, x):
    return ufunc.accumulate(x, axis=-1)[..., -1]


def rsum(x, axis=-1):
    x = _last(x, axis)
    if x.size <= SMALL and x.shape[-1]:
        return _acc(np.add, x.astype(np.int64) if x.dtype == bool else x)
    if x.shape[-1] > 8 and x.flags.c_contiguous and x.dtype != bool:
        return x.sum(axis=-1)  # long contiguous rows: numpy's own loop is faster
    out = x[..., 0].astype(np.int64 if x.dtype == bool else x.dtype, copy=True)
    for j in range(1, x.shape[-1]):
        out += x[..., j]
    return out


def rprod(x, axis=-1):
    x = _last(x, axis)
    if x.size <= SMALL and x.shape[-1]:
        return _acc(np.multiply, x)
    out = x[..., 0].copy()
    for j in range(1, x.shape[-1]):
        out *= x[..., j]
    return out


def rmax(x, axis=-1):
    x = _last(x, axis)
    if x.size <= SMALL and x.shape[-1]:
        return _acc(np.maximum, x)
    out = x[..., 0].copy()
    for j in range(1, x.shape[-1]):
        np.maximum(out, x[..., j], out=out)
    return out


def rmin(x, axis=-1):
    x = _last(x, axis)
    if x.size <= SMALL and x.shape[-1]:
        return _acc(np.minimum, x)
    out = x[..., 0].copy()
    for j in range(1, x.shape[-1]):
        np.minimum(out, x[..., j], out=out)
    return out


def rany(x, axis=-1):
    x = _last(x, axis)
    if x.size <= SMALL and x.shape[-1]:
        return _acc(np.bitwise_or, x)
    out = x[..., 0].copy()
    for j in range(1, x.shape[-1]):
        out |= x[..., j]
    return out


def asum(x, axis):
    """Sum over a leading or middle axis in a fixed pairwise order.

    numpy may pick a different summation order for the same numbers when the other
    axes change length (a batch of 1 world vs 10,000); halving the axis by adding its
    two halves, again and again, gives every world the same bits whatever the batch,
    in log2(n) vectorised additions.
    """
    x = np.asarray(x)
    if axis != 0:
        x = _move(x, axis, 0)
    if x.dtype == bool:
        x = x.astype(np.int64)
    while x.shape[0] > 1:
        n = x.shape[0]
        h = n // 2
        head = x[:h] + x[h : 2 * h]
        if n % 2:
            head[0] += x[2 * h]
        x = head
    return x[0].copy() if x.base is not None else x[0]


def clip(x, lo, hi):
    """np.clip(x, lo, hi), bit for bit (NaN stays NaN), without np.clip's Python-level
    argument handling, which costs several times the arithmetic on one world's arrays."""
    return np.minimum(np.maximum(x, lo), hi)
