"""The game service: one game being played, for any front-end.

    from game.play import GameSession
    s = GameSession.new(content, scenario="default", seed=7, lab_name="Ada Labs")
    s.view()                      # QuarterView: lab, market, rivals, goals, news
    s.set("prices.frontier", 6)   # the draft of this quarter's orders
    s.check()                     # [Refusal(field, reason)], nothing stepped
    s.preview()                   # the engine's next quarter on a copy of the world
    report = s.end_quarter()      # play it; autosaves; QuarterReport in plain words
    s.save("my-game")

Orders are the playthrough fields (game/engine/orders.py ORDER_FIELDS). The draft
holds this quarter's changes; **standing orders** (lease, prices, research, the
training share and the specialization mix) carry over from quarter to quarter until
the player changes them, so ending a quarter without touching anything keeps the lab
running as it was. When the cash no longer covers the standing lease and research,
they are trimmed to what the lab can pay (research first) and the report says so.

This module imports no terminal library: the Textual app, the line REPL, the tests
and FrontierEnv all drive it.
"""

from __future__ import annotations

import copy
import math
import secrets
from pathlib import Path
from typing import Any

import numpy as np

from game.content.loader import Content
from game.engine import SEGMENTS, TIERS, scaling
from game.engine.orders import FIELDS, ORDER_FIELDS, OrderError, Orders
from game.engine.scenario import RESEARCH, SEGMENT_NAMES
from game.engine.sim import step as engine_step
from game.engine.state import FLOW_NAMES
from game.engine.training import run_capability

from . import views as v
from .outputs import date_label, debrief_md, run_files, summary
from .runner import Game, play_through
from .saves import (
    SaveError,
    Session,
    clean_name,
    load_save,
    name_taken,
    save_path,
    saves_dir,
)
from .script import (
    PLAYER,
    SCRIPT_VERSION,
    Playthrough,
    ScriptError,
    quarter_orders,
    script_from_data,
)

#: Share of cash the standing orders may commit, leaving room for staff and upkeep.
CASH_MARGIN = 0.9

#: The draft's keys: the top-level order fields, plus `mix` (train.mix, standing).
DRAFT_KEYS = (*dict.fromkeys(f.name.split(".")[0] for f in ORDER_FIELDS), "mix")


class DraftError(ValueError):
    """A value that cannot go into the draft; `field` names the order field."""

    def __init__(self, field: str, reason: str):
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


