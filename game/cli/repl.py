"""`frontier play` at a line prompt: the game for pipes, scripts and `--plain`.

A thin front-end over game.play's GameSession. Each quarter it shows the session's
view (your lab, the market, the rivals, your goals, the news) and reads orders,
one or more per line, until `end`:

    [2025 Q1] > price=6 lease=30
    [2025 Q1] > train=1e12x2e13@3 research.efficiency=0.5
    [2025 Q1] > end

Orders are read by game.play.typed from the order specification (ORDER_FIELDS), and
`help` lists them from it. Standing orders (lease, prices, research, the training
share, the specialization mix) carry over: a bare `end` keeps the lab running as it
was. `auto` lets the policy play the quarter. Typed input never ends the game: a bad
order prints one line and the prompt comes back. Engine and user text (lab names,
events) is printed as plain text, never read as rich markup.

The game autosaves after every quarter (the last 5 are kept) and saves on `quit`,
at the end, and on end of input.
"""

from __future__ import annotations

import sys
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from game.play import (
    DraftError,
    GameSession,
    OrderError,
    SaveError,
    money,
    signed_money,
    typed,
    views,
)

#: The REPL's commands (orders are listed from ORDER_FIELDS by typed.order_help).
COMMANDS: tuple[tuple[str, str], ...] = (
    ("end", "play the quarter: your standing orders plus the orders typed this quarter"),
    ("auto", "let the policy (--policy) play this quarter instead of your orders"),
    ("show", "the orders typed this quarter, the standing orders, and what end plays"),
    ("preview", "what end would give: the engine's next quarter on a copy of the world"),
    ("clear", "forget the orders typed this quarter (the standing orders stay)"),
    ("unset NAME", "forget one typed order, e.g. unset price.small"),
    ("note TEXT", "your reason for this quarter's orders (the debrief quotes it)"),
    ("status", "your lab, the market, the rivals, your goals and the news"),
    ("products", "the products you can build, with their costs and build times"),
    ("save [NAME]", "save the game (default: its own name) in the saves folder"),
    ("lesson [ANSWER]", "a lesson's latest checkpoint; with text, your answer to it"),
    ("help", "this list"),
    ("quit", "save and leave (continue later with --load NAME)"),
)
QUIT_WORDS = ("quit", "exit", "q")


