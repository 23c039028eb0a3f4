"""What `frontier run` writes: summary.json, quarters.csv, charts.csv and debrief.md.

Every output is a pure function of the game, so identical inputs give byte-identical
files (no clocks, no absolute paths). `write_folder` stages the files in a temporary
folder beside the target and renames them into place, so a failure leaves nothing
half-written.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import stat
import tempfile
from pathlib import Path

import numpy as np

from game.engine import SEGMENTS, TIERS, VC_NAMES
from game.engine.metrics import HHI_CONCENTRATED, HHI_MONOPOLY
from game.engine.scenario import SEGMENT_NAMES

from .measures import QUARTER_COLUMNS
from .runner import Game, QuarterRecord
from .script import PLAYER

#: Version of the summary.json layout (its keys are a contract; see README).
SUMMARY_VERSION = 1

VERDICT_MEANING = {
    "monopoly": "one lab holds most of the market and prices well above cost",
    "consolidated oligopoly": "a few labs share the market and keep healthy margins, like steel",
    "competitive": "many labs compete and margins are modest",
    "commoditized": "prices sit near cost or open weights serve most tokens, like solar panels",
}


class OutputError(Exception):
    """An output folder that cannot be written (exit code 2)."""


def _r(x: float, digits: int = 6) -> float:
    """Round for the outputs: stable text, no false precision."""
    v = float(x)
    if not np.isfinite(v):
        return 0.0
    return float(f"{v:.{digits}g}")


def date_label(start_year: int, t: int) -> str:
    """Quarter t (0-based) as '2025 Q1'."""
    return f"{start_year + t // 4} Q{t % 4 + 1}"


# ------------------------------------------------------------------------- summary


def summary(game: Game, script: str | None = None, policy: str | None = None) -> dict:
    """The summary.json contract: see README ("frontier run")."""
    last = game.records[-1].market
    h = game.history()
    vc = h["value_chain_cum"][-1, 0]
    share = game.revenue_share()
    profit = game.cumulative_profit()
    econ = game.economic_profit()
    stake = game.stake()
    equity = game.world.state.equity[0]
    best = game.best_capability()
    st = game.world.state
    labs = []
    for i, name in enumerate(game.names):
        if not st.exists[0, i]:
            continue
        lq = game.records[-1].labs[i]
        labs.append(
            {
                "name": name,
                "controller": game.controllers[i],
                "alive": bool(lq.alive),
                "cash": _r(lq.cash),
                "cumulative_profit": _r(profit[i]),
                "economic_profit": _r(econ[i]),
                "equity": _r(equity[i]),
                "stake": _r(stake[i]),
                "revenue_share": _r(share[i]),
                "best_capability": _r(best[i]),
                "level": _level(best[i]),
            }
        )
    score, met = game.score()
    values = game.goal_values()
    out = {
        "format_version": SUMMARY_VERSION,
        "scenario": game.scenario.id,
        "title": game.scenario.title,
        "seed": game.seed,
        "quarters": game.quarter,
        "verdict": last["verdict"],
        "hhi": _r(last["hhi"]),
        "cr4": _r(last["cr4"]),
        "lerner": _r(last["lerner"]),
        "value_chain": {k: _r(vc[j]) for j, k in enumerate(VC_NAMES)},
        "adoption": _r(last["adoption"]),
        "investor_sentiment": _r(last["sentiment"]),
        "units": {"money": "$B", "hhi": "0-10,000", "shares": "0-1"},
        "labs": labs,
        "player": {
            "name": game.names[PLAYER],
            "policy": policy or game.bot.name,
            "script": script,
            "score": score,
            "goals_met": met,
            "goals": [
                {
                    "id": g.id,
                    "text": g.text,
                    "target": f"{g.op} {g.value:g}",
                    "value": _r(values[g.id]),
                    "met": g.id in met,
                }
                for g in game.goals
            ],
            "quarters_ordered": sum(r.scripted for r in game.records),
            "runs": sum(1 for r in game.records for a in r.actions if a.kind == "train"),
            "products": sorted(_built(game)),
            "final_prices": {t: _r(v, 4) for t, v in game.records[-1].labs[PLAYER].prices.items()},
        },
    }
    if game.lesson is not None:
        from .lesson import lesson_summary

        out["lesson"] = lesson_summary(*game.lesson, game)
    return out


def _level(cap: float) -> str:
    from game.engine import scaling

    return scaling.level_name(float(cap)) if cap > 0 else "none"


def _built(game: Game) -> set[str]:
    st = game.world.state
    ids = game.world.tables.prod_ids
    return {q for j, q in enumerate(ids) if st.built[0, PLAYER, j] or st.build_left[0, PLAYER, j]}


# ------------------------------------------------------------------------ quarters


def quarters_csv(game: Game) -> str:
    """One row per quarter per lab that exists ($B; shares 0-1; prices $/M tokens)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(QUARTER_COLUMNS)
    start = game.scenario.start_year
    for rec in game.records:
        for i, lq in enumerate(rec.labs):
            if lq is None:
                continue
            w.writerow(
                [
                    rec.quarter + 1,
                    date_label(start, rec.quarter),
                    game.names[i],
                    game.controllers[i],
                    int(lq.alive),
                    f"{lq.cash:.4f}",
                    f"{lq.revenue:.4f}",
                    f"{lq.costs:.4f}",
                    f"{lq.op_profit:.4f}",
                    *(f"{lq.share[s]:.4f}" for s in SEGMENTS),
                    *(f"{lq.prices[t]:.4f}" for t in TIERS),
                    f"{lq.capability:.3f}",
                    lq.level,
                    f"{rec.market['adoption']:.4f}",
                    f"{rec.market['sentiment']:.4f}",
                    f"{lq.econ_profit:.4f}",
                    f"{lq.equity:.4f}",
                    f"{lq.stake:.4f}",
                ]
            )
    return buf.getvalue()


