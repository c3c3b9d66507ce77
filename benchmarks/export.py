"""Part 6: `cri-crawler export` of a large archive: seconds, peak memory, sizes.

The archive holds the replica's N generated articles as a crawl stores them (every field, the
project's encoder, `crawler.archive.encode_line`), written over 20 UTC days with one article in
20 edited (version 2, on a later day); it is made from the replica's ground truth rather than by
crawling it, which would take longer than the rest of the benchmarks. Then, each in its own
process, timed and with the peak resident memory of its tree: the Parquet export (target:
streaming, peak < 300 MB at 100,000 articles), the same export again into its folder (nothing
changed: nothing rewritten), and the JSON Lines and CSV exports; sizes against the archive's.

    python -m benchmarks.export [--articles 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks._common import measured, run_alone, target
from crawler.archive import encode_line

DAYS = 20
EDITED_EVERY = 20
PEAK_TARGET_MB = 300.0
FORMATS = ("parquet", "jsonl", "csv")
FIRST_DAY = date(2026, 1, 1)


def make_archive(data_dir: Path, articles: int, seed: int = 1) -> dict[str, Any]:
    """The replica's `articles` as an archive of DAYS day files; its lines and bytes."""
    from tests.replica.site import Site

    site = Site(articles=articles, seed=seed)
    ids = sorted(site.ids())
    per_day = -(-len(ids) // DAYS)
    lines = edited = 0
    folder = data_dir / "articles" / str(FIRST_DAY.year)
    folder.mkdir(parents=True, exist_ok=True)
    streams = [(folder / f"{FIRST_DAY + timedelta(days=d)}.jsonl").open("wb") for d in range(DAYS)]
    try:
        for n, expected in enumerate(site.iter_expected()):
            day = n // per_day
            streams[day].write(encode_line(record(expected, FIRST_DAY + timedelta(days=day))))
            lines += 1
            if n % EDITED_EVERY == 0:
                later = min(day + 1, DAYS - 1)
                when = FIRST_DAY + timedelta(days=later)
                streams[later].write(encode_line(record(expected, when, version=2)))
                lines += 1
                edited += 1
    finally:
        for stream in streams:
            stream.close()
    files = sorted(folder.glob("*.jsonl"))
    return {"articles": len(ids), "lines": lines, "edited": edited, "files": len(files),
            "bytes": sum(f.stat().st_size for f in files)}


def record(expected: dict[str, Any], written: date, version: int = 1) -> dict[str, Any]:
    """A stored Article made from the replica's ground truth line."""
    era = expected["era"]
    body = expected["body"] + ("\n\nAktualizacja: dodano akapit." if version > 1 else "")
    digest = hashlib.sha256(body.encode()).hexdigest()
    api = era == "E4"
    return {
        "id": expected["id"],
        "url": expected["url"],
        "era": era,
        "headline": expected["headline"],
        "published": expected["published"],
        "published_source": "api" if api else "page",
        "modified": f"{written}T12:00:00+00:00" if version > 1 else None,
        "body": body,
        "author": expected["author"],
        "edition": "polish",
        "language": "pl",
        "section": "https://polish.cri.cn/news/" if api else None,
        "summary": body[:200].rsplit(" ", 1)[0] if api else None,
        "images": [f"https://polish.cri.cn/img/{expected['id']}.jpg"] if api else [],
        "video": None,
        "extraction": "api" if api else "html",
        "fetched_at": f"{written}T08:00:00+00:00",
        "run": f"{written:%Y%m%d}T080000Z-4242",
        "crawler_version": "0.1.0",
        "parser": {"era": "E4" if api else era, "version": 1,
                   "selector": "api:content" if api else "#abody"},
        "content_sha256": digest,
        "warc_record_id": f"<urn:uuid:{uuid.UUID(digest[:32])}>",
        "version": version,
    }


def export_run(data_dir: Path, out: Path, fmt: str, log: Path) -> dict[str, Any]:
    command = [sys.executable, "-m", "crawler", "export", "--data-dir", str(data_dir),
               "--out", str(out), "--format", fmt]
    run = measured(command, log)
    run.check(f"export --format {fmt}")
    files = sorted(p for p in out.rglob(f"*.{fmt}"))
    summary = log.read_text(encoding="utf-8").strip().splitlines()[-1]
    return {
        "seconds": run.seconds,
        "peak_rss_mb": run.peak_rss_mb,
        "bytes": {config: sum(p.stat().st_size for p in files if p.parent.name == config)
                  for config in ("current", "history")},
        "files": len(files),
        "summary": summary,
    }


def run(work: Path, articles: int) -> dict[str, Any]:
    data_dir = work / "data"
    print(f"bench: export: an archive of {articles} articles", file=sys.stderr, flush=True)
    archive = make_archive(data_dir, articles)
    exports: dict[str, Any] = {}
    for fmt in FORMATS:
        print(f"bench: export: --format {fmt}", file=sys.stderr, flush=True)
        exports[fmt] = export_run(data_dir, work / fmt, fmt, work / f"{fmt}.log")
        if fmt == "parquet":
            exports["parquet_again"] = export_run(data_dir, work / fmt, fmt, work / "again.log")
    first = exports["parquet"]
    result = {
        "replica_articles": articles,
        "archive": archive,
        "exports": exports,
        "parquet_history_vs_jsonl": first["bytes"]["history"] / archive["bytes"],
    }
    result["targets"] = [
        target("export", f"peak memory (MB), Parquet export of {archive['articles']} articles",
               PEAK_TARGET_MB, first["peak_rss_mb"], "<="),
    ]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="work directory, kept")
    args = parser.parse_args()
    run_alone("export", args.keep, lambda work: run(work, args.articles))


if __name__ == "__main__":
    main()
