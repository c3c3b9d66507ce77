"""`cri-crawler`: the command users and cron call."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from crawler import __version__
from crawler.export.command import add_arguments as export_arguments


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line and exit code 2, as cron mail should show them."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"cri-crawler: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="cri-crawler",
        description="Monitoring crawler for the Polish service of China Radio International "
        "and its sister editions.",
    )
    parser.add_argument("--version", action="version", version=f"cri-crawler {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    run = commands.add_parser("run", help="crawl new articles into the data directory (cron job)")
    run.add_argument("--data-dir", help="where output and state live (default: data/, or "
                     "-s CRAWLER_DATA_DIR; both given must agree)")
    run.add_argument("--edition", help="the edition to crawl (default: CRAWLER_EDITION, polish)")
    run.add_argument("--base-url", help="fetch every outlet URL from this base (the local replica)")
    run.add_argument("--since", help="backfill: walk listings back to this date (YYYY-MM-DD)")
    run.add_argument("--quiet", action="store_true", help="log warnings and errors only")
    run.add_argument("-s", "--set", action="append", metavar="NAME=VALUE",
                     help="override a setting (repeatable), e.g. -s CRAWLER_RECHECK_HOURS=24")
    status = commands.add_parser("status", help="the last runs, the archive, whether a run is on")
    status.add_argument("--data-dir", action="append", metavar="DIR", help="a data directory, "
                        "or a parent of per-edition ones (repeatable; default: data/)")
    status.add_argument("--scrapyd", metavar="URL", help="each edition's last job on this "
                        "Scrapyd node and its verdict, read from the job's log")
    status.add_argument("--json", action="store_true", help="print one JSON object, not a table")
    status.add_argument("--runs", type=_positive, default=10, metavar="N",
                        help="show the last N runs (default: 10)")
    check = commands.add_parser("check", help="verify the archive against its state and the "
                                "schema; --repair fixes what it finds")
    check.add_argument("--data-dir", default="data", help="the data directory (default: data/)")
    check.add_argument("--repair", action="store_true", help="quarantine damaged, invalid and "
                       "duplicate records and rebuild the state (no crawl may be running)")
    check.add_argument("--json", action="store_true", help="print one JSON object")
    export = commands.add_parser("export", help="the archive as a dataset (Parquet, JSON Lines "
                                 "or CSV) with its dataset card")
    export_arguments(export)
    page = commands.add_parser("report", help="write the archive and the run history as one "
                               "self-contained HTML page")
    page.add_argument("--data-dir", action="append", metavar="DIR", help="a data directory, "
                      "or a parent of per-edition ones (repeatable; default: data/)")
    page.add_argument("--out", metavar="FILE", help="the page (default: <data-dir>/report.html "
                      "with one --data-dir; required with several)")
    editions = commands.add_parser("editions", help="the editions the crawler knows: "
                                   "hosts, language, eras")
    editions.add_argument("--json", action="store_true", help="print one JSON object")
    schedule = commands.add_parser("schedule", help="one crawl job per edition on a Scrapyd "
                                   "node (deploys this version first when the node lacks it)")
    schedule.add_argument("--scrapyd", required=True, metavar="URL", help="the Scrapyd node")
    which = schedule.add_mutually_exclusive_group()
    which.add_argument("--edition", action="append", metavar="NAME",
                       help="an edition to schedule (repeatable; default: polish)")
    which.add_argument("--all", action="store_true", help="every edition of `cri-crawler editions`")
    schedule.add_argument("--since", help="backfill: walk listings back to this date (YYYY-MM-DD)")
    schedule.add_argument("--base-url", help="fetch every outlet URL from this base (the local "
                          "replica); {host} stands for the URL's host")
    schedule.add_argument("--data-root", default="data", metavar="DIR", help="each job writes "
                          "to DIR/<edition> on the node (default: data, under the node's "
                          "working directory)")
    schedule.add_argument("-s", "--set", action="append", metavar="NAME=VALUE",
                          help="a setting for every job (repeatable)")
    reextract = commands.add_parser("reextract", help="make the archive's articles again from "
                                    "its WARC records with the current parsers (no network)")
    _replay_options(reextract)
    reextract.add_argument("--since", help="only articles published on or after this day (YYYY-MM-DD)")
    reextract.add_argument("--until", help="only articles published on or before this day (YYYY-MM-DD)")
    reextract.add_argument("--ids", metavar="FILE", help="only these articles: one id (or "
                           "article URL) a line, # comments")
    imported = commands.add_parser("import-warc", help="articles from WARC files captured by "
                                   "other tools (wget, Browsertrix, Common Crawl)")
    _replay_options(imported)
    imported.add_argument("--base-url", help="the capture was made from this origin (a copy "
                          "of the outlet, the local replica): its URLs are the outlet's")
    imported.add_argument("files", nargs="+", metavar="FILE", help="WARC files (.warc, "
                          ".warc.gz), oldest first")
    return parser


def _replay_options(command: argparse.ArgumentParser) -> None:
    """The options `reextract` and `import-warc` share with `run`."""
    command.add_argument("--data-dir", help="the data directory (default: data/, or "
                         "-s CRAWLER_DATA_DIR; both given must agree)")
    command.add_argument("--edition", help="the data directory's edition (default: "
                         "CRAWLER_EDITION, polish)")
    command.add_argument("--quiet", action="store_true", help="log warnings and errors only")
    command.add_argument("-s", "--set", action="append", metavar="NAME=VALUE",
                         help="override a setting (repeatable)")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    if args.command == "status":
        if args.scrapyd:
            from crawler.scrapyd import status as scrapyd_status

            return scrapyd_status(args)
        from crawler.status import status

        return status(args)
    if args.command == "editions":
        from crawler.editions.listing import main as list_editions

        return list_editions(args)
    if args.command == "schedule":
        from crawler.scrapyd import schedule

        return schedule(args)
    if args.command == "report":
        from crawler.report import report

        return report(args)
    if args.command == "export":
        from crawler.export.command import main as export_main

        return export_main(args)
    if args.command == "check":
        from crawler import check

        return check.main(args)
    if args.command in ("reextract", "import-warc"):
        from crawler.commands import reextract

        if args.command == "reextract":
            return reextract.reextract(args)
        return reextract.import_warc(args)
    from crawler.run import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
