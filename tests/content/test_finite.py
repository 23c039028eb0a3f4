"""Every number that enters through content must be finite and in its range (issue 13,
defect 1; and defect 12's calibration message).

Each case edits one value of a copy of the shipped content folder and expects
`frontier content check` to exit 2 naming `file:line: field`, once, and nothing
to be written.
"""

from __future__ import annotations

import dataclasses
import shutil
import tomllib
from pathlib import Path

import pytest

from game.cli import main
from game.content import ContentError, default_content_dir, load_content
from game.content.loader import param_problem, param_ranges
from game.engine.scenario import PARAM_BOUNDS, Params

CONTENT = default_content_dir()


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """`frontier ARGS` in-process (as tests/play/playkit.py, not importable from here)."""
    code = main(list(args))
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}  # fmt: skip


def broken(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """A copy of the content folder with one edit (old must occur in the file)."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    path = root / file
    text = path.read_text()
    assert old in text, f"fixture anchor not found in {file}: {old!r}"
    path.write_text(text.replace(old, new, 1))
    return root


def line_of(root: Path, file: str, needle: str) -> int:
    for i, line in enumerate((root / file).read_text().splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)


CASES = [
    # id, file, old, new, dotted field, line needle, message phrase
    ("segment-growth-nan", "segments.toml", "market_growth = 0.4", "market_growth = nan",
     "segments[0].market_growth", "market_growth = nan", "finite"),
    ("segment-asc-inf", "segments.toml", "asc = 0.5", "asc = inf",
     "segments[0].asc", "asc = inf", "finite"),
    ("segment-qref-minus-inf", "segments.toml", "q_ref = 5.0", "q_ref = -inf",
     "segments[0].q_ref", "q_ref = -inf", "finite"),
    ("segment-potential-nan", "segments.toml", "potential0 = 30.0", "potential0 = nan",
     "segments[0].potential0", "potential0 = nan", "finite"),
    ("segment-potential-huge-int", "segments.toml", "potential0 = 30.0",
     "potential0 = " + "9" * 400, "segments[0].potential0", "potential0 = 999", "too large"),
    ("product-fit-inf", "products.toml", "fit = { coding = 0.3,", "fit = { coding = inf,",
     "products[0].fit.coding", "fit = { coding = inf", "finite"),
    ("product-cost-nan", "products.toml", "build_cost = 0.2", "build_cost = nan",
     "products[0].build_cost", "build_cost = nan", "finite"),
    ("archetype-ambition-inf", "archetypes.toml", "ambition = 1.1", "ambition = inf",
     "archetypes[0].ambition", "ambition = inf", "finite"),
    ("event-effect-nan", "events.toml", "effects = { data_stock_mult = 0.7,",
     "effects = { data_stock_mult = nan,", "events[0].effects.data_stock_mult",
     "data_stock_mult = nan", "finite"),
    ("lab-cash-inf", "scenarios/artifacts.toml", "cash = 8.0", "cash = inf",
     "player.cash", "cash = inf", "finite"),
    ("lab-cash-1e308", "scenarios/artifacts.toml", "cash = 8.0", "cash = 1e308",
     "player.cash", "cash = 1e308", "less than or equal"),
    ("scenario-segment-nan", "scenarios/artifacts.toml", "lock_in = 2.6", "lock_in = nan",
     "segments.coding.lock_in", "lock_in = nan", "finite"),
    ("scenario-segment-negative", "scenarios/artifacts.toml", "lock_in = 2.6",
     "lock_in = -2.6", "segments.coding.lock_in", "lock_in = -2.6", "greater than or equal"),
    ("scenario-segment-share-above-1", "scenarios/artifacts.toml", "lock_in = 2.6",
     "adopters0 = 1.5", "segments.coding.adopters0", "adopters0 = 1.5", "less than or equal"),
    ("scenario-param-inf", "scenarios/artifacts.toml", "spec_strength = 0.6",
     "spec_strength = inf", "params.spec_strength", "spec_strength = inf", "finite"),
    ("scenario-param-out-of-range", "scenarios/artifacts.toml", "spec_strength = 0.6",
     "spec_strength = 1e308", "params.spec_strength", "spec_strength = 1e308", "[0, 10]"),
    ("scenario-param-pair", "scenarios/solar.toml", "loyalty_min = 1.0",
     "loyalty_min = 9.0", "params.loyalty_min", "loyalty_min = 9.0", "must not exceed"),
    ("calibration-nan", "calibration.toml", "value = 1.3\n", "value = nan\n",
     "params.lease_premium.value", "value = nan", "finite"),
    ("calibration-huge-int", "calibration.toml", "value = 1.3\n", "value = " + "9" * 400 + "\n",
     "params.lease_premium.value", "value = 999", "too large"),
    ("calibration-out-of-range", "calibration.toml", "value = 0.65\n", "value = 2.0\n",
     "params.scaling_continues_p.value", "value = 2.0", "[0, 1]"),
    ("calibration-range-inverted", "calibration.toml", "range = [0.5, 10]",
     "range = [10, 0.5]", "params.lease_premium.range", "range = [10, 0.5]", "exceeds"),
    ("calibration-range-beyond-engine", "calibration.toml", "range = [0.01, 100]\n",
     "range = [0.01, 1e9]\n", "params.", "range = [0.01, 1e9]", "PARAM_BOUNDS"),
]  # fmt: skip


# Prices in content are bounded like an order's price (game/engine/orders.py MAX_PRICE).
CASES += [
    ("lab-price-huge", "scenarios/artifacts.toml", "prices = [8.0, 0.6]",
     "prices = [1e308, 0.6]", "player.prices[0]", "prices = [1e308", "less than or equal to 1000"),
    ("segment-price-nan", "segments.toml", "p_ref = 10.0", "p_ref = nan",
     "segments[0].p_ref", "p_ref = nan", "finite"),
]  # fmt: skip


# Finite is not enough where a number meets exp(): utilities, growth rates and event
# multipliers have upper bounds too (game/content/schema.py, docs/content-format.md).
CASES += [
    ("segment-beta-quality-huge", "segments.toml", "beta_quality = 6.4", "beta_quality = 1e300",
     "segments[0].beta_quality", "beta_quality = 1e300", "less than or equal to 20"),
    ("segment-market-growth-huge", "segments.toml", "market_growth = 0.4",
     "market_growth = 400.0", "segments[0].market_growth", "market_growth = 400", "less than or equal to 2"),
    ("segment-asc-negative-huge", "segments.toml", "asc = 0.5", "asc = -1e9",
     "segments[0].asc", "asc = -1e9", "greater than or equal to -20"),
    ("event-mult-huge", "events.toml", "sentiment_mult = 0.45", "sentiment_mult = 1e9",
     "events[3].effects", "sentiment_mult = 1e9", "a multiplier in [0, 10]"),
    ("scenario-segment-lock-in-huge", "scenarios/steel.toml", "lock_in = 4.5",
     "lock_in = 1e6", "segments.government.lock_in", "lock_in = 1e6", "less than or equal to 20"),
]  # fmt: skip


# Defect 12: "Lesson checkpoints past the scenario's end are accepted" (they are not).
CASES += [
    ("lesson-checkpoint-past-end", "lessons/differentiation.toml", "quarter = 40\n",
     "quarter = 41\n", "checkpoints[3].quarter", "quarter = 41", "after the scenario's last (40)"),
    ("lesson-scenario-shortened", "scenarios/artifacts.toml", "quarters = 40", "quarters = 30",
     "checkpoints[3].quarter", "quarter = 40", "after the scenario's last (30)"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_non_finite_or_out_of_range_content_is_refused_once(tmp_path, capsys, case):
    _, file, old, new, field, needle, phrase = case
    root = broken(tmp_path, file, old, new)
    if file == "scenarios/artifacts.toml" and field.startswith("checkpoints"):
        file = "lessons/differentiation.toml"  # the lesson is wrong about its scenario
    before = tree(root)
    code, out, err = cli(capsys, "content", "check", "--content", str(root))
    assert code == 2, (out, err)
    assert "Traceback" not in err
    lines = [x for x in err.splitlines() if ": " in x and not x.startswith("frontier:")]
    line = line_of(root, file, needle)
    hits = [x for x in lines if f"{file}:{line}: {field}" in x]
    assert len(hits) == 1, err  # reported once, at the file that holds the value
    assert phrase in hits[0], hits[0]
    assert len(lines) == 1, err  # and nowhere else (e.g. not once per scenario)
    assert tree(root) == before


def test_every_number_has_a_range_inside_the_engines_bounds():
    cal = tomllib.loads((CONTENT / "calibration.toml").read_text())["params"]
    c = load_content(CONTENT)
    ranges = param_ranges(c.params)
    for f in dataclasses.fields(Params):
        if isinstance(getattr(Params(), f.name), str):
            assert "range" not in cal[f.name], f.name
            continue
        lo, hi = ranges[f.name]
        assert lo <= cal[f.name]["value"] <= hi, f.name
        if f.name in PARAM_BOUNDS:
            blo, bhi = PARAM_BOUNDS[f.name]
            assert blo <= lo <= hi <= bhi, f.name


def test_every_shipped_override_lies_in_its_range():
    c = load_content(CONTENT)
    for sid, m in c.scenarios.items():
        for k, v in m.params.items():
            assert param_problem(k, v, param_ranges(c.params)) is None, (sid, k, v)


@pytest.mark.parametrize(
    ("name", "value", "phrase"),
    [
        ("lease_premium", 0, "[0.5, 10]"),
        ("valuation_multiple", 1e308, "[0.1, 1000]"),
        ("alpha", float("nan"), "finite"),
        ("alpha", float("-inf"), "finite"),
        ("alpha", 10**400, "digits"),
        ("open_weight_lag_quarters", 50, "[0, 19]"),
        ("nationalization_at", -3.0, "[-2, 15]"),
    ],
)
def test_param_problem_names_the_range_and_the_fix(name, value, phrase):
    problem = param_problem(name, value)
    assert problem and phrase in problem, problem
    assert len(problem) < 300


def test_a_negative_in_range_parameter_is_allowed():
    assert param_problem("nationalization_at", -1.0) is None


def test_a_scenario_file_with_non_finite_segment_raises_content_error(tmp_path):
    c = load_content(CONTENT)
    text = (CONTENT / "scenarios" / "artifacts.toml").read_text()
    path = tmp_path / "mine.toml"
    path.write_text(text.replace('id = "artifacts"', 'id = "mine"').replace(
        "lock_in = 2.6", "potential0 = -5.0"))  # fmt: skip
    with pytest.raises(ContentError) as e:
        c.scenario(path)
    assert any(
        "segments.coding.potential0" in x and "greater than or equal to 0" in x
        for x in e.value.errors
    )
