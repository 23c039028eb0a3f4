"""The playthrough format: what loads, and every kind of bad script refused with its line."""

from __future__ import annotations

import pytest
from playkit import MINIMAL, ORDERED, cli, tree, write

from game.engine import Orders, TrainOrder
from game.play.script import ScriptError, load_script


def test_minimal_script_is_complete(tmp_path, content):
    pt = load_script(write(tmp_path / "m.toml", MINIMAL), content)
    assert pt.seed == 7 and pt.bot.name == "balanced" and pt.orders == {}
    assert pt.scenario.id == "default" and pt.scenario.quarters == 40
    # The bot's style replaced the seat's archetype, keeping the lab's character.
    arch = pt.scenario.archetype(pt.scenario.labs[0].archetype)
    base = content.archetypes["frontier"]
    assert arch.id.endswith("+balanced") and arch.subsidy == base.subsidy


def test_policy_defaults_to_hold(tmp_path, content):
    text = 'format_version = 1\nscenario = "solar"\nseed = 1\n'
    pt = load_script(write(tmp_path / "h.toml", text), content)
    assert pt.bot.name == "hold" and pt.scenario.id == "solar"


def test_orders_and_player_options(tmp_path, content):
    pt = load_script(write(tmp_path / "o.toml", ORDERED), content)
    assert sorted(pt.orders) == [0, 1, 4]  # 0-based quarters
    o = pt.orders[0]
    assert o.prices == {"frontier": 7.0, "small": 0.5}
    assert o.train == TrainOrder(params=1e12, tokens=2e13, mix={"coding": 1.0}, quarters=3)
    assert pt.orders[1] == Orders(build=("workspace",), raise_funds=3.0)
    assert pt.orders[4].lease == 40.0
    lab = pt.scenario.labs[0]
    assert lab.name == "Ada Labs" and lab.mix == {"coding": 3.0, "enterprise": 1.0}


def test_scenario_path_relative_to_script(tmp_path, content):
    scen = (content.root / "scenarios" / "steel.toml").read_text()
    write(tmp_path / "scen" / "mine.toml", scen.replace('id = "steel"', 'id = "mine"'))
    text = 'format_version = 1\nscenario = "scen/mine.toml"\nseed = 2\n'
    pt = load_script(write(tmp_path / "s.toml", text), content)
    assert pt.scenario.id == "mine"