# ------------------------------------------------------------------------- debrief


def hhi_chart(game: Game, width: int = 40) -> str:
    """The HHI at the end of each year as text bars, with the merger-guideline bands."""
    start = game.scenario.start_year
    rows = []
    for rec in game.records:
        if rec.quarter % 4 == 3 or rec is game.records[-1]:
            v = float(rec.market["hhi"])
            n = round(width * min(v, 10_000) / 10_000)
            band = (
                "monopoly range"
                if v >= HHI_MONOPOLY
                else "highly concentrated"
                if v >= HHI_CONCENTRATED
                else "unconcentrated"
                if v < 1500
                else "moderately concentrated"
            )
            label = date_label(start, rec.quarter)
            rows.append(f"{label}  {'#' * n}{'.' * (width - n)}  {v:6,.0f}  {band}")
    mark = [" "] * width
    for thr in (HHI_CONCENTRATED, HHI_MONOPOLY):
        mark[round(width * thr / 10_000)] = "|"
    axis = " " * 9 + "".join(mark) + "  (| = 1,800 and 5,000)"
    return "\n".join([*rows, axis])


def _money(x: float) -> str:
    return f"-${-x:,.1f}B" if x < 0 else f"${x:,.1f}B"


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def debrief_md(game: Game, script: str | None = None, s: dict | None = None) -> str:
    """The debrief; `s` is the game's summary if already computed (run_files)."""
    s = s or summary(game, script)
    sc = game.scenario
    name = game.names[PLAYER]
    out: list[str] = []
    add = out.append
    add(f"# Debrief: {sc.title}")
    add("")
    by_policy = sum(1 for r in game.records if not r.scripted)
    who = (
        f"the `{game.bot.name}` policy played {by_policy} of them"
        if by_policy
        else "every quarter with the player's orders"
    )
    add(
        f"{name} played {s['quarters']} quarters of *{sc.title}* (scenario `{sc.id}`, seed "
        f"{game.seed}); {who}."
    )
    bust = game.bust_quarter
    if bust is not None:
        add("")
        ended = (
            ". The lesson played the world on without it, so the verdict below is the "
            "market's at the end."
            if game.quarter > bust + 1
            else ", so the game ended there. The verdict below is the market's state at that point."
        )
        add(
            f"**{name} went bankrupt in {date_label(sc.start_year, bust)}**: its cash "
            f"ran out and lenders would give no more{ended}"
        )
    add("")
    if game.lesson is not None:
        from .lesson import lesson_md

        out += lesson_md(*game.lesson, game)
    add("## The verdict")
    add("")
    add(
        f"**{s['verdict']}**: {VERDICT_MEANING[s['verdict']]}. At the end, the HHI of model "
        f"revenue was {s['hhi']:,.0f}, the four largest sellers held {_pct(s['cr4'])} of it "
        f"and the revenue-weighted Lerner index was {s['lerner']:.2f} (price above marginal "
        "cost, as a share of price)."
    )
    from .industry import industry

    why = industry(game)
    if why is not None:
        add("")
        add(
            f"Why: the verdict reads the average of the last {why.window} quarters "
            "(docs/model.md 14.1):"
        )
        add("")
        for r in why.reasons:
            add(f"- {r}")
    add("")
    add("## Your result")
    add("")
    p = s["player"]
    add(f"Score **{p['score']}/100**: {len(p['goals_met'])} of {len(p['goals'])} goals met.")
    add("")
    for g in p["goals"]:
        add(
            f"- [{'x' if g['met'] else ' '}] {g['text']} (needed {g['target']}, reached {g['value']:.3g})"
        )
    me = next(lab for lab in s["labs"] if lab["controller"] == "player")
    add("")
    add(
        f"{name} ended with {_money(me['cash'])} in cash, a cumulative operating profit of "
        f"{_money(me['cumulative_profit'])}, {_pct(me['revenue_share'])} of the industry's "
        f"model revenue and a best model of capability {me['best_capability']:.2f} ({me['level']})."
    )
    add("")
    add("## Who captured the value")
    add("")
    vc = s["value_chain"]
    total = sum(max(v, 0.0) for v in vc.values()) or 1.0
    add("Shares are of the value created (layers that lost money show their loss instead).")
    add("")
    add("| layer | cumulative | share |")
    add("| --- | ---: | ---: |")
    labels = {
        "hardware": "Chip vendor (gross profit)",
        "labs": "AI labs (operating profit)",
        "apps": "Applications built on the models",
        "consumers": "Consumers (surplus over price)",
    }
    for k in VC_NAMES:
        share = _pct(vc[k] / total) if vc[k] >= 0 else "loss"
        add(f"| {labels[k]} | {_money(vc[k])} | {share} |")
    add("")
    first, last = game.records[0].market, game.records[-1].market
    add("## Buyers and investors")
    add("")
    add(
        f"Buyers who had adopted AI, of all who could: {_pct(first['adoption'])} after the "
        f"first quarter, {_pct(last['adoption'])} at the end (Bass diffusion, docs/model.md "
        f"8.3). Investors' mood (1 = neutral): {first['sentiment']:.2f} at the start, "
        f"{last['sentiment']:.2f} at the end (docs/model.md 12)."
    )
    add("")
    add("## Market concentration, year by year")
    add("")
    add("```")
    add(hhi_chart(game))
    add("```")
    add("")
    add("## The labs at the end")
    add("")
    add("| lab | controller | alive | cash | cumulative profit | revenue share | best capability |")
    add("| --- | --- | --- | ---: | ---: | ---: | ---: |")
    for lab in s["labs"]:
        add(
            f"| {lab['name']} | {lab['controller']} | {'yes' if lab['alive'] else 'no'} | "
            f"{_money(lab['cash'])} | {_money(lab['cumulative_profit'])} | "
            f"{_pct(lab['revenue_share'])} | {lab['best_capability']:.2f} ({lab['level']}) |"
        )
    add("")
    add("## Decisions that mattered")
    add("")
    decisions = mattered(game)
    if not decisions:
        add("No decision changed much: the lab mostly held its course.")
    for line in decisions:
        add(f"- {line}")
    add("")
    add("## What happened in the market")
    add("")
    events = [
        (rec, e)
        for rec in game.records
        for e in rec.events
        if e.kind in ("event", "stall", "bankrupt", "entered", "released")
    ]
    if not events:
        add("No market events: no shocks, entries, exits or open releases.")
    for rec, e in events:
        add(f"- {date_label(sc.start_year, rec.quarter)}: {e.text}")
    add("")
    add("See docs/model.md for every equation behind these numbers.")
    add("")
    return "\n".join(out)


