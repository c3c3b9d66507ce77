"""The run report: one line of `<data_dir>/runs.jsonl`, built from a crawl's final stats (the
fields: README "Health checks and alerts"). The checks judge it (`checks.py`), `status` and the
alerts show it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from crawler import stats as cri
from crawler.fetching import GONE

# How a fetched article may end without being stored and without anything being wrong: the
# platform's not-found page, a 404/410 (recorded as gone), published before `--since`, a shell
# with the browser turned off (CRAWLER_BROWSER: a choice; a browser that fails is a failure).
# (`no_body` and `no_date` end no better, but their own checks judge them.)
JUDGED_ELSEWHERE = frozenset({"skipped/no_body", "skipped/no_date"})
SETTLED = frozenset({"item", "skipped/soft_404", "skipped/before_since",
                     "skipped/shell_without_browser"} | {f"failed/{c}" for c in GONE})


def build_report(stats: Mapping[str, Any], started: datetime, finished: datetime, *,
                 run: str, edition: str, since: date | None,
                 base_url: str | None) -> dict[str, Any]:
    """The run report from the crawl's final stats; `run`: the crawl's id (`CrawlContext.run`,
    the one its items carry)."""

    def count(name: str) -> int:
        return int(stats.get(name, 0) or 0)

    def under(prefix: str) -> dict[str, int]:
        return {k[len(prefix):]: int(v) for k, v in sorted(stats.items()) if k.startswith(prefix)}

    parsed = count(cri.ARTICLES_PARSED)
    coverage = {
        name: (count(cri.field_found(name)) / parsed if parsed else None)
        for name in cri.COVERED_FIELDS
    }
    dropped = {f"validate/{k}": v for k, v in under("validate/dropped/").items()}
    dropped |= {f"cri/{k}": v for k, v in under(cri.SKIPPED).items() if cri.skipped(k) != cri.KNOWN}
    listings_requested = count(cri.LISTING_REQUESTED)
    listing_answers = count(cri.LISTING_ANSWERS)
    return {
        "run": run,
        "started": started.isoformat(timespec="seconds"),
        "finished": finished.isoformat(timespec="seconds"),
        "duration_seconds": round((finished - started).total_seconds(), 3),
        "edition": edition,
        "mode": "backfill" if since else "monitor",
        "since": since.isoformat() if since else None,
        "base_url": base_url,
        "finish_reason": stats.get("finish_reason"),
        "requests": count("downloader/request_count"),
        "responses": under("downloader/response_status_count/"),
        "articles": articles(stats) | {"dropped": dropped},
        "blocked": {
            "answers": sum(count(f"downloader/response_status_count/{s}") for s in (403, 429)),
            "unrecovered": count(cri.BLOCKED_UNRECOVERED),
        },
        "extraction": under(cri.EXTRACTION),
        "published_source": under(cri.PUBLISHED_SOURCE),
        "pages": {
            "articles_parsed": parsed,
            "no_body": count(cri.skipped("no_body")),
            "no_date": count(cri.skipped("no_date")),
            "soft_404": count(cri.skipped("soft_404")),
            "published_mismatch": count(cri.PUBLISHED_MISMATCH),
        },
        "coverage": coverage,
        "listings": {
            "requested": listings_requested,
            "answers": listing_answers,
            "unreadable": max(0, listings_requested - listing_answers),
            "without_article_link": count(cri.LISTING_WITHOUT_ARTICLE_LINK),
            "cut": count(cri.LISTING_CUT),
        },
        "sitemaps": {
            "requested": count(cri.SITEMAP_REQUESTED),
            "answers": count(cri.SITEMAP_ANSWERS),
            "article_links": count(cri.SITEMAP_ARTICLE_LINKS),
            "cut": count(cri.SITEMAP_CUT),
            "unfetched": count(cri.SITEMAP_UNFETCHED),
        },
        "requests_cut": count(cri.DISCOVERY_CUT),
        "errors": count("log_count/ERROR"),
        "robots_unavailable": count("robots/unavailable"),
        "robots_forbidden": count("robotstxt/forbidden"),
        "newest_published": stats.get("dedupe/newest_published"),
    }


def articles(stats: Mapping[str, Any]) -> dict[str, Any]:
    """Every discovered article accounted for: discovered = known + gone (not fetched) + the
    endings of the fetched ones + unaccounted; `lost` = fetched and neither stored nor settled
    (failed, refused, too large, dropped unseen, invalid, unwritten)."""

    def count(name: str) -> int:
        return int(stats.get(name, 0) or 0)

    ended = {k[len(cri.ARTICLE_ENDED):]: int(v) for k, v in sorted(stats.items())
             if k.startswith(cri.ARTICLE_ENDED)}
    discovered = count(cri.ARTICLES_DISCOVERED)
    not_fetched = {"known": count(cri.KNOWN), "gone": count(cri.GONE_SKIPPED)}
    fetched = discovered - sum(not_fetched.values())
    unaccounted = max(0, fetched - sum(ended.values()))
    invalid = sum(int(v) for k, v in stats.items() if k.startswith("validate/dropped/"))
    unwritten = count("store/unwritten_items")
    lost = unaccounted + invalid + unwritten + sum(
        n for how, n in ended.items() if how not in SETTLED and how not in JUDGED_ELSEWHERE
    )
    return {
        "discovered": discovered,
        "fetched": max(0, fetched),
        "new": count(cri.STORED_NEW),
        "updated": count(cri.STORED_UPDATED),
        "unchanged": count("dedupe/unchanged"),
        "known_not_fetched": not_fetched["known"],
        "gone_not_fetched": not_fetched["gone"],
        "ended": ended,
        "unaccounted": unaccounted,
        "invalid": invalid,
        "unwritten": unwritten,
        "lost": lost,
    }
