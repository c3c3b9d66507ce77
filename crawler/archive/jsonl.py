"""JSON Lines on disk: one record as one line of bytes, and appends that are durable (fsynced)
or cut back off the file.

Shared by the archive's output files (pipelines/store.py) and the run history
(crawler/monitoring/history.py), so both write the same kind of line the same way: UTF-8 JSON,
letters unescaped, no NaN, lone surrogates replaced by U+FFFD, U+0085/U+2028/U+2029 escaped so
that any splitter (`str.splitlines` too) sees one record a line, and a `\\n` at the end.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# fdatasync where there is one: the data and the file's size, not its times.
sync = getattr(os, "fdatasync", os.fsync)
# JSON allows these raw, but str.splitlines() and some JSON Lines readers split records on them.
_ESCAPES = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def scrub_surrogates(text: str) -> str:
    """Lone surrogates (not encodable in UTF-8) replaced by U+FFFD; a split pair joined."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def utf8(text: str) -> bytes:
    """`text` as UTF-8, lone surrogates replaced by U+FFFD (they have no UTF-8 form)."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return scrub_surrogates(text).encode("utf-8")


def encode_line(record: Mapping[str, Any]) -> bytes:
    """One JSON Lines record: UTF-8, unescaped letters, no NaN, no lone surrogates, one line.
    TypeError or ValueError when the record is not JSON (a NaN, an object of another type)."""
    text = json.dumps(record, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    if "\u2028" in text or "\u2029" in text or "\x85" in text:  # `in`: far faster than re
        text = text.translate(_ESCAPES)
    return utf8(text) + b"\n"


def decode_line(line: bytes) -> dict[str, Any] | None:
    """The record of one line; None when it is damaged (not UTF-8, not JSON, not an object)."""
    try:
        record = json.loads(line)
    except ValueError:  # JSONDecodeError, UnicodeDecodeError
        return None
    return record if isinstance(record, dict) else None


def write_all(fd: int, data: bytes) -> None:
    """All of `data` to `fd` (os.write may write less than it was given)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def write_durably(fd: int, data: bytes) -> None:
    """All of `data` to `fd`, then fsynced: once this returns, it survives a crash."""
    write_all(fd, data)
    sync(fd)


def cut_back(fd: int, size: int) -> None:
    """Cut the file back to `size` bytes, durably (the undo of a failed append)."""
    os.ftruncate(fd, size)
    sync(fd)


def cut_back_file(path: Path, size: int) -> None:
    """Cut the file at `path` back to `size` bytes, durably (a damaged or unindexed tail)."""
    fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
    try:
        cut_back(fd, size)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Make the folder's entries (a file created or renamed in it) durable."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def append_line(path: Path, line: bytes) -> None:
    """Append one encoded line to the file at `path` (created if missing), durably. A last line
    that a crash left without its `\\n` stays on a line of its own. Raises OSError when the file
    cannot be written; the file is then as it was."""
    created = not path.exists()
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            line = b"\n" + line  # a crash cut the last line: leave it on a line of its own
        try:
            write_durably(fd, line)
        except OSError:
            try:
                cut_back(fd, size)  # no partial record stays behind
            except OSError:
                pass
            raise
    finally:
        os.close(fd)
    if created:
        try:
            fsync_dir(path.parent)
        except OSError:
            pass  # the line itself is durable; only a new file's entry might not be yet
