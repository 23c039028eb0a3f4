"""Saves: a playthrough plus the metadata that proves it replays to the same game.

A save is the playthrough format (game/play/script.py) with a `[save]` table:

    [save]
    game_version = "0.1.0"
    content_digest = "3f9a..."        # the content folder it was played with
    created = "2026-11-28T17:00:00Z"
    updated = "2026-11-28T17:20:00Z"
    lab = "Ada Labs"
    quarter = 20                      # quarters played
    digests = ["a1b2...", ...]        # the engine state after each quarter

Loading replays the orders through the engine and compares each quarter's digest, so
a save that no longer gives the same game (the content or the engine changed) is
caught at the quarter where it diverges. Saves are data only (TOML via tomli-w, never
pickle or eval), at most 5 MB, written atomically (temporary file in the same folder,
flush, fsync, os.replace, fsync of the folder): a crash or `kill -9` mid-save leaves
the previous save whole.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import stat
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from game import __version__
from game.content.loader import Content, error_at, parse_toml, validate_toml
from game.engine.orders import Orders

from .atomic import atomic_write, clean_stale_temps
from .runner import Game, play_through
from .script import (
    DOC,
    MAX_SCRIPT_BYTES,
    SCRIPT_VERSION,
    Playthrough,
    ScriptError,
    ScriptModel,
    _raw_checks,
    check_script,
    migrate,
)

#: Most characters in a save name (the file name adds ".toml").
MAX_NAME = 64
#: Autosaves kept per game (the oldest is removed when a sixth is written).
AUTOSAVES = 5
AUTOSAVE_TAG = ".autosave-q"


class SaveError(ScriptError):
    """A save that cannot be read, written or trusted (exit 2; nothing changes)."""

    summary = "save error"
    outcome = "nothing was changed"


# ------------------------------------------------------------------------- where


def saves_dir(arg: str | Path | None = None) -> Path:
    """--saves-dir, else $FRONTIER_SAVES, else ./saves."""
    if arg:
        return Path(arg)
    env = os.environ.get("FRONTIER_SAVES")
    return Path(env) if env else Path("saves")


#: Anything but letters and digits (of any script), '_', spaces, '.' and '-'.
_BAD_CHARS = re.compile(r"[^\w .-]+")
#: Longest file stem in bytes: the autosave's suffix must still fit in 255 bytes.
MAX_NAME_BYTES = 200
#: The lab's name in a save: as script.py's Name (1 to 40 characters, no control ones).
MAX_LAB = 40


def clean_name(name: str) -> str:
    """A safe file stem for a save name, or SaveError.

    Letters (of any script) and digits, spaces, dots, dashes and underscores are
    kept, so `café` and `cafè` stay two names; other characters become '-'. Path
    separators, '..' and control characters are refused (not cleaned), as is a name
    that is empty or longer than MAX_NAME.
    """
    raw = str(name)
    if "/" in raw or "\\" in raw or ".." in raw:
        raise SaveError(
            [
                f"save name {raw!r}: a name cannot contain '/', '\\\\' or '..'; give a plain name like 'my-game'"
            ]
        )
    if any(unicodedata.category(c) == "Cc" for c in raw):
        raise SaveError(
            [f"save name {raw!r}: a name cannot contain control characters; give a plain name"]
        )
    stem = _BAD_CHARS.sub("-", unicodedata.normalize("NFC", raw)).strip(" .-")
    if stem.lower().endswith(".toml"):
        stem = stem[:-5].rstrip(" .-")
    if not stem:
        raise SaveError([f"save name {raw!r}: give a name with letters or digits"])
    if len(stem) > MAX_NAME or len(stem.encode("utf-8")) > MAX_NAME_BYTES:
        raise SaveError([f"save name {raw!r}: at most {MAX_NAME} characters"])
    return stem


def lab_label(name: str) -> str:
    """The lab's name as a save's `lab` field can hold it (script.py's Name: 1 to 40
    characters, no control characters): a longer name is cut with '...'. The field
    only labels the save in listings; the game replays from the script's header."""
    text = "".join(" " if unicodedata.category(c) == "Cc" else c for c in str(name)).strip()
    if len(text) > MAX_LAB:
        text = text[: MAX_LAB - 3].rstrip() + "..."
    return text or "?"


def save_path(ref: str | Path, folder: Path) -> Path:
    """A save given by name (in `folder`) or by path (contains '/' or ends in .toml)."""
    s = str(ref)
    if "/" in s or os.sep in s or s.endswith(".toml"):
        return Path(s)
    return folder / f"{clean_name(s)}.toml"


