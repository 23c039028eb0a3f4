"""`frontier facts`: the stylized facts Frontier is calibrated to, measured on the engine.

Each fact has a real-world anchor with its source, a tolerance band for the engine's
figure, and how it is measured (scenario, policy in the player's seat, worlds). The
measurements play batches of worlds through the same engine as `frontier sweep`
(world k has seed `seed + k`), so a seed gives the same table every time.

    rows = measure(content, worlds=200, seed=0)
    [(r.id, r.value, r.ok) for r in rows]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from game.content.loader import Content, build_scenario
from game.engine import VERDICTS, World, scaling
from game.engine.state import FLOW

from .bots import BOTS, get_bot
from .script import MAX_SEED, PLAYER

#: Policies compared for the endings and for balance (every bot that can hold a seat).
POLICIES = tuple(BOTS)


@dataclass(frozen=True)
class Fact:
    id: str
    text: str  # the fact, in words
    anchor: str  # the real-world figure it is calibrated to
    source: str
    lo: float  # tolerance band for the engine's figure
    hi: float
    unit: str
    how: str  # scenario, policy and statistic measured
    value: float | None = None
    ok: bool | None = None

    def band(self) -> str:
        if np.isinf(self.hi):
            return f">= {self.lo:g} {self.unit}".strip()
        if self.lo <= -1e300:
            return f"<= {self.hi:g} {self.unit}".strip()
        return f"{self.lo:g}-{self.hi:g} {self.unit}".strip()


@dataclass
class Batch:
    """What the facts read from one scenario played with one policy in the seat."""

    scenario: str
    policy: str
    history: dict[str, np.ndarray]  # (T, W, ...)
    funding: np.ndarray  # (T, W, L) $B raised per quarter
    run_flops: np.ndarray  # (T, W) largest run deployed so far, FLOPs
    holds: np.ndarray  # (W,) scaling holds in this world
    seat_profit: np.ndarray  # (W,) the seat's cumulative economic profit, $B
    seat_stake: np.ndarray  # (W,) the founders' stake in the seat's lab at the end, $B
    start_year: int


def play_batch(content: Content, scenario: str, policy: str, worlds: int, seed: int) -> Batch:
    """Play `worlds` worlds of a scenario to the end with `policy` in the player's seat."""
    bot = get_bot(policy)
    sc = bot.seat(build_scenario(content, content.scenarios[scenario]), PLAYER)
    decide = bot.decide_for((PLAYER,))
    w = World(sc, seed=seed, worlds=worlds, human=(), explain_events=False)
    funding, run_flops = [], []
    econ = np.zeros(worlds)
    while w.quarter < sc.quarters:
        rep = w.step(decide=decide)
        funding.append(rep.flows[..., FLOW["funding"]].copy())
        run_flops.append(w.state.last_run_flops.max(-1).copy())
        econ += rep.metrics["econ_profit"][:, PLAYER]
    return Batch(
        scenario,
        policy,
        w.history(),
        np.stack(funding),
        np.stack(run_flops),
        w.state.holds.copy(),
        econ,
        w.reports[-1].metrics["stake"][:, PLAYER].copy(),
        sc.start_year,
    )


# ---------------------------------------------------------------------------- facts


def _median(x) -> float:
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    return float(np.median(x)) if x.size else float("nan")


def _share(mask) -> float:
    return float(np.mean(np.asarray(mask, dtype=float)))


def _verdict_share(b: Batch, name: str) -> float:
    return _share(b.history["verdict"][-1] == VERDICTS.index(name))


def _year(b: Batch, year: int) -> slice:
    q0 = (year - b.start_year) * 4
    return slice(max(q0, 0), max(q0 + 4, 0))