#: At most this many decisions in the debrief (the player's own orders come first).
MAX_DECISIONS = 12


def mattered(game: Game) -> list[str]:
    """The player's consequential decisions, each with what followed and why.

    A decision matters when it is a training run, a product, an open release, a
    funding round of a quarter or more of the cash, or a price move of 20% or more
    (50% when the policy made it: its prices move every quarter). What followed is
    read from the engine's explanations until the next listed decision (at most two
    quarters on): the models the player shipped and its share moves, with their causes.
    """
    start = game.scenario.start_year
    recs = game.records
    chosen = []
    for k, rec in enumerate(recs):
        acts = [
            a
            for a in rec.actions
            if a.matters and (rec.scripted or a.kind != "price" or a.size >= 0.5)
        ]
        if acts:
            chosen.append((k, rec, acts))
    if len(chosen) > MAX_DECISIONS:
        rank = {"train": 0, "release": 0, "build": 1, "raise": 2, "borrow": 2, "price": 3}
        keep = sorted(
            chosen,
            key=lambda c: (not c[1].scripted, min(rank.get(a.kind, 4) for a in c[2]), c[0]),
        )[:MAX_DECISIONS]
        chosen = sorted(keep, key=lambda c: c[0])
    out = []
    for n, (k, rec, acts) in enumerate(chosen):
        stop = chosen[n + 1][0] if n + 1 < len(chosen) else len(recs)
        window = recs[k : min(stop, k + 3)]
        who = "you" if rec.scripted else f"the {game.bot.name} policy"
        what = "; ".join(a.text for a in acts)
        note = f' Your note: "{rec.note}".' if rec.note else ""
        shipped = []
        if any(a.kind == "train" for a in acts):  # the model this run became, however late
            ship_q = next(
                (w for w in recs[k:] for e in w.events if e.lab == PLAYER and e.kind == "shipped"),
                None,
            )
            if ship_q is not None:
                shipped = [
                    f"{date_label(start, ship_q.quarter)}: {_strip_name(e.text, game)}"
                    for e in ship_q.events
                    if e.lab == PLAYER and e.kind in ("shipped", "stall")
                ]
        moves = [
            f"{date_label(start, w.quarter)}: {_strip_name(e.text, game)}"
            for w in window
            for e in w.events
            if e.lab == PLAYER and e.kind in ("share_up", "share_down")
        ]
        after = (shipped + moves)[:3]
        follow = " What followed: " + "; then ".join(after) + "." if after else ""
        out.append(f"**{date_label(start, rec.quarter)}** ({who}): {what}.{note}{follow}")
    return out


