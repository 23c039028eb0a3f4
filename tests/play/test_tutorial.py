"""The guided start: three steps over the first three quarters, shown once per
player; skipping it, or playing through it, is remembered in the saves folder."""

from __future__ import annotations

from game.play import GameSession, open_content
from game.play.tutorial import MARKER, STEPS


def _new(tmp_path):
    return GameSession.new(open_content(None), "default", seed=1, folder=tmp_path)


def test_one_step_a_quarter_then_done_for_good(tmp_path):
    s = _new(tmp_path)
    seen = []
    for _ in range(len(STEPS)):
        t = s.tutorial()
        seen.append((t.number, t.of, t.title))
        s.end_quarter(autosave=False)
    assert seen == [(i + 1, len(STEPS), title) for i, (title, _) in enumerate(STEPS)]
    assert s.tutorial() is None and (tmp_path / MARKER).exists()
    assert _new(tmp_path).tutorial() is None  # the next game does not show it again


def test_skipping_is_remembered(tmp_path):
    s = _new(tmp_path)
    assert s.tutorial().number == 1
    s.skip_tutorial()
    assert s.tutorial() is None
    assert _new(tmp_path).tutorial() is None
    assert _new(tmp_path / "other").tutorial() is not None  # another saves folder: new


def test_every_key_a_step_names_exists_on_the_dashboard():
    from game.ui.screens.game import GameScreen

    keys = {b.key for b in GameScreen.BINDINGS}
    for _, text in STEPS:
        for k in ("p", "e", "c", "t", "h", "i", "w"):
            if f"press {k}" in text or f" {k} for" in text or f"then press {k}" in text:
                assert k in keys, k
