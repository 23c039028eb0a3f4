"""Every script in examples/ runs to the end, and examples/README.md lists each one."""

from __future__ import annotations

import pytest
from playkit import ROOT

from game.play.runner import play_through
from game.play.script import load_script

EXAMPLES = sorted((ROOT / "examples").glob("*.toml"))


def test_there_are_examples():
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(path, content):
    pt = load_script(path, content)
    text = path.read_text()
    assert text.lstrip().startswith("#"), "an example opens with a comment explaining it"
    game = play_through(pt)
    assert game.quarter == pt.scenario.quarters or not game.world.state.alive[0, 0]
    assert (ROOT / "examples" / "README.md").read_text().count(f"({path.name})") == 1
