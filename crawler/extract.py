"""The extractor: one pure function from a fetched answer to an outcome. The spider, the
fixture regression, the benchmarks and re-extraction from stored responses all call it, so
they all run the path that runs in production.

`extract(edition, ref, answer, ...)` gives one of:
- `Item`: the article, normalised and gated (it has a body, a date, a sane size);
- `Skip`: no article, with the reason (`no_body`, `not_html`, `too_deep`, ...);
- `Need`: another fetch first: the article's page (the API gave nothing usable), the next
  page of a multi-page article, or the page rendered in a browser.

Every outcome carries `counts`: the stat names (under `cri/`) and amounts that say what was
seen, which the caller adds to its stats. No Scrapy engine, no settings, no I/O.

An item says where it came from (README, output schema): the run and crawler version it is
given, the parser (era, version, the selector that found the body), the SHA-256 of the payload
read and the answer's WARC record. A multi-page article's digest is over its pages in order:
the SHA-256 of their payload digests (hex) joined; its record is page 1's, the other pages are
the same run's records of `ref.page_url(n)`.
"""

from __future__ import annotations

import codecs
import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import Enum
from urllib.parse import urlsplit

from parsel import Selector
from scrapy.http import Headers, TextResponse
from scrapy.responsetypes import responsetypes

from crawler import __version__, charset, stats
from crawler.articles import Provenance, build_article
from crawler.editions import Edition
from crawler.eras import Era
from crawler.items import Article
from crawler.parsers import e4, fallback
from crawler.parsers.base import Extract, PageParser
from crawler.parsers.interstitial import interstitial
from crawler.parsers.listing import Card
from crawler.urls import PageRef

# Codecs' names of the single-byte Latin charsets (also for latin-1, us-ascii) that servers
# declare by default: UTF-8 read under them is counted apart too (`UTF8_UNDER_LATIN`).
LATIN_SINGLE_BYTE = {"cp1252", "iso8859-1", "ascii"}
# Mojibake sequences (`charset.mojibake`) in an article's headline and body from which it is
# no body: real text holds none (every fixture, the replica's corpus), one misread Polish
# word holds one or two and a sentence several; one alone may be a foreign name's oddity.
MOJIBAKE_LEFT = 2
# Where an item's time comes from when the answer itself gave it (`published_source`).
ANSWER_TIMES = frozenset({"api", "page"})


class Via(str, Enum):
    """Which fetch gave the answer."""

    API = "api"  # the current platform's JSON API (`getData` for the article URL)
    PAGE = "page"  # the article's page
    BROWSER = "browser"  # the page rendered in Chromium


@dataclass(frozen=True)
class Answer:
    """A fetched answer as it came: everything the extractor reads of it."""

    url: str  # the URL fetched (after redirects)
    body: bytes
    headers: Mapping[str, str | bytes | Sequence[str | bytes]] = field(default_factory=dict)
    via: Via = Via.PAGE
    record: str | None = None  # the id of the WARC record holding it, if one was written


@dataclass(frozen=True)
class Outcome:
    counts: Mapping[str, int] = field(default_factory=dict)  # stat name under `cri/`: amount


@dataclass(frozen=True)
class Item(Outcome):
    article: Article = field(default_factory=Article)


@dataclass(frozen=True)
class Skip(Outcome):
    reason: str = ""  # counted as `cri/skipped/<reason>`
    detail: str = ""  # for the log line
    # The article is not at this address (a not-found page, a page without its text), so
    # another address may have it; not said of walls (the site is in the way, not absent).
    absent: bool = False


class Needed(str, Enum):
    PAGE = "page"  # the article's page, after an API answer without a usable article
    NEXT_PAGE = "next_page"  # page `len(pages) + 1` of a multi-page article
    BROWSER = "browser"  # the page rendered in a browser: it is a client-rendered shell


@dataclass(frozen=True)
class Need(Outcome):
    what: Needed = Needed.PAGE
    pages: tuple[Extract, ...] = ()  # with NEXT_PAGE: the pages read so far, for the next call
    detail: str = ""


@dataclass(frozen=True)
class Gate:
    """What an item must satisfy besides having a body and a date (the crawl's own limits)."""

    max_body_chars: int = 500_000
    since: date | None = None  # items published before it are skipped (`before_since`)
    browser: bool = True  # a client-rendered page may be rendered (else `shell_without_browser`)
    # A day more than this many calendar days from the URL's date is kept, but counted: a
    # misread date, or an article re-dated (`cri/published_mismatch`).
    max_date_mismatch_days: float = 2


