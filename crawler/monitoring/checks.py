"""Health checks of a run, as data: each `Check` is a metric computed from the run report (and
the run history), an operator, and the `HealthThresholds` field that holds its threshold.

`evaluate(report, history, thresholds, now)` runs every check of `CHECKS` and returns one
`CheckResult` each; the run is healthy when all are ok (`verdict`). A threshold comes from the
Scrapy setting `CRAWLER_HEALTH_<FIELD>` (crawler/settings.py, read by `HealthThresholds`); a
missing one is a `ConfigError`, never a silent default.

A share (`Share`) is judged only over enough cases: an hourly run makes a dozen requests, and
one 403 among them is not 8 % of anything. So a share pools this run with the runs before it
(newest first, at most `POOL_RUNS`) until its denominator reaches `CRAWLER_HEALTH_MIN_JUDGED`;
with fewer cases in all it is "too few to judge" and passes, unless every one of at least a
quarter of the minimum went wrong (all pages without a body: no chance, and a fresh archive has
no runs to pool with). Pooling keeps small runs judged (three broken articles an hour add up
within a few hours) without letting one odd page decide.
What matters on its own is judged as a count, never as a share: listing requests of which none
could be read, a robots.txt unavailable or forbidding all, a run that found no article link
where earlier runs always did. A metric with nothing to measure returns `None` and passes: an
hourly run that finds nothing new is a healthy run. Staleness is the job of one check only,
`hours_without_new`, which looks across the run history.

Why not Spidermon (scrapinghub/spidermon, `pip install spidermon`), whose pattern this is:

- Its monitors are `unittest.TestCase` suites that its Scrapy extension runs on that crawl's
  stats. Ours run in an extension too (crawler/extensions/verdict.py), but judge each run against
  the history of earlier runs in `runs.jsonl`: shares pooled until they have enough cases,
  `hours_without_new`, `articles_discovered`, alert streaks. Its monitors would need that
  history handed in by code of ours, and its framework would wrap a few lines of comparison.
- Its built-in monitors fail the runs we call healthy: `ItemCountMonitor` fails below
  `SPIDERMON_MIN_ITEMS`, and `FieldCoverageMonitor` fails a run without items unless
  `SPIDERMON_FIELD_COVERAGE_SKIP_IF_NO_ITEM` (default False) is set. Most hourly runs find
  nothing new.
- Its actions (e-mail, Slack, ...) take their credentials from Scrapy settings; ours come from
  the environment (`AlertConfig`) and must never be logged. Its e-mail action needs extras
  (Jinja2 templates, boto for SES).
- It would add a dependency tree (jsonschema, python-slugify, and extras) for no check we need.

So we take its shape (`BaseStatMonitor`: a stat, an operator, a threshold setting, a missing
threshold is an error; a minimum count before a share is judged) and its test style (a boundary
table per monitor), not the package.
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
POOL_RUNS = 24  # a share pools at most this many runs (a day of hourly runs)
# Runs that read the WARC archive or imported files instead of the site (crawler/commands/reextract.py):
# judged on their own, never pooled with crawls, and their "new" says nothing of the outlet.
REPLAYS = frozenset({"reextract", "import"})


def _replay(report: Report) -> bool:
    return report.get("mode") in REPLAYS


def _alike(earlier: Report, report: Report) -> bool:
    """Whether an earlier run may be pooled with this one: the same edition, and both crawls
    or both replays."""
    return (earlier.get("edition", report.get("edition")) == report.get("edition")
            and _replay(earlier) == _replay(report))


@dataclass(frozen=True)
class Cases:
    """What a share is over: a count of a report (absent is 0), and for messages what it counts
    and what a run without any has (why the share has nothing to measure)."""

    count: Callable[[Report], float]
    unit: str
    nothing: str


@dataclass(frozen=True)
class Share:
    """A share metric: `part / whole` of a report, each a count (absent is 0)."""

    part: Callable[[Report], float]
    whole: Cases


@dataclass(frozen=True)
class Pooled:
    """A share over this run and the runs pooled with it."""

    part: float
    whole: float
    runs: int

    def describe(self, unit: str) -> str:
        over = f" over {self.runs} runs" if self.runs > 1 else ""
        return f"{_fmt(self.part)} of {_fmt(self.whole)} {unit}{over}"


def pool(share: Share, report: Report, history: Sequence[Report], minimum: float) -> Pooled:
    """`share` of this run, with earlier runs of the same edition added (newest first) while
    the denominator is below `minimum`. An earlier report that cannot be read is passed over:
    an old malformed line must not fail today's run."""
    part, whole, runs = share.part(report), share.whole.count(report), 1
    this = report.get("run")
    for earlier in reversed(history):
        if whole >= minimum or runs >= POOL_RUNS:
            break
        if (this is not None and earlier.get("run") == this) or not _alike(earlier, report):
            continue
        try:
            more_part, more_whole = share.part(earlier), share.whole.count(earlier)
        except (ArithmeticError, LookupError, TypeError, ValueError):
            continue
        part, whole, runs = part + more_part, whole + more_whole, runs + 1
    return Pooled(part, whole, runs)


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
    pooled: dict[str, float] | None = None  # a share's cases: part, whole, runs pooled

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Check:
    """A health check as data: `metric(report, history, now) <op> threshold`, or a `Share`
    pooled until it has `min_judged` cases."""

    name: str
    metric: Metric | Share
    op: str
    threshold: str | None  # a HealthThresholds field; None when `fixed` is the expectation
    description: str
    fixed: Any = None  # the expected value of a check that is not configurable
    nothing: str = ""  # why the metric can be None (it then passes); a share's: its `Cases`
    hint: str = ""  # what to look at first when it fails (shown in alerts)

    def __post_init__(self) -> None:
        if self.op not in OPERATORS:
            raise ValueError(f"check {self.name}: unknown operator {self.op!r}")
        if (self.threshold is None) == (self.fixed is None):
            raise ValueError(f"check {self.name}: give a threshold field or a fixed value")
        if self.threshold is not None and self.threshold not in _THRESHOLD_FIELDS:
            raise ValueError(f"check {self.name}: HealthThresholds has no field {self.threshold}")
        if not self.hint:
            raise ValueError(f"check {self.name}: say what to look at first when it fails (hint)")

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
        pooled = None
        try:
            if isinstance(self.metric, Share):
                pooled = pool(self.metric, report, history, thresholds.min_judged)
                value = pooled.part / pooled.whole if self._judged(pooled, thresholds) else None
            else:
                value = self.metric(report, history, now)
            ok = True if value is None else bool(OPERATORS[self.op](value, limit))
        except (ArithmeticError, LookupError, TypeError, ValueError) as exc:
            # A malformed report is a failed check with the reason, not a crash of the cron job.
            message = (
                f"{self.name}: cannot be computed from the report ({type(exc).__name__}: {exc})"
            )
            return CheckResult(self.name, False, None, self.op, limit, self.setting, message)
        if pooled is not None:
            assert isinstance(self.metric, Share)
            cases = pooled.describe(self.metric.whole.unit)
            if value is None and pooled.whole == 0:
                message = f"{self.name}: nothing to measure ({self.metric.whole.nothing})"
            elif value is None:
                message = (f"{self.name}: too few to judge ({cases}; judged from "
                           f"{_fmt(thresholds.min_judged)}, CRAWLER_HEALTH_MIN_JUDGED)")
            else:
                shown = self.op if ok else _NEGATION[self.op]
                message = f"{self.name} {_fmt(value)} {shown} {_fmt(limit)} ({cases})"
        elif value is None:
            message = f"{self.name}: nothing to measure ({self.nothing})"
        else:
            shown = self.op if ok else _NEGATION[self.op]
            message = f"{self.name} {_fmt(value)} {shown} {_fmt(limit)}"
        judged_over = None if pooled is None else asdict(pooled)
        return CheckResult(self.name, ok, value, self.op, limit, self.setting, message, judged_over)


    def _judged(self, pooled: Pooled, thresholds: HealthThresholds) -> bool:
        """Enough cases; or, from a quarter of them, cases that all went wrong (every page
        without a body, every request blocked): that is no chance, and a fresh archive has no
        earlier runs to pool with."""
        if pooled.whole >= thresholds.min_judged:
            return True
        all_wrong = pooled.part == pooled.whole if self.op == "<=" else pooled.part == 0
        return all_wrong and pooled.whole >= max(1.0, thresholds.min_judged / 4)


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


