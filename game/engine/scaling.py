"""Scaling laws: loss from parameters and tokens, compute-optimal allocation, capability.

Every function accepts numpy arrays (any shape, broadcast) or floats.

Sources
-------
- Hoffmann et al. 2022, "Training Compute-Optimal Large Language Models"
  (arXiv 2203.15556), App. D.2 parametric fit and eq. 4 allocation.
- Besiroglu, Erdil, Barnett, You 2024, "Chinchilla Scaling: A replication attempt"
  (arXiv 2404.10102): the refit used by default.
- Muennighoff et al. 2023, "Scaling Data-Constrained Language Models": repeated data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ScalingLaw:
    """L(N, D) = E + A / N**alpha + B / D**beta."""

    name: str
    E: float
    A: float
    B: float
    alpha: float
    beta: float

    @property
    def G(self) -> float:
        return (self.alpha * self.A / (self.beta * self.B)) ** (1.0 / (self.alpha + self.beta))

    @property
    def a(self) -> float:
        return self.beta / (self.alpha + self.beta)

    @property
    def b(self) -> float:
        return self.alpha / (self.alpha + self.beta)


EPOCH = ScalingLaw("epoch", E=1.8172, A=482.01, B=2085.43, alpha=0.3478, beta=0.3658)
HOFFMANN = ScalingLaw("hoffmann", E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28)
LAWS = {law.name: law for law in (EPOCH, HOFFMANN)}

#: FLOPs per parameter per training token (forward + backward).
TRAIN_FLOPS_PER_PARAM_TOKEN = 6.0
#: FLOPs per parameter per generated token (forward pass).
INFER_FLOPS_PER_PARAM_TOKEN = 2.0

#: Capability levels: index value -> name. The index is log10 of the compute-optimal
#: parameter count with the same loss, minus 7. The 2025 frontier (about 5) stands
#: between top graduate student and Nobel-level; Nobel-level sits beyond the highest a
#: stalled frontier can reach (2 points above its start), so only worlds where scaling
#: holds climb to it, and the last level is where the interview points if it keeps going.
LEVELS: tuple[tuple[float, str], ...] = (
    (1.0, "college freshman"),
    (2.5, "good student"),
    (4.0, "top graduate student"),
    (7.5, "Nobel-level"),
    (10.0, "a lab of Nobel-level minds"),
)
BELOW_LEVELS = "below freshman"
LEVEL_NAMES: tuple[str, ...] = (BELOW_LEVELS, *(name for _, name in LEVELS))


def get_law(name: str) -> ScalingLaw:
    try:
        return LAWS[name]
    except KeyError:
        raise ValueError(f"unknown scaling law {name!r}; known: {', '.join(LAWS)}") from None


def loss(params, tokens, law: ScalingLaw = EPOCH):
    """Pre-training loss of a model with `params` parameters trained on `tokens` tokens."""
    n = np.asarray(params, dtype=np.float64)
    d = np.asarray(tokens, dtype=np.float64)
    return law.E + law.A / n**law.alpha + law.B / d**law.beta


def compute_optimal(flops, law: ScalingLaw = EPOCH):
    """Compute-optimal (params, tokens) for a FLOP budget C = 6ND (Chinchilla eq. 4)."""
    c6 = np.asarray(flops, dtype=np.float64) / TRAIN_FLOPS_PER_PARAM_TOKEN
    return law.G * c6**law.a, c6**law.b / law.G


def optimal_tokens_for_params(params, law: ScalingLaw = EPOCH):
    """Tokens D such that (N, D) is compute-optimal."""
    n = np.asarray(params, dtype=np.float64)
    c6 = (n / law.G) ** (1.0 / law.a)
    return c6**law.b / law.G


def optimal_loss_for_params(params, law: ScalingLaw = EPOCH):
    """Loss of the compute-optimal model with `params` parameters."""
    return loss(params, optimal_tokens_for_params(params, law), law)


# Capability is the inverse of optimal_loss_for_params on a log10 grid. The grid is
# built once per law; np.interp needs increasing x, and loss falls with params.
_GRID_LOG10N = np.linspace(5.0, 22.0, 3401)
_GRIDS: dict[str, tuple[np.ndarray, np.ndarray]] = {}


def _grid(law: ScalingLaw) -> tuple[np.ndarray, np.ndarray]:
    g = _GRIDS.get(law.name)
    if g is None:
        losses = optimal_loss_for_params(10.0**_GRID_LOG10N, law)
        g = (losses[::-1].copy(), _GRID_LOG10N[::-1].copy())
        _GRIDS[law.name] = g
    return g


def capability_from_loss(value, law: ScalingLaw = EPOCH):
    """Capability index: log10(compute-optimal params with this loss) - 7.

    Levels (see LEVELS): 1 college freshman (1e8 params), 2.5 good student, 4 top
    graduate student (1e11), 7.5 Nobel-level, 10 a lab of Nobel-level minds (1e17).
    Clamped to the grid (-2 .. 15).
    """
    xs, ys = _grid(law)
    return np.interp(np.asarray(value, dtype=np.float64), xs, ys) - 7.0


def loss_from_capability(cap, law: ScalingLaw = EPOCH):
    """Inverse of capability_from_loss."""
    return optimal_loss_for_params(10.0 ** (np.asarray(cap, dtype=np.float64) + 7.0), law)


def capability(params, tokens, law: ScalingLaw = EPOCH):
    return capability_from_loss(loss(params, tokens, law), law)


def level_index(cap) -> np.ndarray:
    """0 = below freshman, 1..5 = the named levels."""
    thresholds = np.array([t for t, _ in LEVELS])
    return np.searchsorted(thresholds, np.asarray(cap, dtype=np.float64), side="right")


def level_name(cap: float) -> str:
    return LEVEL_NAMES[int(level_index(cap))]


def effective_tokens(tokens, unique, r_star: float = 15.4):
    """Value of `tokens` drawn from a stock of `unique` tokens, repeats decaying.

    Muennighoff et al. 2023: D' = U + U * R* * (1 - exp(-R / R*)), R = D/U - 1 repeats.
    Up to about 4 epochs D' is within ~7% of D; beyond that repeats lose value.
    """
    d = np.asarray(tokens, dtype=np.float64)
    u = np.maximum(np.asarray(unique, dtype=np.float64), 1.0)
    repeats = np.maximum(d / u - 1.0, 0.0)
    capped = u + u * r_star * (1.0 - np.exp(-repeats / r_star))
    return np.where(d <= u, d, capped)


def stalled_capability(cap, stall, holds, softness: float = 0.1):
    """Capability after a scaling stall.

    Where scaling holds the index is unchanged. Where it stalls at `stall`, each unit
    of raw capability past the stall adds only `softness` of a unit.
    """
    cap = np.asarray(cap, dtype=np.float64)
    over = np.maximum(cap - stall, 0.0)
    return np.where(holds, cap, cap - over * (1.0 - softness))