def _facts() -> list[Fact]:
    return [
        Fact(
            "constant_capability_price",
            "The price of constant capability falls every year",
            "~10x a year (a16z 'LLMflation'); Epoch AI: 9-900x a year by task",
            "a16z (2024), Welcome to LLMflation; Epoch AI (2025), LLM inference prices",
            5.0,
            30.0,
            "x a year",
            "default, balanced seat: median over worlds of the yearly fall, 2026-2034",
        ),
        Fact(
            "open_share_holds",
            "Open-weight models serve a real share of tokens where scaling holds",
            "~13% of enterprise workloads (Menlo 2025) to ~30% of routed tokens (OpenRouter)",
            "Menlo Ventures (2025), mid-year LLM market update; OpenRouter (2025), State of AI",
            0.05,
            0.50,
            "share",
            "default, balanced seat, worlds where scaling holds: median share 2026-2027",
        ),
        Fact(
            "open_share_stalls",
            "... and where it stalls",
            "as above",
            "as above",
            0.05,
            0.50,
            "share",
            "default, balanced seat, worlds where scaling stalls: median share 2026-2027",
        ),
        Fact(
            "capital_per_year",
            "Investors have a bounded sum for AI labs each year",
            "global AI private investment ~$100-250B a year (2024-25)",
            "Stanford AI Index (2025); PitchBook (2025)",
            60.0,
            300.0,
            "$B a year",
            "default, balanced seat: median over worlds of the investors' pool a year, "
            "2025-2026 (what all labs together could raise)",
        ),
        Fact(
            "largest_round",
            "The largest single round of 2025-2027 stays near today's record",
            "largest round ~$40B (2025)",
            "OpenAI's March 2025 round, as reported",
            5.0,
            60.0,
            "$B",
            "default, balanced seat: median over worlds of the largest round in 2025-2027",
        ),
        Fact(
            "leader_cash_end",
            "No lab sits on an unbounded pile of idle cash",
            "largest corporate cash piles ~$100-350B",
            "company filings (Apple, Alphabet, Microsoft), 2024-25",
            -1e308,
            500.0,
            "$B",
            "default, balanced seat: median over worlds of the richest lab's cash at the end",
        ),
        Fact(
            "market_growth_2026",
            "Lab revenue grows fast early on",
            "~3x in 2025, ~2-2.5x planned for 2026",
            "company statements and reporting on OpenAI and Anthropic revenue (2025)",
            2.0,
            4.0,
            "x",
            "default, balanced seat: median of industry model revenue 2026 / 2025",
        ),
        Fact(
            "frontier_level_2025",
            "In 2025 the frontier stands between top graduate student and Nobel-level",
            "the interview's ladder, today's models below the top",
            "the interview (shared/seed), idea 3",
            3.0,
            3.0,
            "level",
            "default, balanced seat: median level of the 2025 frontier "
            "(1 freshman, 2 good student, 3 top graduate student, 4 Nobel-level)",
        ),
        Fact(
            "level_climbed_holds",
            "Where scaling holds, the frontier climbs a level within the game",
            "the interview: models move up the ladder while scaling continues",
            "the interview (shared/seed), ideas 3-4",
            0.8,
            1.0,
            "share of worlds",
            "default, balanced seat, worlds where scaling holds: frontier level 2034 > 2025",
        ),
        Fact(
            "level_kept_stalls",
            "Where scaling stalls, the frontier stays on its level",
            "the interview: if scaling stops, models stop getting smarter",
            "the interview (shared/seed), ideas 3-4",
            0.0,
            0.2,
            "share of worlds",
            "default, balanced seat, worlds where scaling stalls: frontier level 2034 > 2025",
        ),
        *[
            Fact(
                f"steel_oligopoly_{pol}",
                f"Steel ends as a consolidated oligopoly ({pol} in the seat)",
                "steel: an oligopoly of 4-5 firms with scale economies",
                "Sutton (1991), Sunk Costs and Market Structure",
                0.65,
                1.0,
                "share of worlds",
                f"steel, {pol} seat: share of worlds whose verdict is consolidated oligopoly",
            )
            for pol in POLICIES
        ],
        *[
            Fact(
                f"solar_commoditized_{pol}",
                f"Solar ends commoditized ({pol} in the seat)",
                "solar panels: prices fell to cost and firms exited (2011-13)",
                "Nemet (2019), How Solar Energy Became Cheap",
                0.70,
                1.0,
                "share of worlds",
                f"solar, {pol} seat: share of worlds whose verdict is commoditized",
            )
            for pol in POLICIES
        ],
        Fact(
            "solar_lab_lerner",
            "In solar the labs' own margins fall toward zero",
            "solar makers' margins near zero in the shake-out",
            "Nemet (2019)",
            -1e308,
            0.15,
            "Lerner",
            "solar, balanced seat: median labs-only Lerner index over the last year",
        ),
        Fact(
            "solar_exits",
            "In solar labs leave the market",
            "the 2011-13 shake-out of solar makers",
            "Nemet (2019)",
            0.5,
            1.0,
            "share of worlds",
            "solar, balanced seat: share of worlds where at least one lab exits",
        ),
        Fact(
            "default_uncertain",
            "The default world's ending is genuinely uncertain",
            "the interview leaves steel versus solar open",
            "the interview (shared/seed)",
            -1e308,
            0.60,
            "share of worlds",
            "default, balanced seat: share of the most common verdict",
        ),
        Fact(
            "leader_keeps_lead",
            "The starting leader does not win because of where it starts",
            "leaders in new industries often lose their lead",
            "Sutton (1998), Technology and Market Structure; Christensen (1997)",
            -1e308,
            0.60,
            "share of worlds",
            "default, balanced seat: share of worlds whose first-quarter revenue leader "
            "leads at the end",
        ),
        Fact(
            "no_dominant_policy",
            "No bot policy is the best in most worlds",
            "a game with no dominant strategy",
            "design goal (issue 11)",
            -1e308,
            0.50,
            "share of worlds",
            "default, steel, solar: the largest share of worlds in which one policy leaves "
            "the seat's founders the most valuable stake (equity x valuation at the end)",
        ),
        Fact(
            "vendor_margin",
            "The chip vendor's gross margin in the boom",
            "~75% (NVIDIA FY2025)",
            "NVIDIA annual report, fiscal 2025",
            0.60,
            0.80,
            "share",
            "default, balanced seat: median vendor gross margin 2025-2026",
        ),
        Fact(
            "training_compute_growth",
            "Frontier training compute grows 4-5x a year",
            "4-5x a year (Epoch AI)",
            "Epoch AI (2024), Training compute of frontier AI models grows by 4-5x per year",
            3.0,
            6.0,
            "x a year",
            "default, balanced seat, worlds where scaling holds: median yearly growth of the "
            "largest run deployed, 2025-2030",
        ),
        Fact(
            "training_compute_2030",
            "The largest run by 2030",
            "~2e29 FLOP by 2030 (Epoch AI)",
            "Epoch AI (2024), Can AI scaling continue through 2030?",
            5e28,
            5e29,
            "FLOP",
            "default, balanced seat, worlds where scaling holds (Epoch's projection assumes "
            "it keeps paying): median largest run deployed by the end of 2030",
        ),
    ]


