"""`python -m crawler.report [--data-dir DIR] [--out FILE] [--screenshot PNG]`: the report page
(as `cri-crawler report`), and with `--screenshot` a picture of it taken in Chromium (the
README's `docs/report.png`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crawler.report import REPORT_FILE, report


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(
        prog="python -m crawler.report", description=__doc__.splitlines()[0]
    )
    cli.add_argument("--data-dir", default="data", help="the data directory (default: data/)")
    cli.add_argument("--out", help=f"the page (default: <data-dir>/{REPORT_FILE})")
    cli.add_argument("--screenshot", type=Path, metavar="PNG", help="also save a picture of it")
    args = cli.parse_args(argv)
    code = report(args)
    if code == 0 and args.screenshot:
        from crawler.report.screenshot import screenshot

        screenshot(Path(args.out or Path(args.data_dir) / REPORT_FILE), args.screenshot)
        print(f"screenshot written to {args.screenshot}")
    return code


if __name__ == "__main__":
    sys.exit(main())