BAD = {
    "malformed": (
        'format_version = 1\nscenario = "default\nseed = 1\n',
        2,
        "(toml): malformed TOML",
    ),
    "wrong type seed": ('format_version = 1\nscenario = "default"\nseed = "seven"\n', 3, "seed:"),
    "bool as number": (
        MINIMAL + "[[quarters]]\nquarter = 1\nraise_funds = true\n",
        7,
        "quarters[0].raise_funds: expected a number",
    ),
    "missing scenario": (
        "format_version = 1\nseed = 1\n",
        1,
        "scenario: required field is missing",
    ),
    "unknown key": (MINIMAL + "speed = 3\n", 5, "speed: unknown key"),
    "unknown order": (
        MINIMAL + "[[quarters]]\nquarter = 2\nleese = 4\n",
        7,
        "quarters[0].leese: unknown key",
    ),
    "unknown scenario": (
        'format_version = 1\nscenario = "defualt"\nseed = 1\n',
        2,
        "scenario: unknown scenario 'defualt' (did you mean default?)",
    ),
    "missing scenario file": (
        'format_version = 1\nscenario = "nope/x.toml"\nseed = 1\n',
        2,
        "scenario: no scenario file",
    ),
    "unknown policy": (
        'format_version = 1\nscenario = "default"\nseed = 1\npolicy = "greedy"\n',
        4,
        "policy: unknown policy 'greedy'",
    ),
    "quarter out of range": (
        MINIMAL + "[[quarters]]\nquarter = 41\nprices = { frontier = 5.0 }\n",
        6,
        "quarters[0].quarter: quarter 41 is out of range: the scenario has 40 quarters",
    ),
    "quarter zero": (MINIMAL + "[[quarters]]\nquarter = 0\n", 6, "quarters[0].quarter:"),
    "duplicate quarter": (
        MINIMAL + "[[quarters]]\nquarter = 3\n[[quarters]]\nquarter = 3\n",
        8,
        "quarters[1].quarter: quarter 3 already has orders",
    ),
    "unknown product": (
        MINIMAL + '[[quarters]]\nquarter = 1\nbuild = ["chatbot"]\n',
        7,
        "quarters[0].build[0]: unknown product 'chatbot'",
    ),
    "unknown tier": (
        MINIMAL + "[[quarters]]\nquarter = 1\nprices = { huge = 3.0 }\n",
        7,
        "quarters[0].prices.huge: unknown model tier",
    ),
    "negative price": (
        MINIMAL + "[[quarters]]\nquarter = 1\nprices = { frontier = -3.0 }\n",
        7,
        "quarters[0].prices.frontier",
    ),
    "unknown research": (
        MINIMAL + "[[quarters]]\nquarter = 1\nresearch = { magic = 1.0 }\n",
        7,
        "quarters[0].research.magic: unknown research track",
    ),
    "unknown segment": (
        MINIMAL + "[player]\nspecialization = { poetry = 1 }\n",
        6,
        "player.specialization.poetry: unknown segment",
    ),
    "future version": (
        'format_version = 9\nscenario = "default"\nseed = 1\n',
        1,
        "format_version: version 9 is newer",
    ),
    "huge seed": (
        'format_version = 1\nscenario = "default"\nseed = 9223372036854775807\n',
        3,
        "seed:",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_script_is_refused_with_its_line(case, tmp_path, capsys, content):
    text, line, needle = BAD[case]
    path = write(tmp_path / "bad.toml", text)
    with pytest.raises(ScriptError) as err:
        load_script(path, content)
    assert any(f"bad.toml:{line}: " in e and needle in e for e in err.value.errors), (
        err.value.errors
    )
    # Through the CLI: every line, exit code 2, no traceback and nothing written.
    out = tmp_path / "out"
    code, _stdout, stderr = cli(capsys, "run", str(path), "--out", str(out))
    assert code == 2
    assert needle in stderr and "script error" in stderr and "Traceback" not in stderr
    assert tree(tmp_path) == {"bad.toml": text.encode()}


def test_every_problem_in_one_pass(tmp_path, content):
    text = (
        'format_version = 1\nscenario = "default"\nseed = 1\npolicy = "nope"\n'
        "[[quarters]]\nquarter = 99\nprices = { mega = 2.0 }\n"
    )
    with pytest.raises(ScriptError) as err:
        load_script(write(tmp_path / "many.toml", text), content)
    found = "\n".join(err.value.errors)
    assert "policy: unknown policy" in found
    assert "quarters[0].quarter: quarter 99" in found
    assert "quarters[0].prices.mega" in found


def test_spending_cash_the_lab_lacks_names_quarter_and_order(tmp_path, capsys):
    text = MINIMAL + "\n[[quarters]]\nquarter = 3\nresearch = { efficiency = 5000.0 }\n"
    path = write(tmp_path / "broke.toml", text)
    code, _, err = cli(capsys, "run", str(path), "--out", str(tmp_path / "out"))
    assert code == 2
    assert "broke.toml:6: quarters[0] (quarter 3): orders spend $" in err
    assert "research $5,000.00B" in err or "research $5000.00B" in err
    assert not (tmp_path / "out").exists()


def test_a_run_already_under_way_names_the_train_line(tmp_path, capsys):
    text = (
        MINIMAL
        + "[[quarters]]\nquarter = 1\ntrain = { params = 1e12, tokens = 2e13, quarters = 4 }\n"
        + "[[quarters]]\nquarter = 2\ntrain = { params = 1e12, tokens = 2e13 }\n"
    )
    code, _, err = cli(
        capsys, "run", str(write(tmp_path / "twice.toml", text)), "--out", str(tmp_path / "o")
    )
    assert code == 2
    assert (
        "twice.toml:10: quarters[1].train (quarter 2): a training run is already under way" in err
    )
