"""The run history: `<data_dir>/runs.jsonl`, one run report (a JSON object) a line, appended
after every `cri-crawler run`.

The file grows by one line an hour for years, so it is never read whole: `read_history` reads
blocks backwards from the end until it has the last `limit` reports. Writing is one `os.write`
of a whole line with O_APPEND, then fsync; a write that fails is cut back off the file
(`crawler.archive.jsonl.append_line`, lines encoded as the archive's). A crash can at worst
leave a cut last line (no newline): readers ignore it, and the next append starts on a fresh
line so its own record stays intact. A line that does not parse is skipped with a warning.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from crawler.archive.jsonl import append_line, decode_line, encode_line

logger = logging.getLogger(__name__)

# Enough history for `hours_without_new` at any sane threshold: 1000 hourly runs are 41 days.
HISTORY_LIMIT = 1000
BLOCK_SIZE = 64 * 1024


def encode_report(report: Mapping[str, Any]) -> bytes:
    """One line of UTF-8 JSON (letters unescaped), ending with a newline. A non-finite float
    (which JSON cannot hold) becomes null."""
    return encode_line(_finite(report))


def append_report(path: str | os.PathLike[str], report: Mapping[str, Any]) -> None:
    """Append one report as one line, durably (fsync). Raises OSError when the file cannot be
    written; the file is then as it was."""
    append_line(Path(path), encode_report(report))


def read_history(path: str | os.PathLike[str], limit: int = HISTORY_LIMIT) -> list[dict[str, Any]]:
    """The last `limit` reports, oldest first, read backwards from the end of the file. A
    missing file is an empty history; unparseable lines are skipped with a warning; a last line
    without its newline (a write cut by a crash, or one in progress) is ignored."""
    if limit <= 0:
        return []
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        return []
    newest_first: list[dict[str, Any]] = []
    with handle:
        for offset, line in _lines_backwards(handle):
            record = decode_line(line)
            if record is None:
                logger.warning("%s: skipping an unparseable line at byte %d", path, offset)
                continue
            newest_first.append(record)
            if len(newest_first) == limit:
                break
    newest_first.reverse()
    return newest_first


def _lines_backwards(handle: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """(offset, line) for each complete, non-empty line, last line first."""
    end = handle.seek(0, os.SEEK_END)
    position = end
    tail = b""  # the bytes after the last newline seen so far (the start of a line)
    complete = True  # whether `tail` ends with a newline, i.e. is a complete line
    first_block = True
    while position > 0:
        size = min(BLOCK_SIZE, position)
        position -= size
        block = _read_at(handle, position, size)
        if first_block:
            first_block = False
            if not block.endswith(b"\n"):
                complete = False
        pieces = (block + tail).split(b"\n")
        tail = pieces[0]  # may continue in the block before
        offset = position + len(tail) + 1
        later: list[tuple[int, bytes]] = []
        for piece in pieces[1:]:
            later.append((offset, piece))
            offset += len(piece) + 1
        for offset, piece in reversed(later):
            if not complete:  # the last piece of the file: no newline after it
                complete = True
                if piece.strip():
                    logger.debug("%s: ignoring a last line without newline", handle.name)
                continue
            if piece.strip():
                yield offset, piece
    if tail.strip():
        if complete:
            yield 0, tail
        else:
            logger.debug("%s: ignoring a last line without newline", handle.name)


def _read_at(handle: IO[bytes], position: int, size: int) -> bytes:
    """One block of the file (a seam for tests that count what is read)."""
    handle.seek(position)
    return handle.read(size)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value
