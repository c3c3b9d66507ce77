"""`python -m benchmarks` (`./run bench`): every benchmark in one run, figures side by side.

    python -m benchmarks [--size tiny|full]
                         [--only extraction,throughput,scale,incremental,browser,report_page,
                                export,warc,scrapyd,real_material]
                         [--peers create|existing|none] [--profiles create|existing|none]
                         [--out DIR] [--work DIR]

Writes `<out>/results.json` (every figure, machine-readable) and `<out>/RESULTS.md` (tables);
`out` is `benchmarks/` by default. `--size full` (the default) is the real benchmark (20-40
minutes); `tiny` runs every part at a few hundred articles in well under a minute (the smoke
test) and uses peer and py-spy venvs only if they exist. Peers' venvs and py-spy are created
in `benchmarks/venvs/` by the command itself when `--peers create` / `--profiles create`
(the default at full size). A part that fails is recorded with its error and the others
still run; the exit code is 1 then. Missed targets are figures, not failures (exit code 0).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import (
    browser, export, extraction, incremental, real_material, report, report_page, scrapyd,
    throughput, warc,
)
from benchmarks._common import ROOT, machine

PARTS = (
    "extraction", "throughput", "scale", "incremental", "browser", "report_page", "export", "warc",
    "scrapyd", "real_material",
)


@dataclass(frozen=True)
class Size:
    """How big each part runs."""

    extraction_articles: int  # replica the pages come from
    extraction_per_era: int
    rounds: int  # timed calls a page (extraction), crawl rounds (throughput)
    throughput_articles: int
    scale_articles: int
    incremental_articles: int
    browser_articles: int
    peers: str
    profiles: str
    report_articles: int = 100_000  # the archive `cri-crawler report` reads (part 6)
    export_articles: int = 100_000  # the archive `cri-crawler export` reads (part 7)
    warc_articles: int = 10_000  # replica crawled with the WARC on and off (part 8)
    warc_big_articles: int = 100_000  # the archive `cri-crawler reextract` reads (part 8)
    scrapyd_articles: int = 10_000  # replica articles per edition, two editions (part 9)
    real_material_articles: int = 10_000  # replica crawled by listings and old addresses (part 10)


SIZES = {
    "full": Size(3000, 150, 3, 10_000, 100_000, 10_000, 20_000, peers="create", profiles="create"),
    "tiny": Size(300, 10, 1, 300, 600, 200, 0, peers="existing", profiles="existing",
                 report_articles=600, export_articles=300, warc_articles=300,
                 warc_big_articles=600, scrapyd_articles=200, real_material_articles=400),
}


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    cli.add_argument("--size", choices=sorted(SIZES), default="full")
    cli.add_argument(
        "--only",
        default=",".join(PARTS),
        help=f"comma-separated parts (default all): {', '.join(PARTS)}",
    )
    cli.add_argument(
        "--peers",
        choices=("create", "existing", "none"),
        help="peer venvs: create missing ones, use existing ones only, or none",
    )
    cli.add_argument(
        "--profiles",
        choices=("create", "existing", "none"),
        help="py-spy profiles of missed targets: venv created, existing only, or none",
    )
    cli.add_argument("--out", type=Path, default=ROOT / "benchmarks", help="where results go")
    cli.add_argument("--work", type=Path, help="work directory, kept (default: a temporary one)")
    args = cli.parse_args(argv)
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        cli.error(f"unknown part(s): {', '.join(unknown)}")
    size = SIZES[args.size]
    peers = args.peers or size.peers
    profiles = args.profiles or size.profiles
    work = (args.work or Path(tempfile.mkdtemp(prefix="cri-bench-"))).resolve()
    started = time.perf_counter()
    results: dict[str, Any] = {
        "machine": machine(),
        "size": args.size,
        "parts": parts,
        "peers": peers,
        "profiles": profiles,
    }
    runners: dict[str, Callable[[], dict[str, Any]]] = {
        "extraction": lambda: extraction.run(
            work / "extraction",
            size.extraction_articles,
            size.extraction_per_era,
            size.rounds,
            peers,
            profiles,
        ),
        "throughput": lambda: throughput.part_throughput(
            work / "throughput", size.throughput_articles, size.rounds, profiles
        ),
        "scale": lambda: throughput.part_scale(
            work / "scale", size.scale_articles, baseline(results, work, size)
        ),
        "incremental": lambda: incremental.run(work / "incremental", size.incremental_articles),
        "browser": lambda: browser.run(work / "browser", size.browser_articles),
        "report_page": lambda: report_page.run(work / "report_page", size.report_articles),
        "export": lambda: export.run(work / "export", size.export_articles),
        "warc": lambda: warc.run(
            work / "warc", size.warc_articles, size.rounds, size.warc_big_articles, profiles
        ),
        "scrapyd": lambda: scrapyd.run(work / "scrapyd", size.scrapyd_articles),
        "real_material": lambda: real_material.run(
            work / "real_material", size.real_material_articles
        ),
    }
    failed = False
    try:
        for part in PARTS:
            if part not in parts:
                continue
            print(f"bench: part {part}", file=sys.stderr, flush=True)
            began = time.perf_counter()
            try:
                results[part] = runners[part]()
            except Exception as exc:  # noqa: BLE001 - one broken part must not hide the others
                failed = True
                results[part] = {
                    "error": f"{type(exc).__name__}: {exc}"[-3000:],
                    "traceback": traceback.format_exc()[-3000:],
                }
                print(f"bench: part {part} failed: {exc}", file=sys.stderr, flush=True)
            results[part]["part_seconds"] = round(time.perf_counter() - began, 1)
            write(args.out, results, started)  # after every part: a long run shows progress
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    write(args.out, results, started)
    missed = [t for t in results["targets"] if not t["met"]]
    print(
        f"bench: written {args.out / 'results.json'} and {args.out / 'RESULTS.md'}; "
        f"{len(results['targets']) - len(missed)} targets met, {len(missed)} missed",
        file=sys.stderr,
    )
    return 1 if failed else 0


def baseline(results: dict[str, Any], work: Path, size: Size) -> dict[str, Any]:
    """Part 2's figures for part 3's growth; measured here (one round) if part 2 did not run."""
    if "full" in results.get("throughput", {}):
        return results["throughput"]
    return throughput.measure(work / "scale-baseline", size.throughput_articles, 1)


def write(out: Path, results: dict[str, Any], started: float) -> None:
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["targets"] = [t for part in PARTS for t in results.get(part, {}).get("targets", [])]
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(
        json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out / "RESULTS.md").write_text(report.render(results), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
