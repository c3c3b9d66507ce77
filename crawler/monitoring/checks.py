"""Health checks of a run, as data: each `Check` is a metric computed from the run report (and
the run history), an operator, and the `HealthThresholds` field that holds its threshold.

`evaluate(report, history, thresholds, now)` runs every check of `CHECKS` and returns one
`CheckResult` each; the run is healthy when all are ok (`verdict`). A threshold comes from the
Scrapy setting `CRAWLER_HEALTH_<FIELD>` (crawler/settings.py, read by `HealthThresholds`); a
missing one is a `ConfigError`, never a silent default. A metric with nothing to measure (a
share of zero pages, zero listing answers, zero responses) returns `None` and the check passes:
an hourly run that finds nothing new is a healthy run. Staleness is the job of one check only,
`hours_without_new`, which looks across the run history.

Why not Spidermon (scrapinghub/spidermon, `pip install spidermon`), whose pattern this is:

- Its monitors are `unittest.TestCase` suites that its Scrapy extension runs inside the crawl
  process (at spider open/close, or periodically) on that crawl's stats. Our verdict needs what
  that process does not have, the history of earlier runs in `runs.jsonl`, and it has to come
  back to `cri-crawler run` as an exit code after the reactor has stopped and the report is
  written. We would run its suites outside Scrapy with a hand-built data object and read the
  unittest result back: its framework would wrap four lines of comparison.
- Its built-in monitors fail the runs we call healthy: `ItemCountMonitor` fails below
  `SPIDERMON_MIN_ITEMS`, and `FieldCoverageMonitor` fails a run without items unless
  `SPIDERMON_FIELD_COVERAGE_SKIP_IF_NO_ITEM` (default False) is set. Most hourly runs find
  nothing new.
- Its actions (e-mail, Slack, ...) take their credentials from Scrapy settings; ours come from
  the environment (`AlertConfig`) and must never be logged. Its e-mail action needs extras
  (Jinja2 templates, boto for SES).
- It would add a dependency tree (jsonschema, python-slugify, and extras) for no check we need.

So we take its shape (`BaseStatMonitor`: a stat, an operator, a threshold setting, a missing
threshold is an error) and its test style (a boundary table per monitor), not the package.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from typing import Any

from crawler.config import ConfigError, HealthThresholds

Report = Mapping[str, Any]
# A metric: (this run's report, earlier reports oldest first, now) -> value, or None when there
# is nothing to measure.
Metric = Callable[[Report, Sequence[Report], datetime], Any]

OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "<=": operator.le,
    ">=": operator.ge,
}
_NEGATION = {"==": "!=", "<=": ">", ">=": "<"}
_THRESHOLD_FIELDS = frozenset(f.name for f in fields(HealthThresholds))

HEALTHY, UNHEALTHY = "healthy", "unhealthy"


def setting_name(threshold: str) -> str:
    """The Scrapy setting of a `HealthThresholds` field: max_errors -> CRAWLER_HEALTH_MAX_ERRORS."""
    return f"CRAWLER_HEALTH_{threshold.upper()}"


@dataclass(frozen=True)
class CheckResult:
    """One check on one run; `as_dict()` is what the run report stores under `checks`."""

    name: str
    ok: bool
    value: Any  # None: nothing to measure, or not computable (then `ok` is False)
    op: str
    threshold: Any
    setting: str | None  # the setting that holds the threshold; None for a fixed expectation
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Check:
    """A health check as data: `metric(report, history, now) <op> threshold`."""

    name: str
    metric: Metric
    op: str
    threshold: str | None  # a HealthThresholds field; None when `fixed` is the expectation
    description: str
    fixed: Any = None  # the expected value of a check that is not configurable
    nothing: str = ""  # why the metric can be None (the check then passes vacuously)

    def __post_init__(self) -> None:
        if self.op not in OPERATORS:
            raise ValueError(f"check {self.name}: unknown operator {self.op!r}")
        if (self.threshold is None) == (self.fixed is None):
            raise ValueError(f"check {self.name}: give a threshold field or a fixed value")
        if self.threshold is not None and self.threshold not in _THRESHOLD_FIELDS:
            raise ValueError(f"check {self.name}: HealthThresholds has no field {self.threshold}")

    @property
    def setting(self) -> str | None:
        return None if self.threshold is None else setting_name(self.threshold)

    def limit(self, thresholds: HealthThresholds) -> Any:
        if self.threshold is None:
            return self.fixed
        value = getattr(thresholds, self.threshold, None)
        if value is None:
            raise ConfigError(f"health check {self.name}: {self.setting} is not set")
        return value

    def run(
        self, report: Report, history: Sequence[Report], thresholds: HealthThresholds, now: datetime
    ) -> CheckResult:
        limit = self.limit(thresholds)
        try:
            value = self.metric(report, history, now)
            ok = True if value is None else bool(OPERATORS[self.op](value, limit))
        except (ArithmeticError, LookupError, TypeError, ValueError) as exc:
            # A malformed report is a failed check with the reason, not a crash of the cron job.
            message = (
                f"{self.name}: cannot be computed from the report ({type(exc).__name__}: {exc})"
            )
            return CheckResult(self.name, False, None, self.op, limit, self.setting, message)
        if value is None:
            message = f"{self.name}: nothing to measure ({self.nothing})"
        else:
            shown = self.op if ok else _NEGATION[self.op]
            message = f"{self.name} {_fmt(value)} {shown} {_fmt(limit)}"
        return CheckResult(self.name, ok, value, self.op, limit, self.setting, message)


def evaluate(
    report: Report,
    history: Sequence[Report],
    thresholds: HealthThresholds,
    now: datetime,
    checks: Sequence[Check] | None = None,
) -> list[CheckResult]:
    """Every check on this run's report; `history` holds earlier reports, oldest first
    (`read_history`), with or without this one. `now` is an aware datetime."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return [check.run(report, history, thresholds, now) for check in (checks or CHECKS)]