class Repl:
    """One game at the line prompt."""

    def __init__(self, session: GameSession, console: Console, echo: bool = False):
        self.s = session
        self.con = console
        self.echo = echo  # print each line read (stdin is not a terminal: a transcript)

    # ------------------------------------------------------------------ printing
    def say(self, text: str = "", style: str = "") -> None:
        """Print text as it is: never read as markup or emoji codes."""
        self.con.print(Text(text, style=style))

    def line(self, *parts: str | tuple[str, str]) -> None:
        self.con.print(Text.assemble(*parts))

    def rule(self, title: str) -> None:
        self.con.rule(Text(title))

    # ------------------------------------------------------------------ the loop
    def run(self) -> None:
        s = self.s
        v = s.view()
        self.say(f"{v.title} (scenario {v.scenario}, seed {s.game.seed}). You run {v.lab.name}.")
        self.say(
            f"Saves go to {s.folder}/{s.save_name}.toml. Type help for the orders; "
            "end plays the quarter with your standing orders, auto lets the policy play it."
        )
        for w in s.warnings:
            self.line(("warning: ", "yellow"), w)
        if not s.done:
            self.status(v)
        while not s.done:
            try:
                text = input(f"[{s.date()}] > ")
            except EOFError:
                print()
                return
            except KeyboardInterrupt:
                print()
                return
            if self.echo:
                self.say(text)
            try:
                if not self.command(text):
                    return
            except KeyboardInterrupt:
                self.say("interrupted")
                return

    def command(self, text: str) -> bool:
        """Run one typed line; False when the player quits. Never raises on bad input."""
        words = text.replace(",", " ").split()
        if not words:
            return True
        cmd, rest = words[0].lower(), words[1:]
        try:
            if cmd in QUIT_WORDS:
                return False
            handler = HANDLERS.get(cmd)
            if handler is not None:
                handler(self, rest, text)
            else:
                self.orders(words)
        except (DraftError, OrderError, SaveError, OSError) as e:
            self.error(e)
        except Exception as e:  # a bug: say so in one line, keep the game going
            from game.cli import _log_traceback

            path = _log_traceback()
            where = f"; traceback in {path}" if path else ""
            self.line(("error: ", "bold red"), f"unexpected {type(e).__name__}: {e}{where}")
        return True

    def error(self, e: Exception) -> None:
        if isinstance(e, DraftError):
            self.line(("bad order: ", "red"), f"{e.field}: {e.reason}")
        elif isinstance(e, OrderError):
            for r in e.reasons:
                self.line(("refused: ", "bold red"), r)
        elif isinstance(e, SaveError):
            for r in e.errors:
                self.line(("error: ", "red"), r)
        else:
            self.line(("error: ", "red"), str(e))

    # ------------------------------------------------------------------ orders
    def orders(self, tokens: list[str]) -> None:
        refusals = None
        for tok in tokens:
            try:
                refusals = typed.apply_token(self.s, tok)
            except DraftError as e:
                self.error(e)
        if refusals:
            for r in refusals:
                self.line(("as it stands, end would be refused: ", "yellow"), typed.refusal_text(r))

    def cmd_end(self, rest, text) -> None:
        s = self.s
        refusals = s.check()
        if refusals:
            for r in refusals:
                self.line(("refused: ", "bold red"), typed.refusal_text(r))
            self.say("nothing was played: change the orders (or clear them) and type end again")
            return
        self.report(s.end_quarter())
        self.checkpoint()

    def cmd_auto(self, rest, text) -> None:
        self.report(self.s.autoplay())
        self.checkpoint()

    def cmd_lesson(self, rest, text) -> None:
        s = self.s
        if s.lesson is None:
            self.say("this game is not a lesson (start one with frontier play --lesson ID)")
            return
        reached = [cp.quarter for cp in s.lesson.checkpoints if cp.quarter <= s.quarter]
        if not reached:
            first = s.lesson.checkpoints[0].quarter
            self.say(f"the lesson's first checkpoint comes once quarter {first} is played")
            return
        cp = s.checkpoint(reached[-1])
        answer = text.strip()[len("lesson") :].strip()
        if answer:
            self.keep_answer(cp.quarter, answer)
        else:
            self.show_checkpoint(cp)
            self.say("answer it with: lesson YOUR ANSWER")

    def show_checkpoint(self, cp) -> None:
        self.rule(f"checkpoint {cp.number} of {cp.of}: quarter {cp.quarter} ({cp.date})")
        self.say(cp.prompt)
        for f in cp.figures:
            self.line((f"  {f.label}: ", "bold"), f.text)
        if cp.answer:
            self.line(("  your answer: ", "bold"), cp.answer)

    def keep_answer(self, quarter: int, answer: str) -> None:
        path = self.s.answer(quarter, answer)
        self.say(f"answer kept in your save and in {path}")

    def checkpoint(self) -> None:
        """After a quarter: the lesson's checkpoint, if one is due; one line answers it."""
        cp = self.s.checkpoint_due()
        if cp is None:
            return
        self.show_checkpoint(cp)
        try:
            answer = input("your answer (empty: later, with the lesson command) > ")
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if self.echo:
            self.say(answer)
        if answer.strip():
            try:
                self.keep_answer(cp.quarter, answer)
            except SaveError as e:
                self.error(e)

    def cmd_clear(self, rest, text) -> None:
        self.s.clear()
        self.say("orders cleared; the standing orders stay (see show)")

    def cmd_unset(self, rest, text) -> None:
        if not rest:
            raise DraftError("unset", "give the order to forget, e.g. unset price.small")
        for word in rest:
            typed.unset_token(self.s, word)
        self.cmd_show([], "")

    def cmd_note(self, rest, text) -> None:
        typed.set_note(self.s, text.strip()[len("note") :])
        note = self.s.draft.get("note")
        self.say(f"note: {note}" if note else "note cleared")

    def cmd_show(self, rest, text) -> None:
        s = self.s
        draft = typed.draft_tokens(s.draft)
        self.line(("typed this quarter: ", "bold"), " ".join(draft) or "nothing")
        if s.draft.get("note"):
            self.line(("note: ", "bold"), s.draft["note"])
        self.line(("standing orders: ", "bold"), standing_text(s.view().standing))
        entry, notices = s.compose()
        self.line(("end plays: ", "bold"), " ".join(entry_tokens(entry)) or "nothing new")
        for n in notices:
            self.line(("notice: ", "yellow"), n)
        for r in s.check():
            self.line(("refused: ", "bold red"), typed.refusal_text(r))

    def cmd_status(self, rest, text) -> None:
        self.status(self.s.view())

    def cmd_products(self, rest, text) -> None:
        for p in self.s.legal().products:
            self.line(
                (f"{p.id:<12}", "bold"),
                f"{p.name}: {money(p.build_cost)} over {_quarters(p.build_quarters)}, upkeep "
                f"{money(p.upkeep)} a quarter ({p.state}). {p.blurb}",
            )
        self.say("start one with build=ID")

    def cmd_save(self, rest, text) -> None:
        path = self.s.save(rest[0] if rest else None)
        self.say(f"saved {path}")

    def cmd_help(self, rest, text) -> None:
        self.say(
            "orders: type one or more per line (key=value), then end. Standing orders "
            "carry over to later quarters until you change them."
        )
        for h in typed.order_help():
            what = ", ".join(x for x in (h.unit, h.bounds) if x)
            extra = "; standing" if h.standing else ""
            self.line(
                "  ",
                (f"{h.typed:<26}", "bold"),
                f" {h.label}" + (f" ({what}{extra})" if what or extra else ""),
            )
            self.say(f"  {'':<26} {h.help}")
        self.say(
            "  train_share=auto lets the run take what it needs; distill=no, release=no undo a flag"
        )
        self.say("commands:")
        for name, what in COMMANDS:
            self.line("  ", (f"{name:<26}", "bold"), f" {what}")

    def cmd_preview(self, rest, text) -> None:
        p = self.s.preview()
        if not p.ok:
            for r in p.refusals:
                self.line(("refused: ", "bold red"), typed.refusal_text(r))
            return
        self.say(
            f"end would give: revenue {money(p.revenue)}, costs {money(p.costs)}, "
            f"operating profit {money(p.profit)}; cash after {money(p.cash_after)} "
            f"(spent up front {money(p.spend)}); {p.revenue_share:.1%} of model revenue; "
            f"served {p.served:.0%} of demand"
        )
        self.say("  share of buyers: " + shares_text(p.shares))
        if p.margins:
            self.say("  margins: " + ", ".join(f"{t} {m:.0%}" for t, m in p.margins))
        for n in p.notices:
            self.line(("notice: ", "yellow"), n)
        if p.training is not None:
            self.say("  " + plan_text(p.training))
        self.say("(a preview: rivals and buyers react as the engine would; nothing was played)")

    # ------------------------------------------------------------------ views
    def status(self, v: views.QuarterView, news: bool = True) -> None:
        lab, m = v.lab, v.market
        self.rule(f"{v.date} · quarter {v.quarter} of {v.quarters} · {v.title}")
        runway = (
            f"{lab.runway:.0f} quarters of runway" if lab.runway is not None else "not burning cash"
        )
        self.line(
            (lab.name, "bold"),
            f"  cash {money(lab.cash)}  debt {money(lab.debt)}  {runway}  "
            f"valuation {money(lab.valuation)} (you own {lab.equity:.0%}, "
            f"a stake of {money(lab.stake)})" + ("" if lab.alive else "  BANKRUPT"),
        )
        self.say(
            f"  last quarter: revenue {money(lab.revenue)}{_change(lab.revenue_change)}, "
            f"costs {money(lab.costs)}, operating profit {money(lab.profit)}"
            f"{_change(lab.profit_change)}; {lab.revenue_share:.1%} of model revenue"
        )
        self.say(
            f"  GPUs: {lab.gpus_owned:,.0f}k owned + {lab.gpus_leased:,.0f}k leased; "
            f"served {lab.served:.0%} of demand"
        )
        for md in lab.models:
            self.say(
                f"  {md.tier} model: {md.params:.3g} params, capability {md.capability:.2f} "
                f"({md.level}); price ${md.price:.2f}/M tokens, serving cost "
                f"${md.serving_cost:.2f}/M, margin {md.margin:.0%}"
                + (" (serving the open-weight model: yours fell behind)" if md.open_weights else "")
            )
        if lab.training is not None:
            t = lab.training
            self.say(
                f"  training: {t.params:.3g} params on {t.tokens:.3g} tokens, {t.progress:.0%} "
                f"done, {t.quarters_left} planned quarters left"
                + (f", ships in {t.shipping_in} quarters" if t.shipping_in else "")
            )
        if lab.products or lab.building:
            building = ", ".join(f"{p} ({q} quarters left)" for p, q in lab.building)
            self.say(f"  products: {', '.join(lab.products) or '-'}; building: {building or '-'}")
        self.say("  share of buyers: " + shares_text(lab.shares))
        if m.hhi is not None:
            self.say(
                f"market: HHI {m.hhi:,.0f}, CR4 {m.cr4:.0%}, Lerner {m.lerner:.2f}: "
                f"{m.verdict} ({m.verdict_meaning}); {m.trend}"
            )
            self.say(
                f"  frontier {m.frontier:.2f} ({m.frontier_level}); open weights "
                f"{m.open_capability:.2f} at ${m.open_price:.2f}/M "
                f"({m.open_token_share:.0%} of tokens); GPU-hour ${m.gpu_hour:.2f}; "
                f"the starting frontier now costs ${m.constant_cap_price:.2f}/M; "
                f"{m.labs_alive} labs alive"
            )
            self.say(
                f"  buyers who have adopted AI {m.adoption:.0%} of all who could; "
                f"investors' mood {m.sentiment:.2f} (1 = neutral)"
            )
        else:
            self.say(f"market: {m.trend}")
        t = Table(box=None, pad_edge=False, show_edge=False)
        for col in ("rival", "kind", "capability", "price", "revenue share", "cash"):
            t.add_column(col, no_wrap=col == "rival")
        for r in v.rivals:
            t.add_row(
                Text(r.name + ("" if r.alive else " (bankrupt)")),
                Text(r.archetype),
                Text(f"{r.capability:.2f} {r.level}"),
                Text(f"${r.price:.2f}"),
                Text(f"{r.revenue_share:.1%}"),
                Text(money(r.cash)),
            )
        self.con.print(t)
        self.say(f"goals (score {v.score}/100 if the game ended now):")
        for g in v.goals:
            self.say(f"  [{'x' if g.met else ' '}] {g.text}: {g.status}")
        for h in v.hints:
            self.line(("tip: ", "bold"), h)
        if news and v.news:
            self.say("news:")
            for n in v.news:
                self.news(n)
        self.line(("standing orders: ", "bold"), standing_text(v.standing))

    def news(self, n: views.NewsItem) -> None:
        why = f" ({'; '.join(n.causes)})" if n.causes else ""
        self.say(f"  · {n.text}{why}")

    def report(self, r: views.QuarterReport) -> None:
        self.rule(f"{r.date} played")
        self.say(r.headline)
        self.say(
            "  "
            + "   ".join(
                f"{k.label} {k.value}" + (f" ({k.change})" if k.change else "") for k in r.numbers
            )
        )
        if r.costs:
            self.say("  costs: " + ", ".join(f"{c.name} {money(c.amount)}" for c in r.costs))
        if r.cash_bridge:
            self.say(
                "  cash moved by: "
                + ", ".join(f"{c.name} {signed_money(c.amount)}" for c in r.cash_bridge)
            )
        for a in r.actions:
            self.line(("you: ", "bold"), a)
        for n in r.notices:
            self.line(("notice: ", "yellow"), n)
        if r.news:
            self.say("news:")
            for n in r.news:
                self.news(n)
        if r.autosave_error:
            self.line(("autosave failed: ", "red"), r.autosave_error)
        elif r.autosave:
            self.say(f"autosaved {r.autosave}", style="dim")
        if not r.done:
            self.status(self.s.view(), news=False)

    def finish(self, saves_flag: str = "") -> int:
        s = self.s
        try:
            path = s.save()
        except SaveError as e:
            self.error(e)
            return 1
        if s.done and s.quarter > 0:
            res = s.result()
            self.rule("game over")
            met = ", ".join(res["player"]["goals_met"]) or "no goals met"
            self.say(
                f"verdict {res['verdict']}, HHI {res['hhi']:,.0f}; {res['labs'][0]['name']} "
                f"scored {res['player']['score']}/100 ({met})"
            )
            self.say(
                f"Write the full debrief with: frontier replay {path} --out runs/{s.save_name}"
            )
        self.say(f"saved {path} (continue with: frontier play --load {s.save_name}{saves_flag})")
        return 0


