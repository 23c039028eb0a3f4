"""Scaling laws: the published Chinchilla table, the capability levels, data reuse, stalls."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.engine import scaling as sc

# Hoffmann et al. 2022, Table 3: compute-optimal (params, FLOPs, tokens).
CHINCHILLA_TABLE3 = [
    (400e6, 1.92e19, 8.0e9),
    (1e9, 1.21e20, 20.2e9),
    (10e9, 1.23e22, 205.1e9),
    (67e9, 5.76e23, 1.5e12),
    (175e9, 3.85e24, 3.7e12),
    (280e9, 9.90e24, 5.9e12),
    (520e9, 3.43e25, 11.0e12),
    (1e12, 1.27e26, 21.2e12),
    (10e12, 1.30e28, 216.2e12),
]

LEVELS = [
    (1e8, 1.0, "college freshman"),
    (10**9.5, 2.5, "good student"),
    (1e11, 4.0, "top graduate student"),
    (10**14.5, 7.5, "Nobel-level"),
    (1e17, 10.0, "a lab of Nobel-level minds"),
]

log10_params = st.floats(min_value=6.0, max_value=14.0)
log10_tokens = st.floats(min_value=8.0, max_value=15.0)


# ------------------------------------------------------------ compute-optimal allocation


@pytest.mark.parametrize(("params", "flops", "tokens"), CHINCHILLA_TABLE3)
def test_compute_optimal_matches_chinchilla_table3(params, flops, tokens):
    n, d = sc.compute_optimal(flops)
    assert n == pytest.approx(params, rel=0.30)
    assert d == pytest.approx(tokens, rel=0.30)


@pytest.mark.parametrize(("params", "flops", "tokens"), CHINCHILLA_TABLE3)
def test_about_twenty_tokens_per_parameter(params, flops, tokens):
    n, d = sc.compute_optimal(flops)
    assert 14.0 <= d / n <= 26.0


def test_default_law_is_epoch():
    flops = 1e24
    assert np.allclose(sc.compute_optimal(flops), sc.compute_optimal(flops, sc.EPOCH))
    assert sc.get_law("epoch") is sc.EPOCH
    assert sc.get_law("hoffmann") is sc.HOFFMANN


def test_unknown_law_is_a_value_error():
    with pytest.raises(ValueError, match="unknown scaling law"):
        sc.get_law("kaplan")


@pytest.mark.parametrize("law", [sc.EPOCH, sc.HOFFMANN])
@pytest.mark.parametrize("flops", [1e18, 1e21, 1e24, 3.5e25, 1e28])
def test_compute_optimal_spends_the_budget(law, flops):
    n, d = sc.compute_optimal(flops, law)
    assert sc.TRAIN_FLOPS_PER_PARAM_TOKEN * n * d == pytest.approx(flops, rel=1e-9)


@pytest.mark.parametrize("law", [sc.EPOCH, sc.HOFFMANN])
def test_compute_optimal_is_the_loss_minimum_on_the_budget(law):
    flops = 1e24
    n_opt, d_opt = sc.compute_optimal(flops, law)
    best = sc.loss(n_opt, d_opt, law)
    for factor in (0.5, 0.8, 1.25, 2.0):
        n = n_opt * factor
        d = flops / (sc.TRAIN_FLOPS_PER_PARAM_TOKEN * n)
        assert sc.loss(n, d, law) > best


@pytest.mark.parametrize("law", [sc.EPOCH, sc.HOFFMANN])
def test_optimal_tokens_for_params_inverts_compute_optimal(law):
    n, d = sc.compute_optimal(np.array([1e20, 1e23, 1e26]), law)
    assert np.allclose(sc.optimal_tokens_for_params(n, law), d, rtol=1e-9)


def test_hoffmann_law_is_selectable_and_differs():
    flops = 1e24
    n_e, d_e = sc.compute_optimal(flops, sc.EPOCH)
    n_h, d_h = sc.compute_optimal(flops, sc.HOFFMANN)
    assert abs(n_h / n_e - 1) > 0.05
    assert abs(d_h / d_e - 1) > 0.05
    assert abs(sc.loss(n_h, d_h, sc.HOFFMANN) - sc.loss(n_e, d_e, sc.EPOCH)) > 0.01


def test_functions_broadcast_over_arrays():
    flops = np.array([[1e20, 1e22], [1e24, 1e26]])
    n, d = sc.compute_optimal(flops)
    assert n.shape == d.shape == flops.shape
    assert sc.loss(n, d).shape == flops.shape
    assert sc.capability(n, d).shape == flops.shape


# ------------------------------------------------------------------------------- loss


@given(log10_params, log10_params, log10_tokens)
def test_loss_falls_with_params(a, b, t):
    lo, hi = sorted((a, b))
    assert sc.loss(10.0**hi, 10.0**t) <= sc.loss(10.0**lo, 10.0**t)


@given(log10_params, log10_tokens, log10_tokens)
def test_loss_falls_with_tokens(p, a, b):
    lo, hi = sorted((a, b))
    assert sc.loss(10.0**p, 10.0**hi) <= sc.loss(10.0**p, 10.0**lo)


@pytest.mark.parametrize("law", [sc.EPOCH, sc.HOFFMANN])
def test_loss_is_bounded_below_by_the_irreducible_term(law):
    assert sc.loss(1e15, 1e18, law) > law.E
    assert sc.loss(1e15, 1e18, law) == pytest.approx(law.E, abs=0.01)


# ------------------------------------------------------------------------- capability


@pytest.mark.parametrize(("params", "index", "name"), LEVELS)
def test_levels_sit_at_compute_optimal_losses(params, index, name):
    cap = float(sc.capability_from_loss(sc.optimal_loss_for_params(params)))
    assert cap == pytest.approx(index, abs=1e-6)
    assert sc.level_name(cap) == name
    assert sc.level_name(cap + 0.01) == name
    assert sc.level_name(cap - 0.01) != name


def test_level_names_in_order():
    names = [sc.level_name(c) for c in (0.0, 1.5, 3.0, 5.0, 8.0, 10.5, 14.0)]
    assert names == [
        "below freshman",
        "college freshman",
        "good student",
        "top graduate student",
        "Nobel-level",
        "a lab of Nobel-level minds",
        "a lab of Nobel-level minds",
    ]
    assert [int(i) for i in sc.level_index([0.5, 1.5, 3.0, 5.0, 8.0, 11.0])] == [0, 1, 2, 3, 4, 5]


@given(st.floats(min_value=1.85, max_value=6.0), st.floats(min_value=1.85, max_value=6.0))
def test_capability_falls_as_loss_rises(a, b):
    lo, hi = sorted((a, b))
    assert sc.capability_from_loss(hi) <= sc.capability_from_loss(lo)


def test_capability_is_strictly_monotone_on_a_grid():
    losses = np.linspace(1.85, 4.0, 500)
    caps = sc.capability_from_loss(losses)
    assert np.all(np.diff(caps) < 0)


@pytest.mark.parametrize("law", [sc.EPOCH, sc.HOFFMANN])
@pytest.mark.parametrize("cap", [-1.0, 0.0, 1.0, 2.5, 3.0, 4.0, 6.0, 10.0])
def test_capability_and_loss_are_inverses(law, cap):
    value = sc.loss_from_capability(cap, law)
    assert sc.capability_from_loss(value, law) == pytest.approx(cap, abs=1e-3)


@given(st.floats(min_value=1.9, max_value=4.0))
def test_loss_from_capability_inverts_capability_from_loss(value):
    cap = sc.capability_from_loss(value)
    assert sc.loss_from_capability(cap) == pytest.approx(value, rel=1e-4)


def test_capability_of_a_model_uses_its_loss():
    n, d = 7e10, 1.4e12
    assert sc.capability(n, d) == pytest.approx(sc.capability_from_loss(sc.loss(n, d)))


# --------------------------------------------------------------------- repeated data


def test_up_to_four_epochs_keeps_most_of_the_value():
    unique = 1e12
    for epochs in (1.0, 2.0, 3.0, 4.0):
        tokens = epochs * unique
        assert sc.effective_tokens(tokens, unique) > 0.9 * tokens


def test_forty_epochs_keeps_well_under_half():
    unique = 1e12
    tokens = 40 * unique
    assert sc.effective_tokens(tokens, unique) < 0.45 * tokens


def test_fresh_data_is_worth_its_full_count():
    assert sc.effective_tokens(5e11, 1e12) == pytest.approx(5e11)


@given(st.floats(min_value=0.0, max_value=200.0), st.floats(min_value=6.0, max_value=14.0))
def test_effective_tokens_never_exceeds_raw_tokens(epochs, log_unique):
    unique = 10.0**log_unique
    tokens = epochs * unique
    assert sc.effective_tokens(tokens, unique) <= tokens * (1 + 1e-12)


@given(
    st.floats(min_value=0.0, max_value=200.0),
    st.floats(min_value=0.0, max_value=200.0),
    st.floats(min_value=6.0, max_value=14.0),
)
def test_effective_tokens_rises_with_raw_tokens(e1, e2, log_unique):
    unique = 10.0**log_unique
    lo, hi = sorted((e1, e2))
    assert sc.effective_tokens(hi * unique, unique) >= sc.effective_tokens(lo * unique, unique)


def test_more_unique_data_is_worth_more():
    tokens = 1e13
    values = sc.effective_tokens(tokens, np.array([1e11, 1e12, 5e12, 1e13]))
    assert np.all(np.diff(values) > 0)


# ----------------------------------------------------------------------------- stalls


def test_stall_changes_nothing_where_scaling_holds():
    caps = np.linspace(-1.0, 8.0, 50)
    assert np.array_equal(sc.stalled_capability(caps, 3.0, True), caps)


def test_stall_changes_nothing_below_the_stall():
    caps = np.linspace(-1.0, 3.0, 50)
    assert np.allclose(sc.stalled_capability(caps, 3.0, False), caps)


def test_stall_flattens_progress_beyond_it():
    stall = 3.0
    caps = np.array([3.0, 4.0, 5.0, 6.0])
    stalled = sc.stalled_capability(caps, stall, False)
    slope = np.diff(stalled) / np.diff(caps)
    assert np.all(slope < 0.25)
    assert np.all(slope > 0)  # still rising, just slowly
    assert stalled[-1] < stall + 1.0


def test_stall_broadcasts_over_holds():
    out = sc.stalled_capability(np.array([5.0, 5.0]), 3.0, np.array([True, False]))
    assert out[0] == 5.0
    assert out[1] < 3.5


@given(st.floats(min_value=-2.0, max_value=15.0), st.floats(min_value=-2.0, max_value=15.0))
def test_stalled_capability_is_monotone(a, b):
    lo, hi = sorted((a, b))
    assert sc.stalled_capability(hi, 3.0, False) >= sc.stalled_capability(lo, 3.0, False)
