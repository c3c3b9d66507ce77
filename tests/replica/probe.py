"""Standard-library tools to look at the replica from outside, over HTTP only.

* ``page_lines``: the visible text of a page as lines, the way a naive extractor sees it
  (the seed text beside the dossier was produced that way);
* ``decode_page``: bytes -> text by the HTTP charset, else the ``<meta>`` charset, else UTF-8;
* ``article_key``: the canonical id behind any alias URL of an article;
* ``discover``: a small breadth-first crawl of the discovery paths (robots.txt -> sitemaps,
  the home page's API answer, section answers and their pagination).

The tests use these to prove that every listed article is reachable and that the pages hold
the ground truth; the crawler team may reuse them.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from .corpus import BIG5_PREFIX, clean_text

_BLOCK = {
    "address", "article", "aside", "blockquote", "br", "center", "dd", "div", "dl", "dt",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "p", "section", "table", "td", "th", "tr", "ul", "button",
}
_SKIP = {"script", "style", "head", "title", "noscript", "template"}


class _Lines(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._current: list[str] = []
        self._skip = 0

    def _flush(self) -> None:
        text = clean_text("".join(self._current))
        if text:
            self.lines.append(text)
        self._current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
        elif tag in _BLOCK:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._current.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def page_lines(html: str) -> list[str]:
    """Visible text lines (block elements split lines; inline text runs together)."""
    parser = _Lines()
    parser.feed(html)
    parser.close()
    return parser.lines


_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.I)


def decode_page(body: bytes, content_type: str | None) -> tuple[str, str]:
    """(text, encoding used): the HTTP charset, else the meta charset, else UTF-8."""
    encoding = None
    if content_type and "charset=" in content_type.lower():
        encoding = content_type.lower().split("charset=", 1)[1].split(";")[0].strip()
    if not encoding:
        m = _META_CHARSET.search(body[:4096])
        encoding = m.group(1).decode("ascii").lower() if m else "utf-8"
    return body.decode(encoding), encoding


_E4 = re.compile(r"^/\d{4}/\d{2}/\d{2}/(ARTI\d{16})/?$")
_E3 = re.compile(r"^/\d{4}/\d{2}/\d{2}/(ARTI[A-Za-z0-9]{20}\d{6})(?:\.shtml)?/?$")
_E2 = re.compile(r"^/[A-Za-z_]+(?:/[A-Za-z_]+)*/\d+/\d{8}/(\d+)\.html$")
_E1 = re.compile(r"^/\d+/\d{4}/\d{2}/\d{2}/\d+[s@](\d+)(?:_\d+)?\.htm$")
_SECTION = re.compile(r"^/[A-Za-z0-9_]+(?:/[A-Za-z0-9_]+)*/page\.shtml$")


def _path(url: str) -> str:
    path = urlsplit(url).path or "/"
    if path.startswith(BIG5_PREFIX + "/"):
        path = path[len(BIG5_PREFIX):]
    return path


def article_key(url: str) -> str | None:
    """``ARTI...`` (E3/E4), ``E2-<numId>`` or ``E1-<serial>`` for an article URL in any form."""
    path = _path(url)
    for pattern, prefix in ((_E4, ""), (_E3, ""), (_E2, "E2-"), (_E1, "E1-")):
        if m := pattern.match(path):
            return prefix + m.group(1)
    return None


def section_path(url: str) -> str | None:
    path = _path(url)
    return path if _SECTION.match(path) else None


@dataclass
class Discovery:
    ids: set[str] = field(default_factory=set)
    sections: set[str] = field(default_factory=set)
    pages: dict[str, int] = field(default_factory=dict)  # section path -> pages fetched
    requests: int = 0


class Client:
    """Minimal HTTP client for the replica (closes everything it opens)."""

    def __init__(self, base_url: str, timeout: float = 10) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.requests = 0

    def local(self, url: str) -> str:
        split = urlsplit(url)
        query = f"?{split.query}" if split.query else ""
        return f"{self.base_url}{split.path or '/'}{query}"

    def get(self, url: str) -> tuple[int, dict[str, str], bytes]:
        self.requests += 1
        try:
            with urllib.request.urlopen(self.local(url), timeout=self.timeout) as response:
                return response.status, dict(response.headers.items()), response.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, dict(error.headers.items()), error.read()

    def api(self, page_url: str) -> tuple[int, Any]:
        """``POST /api/getData {"id": page_url}`` -> (HTTP status, JSON or None)."""
        self.requests += 1
        data = json.dumps({"id": page_url}).encode()
        request = urllib.request.Request(
            f"{self.base_url}/api/getData", data=data, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            with error:
                error.read()
                return error.code, None


def iter_cards(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Every card of an API page answer (``modules[].cardgroups[].cardgroup.cards[].card``)."""
    cards = []
    for module in result.get("modules") or []:
        for group in module.get("cardgroups") or []:
            for wrapper in (group.get("cardgroup") or {}).get("cards") or []:
                card = wrapper.get("card") or {}
                if card:
                    cards.append(card)
    return cards


def _links(result: dict[str, Any]) -> list[str]:
    links = [m.get("link") or "" for m in result.get("modules") or []]
    links += [c.get("link") or "" for c in iter_cards(result)]
    return [link for link in links if link]


def discover(base_url: str, *, paginate: bool = True, max_pages: int = 1000) -> Discovery:
    """Breadth-first over the discovery paths; pagination stops on ``succeed: 0``, an empty
    list or a page that brings no article the section has not shown already."""
    client = Client(base_url)
    found = Discovery()
    # robots.txt -> sitemaps
    _, _, robots = client.get("/robots.txt")
    queue = deque(
        line.split(":", 1)[1].strip()
        for line in robots.decode().splitlines()
        if line.lower().startswith("sitemap:")
    )
    seen_maps: set[str] = set()
    while queue:
        url = queue.popleft()
        if url in seen_maps:
            continue
        seen_maps.add(url)
        status, _, body = client.get(url)
        if status != 200:
            continue
        root = ET.fromstring(body)
        ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
        for loc in root.iter(f"{ns}loc"):
            text = (loc.text or "").strip()
            if root.tag == f"{ns}sitemapindex":
                queue.append(text)
            elif key := article_key(text):
                found.ids.add(key)
    # the home page's API answer -> cards and sections
    sections: deque[str] = deque()

    def take(result: dict[str, Any]) -> set[str]:
        keys = set()
        for link in _links(result):
            if key := article_key(link):
                keys.add(key)
            elif (path := section_path(link)) and path not in found.sections:
                found.sections.add(path)
                sections.append(path)
        found.ids.update(keys)
        return keys

    status, answer = client.api("https://polish.cri.cn/")
    if status == 200 and answer and answer.get("succeed") == 1:
        take(answer["result"])
    while sections:
        path = sections.popleft()
        shown: set[str] = set()
        for page in range(1, max_pages + 1):
            suffix = "" if page == 1 else f"?page={page}"
            status, answer = client.api(f"https://polish.cri.cn{path}{suffix}")
            found.pages[path] = page
            if status != 200 or not answer or answer.get("succeed") != 1:
                break
            keys = take(answer["result"])
            if not paginate or not keys or keys <= shown:
                break
            shown |= keys
    found.requests = client.requests
    return found
