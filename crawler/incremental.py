"""Incremental crawling: which discovered articles need no fetch, given the archive."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from crawler import stats
from crawler.archive import ArchiveState
from crawler.config import CrawlerConfig
from crawler.editions import Edition
from crawler.parsers.listing import Card
from crawler.urls import PageRef


def no_fetch_needed(archive: ArchiveState | None, ref: PageRef, card: Card | None,
                    edition: Edition, config: CrawlerConfig) -> str | None:
    """Why a discovered article is not fetched (the stat to count), or None to fetch it.
    Without an archive (pages asked for by URL, no archive) everything is fetched."""
    assert ref.id is not None
    if archive is None:
        return None
    if archive.is_gone(ref.id, config.gone_recheck_days):
        return stats.GONE_SKIPPED  # answered 404/410 within the recheck days
    if settled(archive, ref, card, edition, config.recheck_hours):
        return stats.KNOWN
    return None


def settled(archive: ArchiveState, ref: PageRef, card: Card | None, edition: Edition,
            recheck_hours: float, now: datetime | None = None) -> bool:
    """Stored, and published before the recheck window: no need to fetch it again."""
    assert ref.id is not None
    entry = archive.lookup(ref.id)
    if entry is None:
        return False
    published = published_hint(entry.published, card, ref, edition)
    if published is None:
        return True
    window = timedelta(hours=recheck_hours)
    return published < (now or datetime.now(timezone.utc)) - window


def published_hint(stored: str | None, card: Card | None, ref: PageRef,
                   edition: Edition) -> datetime | None:
    """The best publication time known before fetching: the archive's, the card's, the URL's."""
    if stored:
        try:
            return datetime.fromisoformat(stored)
        except ValueError:
            pass
    if card is not None and (when := card.time(edition.tz)) is not None:
        return when
    if ref.url_date is not None:
        return datetime.combine(ref.url_date, time(), edition.tz)
    return None
