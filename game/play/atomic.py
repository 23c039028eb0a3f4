"""Atomic file writes (standard library only, so a bare process can use it fast)."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import threading
import time
from pathlib import Path

#: The writer's own temporary files: `.<target name>.<8 random characters>.tmp`.
TEMP_PATTERN = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")
#: A temporary file older than this (seconds) was left by a killed writer.
STALE_AFTER = 60.0

_umask_lock = threading.Lock()


def file_mode() -> int:
    """The mode a new file gets under the process's umask (0o666 & ~umask)."""
    try:  # Linux says it without changing it (os.umask is process-wide)
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _umask_lock:
        mask = os.umask(0o022)
        os.umask(mask)
    return 0o666 & ~mask


def clean_stale_temps(folder: Path, older_than: float = STALE_AFTER) -> int:
    """Remove temporary files a killed writer left in `folder`: only regular files
    named like atomic_write's own and not modified for `older_than` seconds (a
    writer at work renames its file within milliseconds). Returns how many went."""
    removed = 0
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for e in entries:
        if not TEMP_PATTERN.match(e.name):
            continue
        try:
            st = e.stat(follow_symlinks=False)
            if stat.S_ISREG(st.st_mode) and now - st.st_mtime > older_than:
                os.unlink(e.path)
                removed += 1
        except OSError:
            continue
    return removed


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, whole.

    The file gets the mode the umask gives new files (as open() would), and stale
    temporary files of earlier, killed writes in the folder are removed.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), file_mode())  # mkstemp makes it 0600
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    try:  # make the rename itself durable
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass
    clean_stale_temps(folder)


__all__ = ["STALE_AFTER", "TEMP_PATTERN", "atomic_write", "clean_stale_temps", "file_mode"]
