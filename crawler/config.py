"""The project's own settings, read once from Scrapy settings (and, for alert channels and
their secrets, from the environment) into typed objects that reject bad values."""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from scrapy.settings import default_settings as scrapy_defaults


class ConfigError(ValueError):
    """A setting has a value the crawler cannot work with."""


@dataclass(frozen=True)
class HealthThresholds:
    """Thresholds of the health checks run after every `cri-crawler run` (crawler/monitoring)."""

    max_errors: int  # ERROR log lines in a run
    min_coverage: float  # share of parsed article pages with a headline, and with a body
    # share of parsed article pages whose answer gave a publication time (not the card, the URL)
    min_published_coverage: float
    max_fallback_share: float  # share of items extracted by the generic fallback
    max_no_body_share: float  # share of article pages where no body was found
    max_empty_listing_share: float  # share of listing answers that held no article link
    max_blocked_share: float  # share of articles and listings left unread by 403/429
    max_hours_without_new: float  # hours since the last run that found a new article
    max_soft_404_share: float  # share of article answers that were the not-found page
    max_lost_share: float  # share of fetched articles neither stored nor settled
    min_judged: int  # a share is judged from this many cases (pooled over recent runs)

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> HealthThresholds:
        return cls(**_read(settings, "CRAWLER_HEALTH_", _HEALTH_FIELDS))


@dataclass(frozen=True)
class AlertConfig:
    """Where an unhealthy run is reported, from the environment (secrets never live in files).
    The log line is always written; webhook and e-mail only when configured."""

    webhook_url: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)  # never printed
    smtp_starttls: bool = False
    email_from: str | None = None
    email_to: tuple[str, ...] = ()
    timeout: float = 10.0

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> AlertConfig:
        env = os.environ if environ is None else environ
        webhook = env.get("CRAWLER_ALERT_WEBHOOK_URL") or None
        if webhook is not None:
            try:
                parts = urlsplit(webhook)
                scheme, webhook_host = parts.scheme, parts.hostname  # `http://[::1` raises
            except ValueError:
                scheme = webhook_host = None
            if scheme not in ("http", "https") or not webhook_host:
                # The URL may hold a token: name the variable, not the value.
                raise ConfigError("CRAWLER_ALERT_WEBHOOK_URL is not an http(s) URL")
        host = env.get("CRAWLER_ALERT_SMTP_HOST") or None
        to = tuple(a.strip() for a in env.get("CRAWLER_ALERT_EMAIL_TO", "").split(",") if a.strip())
        try:
            port = int(env.get("CRAWLER_ALERT_SMTP_PORT", "25"))
        except ValueError:
            raise ConfigError("CRAWLER_ALERT_SMTP_PORT is not a number") from None
        if not 0 < port < 65536:
            raise ConfigError(f"CRAWLER_ALERT_SMTP_PORT must be 1-65535, got {port}")
        if host and not to:
            raise ConfigError("CRAWLER_ALERT_SMTP_HOST is set but CRAWLER_ALERT_EMAIL_TO is empty")
        if any("@" not in address for address in to):
            raise ConfigError("CRAWLER_ALERT_EMAIL_TO holds an address without @")
        return cls(
            webhook_url=webhook,
            smtp_host=host,
            smtp_port=port,
            smtp_user=env.get("CRAWLER_ALERT_SMTP_USER") or None,
            smtp_password=env.get("CRAWLER_ALERT_SMTP_PASSWORD") or None,
            smtp_starttls=env.get("CRAWLER_ALERT_SMTP_STARTTLS", "").lower() in ("1", "true", "yes"),
            email_from=env.get("CRAWLER_ALERT_EMAIL_FROM") or "cri-crawler@localhost",
            email_to=to,
        )


@dataclass(frozen=True)
class CrawlerConfig:
    edition: str
    data_dir: str
    empty_pages_stop: int  # a backfill stops a section after this many pages with nothing new
    max_listing_pages: int  # hard cap on pages walked per section
    monitor_max_pages: int  # a monitoring run walks a section at most this deep
    recheck_hours: float  # stored articles published this recently are fetched again
    gone_recheck_days: float  # an article that answered 404/410 is not asked again this long
    max_body_chars: int  # an article body longer than this is skipped (a broken page)
    max_date_mismatch_days: float  # a time this far from the URL's date is counted
    browser: bool  # render client-side shells in Chromium (scrapy-playwright)
    browser_timeout_ms: int
    robots_fail_closed: bool  # robots.txt 5xx or unreachable: fetch nothing from that host
    retry_after_max: float  # cap on a server's Retry-After, in seconds
    health: HealthThresholds
    # The archive (pipelines dedupe + store): off for a plain `scrapy crawl cri -O out.jsonl`.
    archive: bool = True
    warc: bool = True  # keep every response in <data_dir>/warc (crawler/archive/warc.py)
    batch_items: int = 100  # a batch is written and fsynced at this many items ...
    batch_seconds: float = 5.0  # ... or this long after its first item, whichever comes first
    alert_repeat_hours: float = 6.0  # a streak of the same failure alerts again after this long
    progress_minutes: float = 10.0  # without a terminal, a progress line this often (0: none)
    backfill_timeout: float = 0.0  # CLOSESPIDER_TIMEOUT of a backfill, in seconds (0: none)
    max_sitemap_urls: int = 2000  # sitemap URLs taken per run, newest first
    max_sitemaps: int = 10  # sitemaps fetched per run (robots.txt's and an index's)
    max_queued_requests: int = 1000  # discovery waits (sitemaps) or cuts (listings) beyond
    max_listings: int = 200  # listings (home, sections) walked per run
    report_after_run: bool = False  # `cri-crawler run` writes the report page at its end

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> CrawlerConfig:
        config = cls(**_read(settings, "CRAWLER_", _CONFIG_FIELDS))
        if config.batch_seconds <= 0:
            raise ConfigError(
                f"CRAWLER_BATCH_SECONDS must be a positive number of seconds, got {config.batch_seconds}"
            )
        if not config.data_dir.strip():
            raise ConfigError("CRAWLER_DATA_DIR must not be empty")
        return config


