"""Item loader and its processors: all normalisation of headline, dates and body lives here."""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from typing import Any

from itemloaders.processors import Compose, Identity, Join, MapCompose, TakeFirst
from scrapy.loader import ItemLoader

from crawler.editions import Edition
from crawler.items import Article
from crawler.parsers.listing import listing_day

logger = logging.getLogger(__name__)

PARAGRAPH_SEPARATOR = "\n\n"

# Spaces that are not U+0020 (NBSP, thin and figure spaces, ideographic space, ...).
_SPACES = re.compile(r"[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
# Zero-width and invisible formatting characters, and C0/C1 controls other than whitespace.
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_DATETIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?")
_EPOCH_MS = re.compile(r"^\d{12,13}$")


def clean_text(value: str | None) -> str | None:
    """Entities decoded, invisible characters removed, whitespace collapsed, NFC; None if empty."""
    if value is None:
        return None
    text = str(value)
    if "&" in text:
        text = html.unescape(text)
    # Most lines are clean already: no character `_INVISIBLE` removes and no whitespace but
    # single inner spaces (`isprintable()` is false for every invisible and space character
    # except " "). Only other lines pay for the substitutions.
    if not text.isprintable() or "  " in text or text[:1] == " " or text[-1:] == " ":
        text = _INVISIBLE.sub("", text)
        text = _SPACES.sub(" ", text).strip()
    if not text.isascii():  # ASCII is NFC already
        text = unicodedata.normalize("NFC", text)
    return text or None


# How far ahead of our clock a time may be and still be the outlet's: its servers' clocks and
# ours differ, and an article fetched seconds after it appeared must keep its own time (not be
# dated by its URL's midnight). Beyond it, a time in the future is an error of the page.
CLOCK_SKEW = timedelta(hours=1)


def to_datetime(value: Any, loader_context: dict) -> datetime | None:
    """An aware time in the edition's zone from a page's `YYYY-MM-DD HH:MM:SS`, API epoch
    milliseconds, a datetime, or a URL date (midnight); None, with the reason logged, for
    anything else, a time in the future or one before the edition's earliest year. Never fuzzy."""
    edition: Edition = loader_context["edition"]
    tz = edition.tz
    when: datetime | None = None
    if isinstance(value, datetime):
        when = value if value.tzinfo else value.replace(tzinfo=tz)
    elif isinstance(value, date):
        when = datetime(value.year, value.month, value.day, tzinfo=tz)
    elif isinstance(value, (int, float)) or (isinstance(value, str) and _EPOCH_MS.match(value.strip())):
        try:
            when = datetime.fromtimestamp(int(value) / 1000, tz)
        except (OverflowError, ValueError, OSError):
            when = None
    elif isinstance(value, str) and (day := listing_day(value)):
        when = datetime(day.year, day.month, day.day, tzinfo=tz)
    elif isinstance(value, str) and (m := _DATETIME.search(value)):
        try:
            when = datetime(*(int(g or 0) for g in m.groups()), tzinfo=tz)  # type: ignore[misc]
        except ValueError:
            when = None
    if when is None:
        if value not in (None, ""):
            logger.info("date rejected: cannot read %r", value)
        return None
    if when > datetime.now(timezone.utc) + CLOCK_SKEW:
        logger.warning("date rejected: %s is in the future", when.isoformat())
        return None
    if when < edition.earliest:
        logger.warning("date rejected: %s is before %d", when.isoformat(), edition.earliest.year)
        return None
    return when.astimezone(tz)


def iso(value: datetime) -> str:
    return value.isoformat()


class BodyParagraphs:
    """Input processor for one block of body lines (one page): each line cleaned, noise lines
    dropped, everything from an end marker (`Zobacz także`, ...) on cut off, and a repeat of the
    headline (`headline` in the context, clean) dropped with what stands before it."""

    def __call__(self, values: Iterable[str | None], loader_context: dict) -> list[str]:
        return after_repeated_headline(self.lines(values, loader_context["edition"]),
                                       loader_context.get("headline"))

    @staticmethod
    def lines(values: Iterable[str | None], edition: Edition) -> list[str]:
        kept: list[str] = []
        for raw in values:
            if not raw:
                continue
            # The parsers give one line a value already: split only what holds line feeds.
            for line in raw.split("\n") if "\n" in raw else (raw,):
                text = clean_text(line)
                if text is None:
                    continue
                if edition.ends_body(text):
                    return kept
                if not edition.is_noise_line(text):
                    kept.append(text)
        return kept


def own_headline(value: str | None, loader_context: dict) -> str | None:
    """A headline, unless it is one of the site's own titles (a page without its own)."""
    return None if value in loader_context["edition"].generic_titles else value


def after_repeated_headline(paragraphs: list[str], headline: str | None, window: int = 8) -> list[str]:
    """The body without a repeat of the headline among its first paragraphs, and without what
    stands before that repeat: on 2004 pages a navigation block and the date line come first
    (DOSSIER section 9). Run on clean paragraphs, after noise removal, so it finds the repeat
    wherever the page furniture puts it."""
    if headline:
        for k, paragraph in enumerate(paragraphs[:window]):
            if paragraph == headline:
                return paragraphs[k + 1 :]
    return paragraphs


def unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def http_url(value: str | None) -> str | None:
    """Keep only absolute http(s) URLs: no `javascript:`, `data:` or relative leftovers."""
    text = clean_text(value)
    return text if text and re.match(r"^https?://", text) else None


class ArticleLoader(ItemLoader):
    """Builds an Article; needs `edition` in its context, and the page's `headline` (clean)
    to find its repeat in the body."""

    default_item_class = Article
    default_output_processor = TakeFirst()

    headline_in = MapCompose(clean_text, own_headline)
    summary_in = MapCompose(clean_text)
    author_in = MapCompose(clean_text)
    section_in = MapCompose(http_url)
    video_in = MapCompose(http_url)
    published_in = MapCompose(to_datetime)
    published_out = Compose(TakeFirst(), iso)
    published_source_in = MapCompose(clean_text)
    modified_in = MapCompose(to_datetime)
    modified_out = Compose(TakeFirst(), iso)
    body_in = BodyParagraphs()
    body_out = Join(PARAGRAPH_SEPARATOR)
    images_in = MapCompose(http_url)
    images_out = Identity()

    def load_item(self) -> Article:
        item: Article = super().load_item()
        # Trailing initials are the author, not body text (DOSSIER section 4, E3).
        if item.body:
            body, initials = self.context["edition"].split_initials(item.body)
            item.body = body or None
            item.author = item.author or initials
        if item.images:
            item.images = unique(item.images)
        # Join() gives "" for a body with no paragraphs: that is no body.
        item.body = item.body or None
        return item
