"""Health checks on fake run reports (a boundary table per check). The run history file:
test_history.py."""

from __future__ import annotations

import copy
import json
from dataclasses import fields, replace
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from scrapy.settings import Settings

from crawler.config import ConfigError, HealthThresholds
from crawler.monitoring import checks
from crawler.monitoring.checks import CHECKS, Check, evaluate, verdict

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)

# The defaults of crawler/settings.py (test_defaults_are_the_settings keeps them in step).
THRESHOLDS = HealthThresholds(
    max_errors=5,
    min_coverage=0.99,
    min_published_coverage=0.9,
    max_fallback_share=0.05,
    max_no_body_share=0.05,
    max_empty_listing_share=0.5,
    max_blocked_share=0.05,
    max_hours_without_new=24.0,
    max_soft_404_share=0.5,
    max_lost_share=0.1,
    min_judged=20,
)

HEALTHY_REPORT: dict[str, Any] = {
    "run": "20261128T115900Z-1",
    "started": "2026-11-28T11:59:00+00:00",
    "finished": "2026-11-28T11:59:12+00:00",
    "duration_seconds": 12.3,
    "mode": "monitor",
    "since": None,
    "base_url": None,
    "finish_reason": "finished",
    "requests": 123,
    "responses": {"200": 120, "404": 3},
    "articles": {"discovered": 300, "fetched": 110, "new": 5, "updated": 1, "unchanged": 100,
                 "lost": 2, "dropped": {"cri/no_body": 2}},
    "blocked": {"answers": 0, "unrecovered": 0},
    "extraction": {"api": 3, "html": 2, "browser": 1, "fallback": 0},
    "pages": {"articles_parsed": 108, "no_body": 2, "no_date": 0},
    "coverage": {"headline": 1.0, "published": 1.0, "body": 0.99},
    "listings": {"requested": 20, "answers": 20, "unreadable": 0, "without_article_link": 1},
    "errors": 0,
    "robots_unavailable": 0,
    "robots_forbidden": 0,
    "newest_published": "2026-11-20T10:00:00+08:00",
}

# An hourly run that found nothing new: nothing parsed, nothing extracted.
QUIET_REPORT: dict[str, Any] = {
    **HEALTHY_REPORT,
    "requests": 10,
    "responses": {"200": 10},
    "articles": {"discovered": 80, "fetched": 0, "new": 0, "updated": 0, "unchanged": 0,
                 "lost": 0, "dropped": {}},
    "extraction": {},
    "pages": {"articles_parsed": 0, "no_body": 0, "no_date": 0},
    "coverage": {"headline": None, "published": None, "body": None},
    "listings": {"requested": 10, "answers": 10, "unreadable": 0, "without_article_link": 0},
    "newest_published": None,
}


def report(base: dict[str, Any] = HEALTHY_REPORT, **changes: Any) -> dict[str, Any]:
    """A copy of `base`; a change to a nested object merges into it."""
    result = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict) and value:
            result[key].update(value)
        else:
            result[key] = value
    return result


def result_of(
    name: str,
    run: dict[str, Any],
    past: list[dict[str, Any]] | None = None,
    thresholds: HealthThresholds = THRESHOLDS,
) -> checks.CheckResult:
    (found,) = [r for r in evaluate(run, past or [], thresholds, NOW) if r.name == name]
    return found


def test_defaults_are_the_settings() -> None:
    settings = Settings()
    settings.setmodule("crawler.settings")
    assert HealthThresholds.from_settings(settings) == THRESHOLDS


def test_healthy_report_passes_every_check() -> None:
    results = evaluate(HEALTHY_REPORT, [], THRESHOLDS, NOW)
    assert [r.name for r in results if not r.ok] == []
    assert verdict(results) == "healthy"
    assert {r.name for r in results} == {c.name for c in CHECKS}


