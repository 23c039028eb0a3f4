"""Every metric a quarter reports is defined once, in metrics.REGISTRY (issue 11)."""

from __future__ import annotations

from game.engine import World, default_scenario
from game.engine.metrics import HISTORY_KEYS, METRIC, REGISTRY
from game.engine.state import K, S


def test_the_step_reports_exactly_the_registered_metrics_with_their_axes():
    sc = default_scenario()
    w = World(sc, seed=2, worlds=3, human=(), explain_events=False)
    rep = w.step()
    assert list(rep.metrics) == [m.name for m in REGISTRY]
    L, E = w.tables.n_labs, len(sc.events)
    size = {"L": L, "K": K, "S": S, "E": E, "J": L * K + 1, "V": 4}
    for name, value in rep.metrics.items():
        want = (3, *(size[a] for a in METRIC[name].axes))
        assert value.shape == want, name
        assert METRIC[name].unit and METRIC[name].label, name


def test_the_history_keeps_the_metrics_the_registry_marks():
    w = World(default_scenario(), seed=2, worlds=2, human=(), explain_events=False)
    w.step()
    w.step()
    h = w.history()
    assert tuple(h) == HISTORY_KEYS
    assert all(h[k].shape[0] == 2 for k in HISTORY_KEYS)
