"""The `cri` spider's arguments, checked before any request (a bad one is one line, exit 2)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.exceptions import UsageError
from scrapy.settings import BaseSettings

from crawler.config import CrawlerConfig
from crawler.editions import EDITIONS, Edition
from crawler.urls import HOST, classify

ARGUMENTS = frozenset({"edition", "since", "urls", "url_file", "base_url"})


@dataclass(frozen=True)
class CrawlOptions:
    """What one crawl is asked to do (README: "Running the spider by hand")."""

    edition: Edition
    since: date | None = None  # backfill down to this date
    urls: tuple[str, ...] = ()  # exactly these pages
    base_url: str | None = None  # fetch every outlet URL from there (the local replica)

    @classmethod
    def checked(cls, settings: BaseSettings, arguments: Mapping[str, str]) -> CrawlOptions:
        """The spider arguments (others are Scrapy's), the edition from the settings unless
        one is given; UsageError (one line) for a bad one, ConfigError for a bad setting."""
        given = {k: v for k, v in arguments.items() if k in ARGUMENTS}
        given.setdefault("edition", CrawlerConfig.from_settings(settings).edition)
        return cls.parse(**given)

    @classmethod
    def parse(
        cls,
        edition: str,
        since: str | None = None,
        urls: str | None = None,
        url_file: str | None = None,
        base_url: str | None = None,
    ) -> CrawlOptions:
        """The arguments, checked; UsageError (one line) for a bad one."""
        if edition not in EDITIONS:
            raise UsageError(f"edition={edition!r} is unknown; known: {', '.join(sorted(EDITIONS))}")
        record = EDITIONS[edition]
        parsed_since = None
        if since:
            try:
                parsed_since = date.fromisoformat(since.strip())
            except ValueError:
                raise UsageError(f"since={since!r} is not a date (YYYY-MM-DD)") from None
        if base_url:
            parts = urlsplit(base_url.strip())
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise UsageError(f"base_url={base_url!r} is not an http(s) URL")
            if HOST in parts.netloc:
                raise UsageError(f"base_url={base_url!r}: {HOST} may stand only in the path")
            # Its path is kept: a mirror under that path, `{host}` the URL's host (crawler.urls).
            base_url = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
        listed = [u.strip() for u in (urls or "").split(",") if u.strip()]
        if url_file:
            try:
                text = Path(url_file).read_text(encoding="utf-8")
            except OSError as exc:
                raise UsageError(f"url_file={url_file!r}: {exc.strerror}") from None
            listed += [
                line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
            ]
        for url in listed:
            if classify(url, record) is None:
                raise UsageError(f"not a URL of {record.canonical_host}: {url}")
        return cls(edition=record, since=parsed_since, urls=tuple(listed), base_url=base_url)

    def before_since(self, day: str | date | None) -> bool:
        """True for a day (ISO date string or date) before the backfill date."""
        if not self.since or not day:
            return False
        try:
            when = day if isinstance(day, date) else date.fromisoformat(day[:10])
        except ValueError:
            return False
        return when < self.since
