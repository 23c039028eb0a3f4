"""The Frontier engine: a pure, vectorized simulation of the AI industry.

numpy and the standard library only: no terminal, no files. See docs/model.md.
"""

from .metrics import VERDICTS
from .orders import OrderError, Orders, TrainOrder
from .scenario import SEGMENTS, TIERS, Scenario, default_scenario
from .sim import VC_NAMES, Report, create, step
from .state import FLOW_NAMES, State, Tables, compile_tables
from .world import Event, World

__all__ = [
    "FLOW_NAMES",
    "SEGMENTS",
    "TIERS",
    "VC_NAMES",
    "VERDICTS",
    "Event",
    "OrderError",
    "Orders",
    "Report",
    "Scenario",
    "State",
    "Tables",
    "TrainOrder",
    "World",
    "compile_tables",
    "create",
    "default_scenario",
    "step",
]