def test_a_run_that_finds_nothing_new_is_healthy() -> None:
    # Spidermon's item count and field coverage monitors fail such a run; we must not.
    past = [report(QUIET_REPORT, run="prev", started="2026-11-28T11:00:00+00:00")]
    past[0]["articles"]["new"] = 3
    results = evaluate(QUIET_REPORT, past, THRESHOLDS, NOW)
    assert [r.message for r in results if not r.ok] == []
    vacuous = {r.name: r.message for r in results if r.value is None}
    assert set(vacuous) == {
        "coverage_headline",
        "coverage_published",
        "coverage_body",
        "fallback_share",
        "no_body_share",
        "soft_404_share",
        "lost_share",
        "articles_discovered",  # one run of history says nothing of what is normal
    }
    assert "nothing to measure" in vacuous["coverage_body"]
    # 10 listing requests here and 10 in the run before: together, enough to judge.
    listings = next(r for r in results if r.name == "empty_listing_share")
    assert listings.message == "empty_listing_share 0 <= 0.5 (0 of 20 listing requests over 2 runs)"


# -- a boundary table per check ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("finish_reason", "ok"),
    [
        ("finished", True),
        ("shutdown", False),
        ("closespider_timeout", False),
        ("store_failed", False),
        (None, False),
    ],
)
def test_finish_reason(finish_reason: str | None, ok: bool) -> None:
    result = result_of("finish_reason", report(finish_reason=finish_reason))
    assert result.ok is ok
    assert result.threshold == "finished" and result.setting is None


@pytest.mark.parametrize(("errors", "ok"), [(0, True), (5, True), (6, False), (None, True)])
def test_errors(errors: int | None, ok: bool) -> None:
    result = result_of("errors", report(errors=errors))
    assert result.ok is ok
    assert result.setting == "CRAWLER_HEALTH_MAX_ERRORS"
    if not ok:
        assert result.message == "errors 6 > 5"


COVERAGES = (
    ("headline", 0.99, "CRAWLER_HEALTH_MIN_COVERAGE"),
    ("body", 0.99, "CRAWLER_HEALTH_MIN_COVERAGE"),
    # a time of the answer's own: the card's or the URL's would hide a broken selector
    ("published", 0.9, "CRAWLER_HEALTH_MIN_PUBLISHED_COVERAGE"),
)


@pytest.mark.parametrize(
    ("field", "threshold", "setting", "value", "ok"),
    [
        (field, threshold, setting, value, ok)
        for field, threshold, setting in COVERAGES
        for value, ok in ((0.0, False), (round(threshold - 0.001, 3), False), (threshold, True),
                          (1.0, True))
    ],
)
def test_coverage(field: str, threshold: float, setting: str, value: float, ok: bool) -> None:
    run = report(coverage={field: value}, pages={"articles_parsed": 1000})
    result = result_of(f"coverage_{field}", run)
    assert result.ok is ok
    assert (result.value, result.threshold) == (pytest.approx(value), threshold)
    assert result.setting == setting
    if not ok:
        assert result.message.startswith(f"coverage_{field} {value:g} < {threshold:g} (")


@pytest.mark.parametrize("field", ["headline", "published", "body"])
def test_coverage_without_parsed_pages_is_vacuous(field: str) -> None:
    result = result_of(f"coverage_{field}", QUIET_REPORT)
    assert result.ok and result.value is None


def test_coverage_missing_though_pages_were_parsed_fails() -> None:
    result = result_of("coverage_body", report(coverage={"body": None}))
    assert not result.ok and "cannot be computed" in result.message


