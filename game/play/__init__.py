"""The game layer: sessions, views, orders, saves, runs and bots, for any front-end.

The Textual app (game/ui) imports only the names below; the command line (game/cli)
also drives the headless modules (runner, script, saves, sweep...). Nothing in
game/play imports a terminal library (textual, rich). tests/test_layers.py checks
all three.
"""

from game.content.loader import ContentError
from game.engine.orders import ORDER_FIELDS, OrderError, OrderField
from game.text import count, money, sci, signed_money

from . import typed, views
from .catalog import (
    LessonCard,
    SaveCard,
    ScenarioCard,
    Term,
    glossary,
    lessons,
    open_content,
    policies,
    saves,
    scenarios,
    segments,
    specialization,
)
from .charts import ChartView, Series
from .industry import IndustryView
from .modelcard import CardSection, model_card
from .saves import SaveError, saves_dir
from .script import ScriptError
from .session import DraftError, GameSession
from .share import CodeError
from .sweep import SweepCancelled

__all__ = [
    "ORDER_FIELDS",
    "CardSection",
    "ChartView",
    "CodeError",
    "ContentError",
    "DraftError",
    "GameSession",
    "IndustryView",
    "LessonCard",
    "OrderError",
    "OrderField",
    "SaveCard",
    "SaveError",
    "ScenarioCard",
    "ScriptError",
    "Series",
    "SweepCancelled",
    "Term",
    "count",
    "glossary",
    "lessons",
    "model_card",
    "money",
    "open_content",
    "policies",
    "saves",
    "saves_dir",
    "scenarios",
    "sci",
    "segments",
    "signed_money",
    "specialization",
    "typed",
    "views",
]