HANDLERS = {
    "end": Repl.cmd_end,
    "auto": Repl.cmd_auto,
    "show": Repl.cmd_show,
    "preview": Repl.cmd_preview,
    "clear": Repl.cmd_clear,
    "unset": Repl.cmd_unset,
    "note": Repl.cmd_note,
    "status": Repl.cmd_status,
    "products": Repl.cmd_products,
    "save": Repl.cmd_save,
    "lesson": Repl.cmd_lesson,
    "help": Repl.cmd_help,
}
assert {c.split()[0] for c, _ in COMMANDS} == {*HANDLERS, "quit"}


# ---------------------------------------------------------------------- text


def _quarters(n: int) -> str:
    return f"{n} quarter" if n == 1 else f"{n} quarters"


def _change(x: float | None) -> str:
    return "" if x is None else f" ({signed_money(x)})"


def shares_text(shares) -> str:
    return "  ".join(
        f"{sh.name} {sh.share:.0%}"
        + (f" ({sh.change * 100:+.1f})" if abs(sh.change) >= 0.0005 else "")
        for sh in shares
    )


def standing_text(st: views.StandingView) -> str:
    prices = ", ".join(f"{t} ${p:.2f}" for t, p in st.prices) or "-"
    research = ", ".join(f"{k} {money(x)}" for k, x in st.research if x > 0) or "none"
    share = "what the run needs" if st.train_share is None else f"{st.train_share:.0%}"
    mix = ", ".join(f"{k} {w:g}" for k, w in st.mix if w > 0) or "the lab's own"
    return (
        f"lease {st.lease:,.0f}k GPUs; prices {prices}; research {research}; "
        f"training share {share}; specialization {mix}"
    )


