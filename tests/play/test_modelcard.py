"""How the world works: the model card split by topic."""

from __future__ import annotations

from game.play import model_card
from game.play.modelcard import NUMBERS, numbers


def test_every_numbered_section_of_the_card_is_a_topic():
    card = model_card()
    ids = [s.id for s in card]
    assert ids[:2] == ["numbers", "intro"]
    assert ids[2:] == [str(n) for n in range(1, len(ids) - 1)]
    assert all(s.text.startswith("## ") for s in card[2:])
    assert not any(s.title.lower() == "contents" for s in card)
    scaling = next(s for s in card if s.id == "4")
    assert scaling.title == "4. Scaling" and "[S3]" in scaling.text


def test_a_copy_without_the_card_says_so(tmp_path):
    assert model_card(tmp_path / "model.md") == ()


def test_every_number_on_screen_has_its_equation_from_the_card():
    """The first topic: each number the screens show with the block of docs/model.md
    that computes it, found by its tag (a tag that disappears from the card fails)."""
    cards = numbers()
    assert [c.tag for c in cards] == [tag for _, _, tag in NUMBERS]
    for c in cards:
        assert f"[{c.tag}]" in c.equation
    first = model_card()[0]
    assert first.title == "The numbers on your screen"
    hhi = next(c for c in cards if c.tag == "M1")
    assert "HHI   = sum over labs of (100 * s_i)^2" in hhi.equation and hhi.section == "14"
    assert "```\n" + hhi.equation + "\n```" in first.text
