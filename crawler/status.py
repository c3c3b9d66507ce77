"""`cri-crawler status`: the last runs, what the archive holds, and whether a run is going on.

Reads only: `runs.jsonl` (its tail), `state.sqlite3` opened read-only, and the run's lock file,
probed with a non-blocking shared flock that is released at once. Exit 0, or 2 with one line
when a data directory does not exist or cannot be resolved (crawler/archive/sources.py).

Several data directories (`--data-dir` repeated, or a parent of per-edition ones): one section
per directory, each beginning with its edition, in the order resolved; `--json` prints a list
of the one-directory objects, each with its `edition` first. One directory: its section alone,
without the edition line, as before.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from crawler.archive import ArchiveState
from crawler.archive.layout import ARTICLES_DIR, CRAWL_LOCK, RUN_LOCK, RUNS_FILE, STATE_FILE
from crawler.archive.sources import resolve_for_command
from crawler.archive.lock import holder_pid, is_held
from crawler.monitoring.history import read_history

# `cri-crawler run` locks the data directory for the whole run; the store locks articles/ while
# it writes (pid files beside them). Either one held means a run is going on.
LOCKS = ((".", RUN_LOCK), (ARTICLES_DIR, CRAWL_LOCK))
EXIT_OK, EXIT_USAGE = 0, 2


def status(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """The `status` subcommand (args: data_dir, json, runs)."""
    out = out or sys.stdout
    sources = resolve_for_command(args.data_dir, err)
    if sources is None:
        return EXIT_USAGE
    if len(sources) == 1:
        content = collect(sources[0].path, args.runs)
        print(json.dumps(content, ensure_ascii=False, indent=2) if args.json else render(content),
              file=out)
        return EXIT_OK
    now = datetime.now(timezone.utc)
    contents = [{"edition": source.edition, **collect(source.path, args.runs, now)}
                for source in sources]
    if args.json:
        print(json.dumps(contents, ensure_ascii=False, indent=2), file=out)
    else:
        print("\n\n".join(render_section(content) for content in contents), file=out)
    return EXIT_OK


def collect(data_dir: Path, runs: int, now: datetime | None = None) -> dict[str, Any]:
    """Everything `status` shows, as one JSON-serialisable object."""
    now = now or datetime.now(timezone.utc)
    history = read_history(data_dir / RUNS_FILE, runs)
    lock = lock_status(data_dir)
    last = history[-1] if history else None
    return {
        "data_dir": str(data_dir),
        "now": now.isoformat(timespec="seconds"),
        "running": lock["held"],
        "lock": lock,
        "archive": archive_totals(data_dir / STATE_FILE),
        "last_run": _row(last) if last else None,
        "runs": [_row(report) for report in history],
    }


def lock_status(data_dir: Path) -> dict[str, Any]:
    """Whether a run holds a lock file of the data directory now; a missing file is not held."""
    for directory, pid_file in LOCKS:
        if is_held(data_dir / directory):
            return {"held": True, "file": pid_file, "pid": holder_pid(data_dir / pid_file)}
    return {"held": False, "file": None, "pid": None}


def archive_totals(path: Path) -> dict[str, Any]:
    """Articles, versions and the newest publication time in the archive state (read-only)."""
    if not path.exists():
        return {"state": "missing", "articles": 0, "versions": 0, "newest_published": None}
    try:
        articles, versions, newest = ArchiveState.read_totals(path)
    except sqlite3.Error as exc:
        return {
            "state": f"unreadable: {exc}",
            "articles": None,
            "versions": None,
            "newest_published": None,
        }
    return {"state": "ok", "articles": articles, "versions": versions, "newest_published": newest}


def _row(report: Mapping[str, Any]) -> dict[str, Any]:
    articles = report.get("articles")
    if not isinstance(articles, Mapping):
        articles = {}
    checks = report.get("checks")
    if not isinstance(checks, list):
        checks = []
    return {
        "run": report.get("run"),
        "started": report.get("started"),
        "duration_seconds": report.get("duration_seconds"),
        "mode": report.get("mode"),
        "new": articles.get("new"),
        "updated": articles.get("updated"),
        "errors": report.get("errors"),
        "finish_reason": report.get("finish_reason"),
        "verdict": report.get("verdict"),
        "failing": [
            c.get("name") for c in checks if isinstance(c, Mapping) and not c.get("ok", True)
        ],
    }


# -- text ---------------------------------------------------------------------------------------

_COLUMNS = (
    ("started (UTC)", "started", "<"),
    ("duration", "duration", ">"),
    ("new", "new", ">"),
    ("updated", "updated", ">"),
    ("errors", "errors", ">"),
    ("verdict", "verdict", "<"),
)


def render(content: Mapping[str, Any]) -> str:
    """The human-readable form of `collect()`."""
    lines = [f"data directory  {content['data_dir']}"]
    lock = content["lock"]
    if lock["held"]:
        pid = f", pid {lock['pid']}" if lock["pid"] else ""
        lines.append(f"running now     yes ({lock['file']} is held{pid})")
    else:
        lines.append("running now     no")
    lines.append(f"archive         {_archive_line(content['archive'])}")
    runs: Sequence[Mapping[str, Any]] = content["runs"]
    if not runs:
        lines += ["", "no runs recorded yet"]
        return "\n".join(lines)
    lines += ["", f"last {len(runs)} run{'s' if len(runs) != 1 else ''}, oldest first"]
    table = [[title for title, _, _ in _COLUMNS]] + [_cells(run) for run in runs]
    widths = [max(len(row[i]) for row in table) for i in range(len(_COLUMNS))]
    for row in table:
        cells = [
            f"{cell:{align}{width}}"
            for cell, width, (_, _, align) in zip(row, widths, _COLUMNS, strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def render_section(content: Mapping[str, Any]) -> str:
    """One data directory of several: `render()` under a line naming its edition."""
    edition = content.get("edition") or "unknown (nothing yet)"
    return f"edition         {edition}\n" + render(content)


def _archive_line(archive: Mapping[str, Any]) -> str:
    if archive["state"] == "missing":
        return "empty (no state.sqlite3 yet)"
    if archive["state"] != "ok":
        return f"state.sqlite3 {archive['state']}"
    newest = archive["newest_published"] or "unknown"
    return (
        f"{archive['articles']} articles, {archive['versions']} versions, newest published {newest}"
    )


def _cells(run: Mapping[str, Any]) -> list[str]:
    verdict = str(run.get("verdict") or "-")
    if run.get("failing"):
        verdict += f" ({', '.join(map(str, run['failing']))})"
    duration = run.get("duration_seconds")
    return [
        _utc(run.get("started")),
        f"{duration:.1f}s" if isinstance(duration, (int, float)) else "-",
        _number(run.get("new")),
        _number(run.get("updated")),
        _number(run.get("errors")),
        verdict,
    ]


def _utc(value: Any) -> str:
    if not isinstance(value, str):
        return "-"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return f"{moment:%Y-%m-%d %H:%M:%S}"


def _number(value: Any) -> str:
    return "-" if value is None else str(value)
