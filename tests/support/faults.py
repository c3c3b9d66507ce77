"""Fault injection for crawl-level tests, switched on in the crawl process by `CRAWL_FAULT`.

- `write:<ERRNO>:<bytes>`: writes to output files (paths under `/articles/`) fail with ERRNO once
  that many bytes went to them in total (the write that crosses the limit is cut short first,
  as on a full disk): a full disk (ENOSPC), an I/O error (EIO), a lost permission (EACCES).
- `kill-before-commit:<n>`: the process kills itself with SIGKILL at the n-th state commit,
  after the batch was written and fsynced and before the state records it.
"""

from __future__ import annotations

import errno
import os
import signal
from collections.abc import Callable
from typing import Any


def install(spec: str | None) -> Callable[[], None]:
    """Install the fault `spec` describes; returns a function that removes it."""
    if not spec:
        return lambda: None
    kind, _, args = spec.partition(":")
    if kind == "write":
        name, _, limit = args.partition(":")
        return fail_writes(getattr(errno, name), int(limit or 0))
    if kind == "kill-before-commit":
        return kill_before_commit(int(args or 1))
    raise ValueError(f"unknown fault {spec!r}")


def fail_writes(code: int, after_bytes: int, marker: str = "/articles/") -> Callable[[], None]:
    real_write = os.write
    written = 0

    def write(fd: int, data: Any) -> int:
        nonlocal written
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            target = ""
        if marker not in target:
            return real_write(fd, data)
        room = after_bytes - written
        if room <= 0:
            raise OSError(code, os.strerror(code), target)
        count = real_write(fd, bytes(data)[:room])
        written += count
        return count

    os.write = write
    return lambda: setattr(os, "write", real_write)


def kill_before_commit(nth: int) -> Callable[[], None]:
    from crawler.archive import ArchiveState

    real_commit = ArchiveState.commit
    calls = 0

    def commit(self: ArchiveState, *args: Any, **kwargs: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == nth:
            os.kill(os.getpid(), signal.SIGKILL)
        real_commit(self, *args, **kwargs)

    ArchiveState.commit = commit  # type: ignore[method-assign]
    return lambda: setattr(ArchiveState, "commit", real_commit)