class GameSession:
    """One game: the world, the player's draft and standing orders, and its saves."""

    def __init__(
        self,
        pt: Playthrough,
        game: Game,
        content: Content,
        save_name: str,
        folder: Path,
        warnings: list[str] | None = None,
    ):
        self.pt = pt
        self.game = game
        self.content = content
        self.folder = Path(folder)
        self.warnings = list(warnings or [])
        self._saver = Session.from_playthrough(pt, game, content)
        self.save_name = self._claim(clean_name(save_name))
        self.draft: dict[str, Any] = {}
        self._view: tuple | None = None
        self.standing = self._standing_from_records()
        self.last_report: v.QuarterReport | None = None
        self._what_ifs: tuple | None = None

    # ------------------------------------------------------------------ creating
    @classmethod
    def new(
        cls,
        content: Content,
        scenario: str = "default",
        seed: int | None = None,
        lab_name: str | None = None,
        specialization: dict[str, float] | None = None,
        policy: str = "hold",
        save_name: str | None = None,
        folder: str | Path | None = None,
        shown: str = "new game",
    ) -> GameSession:
        """A new game. Bad input raises ScriptError with every problem."""
        seed = secrets.randbelow(1_000_000) if seed is None else seed
        data: dict[str, Any] = {
            "format_version": SCRIPT_VERSION,
            "scenario": scenario,
            "seed": seed,
            "policy": policy,
        }
        player = {}
        if lab_name:
            player["name"] = lab_name
        if specialization:
            player["specialization"] = dict(specialization)
        if player:
            data["player"] = player
        return cls._start(content, data, save_name, folder, shown)

    @classmethod
    def new_lesson(
        cls,
        content: Content,
        lesson: str,
        student: str,
        predictions: dict[str, Any] | None = None,
        group: str | None = None,
        seed: int | None = None,
        lab_name: str | None = None,
        save_name: str | None = None,
        folder: str | Path | None = None,
        policy: str = "hold",
    ) -> GameSession:
        """A lesson's game (game/play/lesson.py): its world (the group's scenario), its
        seed (a random one where each student needs their own, or `seed`), and the
        student's predictions, checked like every other input (ScriptError)."""
        m = content.lessons.get(lesson)
        if m is None:
            from game.content.loader import known_list

            raise ScriptError(
                [f"--lesson: unknown lesson {lesson!r}; known: {known_list(content.lessons)}"]
            )
        group = group or m.scenario
        from .lesson import prediction_fields

        student = str(student).strip()
        if not 1 <= len(student) <= 40 or any(ord(c) < 32 for c in student):
            raise ScriptError(
                ["your name: give the name your teacher will see (1 to 40 characters)"]
            )
        if group not in m.scenarios:
            raise ScriptError(
                [f"--group: the lesson is played in {', '.join(m.scenarios)}, not {group!r}"]
            )

        scen = content.scenarios.get(group)
        wanted = dict(predictions or {})
        if scen is not None:
            problems = []
            for f in prediction_fields(m, scen.start_year, scen.quarters):
                if f.id not in wanted or wanted[f.id] in ("", None):
                    problems.append(f"{f.prompt} (give your prediction; a guess is fine)")
                    continue
                if f.id in wanted:
                    try:
                        wanted[f.id] = f.parse(wanted[f.id])
                    except ValueError as e:
                        problems.append(f"{f.prompt}: {e}")
            if problems:
                raise ScriptError(problems)
        if seed is None:
            seed = m.seed if m.seed is not None else secrets.randbelow(1_000_000)
        data: dict[str, Any] = {
            "format_version": SCRIPT_VERSION,
            "scenario": group,
            "seed": seed,
            "policy": policy,
            "lesson": {
                "id": lesson,
                "student": student,
                "group": group,
                "predictions": wanted,
            },
        }
        if lab_name:
            data["player"] = {"name": lab_name}
        if save_name is None:
            try:
                save_name = clean_name(f"lesson-{lesson}-{str(student).strip()}")
            except SaveError:
                save_name = f"lesson-{lesson}-{seed}"
        return cls._start(content, data, save_name, folder, "lesson")

    @classmethod
    def from_code(
        cls,
        content: Content,
        code: str,
        lab_name: str | None = None,
        save_name: str | None = None,
        folder: str | Path | None = None,
    ) -> GameSession:
        """A new game in the world of a share code (CodeError if it is damaged)."""
        from .share import parse_code

        data = parse_code(code, content)
        if lab_name:
            data.setdefault("player", {})["name"] = lab_name
        return cls._start(content, data, save_name, folder, "--code")

    @classmethod
    def _start(cls, content, data, save_name, folder, shown) -> GameSession:
        if save_name is not None:
            clean_name(save_name)  # a bad --name is refused before anything runs
        pt = script_from_data(data, content, shown=shown)
        game = play_through(pt, to_quarter=0)
        name = save_name or default_name(pt.model.scenario, pt.seed)
        return cls(pt, game, content, name, saves_dir(folder))

    @classmethod
    def load(
        cls,
        content: Content,
        ref: str | Path,
        folder: str | Path | None = None,
        force: bool = False,
    ) -> GameSession:
        """Continue a save, by name (in the saves folder) or path. SaveError if bad."""
        where = saves_dir(folder)
        path = save_path(ref, where)
        pt, game, warnings = load_save(path, content, force=force)
        name = path.stem.split(".autosave-q")[0]
        try:
            name = clean_name(name)
        except SaveError:  # a file named by path, e.g. "my..game.toml"
            name = default_name(name, pt.seed)
        return cls(pt, game, content, name, where, warnings)

    # ------------------------------------------------------------------ basics
    @property
    def quarter(self) -> int:
        """Quarters played so far (0 before the first)."""
        return self.game.quarter

    @property
    def done(self) -> bool:
        return self.game.done

    @property
    def scenario(self):
        return self.game.scenario

    def date(self, t: int | None = None) -> str:
        return date_label(self.scenario.start_year, self.quarter if t is None else t)

    # ------------------------------------------------------------------ the draft
    def set(self, name: str, value: Any) -> list[v.Refusal]:
        """Put one order into the draft: "lease", "prices.frontier", "research.efficiency",
        "train" (a dict of params, tokens, quarters), "mix.coding", "build", "distill"...

        The value is checked against the order spec first; a bad value raises
        DraftError and leaves the draft as it was. Returns what `check()` says of the
        whole draft afterwards (reasons the quarter would be refused).
        """
        self.draft = self.updated(name, value)
        return self.check()

    def updated(self, name: str, value: Any, draft: dict | None = None) -> dict:
        """A copy of the draft (or of `draft`) with one order set; DraftError if bad.

        Panels use it to preview a change before they commit it with `set`.
        """
        draft = copy.deepcopy(self.draft if draft is None else draft)
        head, _, key = name.partition(".")
        if head == "price":
            head = "prices"
        if head not in DRAFT_KEYS:
            raise DraftError(name, f"unknown order; known: {', '.join(DRAFT_KEYS)}")
        spec = FIELDS["train.mix" if head == "mix" else head] if head != "train" else None
        if spec is not None and spec.kind == "amounts":
            if not key:
                if not isinstance(value, dict):
                    raise DraftError(name, f"give {head}.KEY, one of {', '.join(spec.keys)}")
                items = dict(value)
            else:
                items = {key: value}
            for k, x in items.items():
                if k not in spec.keys:
                    raise DraftError(f"{head}.{k}", f"unknown key; known: {', '.join(spec.keys)}")
                x = _number(x, f"{head}.{k}")
                if (why := spec.problem(x)) is not None:
                    raise DraftError(f"{head}.{k}", why)
                draft.setdefault(head, {})[k] = x
        elif head == "train":
            if value is None:
                draft.pop("train", None)
            else:
                if not isinstance(value, dict):
                    raise DraftError("train", "give params, tokens and quarters")
                t = {}
                for part in ("params", "tokens", "quarters"):
                    if part not in value:
                        if part == "quarters":
                            continue
                        raise DraftError(f"train.{part}", "missing")
                    x = value[part]
                    f = FIELDS[f"train.{part}"]
                    x = int(x) if f.kind == "integer" and _is_whole(x) else _number(x, f.name)
                    if (why := f.problem(x)) is not None:
                        raise DraftError(f.name, why)
                    t[part] = x
                draft["train"] = t
        elif spec.kind == "ids":
            ids = [value] if isinstance(value, str) else list(value)
            known = tuple(self.game.world.tables.prod_ids)
            for pid in ids:
                if pid not in known:
                    raise DraftError("build", f"unknown product {pid!r}; known: {', '.join(known)}")
            draft["build"] = list(dict.fromkeys([*draft.get("build", []), *ids]))
        elif spec.kind == "flag":
            if not isinstance(value, bool):
                raise DraftError(head, "true or false")
            if value:
                draft[head] = True
            else:
                draft.pop(head, None)
        else:
            if value is None and head in ("lease", "train_share"):
                draft[head] = None
            else:
                x = _number(value, head)
                if (why := spec.problem(x)) is not None:
                    raise DraftError(head, why)
                draft[head] = x
        return draft

    def unset(self, name: str) -> None:
        """Drop one order from the draft (the standing order applies again)."""
        head, _, key = name.partition(".")
        if key and isinstance(self.draft.get(head), dict):
            self.draft[head].pop(key, None)
            if not self.draft[head]:
                self.draft.pop(head)
        else:
            self.draft.pop(head, None)

    def clear(self) -> None:
        self.draft = {}

    # ------------------------------------------------------------------ orders
    def compose(self, draft: dict | None = None) -> tuple[dict, list[str]]:
        """The quarter's orders (a script `[[quarters]]` entry without `quarter`):
        the standing orders with the draft on top, and notices of standing orders
        trimmed to the cash."""
        d = copy.deepcopy(self.draft if draft is None else draft)
        st = self.standing
        out: dict[str, Any] = {k: x for k, x in d.items() if k != "mix"}
        notices: list[str] = []
        if "lease" not in d:
            out["lease"] = st["lease"]
        research = {**st["research"], **d.get("research", {})}
        out["research"] = {k: x for k, x in research.items() if x > 0}
        if "train_share" not in d and st["train_share"] is not None:
            out["train_share"] = st["train_share"]
        if out.get("train_share") is None:
            out.pop("train_share", None)
        # Prices need no restating: the engine keeps last quarter's (st["prices"]).
        mix = {**st["mix"], **d.get("mix", {})}
        own = "train" in out and bool(out["train"].get("mix"))
        if "train" in out and not own and mix and any(x > 0 for x in mix.values()):
            out["train"] = {**out["train"], "mix": {k: x for k, x in mix.items() if x > 0}}
        if out.get("lease") is None:
            out.pop("lease", None)
        self._trim(out, d, notices)
        return out, notices

    def _trim(self, out: dict, draft: dict, notices: list[str]) -> None:
        """Cut standing research, then the standing lease, to what the cash can pay."""
        w = self.game.world
        st, tb = w.state, w.tables
        if not st.alive[0, PLAYER]:
            return
        cx = w.context()
        lease_cost = float(cx.lease_cost[0])
        cash = float(st.cash[0, PLAYER])
        building = float(((st.build_left[0, PLAYER] > 0) * tb.build_cost / tb.build_q).sum())
        fixed = (
            float(out.get("buy", 0.0)) * float(cx.buy_cost[0])
            + sum(
                float(tb.build_cost[tb.prod_ids.index(p)] / tb.build_q[tb.prod_ids.index(p)])
                for p in out.get("build", [])
            )
            + float(out.get("repay", 0.0))
        )
        budget = CASH_MARGIN * max(cash, 0.0) + float(out.get("borrow", 0.0)) - building - fixed
        budget = max(budget, 0.0)
        explicit_research = sum(draft.get("research", {}).values())
        standing_research = {
            k: x for k, x in out["research"].items() if k not in draft.get("research", {})
        }
        lease_spend = float(out.get("lease") or 0.0) * lease_cost
        lease_standing = "lease" not in draft
        room = budget - explicit_research - (0.0 if lease_standing else lease_spend)
        total_sr = sum(standing_research.values())
        if total_sr > 0 and total_sr > room - (lease_spend if lease_standing else 0.0):
            keep = max(room - (lease_spend if lease_standing else 0.0), 0.0)
            scale = min(keep / total_sr, 1.0)
            for k, x in standing_research.items():
                out["research"][k] = x * scale
            out["research"] = {k: x for k, x in out["research"].items() if x > 1e-9}
            notices.append(
                f"cash is short: standing research cut from ${total_sr:.2f}B to "
                f"${total_sr * scale:.2f}B this quarter"
            )
            room -= total_sr * scale
        else:
            room -= total_sr
        if lease_standing and lease_spend > room + 1e-12 and lease_cost > 0:
            can = max(room, 0.0) / lease_cost
            notices.append(
                f"cash is short: the standing lease of {out['lease']:,.0f}k GPUs was cut to "
                f"{can:,.0f}k this quarter (what ${max(room, 0):.2f}B pays for)"
            )
            out["lease"] = can

    def orders(self, draft: dict | None = None) -> tuple[Orders, list[str]]:
        """Engine orders for this quarter, or OrderError with every reason."""
        composed, notices = self.compose(draft)
        return quarter_orders(composed, self.quarter + 1), notices

    def check(self, draft: dict | None = None) -> list[v.Refusal]:
        """Why the draft would be refused this quarter ([] if it would be played)."""
        if self.done:
            return [v.Refusal("orders", "the game is over")]
        try:
            o, _ = self.orders(draft)
        except OrderError as e:
            return [self.refusal(r) for r in e.reasons]
        return self.check_orders(o)

    def check_orders(self, orders: Orders) -> list[v.Refusal]:
        """Why exact engine orders (no standing orders) would be refused this quarter."""
        if self.done:
            return [v.Refusal("orders", "the game is over")]
        w = self.game.world
        try:
            engine_step(w.tables, w.state, {PLAYER: orders})
        except OrderError as e:
            return [self.refusal(r) for r in e.reasons]
        return []

    def refusal(self, reason: str) -> v.Refusal:
        """An engine reason ("Your Lab: lease: ...") as a Refusal(field, reason)."""
        name = self.game.names[PLAYER]
        text = reason[len(name) + 2 :] if reason.startswith(name + ": ") else reason
        head = text.split(":", 1)[0]
        if head.split(".")[0] in DRAFT_KEYS and ":" in text:
            return v.Refusal(head, text.split(":", 1)[1].strip())
        return v.Refusal("orders", text)

    # ------------------------------------------------------------------ ranges
    def legal(self) -> v.LegalView:
        """The allowed range of every order field this quarter, from the order spec
        and the lab's books (cash, debt room, a run under way, products built)."""
        w = self.game.world
        st, tb = w.state, w.tables
        cx = w.context()
        cash = float(st.cash[0, PLAYER])
        alive = bool(st.alive[0, PLAYER]) and not self.done
        idle = not st.run_on[0, PLAYER] and st.run_wait[0, PLAYER] < 0
        lease_cost, buy_cost = float(cx.lease_cost[0]), float(cx.buy_cost[0])
        debt_room = float(cx.debt_room[0, PLAYER])
        debt = float(st.debt[0, PLAYER])
        ranges = []
        for f in ORDER_FIELDS:
            lo, hi, allowed, why, each = (
                f.lo,
                f.hi,
                alive,
                "" if alive else "the game is over",
                None,
            )
            if f.name == "lease":
                hi, each = max(cash, 0.0) / lease_cost, lease_cost
            elif f.name == "buy":
                hi, each = max(cash, 0.0) / buy_cost, buy_cost
            elif f.name.startswith("train.") and f.name != "train.mix" and not idle:
                allowed, why = False, "a training run is already under way"
            elif f.name == "research":
                hi = max(cash, 0.0)
            elif f.name == "borrow":
                hi = max(debt_room, 0.0)
                if hi <= 0:
                    allowed, why = (
                        False,
                        "lenders will lend no more (limit: a year's revenue + half the hardware's book value)",
                    )
            elif f.name == "repay":
                hi = min(debt, max(cash, 0.0))
                if debt <= 0:
                    allowed, why = False, "no debt to repay"
            elif f.name == "raise_funds":
                each = None  # asking more is allowed; investors give what they will
            elif f.name == "distill" and not st.has[0, PLAYER, 0]:
                allowed, why = False, "there is no frontier model to distill"
            ranges.append(
                v.FieldRange(
                    f.name,
                    f.kind,
                    f.label,
                    f.unit,
                    f.help,
                    float(lo),
                    float(hi),
                    f.keys,
                    bool(allowed),
                    why,
                    f.standing,
                    each,
                    f.lo_open,
                )
            )
        products = []
        for j, pid in enumerate(tb.prod_ids):
            p = self.scenario.products[j]
            state = (
                "built"
                if st.built[0, PLAYER, j]
                else "building"
                if st.build_left[0, PLAYER, j] > 0
                else "available"
            )
            products.append(
                v.ProductChoice(
                    pid,
                    p.name,
                    float(tb.build_cost[j]),
                    int(tb.build_q[j]),
                    float(p.upkeep),
                    p.blurb,
                    state,
                )
            )
        return v.LegalView(
            quarter=self.quarter + 1,
            cash=cash,
            borrow_room=max(debt_room, 0.0),
            raise_expected=float(cx.raise_cap[0, PLAYER]),
            valuation=float(cx.valuation[0, PLAYER]),
            fields=tuple(ranges),
            products=tuple(products),
        )

    # ------------------------------------------------------------------ preview
    def preview(self, draft: dict | None = None) -> v.PreviewView:
        """The engine's next quarter with the draft committed, on a copy of the world.

        Rivals, buyers and the market react as the engine would; nothing changes in
        the real game.
        """
        d = self.draft if draft is None else draft
        plan = None
        if "train" in d and {"params", "tokens"} <= set(d["train"]):
            t = d["train"]
            plan = self.plan_training(t["params"], t["tokens"], int(t.get("quarters", 2)))
        w = self.game.world
        st = w.state
        me = PLAYER
        refusals: list[v.Refusal] = []
        if self.done:
            refusals = [v.Refusal("orders", "the game is over")]
        else:
            try:
                o, notices = self.orders(draft)
                ns, rep = engine_step(w.tables, st, {me: o})
            except OrderError as e:
                refusals = [self.refusal(r) for r in e.reasons]
        if refusals:
            return v.PreviewView(
                ok=False, refusals=tuple(refusals), cash_after=float(st.cash[0, me]), training=plan
            )
        m = rep.metrics
        f = dict(zip(FLOW_NAMES, rep.flows[0, me], strict=True))
        spend = -sum(f[k] for k in ("lease", "purchase", "research", "product_build", "distill"))
        rev = float(m["revenue"][0, me])
        op = float(m["op_profit"][0, me])
        shares = _shares(m, w.tables.n_labs)
        old = _shares_prev(st, w.tables.n_labs)
        total = float(m["revenue"][0].sum() + m["fringe_revenue"][0])
        cx = w.context()
        margins = tuple(
            (tier, _margin(float(ns.prices[0, me, k]), float(cx.serve_cost[0, me, k])))
            for k, tier in enumerate(TIERS)
            if ns.has[0, me, k]
        )
        return v.PreviewView(
            ok=True,
            refusals=(),
            spend=float(spend),
            revenue=rev,
            costs=rev - op,
            profit=op,
            cash_after=float(ns.cash[0, me]),
            revenue_share=rev / total if total > 0 else 0.0,
            shares=tuple(
                v.ShareView(
                    s, SEGMENT_NAMES[s], float(shares[i, me]), float(shares[i, me] - old[i, me])
                )
                for i, s in enumerate(SEGMENTS)
            ),
            margins=margins,
            served=float(m["served"][0, me]),
            notices=tuple(notices),
            training=plan,
            raised=float(f["funding"]),
            dilution=float(f["funding"])
            / max(float(cx.valuation[0, me]) + float(f["funding"]), 1e-9),
        )

    def plan_training(self, params: float, tokens: float, quarters: int = 2) -> v.TrainingPlan:
        """The scaling law's prediction for a run, with its cost and the data it uses."""
        w = self.game.world
        st, tb = w.state, w.tables
        law = tb.law
        p = self.scenario.params
        params, tokens = float(params), float(tokens)
        flops = scaling.TRAIN_FLOPS_PER_PARAM_TOKEN * params * tokens
        n_opt, d_opt = scaling.compute_optimal(flops, law)
        finish = self.quarter + max(int(quarters), 1) - 1
        cap, d_eff, stock = run_capability(
            tb,
            finish,
            np.array([params]),
            np.array([tokens]),
            st.data_stock[:1],
            st.research[0, PLAYER, RESEARCH.index("synthetic")][None],
        )
        cap = float(cap[0])
        cx = w.context()
        fpk = tb.flops_per_kgpu_q * p.train_utilization
        capacity = float(st.gpus[0, PLAYER] + st.lease[0, PLAYER])
        infer = (
            float(st.infer_flops_prev[0, PLAYER])
            * 1.1
            / (tb.flops_per_kgpu_q * p.infer_utilization)
        )
        free = max(capacity - infer, 0.0)
        per_q = free * fpk
        last = self.game.world.reports[-1].metrics if self.game.world.reports else None
        return v.TrainingPlan(
            params=params,
            tokens=tokens,
            flops=flops,
            tokens_per_param=tokens / params,
            optimal_tokens_per_param=float(d_opt / n_opt),
            optimal_params=float(n_opt),
            optimal_tokens=float(d_opt),
            loss=float(scaling.loss(params, tokens, law)),
            capability=cap,
            level=scaling.level_name(cap),
            frontier=float(last["frontier"][0]) if last else None,
            cost=flops * float(cx.train_flop_cost[0]),
            quarters=int(quarters),
            quarters_at_current_compute=flops / per_q if per_q > 0 else math.inf,
            compute_needed=flops / max(int(quarters), 1) / fpk,
            data_stock=float(stock[0]),
            data_use=tokens / float(stock[0]),
            effective_tokens=float(d_eff[0]),
            flops_per_quarter=per_q,
            ladder=tuple(scaling.LEVELS),
        )

    def suggested_run(self) -> v.TrainingPlan:
        """A starting point for the planner: the run in the draft, else a compute-optimal
        run of what the lab's free GPUs train in two quarters (at least 1e23 FLOPs)."""
        t = self.draft.get("train")
        if t and {"params", "tokens"} <= set(t):
            return self.plan_training(t["params"], t["tokens"], int(t.get("quarters", 2)))
        per_q = self.plan_training(1e12, 2e13, 2).flops_per_quarter
        budget = float(f"{max(2 * per_q, 1e23):.1e}")
        n, d = self.split_budget(budget)
        return self.plan_training(n, d, 2)

    def split_budget(
        self, flops: float, tokens_per_param: float | None = None
    ) -> tuple[float, float]:
        """(params, tokens) for a FLOP budget at a tokens-per-parameter ratio
        (None: the compute-optimal split), with 6·N·D = FLOPs."""
        if tokens_per_param is None:
            n, d = scaling.compute_optimal(float(flops), self.game.world.tables.law)
            return float(n), float(d)
        n = math.sqrt(float(flops) / (scaling.TRAIN_FLOPS_PER_PARAM_TOKEN * tokens_per_param))
        return n, n * tokens_per_param

    # ------------------------------------------------------------------ playing
    def end_quarter(self, autosave: bool = True, report: bool = True) -> v.QuarterReport | None:
        """Play the quarter with the draft on top of the standing orders.

        Raises OrderError (nothing played, the draft kept) when the engine refuses;
        its reasons are worded as `refusal()` words them. Autosaves afterwards; a save
        that cannot be written is reported, not raised. report=False skips building
        the QuarterReport (for bots and studies) and returns None.
        """
        if self.done:
            raise OrderError(["the game is over"])
        before = self.view() if report else None
        if not self.game.world.state.alive[0, PLAYER]:
            # A lesson plays the world on after the lab's bankruptcy: nothing to order.
            self.game.play(None)
            self.draft = {}
            notices = ["your lab is bankrupt: the world played on for the lesson"]
            return self._after(before, notices, autosave)
        o, notices = self.orders()
        note = self.draft.get("note") if isinstance(self.draft.get("note"), str) else None
        self._play(o, note)
        self._remember(o)
        self.draft = {}
        return self._after(before, notices, autosave)

    def play_exact(
        self, orders: Orders, note: str | None = None, autosave: bool = False, report: bool = False
    ) -> v.QuarterReport | None:
        """Play exactly these engine orders (no standing orders, no draft): for agents
        and scripts that give every order themselves. OrderError if refused."""
        if self.done:
            raise OrderError(["the game is over"])
        before = self.view() if report else None
        self._play(orders, note)
        self.draft = {}
        self._sync_prices()
        return self._after(before, [], autosave)

    def autoplay(self, autosave: bool = True, report: bool = True) -> v.QuarterReport | None:
        """Let the game's policy (--policy) play this quarter instead of the orders.

        The standing orders stay as the player left them for the quarters after.
        """
        if self.done:
            raise OrderError(["the game is over"])
        before = self.view() if report else None
        self.game.play(None)
        self.draft = {}
        self._sync_prices()
        return self._after(
            before, [f"the {self.game.bot.name} policy played this quarter"], autosave
        )

    def _play(self, o: Orders, note: str | None) -> None:
        try:
            self.game.play(o, note)
        except OrderError as e:
            raise OrderError([self.refusal(r).text() for r in e.reasons]) from None

    def _after(self, before, notices, autosave: bool) -> v.QuarterReport | None:
        saved, error = None, None
        if autosave:
            try:  # under a fresh name if another game took this one meanwhile
                self.save_name = self._claim(self.save_name)
                saved = str(self._saver.autosave(self.folder, self.save_name))
            except (SaveError, OSError) as e:
                error = e.errors[0] if isinstance(e, SaveError) else str(e)
        if before is None:
            self.last_report = None
            return None
        self.last_report = self._report(before, notices, saved, error)
        return self.last_report

    def note(self, text: str | None) -> None:
        """The player's reason for this quarter's orders, quoted in the debrief."""
        if text is None or not str(text).strip():
            self.draft.pop("note", None)
        else:
            self.draft["note"] = str(text).strip()[:500]

    def rename(self, name: str) -> None:
        """Save under another name from now on (SaveError if the name is unsafe; a
        name another game's files hold gives a fresh one, said in `warnings`)."""
        self.save_name = self._claim(clean_name(name))

    def _claim(self, stem: str) -> str:
        """`stem`, or the first free `stem-2`, `stem-3`... if files of that name hold
        another game (or a later state of this one, after a rewound load): each game
        keeps its own saves and autosaves, and none is overwritten."""
        if not name_taken(self.folder, stem, self.game):
            return stem
        for k in range(2, 1000):
            cut = stem[: 64 - len(f"-{k}")].rstrip(" .-")
            fresh = f"{cut}-{k}"
            if not name_taken(self.folder, fresh, self.game):
                self.warnings.append(
                    f"another game (or a later state of this one) is saved as '{stem}' in "
                    f"{self.folder}; this game is saved as '{fresh}' so that none is lost"
                )
                return fresh
        raise SaveError([f"save name '{stem}': every name from '{stem}-2' on is taken"])

    def _remember(self, o: Orders) -> None:
        _carry(self.standing, o)
        if "mix" in self.draft:  # a specialization set without a run this quarter
            self.standing["mix"] = {**self.standing["mix"], **self.draft["mix"]}
        self._sync_prices()

    def _sync_prices(self) -> None:
        w = self.game.world
        self.standing["prices"] = {
            t: float(w.state.prices[0, PLAYER, k])
            for k, t in enumerate(TIERS)
            if w.state.has[0, PLAYER, k]
        }

    def _standing_from_records(self) -> dict[str, Any]:
        """Standing orders as the last quarters left them (for new and loaded games)."""
        st = standing_orders(self.game)
        spec = self.pt.model.player.specialization
        if spec and not st["mix"]:
            st["mix"] = dict(spec)
        self.standing = st
        self._sync_prices()
        return self.standing

    # ------------------------------------------------------------------ lessons
    @property
    def lesson(self):
        """The lesson played in this game (content/lessons), or None."""
        return self.game.lesson[0] if self.game.lesson else None

    def checkpoint(self, quarter: int | None = None):
        """The lesson's checkpoint at `quarter` (default: the quarter just played),
        with its figures as they stood then; None if it has none there."""
        if self.game.lesson is None:
            return None
        from .lesson import checkpoint_view

        q = self.quarter if quarter is None else quarter
        return checkpoint_view(*self.game.lesson, self.game, q)

    @staticmethod
    def lesson_form(content: Content, lesson: str, seed: int | None = None):
        """The prediction form that opens a lesson (lessons.LessonForm); a lesson
        where each student plays their own world draws its seed here."""
        from .lesson import lesson_form

        return lesson_form(content, lesson, seed)

    def discussion(self):
        """The lesson's debrief questions, each with its charts; [] outside a lesson."""
        if self.game.lesson is None:
            return []
        from .lesson import discussion

        return discussion(self.game.lesson[0], self.game)

    def checkpoint_due(self):
        """The checkpoint of the quarter just played, if it is not answered yet."""
        cp = self.checkpoint()
        return cp if cp is not None and cp.answer is None else None

    def answer(self, quarter: int, text: str) -> Path:
        """Keep the student's answer at a checkpoint: in the save (written now) and in
        the run folder for `frontier class collect`. SaveError if it cannot be
        written (the answer is kept in the game and written with the next save)."""
        from .lesson import MAX_ANSWER

        if self.game.lesson is None:
            raise SaveError(["this game is not a lesson"])
        cp = self.checkpoint(quarter)
        if cp is None:
            raise SaveError([f"the lesson has no checkpoint at quarter {quarter} played"])
        self.game.lesson[1].answers[quarter] = str(text).strip()[:MAX_ANSWER]
        self.save()
        return self.write_run()

    @property
    def run_folder(self) -> Path:
        """Where a lesson's answers and the run's files go: runs/<save name>."""
        return Path("runs") / self.save_name

    def write_run(self) -> Path:
        """Write summary.json (with the lesson's answers), quarters.csv, charts.csv
        and debrief.md into the run folder. SaveError if it cannot be written."""
        from .outputs import OutputError

        try:
            return self.export(self.run_folder)
        except (OSError, OutputError) as e:
            raise SaveError([f"{self.run_folder}: cannot write the run's files: {e}"]) from None

    def lesson_results(self):
        """Predictions against what happened so far (lessons.PredictionResult)."""
        if self.game.lesson is None:
            return []
        from .lesson import prediction_results

        return prediction_results(*self.game.lesson, self.game)

    # ------------------------------------------------------------------ views
    def tutorial(self):
        """The guided start's step to show now (game/play/tutorial.py), or None once
        the player has finished or skipped it. Playing past the last step finishes it."""
        from . import tutorial

        played = len(self.game.records)
        if played >= len(tutorial.STEPS) and not tutorial.done(self.folder):
            tutorial.finish(self.folder)
        return tutorial.step(self.folder, played)

    def skip_tutorial(self) -> None:
        """Hide the guided start, now and in every later game (remembered)."""
        from . import tutorial

        tutorial.finish(self.folder)

    def charts(self):
        """Every history chart of the game so far (game/play/charts.py)."""
        from .charts import charts

        return charts(self.game)

    def industry(self):
        """The industry after the last quarter: value chain, verdict and why, open
        weights, data (game/play/industry.py); None before the first quarter."""
        from .industry import industry

        return industry(self.game)

    def odds(
        self,
        policy: str = "standing",
        worlds: int = 300,
        seed: int = 0,
        progress=None,
        cancelled=None,
    ) -> dict:
        """The game's odds: `worlds` copies of it played from now to the end (what is
        still to come drawn afresh, engine `futures`), with your standing orders
        ("standing") or a bot in your seat. The `frontier sweep --from SAVE` JSON,
        figure for figure. The game itself is not touched."""
        from .sweep import run_sweep, sweep_json

        res = run_sweep(
            self.pt.scenario,
            policy,
            worlds,
            seed,
            progress=progress,
            goals=self.pt.scenario_model.goals,
            start=self.game,
            cancelled=cancelled,
            standing=self.standing,
        )
        return sweep_json(res)

    def view(self) -> v.QuarterView:
        """The quarter as the player sees it (cached until the game or orders change)."""
        from .observe import build_view

        key = (self.quarter, len(self.game.records), repr(self.standing))
        if self._view is None or self._view[0] != key:
            self._view = (key, build_view(self))
        return self._view[1]

    def _report(self, before, notices, saved, error) -> v.QuarterReport:
        from .observe import build_report

        return build_report(self, before, notices, saved, error)

    # ------------------------------------------------------------------ saving
    def save(self, name: str | None = None) -> Path:
        """Save as NAME (default: the game's save name) in the saves folder.

        SaveError (never OSError) if the name is unsafe or the file cannot be
        written. Another game's save is never overwritten: a NAME that holds one is
        refused; if the game's own name was taken meanwhile, a fresh one is chosen
        (and said in `warnings`)."""
        if name:
            return self._saver.save(self.folder / f"{clean_name(name)}.toml", guard=True)
        self.save_name = self._claim(self.save_name)
        return self._saver.save(self.folder / f"{self.save_name}.toml", guard=True)

    def decisions(self) -> list[str]:
        """The decisions that mattered, with what followed (as in the debrief)."""
        from .outputs import mattered

        return mattered(self.game)

    def result(self) -> dict | None:
        """The summary.json of the game so far (the contract of `frontier run`); None
        before the first quarter is played."""
        if not self.game.records:
            return None
        return summary(self.game, policy=self.game.bot.name)

    def debrief_md(self, what_ifs: bool | None = False) -> str:
        """The debrief. what_ifs: True adds the what-if section (replays, about a
        second); None adds a line saying it is being worked out; False leaves it out."""
        md = debrief_md(self.game)
        if what_ifs is None:
            return _insert_section(md, WHAT_IFS_PENDING)
        return _insert_section(md, self.what_ifs_md()) if what_ifs else md

    def playthrough(self) -> Playthrough:
        """The game so far as a checked playthrough (the save without its [save] table)."""
        data = self._saver.data()
        data.pop("save", None)
        return script_from_data(data, self.content, shown=f"{self.save_name}.toml")

    def what_ifs(self, top: int = 3) -> tuple[list, list[str]]:
        """The `top` decisions that moved your score most, each found by playing the
        same world again without it (game/play/whatif.py), and the lines that say
        so (or why there are none). Kept until another quarter is played."""
        key = (len(self.game.records), top)
        if self._what_ifs is None or self._what_ifs[0] != key:
            from .whatif import decisions, what_if_lines, what_ifs

            pt = self.playthrough()
            items = what_ifs(self.game, pt, top)
            lines = what_if_lines(items, len(decisions(self.game, pt)))
            self._what_ifs = (key, items, lines)
        return self._what_ifs[1], self._what_ifs[2]

    def what_ifs_md(self) -> str:
        """The debrief's what-if section, as Markdown."""
        from .whatif import what_ifs_section

        items, lines = self.what_ifs()
        return what_ifs_section(items, lines)

    def run_files(self) -> dict[str, str]:
        """summary.json, quarters.csv, charts.csv and debrief.md, as `frontier run` writes
        them; the debrief gains its what-if section once `what_ifs()` has found it."""
        files = run_files(self.game)
        if self._what_ifs is not None and self._what_ifs[0][0] == len(self.game.records):
            files["debrief.md"] = _insert_section(files["debrief.md"], self.what_ifs_md())
        return files

    def export(self, out: str | Path) -> Path:
        """Write the run's files into folder `out` (all or nothing)."""
        from .outputs import write_folder

        return write_folder(out, self.run_files())

    def share_code(self) -> str:
        from .share import make_code

        return make_code(self.pt, self.content)


