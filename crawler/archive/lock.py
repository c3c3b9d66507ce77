"""Locks of a data directory, and the probe that it takes new files.

A lock is a kernel lock (flock) on a **directory** of the data directory: the data directory
itself for a whole `cri-crawler run`, `articles/` while the store writes (crawler/archive/
layout.py names both, and the pid files beside them). A directory cannot be deleted from under a
running crawl without deleting what it guards, so removing the pid files (`run.lock`,
`crawl.lock`) does not let a second writer in; and the store checks before every batch that
`articles/` is still the directory it locked (`Held.intact`). A flock dies with its process, so
a run killed with SIGKILL never blocks the next. The holder writes its pid into the pid file for
`cri-crawler status`, which probes the lock without taking it (`is_held`).
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Held:
    """A lock taken: the locked directory's descriptor and identity, and the pid file's."""

    directory: Path
    fd: int
    identity: tuple[int, int]  # (st_dev, st_ino) of the directory when it was locked
    pid_fd: int

    def intact(self) -> bool:
        """Whether the path still names the directory that was locked (not removed, not
        replaced by another)."""
        try:
            now = os.stat(self.directory)
        except OSError:
            return False
        return (now.st_dev, now.st_ino) == self.identity

    def release(self) -> None:
        for fd in (self.pid_fd, self.fd):
            try:
                os.close(fd)
            except OSError:
                pass


def acquire(directory: Path, pid_file: Path, attempts: int = 1, pause: float = 0.05) -> Held:
    """Take the exclusive lock on `directory` without waiting for it, trying `attempts` times
    `pause` seconds apart, and write our pid into `pid_file` (created if missing).
    BlockingIOError when another process holds it; OSError when it cannot be taken."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for attempt in range(attempts):
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if attempt == attempts - 1:
                    raise
                time.sleep(pause)
        stat = os.fstat(fd)
        pid_fd = os.open(pid_file, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            os.ftruncate(pid_fd, 0)
            os.write(pid_fd, f"{os.getpid()}\n".encode())
        except BaseException:
            os.close(pid_fd)
            raise
    except BaseException:
        os.close(fd)
        raise
    return Held(directory, fd, (stat.st_dev, stat.st_ino), pid_fd)


def is_held(path: Path) -> bool:
    """Whether a process holds the lock on `path` (a locked directory) now; a missing or
    unreadable one is not held. Probed with a shared lock released at once, so a run starting
    meanwhile still gets it."""
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