@pytest.mark.parametrize(
    ("extraction", "ok"),
    [
        ({"api": 95, "html": 0, "browser": 0, "fallback": 5}, True),  # 0.05
        ({"api": 94, "html": 0, "browser": 0, "fallback": 6}, False),  # 0.06
        ({"api": 0, "html": 0, "browser": 20, "fallback": 0}, True),
        ({"api": 0, "html": 0, "browser": 0, "fallback": 20}, False),  # 1.0 of the minimum
        ({"api": 0, "html": 0, "browser": 0, "fallback": 19}, False),  # few, but every one
        ({"api": 15, "html": 0, "browser": 0, "fallback": 4}, True),  # too few to judge
        ({"api": 0, "html": 0, "browser": 0, "fallback": 4}, True),  # too few even if all
        ({"api": 0, "html": 0, "browser": 0, "fallback": 5}, False),  # a quarter of the minimum
        ({"api": 0, "html": 0, "browser": 0, "fallback": 0}, True),  # nothing extracted
        ({}, True),
    ],
)
def test_fallback_share(extraction: dict[str, int], ok: bool) -> None:
    run = report(extraction={})
    run["extraction"] = extraction
    assert result_of("fallback_share", run).ok is ok


@pytest.mark.parametrize(
    ("no_body", "parsed", "ok"),
    [
        (0, 100, True),
        (5, 100, True),
        (6, 100, False),
        (20, 20, False),
        (18, 19, True),  # below the minimum: too few to judge
        (19, 19, False),  # ... unless every one went wrong
        (4, 4, True),  # ... in at least a quarter of the minimum
        (0, 0, True),
    ],
)
def test_no_body_share(no_body: int, parsed: int, ok: bool) -> None:
    result = result_of(
        "no_body_share", report(pages={"no_body": no_body, "articles_parsed": parsed})
    )
    assert result.ok is ok
    assert result.setting == "CRAWLER_HEALTH_MAX_NO_BODY_SHARE"


@pytest.mark.parametrize(
    ("soft", "parsed", "ok"),
    [
        (0, 100, True),
        (50, 50, True),  # half of the article answers: the threshold itself
        (51, 49, False),
        (20, 0, False),
        (18, 1, True),  # too few to judge
        (19, 0, False),  # ... unless all of them
        (0, 0, True),  # no article answer: nothing to measure
    ],
)
def test_soft_404_share(soft: int, parsed: int, ok: bool) -> None:
    result = result_of("soft_404_share", report(pages={"soft_404": soft, "articles_parsed": parsed}))
    assert result.ok is ok
    assert result.setting == "CRAWLER_HEALTH_MAX_SOFT_404_SHARE"


@pytest.mark.parametrize(
    ("empty", "unreadable", "requested", "ok"),
    [
        (0, 0, 20, True),
        (10, 0, 20, True),
        (5, 5, 20, True),
        (11, 0, 20, False),
        (6, 5, 20, False),  # unreadable ones count as empty
        (20, 0, 20, False),
        (18, 0, 19, True),  # too few to judge
        (19, 0, 19, False),  # ... unless all of them
        (0, 0, 0, True),
    ],
)
def test_empty_listing_share(empty: int, unreadable: int, requested: int, ok: bool) -> None:
    run = report(listings={"requested": requested, "answers": requested - unreadable,
                           "unreadable": unreadable, "without_article_link": empty})
    assert result_of("empty_listing_share", run).ok is ok


