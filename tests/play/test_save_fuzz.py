"""Fuzz: generated TOML documents and byte strings given to the save loader.

Only SaveError (a clear, located message) may come back, never another exception.
2,200 examples in all, in every CI run.
"""

from __future__ import annotations

import os

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.content import default_content_dir, load_content
from game.play.saves import SaveError, load_save, read_save

CONTENT = load_content(default_content_dir())
#: `make fuzz` (FRONTIER_FUZZ=1) runs ten times the cases.
SCALE = 10 if os.environ.get("FRONTIER_FUZZ") else 1
FUZZ = settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)

scalars = st.one_of(
    st.integers(min_value=-(2**64), max_value=2**64),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(["default", "solar", "hold", "niche", "0.1.0", "abcdef0123456789abcdef01"]),
)
keys = st.sampled_from(
    [
        "format_version",
        "scenario",
        "seed",
        "policy",
        "player",
        "quarters",
        "save",
        "name",
        "quarter",
        "prices",
        "frontier",
        "lease",
        "train",
        "params",
        "tokens",
        "digests",
        "lab",
        "created",
        "updated",
        "game_version",
        "content_digest",
        "build",
        "junk",
    ]
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)),
    max_leaves=12,
)
# Documents near the real shape, so that many get past the first checks.
documents = st.fixed_dictionaries(
    {
        "format_version": st.sampled_from([1, 2, 3, 0, -1, "2"]),
        "scenario": st.sampled_from(["default", "solar", "nope", 5]),
        "seed": st.one_of(st.integers(-5, 2**63), st.text(max_size=3)),
    },
    optional={
        "policy": st.sampled_from(["hold", "balanced", "greedy", 1]),
        "quarters": st.lists(st.dictionaries(keys, values, max_size=4), max_size=3),
        "save": st.dictionaries(keys, values, max_size=7),
        "player": st.dictionaries(keys, values, max_size=3),
        "junk": values,
    },
)


def _load(raw: bytes, factory) -> None:
    try:
        pt = read_save(raw, "fuzz.toml", CONTENT)
    except SaveError as e:
        assert e.errors and all(line.startswith("fuzz.toml") for line in e.errors), e.errors
        return
    # It validated: the full loader (replay and digests) must also end cleanly.
    path = factory.mktemp("f") / "fuzz.toml"
    path.write_bytes(raw)
    try:
        load_save(path, CONTENT, to_quarter=2)
    except SaveError as e:
        assert e.errors
    del pt


@settings(FUZZ, max_examples=1200 * SCALE)
@given(doc=documents)
def test_generated_documents_give_only_clear_errors(doc, tmp_path_factory):
    try:
        raw = tomli_w.dumps(doc).encode()
    except (TypeError, ValueError):  # not representable in TOML (e.g. mixed arrays in old tomli-w)
        return
    _load(raw, tmp_path_factory)


@settings(FUZZ, max_examples=1000 * SCALE)
@given(raw=st.one_of(st.binary(max_size=400), st.text(max_size=300).map(str.encode)))
def test_byte_strings_give_only_clear_errors(raw, tmp_path_factory):
    _load(raw, tmp_path_factory)
