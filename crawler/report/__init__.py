"""`cri-crawler report`: the archive as a whole and the history of runs, as one self-contained
HTML page (`<data-dir>/report.html` by default): coverage per month with likely gaps, how
articles were read, the runs of the last 30 days, edits, field coverage, the WARC archive.

Reads only (the archive and `runs.jsonl` streamed: `facts.py`), so it may run while a crawl
writes. Exit 0 (an empty data directory is a page that says so), 1 when the page cannot be
written, 2 with one line when a data directory does not exist or cannot be resolved.

Several data directories (`--data-dir` repeated, or a parent of per-edition ones, resolved by
crawler/archive/sources.py) make one page. Its default place is `report.html` in the directory
given when one is given (a data directory, or the parent of several); with several given there
is no one home for it, so `--out` is required (exit 2 without it).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TextIO

from crawler.archive.layout import REPORT_FILE
from crawler.archive.sources import Given, given_dirs, resolve_for_command
from crawler.report.facts import Facts, collect, collect_all
from crawler.report.page import render, write

__all__ = ["REPORT_FILE", "Facts", "collect", "collect_all", "default_out", "render", "report",
           "write", "write_report", "refresh_after_run"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
logger = logging.getLogger(__name__)


def write_report(data_dir: Path, out: Path | None = None) -> tuple[Path, int]:
    """Write the page of `data_dir` to `out` (default `<data_dir>/report.html`); the path and
    its size in bytes. OSError when it cannot be written."""
    out = out if out is not None else data_dir / REPORT_FILE
    size = write(collect(data_dir), out)
    return out, size


def default_out(given: Given) -> Path | None:
    """Where the page goes without `--out`: `report.html` in the one directory given (a data
    directory or a parent of several); None when several are given."""
    dirs = given_dirs(given)
    return dirs[0] / REPORT_FILE if len(dirs) == 1 else None


def report(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """The `report` subcommand (args: data_dir, one or a list of them; out)."""
    out = out or sys.stdout
    err = err or sys.stderr
    sources = resolve_for_command(args.data_dir, err)
    if sources is None:
        return EXIT_USAGE
    page = Path(args.out) if args.out else default_out(args.data_dir)
    if page is None:
        print("cri-crawler: error: several --data-dir given: say where the page goes with "
              "--out FILE", file=err)
        return EXIT_USAGE
    try:
        size = write(collect_all(sources), page)
    except OSError as exc:
        print(f"cri-crawler: error: cannot write the report: {exc}", file=err)
        return EXIT_FAILED
    print(f"report written to {page} ({size / 1024:.0f} KB)", file=out)
    return EXIT_OK


def refresh_after_run(data_dir: Path) -> None:
    """After a `cri-crawler run` (CRAWLER_REPORT_AFTER_RUN): the page written again; a failure
    is one warning, never the run's exit code."""
    try:
        path, _ = write_report(data_dir)
    except Exception as exc:  # noqa: BLE001 - the run's verdict must stand whatever happens here
        print(f"cri-crawler: warning: report not written: {exc}", file=sys.stderr)
    else:
        logger.info("report written to %s", path)