# ---------------------------------------------------------------------- helpers


#: The what-if section while the replays run.
WHAT_IFS_PENDING = (
    "## What if: the decisions that moved your score most\n\n"
    "Playing the game again without each of your decisions that mattered...\n"
)


def default_name(scenario: str, seed: int) -> str:
    """The save name of a new game: `<scenario>-<seed>`, where a scenario given as a
    path gives its file's stem; a stem that makes no safe name gives `game-<seed>`."""
    stem = scenario
    if "/" in stem or "\\" in stem or stem.endswith(".toml"):
        stem = Path(stem.replace("\\", "/")).name
        stem = stem[:-5] if stem.lower().endswith(".toml") else stem
    stem = stem.replace("..", ".")[:48]
    try:
        return clean_name(f"{stem}-{seed}")
    except SaveError:
        return f"game-{seed}"


def _insert_section(md: str, section: str) -> str:
    """Put a debrief section before "## Decisions that mattered" (else at the end)."""
    mark = "## Decisions that mattered"
    if mark in md:
        return md.replace(mark, section.rstrip() + "\n\n" + mark, 1)
    return md.rstrip() + "\n\n" + section


def standing_orders(game: Game) -> dict[str, Any]:
    """The standing orders a game's recorded orders leave: lease, research, training
    share and mix carry from the last quarter that set them (prices: the lab's own)."""
    st: dict[str, Any] = {
        "lease": float(game.world.state.lease[0, PLAYER]),
        "research": {},
        "train_share": None,
        "mix": {},
        "prices": {},
    }
    for rec in game.records:
        if rec.orders is not None:  # None: the policy played it; the standing orders stay
            _carry(st, rec.orders)
    return st