def read_limited(path: Path, shown: str | None = None, limit: int = MAX_SCRIPT_BYTES) -> bytes:
    """A save's bytes, or SaveError: only a regular file (a FIFO or device would hang
    or never end), and its size is checked before anything is read."""
    shown = str(path) if shown is None else shown
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO must not block the open
    except (OSError, ValueError) as e:  # ValueError: a NUL in the path
        why = getattr(e, "strerror", None) or e
        raise SaveError([f"{shown}:1: (file): cannot read: {why}"]) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            what = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
            raise SaveError([f"{shown}:1: (file): {what}; give a save file"])
        if st.st_size > limit:
            raise SaveError([f"{shown}:1: (file): larger than the {limit:,}-byte limit"])
        chunks, left = [], limit + 1
        while left > 0:
            b = os.read(fd, min(left, 1 << 20))
            if not b:
                break
            chunks.append(b)
            left -= len(b)
        return b"".join(chunks)
    except OSError as e:
        raise SaveError([f"{shown}:1: (file): cannot read: {e.strerror or e}"]) from None
    finally:
        os.close(fd)


def _is_scenario_path(ref: str, content: Content) -> bool:
    """As script.py's _scenario_ref: a reference that is not an id is a path if it ends
    in .toml or contains '/'."""
    return ref not in content.scenarios and (ref.endswith(".toml") or "/" in ref)


def portable_scenario(ref: str, shown: str, content: Content) -> str:
    """A scenario reference that reads the same from any folder: a relative path
    (read from the folder of the script or save `shown`) becomes absolute."""
    if not _is_scenario_path(ref, content) or Path(ref).is_absolute():
        return ref
    return os.path.abspath(Path(shown).parent / ref)


def belongs(path: Path, game: Game) -> bool:
    """Whether the save at `path` is an earlier (or the same) state of `game`, so that
    writing the game over it loses nothing: no file there, or a save of the same seed
    whose quarters' digests start ours. Another game, a later branch of this one, or
    a file that cannot be read is not ours to overwrite."""
    try:
        os.lstat(path)
    except (OSError, ValueError):  # nothing there (or no folder to write in: the write says why)
        return True
    try:
        data = tomllib.loads(read_limited(path).decode("utf-8"))
        meta = data["save"]
        theirs = list(meta["digests"])
        ours = [r.digest for r in game.records]
        return data["seed"] == game.seed and theirs == ours[: len(theirs)]
    except (SaveError, ValueError, KeyError, TypeError):
        return False


# ------------------------------------------------------------------------ digests


