"""How the world works: the model card split by topic."""

from __future__ import annotations

from game.play import model_card


def test_every_numbered_section_of_the_card_is_a_topic():
    card = model_card()
    ids = [s.id for s in card]
    assert ids[0] == "intro" and ids[1:] == [str(n) for n in range(1, len(ids))]
    assert all(s.text.startswith("## ") for s in card[1:])
    assert not any(s.title.lower() == "contents" for s in card)
    scaling = next(s for s in card if s.id == "4")
    assert scaling.title == "4. Scaling" and "[S3]" in scaling.text


def test_a_copy_without_the_card_says_so(tmp_path):
    assert model_card(tmp_path / "model.md") == ()
