"""Issue 13, fuzzing: generated scripts, share codes, `--set` values and content edits,
numbers included (nan, inf, huge, negative, wrong types).

Every input is either accepted, and then every number the game will use is finite, or
refused with the project's own error (ScriptError and its kinds, SetError, ContentError)
carrying a message; nothing else escapes, and a refusal writes nothing. `make test`
runs about 2,000 generated cases; `make fuzz` (FRONTIER_FUZZ=1) runs ten times more.
"""

from __future__ import annotations

import math
import os
import shutil
import tomllib
from pathlib import Path

import tomli_w
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from game.content import ContentError, default_content_dir, load_content
from game.engine import SEGMENTS, TIERS
from game.engine.scenario import RESEARCH
from game.play.script import ScriptError, script_from_data
from game.play.share import CodeError, parse_code
from game.play.sweep import SetError, parse_sets

SCALE = 10 if os.environ.get("FRONTIER_FUZZ") else 1
FAST = settings(
    deadline=None,
    derandomize=True,  # the same cases every run: a red CI is reproducible
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

#: Numbers as a careless or hostile hand writes them.
NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1e-300, 1e308, -1e308, 2.5, 1e6, 1e7 + 1, 1000.0, 1000.5]),
    st.integers(min_value=-(10**400), max_value=10**400),
)
#: Sane values (most of the time, so that accepted scripts are tried too).
SANE = st.floats(min_value=0.0, max_value=50.0, allow_nan=False)
JUNK = st.one_of(
    NUMBERS,
    st.booleans(),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=3),
    st.none(),
)


