"""The article model of the replica, text normalisation and shared constants.

An :class:`Article` always holds CLEAN text (the ground truth).  Everything the real site adds
on top of it (double spaces, NBSP, zero-width characters, decomposed diacritics, HTML entities,
initials glued to the last paragraph, noise lines) is added by the renderers at request time,
driven by the article's variant knobs.  The ground truth is therefore ``expected()`` of the
article, and the renderers are checked against it by the tests.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

#: Displayed times on every era are Beijing time (UTC+8, no daylight saving).
BEIJING = timezone(timedelta(hours=8))

CANONICAL_HOST = "polish.cri.cn"
CANONICAL_BASE = "https://polish.cri.cn"
CGTN_HOST = "polish.cgtn.com"
BIG5_PREFIX = "/gate/big5/polish.cri.cn"

ERAS = ("E1", "E2", "E3", "E4")
REACHES = ("all", "monitor", "backfill", "url_only")
#: How a crawl comes to an article, as far as its item depends on it (``Article.expected``):
#: ``card``, through a card of the API listings (its ``date``, epoch ms, is the publication
#: time); ``address``, at its address with no card (a sitemap, a URL list; E4 and migrated E3
#: at the platform's address); ``old_address``, a migrated E3 article at its old ``.shtml``
#: page (an old link, an archive's ``url``).
ROUTES = ("card", "address", "old_address")
#: The API variants (``knobs["api"]``, tests/replica/e4.py) whose answer carries the article;
#: under the others the crawler reads the article's page.
API_WITH_ARTICLE = frozenset({"content", "modules_cards", "modules_data"})
#: ``knobs["time"]`` of an E4 article whose API answer carries no usable publication time (its
#: ``published`` left out, ``""`` or ``"0"``) and whose page shows none (UNKNOWN whether the
#: platform does this: DOSSIER section 3); its listing cards keep their ``date``.
TIMELESS = ("absent", "empty", "zero")

_ARTI_PATH_DATE = re.compile(r"/(\d{4})/(\d{2})/(\d{2})/ARTI")

# Characters the real site leaves inside text that a clean item must not keep.
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")

#: Initials glued to the end of the last paragraph (dossier section 4, E3).
INITIALS_RE = re.compile(r"\s*\(((?:[A-ZĄĆĘŁŃÓŚŹŻ]\.\s?){1,3})\)\s*$")


def clean_text(text: str) -> str:
    """Normalise one headline or paragraph the way the ground truth wants it.

    Zero-width characters removed, NFC, every run of whitespace (NBSP included) collapsed to
    one space, stripped.  Entities are never present here: callers decode HTML first.
    """
    text = _ZERO_WIDTH.sub("", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    # str.split() splits on every Unicode whitespace (NBSP, thin and ideographic spaces too).
    return " ".join(text.split())


def normalise_author(initials: str) -> str:
    """``"A.L."``, ``"A.\u00a0L."`` or ``"A. L."`` -> ``"A. L."``."""
    letters = re.findall(r"([A-ZĄĆĘŁŃÓŚŹŻ])\.", unicodedata.normalize("NFC", initials))
    return " ".join(f"{letter}." for letter in letters)


def epoch_ms(moment: datetime) -> int:
    """Epoch milliseconds of an aware datetime (the E4 API's unit)."""
    return int(round(moment.timestamp() * 1000))


def from_epoch_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, BEIJING)


