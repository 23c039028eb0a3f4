"""Fixtures for the headless-play tests (helpers live in playkit.py)."""

from __future__ import annotations

import pytest

from game.content import default_content_dir, load_content


@pytest.fixture(scope="session")
def content():
    return load_content(default_content_dir())
