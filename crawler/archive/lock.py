"""Locks of a data directory, and the probe that it takes new files.

A lock is a kernel lock (flock) on a file of the data directory (crawler/archive/layout.py:
`run.lock` for a whole `cri-crawler run`, `crawl.lock` while the store writes). It dies with its
process, so a run killed with SIGKILL never blocks the next; the holder writes its pid into the
file for `cri-crawler status`, which probes the lock without taking it (`is_held`).
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from pathlib import Path


def acquire(path: Path, attempts: int = 1, pause: float = 0.05) -> int:
    """Take the exclusive lock on `path` (created if missing) without waiting for it, trying
    `attempts` times `pause` seconds apart, and write our pid into it. Returns the file
    descriptor: closing it releases the lock. BlockingIOError when another process holds it."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        for attempt in range(attempts):
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if attempt == attempts - 1:
                    raise
                time.sleep(pause)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
    except BaseException:
        os.close(fd)
        raise
    return fd


def is_held(path: Path) -> bool:
    """Whether a process holds the lock on `path` now; a missing or unreadable file is not held.
    Probed with a shared lock released at once, so a run starting meanwhile still gets it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return False
    except OSError:
        return False  # unreadable: cannot tell, and a run could not have opened it either
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError as exc:
        # EWOULDBLOCK: an exclusive lock is held. Anything else (ENOLCK...): cannot tell.
        return exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN)
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)  # at once: a run starting now must get its lock
        return False
    finally:
        os.close(fd)


def holder_pid(path: Path) -> int | None:
    """The pid the holder wrote into the lock file, if it did."""
    try:
        text = path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def probe(folder: Path) -> None:
    """Fail now, not at the first write, when the folder takes no new file (OSError)."""
    name = folder / f".probe-{os.getpid()}"
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    os.close(fd)
    os.unlink(name)
