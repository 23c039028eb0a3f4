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


def test_the_report_says_what_to_do_next_before_the_accounts(tmp_path):
    # Default seed 1: the player's model falls behind the free open-weight model at once
    # while its price stays far above everyone's. The report says so, and what to do.
    session = GameSession.new(
        load_content(ROOT / "content"), scenario="default", seed=1, folder=tmp_path
    )
    report = session.end_quarter(autosave=False)
    text = " ".join(str(_text(report)).split())
    nxt, costs = text.find("What you could do next"), text.find("Costs this quarter")
    assert 0 <= nxt < costs
    assert report.next_steps == session.view().hints  # the dashboard's tips, one definition
    open_price = session.view().market.open_price
    assert "You serve the free open-weight model" in text
    assert f"your $8.00/M competes with the hosts' ${open_price:.2f}/M" in text
    assert "(p)" in text and "(t)" in text
    # why it moved: no "lead is gone" for a lab that never led; the hosts' price instead
    assert "lead is gone" not in text
    assert f"weigh its price against the hosts' (${open_price:.2f}/M)" in text


def test_a_runway_longer_than_ten_years_is_not_quoted(tmp_path):
    session = GameSession.new(
        load_content(ROOT / "content"), scenario="default", seed=1, folder=tmp_path
    )
    session.set("prices.frontier", 5.0)
    report = session.end_quarter(autosave=False)
    runway = session.view().lab.runway
    assert runway is not None and runway > 40  # a tiny burn: thousands of quarters
    assert "quarters of runway" not in report.headline


def test_the_report_wraps_under_its_labels_and_bullets_and_explains_the_hhi(tmp_path):
    """A newcomer reads each number's meaning on its own line: wrapped text sits under
    its value or bullet, not at the left edge; the HHI says what its level means."""
    session = GameSession.new(
        load_content(ROOT / "content"), scenario="default", seed=1, folder=tmp_path
    )
    report = session.end_quarter(autosave=False)
    rows = str(_text(report, 60)).split("\n")
    label = next(i for i, r in enumerate(rows) if r.startswith("market verdict"))
    indent = rows[label].index(report.numbers[-1].value)
    assert rows[label + 1].startswith(" " * indent) and rows[label + 1].strip()
    bullets = [i for i, r in enumerate(rows) if r.startswith("- ")]
    assert any(rows[i + 1].startswith("  ") and rows[i + 1].strip() for i in bullets)
    at = next(i for i, r in enumerate(rows) if r.startswith("HHI"))
    assert "moderately concentrated" in " ".join(" ".join(rows[at : at + 2]).split())