def entry_tokens(entry: dict[str, Any]) -> list[str]:
    """A composed quarter (a script [[quarters]] entry) as typed orders."""
    d = dict(entry)
    train = d.get("train")
    if isinstance(train, dict) and "mix" in train:
        d["train"] = {k: x for k, x in train.items() if k != "mix"}
        d["mix"] = dict(train["mix"])
    d.pop("note", None)
    return typed.draft_tokens(d)


def plan_text(p: views.TrainingPlan) -> str:
    at = (
        f"about {p.quarters_at_current_compute:.1f} quarters at your compute"
        if p.quarters_at_current_compute < 1e6
        else "no compute free for it"
    )
    return (
        f"the run: {p.params:.3g} params x {p.tokens:.3g} tokens = {p.flops:.3g} FLOPs "
        f"({p.tokens_per_param:.0f} tokens/param; compute-optimal "
        f"{p.optimal_tokens_per_param:.0f}); loss {p.loss:.3f}, capability {p.capability:.2f} "
        f"({p.level}); compute worth {money(p.cost)}; needs {p.compute_needed:,.0f}k GPUs a "
        f"quarter to finish in {p.quarters}, {at}; uses {p.data_use:.0%} of the data stock"
    )


# ---------------------------------------------------------------------- start


def lesson_session(args, content, con: Console, echo: bool) -> GameSession:
    """`frontier play --lesson ID` at the line prompt: the name (--student, else asked)
    and the predictions, one question a line, asked again until the answer is valid."""
    form = GameSession.lesson_form(content, args.lesson, seed=args.seed)

    def ask(prompt: str) -> str:
        try:
            text = input(prompt)
        except (EOFError, KeyboardInterrupt):
            print()
            raise SaveError(
                ["the lesson was not started: its predictions were not given"]
            ) from None
        if echo:
            con.print(Text(text))
        return text.strip()

    con.print(Text(f"Lesson: {form.title} ({form.minutes} min)", style="bold"))
    con.print(Text(form.predict))
    con.print(Text(form.world))
    student = getattr(args, "student", None) or ""
    while not student:
        student = ask("your name (as your teacher will see it) > ")
    group = getattr(args, "group", None) or form.groups[0]
    if group not in form.groups:
        from game.play import ScriptError

        raise ScriptError(
            [f"--group: the lesson is played in {', '.join(form.groups)}, not {group!r}"]
        )
    answers: dict[str, Any] = {}
    for f in form.fields:
        hint = " / ".join(f.choices) if f.kind == "choice" else f"{f.lo:g} to {f.hi:g}"
        while True:
            raw = ask(f"{f.prompt} (checked at the end of {f.date}; {hint}) > ")
            try:
                answers[f.id] = f.parse(raw)
                break
            except ValueError as e:
                con.print(Text(f"  {e}", style="red"))
    return GameSession.new_lesson(
        content,
        args.lesson,
        student,
        answers,
        group=group,
        seed=form.seed,
        lab_name=getattr(args, "lab", None),
        save_name=args.name,
        folder=args.saves_dir,
    )


