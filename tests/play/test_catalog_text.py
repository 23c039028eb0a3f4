"""Stories wrapped by hand in content files reach the screen as paragraphs."""

from __future__ import annotations

from game.content.loader import default_content_dir, load_content
from game.play.catalog import scenarios
from game.text import reflow


def test_reflow_joins_a_paragraph_and_keeps_paragraphs_and_lists():
    text = "One line\nand its tail.\n\nA list:\n- first\n- second\n  wrapped\n\n# Head\nbody\n"
    assert reflow(text) == (
        "One line and its tail.\n\nA list:\n- first\n- second wrapped\n\n# Head\nbody"
    )


def test_every_scenario_story_breaks_only_between_paragraphs():
    content = load_content(default_content_dir())
    for card in scenarios(content):
        for para in card.story.split("\n\n"):
            for line in para.splitlines()[1:]:
                assert line.startswith(("- ", "* ", "#")) or line[:1].isdigit(), (card.id, line)


def test_a_name_ending_in_s_takes_a_bare_apostrophe():
    from game.engine import default_scenario
    from game.play.runner import new_game

    g = new_game(default_scenario(), 1, "hold")
    g.play()
    texts = [e.text for e in g.records[-1].events]
    assert any(t.startswith("Swift Models' own model") for t in texts), texts
    assert not any("s's " in t for t in texts)
