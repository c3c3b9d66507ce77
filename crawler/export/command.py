"""`cri-crawler export`: the archive as a dataset (Parquet, JSON Lines or CSV) with its card.

Reads the data directories only (no lock: a crawl may be writing; its unfinished last line is
skipped and counted). `--data-dir` is repeatable and takes a parent of per-edition data
directories too (crawler/archive/sources.py): one export of every edition. Exit 0 when the
export is written; 2 with one line for a usage error, data directories that cannot be merged
(two of one edition, an article id in two of them), an archive with nothing to export or an
`--out` that cannot be written (nothing written then); 1 when the archive changed under the
export (`check --repair` rewrote a file): run it again.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from crawler.export import DEFAULT_FORMAT, DEFAULT_PROFILE, FORMATS, PROFILE_NAMES

if TYPE_CHECKING:
    from crawler.export.build import Options, Outcome

EXIT_OK, EXIT_CHANGED, EXIT_USAGE = 0, 1, 2
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def add_arguments(command: argparse.ArgumentParser) -> None:
    """The subcommand's options (crawler/cli.py)."""
    command.add_argument("--data-dir", action="append", metavar="DIR", help="a data directory, "
                         "or a parent of per-edition ones (repeatable: one export of them all; "
                         "default: data/)")
    command.add_argument("--out", required=True, metavar="DIR", help="the export's directory: "
                         "new, empty, or an earlier export (brought up to date)")
    command.add_argument("--format", choices=FORMATS, default=DEFAULT_FORMAT,
                         help=f"file format (default: {DEFAULT_FORMAT})")
    command.add_argument("--profile", choices=PROFILE_NAMES, default=DEFAULT_PROFILE,
                         help=f"column names and shapes (default: {DEFAULT_PROFILE}, this "
                         "project's schema; cc-news, news-please: theirs)")
    command.add_argument("--since", help="only articles published on or after this day "
                         "(YYYY-MM-DD, Beijing time)")
    command.add_argument("--until", help="only articles published on or before this day "
                         "(YYYY-MM-DD, Beijing time)")
    command.add_argument("--edition", help="only this edition's articles (default: all)")


def main(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """The `export` subcommand."""
    # pyarrow and the rest only now: building the command line must stay light.
    from crawler.archive.sources import resolve_for_command
    from crawler.export.build import ExportError, Options, export
    from crawler.export.profiles import PROFILES
    from crawler.export.scan import PROBLEMS, ArchiveChanged, IdCollision

    out = out or sys.stdout
    err = err or sys.stderr
    try:
        sources = resolve_for_command(args.data_dir, err)
        if sources is None:
            return EXIT_USAGE
        options = Options(
            sources=tuple(sources),
            out=Path(args.out),
            format=args.format,
            profile=PROFILES[args.profile],
            edition=_edition(args.edition),
            since=_day("--since", args.since),
            until=_day("--until", args.until),
        )
        outcome = export(options)
    except (ExportError, IdCollision) as exc:
        print(f"cri-crawler: error: {exc}", file=err)
        return EXIT_USAGE
    except ArchiveChanged as exc:
        print(f"cri-crawler: error: {exc}", file=err)
        return EXIT_CHANGED
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"cri-crawler: error: export failed: {exc.strerror or exc}{where}", file=err)
        return EXIT_USAGE
    for problem in PROBLEMS:
        count = outcome.scan.problems[problem]
        if count:
            what = problem.replace("_", " ").removesuffix("s" if count == 1 else "")
            print(f"cri-crawler: warning: skipped {count:,} {what} (first: "
                  f"{outcome.scan.first_problem[problem]})", file=err)
    print(summary(options, outcome), file=out)
    return EXIT_OK


def summary(options: Options, outcome: Outcome) -> str:
    scan = outcome.scan
    return (
        f"export: {len(scan.current):,} articles (current), {len(scan.history):,} versions "
        f"(history) -> {options.out} ({options.format}, profile {options.profile.name}): "
        f"{len(outcome.written)} files written, {len(outcome.unchanged)} unchanged, "
        f"{len(outcome.removed)} removed; card {'written' if outcome.card_written else 'unchanged'}"
    )


def _day(option: str, value: str | None) -> date | None:
    from crawler.export.build import ExportError

    if value is None:
        return None
    try:
        if not _DAY.fullmatch(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise ExportError(f"{option} must be a day as YYYY-MM-DD, got {value!r}") from None


def _edition(name: str | None) -> str | None:
    from crawler.editions import EDITIONS
    from crawler.export.build import ExportError

    if name is not None and name not in EDITIONS:
        raise ExportError(f"unknown edition {name!r}; known: {', '.join(sorted(EDITIONS))}")
    return name
