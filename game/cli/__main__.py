"""`python -m game.cli`: the `frontier` command."""

from game.cli import main

raise SystemExit(main())