def bj(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """A Beijing-time datetime (helper for the hand-written data)."""
    return datetime(year, month, day, hour, minute, second, tzinfo=BEIJING)


@dataclass(frozen=True, eq=False)
class Video:
    """The ``video`` object of E4 cards and articles (all values strings, as the API has them)."""

    id: str
    duration: str
    url: str
    hd_url: str
    cd_url: str

    def as_json(self) -> dict[str, str]:
        return {
            "id": self.id,
            "duration": self.duration,
            "url": self.url,
            "hdUrl": self.hd_url,
            "cdUrl": self.cd_url,
        }


@dataclass(frozen=True, eq=False)
class Article:
    """One article of the replica, with its clean text and how the site serves it.

    ``variant`` is the main markup variant of its era (see the era renderers); ``knobs`` holds
    the secondary, orthogonal options (title element, date element, where ``Baidu`` sits, ...).
    """

    id: str
    era: str
    url: str  # canonical, https://polish.cri.cn/... (https://<host>/... for another edition)
    headline: str  # clean
    published: datetime  # displayed Beijing time
    paragraphs: tuple[str, ...]  # clean; sub-headings and captions included as paragraphs
    modified: datetime | None = None
    section: str | None = None  # E4 section slug path for listed articles
    author: str | None = None  # "A. L." form
    brief: str = ""
    variant: str = ""
    knobs: dict[str, str] = field(default_factory=dict)
    pages: int = 1  # E1 multi-page articles
    page_starts: tuple[int, ...] = (0,)  # first paragraph index of every E1 page
    subheads: frozenset[int] = frozenset()
    captions: frozenset[int] = frozenset()
    images: tuple[tuple[int, str], ...] = ()  # (index of the paragraph the image precedes, url)
    photo: str = ""  # lead picture (cards, og:image)
    video: Video | None = None
    reach: str = "url_only"  # "listed" (E4 listings) or "url_only"
    listed_at: datetime | None = None  # position in E4 listings (migrated: their modifyDate)
    rough: bool = False  # serve double spaces / NBSP / zero-width characters inside the text
    nfd: bool = False  # serve one paragraph in decomposed (NFD) form
    entities: bool = False  # serve the headline with HTML entities
    initials: str | None = None  # the served form of the initials, e.g. "(A. L.)"
    real: bool = False  # a real sample of the dossier (section 7)
    extra: dict[str, Any] = field(default_factory=dict)
    language: str = "pl"  # the edition's (tests/replica/editions.py)

    # -- derived -------------------------------------------------------------------------
    @property
    def path(self) -> str:
        """Canonical path (no host)."""
        return self.url[self.url.index("/", len("https://")):]

    @property
    def base(self) -> str:
        """``https://<host>`` of its canonical URL (the edition's canonical host)."""
        return self.url[: self.url.index("/", len("https://"))]

    @property
    def e4_path(self) -> str:
        """The path the E4 platform serves this article at (E3 ids lose ``.shtml``)."""
        return self.path.removesuffix(".shtml")

    @property
    def listed(self) -> bool:
        return self.reach == "listed"

    @property
    def migrated(self) -> bool:
        """An E3 article that the new CMS lists (cards with an old date)."""
        return self.era == "E3" and self.listed

    @property
    def last_modified(self) -> datetime:
        return self.modified or self.published

    @property
    def published_date(self) -> date:
        return self.published.astimezone(BEIJING).date()

    @property
    def url_day(self) -> datetime:
        """Midnight (Beijing) of the date in its path, ``/<yyyy>/<mm>/<dd>/ARTI...`` (E3, E4)."""
        m = _ARTI_PATH_DATE.match(self.path)
        if m is None:
            raise ValueError(f"{self.id}: no /<yyyy>/<mm>/<dd>/ARTI path: {self.path}")
        return datetime(int(m[1]), int(m[2]), int(m[3]), tzinfo=BEIJING)

    def expected(self, route: str | None = None) -> dict[str, Any]:
        """The clean item this article must become (the ground truth line), reached by
        ``route`` (``ROUTES``; by default through its card when it is listed, else at its
        address)."""
        published, source = self.time_from(route or ("card" if self.listed else "address"))
        paragraphs = [clean_text(p) for p in self.paragraphs]
        return {
            "id": self.id,
            "url": self.url,
            "era": self.era,
            "headline": clean_text(self.headline),
            "published": published.astimezone(BEIJING).isoformat(),
            "published_source": source,
            "body": "\n\n".join(p for p in paragraphs if p),
            "author": self.author,
            "language": self.language,
        }

    def time_from(self, route: str) -> tuple[datetime, str]:
        """Its item's publication time and where it comes from (issue #11: the first of the
        API answer, the page, the listing card, the URL's date at midnight that has one),
        reached by ``route``."""
        if route not in ROUTES:
            raise ValueError(f"unknown route {route!r}")
        platform = self.era == "E4" or (self.migrated and route != "old_address")
        if not platform:
            return self.published, "page"  # every page of the old eras shows its time
        if self.knobs.get("time") in TIMELESS:
            if route == "card":
                return self.published, "listing"  # the card's date
            return self.url_day, "url"
        if self.knobs.get("api", "content") in API_WITH_ARTICLE:
            return self.published, "api"
        return self.published, "page"  # the page (a shell's rendered in a browser)

    def page_paragraphs(self, page: int) -> range:
        """Indices of the paragraphs on E1 page ``page`` (1-based)."""
        start = self.page_starts[page - 1]
        stop = self.page_starts[page] if page < self.pages else len(self.paragraphs)
        return range(start, stop)


def even_page_starts(n_paragraphs: int, pages: int) -> tuple[int, ...]:
    """Split ``n_paragraphs`` over ``pages`` pages as evenly as possible."""
    pages = max(1, min(pages, n_paragraphs))
    return tuple((n_paragraphs * k) // pages for k in range(pages))


def make_brief(paragraphs: tuple[str, ...] | list[str], limit: int = 200) -> str:
    """A teaser of about 200 characters (cut on a word boundary), like the API's ``brief``."""
    parts: list[str] = []
    size = 0
    for paragraph in paragraphs:  # only as many paragraphs as the teaser needs
        part = clean_text(paragraph)
        if part:
            parts.append(part)
            size += len(part) + 1
            if size > limit:
                break
    text = " ".join(parts)
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > 0 else limit].rstrip(",;:") + "..."
