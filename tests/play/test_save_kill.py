"""Kill test: a process saving in a loop is killed with SIGKILL at random moments.

After each of 50 kills, the save file (if one exists yet) must load: replayed and
verified, never half-written.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

from playkit import MINIMAL, ORDERED, ROOT, write

from game.play.atomic import STALE_AFTER, TEMP_PATTERN, atomic_write
from game.play.runner import play_through
from game.play.saves import Session, load_save
from game.play.script import load_script

CHILD = """
import sys
from pathlib import Path
from game.play.atomic import atomic_write
target = Path(sys.argv[1])
versions = [Path(p).read_bytes() for p in sys.argv[2:]]
print("ready", flush=True)
i = 0
while True:
    atomic_write(target, versions[i % len(versions)])
    i += 1
"""


def test_fifty_kills_never_leave_a_broken_save(tmp_path, content):
    # Two different, valid saves the child alternates between (3 and 5 quarters).
    sources = []
    for k, (text, q) in enumerate(((MINIMAL, 3), (ORDERED, 5))):
        pt = load_script(write(tmp_path / f"s{k}.toml", text), content)
        sources.append(
            Session.from_playthrough(pt, play_through(pt, to_quarter=q), content).save(
                tmp_path / f"v{k}.toml"
            )
        )
    folder = tmp_path / "saves"
    folder.mkdir()
    target = folder / "game.toml"
    rng = random.Random(20261128)
    loaded = 0
    for _ in range(50):
        proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(target), *map(str, sources)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.05))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()
        assert proc.returncode == -signal.SIGKILL
        if target.exists():
            pt, game, warnings = load_save(target, content)
            assert warnings == [] and game.quarter in (3, 5)
            assert target.read_bytes() in {p.read_bytes() for p in sources}
            loaded += 1
    assert loaded >= 45  # the first write lands within milliseconds of "ready"
    # Killed writes may leave their temporary files; once stale, the next write (or
    # `frontier saves`) removes them, and nothing else.
    temps = [p for p in folder.iterdir() if TEMP_PATTERN.match(p.name)]
    old = time.time() - STALE_AFTER - 1
    for p in temps:
        os.utime(p, (old, old))
    atomic_write(target, sources[0].read_bytes())
    assert sorted(p.name for p in folder.iterdir()) == ["game.toml"]
