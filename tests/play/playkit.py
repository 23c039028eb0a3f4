"""Helpers shared by the headless-play tests: scripts on disk, the CLI, file trees."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from game.cli import main

ROOT = Path(__file__).resolve().parents[2]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run `frontier ARGS` in-process: (exit code, stdout, stderr)."""
    code = main(list(args))
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def subprocess_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "game.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (relative name -> bytes), hidden ones included."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


MINIMAL = """format_version = 1
scenario = "default"
seed = 7
policy = "balanced"
"""

ORDERED = """format_version = 1
scenario = "default"
seed = 7
policy = "balanced"

[player]
name = "Ada Labs"
specialization = { coding = 3, enterprise = 1 }

[[quarters]]
quarter = 1
prices = { frontier = 7.0, small = 0.5 }
research = { efficiency = 0.2 }
note = "undercut the leader"

[quarters.train]
params = 1e12
tokens = 2e13
quarters = 3
mix = { coding = 1 }

[[quarters]]
quarter = 2
build = ["workspace"]
raise_funds = 3.0

[[quarters]]
quarter = 5
lease = 40.0
prices = { frontier = 6.0 }
"""