def check_scrapy_settings(settings: BaseSettings) -> None:
    """Scrapy's own settings given on the command line (`-s`), checked against the type of
    their default, so that `DOWNLOAD_DELAY=abc` or `LOG_LEVEL=LOUD` is one line before any
    request (ConfigError), not a traceback in the middle of the crawl."""
    for name, value in settings.items():
        if settings.getpriority(name) != SETTINGS_PRIORITIES["cmdline"] or name.startswith("CRAWLER_"):
            continue
        default = getattr(scrapy_defaults, name, None)
        if name == "LOG_LEVEL":
            if str(value).upper() not in logging.getLevelNamesMapping():
                raise ConfigError(f"LOG_LEVEL must be a logging level (DEBUG, INFO, ...), got {value!r}")
        elif isinstance(default, bool):
            _bool(settings, name)
        elif isinstance(default, (int, float)):  # a whole default may take a fraction (delays)
            _float(settings, name, minimum=-math.inf)


# -- typed getters: a missing setting is a configuration error, not a silent default -----------

def _raw(settings: BaseSettings, name: str) -> object:
    value = settings.get(name)
    if value is None or value == "":
        raise ConfigError(f"{name} is not set (crawler/settings.py has its default)")
    return value


def _converted(settings: BaseSettings, name: str, convert: type[int] | type[float], what: str) -> Any:
    raw = _raw(settings, name)
    try:
        return convert(str(raw).strip())
    except ValueError:
        raise ConfigError(f"{name} must be {what}, got {raw!r}") from None


def _int(settings: BaseSettings, name: str, minimum: int) -> int:
    value: int = _converted(settings, name, int, "a whole number")
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def _float(settings: BaseSettings, name: str, minimum: float) -> float:
    value: float = _converted(settings, name, float, "a number")
    if not math.isfinite(value) or value < minimum:
        raw = _raw(settings, name)
        raise ConfigError(f"{name} must be a finite number of at least {minimum}, got {raw!r}")
    return value


def _share(settings: BaseSettings, name: str) -> float:
    value = _float(settings, name, minimum=0)
    if value > 1:
        raise ConfigError(f"{name} is a share between 0 and 1, got {value}")
    return value


def _bool(settings: BaseSettings, name: str) -> bool:
    raw = _raw(settings, name)
    try:
        return settings.getbool(name)
    except ValueError:
        raise ConfigError(f"{name} must be true or false, got {raw!r}") from None


# -- each field's setting is <prefix><FIELD>; the tables keep the order of the fields, which is
# the order in which settings are checked -------------------------------------------------------

Reader = Callable[[BaseSettings, str], Any]


def _read(settings: BaseSettings, prefix: str, readers: Mapping[str, Reader]) -> dict[str, Any]:
    """Every field of a table read from its setting, `prefix` + the field's name in capitals."""
    return {name: read(settings, prefix + name.upper()) for name, read in readers.items()}


_int_from_0: Reader = partial(_int, minimum=0)
_int_from_1: Reader = partial(_int, minimum=1)
_float_from_0: Reader = partial(_float, minimum=0)


_HEALTH_FIELDS: dict[str, Reader] = {
    "max_errors": _int_from_0,
    "min_coverage": _share,
    "min_published_coverage": _share,
    "max_fallback_share": _share,
    "max_no_body_share": _share,
    "max_empty_listing_share": _share,
    "max_blocked_share": _share,
    "max_hours_without_new": _float_from_0,
    "max_soft_404_share": _share,
    "max_lost_share": _share,
    "min_judged": _int_from_1,
}

_CONFIG_FIELDS: dict[str, Reader] = {
    "edition": lambda settings, name: settings.get(name, "polish"),
    "data_dir": lambda settings, name: str(settings.get(name, "data")),
    "empty_pages_stop": _int_from_1,
    "max_listing_pages": _int_from_1,
    "monitor_max_pages": _int_from_1,
    "recheck_hours": _float_from_0,
    "gone_recheck_days": _float_from_0,
    "max_body_chars": _int_from_1,
    "max_date_mismatch_days": _float_from_0,
    "browser": _bool,
    "browser_timeout_ms": _int_from_1,
    "robots_fail_closed": _bool,
    "retry_after_max": _float_from_0,
    "health": lambda settings, name: HealthThresholds.from_settings(settings),
    "archive": _bool,
    "warc": _bool,
    "batch_items": _int_from_1,
    "batch_seconds": _float_from_0,
    "alert_repeat_hours": _float_from_0,
    "progress_minutes": _float_from_0,
    "backfill_timeout": _float_from_0,
    "max_sitemap_urls": _int_from_0,
    "max_sitemaps": _int_from_0,
    "max_queued_requests": _int_from_1,
    "max_listings": _int_from_1,
    "report_after_run": _bool,
}
