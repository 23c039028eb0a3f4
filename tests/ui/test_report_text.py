"""The quarterly report tells the story before the accounts (what a newcomer reads
first at 80x24, before any scrolling)."""

from __future__ import annotations

from pathlib import Path

from game.content.loader import load_content
from game.play import GameSession
from game.ui.screens.report import _text

ROOT = Path(__file__).resolve().parents[2]


def test_the_report_puts_why_the_numbers_moved_before_the_accounts(tmp_path):
    session = GameSession.new(
        load_content(ROOT / "content"), scenario="default", seed=1, folder=tmp_path
    )
    report = session.end_quarter(autosave=False)
    text = str(_text(report))
    moved, costs = text.find("Why your numbers moved"), text.find("Costs this quarter")
    assert 0 <= moved < costs
    verdict = next(n for n in report.numbers if n.label == "market verdict")
    assert verdict.change == session.view().market.verdict_meaning  # it says what it means
