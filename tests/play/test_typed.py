"""game.play.typed: orders typed as words, read from the order specification."""

from __future__ import annotations

import copy

import pytest

from game.engine.orders import ORDER_FIELDS
from game.play import DraftError, GameSession, typed
from game.play.session import DRAFT_KEYS
from game.play.views import Refusal


@pytest.fixture
def session(content, tmp_path):
    return GameSession.new(content, scenario="default", seed=4, folder=tmp_path)


def test_every_spelling_comes_from_the_order_spec():
    for f in ORDER_FIELDS:
        for example in f.repl.split():
            word = example.partition("=")[0].partition(".")[0]
            assert typed.SPELLINGS[word] == typed.draft_head(f), example
    # Every word names a draft head, and every head can be typed.
    assert set(typed.SPELLINGS.values()) == set(DRAFT_KEYS)
    assert {typed.spelling(h) for h in DRAFT_KEYS} <= set(typed.SPELLINGS)


def test_every_example_of_the_spec_goes_into_the_draft(session):
    for f in ORDER_FIELDS:
        for example in f.repl.split():
            s = copy.copy(session)
            s.draft = {}
            typed.apply_token(s, example)
            assert typed.draft_head(f) in s.draft, example


@pytest.mark.parametrize(
    ("token", "parsed"),
    [
        ("lease=30", ("lease", 30.0)),
        ("LEASE=30", ("lease", 30.0)),
        ("buy=5", ("buy", 5.0)),
        ("price=6", ("prices.frontier", 6.0)),
        ("price.small=0.4", ("prices.small", 0.4)),
        ("prices.frontier=7", ("prices.frontier", 7.0)),
        ("research.efficiency=0.5", ("research.efficiency", 0.5)),
        ("mix.coding=2", ("mix.coding", 2.0)),
        ("train=1e12x2e13", ("train", {"params": 1e12, "tokens": 2e13})),
        ("train=1E12X2E13@3", ("train", {"params": 1e12, "tokens": 2e13, "quarters": 3})),
        ("train=1e12x2e13@3.0", ("train", {"params": 1e12, "tokens": 2e13, "quarters": 3})),
        ("train=none", ("train", None)),
        ("train.quarters=4", ("train.quarters", 4)),
        ("train.tokens=3e13", ("train.tokens", 3e13)),
        ("train_share=0.5", ("train_share", 0.5)),
        ("train_share=auto", ("train_share", None)),
        ("build=workspace", ("build", "workspace")),
        ("distill", ("distill", True)),
        ("distill=no", ("distill", False)),
        ("release", ("release_open", True)),
        ("release_open=yes", ("release_open", True)),
        ("raise=5", ("raise_funds", 5.0)),
        ("raise_funds=5", ("raise_funds", 5.0)),
        ("borrow=2", ("borrow", 2.0)),
        ("repay=1", ("repay", 1.0)),
    ],
)
def test_parse_token(token, parsed):
    assert typed.parse_token(token) == parsed


@pytest.mark.parametrize(
    ("token", "field", "words"),
    [
        ("train=1e12x2e13@inf", "train.quarters", "not a finite number"),
        ("train=1e12x2e13@2.5", "train.quarters", "not a whole number"),
        ("train=1e12", "train", "PARAMSxTOKENS"),
        ("train=1e12x2e13@", "train", "PARAMSxTOKENS"),
        ("train=abcx2e13", "train.params", "not a number"),
        ("price=nan", "prices.frontier", "not a finite number"),
        ("price=-inf", "prices.frontier", "not a finite number"),
        ("lease=lots", "lease", "not a number"),
        ("lease=", "lease", "give a value"),
        ("lease", "lease", "lease=VALUE"),
        ("lease.gpus=3", "lease.gpus", "takes no .KEY"),
        ("research=1", "research", "research.KEY=VALUE"),
        ("train.color=3", "train.color", "unknown part"),
        ("distill=maybe", "distill", "yes or no"),
        ("leese=3", "leese", "unknown order; known: lease"),
        ("=3", "order", "KEY=VALUE"),
    ],
)
def test_unreadable_tokens_say_why(token, field, words):
    with pytest.raises(DraftError) as e:
        typed.parse_token(token)
    assert e.value.field == field and words in e.value.reason