def _finish_reason(report: Report, history: Sequence[Report], now: datetime) -> Any:
    return report.get("finish_reason") or "(none)"


def _errors(report: Report, history: Sequence[Report], now: datetime) -> Any:
    return _count(report.get("errors"))


def _in(key: str, field: str) -> Callable[[Report], float]:
    """A counter `report[key][field]`."""
    return lambda report: _count(_section(report, key).get(field))


def _parsed(report: Report) -> float:
    return _count(_section(report, "pages").get("articles_parsed"))


def _with(field: str) -> Callable[[Report], float]:
    """Parsed article pages with that field (the report keeps the share)."""

    def part(report: Report) -> float:
        value = _section(report, "coverage").get(field)
        if value is None:
            if _parsed(report):
                raise ValueError(f"coverage.{field} is missing though pages were parsed")
            return 0
        return _count(value) * _parsed(report)

    return part


def _extracted(report: Report) -> float:
    return sum(_count(v) for v in _section(report, "extraction").values())


def _answered(report: Report) -> float:
    pages = _section(report, "pages")
    return _count(pages.get("articles_parsed")) + _count(pages.get("soft_404"))


def _listing_requests(report: Report) -> float:
    listings = _section(report, "listings")
    requested = listings.get("requested")  # reports before it was counted: the answers
    return _count(listings.get("answers") if requested is None else requested)


