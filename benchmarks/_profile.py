"""Profiles for the targets a run misses: py-spy (from its own venv) sampling a command.

`record` runs the command under `py-spy record --format raw` (collapsed stacks, root first,
one `frame;frame;... count` a line; idle samples left out, so shares are of busy time) and
`summarize` turns that into the tables of RESULTS.md: where the busy time is spent by
function (self time), by package of the leaf frame, and which of our functions hold it
(inclusive time).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks import _venvs
from benchmarks._common import ROOT, measured

OURS = ("crawler/", "spiders/", "pipelines/")  # the project's code, not the benchmark's
_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")


def record(
    command: list[str],
    out: Path,
    create_venv: bool,
    rate: int = 100,
    cwd: Path = ROOT,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Profile `command` to completion; the summary, or `{"error": ...}`."""
    spy = _venvs.ensure("py-spy", create=create_venv)
    if spy.python is None:
        return {"error": spy.error}
    raw = out.with_suffix(".txt")
    run = measured(
        [
            str(spy.bin / "py-spy"),
            "record",
            "--format",
            "raw",
            "--nonblocking",
            "--rate",
            str(rate),
            "--output",
            str(raw),
            "--",
            *command,
        ],
        out.with_suffix(".log"),
        cwd=cwd,
        env=env,
    )
    if not raw.exists():
        tail = run.log.read_text(encoding="utf-8", errors="replace")[-500:]
        return {"error": f"py-spy wrote no profile (exit {run.returncode}): {tail}"}
    summary = summarize(raw)
    summary["seconds"] = run.seconds
    summary["rate"] = rate
    summary["busy_seconds"] = summary["samples"] / rate
    summary["command"] = " ".join(command[1:])[:300]
    return summary


def frame_name(frame: str) -> tuple[str, str]:
    """`func (path/file.py:12)` -> (`path/file.py:func`, `path/file.py`)."""
    m = _FRAME.match(frame.strip())
    if not m:
        return frame.strip(), ""
    return f"{m['file']}:{m['func']}", m["file"]


def package(path: str) -> str:
    if not path:
        return "?"
    if path.startswith("<frozen") or "/" not in path:
        return path.split(".")[0].strip("<>") or "?"
    return path.split("/")[0]


def summarize(raw: Path, top: int = 15) -> dict[str, Any]:
    own: Counter[str] = Counter()
    by_package: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [frame_name(f) for f in stack.split(";") if f]
        # The process/thread header py-spy may put first is not a frame of ours.
        frames = [f for f in frames if f[1]]
        if not frames:
            continue
        leaf, leaf_file = frames[-1]
        own[leaf] += n
        by_package[package(leaf_file)] += n
        for name in {name for name, path in frames if path.startswith(OURS)}:
            inclusive[name] += n

    def shares(counter: Counter[str]) -> list[list[Any]]:
        return (
            [[name, round(count / total, 4)] for name, count in counter.most_common(top)]
            if total
            else []
        )

    return {
        "samples": total,
        "self": shares(own),
        "self_by_package": shares(by_package),
        "ours_inclusive": shares(inclusive),
        "package_samples": dict(by_package.most_common()),
    }
