"""`frontier play`: the game in a terminal, one quarter at a time, as typed orders.

Each quarter shows your lab, the market and the rivals, then reads orders until you
type `end`. Orders are the playthrough fields (README, "Playthrough scripts"):

    price=6            the frontier price, $/M tokens (price.small=0.4 for the small tier)
    lease=40           thousand GPUs leased this quarter
    train=1e12x2e13@3  a run of 1e12 parameters on 2e13 tokens over 3 quarters
    research.efficiency=0.5   build=workspace   raise=5   distill   release

The game autosaves after every quarter (the last 5 are kept) and saves on `quit`.
"""

from __future__ import annotations

import secrets
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from game.engine import SEGMENTS
from game.engine.orders import OrderError
from game.engine.scenario import SEGMENT_NAMES

from .outputs import date_label, summary
from .runner import Game, play_through
from .saves import Session, clean_name, load_save, save_path, saves_dir
from .script import SCRIPT_VERSION, QuarterModel, script_from_data

HELP = """orders (one or more per line, then `end`):
  price=6 | price.small=0.4         prices, $ per million tokens
  lease=40 | buy=5                  thousand GPUs leased this quarter / bought
  train=1e12x2e13[@3]               a run: parameters x tokens [@ quarters]
  mix.coding=2                      specialization of that run (with train=)
  research.efficiency=0.5           $B on a research track (efficiency, reliability, synthetic)
  build=workspace                   start a product (see `products`)
  raise=5 | borrow=2 | repay=1      $B
  distill | release                 distill a small model / publish your weights
commands: end (play the quarter; with no orders your policy plays it), show, clear,
  status, products, save [NAME], help, quit"""

ALIASES = {"raise": "raise_funds", "release": "release_open", "share": "train_share"}


class Quit(Exception):
    pass


def parse_order(token: str, pending: dict[str, Any]) -> None:
    """Apply one typed order to the pending orders dict (ValueError with a reason)."""
    if token in ("distill", "release", "release_open"):
        pending[ALIASES.get(token, token)] = True
        return
    key, eq, value = token.partition("=")
    if not eq or not value:
        raise ValueError(f"{token!r}: write key=value, e.g. price=6 (type help)")
    key = key.strip().lower()
    value = value.strip()
    if key == "train":
        spec, _, q = value.partition("@")
        n, x, d = spec.lower().partition("x")
        if not x:
            raise ValueError("train: write PARAMSxTOKENS[@QUARTERS], e.g. train=1e12x2e13@3")
        pending["train"] = {"params": _num(n, "train params"), "tokens": _num(d, "train tokens")}
        if q:
            pending["train"]["quarters"] = int(_num(q, "train quarters"))
        return
    if key.startswith("mix."):
        pending.setdefault("train", {}).setdefault("mix", {})[key[4:]] = _num(value, key)
        return
    if key == "price" or key.startswith("price."):
        tier = key.partition(".")[2] or "frontier"
        pending.setdefault("prices", {})[tier] = _num(value, key)
        return
    if key.startswith("research."):
        pending.setdefault("research", {})[key[9:]] = _num(value, key)
        return
    if key == "build":
        pending.setdefault("build", []).append(value)
        return
    key = ALIASES.get(key, key)
    if key in ("lease", "buy", "raise_funds", "borrow", "repay", "train_share"):
        pending[key] = _num(value, key)
        return
    raise ValueError(f"{key!r}: unknown order (type help)")


