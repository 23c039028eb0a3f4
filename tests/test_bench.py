"""`frontier bench` prints the figures the issue names (a benchmark, not a timed test)."""

import json
import math
import subprocess
import sys

KEYS = {
    "turn_ms_median",
    "batch_world_quarters_per_s",
    "batch_speedup",
    "peak_mib_100k",
    "run_wall_s",
    "sweep_10k_wall_s",
    "ui_report_ms",
    "ui_preview_ms",
    "debrief_whatif_s",
}


def test_bench_json_quick_has_the_contract_keys():
    done = subprocess.run(
        [sys.executable, "-m", "game.cli", "bench", "--json", "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert set(out) >= KEYS
    for key in KEYS:
        assert isinstance(out[key], float) and math.isfinite(out[key]) and out[key] > 0, key
    assert out["quick"] is True
    # Cold start is timed under tmux; without it the figure is null, never a made-up one.
    start = out["ui_start_s"]
    assert start is None or (isinstance(start, float) and 0 < start < 30)