def verdict(results: Sequence[CheckResult]) -> str:
    """`healthy` when every check is ok."""
    return HEALTHY if all(r.ok for r in results) else UNHEALTHY


# -- metrics ------------------------------------------------------------------------------------


def _section(report: Report, key: str) -> Mapping[str, Any]:
    value = report.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(f"{key} is {type(value).__name__}, not an object")
    return value


def _count(value: Any) -> float:
    """A counter of the report; absent or null is 0, as for an absent Scrapy stat."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{value!r} is not a number")
    return value


def _share(part: Any, whole: Any) -> float | None:
    whole = _count(whole)
    return None if whole == 0 else _count(part) / whole


def _finish_reason(report: Report, history: Sequence[Report], now: datetime) -> Any:
    return report.get("finish_reason") or "(none)"


def _errors(report: Report, history: Sequence[Report], now: datetime) -> Any:
    return _count(report.get("errors"))


def _coverage(field: str) -> Metric:
    def metric(report: Report, history: Sequence[Report], now: datetime) -> float | None:
        value = _section(report, "coverage").get(field)
        if value is None:
            parsed = _count(_section(report, "pages").get("articles_parsed"))
            if parsed:
                raise ValueError(f"coverage.{field} is missing though {parsed} pages were parsed")
            return None
        return _count(value)

    metric.__name__ = f"coverage_{field}"
    return metric


def _fallback_share(report: Report, history: Sequence[Report], now: datetime) -> float | None:
    extraction = _section(report, "extraction")
    return _share(extraction.get("fallback"), sum(_count(v) for v in extraction.values()))


def _no_body_share(report: Report, history: Sequence[Report], now: datetime) -> float | None:
    pages = _section(report, "pages")
    return _share(pages.get("no_body"), pages.get("articles_parsed"))


def _soft_404_share(report: Report, history: Sequence[Report], now: datetime) -> float | None:
    pages = _section(report, "pages")
    soft = _count(pages.get("soft_404"))
    return _share(soft, _count(pages.get("articles_parsed")) + soft)


def _empty_listing_share(report: Report, history: Sequence[Report], now: datetime) -> float | None:
    listings = _section(report, "listings")
    return _share(listings.get("without_article_link"), listings.get("answers"))


def _blocked_share(report: Report, history: Sequence[Report], now: datetime) -> float | None:
    responses = _section(report, "responses")
    blocked = sum(_count(n) for code, n in responses.items() if str(code) in ("403", "429"))
    return _share(blocked, sum(_count(n) for n in responses.values()))


def _robots_unavailable(report: Report, history: Sequence[Report], now: datetime) -> Any:
    return _count(report.get("robots_unavailable"))


def _started(report: Report) -> datetime | None:
    """When a run started (aware; a naive time is UTC); None when absent or unreadable."""
    value = report.get("started")
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _found_new(report: Report) -> bool:
    try:
        return _count(_section(report, "articles").get("new")) > 0
    except TypeError:
        return False  # an unreadable earlier report counts as a run that found nothing


def _hours_without_new(report: Report, history: Sequence[Report], now: datetime) -> float:
    """Hours since the start of the last run (this one included) that found a new article;
    when none did, since the start of the first run in the history."""
    this = report.get("run")
    runs = [r for r in history if this is None or r.get("run") != this]
    runs.append(report)
    since = None
    for run in reversed(runs):  # newest first
        if _found_new(run):
            since = _started(run) or (now if run is report else None)
            if since is not None:
                break
    if since is None:
        starts = [s for s in map(_started, runs) if s is not None]
        since = min(starts, default=now)
    return max(0.0, (now - since).total_seconds() / 3600)


CHECKS: tuple[Check, ...] = (
    Check(
        "finish_reason",
        _finish_reason,
        "==",
        None,
        "the crawl ended normally (Scrapy's finish reason)",
        fixed="finished",
    ),
    Check("errors", _errors, "<=", "max_errors", "ERROR log lines in the run"),
    Check(
        "coverage_headline",
        _coverage("headline"),
        ">=",
        "min_coverage",
        "share of parsed article pages with a headline",
        nothing="no article page parsed",
    ),
    Check(
        "coverage_published",
        _coverage("published"),
        ">=",
        "min_coverage",
        "share of parsed article pages with a publication time",
        nothing="no article page parsed",
    ),
    Check(
        "coverage_body",
        _coverage("body"),
        ">=",
        "min_coverage",
        "share of parsed article pages with a body",
        nothing="no article page parsed",
    ),
    Check(
        "fallback_share",
        _fallback_share,
        "<=",
        "max_fallback_share",
        "share of items extracted by the generic fallback (a layout change)",
        nothing="no item extracted",
    ),
    Check(
        "no_body_share",
        _no_body_share,
        "<=",
        "max_no_body_share",
        "share of article pages where no body was found (a layout change)",
        nothing="no article page parsed",
    ),
    Check(
        "soft_404_share",
        _soft_404_share,
        "<=",
        "max_soft_404_share",
        "share of article answers that were the platform's not-found page (a changed URL scheme)",
        nothing="no article answer",
    ),
    Check(
        "empty_listing_share",
        _empty_listing_share,
        "<=",
        "max_empty_listing_share",
        "share of listing answers without an article link",
        nothing="no listing answer",
    ),
    Check(
        "blocked_share",
        _blocked_share,
        "<=",
        "max_blocked_share",
        "share of responses that were 403 or 429",
        nothing="no response",
    ),
    Check(
        "robots_unavailable",
        _robots_unavailable,
        "==",
        None,
        "hosts whose robots.txt could not be read (nothing fetched from them)",
        fixed=0,
    ),
    Check(
        "hours_without_new",
        _hours_without_new,
        "<=",
        "max_hours_without_new",
        "hours since the last run that found a new article",
    ),
)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, str):
        return repr(value)
    return str(value)