def _num(text: str, what: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{what}: {text!r} is not a number") from None


def status(con: Console, game: Game) -> None:
    g = game
    sc = g.scenario
    obs = g.world.observe(0)
    con.rule(f"{date_label(sc.start_year, g.quarter)}  ·  quarter {g.quarter + 1} of {sc.quarters}")
    con.print(
        f"[b]{obs['name']}[/]  cash ${obs['cash']:,.1f}B  debt ${obs['debt']:,.1f}B  "
        f"revenue ${obs['revenue']:,.2f}B/quarter  GPUs {obs['gpus_owned']:,.0f}k owned + "
        f"{obs['gpus_leased']:,.0f}k leased"
    )
    for tier, m in obs["models"].items():
        con.print(
            f"  {tier} model: {m['params']:.2g} params, capability {m['capability']:.2f} "
            f"({m['level']}), ${m['price']:.2f}/M tokens"
        )
    if obs["training"]:
        t = obs["training"]
        con.print(f"  training: {t['params']:.2g} params, {t['progress']:.0%} done")
    if obs["products"] or obs["building"]:
        con.print(
            f"  products: {', '.join(obs['products']) or '-'}; building: {obs['building'] or '-'}"
        )
    share = "  ".join(f"{SEGMENT_NAMES.get(s, s)} {obs['share'][s]:.0%}" for s in SEGMENTS)
    con.print(f"  your share of buyers: {share}")
    mk = obs["market"]
    if mk["hhi"] is not None:
        con.print(
            f"market: HHI {mk['hhi']:,.0f} ({mk['verdict']}), frontier {mk['frontier_capability']:.2f}, "
            f"open weights {mk['open_weight_capability']:.2f} at ${mk['open_weight_price']:.2f}/M, "
            f"GPU-hour ${mk['compute_price_per_gpu_hour']:.2f}"
        )
    t = Table(show_edge=False, box=None, pad_edge=False)
    for col in ("rival", "archetype", "capability", "price", "avg share"):
        t.add_column(col)
    for r in obs["rivals"]:
        if r["alive"]:
            avg = sum(r["share"].values()) / len(SEGMENTS)
            t.add_row(
                r["name"],
                r["archetype"],
                f"{r['capability']:.2f}",
                f"${r['prices']['frontier']:.2f}",
                f"{avg:.0%}",
            )
    con.print(t)
    if g.records:
        for e in g.records[-1].events:
            if e.lab == 0 or e.kind in ("event", "bankrupt", "entered", "stall"):
                con.print(f"  · {escape(e.text)}")


def play(args, content) -> int:
    con = Console(highlight=False)
    folder = saves_dir(args.saves_dir)
    if args.load:
        path = save_path(args.load, folder)
        pt, game, warnings = load_save(path, content, force=args.force)
        for w in warnings:
            con.print(f"[yellow]warning:[/] {escape(w)}")
        name = args.name or path.stem.split(".autosave-q")[0]
    else:
        if args.code:
            from .share import parse_code

            data = parse_code(args.code)
        else:
            seed = args.seed if args.seed is not None else secrets.randbelow(1_000_000)
            data = {
                "format_version": SCRIPT_VERSION,
                "scenario": args.scenario,
                "seed": seed,
                "policy": args.policy,
            }
        pt = script_from_data(data, content, shown="--code" if args.code else "frontier play")
        game = play_through(pt, to_quarter=0)
        name = args.name or f"{pt.model.scenario}-{pt.seed}"
    name = clean_name(name)
    session = Session.from_playthrough(pt, game, content)
    sc = game.scenario
    con.print(f"[b]{sc.title}[/] (scenario {sc.id}, seed {game.seed}). You run {game.names[0]}.")
    con.print(f"Saves go to {folder}/{name}.toml. Type help for the orders.")
    pending: dict[str, Any] = {}
    try:
        while not game.done:
            status(con, game)
            pending = {}
            while True:
                line = _ask(f"[{date_label(sc.start_year, game.quarter)}] > ")
                words = line.replace(",", " ").split()
                if not words:
                    continue
                cmd = words[0].lower()
                if cmd in ("quit", "exit", "q"):
                    raise Quit
                if cmd == "help":
                    con.print(HELP, markup=False)
                elif cmd == "status":
                    status(con, game)
                elif cmd == "products":
                    con.print(", ".join(game.world.tables.prod_ids))
                elif cmd == "show":
                    con.print(
                        escape(str(pending))
                        if pending
                        else "no orders yet: the policy would play this quarter"
                    )
                elif cmd == "clear":
                    pending = {}
                elif cmd == "save":
                    target = folder / f"{clean_name(words[1]) if len(words) > 1 else name}.toml"
                    con.print(f"saved {session.save(target)}")
                elif cmd == "end":
                    if _play_quarter(con, game, pending):
                        session.autosave(folder, name)
                        break
                else:
                    for w in words:
                        try:
                            parse_order(w, pending)
                        except ValueError as e:
                            con.print(f"[red]{escape(str(e))}[/]")
    except Quit:
        pass
    path = session.save(folder / f"{name}.toml")
    if game.done:
        s = summary(game)
        con.rule("game over")
        con.print(
            f"verdict {s['verdict']}, HHI {s['hhi']:,.0f}; you scored {s['player']['score']}/100 "
            f"({', '.join(s['player']['goals_met']) or 'no goals met'})"
        )
        con.print(f"Write the full debrief with: frontier replay {path} --out runs/{name}")
    con.print(f"saved {path} (continue with: frontier play --load {name})")
    return 0


def _ask(prompt: str) -> str:
    try:
        return input(prompt)
    except EOFError:
        print(file=sys.stdout)
        raise Quit from None


def _play_quarter(con: Console, game: Game, pending: dict) -> bool:
    if not pending:
        game.play(None)
        con.print(f"[dim]no orders: the {game.bot.name} policy played the quarter[/]")
        return True
    try:
        orders = QuarterModel.model_validate({**pending, "quarter": game.quarter + 1}).orders()
        game.play(orders)
    except OrderError as e:
        for r in e.reasons:
            con.print(f"[red]refused:[/] {escape(r)}")
        con.print("nothing was played; change the orders (clear) and type end again")
        return False
    except ValueError as e:  # pydantic's ValidationError is a ValueError
        errs = getattr(e, "errors", None)
        for item in errs() if callable(errs) else []:
            loc = ".".join(str(x) for x in item["loc"])
            con.print(f"[red]refused:[/] {escape(loc)}: {escape(item['msg'])}")
        return False
    return True


__all__ = ["HELP", "parse_order", "play", "status"]
