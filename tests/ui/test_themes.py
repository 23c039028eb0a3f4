"""Themes for class: light, dark and high contrast, chosen with --theme or from the
palette, and no key number drawn dim.

The colours checked are the ones the terminal gets: the compositor's segments
(`uikit.screen_segments`), after the theme, opacity, tints and the app's line filters
have been applied. Every cell of every number on the screen (any cell that is a digit,
which covers cash, revenue, prices, shares, HHI, CR4, the Lerner index...) must be drawn
without the dim attribute, and its foreground must stand out from its background by
the WCAG contrast ratio (relative luminance): at least 4.5:1 (AA), and 7:1 (AAA) in the
high-contrast theme. The key numbers are then found by their text, so that the check
cannot pass on a screen that does not show them.
"""

from __future__ import annotations

import pytest
from uikit import make_app, play_quarters, ready, screen_segments, type_text

from game.cli import THEMES as CLI_THEMES
from game.cli import main
from game.play import money, signed_money
from game.ui.app import THEMES
from game.ui.screens.game import GameScreen
from game.ui.screens.industry import IndustryScreen
from game.ui.screens.panels import PricingPanel, ProductsPanel
from game.ui.screens.report import ReportScreen
from game.ui.widgets import pct

MIN_CONTRAST = {"dark": 4.5, "light": 4.5, "high-contrast": 7.0}


# ---------------------------------------------------------------------- colours


def luminance(rgb) -> float:
    """WCAG 2 relative luminance of an sRGB colour (0-255 channels)."""

    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(fg, bg) -> float:
    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def colours(style) -> tuple[tuple[int, int, int] | None, tuple[int, int, int] | None]:
    """The foreground and background a cell is drawn in (reverse video swapped)."""
    fg = tuple(style.color.get_truecolor()) if style and style.color else None
    bg = tuple(style.bgcolor.get_truecolor()) if style and style.bgcolor else None
    return (bg, fg) if style and style.reverse else (fg, bg)


def screen_cells(app) -> list[list[tuple[str, object]]]:
    """The screen as rows of (character, rich Style)."""
    return [[(ch, style) for _, text, style in row for ch in text] for row in screen_segments(app)]


def numbers_drawn_badly(app, minimum: float) -> list[str]:
    """Every run of digits on screen that is dim or under `minimum` contrast."""
    bad = []
    for y, row in enumerate(screen_cells(app)):
        text = "".join(ch for ch, _ in row)
        for x, (ch, style) in enumerate(row):
            if not ch.isdigit():
                continue
            fg, bg = colours(style)
            ratio = contrast(fg, bg) if fg and bg else 0.0
            if style is None or style.dim or ratio < minimum:
                what = "dim" if style is not None and style.dim else f"{ratio:.2f}:1"
                bad.append(f"row {y} col {x} ({what}, {fg} on {bg}): {text.strip()!r}")
    return bad


def lowest_contrast(app, texts: list[str]) -> dict[str, float]:
    """Each key number's lowest contrast on screen (absent ones are left out)."""
    rows = screen_cells(app)
    out = {}
    for want in texts:
        for row in rows:
            text = "".join(ch for ch, _ in row)
            at = text.find(want)
            if at < 0:
                continue
            ratios = [contrast(*colours(style)) for _, style in row[at : at + len(want)]]
            assert not any(style.dim for _, style in row[at : at + len(want)]), want
            out[want] = min(out.get(want, 99.0), *ratios)
    return out


# ---------------------------------------------------------------------- screens


async def _check(app, theme: str, where: str, keys: list[str], report: dict) -> None:
    minimum = MIN_CONTRAST[theme]
    bad = numbers_drawn_badly(app, minimum)
    assert not bad, f"{theme}, {where}: numbers dim or under {minimum}:1\n" + "\n".join(bad)
    found = lowest_contrast(app, keys)
    missing = [k for k in keys if k not in found]
    assert not missing, f"{theme}, {where}: key numbers not on screen: {missing}"
    assert min(found.values()) >= minimum
    report[where] = min(found.values())


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
@pytest.mark.parametrize("theme", list(THEMES))
async def test_no_key_number_is_drawn_dim_or_faint(tmp_path, theme, size):
    app = make_app(tmp_path, scenario="default", seed=1, theme_name=theme)
    seen: dict[str, float] = {}
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        assert app.theme == THEMES[theme]
        await play_quarters(pilot, 3)
        assert isinstance(app.screen, GameScreen)
        v = app.session.view()
        a, m = v.lab, v.market
        best = a.models[0]
        keys = [money(a.cash), money(a.revenue), money(a.profit), f"{m.hhi:,.0f}"]
        keys += [pct(m.cr4), f"{m.lerner:.2f}", f"${best.price:5.2f}", f"${best.serving_cost:5.2f}"]
        keys += [f"{pct(a.shares[0].share):>4}", f"{m.constant_cap_price:.2f}"]
        if a.revenue_change:  # a rise or a fall, in the theme's green or red
            keys.append(signed_money(a.revenue_change))
        await _check(app, theme, "dashboard", keys, seen)

        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        r = app.screen.report
        await _check(app, theme, "report", [n.value for n in r.numbers[:5]], seen)
        await pilot.press("enter")
        await pilot.pause()

        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, IndustryScreen)
        layers = app.session.industry().layers
        await _check(app, theme, "industry", [money(x.now) for x in layers], seen)
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("p")  # the price input is focused, its value selected
        await pilot.pause()
        assert isinstance(app.screen, PricingPanel)
        await _check(app, theme, "pricing panel", [f"{best.price:.6g}"], seen)
        await type_text(pilot, "5")
        await pilot.pause()
        preview = app.session.preview(app.screen.temp)
        await _check(app, theme, "pricing preview", [money(preview.revenue)], seen)
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("b")  # a focused checkbox with a cost in its label
        await pilot.pause()
        assert isinstance(app.screen, ProductsPanel)
        offer = next(p for p in app.screen.legal.products if p.state == "available")
        await _check(app, theme, "products panel", [money(offer.build_cost)], seen)
    print(f"{theme} {size}: lowest contrast of the key numbers", seen)


# ---------------------------------------------------------------------- choosing a theme


@pytest.mark.parametrize("theme", list(THEMES))
async def test_the_command_line_theme_is_the_one_shown(tmp_path, theme):
    app = make_app(tmp_path, theme_name=theme)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert app.theme == THEMES[theme]
        assert app.current_theme.name == THEMES[theme]


async def test_the_palette_switches_themes(tmp_path):
    app = make_app(tmp_path, scenario="default", seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert app.theme == THEMES["dark"]
        for label, theme in (
            ("Theme: light", "light"),
            ("Theme: high contrast", "high-contrast"),
            ("Theme: dark", "dark"),
        ):
            await pilot.press("ctrl+p")
            await pilot.pause()
            await type_text(pilot, label)
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause()
            assert app.theme == THEMES[theme], label
            assert isinstance(app.screen, GameScreen)


async def test_an_unknown_theme_exits_2_naming_the_themes(tmp_path):
    app = make_app(tmp_path, theme_name="nope")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    assert app.return_code == 2
    assert "unknown theme 'nope'" in app.exit_message
    assert all(name in app.exit_message for name in THEMES)


def test_frontier_play_refuses_an_unknown_theme(capsys):
    assert tuple(THEMES) == CLI_THEMES  # the command line offers the app's themes
    assert main(["play", "--theme", "nope"]) == 2
    err = capsys.readouterr().err
    assert "--theme" in err and "'nope'" in err
    assert all(name in err for name in THEMES)