def _carry(standing: dict[str, Any], o: Orders) -> None:
    """The standing orders after a quarter played with `o`."""
    if o.lease is not None:
        standing["lease"] = float(o.lease)
    standing["research"] = {k: float(x) for k, x in o.research.items()}
    standing["train_share"] = o.train_share
    if o.train is not None and o.train.mix:
        standing["mix"] = dict(o.train.mix)


def _number(x: Any, what: str) -> float:
    if isinstance(x, bool):
        raise DraftError(what, f"{x!r} is not a number")
    try:
        f = float(x)
    except (TypeError, ValueError, OverflowError):
        raise DraftError(what, f"{x!r} is not a number") from None
    if not math.isfinite(f):
        raise DraftError(what, f"{x!r} is not a finite number")
    return f


def _is_whole(x: Any) -> bool:
    try:
        return float(x) == int(float(x))
    except (TypeError, ValueError, OverflowError):
        return False


def _margin(price: float, cost: float) -> float:
    return (price - cost) / price if price > 0 else 0.0


def _shares(m: dict, n_labs: int) -> np.ndarray:
    """(S, L) share of each segment's buyers from a report's metrics (world 0)."""
    return m["shares"][0, :, :-1].reshape(len(SEGMENTS), n_labs, len(TIERS)).sum(-1)


def _shares_prev(st, n_labs: int) -> np.ndarray:
    return st.share_prev[0, :, :-1].reshape(len(SEGMENTS), n_labs, len(TIERS)).sum(-1)


__all__ = ["DRAFT_KEYS", "DraftError", "GameSession"]
