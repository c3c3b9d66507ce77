"""Pagination policy: whether a section's walk goes on to its next page of cards."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from crawler import stats
from crawler.config import CrawlerConfig

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Walk:
    """Where the walk of one section stands: the page read, and how many pages in a row
    brought nothing unseen."""

    page: int = 1
    empty_run: int = 0

    def url(self, section: str) -> str:
        """The section's page to read (page 1 is the section's own URL)."""
        return section if self.page == 1 else f"{section}?page={self.page}"


@dataclass(frozen=True)
class Stop:
    stat: str | None = None  # counted when the walk stops for that reason


def next_page(walk: Walk, *, unseen: int, fetched: int, newest: date | None,
              since: date | None, config: CrawlerConfig, section: str = "",
              links: int | None = None) -> Walk | Stop:
    """The next page to read, or why the walk stops there. A backfill (`since`) goes on
    through pages of articles already stored (an interrupted backfill goes on where it
    stopped) until the date, until pages bring nothing unseen, or at a page without any
    article link (`links`: 0), the end of the section (a page after it could only hold older
    cards); a monitoring run goes on only while a page brings articles to fetch."""
    if since is None:
        if not fetched or walk.page >= config.monitor_max_pages:
            return Stop()
        empty_run = 0
    elif links == 0:
        return Stop(stats.LISTING_STOPPED_EMPTY)
    else:
        empty_run = 0 if unseen else walk.empty_run + 1
    if empty_run >= config.empty_pages_stop:
        return Stop(stats.LISTING_STOPPED_EMPTY)
    if newest is not None and since is not None and newest < since:
        # Every card here is older than the backfill date. Not the oldest card: migrated
        # articles keep their old date among new ones, so one old card proves nothing.
        return Stop()
    if walk.page >= config.max_listing_pages:
        logger.warning("section %s: stopped at the page cap (%d)", section, walk.page)
        return Stop(stats.LISTING_PAGE_CAP)
    return Walk(walk.page + 1, empty_run)
