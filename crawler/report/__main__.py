"""`python -m crawler.report [--data-dir DIR] [--out FILE] [--screenshot PNG]`: the report page
(as `cri-crawler report`), and with `--screenshot` a picture of it taken in Chromium (the
README's `docs/report.png`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crawler.report import REPORT_FILE, default_out, report


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(
        prog="python -m crawler.report", description=__doc__.splitlines()[0]
    )
    cli.add_argument("--data-dir", action="append", metavar="DIR", help="a data directory, or a "
                     "parent of per-edition ones (repeatable; default: data/)")
    cli.add_argument("--out", help=f"the page (default: <data-dir>/{REPORT_FILE}; required "
                     "with several --data-dir)")
    cli.add_argument("--screenshot", type=Path, metavar="PNG", help="also save a picture of it")
    args = cli.parse_args(argv)
    code = report(args)
    if code == 0 and args.screenshot:
        from crawler.report.screenshot import screenshot

        page = Path(args.out) if args.out else default_out(args.data_dir)
        assert page is not None  # report() refuses several --data-dir without --out
        screenshot(page, args.screenshot)
        print(f"screenshot written to {args.screenshot}")
    return code


if __name__ == "__main__":
    sys.exit(main())