def extract(
    edition: Edition,
    ref: PageRef,
    answer: Answer,
    pages: Sequence[Extract] = (),
    *,
    card: Card | None = None,
    section: str | None = None,
    fetched_at: datetime | None = None,
    gate: Gate = Gate(),
    run: str,
    crawler_version: str = __version__,
) -> Outcome:
    """The outcome of one answer for the article `ref`. `pages`: the extracts of the earlier
    pages of a multi-page article (from the previous `Need`); `card` and `section`: what the
    listing said of the article (a fallback for its date, summary, images); `run` and
    `crawler_version`: what made the answer's item (its provenance)."""
    counts: Counter[str] = Counter()
    made = Provenance(run, crawler_version)
    if answer.via is Via.API:
        return _from_api(edition, ref, answer, counts, card, section, fetched_at, gate, made)
    response = _response(answer)
    if response is None:
        content_type = _header(answer, "Content-Type")
        return Skip(counts, reason="not_html", detail=f"content type {content_type!r}")
    text = _page_text(response, counts)
    page = Selector(text=text)
    wall = interstitial(page, edition.wall_words, edition.soft_404_css)
    if wall == "soft_404":
        # "Not found", answered 200: the article is not there (a 404 by another name).
        counts[stats.interstitial(wall)] += 1
        return Skip(counts, reason="soft_404", detail="the platform's not-found page", absent=True)
    if wall is not None:
        # A maintenance page, a captcha or a consent wall: an article page without its
        # article (so it counts in the health check `no_body_share`), never an item.
        counts[stats.interstitial(wall)] += 1
        counts[stats.ARTICLES_PARSED] += 1
        return Skip(counts, reason="no_body", detail=f"{wall} page instead of the article")
    era = _page_era(edition, ref, page, response.url)
    parser = era.parser(ref.url_date)
    try:
        this = parser.parse(page, response.url)
    except RecursionError:
        # Thousands of nested elements: no article page looks like that.
        return Skip(counts, reason="too_deep", detail="markup nested too deeply to read")
    this = replace(this, payload_sha256=_sha256(answer.body), warc_record_id=answer.record)
    if answer.via is Via.BROWSER:
        this = replace(this, method="browser")
    read = (*pages, this)
    found = _merge(read) if pages else this  # pages 2..n of a multi-page E1 article
    if len(read) < found.pages:
        return Need(counts, what=Needed.NEXT_PAGE, pages=read)
    if not found.paragraphs and not found.more_pages:
        if era.api and answer.via is Via.PAGE and e4.is_shell(page):
            if not gate.browser:
                return Skip(counts, reason="shell_without_browser",
                            detail="client-rendered page and CRAWLER_BROWSER is off")
            return Need(counts, what=Needed.BROWSER, detail="client-rendered page")
        generic = fallback.parse(text, response.url)  # the repaired text, as the parsers read
        if generic.paragraphs:
            found = replace(found, paragraphs=generic.paragraphs, method="fallback",
                            headline=found.headline or generic.headline, selector="fallback")
    made = replace(made, parser_era=era.name, parser_version=_version(era, parser))
    return _item(edition, ref, found, counts, card, section, fetched_at, gate, made)


def _page_era(edition: Edition, ref: PageRef, page: Selector, url: str) -> Era:
    """The era whose parser reads the page: the article's, except at the address where the
    current platform serves an older article again, when the page is the platform's own
    (its app root; a redirect to the old page, or an old page served there, keeps the old era)."""
    platform, platform_era = ref.platform_url, edition.platform_era
    if (platform and platform_era and urlsplit(url).path == urlsplit(platform).path
            and e4.is_platform_page(page)):
        return platform_era
    return edition.era(ref.era)


def _version(era: Era, parser: PageParser) -> int:
    """The registered version of an era's parser (`crawler.eras.ParserVersion`)."""
    return next(v.version for v in era.parsers if v.parser is parser)


