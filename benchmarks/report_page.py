"""Part 6: `cri-crawler report` over a large archive: seconds, peak memory, page size.

The archive is the one a full crawl of the replica's N articles would leave: every article of
its ground truth (all four eras; as a backfill plus a URL-list crawl would store them) written
as the store writes records (one compact JSON line, every field, `id` first), spread over
day files of writing; every 200th article also has a second version (body longer by a
paragraph, written later); and `runs.jsonl` holds 30 days of hourly run reports made by the
run report's own builder (720 lines). Fields the replica's ground truth lacks are set as the
crawl would set them: `extraction` from the article's variant (a client-rendered shell is
`browser`, an E4 answer the API serves is `api`, everything else `html`), images and video
from the replica's article. Then `python -m crawler report --data-dir ...` runs in its own
process, timed, the memory of its process tree sampled (`benchmarks/_common.py`).

Targets (issue #16): under 20 s and 200 MB at 100,000 articles.

`python -m benchmarks.report_page [--articles N]` runs this part alone;
`python -m benchmarks.report_page --screenshot docs/report.png` makes the README's picture
instead: real `cri-crawler run`s of a replica of 1,000 articles, browser on (a backfill, new
articles, three of them edited, a run with nothing new), the report, and a screenshot of it in
Chromium.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from benchmarks._common import measured, target
from crawler import __version__
from crawler.archive.jsonl import encode_line
from crawler.archive.layout import RUNS_FILE, output_path

SECONDS_TARGET = 20.0
MEMORY_TARGET_MB = 200.0
EDIT_EVERY = 200  # one article in this many has a second version
PER_FILE = 5000  # articles per day file of writing
RUN_DAYS = 30
FIRST_DAY = date(2026, 10, 1)


def run(work: Path, articles: int) -> dict[str, Any]:
    data = work / "data"
    shutil.rmtree(data, ignore_errors=True)
    print(f"bench: report_page: writing the archive of {articles} articles", file=sys.stderr,
          flush=True)
    written = write_archive(data, articles)
    write_runs(data, RUN_DAYS * 24)
    page = work / "report.html"
    command = [sys.executable, "-m", "crawler", "report", "--data-dir", str(data), "--out",
               str(page)]
    result = measured(command, work / "report.log")
    result.check("cri-crawler report")
    peak = result.peak_rss_mb
    return {
        "replica_articles": articles,
        "archive": written,
        "runs": RUN_DAYS * 24,
        "seconds": result.seconds,
        "peak_rss_mb": peak,
        "page_kb": page.stat().st_size / 1024,
        "targets": [
            target("report_page", f"seconds to write the report over {articles} articles",
                   SECONDS_TARGET, result.seconds, "<="),
            target("report_page", f"peak memory (MB) of the report over {articles} articles",
                   MEMORY_TARGET_MB, peak, "<="),
        ],
    }


def write_archive(data: Path, articles: int) -> dict[str, Any]:
    """The replica's ground truth as archive records; what was written."""
    from tests.replica.site import Site

    site = Site(articles=articles, seed=1)
    lines = edits = size = 0
    day = FIRST_DAY
    handle = None
    later: list[dict[str, Any]] = []
    try:
        for n, article in enumerate(site.iter_articles()):
            if n % PER_FILE == 0:
                if handle:
                    handle.close()
                handle = _open_day(data, day)
                day += timedelta(days=1)
            record = archive_record(article, day)
            line = encode_line(record)
            handle.write(line)
            lines += 1
            size += len(line)
            if n % EDIT_EVERY == 0:
                later.append(record)
        if handle:
            handle.close()
        handle = _open_day(data, day)
        for record in later:
            body = record["body"] + "\n\nAktualizacja redakcji."
            line = encode_line({**record, "body": body, "version": 2,
                                "modified": f"{day.isoformat()}T12:00:00+00:00"})
            handle.write(line)
            lines += 1
            edits += 1
            size += len(line)
    finally:
        if handle:
            handle.close()
    return {"articles": site.article_count, "records": lines, "edited": edits,
            "mb": size / 2**20, "files": len(list((data / "articles").glob("*/*.jsonl")))}


def _open_day(data: Path, day: date) -> Any:
    path = data / output_path(day)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("ab")


