"""How the world works: the model card (docs/model.md) split by topic for the app."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

#: docs/model.md of this copy of Frontier (the repository's; see README).
MODEL_MD = Path(__file__).resolve().parents[2] / "docs" / "model.md"


@dataclass(frozen=True)
class CardSection:
    id: str  # "4" for "## 4. Scaling"; "intro" for the text before the first section
    title: str
    text: str  # the section's Markdown, its heading included


def model_card(path: Path | None = None) -> tuple[CardSection, ...]:
    """The model card's sections in order (the contents list left out), or () when
    this copy of Frontier has no docs/model.md."""
    path = MODEL_MD if path is None else Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ()
    out: list[CardSection] = []
    parts = re.split(r"^(?=## )", text, flags=re.M)
    intro = parts[0].strip()
    if intro:
        out.append(CardSection("intro", "About this model card", intro))
    for part in parts[1:]:
        heading = part.splitlines()[0][3:].strip()
        if heading.lower() == "contents":
            continue
        m = re.match(r"(\d+)\.\s*(.*)", heading)
        sid, title = (m.group(1), f"{m.group(1)}. {m.group(2)}") if m else (heading, heading)
        out.append(CardSection(sid, title, part.strip()))
    return tuple(out)


__all__ = ["MODEL_MD", "CardSection", "model_card"]
