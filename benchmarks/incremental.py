"""Part 4: what a monitoring run costs once the archive is full.

`python -m crawler run --since 2004-01-01` fills an empty archive from a replica; then 20 new
articles appear (`POST /__replica__/add`) and `python -m crawler run` (monitoring) runs again.
The replica runs in this process, so its request log tells, request by request, what the
second run fetched: listings and discovery, the new articles, known articles inside the
recheck window (`CRAWLER_RECHECK_HOURS`: fetched on purpose, to catch edits) and known
articles outside it (target: none).
"""

from __future__ import annotations

import json
import sys
import urllib.request
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from benchmarks._common import FAST, measured, setting_args, target
from benchmarks.throughput import stored_items
from crawler.editions import get_edition
from crawler.urls import Kind, classify

NEW_ARTICLES = 20
RECHECK_HOURS = 48.0  # the project's default, passed explicitly so the figure knows it


def monitoring_run(
    data_dir: Path, base_url: str, log: Path, since: str | None = None
) -> dict[str, Any]:
    """One `python -m crawler run`; its run report (the last line of runs.jsonl) and timing."""
    command = [
        sys.executable,
        "-m",
        "crawler",
        "run",
        "--data-dir",
        str(data_dir),
        "--base-url",
        base_url,
        "--quiet",
        *(["--since", since] if since else []),
    ]
    settings = {**FAST, "CRAWLER_BROWSER": "False", "CRAWLER_RECHECK_HOURS": str(RECHECK_HOURS)}
    command += setting_args(settings)
    run = measured(command, log)
    run.check("cri-crawler run", ok=(0, 1))  # 1: unhealthy is a verdict, not a failure here
    lines = (data_dir / "runs.jsonl").read_text(encoding="utf-8").splitlines()
    report = json.loads(lines[-1])
    return {
        "exit_code": run.returncode,
        "wall_seconds": run.seconds,
        "peak_rss_mb": run.peak_rss_mb,
        "report": report,
    }


def classify_requests(
    server: Any, new_ids: set[str], stored_ids: set[str], now: datetime
) -> dict[str, Any]:
    """The replica's logged requests sorted into discovery, new articles, stored articles inside
    and outside the recheck window, and articles the archive did not hold (e.g. client-rendered
    shells the first run skipped with the browser off: fetched again by design)."""
    edition = get_edition("polish")
    window_start = now - timedelta(hours=RECHECK_HOURS)
    kinds: Counter[str] = Counter()
    outside: set[str] = set()
    inside: set[str] = set()
    new_seen: set[str] = set()
    unstored: set[str] = set()
    for logged in server.requests:
        article_id = None
        if logged.method == "POST" and logged.body_id:
            ref = classify(logged.body_id, edition)
            if ref is not None and ref.kind is Kind.ARTICLE:
                article_id = ref.id
        elif logged.method == "GET":
            resolved = server.site.resolve(logged.path.split("?", 1)[0])
            article_id = resolved.article.id if resolved else None
        if article_id is None:
            kinds["discovery"] += 1
        elif article_id in new_ids:
            kinds["new_article"] += 1
            new_seen.add(article_id)
        elif article_id not in stored_ids:
            kinds["not_in_archive"] += 1
            unstored.add(article_id)
        else:
            article = server.site.article(article_id)
            if article is not None and article.published >= window_start:
                kinds["recheck_in_window"] += 1
                inside.add(article_id)
            else:
                kinds["known_outside_window"] += 1
                outside.add(article_id)
    return {
        "requests": sum(kinds.values()),
        "by_kind": dict(kinds),
        "new_articles_fetched": len(new_seen),
        "known_rechecked_in_window": len(inside),
        "known_refetched_outside_window": len(outside),
        "examples_outside_window": sorted(outside)[:5],
        "not_in_archive_fetched": len(unstored),
    }


def run(work: Path, articles: int) -> dict[str, Any]:
    from tests.replica import ReplicaServer

    data_dir = work / "data"
    with ReplicaServer(articles=articles) as server:
        print(f"bench: incremental: full run on {articles} articles", file=sys.stderr, flush=True)
        first = monitoring_run(data_dir, server.base_url, work / "run-1.log", since="2004-01-01")
        first_requests = len(server.requests)
        stored_ids = {item["id"] for item in stored_items(data_dir)}
        server.requests.clear()
        request = urllib.request.Request(
            server.base_url + "/__replica__/add",
            data=json.dumps({"n": NEW_ARTICLES}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            new_ids = set(json.loads(answer.read())["ids"])
        print(
            f"bench: incremental: {NEW_ARTICLES} new articles, monitoring run",
            file=sys.stderr,
            flush=True,
        )
        second = monitoring_run(data_dir, server.base_url, work / "run-2.log")
        counted = classify_requests(server, new_ids, stored_ids, datetime.now(timezone.utc))
    report = second["report"]
    result = {
        "replica_articles": articles,
        "new_articles": NEW_ARTICLES,
        "recheck_hours": RECHECK_HOURS,
        "full_run": {
            "requests": first_requests,
            "articles_new": first["report"]["articles"]["new"],
            "dropped": first["report"]["articles"].get("dropped"),
            "wall_seconds": first["wall_seconds"],
            "verdict": first["report"].get("verdict"),
        },
        "monitoring_run": {
            **counted,
            "requests_reported": report.get("requests"),
            "requests_per_new_article": counted["requests"] / NEW_ARTICLES,
            "articles": report.get("articles"),
            "wall_seconds": second["wall_seconds"],
            "peak_rss_mb": second["peak_rss_mb"],
            "verdict": report.get("verdict"),
            "exit_code": second["exit_code"],
        },
    }
    result["targets"] = [
        target(
            "incremental",
            "known articles re-fetched outside the recheck window",
            0,
            counted["known_refetched_outside_window"],
            "<=",
        ),
        target(
            "incremental",
            "new articles fetched by the monitoring run",
            NEW_ARTICLES,
            counted["new_articles_fetched"],
            ">=",
        ),
    ]
    return result