def open_session(args, content) -> GameSession:
    """The game `frontier play` starts or continues (ScriptError/SaveError if bad)."""
    if args.load:
        s = GameSession.load(content, args.load, folder=args.saves_dir, force=args.force)
        if args.name:
            s.rename(args.name)
        return s
    lab = getattr(args, "lab", None)
    if args.code:
        return GameSession.from_code(
            content, args.code, lab_name=lab, save_name=args.name, folder=args.saves_dir
        )
    return GameSession.new(
        content,
        scenario=args.scenario,
        seed=args.seed,
        lab_name=lab,
        policy=args.policy,
        save_name=args.name,
        folder=args.saves_dir,
        shown="frontier play",
    )


def play(args, content) -> int:
    """`frontier play` at the line prompt. Returns the exit code."""
    con = Console(highlight=False, emoji=False, soft_wrap=True)
    if getattr(args, "lesson", None):
        session = lesson_session(args, content, con, echo=not sys.stdin.isatty())
    else:
        session = open_session(args, content)
    repl = Repl(session, con, echo=not sys.stdin.isatty())
    repl.run()
    flag = f" --saves-dir {args.saves_dir}" if args.saves_dir else ""
    return repl.finish(flag)


__all__ = ["COMMANDS", "Repl", "open_session", "play"]
