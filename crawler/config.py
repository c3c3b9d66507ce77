"""The project's own settings, read once from Scrapy settings into a typed object."""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.settings import BaseSettings


class ConfigError(ValueError):
    """A setting has a value the crawler cannot work with."""


@dataclass(frozen=True)
class CrawlerConfig:
    edition: str
    data_dir: str
    empty_pages_stop: int  # a section's walk stops after this many pages with nothing new
    max_listing_pages: int  # hard cap on pages walked per section
    browser: bool  # render client-side shells in Chromium (scrapy-playwright)
    browser_timeout_ms: int
    # The archive (pipelines dedupe + store): off for a plain `scrapy crawl cri -O out.jsonl`.
    archive: bool = True
    batch_items: int = 100  # a batch is written and fsynced at this many items ...
    batch_seconds: float = 5.0  # ... or this long after its first item, whichever comes first

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> CrawlerConfig:
        try:
            config = cls(
                edition=settings.get("CRAWLER_EDITION", "polish"),
                data_dir=settings.get("CRAWLER_DATA_DIR", "data"),
                empty_pages_stop=settings.getint("CRAWLER_EMPTY_PAGES_STOP", 3),
                max_listing_pages=settings.getint("CRAWLER_MAX_LISTING_PAGES", 500),
                browser=settings.getbool("CRAWLER_BROWSER", True),
                browser_timeout_ms=settings.getint("CRAWLER_BROWSER_TIMEOUT_MS", 30000),
                archive=settings.getbool("CRAWLER_ARCHIVE", True),
                batch_items=settings.getint("CRAWLER_BATCH_ITEMS", 100),
                batch_seconds=settings.getfloat("CRAWLER_BATCH_SECONDS", 5.0),
            )
        except ValueError as exc:
            raise ConfigError(f"invalid setting: {exc}") from exc
        for name, value in (
            ("CRAWLER_EMPTY_PAGES_STOP", config.empty_pages_stop),
            ("CRAWLER_MAX_LISTING_PAGES", config.max_listing_pages),
            ("CRAWLER_BROWSER_TIMEOUT_MS", config.browser_timeout_ms),
            ("CRAWLER_BATCH_ITEMS", config.batch_items),
        ):
            if value < 1:
                raise ConfigError(f"{name} must be at least 1, got {value}")
        if not config.batch_seconds > 0 or config.batch_seconds == float("inf"):
            raise ConfigError(
                f"CRAWLER_BATCH_SECONDS must be a positive number of seconds, "
                f"got {config.batch_seconds}"
            )
        if not str(config.data_dir).strip():
            raise ConfigError("CRAWLER_DATA_DIR must not be empty")
        return config