def _strip_name(text: str, game: Game) -> str:
    """'Ada Labs: share in coding rose...' -> 'share in coding rose...'; 'Ada Labs shipped' -> 'you shipped'."""
    name = game.names[PLAYER]
    if text.startswith(name + ": "):
        return text[len(name) + 2 :]
    if text.startswith(name + "'s "):
        return "your " + text[len(name) + 3 :]
    if text.startswith(name + " "):
        return "you " + text[len(name) + 1 :]
    return text


# -------------------------------------------------------------------------- writing


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass


class StagedFolder:
    """Files written and fsynced beside their folder, not yet in place.

    `commit()` puts them in place, all or nothing: a new folder is renamed into place
    whole; in an existing folder, the files of the same names are moved aside, the new
    ones renamed in, and on any failure the old ones are put back. Other files in the
    folder are left alone. `discard()` removes the staged files (and any parent folders
    the staging created).
    """

    def __init__(self, out: Path, names: list[str], tmp: Path, created: list[Path]):
        self.out, self.names, self.tmp, self.created = out, names, tmp, created

    def discard(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)
        for folder in self.created:  # deepest first
            try:
                folder.rmdir()
            except OSError:
                break

    def commit(self) -> Path:
        out = self.out
        try:
            if not os.path.isdir(out):
                os.replace(self.tmp, out)
                _fsync_dir(out.parent if str(out.parent) else Path("."))
                return out
            old = self.tmp / ".old"
            old.mkdir()
            moved: list[str] = []
            placed: list[str] = []
            try:
                for name in self.names:
                    if os.path.lexists(out / name):
                        os.replace(out / name, old / name)
                        moved.append(name)
                    os.replace(self.tmp / name, out / name)
                    placed.append(name)
            except OSError:
                for name in placed:  # put the old files back
                    with contextlib.suppress(OSError):
                        os.unlink(out / name)
                for name in moved:
                    with contextlib.suppress(OSError):
                        os.replace(old / name, out / name)
                raise
            _fsync_dir(out)
        except OSError as e:
            self.discard()
            raise OutputError(
                f"cannot write {out}: {e.strerror or e}; nothing was changed; choose another --out"
            ) from None
        shutil.rmtree(self.tmp, ignore_errors=True)
        return out


