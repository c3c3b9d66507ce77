"""What every era parser returns, and the HTML helpers they share."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, ClassVar, NamedTuple
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html
from parsel import Selector
from parsel.csstranslator import css2xpath

# Elements whose text is never article text.
SKIP_TAGS = frozenset(
    "script style noscript iframe template video audio object embed svg button form select "
    "textarea head".split()
)
# Elements that start a new line (paragraph) in the text flow.
BLOCK_TAGS = frozenset(
    "p div br h1 h2 h3 h4 h5 h6 li ul ol table tr td th section article blockquote figure "
    "figcaption center dd dt dl header footer pre hr nav aside main address".split()
)
# The CGTN consent dialog and its React variant (DOSSIER section 4, cookie banner).
BANNER_CSS = ".js-tools-dialog, .cg-tools-dialog, .CookieNotice"
DATETIME_TEXT = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?::\d{2})?")


@dataclass
class Extract:
    """Raw values one page gave, before normalisation by the loader."""

    headline: str | None = None
    published: list[Any] = field(default_factory=list)  # candidates, best first
    paragraphs: list[str] = field(default_factory=list)  # raw lines of body text
    author: str | None = None
    summary: str | None = None
    modified: Any = None
    images: list[str] = field(default_factory=list)
    video: str | None = None
    pages: int = 1  # pages of a multi-page article (E1)
    more_pages: list[list[str]] = field(default_factory=list)  # body lines of pages 2..n
    method: str = "html"  # api, html, browser, fallback
    # What the body was found with: the CSS of its container, `//*[p]` (E4's paragraph-density
    # search), `api:content` or `api:modules` (E4 API), `fallback` (trafilatura); None: no body.
    selector: str | None = None
    # Of the answer the page came from, set by the extractor (never by a parser): the SHA-256
    # (hex) of its payload, and its WARC record's id (None without a WARC). For a merged
    # multi-page article, the digest is over every page's (`crawler.extract`), the record page 1's.
    payload_sha256: str | None = None
    warc_record_id: str | None = None


class Body(NamedTuple):
    """The body a parser found: its lines, its image URLs and the selector that matched."""

    lines: list[str]
    images: list[str]
    selector: str | None = None  # None when no container held text


# What an element is to the text flow, by its tag: skipped with its content, inline, a block
# (a line break before and after it), or no element (a comment or processing instruction:
# only its tail is text). Cached by tag, up to `_KINDS_CACHED` tags.
_SKIPPED, _INLINE, _BLOCK, _NOT_ELEMENT = range(4)
_KINDS: dict[Any, int] = {}
_KINDS_CACHED = 512


def _kind(tag: Any) -> int:
    if not isinstance(tag, str):
        return _NOT_ELEMENT
    name = tag.lower()
    kind = _SKIPPED if name in SKIP_TAGS else _BLOCK if name in BLOCK_TAGS else _INLINE
    if len(_KINDS) < _KINDS_CACHED:
        _KINDS[tag] = kind
    return kind


def _segments(element: Any) -> Iterator[str]:
    """The text flow of an lxml element (its text and its descendants', not its own tail):
    joined, the pieces are its visible text with a line feed before and after every block
    element. A piece ends where a block element starts, so a caller can stop early. A loop
    over an explicit stack; like the recursive walk it replaces, RecursionError for markup
    nested deeper than the recursion limit (the extractor's `too_deep`)."""
    kinds = _KINDS
    limit = sys.getrecursionlimit()
    parts: list[str] = [element.text] if element.text else []
    stack: list[tuple[Iterator[Any], Any, int]] = [(iter(element), element, _INLINE)]
    while stack:
        for node in stack[-1][0]:
            kind = kinds.get(node.tag)
            if kind is None:
                kind = _kind(node.tag)
            if kind == _BLOCK or kind == _INLINE:
                if kind == _BLOCK:
                    yield "".join(parts)
                    parts = ["\n"]
                if node.text:
                    parts.append(node.text)
                if len(node):  # its children first, then its end and its tail
                    if len(stack) >= limit:
                        raise RecursionError(f"markup nested more than {limit} elements deep")
                    stack.append((iter(node), node, kind))
                    break
                if kind == _BLOCK:
                    parts.append("\n")
            if node.tail:
                parts.append(node.tail)
        else:  # the children of the top element are done: its end
            _, node, kind = stack.pop()
            if not stack:  # the element itself: its tail is not its text
                break
            if kind == _BLOCK:
                parts.append("\n")
            if node.tail:
                parts.append(node.tail)
    yield "".join(parts)


def text_lines(element: Any) -> list[str]:
    """The visible text of an lxml element as lines: a break at every block element and
    `<br>`, nothing from scripts, styles, media or comments."""
    flow = "".join(_segments(element))
    return [stripped for line in flow.split("\n") if (stripped := line.strip())]


def selector_lines(selector: Selector) -> list[str]:
    return text_lines(selector.root)


def fragment_lines(markup: str) -> list[str]:
    """Text lines of an HTML fragment (API `content`, a slice between comments)."""
    if not markup or not markup.strip():
        return []
    root = lxml_html.fragment_fromstring(markup, create_parent="div")
    return text_lines(root)


def matches(page: Selector, css: str) -> bool:
    """Whether any element matches `css` (compiled once, run on lxml: no Selector made)."""
    run = _css_found(page, css)
    return bool(run[1]) if run is not None else bool(page.css(css))


def drop(page: Selector, css: str) -> None:
    """Remove the elements matching `css` from the parsed page, in place (no second parse)."""
    run = _css_found(page, css)
    if run is None:
        for node in page.css(css):
            node.drop()
        return
    for element in run[1]:
        element.drop_tree()  # keeps its tail text, as parsel's drop() does


def first_text(selector: Selector, *queries: str) -> str | None:
    """The first non-empty text among CSS queries tried in order (`::attr()` allowed)."""
    for query in queries:
        for value in _css_getall(selector, query):
            text = " ".join(value.split())
            if text:
                return text
    return None


def page_datetime(selector: Selector, *queries: str) -> str | None:
    """The publication time shown on the page: a named element first, else the first
    `YYYY-MM-DD HH:MM:SS` in the visible text."""
    for query in queries:
        for text in _css_getall(selector, query + " ::text"):
            if m := DATETIME_TEXT.search(text):
                return m.group(0)
    body = _css_first(selector, "body")
    # The first match in the text flow is the first in its lines (no match spans a line feed
    # or starts or ends with a space), so the walk stops at the piece that holds it.
    for segment in _segments(body.root) if body is not None else ():
        if m := DATETIME_TEXT.search(segment):
            return m.group(0)
    return None


@lru_cache(maxsize=256)
def _css_xpath(query: str) -> tuple[str, etree.XPath]:
    """A CSS query as parsel runs it on an HTML page (its XPath translation), compiled once."""
    xpath = css2xpath(query)
    return xpath, etree.XPath(xpath, smart_strings=False)


def _css_found(selector: Selector, query: str) -> tuple[str, list[Any]] | None:
    """What `selector.css(query)` matches, straight from lxml (no Selector for each match):
    the XPath and the lxml results; None when parsel must run it (no HTML element selector)."""
    if selector.type == "html" and isinstance(selector.root, etree._Element):
        xpath, compiled = _css_xpath(query)
        found = compiled(selector.root)
        if isinstance(found, list):
            return xpath, found
    return None


def _css_getall(selector: Selector, query: str) -> list[str]:
    """`selector.css(query).getall()`; the strings (texts, attributes) straight from lxml."""
    if (run := _css_found(selector, query)) and all(isinstance(v, str) for v in run[1]):
        return run[1]
    return selector.css(query).getall()


def _css_first(selector: Selector, query: str) -> Selector | None:
    """`selector.css(query)[0]`, or None; only the first match made a Selector."""
    if run := _css_found(selector, query):
        xpath, found = run
        if not found:
            return None
        if isinstance(found[0], etree._Element):
            return selector.__class__(
                root=found[0], _expr=xpath, namespaces=selector.namespaces, type="html"
            )
    first = selector.css(query)[:1]
    return first[0] if first else None


def body_lines(
    page: Selector,
    queries: tuple[str, ...],
    url: str,
    lines_of: Callable[[Selector], list[str]] = selector_lines,
) -> Body:
    """Body lines and image URLs of the first container, in cascade order, that holds text,
    and its query."""
    lines: list[str] = []
    images: list[str] = []
    for query in queries:
        found = _css_first(page, query)
        if found is not None:
            lines, images = lines_of(found), image_urls(found, url)
            if lines:
                return Body(lines, images, query)
    return Body(lines, images)


def image_urls(selector: Selector, base_url: str) -> list[str]:
    return [urljoin(base_url, src) for src in selector.css("img::attr(src)").getall() if src.strip()]


class PageParser:
    """The HTML parser of one era (and one markup version of it): selectors as class
    attributes, tried in order; one `parse` shared by every era. Pure: a parsed page and its
    URL in, an Extract out."""

    TITLE: ClassVar[tuple[str, ...]] = (
        "h1 ::text",
        'meta[property="og:title"]::attr(content)',
        "title::text",
    )
    DATE: ClassVar[tuple[str, ...]] = ()  # elements holding the displayed time; else the text
    BODY: ClassVar[tuple[str, ...]] = ()  # body containers, in cascade order
    # Elements that are never article text, removed before anything is read: the consent
    # dialog (DOSSIER sections 4 and 6) and what an era adds.
    DROP: ClassVar[str] = BANNER_CSS

    def parse(self, page: Selector, url: str) -> Extract:
        """Values of the page. `page` is changed: the DROP elements are removed from it."""
        drop(page, self.DROP)
        headline = self.headline(page)
        lines, images, selector = self.body(page, url)
        published = page_datetime(page, *self.DATE)
        return Extract(
            headline=headline,
            published=[published] if published else [],
            paragraphs=lines,  # a repeat of the headline goes in the loader, after the noise
            images=images,
            pages=self.pages(page, url),
            selector=selector if lines else None,
        )

    def headline(self, page: Selector) -> str | None:
        return first_text(page, *self.TITLE)

    def body(self, page: Selector, url: str) -> Body:
        return body_lines(page, self.BODY, url, lines_of=self.lines)

    def lines(self, container: Selector) -> list[str]:
        return selector_lines(container)

    def pages(self, page: Selector, url: str) -> int:
        return 1