@pytest.mark.parametrize(
    ("token", "field", "words"),
    [
        ("price=0", "prices.frontier", "(0, 1000]"),
        ("price.large=3", "prices.large", "unknown key"),
        ("research.magic=1", "research.magic", "unknown key"),
        ("build=castle", "build", "unknown product 'castle'"),
        ("train=1e3x2e13", "train.params", "must be a number"),
        ("train=1e12x2e13@13", "train.quarters", "an integer 1..12"),
        ("train_share=2", "train_share", "in [0, 1]"),
        ("train.quarters=4", "train.quarters", "no run in the orders yet"),
    ],
)
def test_out_of_bounds_orders_leave_the_draft_as_it_was(session, token, field, words):
    typed.apply_token(session, "lease=10")
    before = copy.deepcopy(session.draft)
    with pytest.raises(DraftError) as e:
        typed.apply_token(session, token)
    assert e.value.field == field and words in e.value.reason
    assert session.draft == before


def test_apply_token_fills_the_draft_and_returns_the_check(session):
    for tok in ("lease=30", "price=6", "price.small=0.4", "research.efficiency=0.2"):
        assert typed.apply_token(session, tok) == []
    typed.apply_token(session, "train=1e12x2e13@3")
    typed.apply_token(session, "train.quarters=4")  # one part of the run
    typed.apply_token(session, "mix.coding=2")
    typed.apply_token(session, "build=workspace")
    assert session.draft == {
        "lease": 30.0,
        "prices": {"frontier": 6.0, "small": 0.4},
        "research": {"efficiency": 0.2},
        "train": {"params": 1e12, "tokens": 2e13, "quarters": 4},
        "mix": {"coding": 2.0},
        "build": ["workspace"],
    }
    refusals = typed.apply_token(session, "lease=5000")  # more than the cash
    assert refusals and refusals[0].field == "orders" and "orders spend" in refusals[0].reason


def test_draft_tokens_type_the_draft_back(session, content, tmp_path):
    for tok in (
        "lease=30",
        "buy=2",
        "train=1.5e12x2.25e13@5",
        "mix.coding=2",
        "mix.science=0.5",
        "train_share=auto",
        "research.synthetic=0.3",
        "build=workspace",
        "price=6.25",
        "price.small=0.4",
        "distill",
        "release",
        "raise=5",
        "borrow=1",
        "repay=0.5",
    ):
        typed.apply_token(session, tok)
    tokens = typed.draft_tokens(session.draft)
    assert "price=6.25" in tokens and "price.small=0.4" in tokens and "release" in tokens
    again = GameSession.new(content, scenario="default", seed=4, folder=tmp_path)
    for tok in tokens:
        typed.apply_token(again, tok)
    assert again.draft == session.draft


def test_unset_and_resolve(session):
    for tok in ("price=6", "price.small=0.4", "raise=2", "lease=10"):
        typed.apply_token(session, tok)
    assert typed.resolve("price.small") == "prices.small"
    assert typed.resolve("raise") == "raise_funds"
    typed.unset_token(session, "price.small")
    typed.unset_token(session, "raise")
    assert session.draft == {"prices": {"frontier": 6.0}, "lease": 10.0}
    for bad in ("nothing", "lease.x", "price.large"):
        with pytest.raises(DraftError):
            typed.resolve(bad)


def test_note_goes_with_the_orders(session):
    typed.set_note(session, "  undercut   [Apex] ")
    assert session.draft["note"] == "undercut [Apex]"
    with pytest.raises(DraftError, match="at most"):
        typed.set_note(session, "x" * (typed.MAX_NOTE + 1))
    typed.set_note(session, "")
    assert "note" not in session.draft


def test_order_help_lists_every_field():
    helps = typed.order_help()
    assert [h.name for h in helps] == [f.name for f in ORDER_FIELDS]
    for h, f in zip(helps, ORDER_FIELDS, strict=True):
        assert h.label == f.label and h.unit == f.unit and h.help == f.help
        assert h.standing == f.standing
        assert h.typed == (f.repl or f"{f.name}=VALUE")
        if f.kind == "amounts":
            assert all(k in h.bounds for k in f.keys)


def test_refusal_text():
    assert typed.refusal_text(Refusal("lease", "too much")) == "lease: too much"
    assert typed.refusal_text(Refusal("orders", "orders spend $9B")) == "orders spend $9B"