def check_folder(out: str | Path) -> None:
    """Raise OutputError unless `out` can be an output folder: an existing folder, or
    a path whose first existing ancestor is a folder this process can write to."""
    out = Path(out)
    shown = _shown_path(out)
    probe = out
    while True:
        try:
            st = os.stat(probe)
        except (FileNotFoundError, NotADirectoryError):  # look further up
            parent = probe.parent
            if parent == probe:
                raise OutputError(f"cannot write to {shown}: no such folder") from None
            probe = parent
            continue
        except OSError as e:
            raise OutputError(f"cannot use {shown}: {e.strerror or e}") from None
        break
    where = _shown_path(probe)
    if not stat.S_ISDIR(st.st_mode):
        if probe == out:
            raise OutputError(f"{shown} exists and is not a folder")
        raise OutputError(f"cannot write to {shown}: {where} is a file, not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write to {where}: permission denied")


def _shown_path(p: Path, limit: int = 120) -> str:
    s = str(p)
    return s if len(s) <= limit else f"{s[:60]}...{s[-40:]} ({len(s):,} characters)"


def stage_folder(out: str | Path, files: dict[str, str]) -> StagedFolder:
    """Write `files` (name -> text) beside folder `out`, ready for `commit()`.

    Raises OutputError with a one-line reason if the folder cannot be written; nothing
    is left behind then.
    """
    out = Path(out)
    check_folder(out)
    if os.path.isdir(out):
        for name in files:
            if os.path.isdir(out / name):
                raise OutputError(f"{out / name} is a folder; choose another --out")
    parent = out.parent if str(out.parent) else Path(".")
    created: list[Path] = []
    p = parent
    while not os.path.lexists(p) and p != p.parent:
        created.append(p)
        p = p.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(parent, f".{out.name}.tmp-")
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=parent))
    except OSError as e:
        StagedFolder(out, [], Path(os.devnull), created).discard()
        raise OutputError(
            f"cannot write to {_shown_path(parent)}: {e.strerror or e}; choose another --out"
        ) from None
    staged = StagedFolder(out, list(files), tmp, created)
    try:
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it 0700; follow the umask
        for name, text in files.items():
            with open(tmp / name, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
    except OSError as e:
        staged.discard()
        raise OutputError(
            f"cannot write {_shown_path(out)}: {e.strerror or e}; choose another --out"
        ) from None
    return staged


#: A staging folder older than this was left by a killed process (kill -9, power cut).
STALE_SECONDS = 3600


def _remove_stale(parent: Path, prefix: str) -> None:
    """Remove staging folders a killed `frontier` left beside the output folder."""
    import time

    try:
        for p in parent.iterdir():
            if (
                p.name.startswith(prefix)
                and p.is_dir()
                and not p.is_symlink()
                and time.time() - p.stat().st_mtime > STALE_SECONDS
            ):
                shutil.rmtree(p, ignore_errors=True)
    except OSError:
        pass


def write_folder(out: str | Path, files: dict[str, str]) -> Path:
    """Write `files` (name -> text) into folder `out`, all or nothing.

    The files are written and fsynced in a temporary folder beside `out`, then put in
    place (StagedFolder.commit): a failure at any point leaves `out` as it was.
    Raises OutputError with a one-line reason if the folder cannot be written.
    """
    return stage_folder(out, files).commit()


def charts_csv(game: Game) -> str:
    """The app's charts as numbers: one row per chart, series and quarter (long form,
    for a spreadsheet's pivot table); an empty value where a series has none."""
    from .charts import charts
    from .measures import FILES

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(FILES["charts.csv"])
    for c in charts(game):
        for s in c.series:
            for q, d, v in zip(c.quarters, c.dates, s.values, strict=True):
                w.writerow([c.id, s.name, s.role, q, d, "" if v is None else f"{v:.6g}", c.y_label])
    return buf.getvalue()


def run_files(game: Game, script: str | None = None) -> dict[str, str]:
    """The outputs of `frontier run` (and the debrief's export), as text."""
    s = summary(game, script)
    return {
        "summary.json": json.dumps(s, indent=2) + "\n",
        "quarters.csv": quarters_csv(game),
        "charts.csv": charts_csv(game),
        "debrief.md": debrief_md(game, script, s),
    }


__all__ = [
    "QUARTER_COLUMNS",
    "SEGMENT_NAMES",
    "OutputError",
    "QuarterRecord",
    "StagedFolder",
    "charts_csv",
    "check_folder",
    "date_label",
    "debrief_md",
    "hhi_chart",
    "mattered",
    "quarters_csv",
    "run_files",
    "stage_folder",
    "summary",
    "write_folder",
]
