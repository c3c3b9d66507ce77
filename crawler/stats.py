"""Names of the project's own stats, written by the spider and the extractor and read by the
run report (`crawler/monitoring/report.py`): one constant (or one function, for a family) per name, so a
writer and its reader cannot drift apart. Scrapy's own stats keep their names."""

from __future__ import annotations

# Every discovered article accounted for (the run report's `articles`): discovered = not fetched
# (KNOWN, GONE_SKIPPED) + fetched, and each fetched one ends once: `item`, `skipped/<reason>` or
# `failed/<cause>`. The rest is unaccounted: dropped where no callback of ours sees it (Scrapy's
# duplicate filter, a middleware), or still in flight when the run was stopped.
ARTICLES_DISCOVERED = "cri/articles/discovered"
ARTICLE_ENDED = "cri/articles/ended/"  # + item | skipped/<reason> | failed/<cause>
STORED_NEW = "store/new"  # first versions made durable (written, fsynced, committed)
STORED_UPDATED = "store/updated"  # later versions made durable
BLOCKED_UNRECOVERED = "cri/blocked/unrecovered"  # 403/429 that left an article or listing unread

# Article pages
ARTICLES_PARSED = "cri/pages/articles_parsed"  # article pages read to the end (item or not)
# What a page says of the coverage of article pages; not counted for a page superseded by the
# article's next address (the walls and encodings it met are).
PAGE_COVERAGE = ("cri/pages/", "cri/fields/")
COVERED_FIELDS = ("headline", "published", "body")  # `cri/fields/<name>`: pages with that field
SKIPPED = "cri/skipped/"  # + reason: `no_body`, `no_date`, `fetch_failed`, `known`, ...
KNOWN = "cri/skipped/known"  # stored and outside the recheck window: not requested
GONE_SKIPPED = "cri/skipped/gone"  # answered 404/410 before: not requested
DUPLICATE_LINK = "cri/duplicate_link"
# An older article not at the address tried first (an error, no article there): its other
# address is asked for next (`PageRef.addresses`: the current platform's, its old URL).
NEXT_ADDRESS = "cri/address/next"
EXTRACTION = "cri/extraction/"  # + method: api, html, browser, fallback
PUBLISHED_MISMATCH = "cri/published_mismatch"  # items dated far from their URL's date (kept)
PUBLISHED_SOURCE = "cri/published_source/"  # + api, page, listing, url: where items' times came from
ERA_ITEMS = "cri/items/era/"  # + era

# The current platform's API, for articles
API_FAILED = "cri/api/failed"  # the request failed: the page is asked for
API_UNUSABLE = "cri/api/unusable"  # the answer is no article: the page is asked for
API_NO_BODY = "cri/api/no_body"  # an article without a body: the page is asked for
BROWSER_REQUESTS = "cri/browser/requests"  # shells sent to the browser
BROWSER_STARTED = "cri/browser/started"  # Playwright started (once, at the first shell)

# Discovery: API listings and sitemaps, counted apart (a report shows which path died)
LISTING_REQUESTED = "cri/listing/requested"
LISTING_ANSWERS = "cri/listing/answers"  # readable listing answers
SITEMAP_REQUESTED = "cri/sitemap/requested"
SITEMAP_ANSWERS = "cri/sitemap/answers"  # readable sitemaps
SITEMAP_ARTICLE_LINKS = "cri/sitemap/article_links"  # article links taken
# Bounded discovery (crawler/sitemaps.py): what the per-run caps left out
SITEMAP_CUT = "cri/sitemap/cut"  # sitemap URLs not taken (CRAWLER_MAX_SITEMAP_URLS, oldest first)
SITEMAP_UNFETCHED = "cri/sitemap/unfetched"  # sitemaps not fetched (CRAWLER_MAX_SITEMAPS)
# Article links not requested: a listing's, while the scheduler held CRAWLER_MAX_QUEUED_REQUESTS;
# a sitemap's, still waiting for its turn when the run ended.
DISCOVERY_CUT = "cri/discovery/cut"
LISTING_WITHOUT_ARTICLE_LINK = "cri/listing/without_article_link"
LISTING_NO_NEW_ARTICLE = "cri/listing/no_new_article"
LISTING_STOPPED_EMPTY = "cri/listing/stopped_empty"
LISTING_PAGE_CAP = "cri/listing/page_cap"
LISTING_OLDEST_DAY = "cri/listing/oldest_day"  # ISO date of the oldest article card seen
LISTING_CUT = "cri/listing/cut"  # listings not walked (CRAWLER_MAX_LISTINGS)

# Encoding of pages
UTF8_UNDER_LATIN = "cri/encoding/utf8_under_latin_charset"
REPLACEMENT_CHARS = "cri/encoding/replacement_chars"
PAGES_WITH_REPLACEMENTS = "cri/encoding/pages_with_replacements"
CHARSET_REPAIRED = "charset/repaired"  # pages read in another encoding than their label's
CHARSET_MOJIBAKE_PAGES = "charset/mojibake_pages"  # mojibake left after decoding: no body


def charset_repaired(repair: str) -> str:
    """`charset/repaired/<found>_under_<label>`, e.g. `utf8_under_cp1250`."""
    return f"{CHARSET_REPAIRED}/{repair}"


def article_ended(how: str) -> str:
    return ARTICLE_ENDED + how


def skipped(reason: str) -> str:
    return SKIPPED + reason


def field_found(name: str) -> str:
    return f"cri/fields/{name}"


def extraction(method: str | None) -> str:
    return f"{EXTRACTION}{method}"


def published_source(source: str | None) -> str:
    return f"{PUBLISHED_SOURCE}{source}"


def era_items(era: str | None) -> str:
    return f"{ERA_ITEMS}{era}"


def interstitial(wall: str) -> str:
    return f"cri/interstitial/{wall}"


GONE_SOFT_404 = "cri/gone/soft_404"  # the platform's not-found page, answered 200


def gone(status: int) -> str:
    return f"cri/gone/{status}"