@pytest.mark.parametrize(
    ("unrecovered", "answers", "leads", "ok"),
    [
        (0, 0, 100, True),
        (5, 5, 100, True),  # 0.05
        (6, 6, 100, False),  # 0.06
        (0, 30, 100, True),  # 403s recovered through another source: reported, not judged
        (1, 1, 16, True),  # one unread of a quiet run's 16: too few to judge
        (15, 15, 16, True),
        (16, 16, 16, False),  # ... but all of them is judged
        (4, 4, 4, True),  # ... from a quarter of the minimum
        (20, 20, 20, False),
        (0, 0, 0, True),  # nothing fetched at all: the finish reason and robots checks speak
    ],
)
def test_blocked_share(unrecovered: int, answers: int, leads: int, ok: bool) -> None:
    run = report(blocked={"answers": answers, "unrecovered": unrecovered},
                 articles={"fetched": leads // 2}, listings={"requested": leads - leads // 2})
    result = result_of("blocked_share", run)
    assert result.ok is ok
    assert result.pooled == {"part": unrecovered, "whole": leads, "runs": 1}


def _small(run: str, **changes: Any) -> dict[str, Any]:
    """A quiet hourly run: 16 requests for 8 articles and 8 listing pages."""
    base = report(QUIET_REPORT, run=run, articles={"fetched": 8},
                  listings={"requested": 8, "answers": 8}, blocked={"answers": 0, "unrecovered": 0})
    return report(base, **changes)


def test_a_share_pools_earlier_runs_until_the_minimum() -> None:
    # One 403 that cost an article, in a run of 16: pooled with the run before (32 cases).
    this = _small("this", blocked={"answers": 1, "unrecovered": 1})
    past = [_small(f"r{n}") for n in range(5)]
    result = result_of("blocked_share", this, past)
    assert result.pooled == {"part": 1, "whole": 32, "runs": 2}
    assert result.ok and result.value == pytest.approx(1 / 32)
    # The same block in every run: pooled, it is judged, and fails.
    blocked = [_small(f"r{n}", blocked={"answers": 4, "unrecovered": 4}) for n in range(5)]
    this = _small("this", blocked={"answers": 4, "unrecovered": 4})
    result = result_of("blocked_share", this, blocked)
    assert not result.ok and result.value == pytest.approx(0.25)
    assert "over 2 runs" in result.message


def test_pooling_passes_over_other_editions_unreadable_runs_and_this_run() -> None:
    this = _small("this", edition="polish", blocked={"answers": 1, "unrecovered": 1})
    past = [
        _small("old", edition="polish", blocked={"answers": 9, "unrecovered": 9}),
        _small("eo", edition="esperanto", blocked={"answers": 9, "unrecovered": 9}),
        report(_small("bad", edition="polish"), blocked="broken"),
        _small("this", edition="polish", blocked={"answers": 7, "unrecovered": 7}),  # a stale copy
    ]
    result = result_of("blocked_share", this, past)
    assert result.pooled == {"part": 1 + 9, "whole": 32, "runs": 2}


def test_a_share_pools_at_most_a_day_of_runs() -> None:
    past = [_small(f"r{n}", articles={"fetched": 0}, listings={"requested": 0}) for n in range(40)]
    result = result_of("blocked_share", _small("this", articles={"fetched": 0},
                                               listings={"requested": 1}), past)
    assert result.pooled == {"part": 0, "whole": 1, "runs": checks.POOL_RUNS}
    assert result.ok and "too few to judge" in result.message


@pytest.mark.parametrize(
    ("requested", "answers", "value", "ok"),
    [
        (10, 10, 0, True),
        (10, 1, 0, True),  # some read: the empty_listing_share judges the rest
        (10, 0, 10, False),  # none of ten could be read: the main discovery path is dead
        (1, 0, 1, False),  # a count, not a share: one request is enough
        (0, 0, 0, True),  # no listing requested (pages asked for by URL)
    ],
)
def test_listings_unreadable(requested: int, answers: int, value: int, ok: bool) -> None:
    run = report(listings={"requested": requested, "answers": answers})
    result = result_of("listings_unreadable", run)
    assert (result.value, result.ok) == (value, ok)


def _discovering(name: str, discovered: int) -> dict[str, Any]:
    return report(QUIET_REPORT, run=name, articles={"discovered": discovered})


@pytest.mark.parametrize(
    ("earlier", "this", "ok"),
    [
        ([80, 80, 80], 0, False),  # runs normally find links: none now is a dead discovery
        ([80, 80, 80], 1, True),
        ([80, 80], 0, True),  # two runs say nothing of what is normal
        ([0, 0, 80], 0, True),  # most earlier runs found none either
        ([0, 80, 80], 0, False),
        ([], 0, True),
    ],
)
def test_articles_discovered(earlier: list[int], this: int, ok: bool) -> None:
    past = [_discovering(f"r{n}", d) for n, d in enumerate(earlier)]
    assert result_of("articles_discovered", _discovering("this", this), past).ok is ok


@pytest.mark.parametrize(
    ("lost", "fetched", "ok"),
    [
        (0, 81, True),
        (8, 81, True),
        (9, 81, False),
        (81, 81, False),  # 0 of 81 stored: refused, too large, filtered...
        (3, 3, True),  # too few to judge in one run (pooled with none)
        (17, 17, False),  # a fresh archive whose first 17 articles all failed
        (16, 17, True),
        (0, 0, True),
    ],
)
def test_lost_share(lost: int, fetched: int, ok: bool) -> None:
    result = result_of("lost_share", report(articles={"lost": lost, "fetched": fetched}))
    assert result.ok is ok
    assert result.setting == "CRAWLER_HEALTH_MAX_LOST_SHARE"


@pytest.mark.parametrize(
    ("forbidden", "answers", "parsed", "ok"),
    [
        (0, 0, 0, True),
        (3, 0, 0, False),  # robots.txt forbade everything the run asked for
        (3, 5, 0, True),  # listings were read: the lost share judges forbidden articles
        (3, 0, 2, True),
    ],
)
def test_robots_forbidden(forbidden: int, answers: int, parsed: int, ok: bool) -> None:
    run = report(robots_forbidden=forbidden, listings={"answers": answers},
                 pages={"articles_parsed": parsed, "soft_404": 0}, coverage={})
    run["coverage"] = {"headline": 1.0, "published": 1.0, "body": 1.0} if parsed else {}
    assert result_of("robots_forbidden", run).ok is ok


@pytest.mark.parametrize(("unavailable", "ok"), [(0, True), (1, False), (None, True)])
def test_robots_unavailable(unavailable: int | None, ok: bool) -> None:
    result = result_of("robots_unavailable", report(robots_unavailable=unavailable))
    assert result.ok is ok


@pytest.mark.parametrize(("cut", "ok"), [(0, True), (1, False), (None, True)])
def test_listings_cut(cut: int | None, ok: bool) -> None:
    # A section over CRAWLER_MAX_LISTINGS is never walked: one is already coverage lost.
    result = result_of("listings_cut", report(listings={"cut": cut}))
    assert result.ok is ok
    assert result.setting is None and result.threshold == 0


def _run_at(hours_ago: float, new: int, name: str | None = None) -> dict[str, Any]:
    started = NOW - timedelta(hours=hours_ago)
    run = report(QUIET_REPORT, run=name or f"run-{hours_ago}", started=started.isoformat())
    run["articles"]["new"] = new
    return run


@pytest.mark.parametrize(
    ("past", "this_new", "hours", "ok"),
    [
        # the last run with new articles, 23 / 24 / 25 hours ago; the hourly runs since found none
        ([_run_at(23, 4), _run_at(1, 0)], 0, 23.0, True),
        ([_run_at(24, 4), _run_at(1, 0)], 0, 24.0, True),
        ([_run_at(25, 4), _run_at(1, 0)], 0, 25.0, False),
        # no run ever found one: since the first run of the history
        ([_run_at(30, 0), _run_at(1, 0)], 0, 30.0, False),
        ([_run_at(2, 0), _run_at(1, 0)], 0, 2.0, True),
        # this run found none, the one an hour ago did
        ([_run_at(48, 0), _run_at(1, 7)], 0, 1.0, True),
        # this run found some (it started a minute before NOW)
        ([_run_at(100, 0)], 3, 1 / 60, True),
        # the very first run, empty-handed
        ([], 0, 1 / 60, True),
        # older reports without a readable start time are passed over
        ([report(QUIET_REPORT, run="odd", started="yesterday"), _run_at(25, 1)], 0, 25.0, False),
    ],
)
def test_hours_without_new(
    past: list[dict[str, Any]], this_new: int, hours: float, ok: bool
) -> None:
    this = _run_at(1 / 60, this_new, name="this")
    result = result_of("hours_without_new", this, past)
    assert result.value == pytest.approx(hours)
    assert result.ok is ok
    assert result.setting == "CRAWLER_HEALTH_MAX_HOURS_WITHOUT_NEW"


def test_hours_without_new_when_the_history_already_holds_this_run() -> None:
    this = _run_at(0, 0, name="this")
    past = [_run_at(30, 0), _run_at(0, 5, name="this")]  # a stale copy of this run, with news
    assert result_of("hours_without_new", this, past).value == pytest.approx(30.0)


# -- checks as data ----------------------------------------------------------------------------


def test_every_threshold_has_a_check_and_every_check_a_threshold() -> None:
    used = {c.threshold for c in CHECKS if c.threshold is not None}
    assert used | {"min_judged"} == {f.name for f in fields(HealthThresholds)}
    assert len({c.name for c in CHECKS}) == len(CHECKS)
    for check in CHECKS:
        assert check.op in checks.OPERATORS and check.description


def test_a_missing_threshold_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="CRAWLER_HEALTH_MAX_BLOCKED_SHARE"):
        unset = replace(THRESHOLDS, max_blocked_share=None)  # type: ignore[arg-type]
        evaluate(HEALTHY_REPORT, [], unset, NOW)


def test_a_check_naming_an_unknown_threshold_is_rejected() -> None:
    with pytest.raises(ValueError, match="no field"):
        Check("x", lambda r, h, n: 0, "<=", "max_typo", "x")
    with pytest.raises(ValueError, match="operator"):
        Check("x", lambda r, h, n: 0, "<", "max_errors", "x")


def test_a_malformed_report_fails_the_check_without_raising() -> None:
    run = report(errors="many")
    run["blocked"] = ["403"]
    failed = {r.name: r for r in evaluate(run, [], THRESHOLDS, NOW) if not r.ok}
    assert set(failed) == {"errors", "blocked_share"}
    assert "cannot be computed" in failed["errors"].message


def test_results_are_json_serialisable() -> None:
    results = evaluate(report(errors=9), [_run_at(30, 0)], THRESHOLDS, NOW)
    data = json.loads(json.dumps([r.as_dict() for r in results]))
    errors = next(d for d in data if d["name"] == "errors")
    assert errors == {
        "name": "errors",
        "ok": False,
        "value": 9,
        "op": "<=",
        "threshold": 5,
        "setting": "CRAWLER_HEALTH_MAX_ERRORS",
        "message": "errors 9 > 5",
        "pooled": None,
    }
    assert verdict(results) == "unhealthy"


def test_replays_are_neither_pooled_with_crawls_nor_judged_for_staleness() -> None:
    crawl = _small("this", blocked={"answers": 1, "unrecovered": 1})
    replay = report(_small("rx"), mode="reextract", blocked={"answers": 0, "unrecovered": 0},
                    articles={"fetched": 100000, "discovered": 100000, "new": 5})
    # The reextract's 100,000 cases do not drown the crawl's: it pools with crawls only.
    result = result_of("blocked_share", crawl, [_small("old"), replay])
    assert result.pooled == {"part": 1, "whole": 32, "runs": 2}
    # An import's "new" hides no outage, and a replay is not judged for staleness.
    stale = _run_at(30, 1, name="old-crawl")
    imported = report(_run_at(1, 500, name="import"), mode="import")
    assert result_of("hours_without_new", _run_at(0, 0, name="this"), [stale, imported]).value == pytest.approx(30)
    assert result_of("hours_without_new", report(_run_at(0, 0, name="rx"), mode="reextract"), [stale]).ok
