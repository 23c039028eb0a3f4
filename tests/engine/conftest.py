"""Helpers shared by the engine's determinism, property, order and API tests."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest

from game.engine import World, default_scenario

HUMAN = 0  # "Your Lab", the human lab of the default scenario


def snapshot(world: World) -> dict:
    """Everything a refused order must leave alone: quarter, state arrays, records."""
    return {
        "quarter": world.quarter,
        "arrays": {k: v.copy() for k, v in world.state.arrays().items()},
        "reports": len(world.reports),
        "history": {k: v.copy() for k, v in world.history().items()},
    }


def bits_equal(a: np.ndarray, b: np.ndarray) -> bool:
    """Bit-for-bit equality: same dtype, same shape, same bytes (NaN == NaN, -0 != +0)."""
    a, b = np.asarray(a), np.asarray(b)
    return (
        a.dtype == b.dtype
        and a.shape == b.shape
        and np.ascontiguousarray(a).tobytes() == np.ascontiguousarray(b).tobytes()
    )


def diff_arrays(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> list[str]:
    """Names whose arrays differ (or are missing on one side)."""
    names = sorted(set(a) | set(b))
    return [k for k in names if k not in a or k not in b or not bits_equal(a[k], b[k])]


def assert_unchanged(world: World, before: dict) -> None:
    after = snapshot(world)
    assert after["quarter"] == before["quarter"], "the quarter advanced"
    assert after["reports"] == before["reports"], "a report was recorded"
    changed = diff_arrays(before["arrays"], after["arrays"])
    assert not changed, f"state arrays changed: {changed}"
    changed = diff_arrays(before["history"], after["history"])
    assert not changed, f"history changed: {changed}"


def doomed_scenario(cash: float = 0.01, staff: float = 50.0):
    """The default scenario with a human lab that cannot pay its staff."""
    sc = default_scenario()
    labs = list(sc.labs)
    labs[HUMAN] = dataclasses.replace(labs[HUMAN], cash=cash, staff=staff)
    return dataclasses.replace(sc, labs=tuple(labs))


@pytest.fixture
def eng() -> SimpleNamespace:
    """The helpers above, for test modules (tests/ is not a package, so no imports)."""
    return SimpleNamespace(
        HUMAN=HUMAN,
        snapshot=snapshot,
        bits_equal=bits_equal,
        diff_arrays=diff_arrays,
        assert_unchanged=assert_unchanged,
        doomed_scenario=doomed_scenario,
    )
