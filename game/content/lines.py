"""Where a key lives in a TOML file: a dotted path -> line number map.

tomllib gives values, not positions, so error messages would lose their line. This
scanner reads the text once and records the line of every table header, array-of-
tables entry, key and inline-table key. It understands what content files use:
`[table]`, `[[array]]` (and sub-tables of its current element), `key = value`, dotted
keys, inline tables, and multi-line strings and arrays (skipped).
"""

from __future__ import annotations

import re

Path = tuple  # of str | int

_BARE = r"[A-Za-z0-9_-]+"
_KEY = rf'(?:{_BARE}|"[^"]*"|\'[^\']*\')'
_DOTTED = rf"{_KEY}(?:\s*\.\s*{_KEY})*"
_HEADER = re.compile(rf"^\s*\[\s*({_DOTTED})\s*\]\s*(?:#.*)?$")
_ARRAY = re.compile(rf"^\s*\[\[\s*({_DOTTED})\s*\]\]\s*(?:#.*)?$")
_ASSIGN = re.compile(rf"^\s*({_DOTTED})\s*=\s*(.*)$")
_INLINE_KEY = re.compile(rf"({_DOTTED})\s*=")


def _split(dotted: str) -> list[str]:
    parts = re.findall(_KEY, dotted)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


def _strip_strings(s: str) -> str:
    return re.sub(r'"(?:\\.|[^"\\])*"|\'[^\']*\'', '""', s)


def line_map(text: str) -> dict[Path, int]:
    """Map each path (tuple of keys and array indexes) to its 1-based line."""
    out: dict[Path, int] = {}
    counters: dict[tuple, int] = {}
    table: list = []
    lines = text.splitlines()
    i = 0
    in_multi: str | None = None
    depth = 0
    while i < len(lines):
        raw = lines[i]
        n = i + 1
        i += 1
        if in_multi:
            if in_multi in raw:
                in_multi = None
            continue
        if depth > 0:
            code = _strip_strings(raw.split("#", 1)[0])
            depth += code.count("[") - code.count("]")
            continue
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _ARRAY.match(raw)
        if m:
            parts = _split(m.group(1))
            base = [*_resolve(parts[:-1], counters), parts[-1]]
            key = tuple(base)
            counters[key] = counters.get(key, -1) + 1
            table = [*base, counters[key]]
            out.setdefault(tuple(base), n)
            out[tuple(table)] = n
            continue
        m = _HEADER.match(raw)
        if m:
            table = _resolve(_split(m.group(1)), counters)
            out.setdefault(tuple(table), n)
            continue
        m = _ASSIGN.match(raw)
        if not m:
            continue
        path = [*table, *_split(m.group(1))]
        out.setdefault(tuple(path), n)
        value = m.group(2)
        for q in ('"""', "'''"):
            if value.lstrip().startswith(q) and value.count(q) == 1:
                in_multi = q
        code = _strip_strings(value.split("#", 1)[0]) if not in_multi else ""
        if code.lstrip().startswith("{"):
            for k in _INLINE_KEY.findall(code):
                out.setdefault((*path, *_split(k)), n)
        elif code.lstrip().startswith("["):
            depth = code.count("[") - code.count("]")
    return out


def _resolve(parts: list[str], counters: dict[tuple, int]) -> list:
    """Insert the current index after any prefix that is an array of tables."""
    out: list = []
    for p in parts:
        out.append(p)
        key = tuple(out)
        if key in counters:
            out.append(counters[key])
    return out


def find_line(lines: dict[Path, int], path: Path) -> int:
    """Line of `path`, or of its nearest recorded ancestor, or 1."""
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return 1


def dotted(path: Path) -> str:
    """('rivals', 2, 'archetype') -> 'rivals[2].archetype'."""
    s = ""
    for p in path:
        if isinstance(p, int):
            s += f"[{p}]"
        else:
            s += ("." if s else "") + str(p)
    return s or "(file)"