def _value(fact: Fact, batches: dict[tuple[str, str], Batch]) -> float:
    d = batches[("default", "balanced")]
    h = d.history
    fid = fact.id
    if fid == "constant_capability_price":
        return _median(np.exp(np.nanmean(np.log(h["price_decline"][4:]), axis=0)))
    if fid in ("open_share_holds", "open_share_stalls"):
        mask = d.holds if fid == "open_share_holds" else ~d.holds
        if not mask.any():
            return float("nan")
        years = slice(_year(d, 2026).start, _year(d, 2027).stop)
        return _median(h["open_token_share"][years].mean(0)[mask])
    if fid == "capital_per_year":
        years = slice(_year(d, 2025).start, _year(d, 2026).stop)
        return _median(h["capital_pool"][years].sum(0) / 2.0)
    if fid == "largest_round":
        years = slice(_year(d, 2025).start, _year(d, 2027).stop)
        return _median(d.funding[years].max((0, 2)))
    if fid == "leader_cash_end":
        return _median(h["cash"][-1].max(-1))
    if fid == "market_growth_2026":
        rev = h["revenue"].sum(-1) + h["fringe_revenue"]
        return _median(rev[_year(d, 2026)].sum(0) / np.maximum(rev[_year(d, 2025)].sum(0), 1e-9))
    if fid == "frontier_level_2025":
        return _median(scaling.level_index(h["frontier"][_year(d, 2025)].mean(0)))
    if fid in ("level_climbed_holds", "level_kept_stalls"):
        mask = d.holds if fid == "level_climbed_holds" else ~d.holds
        if not mask.any():
            return float("nan")
        first = scaling.level_index(h["frontier"][0])
        last = scaling.level_index(h["frontier"][-1])
        return _share((last > first)[mask])
    if fid.startswith("steel_oligopoly_"):
        return _verdict_share(
            batches[("steel", fid.removeprefix("steel_oligopoly_"))], "consolidated oligopoly"
        )
    if fid.startswith("solar_commoditized_"):
        return _verdict_share(
            batches[("solar", fid.removeprefix("solar_commoditized_"))], "commoditized"
        )
    if fid == "solar_lab_lerner":
        s = batches[("solar", "balanced")].history
        return _median(np.nanmean(s["lab_lerner"][-4:], axis=0))
    if fid == "solar_exits":
        s = batches[("solar", "balanced")].history
        return _share(s["labs_alive"][-1] < s["labs_alive"].max(0))
    if fid == "default_uncertain":
        v = h["verdict"][-1]
        return max(_share(v == i) for i in range(len(VERDICTS)))
    if fid == "leader_keeps_lead":
        first = h["revenue"][0].argmax(-1)
        last = h["revenue"][-1].argmax(-1)
        return _share(first == last)
    if fid == "no_dominant_policy":
        worst = 0.0
        for scen in ("default", "steel", "solar"):
            stakes = np.stack([batches[(scen, pol)].seat_stake for pol in POLICIES])
            best = stakes.max(0)
            # A world counts for a policy only if that policy alone did best there
            # (where every seat went bust, all stakes are 0 and nobody wins).
            alone = (stakes == best).sum(0) == 1
            wins = stakes.argmax(0)
            worst = max(worst, max(_share((wins == i) & alone) for i in range(len(POLICIES))))
        return worst
    if fid == "vendor_margin":
        m = h["markup"][slice(_year(d, 2025).start, _year(d, 2026).stop)]
        return _median((m / (1.0 + m)).mean(0))
    if fid == "training_compute_growth":
        f = d.run_flops
        a, b = f[_year(d, 2025)].max(0), f[_year(d, 2030)].max(0)
        if not d.holds.any():
            return float("nan")
        return _median(((b / np.maximum(a, 1.0)) ** (1.0 / 5.0))[d.holds])
    if fid == "training_compute_2030":
        if not d.holds.any():
            return float("nan")
        return _median(d.run_flops[: _year(d, 2030).stop].max(0)[d.holds])
    raise KeyError(fid)