def _listings_empty(report: Report) -> float:
    listings = _section(report, "listings")
    return _count(listings.get("without_article_link")) + _count(listings.get("unreadable"))


def _leads(report: Report) -> float:
    """Articles fetched and listing pages requested: what a block can cost."""
    return _count(_section(report, "articles").get("fetched")) + _count(
        _section(report, "listings").get("requested"))


def _listings_unreadable(report: Report, history: Sequence[Report], now: datetime) -> Any:
    """Listing requests, when none of them gave a readable listing (else 0)."""
    listings = _section(report, "listings")
    return 0 if _count(listings.get("answers")) else _count(listings.get("requested"))


def _articles_discovered(report: Report, history: Sequence[Report], now: datetime) -> Any:
    """Article links found, when the runs before found some in most runs; None when the
    history does not say what is normal (fewer than 3 earlier runs counted them)."""
    this = report.get("run")
    counted = [
        r["articles"]["discovered"] for r in history[-POOL_RUNS:]
        if r.get("run") != this and isinstance(r.get("articles"), Mapping)
        and isinstance(r["articles"].get("discovered"), int) and _alike(r, report)
    ]
    if _replay(report):
        return None  # a replay discovers nothing: it reads what is stored
    if len(counted) < 3 or sum(n > 0 for n in counted) * 2 <= len(counted):
        return None
    return _count(_section(report, "articles").get("discovered"))


def _robots_forbade_all(report: Report, history: Sequence[Report], now: datetime) -> Any:
    """Requests robots.txt forbade, in a run that read no listing and no article (else 0)."""
    read = _count(_section(report, "listings").get("answers")) + _answered(report)
    return 0 if read else _count(report.get("robots_forbidden"))


def _robots_unavailable(report: Report, history: Sequence[Report], now: datetime) -> Any:
    return _count(report.get("robots_unavailable"))


def _listings_cut(report: Report, history: Sequence[Report], now: datetime) -> Any:
    return _count(_section(report, "listings").get("cut"))