def content_digest(content: Content) -> str:
    """A fingerprint of every TOML file of the content folder (names and bytes)."""
    h = hashlib.blake2b(digest_size=12)
    root = Path(content.root)
    for p in sorted(root.rglob("*.toml")):
        h.update(str(p.relative_to(root)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()


# ----------------------------------------------------------------------- writing


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def orders_table(q: int, o: Orders, note: str | None = None) -> dict[str, Any]:
    """Orders of 1-based quarter q as a `[[quarters]]` entry (defaults left out)."""
    d: dict[str, Any] = {"quarter": q}
    if o.lease is not None:
        d["lease"] = float(o.lease)
    for k in ("buy", "raise_funds", "borrow", "repay"):
        if getattr(o, k):
            d[k] = float(getattr(o, k))
    if o.train is not None:
        t = o.train
        d["train"] = {
            "params": float(t.params),
            "tokens": float(t.tokens),
            "quarters": int(t.quarters),
        }
        if t.mix:
            d["train"]["mix"] = {k: float(v) for k, v in t.mix.items()}
    if o.train_share is not None:
        d["train_share"] = float(o.train_share)
    if o.research:
        d["research"] = {k: float(v) for k, v in o.research.items()}
    if o.build:
        d["build"] = list(o.build)
    if o.prices:
        d["prices"] = {k: float(v) for k, v in o.prices.items()}
    if o.distill:
        d["distill"] = True
    if o.release_open:
        d["release_open"] = True
    if note:
        d["note"] = note
    return d


@dataclass
class Session:
    """A game being played, with what it takes to save it: the script's header."""

    game: Game
    header: dict[str, Any]  # scenario, seed, policy, player: as in the script
    content: Content
    created: str | None = None
    _content_digest: str | None = None  # read once: the folder does not change mid-game

    @classmethod
    def from_playthrough(cls, pt: Playthrough, game: Game, content: Content) -> Session:
        m = pt.model
        scenario = portable_scenario(m.scenario, pt.shown, content)
        header: dict[str, Any] = {"scenario": scenario, "seed": m.seed, "policy": m.policy}
        player = {k: v for k, v in m.player.model_dump().items() if v}
        if player:
            header["player"] = player
        created = m.save.created if m.save else None
        return cls(game, header, content, created)

    def data(self) -> dict[str, Any]:
        """The save as a dict, ready for tomli-w."""
        g = self.game
        now = _now()
        quarters = [orders_table(r.quarter + 1, r.orders, r.note) for r in g.records if r.scripted]
        out: dict[str, Any] = {"format_version": SCRIPT_VERSION, **self.header}
        if g.lesson is not None:
            out["lesson"] = g.lesson[1].table()
        out["save"] = {
            "game_version": __version__,
            "content_digest": self._digest(),
            "created": self.created or now,
            "updated": now,
            "lab": lab_label(g.names[0]),
            "quarter": g.quarter,
            "digests": [r.digest for r in g.records],
        }
        if quarters:
            out["quarters"] = quarters
        return out

    def _digest(self) -> str:
        if self._content_digest is None:
            self._content_digest = content_digest(self.content)
        return self._content_digest

    def save(self, path: Path, guard: bool = False) -> Path:
        """Write the save atomically to `path` (its folder is created if needed).

        SaveError (never OSError) if it cannot be written; with `guard`, also if the
        file there holds another game, or a later state of this one (see `belongs`).
        """
        path = Path(path)
        try:
            record = self.data()
            data = tomli_w.dumps(record).encode("utf-8")
        except OSError as e:  # the content folder, read for its digest
            raise SaveError([f"{path}: cannot write the save: {e.strerror or e}"]) from None
        if len(data) > MAX_SCRIPT_BYTES:
            raise SaveError([f"{path}: the save would exceed {MAX_SCRIPT_BYTES:,} bytes"])
        if guard and not belongs(path, self.game):
            raise SaveError(
                [
                    f"{path}: another game (or a later state of this one) is saved under "
                    "this name; nothing was overwritten: save under another name"
                ]
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, data)
        except (OSError, ValueError) as e:  # ValueError: a NUL in the folder's path
            why = getattr(e, "strerror", None) or e
            raise SaveError([f"{path!s}: cannot write the save: {why}"]) from None
        if self.created is None:
            self.created = record["save"]["created"]
        return path

    def autosave(self, folder: Path, name: str) -> Path:
        """Save as `<name>.autosave-qNNN.toml`; keep the newest AUTOSAVES of this
        game's own autosaves (another game's, or a later branch's, are never touched
        or overwritten: SaveError)."""
        stem = clean_name(name)
        path = self.save(folder / f"{stem}{AUTOSAVE_TAG}{self.game.quarter:03d}.toml", guard=True)
        try:
            old = sorted(autosaves(folder, stem))
        except OSError:
            return path
        mine = [p for p in old if p != path and belongs(p, self.game)]
        for p in mine[: max(0, len(mine) - (AUTOSAVES - 1))]:
            with contextlib.suppress(OSError):
                p.unlink()
        return path


def autosaves(folder: Path, stem: str) -> list[Path]:
    """The autosave files of save name `stem` in `folder` (of any game)."""
    pat = re.compile(re.escape(stem) + re.escape(AUTOSAVE_TAG) + r"[0-9]{3}\.toml")
    return [p for p in Path(folder).glob(f"*{AUTOSAVE_TAG}*.toml") if pat.fullmatch(p.name)]


def name_taken(folder: Path, stem: str, game: Game) -> bool:
    """Whether a file of save name `stem` in `folder` (the save or an autosave) holds
    another game, or a later state of this one, that saving `game` there would lose."""
    try:
        files = [folder / f"{stem}.toml", *autosaves(folder, stem)]
    except OSError:
        return False
    return any(not belongs(p, game) for p in files)


# ----------------------------------------------------------------------- reading


def read_save(raw: bytes, shown: str, content: Content, path: Path | None = None) -> Playthrough:
    """Check a save (or script) given as bytes: everything but the replay."""
    errors: list[str] = []
    f = parse_toml(raw, path or Path(shown), shown, errors, max_bytes=MAX_SCRIPT_BYTES)
    if f.data is not None:
        if f.data.get("format_version") == 1 and "save" in f.data:
            errors.append(
                error_at(
                    f,
                    ("save",),
                    "a version-1 file cannot hold a [save] table; write format_version = 2",
                )
            )
            raise SaveError(errors)
        f.data = migrate(f.data)
    model = validate_toml(ScriptModel, f, errors, version=SCRIPT_VERSION, doc=DOC)
    if model is None:
        raise SaveError(errors + _raw_checks(f, content, errors))
    try:
        pt = check_script(model, f, content)
    except ScriptError as e:
        raise SaveError(e.errors) from None
    if model.save is not None:
        s = model.save
        if s.quarter > pt.scenario.quarters:
            raise SaveError(
                [
                    error_at(
                        f,
                        ("save", "quarter"),
                        f"{s.quarter} is past the scenario's {pt.scenario.quarters} quarters",
                    )
                ]
            )
        if len(s.digests) != s.quarter:
            raise SaveError(
                [
                    error_at(
                        f,
                        ("save", "digests"),
                        f"has {len(s.digests)} entries for {s.quarter} quarters played",
                    )
                ]
            )
        late = [q.quarter for q in model.quarters if q.quarter > s.quarter]
        if late:
            raise SaveError(
                [
                    error_at(
                        f,
                        ("quarters",),
                        f"orders for quarter {late[0]}, after the {s.quarter} quarters saved",
                    )
                ]
            )
    return pt


def load_save(
    path: str | Path, content: Content, force: bool = False, to_quarter: int | None = None
) -> tuple[Playthrough, Game, list[str]]:
    """Read, replay and verify a save. Returns (playthrough, game, warnings).

    The game is replayed to the saved quarter (or `to_quarter`, if earlier). A quarter
    whose state digest differs from the saved one raises SaveError naming it, unless
    `force`, which continues from the replayed state and returns a warning.
    """
    path = Path(path)
    raw = read_limited(path)
    pt = read_save(raw, str(path), content, path)
    meta = pt.model.save
    end = meta.quarter if meta else pt.scenario.quarters
    if to_quarter is not None:
        end = min(end, to_quarter)
    game = play_through(pt, to_quarter=end)
    warnings: list[str] = []
    if meta:
        for rec, want in zip(game.records, meta.digests, strict=False):
            if rec.digest != want:
                from .outputs import date_label

                q = rec.quarter
                now = content_digest(content)
                if now != meta.content_digest:
                    why = "the content folder changed since the save"
                elif meta.game_version != __version__:
                    why = f"the game's engine changed since the save (saved by {meta.game_version})"
                else:
                    # Same Frontier, same content: the file itself was changed.
                    why = (
                        "the save was edited after it was written (this Frontier and this "
                        "content wrote it, so its orders or digests no longer agree)"
                    )
                msg = (
                    f"{path}: quarter {q + 1} ({date_label(pt.scenario.start_year, q)}) does not "
                    f"replay to the saved state: {why}"
                )
                if not force:
                    raise SaveError([msg + "; pass --force to continue from the replayed game"])
                warnings.append(msg + "; continuing from the replayed game (--force)")
                break
    return pt, game, warnings


@dataclass
class SaveInfo:
    name: str
    path: Path
    scenario: str
    lab: str
    quarter: int
    quarters: int | None
    updated: str
    problem: str | None = None


def list_saves(folder: Path, content: Content) -> list[SaveInfo]:
    """Every save in `folder` (newest first), with the problem of any that cannot be read."""
    out = []
    if not folder.is_dir():
        return out
    clean_stale_temps(folder)
    for p in folder.glob("*.toml"):
        if p.name.startswith("."):
            continue
        try:
            raw = read_limited(p)
            pt = read_save(raw, str(p), content, p)
            m = pt.model.save
            out.append(
                SaveInfo(
                    p.stem,
                    p,
                    pt.scenario.id,
                    m.lab if m else pt.scenario.labs[0].name,
                    m.quarter if m else 0,
                    pt.scenario.quarters,
                    m.updated if m else "",
                )
            )
        except (SaveError, OSError) as e:
            first = e.errors[0] if isinstance(e, SaveError) else str(e)
            out.append(SaveInfo(p.stem, p, "?", "?", 0, None, "", first))
    return sorted(out, key=lambda s: (s.updated, s.name), reverse=True)


__all__ = [
    "AUTOSAVES",
    "SaveError",
    "SaveInfo",
    "Session",
    "atomic_write",
    "autosaves",
    "belongs",
    "clean_name",
    "content_digest",
    "lab_label",
    "list_saves",
    "load_save",
    "migrate",
    "name_taken",
    "orders_table",
    "portable_scenario",
    "read_limited",
    "read_save",
    "save_path",
    "saves_dir",
]
