"""Orders typed as words: `lease=30`, `price=6`, `train=1e12x2e13@3`, `distill`.

One token is one order. `apply_token(session, token)` puts it into the session's
draft, or raises DraftError (the field and a one-line reason) and leaves the draft as
it was. Every spelling comes from the order specification (ORDER_FIELDS in
game/engine/orders.py: each field's name and its `repl` example), so the line REPL,
the Textual app's order line and `help` read and list the same words:

    lease=40   buy=5   train_share=0.5 (or auto)   raise=5   borrow=2   repay=1
    train=1e12x2e13@3  (parameters x tokens @ quarters; train.quarters=4 changes one part)
    mix.coding=2   research.efficiency=0.5   price=6   price.small=0.4
    build=workspace   distill   release   (a flag can also be written distill=no)

The canonical names work too (`prices.frontier=6`, `raise_funds=5`, `release_open`).
Nothing here imports a terminal library.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from game.engine.orders import FIELDS, ORDER_FIELDS, OrderField

from .session import DRAFT_KEYS, DraftError, GameSession
from .views import Refusal

#: Values of a flag (distill=yes, release=no).
TRUE_WORDS = ("yes", "true", "on", "1")
FALSE_WORDS = ("no", "false", "off", "0")
#: Values that leave a field to the engine: train_share=auto (what the run needs).
AUTO_WORDS = ("auto", "none")
#: Value that drops a training run from the draft: train=none.
NO_RUN_WORDS = ("none", "off", "no")
#: Longest note kept with a quarter's orders (the debrief quotes it).
MAX_NOTE = 500


def draft_head(f: OrderField) -> str:
    """The session's name for a field's group: "mix" for train.mix, "train" for
    train.params/tokens/quarters, otherwise the field's name."""
    return "mix" if f.name == "train.mix" else f.name.split(".")[0]


def _examples(f: OrderField) -> list[str]:
    return f.repl.split()


def _word(example: str) -> str:
    return example.partition("=")[0].partition(".")[0]


def _spellings() -> dict[str, str]:
    """Typed word -> draft head ("price" -> "prices", "raise" -> "raise_funds")."""
    out: dict[str, str] = {}
    for f in ORDER_FIELDS:
        head = draft_head(f)
        out.setdefault(head, head)
        for example in _examples(f):
            out.setdefault(_word(example), head)
    return out


#: Every word a token may start with, and the draft head it names.
SPELLINGS: dict[str, str] = _spellings()
#: The spec of each draft head ("train" is three fields: see TRAIN_PARTS).
HEAD_FIELD: dict[str, OrderField] = {
    draft_head(f): f
    for f in ORDER_FIELDS
    if not f.name.startswith("train.") or f.name == "train.mix"
}
TRAIN_PARTS: tuple[str, ...] = tuple(
    f.name.split(".", 1)[1] for f in ORDER_FIELDS if draft_head(f) == "train"
)
assert set(HEAD_FIELD) | {"train"} == set(DRAFT_KEYS), "typed heads out of step with the draft"


def spelling(head: str) -> str:
    """How a draft head is typed: the first word of its `repl` example ("prices" ->
    "price", "raise_funds" -> "raise"), else its name."""
    for f in ORDER_FIELDS:
        if draft_head(f) == head and f.repl:
            return _word(_examples(f)[0])
    return head


def _default_key(f: OrderField) -> str | None:
    """The key a bare `price=6` means: the field's first key, if its example shows a
    bare spelling (prices); None where the key must be given (research.TRACK)."""
    if f.kind != "amounts":
        return None
    if any("." not in example.partition("=")[0] for example in _examples(f)):
        return f.keys[0]
    return None


def known_words() -> str:
    return ", ".join(dict.fromkeys(spelling(h) for h in DRAFT_KEYS))


# ---------------------------------------------------------------------- parsing