def parse_time(value: Any) -> datetime | None:
    """An ISO time of a report as an aware datetime (a naive one is UTC); None when it is not
    one."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _started(report: Report) -> datetime | None:
    return parse_time(report.get("started"))


def _found_new(report: Report) -> bool:
    try:
        return _count(_section(report, "articles").get("new")) > 0
    except TypeError:
        return False  # an unreadable earlier report counts as a run that found nothing


def _hours_without_new(report: Report, history: Sequence[Report], now: datetime) -> float:
    """Hours since the start of the last run (this one included) that found a new article;
    when none did, since the start of the first run in the history."""
    if _replay(report):
        return None  # judged on the crawls: a replay fetches nothing new from the outlet
    this = report.get("run")
    runs = [r for r in history if (this is None or r.get("run") != this) and not _replay(r)]
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


# What the shares are over.
ARTICLE_PAGES = Cases(_parsed, "article pages", "no article page parsed")
ITEMS = Cases(_extracted, "items", "no item extracted")
ARTICLE_ANSWERS = Cases(_answered, "article answers", "no article answer")
LISTING_REQUESTS = Cases(_listing_requests, "listing requests", "no listing requested")
FETCHED_ARTICLES = Cases(_in("articles", "fetched"), "fetched articles", "no article fetched")
LEADS = Cases(_leads, "articles and listings", "nothing fetched")


def _at_most(
    name: str, part: Callable[[Report], float], whole: Cases, which: str, hint: str
) -> Check:
    """A share of `whole` that must not exceed the threshold `max_<name>`; `which` says which
    of them it counts."""
    return Check(name, Share(part, whole), "<=", f"max_{name}", f"share of {whole.unit} {which}",
                 hint=hint)


def _none(name: str, metric: Metric, description: str, hint: str) -> Check:
    """A count that must be 0 whatever the settings: each one is a failure on its own."""
    return Check(name, metric, "==", None, description, fixed=0, hint=hint)


CHECKS: tuple[Check, ...] = (
    Check(
        "finish_reason", _finish_reason, "==", None,
        "the crawl ended normally (Scrapy's finish reason; a run stopped by CLOSESPIDER_TIMEOUT, "
        "MEMUSAGE_LIMIT_MB, the store or a signal did not)",
        fixed="finished",
        hint="the end of the run's log: what stopped it (a timeout, memory, the store, a signal)",
    ),
    Check("errors", _errors, "<=", "max_errors", "ERROR log lines in the run",
          hint="the ERROR lines of the run's log"),
    *(
        Check(
            f"coverage_{field}", Share(_with(field), ARTICLE_PAGES), ">=", threshold,
            f"share of parsed article pages with a {what}{whose}",
            hint=f"an article page without one: the {what}'s selector for its era",
        )
        for field, what, whose, threshold in (
            ("headline", "headline", "", "min_coverage"),
            # Counted when the API answer or the page gave it, not the card or the URL.
            ("published", "publication time", " of their own", "min_published_coverage"),
            ("body", "body", "", "min_coverage"),
        )
    ),
    _at_most("fallback_share", _in("extraction", "fallback"), ITEMS,
             "extracted by the generic fallback (a layout change)",
             "an article the fallback read: has the markup of its era changed?"),
    _at_most("no_body_share", _in("pages", "no_body"), ARTICLE_PAGES,
             "where no body was found (a layout change)",
             "an article page the log says had no body: its body container"),
    _at_most("soft_404_share", _in("pages", "soft_404"), ARTICLE_ANSWERS,
             "that were the platform's not-found page (a changed URL scheme)",
             "the article links of the listings: does the platform still serve them there?"),
    _at_most("empty_listing_share", _listings_empty, LISTING_REQUESTS,
             "that gave no article link (unreadable, or empty)",
             "a listing answer of the API: its card fields and link format"),
    _none("listings_unreadable", _listings_unreadable,
          "listing requests of a run in which not one listing could be read (the main discovery "
          "path is dead, whatever the sitemaps found)",
          "a listing request by hand (README: the API): its status and JSON"),
    _none("listings_cut", _listings_cut,
          "listings (sections) not walked because the run had walked CRAWLER_MAX_LISTINGS: "
          "their articles are not discovered, this run or any other",
          "the run report's listings.cut: does the outlet have that many sections (raise "
          "CRAWLER_MAX_LISTINGS), or does a listing answer link far too many?"),
    Check(
        "articles_discovered", _articles_discovered, ">=", None,
        "article links found, judged when most earlier runs found some",
        fixed=1,
        nothing="too few earlier runs that found article links to say what is normal",
        hint="the home page and the sections' listings: are article links still found?",
    ),
    _at_most("lost_share", _in("articles", "lost"), FETCHED_ARTICLES,
             "neither stored nor settled (failed, refused, too large, dropped unseen, invalid, "
             "unwritten)",
             "the run report's articles.ended and articles.unaccounted: how they ended"),
    _at_most("blocked_share", _in("blocked", "unrecovered"), LEADS,
             "left unread by a 403 or 429 after every source was tried (recovered ones are "
             "reported, not judged)",
             "the 403/429 answers: a block of this machine's address, or a crawl too fast"),
    _none("robots_unavailable", _robots_unavailable,
          "hosts whose robots.txt could not be read (nothing fetched from them)",
          "fetch the host's /robots.txt by hand: an outage, a block, a changed host"),
    _none("robots_forbidden", _robots_forbade_all,
          "requests robots.txt forbade, in a run that could read no listing and no article",
          "the host's /robots.txt: which rule forbids the listings and articles"),
    Check(
        "hours_without_new", _hours_without_new, "<=", "max_hours_without_new",
        "hours since the last run that found a new article",
        nothing="a replay of stored responses (reextract, import) fetches nothing new",
        hint="the outlet's home page: is it still publishing, and are its links still found?",
    ),
)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, str):
        return repr(value)
    return str(value)
