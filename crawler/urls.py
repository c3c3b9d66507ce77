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
from urllib.parse import SplitResult, urlsplit, urlunsplit

from crawler.editions import Edition


class Kind(str, Enum):
    ARTICLE = "article"
    TOPIC = "topic"  # E1 `Zt` collections of teasers: not articles
    SECTION = "section"
    HOME = "home"
    OTHER = "other"  # the outlet's, but nothing we extract (search, static pages, ...)


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
    # Where the current platform serves an older article again: an E3 id without `.shtml`
    # (DOSSIER sections 1 and 9). Linked there, its API answer and page come first and the old
    # `url` last; linked at `url`, the platform's page is the second address. The id and `url`
    # stay the same whichever way the article was reached.
    platform_url: str | None = None
    linked_on_platform: bool = False  # the link was `platform_url`

    @property
    def addresses(self) -> tuple[str, ...]:
        """Where to read the article, in order: as linked first."""
        if self.platform_url is None:
            return (self.url,)
        if self.linked_on_platform:
            return (self.platform_url, self.url)
        return (self.url, self.platform_url)

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
    for era in edition.eras:  # the eras' grammars do not overlap: order does not matter
        if m := era.path.match(path):
            url = base + era.canonical(m)
            if era.topic(m):
                return PageRef(Kind.TOPIC, url)
            local = edition.local_id_prefix if era.local_ids else ""
            platform = era.platform_path(m) if edition.platform_era else None
            return PageRef(
                Kind.ARTICLE,
                url,
                id=local + era.article_id(m),
                era=era.name,
                page=era.page(m),
                url_date=_date(*era.url_date(m)),
                platform_url=base + platform if platform else None,
                linked_on_platform=platform == path,
            )
    if SECTION_PATH.match(path):
        return PageRef(Kind.SECTION, base + path, query=_listing_query(query))
    if path in HOME_PATHS:
        return PageRef(Kind.HOME, base + "/")
    return PageRef(Kind.OTHER, base + path)


HOST = "{host}"  # in a base URL's path: the host of the URL fetched through it


def rebase(url: str, base_url: str | None) -> str:
    """The URL to fetch: `url` itself, or the same page on the copy at `base_url`.

    A base without a path takes the URL's path and query (the local replica:
    `http://127.0.0.1:8000` + `https://h/a/b?q` -> `http://127.0.0.1:8000/a/b?q`). A base with
    a path is a mirror under that path (`http://m/x` + `https://h/a/b` -> `http://m/x/a/b`), and
    `{host}` in it stands for the URL's host: the layout `wget --mirror` writes, `<host>/<path>`
    (`http://m/{host}` + `https://h/a/b` -> `http://m/h/a/b`)."""
    if not base_url:
        return url
    parts = urlsplit(url)
    base = urlsplit(base_url)
    prefix = base.path.rstrip("/")
    if HOST in prefix:
        prefix = prefix.replace(HOST, _host(parts))
    return urlunsplit((base.scheme, base.netloc, prefix + parts.path, parts.query, ""))


def unrebase(fetched: str, base_url: str | None) -> str:
    """What a URL fetched through `base_url` stands for, the inverse of `rebase` (after
    redirects too): with `{host}` in the base, the outlet's URL (`http://m/h/a/b` ->
    `https://h/a/b`); under a base with a plain path, the same URL without that path
    (`http://m/x/a/b` -> `http://m/a/b`), so that its path is the outlet's as for a base
    without one. Any other URL (no base, another origin, not under the path) as it is."""
    if not base_url:
        return fetched
    base = urlsplit(base_url)
    prefix = base.path.rstrip("/")
    if not prefix:
        return fetched
    parts = urlsplit(fetched)
    if (parts.scheme, parts.netloc.lower()) != (base.scheme, base.netloc.lower()):
        return fetched
    before, mark, after = prefix.partition(HOST)
    pattern = re.escape(before) + ("(?P<host>[^/]+)" + re.escape(after) if mark else "")
    if not (m := re.fullmatch(pattern + "(?P<path>/.*)?", parts.path, re.DOTALL)):
        return fetched
    path, query = m.group("path") or "", f"?{parts.query}" if parts.query else ""
    if mark:
        return f"https://{m.group('host')}{path}{query}"
    return f"{parts.scheme}://{parts.netloc}{path}{query}"


def from_mirror(url: str, edition: Edition) -> str:
    """The outlet's URL for a URL in the mirror layout `<origin>/<host>/<path>` (a crawl through
    a base URL with `{host}`, `wget --mirror`) whose host is one of the edition's (or a gateway
    host), else `url` as it is. For stored answers, whose base URL is not known: no path of the
    outlet begins with one of its host names."""
    parts = urlsplit(url)
    if (parts.hostname or "").lower() in edition.hosts:
        return url
    host, slash, rest = parts.path.lstrip("/").partition("/")
    host = host.lower()
    if host not in edition.hosts and host not in {g.split("/", 1)[0] for g in edition.gateways}:
        return url
    query = f"?{parts.query}" if parts.query else ""
    return f"https://{host}{slash}{rest}{query}"


def _host(parts: SplitResult) -> str:
    """A URL's host as a mirror names its folder: lower case, with its port when one is given."""
    host = (parts.hostname or "").rstrip(".")
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if port else host


def _date(y: str, m: str, d: str) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def _listing_query(query: str) -> str:
    """Keep only the pagination parameter of a listing URL; tracking queries go."""
    pages = re.findall(r"(?:^|&)page=(\d+)", query)
    return f"page={pages[-1]}" if pages else ""