def _number(text: str, field: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise DraftError(field, f"{text!r} is not a number") from None
    if not math.isfinite(x):
        raise DraftError(field, f"{text!r} is not a finite number")
    return x


def _whole(text: str, field: str) -> int:
    x = _number(text, field)
    if x != int(x):
        raise DraftError(field, f"{text!r} is not a whole number")
    return int(x)


def _flag(text: str, field: str) -> bool:
    low = text.lower()
    if low in TRUE_WORDS:
        return True
    if low in FALSE_WORDS:
        return False
    raise DraftError(field, f"{text!r}: write yes or no")


def _train(value: str) -> dict[str, Any] | None:
    if value.lower() in NO_RUN_WORDS:
        return None
    spec, at, q = value.partition("@")
    n, x, d = spec.lower().partition("x")
    if not x or not n or not d or (at and not q):
        raise DraftError("train", "write PARAMSxTOKENS[@QUARTERS], e.g. train=1e12x2e13@3")
    out: dict[str, Any] = {
        "params": _number(n, "train.params"),
        "tokens": _number(d, "train.tokens"),
    }
    if at:
        out["quarters"] = _whole(q, "train.quarters")
    return out


def parse_token(token: str) -> tuple[str, Any]:
    """One typed order as (name, value) for GameSession.set; DraftError if unreadable.

    `train.PART=x` returns ("train.PART", x): apply_token merges it into the draft's
    run. Bounds are checked by the session (GameSession.set), not here.
    """
    token = token.strip()
    if not token:
        raise DraftError("order", "empty order")
    key, eq, value = token.partition("=")
    key, value = key.strip().lower(), value.strip()
    word, dot, sub = key.partition(".")
    head = SPELLINGS.get(word)
    if not key:
        raise DraftError("order", f"{token!r}: write KEY=VALUE, e.g. price=6 (type help)")
    if head is None:
        shown = key if len(key) <= 40 else key[:37] + "..."
        raise DraftError(shown, f"unknown order; known: {known_words()} (type help)")
    if not eq:
        f = HEAD_FIELD.get(head)
        if f is not None and f.kind == "flag" and not dot:
            return head, True
        raise DraftError(head, f"write {spelling(head)}=VALUE, e.g. {_example(head)}")
    if not value:
        raise DraftError(head, f"give a value, e.g. {_example(head)}")
    if head == "train":
        if not dot:
            return "train", _train(value)
        if sub not in TRAIN_PARTS:
            raise DraftError(f"train.{sub}", f"unknown part; known: {', '.join(TRAIN_PARTS)}")
        f = FIELDS[f"train.{sub}"]
        num = _whole(value, f.name) if f.kind == "integer" else _number(value, f.name)
        return f.name, num
    f = HEAD_FIELD[head]
    if f.kind == "amounts":
        k = sub or _default_key(f)
        if not k:
            raise DraftError(
                head, f"give {spelling(head)}.KEY=VALUE, KEY one of {', '.join(f.keys)}"
            )
        return f"{head}.{k}", _number(value, f"{head}.{k}")
    if dot:
        raise DraftError(key, f"{spelling(head)} takes no .KEY; e.g. {_example(head)}")
    if f.kind == "flag":
        return head, _flag(value, head)
    if f.kind == "ids":
        return head, value
    if value.lower() in AUTO_WORDS and head in ("lease", "train_share"):
        return head, None
    return head, _number(value, head)


def _example(head: str) -> str:
    for f in ORDER_FIELDS:
        if draft_head(f) == head and f.repl:
            return _examples(f)[0]
    return f"{head}=1"


def apply_token(session: GameSession, token: str) -> list[Refusal]:
    """Put one typed order into the session's draft (DraftError if it cannot).

    Returns what GameSession.check says of the whole draft afterwards.
    """
    name, value = parse_token(token)
    if name.startswith("train."):
        run = session.draft.get("train")
        if not run:
            raise DraftError(name, "no run in the orders yet: start one with train=PxT[@Q]")
        return session.set("train", {**run, name.split(".", 1)[1]: value})
    return session.set(name, value)


def resolve(word: str) -> str:
    """A typed name ("price", "price.small", "raise") as the session's draft name."""
    w, dot, sub = word.strip().lower().partition(".")
    head = SPELLINGS.get(w)
    if head is None:
        raise DraftError(word, f"unknown order; known: {known_words()}")
    if head == "train":
        return "train"
    f = HEAD_FIELD[head]
    if dot and f.kind != "amounts":
        raise DraftError(word, f"{spelling(head)} takes no .KEY")
    if dot and sub not in f.keys:
        raise DraftError(word, f"unknown key; known: {', '.join(f.keys)}")
    return f"{head}.{sub}" if dot else head


def unset_token(session: GameSession, word: str) -> None:
    """Drop one typed order from the draft (its standing order applies again)."""
    session.unset(resolve(word))


def set_note(session: GameSession, text: str) -> None:
    """The player's reason for this quarter's orders (the debrief quotes it)."""
    text = " ".join(text.split())
    if len(text) > MAX_NOTE:
        raise DraftError("note", f"at most {MAX_NOTE} characters")
    session.note(text)


# ---------------------------------------------------------------------- showing


def _fmt(x: float) -> str:
    short = f"{x:g}"
    return short if float(short) == x else repr(float(x))


def draft_tokens(draft: dict[str, Any]) -> list[str]:
    """The draft as typed orders (apply_token of each gives the same draft back)."""
    out: list[str] = []
    for head in DRAFT_KEYS:
        if head not in draft:
            continue
        x = draft[head]
        word = spelling(head)
        if head == "train":
            if x is None:
                continue
            t = f"{word}={_fmt(x['params'])}x{_fmt(x['tokens'])}"
            if "quarters" in x:
                t += f"@{int(x['quarters'])}"
            out.append(t)
            continue
        f = HEAD_FIELD[head]
        if f.kind == "amounts":
            default = _default_key(f)
            for k, amount in x.items():
                out.append(
                    f"{word}={_fmt(amount)}" if k == default else f"{word}.{k}={_fmt(amount)}"
                )
        elif f.kind == "ids":
            out += [f"{word}={pid}" for pid in x]
        elif f.kind == "flag":
            if x:
                out.append(word)
        elif x is None:
            out.append(f"{word}={'auto' if head == 'train_share' else 'none'}")
        else:
            out.append(f"{word}={_fmt(x)}")
    return out


@dataclass(frozen=True)
class OrderHelp:
    """One order field as `help` shows it (all from ORDER_FIELDS)."""

    name: str  # the field's name in a script ("train.params")
    typed: str  # how it is typed ("train=1e12x2e13@3")
    label: str
    unit: str
    bounds: str  # "in [0, 1]", "an integer 1..12", "one of: ..." or ""
    help: str
    standing: bool  # carries over to later quarters until changed


def order_help() -> tuple[OrderHelp, ...]:
    """Every order field, in ORDER_FIELDS order, with its typed spelling."""
    out = []
    for f in ORDER_FIELDS:
        typed = f.repl or f"{f.name}=VALUE"
        bounds = f.bounds_text()
        if f.kind == "amounts":
            bounds = f"{bounds} each; KEY one of: {', '.join(f.keys)}"
        out.append(OrderHelp(f.name, typed, f.label, f.unit, bounds, f.help, f.standing))
    return tuple(out)


def refusal_text(r: Refusal) -> str:
    """ "FIELD: reason", without repeating a field the reason already names."""
    if r.field == "orders" and r.reason.startswith("orders"):
        return r.reason
    return f"{r.field}: {r.reason}"


__all__ = [
    "SPELLINGS",
    "OrderHelp",
    "apply_token",
    "draft_tokens",
    "order_help",
    "parse_token",
    "refusal_text",
    "resolve",
    "set_note",
    "spelling",
    "unset_token",
]