def archive_record(article: Any, written: date) -> dict[str, Any]:
    """One replica article as the store writes it (every field of the schema)."""
    expected = article.expected()
    images = [url for _, url in article.images] or ([article.photo] if article.photo else [])
    shell = article.variant == "shell"
    api = article.knobs.get("api", "") in ("content", "modules_cards", "modules_data")
    platform = article.era == "E4" or article.migrated
    extraction = "browser" if shell else "api" if platform and api else "html"
    payload = expected["body"].encode("utf-8")
    return {
        "id": expected["id"],
        "url": expected["url"],
        "era": expected["era"],
        "headline": expected["headline"],
        "published": expected["published"],
        "published_source": "api" if extraction == "api" else "page",
        "modified": None,
        "body": expected["body"],
        "author": expected["author"],
        "edition": "polish",
        "language": "pl",
        "section": None,
        "summary": article.brief or None,
        "images": images,
        "video": article.video.url if article.video else None,
        "extraction": extraction,
        "fetched_at": f"{written.isoformat()}T03:00:00+00:00",
        "run": f"{written:%Y%m%d}T030000Z-1",
        "crawler_version": __version__,
        "parser": {"era": "E4" if platform else expected["era"], "version": 1,
                   "selector": "api:content" if extraction == "api" else "#abody"},
        "content_sha256": hashlib.sha256(payload).hexdigest(),
        "warc_record_id": None,
        "version": 1,
    }


def write_runs(data: Path, count: int) -> None:
    """`count` hourly run reports, made by the run report's builder, the last one now."""
    from crawler import stats as cri
    from crawler.monitoring.report import build_report

    checks = [
        {"name": name, "ok": True, "value": 0, "op": "<=", "threshold": 0.05,
         "setting": f"CRAWLER_HEALTH_{name.upper()}", "message": f"{name} ok", "pooled": None}
        for name in ("finish_reason", "errors", "coverage_headline", "coverage_published",
                     "coverage_body", "fallback_share", "no_body_share", "soft_404_share",
                     "empty_listing_share", "listings_unreadable", "articles_discovered",
                     "lost_share", "blocked_share", "hours_without_new")
    ]
    now = datetime.now(timezone.utc).replace(minute=17, second=0, microsecond=0)
    with (data / RUNS_FILE).open("wb") as handle:
        for i in range(count):
            started = now - timedelta(hours=count - 1 - i)
            new = i % 7
            stats = {
                "finish_reason": "finished", "downloader/request_count": 12 + 2 * new,
                "downloader/response_status_count/200": 12 + 2 * new,
                cri.extraction("api"): new, cri.ARTICLES_DISCOVERED: 40 + new, cri.KNOWN: 40,
                cri.ARTICLES_PARSED: new, f"{cri.ARTICLE_ENDED}item": new, cri.STORED_NEW: new,
                cri.skipped("no_body"): int(i % 50 == 0),
            }
            report = build_report(stats, started, started + timedelta(seconds=40), run=f"r{i}",
                                  edition="polish", since=None, base_url=None)
            unhealthy = i % 97 == 0
            failing = [{**checks[5], "ok": False}] if unhealthy else []
            report |= {"verdict": "unhealthy" if unhealthy else "healthy",
                       "checks": checks + failing, "alert": {"kind": "none"}}
            handle.write(encode_line(report))


# -- the README's picture ------------------------------------------------------------------------


def screenshot(png: Path, articles: int = 1000) -> Path:
    """Real runs of a replica into a temporary data directory, its report, a picture of it."""
    from crawler.report import write_report
    from crawler.report.screenshot import screenshot as take
    from tests.replica import ReplicaServer
    from tests.support.run import cri_run

    work = Path(tempfile.mkdtemp(prefix="cri-report-shot-"))
    try:
        data = work / "data"
        with ReplicaServer(articles=articles, seed=3) as server:
            site = server.site

            def crawl(*args: str) -> None:
                done = cri_run(data, server.base_url, *args, CRAWLER_BROWSER="True")
                if done.returncode not in (0, 1):
                    raise RuntimeError(done.stderr[-2000:])

            crawl("--since", "2004-01-01")  # the backfill
            added = [a.id for a in site.add_articles(12)]
            crawl()  # a monitoring run: the new articles
            for article_id in added[:2]:  # two of them edited
                article = site.article(article_id)
                assert article is not None
                site.edit(article_id, paragraphs=[*article.paragraphs, "Aktualizacja redakcji."])
            site.edit(added[2], headline="Poprawiony tytuł artykułu")
            crawl()  # the edits
            crawl()  # nothing new
        page, _ = write_report(data, work / "report.html")
        take(page, png)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return png


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(prog="python -m benchmarks.report_page",
                                  description=__doc__.splitlines()[0])
    cli.add_argument("--articles", type=int, default=100_000)
    cli.add_argument("--work", type=Path, help="work directory, kept (default: a temporary one)")
    cli.add_argument("--screenshot", type=Path, metavar="PNG",
                     help="make the README's picture instead of measuring")
    args = cli.parse_args(argv)
    if args.screenshot:
        print(f"written {screenshot(args.screenshot)}")
        return 0
    work = args.work or Path(tempfile.mkdtemp(prefix="cri-bench-report-"))
    try:
        print(json.dumps(run(work, args.articles), indent=1))
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
