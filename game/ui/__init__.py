"""The Textual app: `frontier play` in a real terminal.

Importing this package loads textual only; the game layer (numpy, the engine, the
content) is imported in a worker once the first screen is drawn. The app talks to the
game through `game.play`'s public names (GameSession and its views) and computes no
economics of its own.
"""

from __future__ import annotations


def run(args) -> int:
    """Run the app for `frontier play` (args: the play command's argparse namespace)."""
    from .app import FrontierApp

    app = FrontierApp(
        scenario=getattr(args, "scenario", None),
        seed=getattr(args, "seed", None),
        code=getattr(args, "code", None),
        load=getattr(args, "load", None),
        force=getattr(args, "force", False),
        name=getattr(args, "name", None),
        lab=getattr(args, "lab", None),
        saves_dir=getattr(args, "saves_dir", None),
        content_dir=getattr(args, "content", None),
        policy=getattr(args, "policy", "hold"),
        theme_name=getattr(args, "theme", None),
        lesson=getattr(args, "lesson", None),
        student=getattr(args, "student", None),
        group=getattr(args, "group", None),
    )
    app.run()
    if app.exit_message:
        import sys

        print(app.exit_message, file=sys.stderr if app.return_code else sys.stdout)
    return app.return_code or 0


__all__ = ["run"]
