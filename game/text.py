"""Numbers as the game writes them: money in $B, counts and FLOPs.

One place for the formats every front-end and every output shares.
"""

from __future__ import annotations


def money(x: float) -> str:
    """$B as text: '$1.2B', '-$0.35B', '$12B', and millions below $10M: '$4.2M'."""
    sign = "-" if x < 0 else ""
    a = abs(x)
    if 0 < a < 0.01:
        return f"{sign}${a * 1000:.1f}M"
    if a >= 100:
        return f"{sign}${a:,.0f}B"
    if a >= 10:
        return f"{sign}${a:.1f}B"
    return f"{sign}${a:.2f}B"


def signed_money(x: float) -> str:
    return ("+" if x >= 0 else "") + money(x)


def si(count: float) -> str:
    """70e9 -> '70B', a short reading next to the exact figure; '' outside 1e3..1e15."""
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if scale <= count < 1e15:
            return f"{count / scale:.3g}{suffix}"
    return ""


def sci(value: float) -> str:
    """1e24 -> '1e24', 3.5e25 -> '3.5e25'."""
    mantissa, _, exponent = f"{value:.3g}".partition("e")
    return f"{mantissa}e{int(exponent)}" if exponent else mantissa


def count(value: float) -> str:
    """70e9 -> '70B', 1e20 -> '1e20'."""
    return si(value) or sci(value)


__all__ = ["count", "money", "sci", "si", "signed_money"]


def reflow(text: str) -> str:
    """Text wrapped by hand in a content file, as paragraphs a screen can wrap itself.

    Lines of a paragraph are joined with spaces; blank lines between paragraphs stay,
    and so do list items ("- ", "* ", "1. ") and headings, which start new lines.
    """
    import re

    out: list[str] = []
    for para in re.split(r"\n\s*\n", text.strip()):
        lines: list[str] = []
        for line in para.splitlines():
            line = line.strip()
            new = re.match(r"([-*]|\d+\.|#+)\s", line)
            if lines and not new and not lines[-1].startswith("#"):
                lines[-1] += " " + line
            else:
                lines.append(line)
        out.append("\n".join(lines))
    return "\n\n".join(out)
