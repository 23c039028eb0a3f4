"""Content loading: the shipped folder, every broken fixture, the CLI (issue: content).

Broken fixtures are made from the real content folder with one edit each, so they stay
in step with the format. Each must fail with its exact `file:line: field: message`
and exit code 2, and never a traceback.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from game.content import ContentError, default_content_dir, load_content
from game.content.lines import dotted, find_line, line_map
from game.engine import World, compile_tables, default_scenario

CONTENT = default_content_dir()


def frontier(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "game.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


@pytest.fixture(scope="module")
def content():
    return load_content(CONTENT)


def test_shipped_content_validates(content):
    assert len(content.scenarios) >= 10
    assert len(content.lessons) >= 5
    assert len(content.terms) >= 22
    done = frontier("content", "check")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok: 10 scenarios, 5 lessons")


def test_every_number_has_a_source(content):
    from dataclasses import fields

    from game.engine.scenario import Params

    assert set(content.params) == {f.name for f in fields(Params)}
    assert all(e.source.strip() for e in content.params.values())


def test_default_toml_is_the_built_in_default(content):
    a, b = content.scenario("default"), default_scenario()
    for attr in ("params", "segments", "products", "archetypes", "labs", "events", "quarters"):
        assert getattr(a, attr) == getattr(b, attr), attr


def test_every_scenario_builds_and_plays(content):
    for sid in content.scenarios:
        sc = content.scenario(sid)
        compile_tables(sc)
        w = World(sc, seed=3)
        for _ in range(2):
            w.step()
        assert w.quarter == 2


def test_lessons_name_real_scenarios_and_terms(content):
    topics = {
        "scaling-law",
        "solar-vs-steel",
        "inference-economics",
        "differentiation",
        "value-chain",
    }
    assert topics <= set(content.lessons)
    for lesson in content.lessons.values():
        assert lesson.scenario in content.scenarios
        assert lesson.minutes == 45
        assert all(t in content.terms for t in lesson.glossary)


GLOSSARY = [
    "scaling-law",
    "compute-optimal",
    "parameters",
    "tokens",
    "flops",
    "inference",
    "utilization",
    "open-weights",
    "distillation",
    "reliability",
    "commoditization",
    "learning-curve",
    "oligopoly",
    "hhi",
    "cr4",
    "lerner-index",
    "logit-demand",
    "switching-costs",
    "value-chain",
    "consumer-surplus",
    "bass-diffusion",
    "hype-cycle",
]


def test_glossary_covers_the_required_terms(content):
    missing = [t for t in GLOSSARY if t not in content.terms]
    assert not missing
    for t in content.terms.values():
        assert len(t.text) > 80 and t.source


# --- broken fixtures ---------------------------------------------------------------


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
    (
        "unknown-key",
        "scenarios/solar.toml",
        'title = "',
        'colour = "red"\ntitle = "',
        "colour",
        'colour = "red"',
        "unknown key",
    ),
    (
        "wrong-type",
        "scenarios/steel.toml",
        "quarters = 40",
        'quarters = "forty"',
        "quarters",
        "quarters =",
        "expected an integer",
    ),
    (
        "out-of-range",
        "scenarios/swarm.toml",
        "quarters = 40",
        "quarters = 400",
        "quarters",
        "quarters =",
        "less than or equal to 80",
    ),
    (
        "dangling-archetype",
        "scenarios/solar.toml",
        'archetype = "incumbent"',
        'archetype = "bel-labs"',
        "rivals[1].archetype",
        'archetype = "bel-labs"',
        "unknown archetype 'bel-labs'; known: follower, frontier, incumbent, open, state",
    ),
    (
        "dangling-event",
        "scenarios/default.toml",
        'lessons = ["scaling-law", "value-chain"]',
        'lessons = ["scaling-law", "value-chain"]\nevents = ["data_wall", "alien_invasion"]',
        "events[1]",
        "alien_invasion",
        "unknown event 'alien_invasion'",
    ),
    (
        "dangling-lesson",
        "scenarios/steel.toml",
        'lessons = ["solar-vs-steel"]',
        'lessons = ["solar-vs-steeel"]',
        "lessons[0]",
        "solar-vs-steeel",
        "unknown lesson",
    ),
    (
        "dangling-scenario",
        "lessons/value-chain.toml",
        'scenario = "default"',
        'scenario = "defualt"',
        "scenario",
        'scenario = "defualt"',
        "unknown scenario 'defualt'",
    ),
    (
        "dangling-term",
        "lessons/differentiation.toml",
        '"specialization", "switching-costs"',
        '"specialisation", "switching-costs"',
        "glossary[0]",
        "specialisation",
        "unknown glossary term 'specialisation'",
    ),
    (
        "unknown-param",
        "scenarios/solar.toml",
        "open_weight_lag_quarters = 1",
        "open_weight_lag = 1",
        "params.open_weight_lag",
        "open_weight_lag = 1",
        "unknown parameter (did you mean open_weight_lag_end, open_weight_lag_quarters",
    ),
    (
        "duplicate-id",
        "products.toml",
        'id = "chat"',
        'id = "api"',
        "products[1].id",
        'id = "api"\nname = "Chat',
        "duplicate id 'api' (first at line",
    ),
    (
        "future-version",
        "scenarios/biology.toml",
        "format_version = 1",
        "format_version = 9",
        "format_version",
        "format_version = 9",
        "newer than this Frontier reads",
    ),
    (
        "stem-not-id",
        "scenarios/national.toml",
        'id = "national"',
        'id = "nation"',
        "id",
        'id = "nation"',
        "must match the file name 'national'",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_broken_fixture_reports_file_line_field(tmp_path, case):
    _, file, old, new, field, needle, phrase = case
    root = broken(tmp_path, file, old, new)
    if "\n" in needle:  # a line that comes after an anchor line
        first, second = needle.split("\n")
        lines = (root / file).read_text().splitlines()
        start = next(i for i, s in enumerate(lines) if first in s and second in lines[i + 1])
        want_line = start + 1
    else:
        want_line = line_of(root, file, needle)
    with pytest.raises(ContentError) as exc:
        load_content(root)
    shown = f"{file}:{want_line}: {field}: "
    hits = [e for e in exc.value.errors if shown in e]
    assert hits, (shown, exc.value.errors)
    assert phrase in hits[0], hits[0]
    done = frontier("content", "check", str(root))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert shown in done.stderr


def test_malformed_toml(tmp_path):
    root = broken(tmp_path, "scenarios/solar.toml", 'title = "Sunshine', "title = Sunshine")
    with pytest.raises(ContentError) as exc:
        load_content(root)
    line = line_of(root, "scenarios/solar.toml", "title = Sunshine")
    assert any(
        f"scenarios/solar.toml:{line}: (toml): malformed TOML" in e for e in exc.value.errors
    )
    done = frontier("content", "check", str(root))
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_every_error_in_one_pass(tmp_path):
    root = broken(tmp_path, "scenarios/solar.toml", "quarters = 40", "quarters = 1")
    steel = root / "scenarios" / "steel.toml"
    steel.write_text(steel.read_text().replace('archetype = "open"', 'archetype = "closed"', 1))
    cal = root / "calibration.toml"
    cal.write_text(cal.read_text().replace("value = 0.65", 'value = "high"', 1))
    with pytest.raises(ContentError) as exc:
        load_content(root)
    text = "\n".join(exc.value.errors)
    assert "solar.toml" in text and "steel.toml" in text and "calibration.toml" in text
    done = frontier("content", "check", str(root))
    assert done.returncode == 2
    assert "3 content errors; nothing was loaded" in done.stderr


def test_a_scenario_outside_the_folder(tmp_path):
    mine = tmp_path / "my-world.toml"
    mine.write_text(
        (CONTENT / "scenarios" / "solar.toml")
        .read_text()
        .replace('id = "solar"', 'id = "my-world"')
    )
    done = frontier("content", "check", str(mine))
    assert done.returncode == 0, done.stderr
    assert "my-world" in done.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text(mine.read_text().replace('archetype = "open"', 'archetype = "bel-labs"', 1))
    done = frontier("content", "check", str(bad))
    assert done.returncode == 2
    assert "bad.toml:" in done.stderr and "unknown archetype 'bel-labs'" in done.stderr


def test_listing_commands():
    done = frontier("scenarios")
    assert done.returncode == 0
    for sid in ("default", "solar", "steel", "scaling-wall", "bell-labs", "biology"):
        assert sid in done.stdout
    done = frontier("lessons")
    assert done.returncode == 0 and "solar-vs-steel" in done.stdout
    done = frontier("lesson", "solar-vs-steel")
    assert done.returncode == 0
    assert done.stdout.startswith("# Solar or steel?")
    assert "## Checkpoints" in done.stdout and "Herfindahl" in done.stdout
    assert "Instructor notes" not in done.stdout
    assert "Instructor notes" in frontier("lesson", "solar-vs-steel", "--instructor").stdout
    done = frontier("lesson", "no-such-lesson")
    assert done.returncode == 2 and "known:" in done.stderr and "Traceback" not in done.stderr


def test_line_map_finds_nested_keys():
    text = (
        'format_version = 1\n[params]\nalpha = 2\n\n[[rivals]]\nname = "a"\n'
        'mix = { coding = 1, writing = 2 }\n\n[[rivals]]\nname = "b"\n'
        'products = [\n  "api",\n]\narchetype = "open"\n[segments.coding]\nlock_in = 1\n'
    )
    m = line_map(text)
    assert find_line(m, ("params", "alpha")) == 3
    assert find_line(m, ("rivals", 0, "mix", "writing")) == 7
    assert find_line(m, ("rivals", 1, "archetype")) == 14
    assert find_line(m, ("segments", "coding", "lock_in")) == 16
    assert find_line(m, ("rivals", 1, "nope")) == 9
    assert dotted(("rivals", 1, "archetype")) == "rivals[1].archetype"


# --- the fixture folder tests/content/bad/ -------------------------------------------

BAD = Path(__file__).parent / "bad"


def _expected():
    import tomllib

    return tomllib.loads((BAD / "expected.toml").read_text())


@pytest.mark.parametrize("name", sorted(_expected()))
def test_bad_fixture_through_the_cli(name):
    want = _expected()[name]
    path = BAD / f"{name}.toml"
    done = frontier("content", "check", str(path), cwd=BAD.parents[2])
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    prefix = f"tests/content/bad/{name}.toml:{want['line']}: {want['field']}: "
    lines = [x for x in done.stderr.splitlines() if x.startswith(prefix)]
    assert lines, done.stderr
    assert want["message"] in lines[0]
    # Nothing else is wrong with the fixture: exactly one error.
    assert "1 content error; nothing was loaded" in done.stderr


def test_every_bad_fixture_has_an_expectation():
    assert {p.stem for p in BAD.glob("*.toml")} - {"expected"} == set(_expected())


def test_lesson_checkpoints_count_quarters_as_the_game_does():
    from game.cli import lesson_markdown

    c = load_content(default_content_dir())
    for lid, lesson in c.lessons.items():
        quarters = c.scenarios[lesson.scenario].quarters
        assert all(1 <= cp.quarter <= quarters for cp in lesson.checkpoints), lid
        text = lesson_markdown(c, lid)
        first = lesson.checkpoints[0]
        year = c.scenarios[lesson.scenario].start_year + (first.quarter - 1) // 4
        assert f"**Quarter {first.quarter}** ({year} Q{(first.quarter - 1) % 4 + 1})" in text


def test_the_tokens_per_parameter_claim_holds_for_the_games_law():
    from game.engine import scaling

    c = load_content(default_content_dir())
    objective = " ".join(c.lessons["scaling-law"].objectives)
    assert "15 to 20 tokens per parameter" in objective
    for flops in (1e24, 1e25, 1e26, 1e27):
        n, d = scaling.compute_optimal(flops)
        assert 15 <= d / n <= 20, flops
