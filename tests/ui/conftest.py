"""Fixtures for the Textual app's tests: a clean environment and a ready app."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch, tmp_path):
    """No monochrome filter, no theme from the environment, files under tmp_path."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TEXTUAL_THEME", raising=False)
    monkeypatch.chdir(tmp_path)