def _toml_safe(x):
    """What TOML can carry (a script file can hold no None and no int past 64 bits)."""
    if x is None:
        return "none"
    if isinstance(x, int) and not isinstance(x, bool) and abs(x) >= 2**63:
        return float("inf") if x > 0 else float("-inf")
    if isinstance(x, dict):
        return {k: _toml_safe(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_toml_safe(v) for v in x]
    return x


def _all_finite(obj) -> bool:
    if isinstance(obj, float):
        return math.isfinite(obj)
    if isinstance(obj, dict):
        return all(_all_finite(v) for v in obj.values())
    if isinstance(obj, list | tuple):
        return all(_all_finite(v) for v in obj)
    return True


quarter = st.fixed_dictionaries(
    {"quarter": st.one_of(st.integers(min_value=1, max_value=40), st.integers(-2, 45), JUNK)},
    optional={
        "lease": st.one_of(SANE, SANE, SANE, JUNK),
        "buy": st.one_of(SANE, SANE, SANE, JUNK),
        "train_share": st.one_of(SANE, SANE, SANE, JUNK),
        "raise_funds": st.one_of(SANE, SANE, SANE, JUNK),
        "borrow": st.one_of(SANE, SANE, SANE, JUNK),
        "repay": st.one_of(SANE, SANE, SANE, JUNK),
        "prices": st.dictionaries(
            st.sampled_from([*TIERS, *TIERS, "huge"]), st.one_of(SANE, SANE, JUNK), max_size=3
        ),
        "research": st.dictionaries(
            st.sampled_from([*RESEARCH, "magic"]), st.one_of(SANE, SANE, JUNK), max_size=3
        ),
        "train": st.fixed_dictionaries(
            {
                "params": st.one_of(st.sampled_from([3e11, 1e12, 2e12]), NUMBERS),
                "tokens": st.one_of(st.sampled_from([6e12, 2e13, 4e13]), NUMBERS),
            },
            optional={
                "quarters": JUNK,
                "mix": st.dictionaries(st.sampled_from(SEGMENTS), NUMBERS, max_size=3),
            },
        ),
        "distill": JUNK,
        "build": st.one_of(st.lists(st.sampled_from(["chat", "swarm", "x"]), max_size=3), JUNK),
    },
)
scripts = st.fixed_dictionaries(
    {
        "format_version": st.sampled_from([2, 2, 2, 2, 1, 3, 0]),
        "scenario": st.sampled_from(["default", "steel", "solar", "default", "nope", "../x.toml"]),
        "seed": st.one_of(st.integers(0, 1000), st.integers(min_value=-5, max_value=2**64), JUNK),
    },
    optional={
        "policy": st.sampled_from(["hold", "balanced", "greedy"]),
        "player": st.fixed_dictionaries(
            {},
            optional={
                "name": st.text(max_size=50),
                "specialization": st.dictionaries(
                    st.sampled_from([*SEGMENTS, "mars"]), NUMBERS, max_size=4
                ),
            },
        ),
        "quarters": st.lists(quarter, max_size=4),
    },
)


@settings(FAST, max_examples=900 * SCALE)
@given(data=scripts)
def test_generated_scripts_are_played_or_refused_with_a_message(content, data):
    data = _toml_safe(data)
    tomllib.loads(tomli_w.dumps(data))  # a file could hold exactly this
    try:
        pt = script_from_data(data, content, shown="fuzz.toml")
    except ScriptError as e:
        event("refused")
        assert e.errors and all(isinstance(m, str) and m.strip() for m in e.errors)
        assert all(m.startswith("fuzz.toml") for m in e.errors), e.errors
        return
    event("accepted")
    for o in pt.orders.values():
        assert _all_finite(o.__dict__)
        if o.train is not None:
            assert _all_finite(o.train.__dict__)
    assert _all_finite(pt.model.player.specialization)
    assert sum(pt.model.player.specialization.values()) < float("inf")


set_values = st.one_of(
    NUMBERS.map(lambda x: repr(x) if isinstance(x, float) else str(x)),
    st.sampled_from(["nan", "inf", "-inf", "1e400", "[1]", "{a=1}", "1979-05-27", '"x"', "0"]),
    st.text(max_size=10),
)
PARAMS = list(tomllib.loads((default_content_dir() / "calibration.toml").read_text())["params"])


@settings(FAST, max_examples=700 * SCALE)
@given(key=st.one_of(st.sampled_from(PARAMS), st.text(max_size=8)), raw=set_values)
def test_generated_set_values_are_typed_or_refused(key, raw):
    from game.content.loader import param_problem

    try:
        out = parse_sets([f"{key}={raw}"])
    except SetError as e:
        assert str(e).startswith("--set ")
        return
    ((k, v),) = out.items()
    assert param_problem(k, v) is None
    assert not isinstance(v, float) or math.isfinite(v)


VALID = "FR1.default.7.balanced.-"


@settings(FAST, max_examples=400 * SCALE)
@given(
    cut=st.integers(min_value=0, max_value=40),
    insert=st.text(max_size=6),
    swap=st.sampled_from(["", "inf", "nan", "1e400", "-1", "../x", "steel", "9" * 30]),
)
def test_generated_share_codes_are_read_or_refused(content, cut, insert, swap):
    base = VALID.replace("7", swap, 1) if swap else VALID
    code = base[:cut] + insert + base[cut:]
    try:
        data = parse_code(code, content)
    except CodeError as e:
        assert e.errors and e.errors[0].strip()
        return
    try:
        script_from_data(data, content, shown="--code")
    except ScriptError as e:
        assert e.errors
        return
    assert isinstance(data["seed"], int) and data["seed"] >= 0


CAL_KEYS = PARAMS[:]


@settings(FAST, max_examples=60 * SCALE)
@given(key=st.sampled_from(CAL_KEYS), value=JUNK)
def test_generated_content_edits_load_or_are_refused(tmp_path_factory, key, value):
    root = tmp_path_factory.mktemp("content")
    shutil.rmtree(root)
    shutil.copytree(default_content_dir(), root)
    f = root / "calibration.toml"
    data = tomllib.loads(f.read_text())
    data["params"][key]["value"] = _toml_safe(value)
    f.write_text(tomli_w.dumps(data))
    before = {p: p.read_bytes() for p in Path(root).rglob("*.toml")}
    try:
        c = load_content(root)
    except ContentError as e:
        assert e.errors and all(str(root) in m or "calibration" in m for m in e.errors)
        assert {p: p.read_bytes() for p in Path(root).rglob("*.toml")} == before
        return
    v = c.params[key].value
    assert not isinstance(v, float) or math.isfinite(v)


@settings(FAST, max_examples=30 * SCALE)
@given(data=scripts)
def test_generated_scripts_through_frontier_run_exit_0_or_2(tmp_path_factory, capsys, data):
    """The command itself: exit 0 with finite outputs, or exit 2 with a message, no
    traceback, and nothing written on a refusal."""
    import json

    from game.cli import main

    d = tmp_path_factory.mktemp("run")
    script = d / "fuzz.toml"
    script.write_text(tomli_w.dumps(_toml_safe(data)))
    code = main(["run", str(script), "--out", str(d / "out")])
    _, err = capsys.readouterr()
    assert "Traceback" not in err and "unexpected error" not in err, err
    assert code in (0, 2), (code, err)
    event(f"exit {code}")
    if code == 2:
        assert err.strip() and not (d / "out").exists()
        return
    summary = json.loads((d / "out" / "summary.json").read_text())
    assert _all_finite(summary)
    for line in (d / "out" / "quarters.csv").read_text().splitlines()[1:]:
        assert "nan" not in line.lower() and "inf" not in line.lower()
