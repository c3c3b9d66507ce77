"""URL grammar of the outlet: which era a URL belongs to, its canonical form and stable id.

Every variant the site uses for one article (alias host, http, tracking query, the big5
gateway, an E3 id served again without `.shtml`, page n of a multi-page E1 article) maps
to the same `PageRef.id` and canonical `PageRef.url`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum
from urllib.parse import urlsplit, urlunsplit

from crawler.edition import Edition


class Kind(str, Enum):
    ARTICLE = "article"
    TOPIC = "topic"  # E1 `Zt` collections of teasers: not articles
    SECTION = "section"
    HOME = "home"
    OTHER = "other"  # the outlet's, but nothing we extract (search, static pages, ...)


# One grammar per era (DOSSIER section 1).
E1_PATH = re.compile(
    r"^/(?P<chan>\d+)/(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/"
    r"(?P<zt>Zt)?(?P<prefix>\d+)(?P<sep>[s@])(?P<serial>\d+)(?:_(?P<page>\d+))?\.htm$"
)
E2_PATH = re.compile(
    r"^/(?P<section>(?:[\w-]+/)+)(?P<chan>\d+)/(?P<ymd>\d{8})/(?P<num>\d+)\.html$"
)
E3_PATH = re.compile(
    r"^/(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/(?P<id>ARTI[0-9A-Za-z]{20}\d{6})(?:\.shtml)?$"
)
E4_PATH = re.compile(r"^/(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/(?P<id>ARTI\d{16})$")
SECTION_PATH = re.compile(r"^/(?P<slug>[^/]+(?:/[^/]+)*)/page\.shtml$")
HOME_PATHS = frozenset({"", "/", "/index.shtml", "/index.html"})


@dataclass(frozen=True)
class PageRef:
    """What a URL points at, in the outlet's own terms."""

    kind: Kind
    url: str  # canonical, on the edition's canonical host, https
    id: str | None = None  # articles only
    era: str | None = None  # "E1".."E4" for articles
    page: int = 1  # page n of a multi-page E1 article
    url_date: date | None = None  # the Beijing calendar date in the path
    query: str = ""  # kept for listings (`?page=N`); tracking queries are dropped

    def page_url(self, n: int) -> str:
        """The URL of page n of a (multi-page E1) article."""
        return self.url if n == 1 else re.sub(r"\.htm$", f"_{n}.htm", self.url)


def outlet_path(url: str, edition: Edition) -> str | None:
    """The path on the outlet for a URL on any of its hosts or gateways, else None."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https", ""):
        return None
    host = (parts.hostname or "").lower()
    path = parts.path or "/"
    if host in edition.hosts:
        return path
    for gateway in edition.gateways:
        gw_host, _, gw_prefix = gateway.partition("/")
        prefix = "/" + gw_prefix
        if host == gw_host and (path == prefix or path.startswith(prefix + "/")):
            return path[len(prefix) :] or "/"
    return None


def classify(url: str, edition: Edition) -> PageRef | None:
    """Classify a URL of the outlet; None when it is not the outlet's."""
    path = outlet_path(url, edition)
    if path is None:
        return None
    query = urlsplit(url.strip()).query
    return classify_path(path, query, edition)


def classify_path(path: str, query: str, edition: Edition) -> PageRef:
    base = f"https://{edition.canonical_host}"
    if m := E4_PATH.match(path):
        return _arti(m, "E4", base + path)
    if m := E3_PATH.match(path):
        return _arti(m, "E3", f"{base}/{m['y']}/{m['m']}/{m['d']}/{m['id']}.shtml")
    if m := E2_PATH.match(path):
        ymd = m["ymd"]
        return PageRef(
            Kind.ARTICLE,
            base + path,
            id=f"E2-{int(m['num'])}",
            era="E2",
            url_date=_date(ymd[:4], ymd[4:6], ymd[6:]),
        )
    if m := E1_PATH.match(path):
        first = f"{base}/{m['chan']}/{m['y']}/{m['m']}/{m['d']}/{m['zt'] or ''}{m['prefix']}{m['sep']}{m['serial']}.htm"
        if m["zt"]:
            return PageRef(Kind.TOPIC, first)
        return PageRef(
            Kind.ARTICLE,
            first,
            id=f"E1-{int(m['serial'])}",
            era="E1",
            page=int(m["page"] or 1),
            url_date=_date(m["y"], m["m"], m["d"]),
        )
    if SECTION_PATH.match(path):
        return PageRef(Kind.SECTION, base + path, query=_listing_query(query))
    if path in HOME_PATHS:
        return PageRef(Kind.HOME, base + "/")
    return PageRef(Kind.OTHER, base + path)


def rebase(url: str, base_url: str | None) -> str:
    """The URL to fetch: `url` itself, or its path and query on `base_url` (the replica)."""
    if not base_url:
        return url
    parts = urlsplit(url)
    base = urlsplit(base_url)
    return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))


def _arti(m: re.Match[str], era: str, url: str) -> PageRef:
    return PageRef(
        Kind.ARTICLE, url, id=m["id"], era=era, url_date=_date(m["y"], m["m"], m["d"])
    )


def _date(y: str, m: str, d: str) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def _listing_query(query: str) -> str:
    """Keep only the pagination parameter of a listing URL; tracking queries go."""
    pages = re.findall(r"(?:^|&)page=(\d+)", query)
    return f"page={pages[-1]}" if pages else ""
