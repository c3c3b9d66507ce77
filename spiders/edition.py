"""What both spiders share: each crawls one edition, named by a spider argument."""

from __future__ import annotations

from typing import Any, ClassVar, Self

import scrapy
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from crawler.context import CrawlContext
from crawler.editions import Edition


class EditionSpider(scrapy.Spider):
    """A spider whose arguments (`ARGUMENTS`; the others are Scrapy's) are checked before any
    request (`check_arguments`, also called by the project's `crawl` command: a bad one is one
    line, exit 2), and whose `edition` argument is set before any component builds the crawl's
    context from the settings."""

    ARGUMENTS: ClassVar[frozenset[str]] = frozenset()
    # The arguments' checked form: a class whose `checked(settings, arguments)` makes it (a
    # UsageError for a bad one) and which names the `edition`.
    OPTIONS: ClassVar[Any]
    options: Any
    edition: Edition

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.arguments: dict[str, Any] = {k: kwargs.pop(k) for k in self.ARGUMENTS & kwargs.keys()}
        super().__init__(*args, **kwargs)

    @classmethod
    def check_arguments(cls, settings: BaseSettings, **kwargs: Any) -> Any:
        """The spider arguments, checked; UsageError (one line) before any request."""
        return cls.OPTIONS.checked(settings, kwargs)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.options = cls.check_arguments(crawler.settings, **spider.arguments)
        crawler.settings.set("CRAWLER_EDITION", spider.options.edition.name, priority="cmdline")
        spider.edition = CrawlContext.of(crawler).edition
        return spider