def measure(
    content: Content,
    worlds: int = 200,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> list[Fact]:
    """Every fact with the engine's figure on `worlds` worlds from `seed`."""
    if not 1 <= worlds <= 100_000:
        raise ValueError("--worlds must be 1..100,000")
    if not 0 <= seed <= MAX_SEED - worlds:
        raise ValueError(f"--seed must be 0..{MAX_SEED - worlds}")
    needed = [("default", p) for p in POLICIES] + [("steel", p) for p in POLICIES]
    needed += [("solar", p) for p in POLICIES]
    batches = {}
    for scen, pol in needed:
        if progress:
            progress(f"{scen} with {pol} in the seat")
        batches[(scen, pol)] = play_batch(content, scen, pol, worlds, seed)
    out = []
    for f in _facts():
        v = _value(f, batches)
        ok = bool(np.isfinite(v) and f.lo <= v <= f.hi) if np.isfinite(v) else None
        out.append(Fact(**{**f.__dict__, "value": float(v), "ok": ok}))
    return out


def facts_json(rows: list[Fact], worlds: int, seed: int) -> dict:
    return {
        "worlds": worlds,
        "seed": seed,
        "within": sum(1 for r in rows if r.ok),
        "facts": [
            {
                "id": r.id,
                "fact": r.text,
                "anchor": r.anchor,
                "source": r.source,
                "band": r.band(),
                "lo": r.lo if np.isfinite(r.lo) and r.lo > -1e300 else None,
                "hi": r.hi if np.isfinite(r.hi) else None,
                "unit": r.unit,
                "measured": r.how,
                "value": r.value if np.isfinite(r.value) else None,
                "ok": r.ok,
            }
            for r in rows
        ],
    }


def facts_markdown(rows: list[Fact], worlds: int, seed: int) -> str:
    """The table for docs/model.md."""
    out = [
        f"Measured with `frontier facts --worlds {worlds} --seed {seed}`.",
        "",
        "| fact | anchor | engine | band | within |",
        "| --- | --- | ---: | --- | --- |",
    ]
    for r in rows:
        val = "n/a" if not np.isfinite(r.value) else f"{r.value:.3g}"
        ok = "n/a" if r.ok is None else ("yes" if r.ok else "**no**")
        out.append(f"| {r.text} | {r.anchor} | {val} {r.unit} | {r.band()} | {ok} |")
    return "\n".join(out) + "\n"


__all__ = ["POLICIES", "Fact", "facts_json", "facts_markdown", "measure", "play_batch"]