def _sha256(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def _from_api(edition: Edition, ref: PageRef, answer: Answer, counts: Counter[str],
              card: Card | None, section: str | None, fetched_at: datetime | None,
              gate: Gate, made: Provenance) -> Outcome:
    """An API answer: the article, or a Need for its page when the answer has none."""
    try:
        found = e4.parse_api_article(e4.api_result(json.loads(answer.body)))
    except (ValueError, e4.ApiError) as exc:  # UnicodeDecodeError and JSONDecodeError too
        counts[stats.API_UNUSABLE] += 1
        return Need(counts, what=Needed.PAGE, detail=f"no article ({str(exc)[:200]})")
    if not found.paragraphs:
        counts[stats.API_NO_BODY] += 1
        return Need(counts, what=Needed.PAGE, detail="no body")
    found = replace(found, payload_sha256=_sha256(answer.body), warc_record_id=answer.record)
    # The API is the current platform's, whatever the article's era: its parser read it.
    era = edition.platform_era or edition.era(ref.era)
    made = replace(made, parser_era=era.name,
                   parser_version=_version(era, era.parser(ref.url_date)))
    return _item(edition, ref, found, counts, card, section, fetched_at, gate, made)


def _item(edition: Edition, ref: PageRef, found: Extract, counts: Counter[str],
          card: Card | None, section: str | None, fetched_at: datetime | None,
          gate: Gate, made: Provenance) -> Outcome:
    """The article, gated: a body, a sane size, a date, not before the crawl's `since`."""
    article = build_article(edition, ref, found, card=card, section=section, fetched_at=fetched_at,
                            provenance=made)
    counts[stats.ARTICLES_PARSED] += 1
    if charset.mojibake(f"{article.headline or ''}\n{article.body or ''}") >= MOJIBAKE_LEFT:
        counts[stats.CHARSET_MOJIBAKE_PAGES] += 1
        return Skip(counts, reason="no_body", detail="mojibake left after decoding", absent=False)
    # Coverage is of what the answer itself gave: a time filled in from the listing's card or
    # the URL would hide a broken date selector (`coverage_published`).
    own_time = article.published_source in ANSWER_TIMES
    for name in stats.COVERED_FIELDS:
        if getattr(article, name) and (name != "published" or own_time):
            counts[stats.field_found(name)] += 1
    if not article.body:
        return Skip(counts, reason="no_body", detail="no article text found", absent=True)
    if len(article.body) > gate.max_body_chars:
        return Skip(counts, reason="body_too_long",
                    detail=f"{len(article.body)} characters, over CRAWLER_MAX_BODY_CHARS")
    if not article.published:
        return Skip(counts, reason="no_date", detail="no readable publication time")
    if gate.since and date.fromisoformat(article.published[:10]) < gate.since:
        return Skip(counts, reason="before_since", detail=f"published {article.published}")
    if ref.url_date and _days_apart(article.published, ref.url_date) > gate.max_date_mismatch_days:
        counts[stats.PUBLISHED_MISMATCH] += 1
    counts[stats.extraction(article.extraction)] += 1
    counts[stats.era_items(article.era)] += 1
    counts[stats.published_source(article.published_source)] += 1
    return Item(counts, article=article)


def _days_apart(published: str, url_date: date) -> int:
    """Calendar days between a publication time (in its own, Beijing, offset) and the date its
    URL carries."""
    return abs((datetime.fromisoformat(published).date() - url_date).days)


def _merge(pages: Sequence[Extract]) -> Extract:
    """One Extract for a multi-page article: page 1's metadata, every page's body lines; the
    selector of the first page whose body was found; a digest over the pages' digests, in
    order (page 1's record stays the article's)."""
    first, rest = pages[0], pages[1:]
    digests = [page.payload_sha256 or "" for page in pages]
    return replace(
        first,
        more_pages=[*first.more_pages, *(page.paragraphs for page in rest)],
        pages=max(page.pages for page in pages),
        selector=next((page.selector for page in pages if page.selector), None),
        payload_sha256=_sha256("".join(digests).encode("ascii")),
    )


def _response(answer: Answer) -> TextResponse | None:
    """The answer as Scrapy's response class for it (so it decodes as a crawl does: HTTP
    charset, BOM, `<meta>`); None when it is no text (an image, a PDF, ...)."""
    headers = Headers(answer.headers)
    cls = responsetypes.from_args(headers=headers, url=answer.url, body=answer.body)
    if not issubclass(cls, TextResponse):
        return None
    return cls(answer.url, body=answer.body, headers=headers)


def _page_text(response: TextResponse, counts: Counter[str]) -> str:
    """The page as text: as Scrapy decoded it (HTTP charset, BOM, `<meta>`, else its guess),
    unless the bytes show another encoding (`crawler.charset`: UTF-8 under a single-byte
    label, windows-1250 or latin-2 under a Western one, ...), and each repair is counted.
    Replacement characters (bytes the encoding cannot read) are counted."""
    text = response.text
    decoded = charset.decode(response.body, response.encoding)
    if decoded.repair:
        text = decoded.text
        counts[stats.CHARSET_REPAIRED] += 1
        counts[stats.charset_repaired(decoded.repair)] += 1
        try:
            declared = codecs.lookup(response.encoding).name
        except LookupError:
            declared = ""
        if decoded.encoding == charset.UTF8 and declared in LATIN_SINGLE_BYTE:
            counts[stats.UTF8_UNDER_LATIN] += 1
    if replaced := text.count("\ufffd"):
        counts[stats.REPLACEMENT_CHARS] += replaced
        counts[stats.PAGES_WITH_REPLACEMENTS] += 1
    return text


def _header(answer: Answer, name: str) -> str | None:
    value = Headers(answer.headers).get(name)
    return value.decode("latin-1") if value is not None else None
