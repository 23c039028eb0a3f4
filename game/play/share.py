"""Share codes: a short, typeable code for one world (scenario, seed and options).

    FR1.default.7.balanced.-.910f
    FR1.solar.12.niche.3_0_0_1_0_0.1e5c

Fields: format tag, scenario id, seed, policy, the player's specialization (weights
in segment order, '-' for the scenario's own) and a 4-hex checksum that catches a
mistyped code. A whole class can play one seed challenge from the same code.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from game.engine.scenario import SEGMENTS

from .script import SCRIPT_VERSION, Playthrough, ScriptError

TAG = "FR1"

#: A scenario id as a code may carry it: a built-in scenario's id, never a path.
SCENARIO_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


class CodeError(ScriptError):
    summary = "share code error"
    outcome = "nothing was run"


def _check(body: str) -> str:
    return hashlib.blake2b(body.encode(), digest_size=2).hexdigest()


def _num(v: float) -> str:
    return f"{v:g}"


def make_code(pt: Playthrough, content) -> str:
    """The share code of a playthrough's world (its orders are not part of it)."""
    m = pt.model
    if m.scenario not in content.scenarios or not SCENARIO_ID.fullmatch(m.scenario):
        raise CodeError(
            [
                f"{pt.shown}: scenario {m.scenario!r} is a file, not a scenario id; share codes "
                "name built-in scenarios only (copy the file to your class instead)"
            ]
        )
    spec = m.player.specialization
    spec_s = "_".join(_num(spec.get(s, 0.0)) for s in SEGMENTS) if spec else "-"
    body = ".".join((TAG, m.scenario, str(m.seed), m.policy, spec_s))
    return f"{body}.{_check(body)}"


def parse_code(code: str, content=None) -> dict[str, Any]:
    """The script data (a dict shaped like the TOML) of a share code, or CodeError.

    A code names a built-in scenario by its id, never a file: a scenario that is not
    an id (or, given `content`, not one of its scenarios) is refused.
    """
    hint = "copy the code again from `frontier share SAVE`"
    c = code.strip()
    parts = c.split(".")
    if len(parts) != 6 or parts[0] != TAG:
        raise CodeError(
            [
                f"share code {code!r}: not a Frontier share code (FR1.scenario.seed.policy.spec.check); {hint}"
            ]
        )
    body, check = ".".join(parts[:5]), parts[5]
    if _check(body) != check.lower():
        raise CodeError(
            [f"share code {code!r}: the checksum does not match, so it was mistyped; {hint}"]
        )
    _, scenario, seed_s, policy, spec_s = parts[:5]
    if not SCENARIO_ID.fullmatch(scenario) or (
        content is not None and scenario not in content.scenarios
    ):
        known = f"; known: {', '.join(sorted(content.scenarios))}" if content is not None else ""
        raise CodeError(
            [
                f"share code {code!r}: {scenario!r} is not a built-in scenario; share codes "
                f"name built-in scenarios only{known}"
            ]
        )
    try:
        seed = int(seed_s)
    except ValueError:
        raise CodeError(
            [f"share code {code!r}: the seed {seed_s!r} is not a number; {hint}"]
        ) from None
    data: dict[str, Any] = {
        "format_version": SCRIPT_VERSION,
        "scenario": scenario,
        "seed": seed,
        "policy": policy,
    }
    if spec_s != "-":
        vals = spec_s.split("_")
        try:
            weights = [float(v) for v in vals]
        except ValueError:
            weights = []
        if len(weights) != len(SEGMENTS):
            raise CodeError([f"share code {code!r}: the specialization part is damaged; {hint}"])
        data["player"] = {
            "specialization": {s: w for s, w in zip(SEGMENTS, weights, strict=True) if w}
        }
    return data


__all__ = ["CodeError", "make_code", "parse_code"]
