"""What every era parser returns, and the HTML helpers they share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import Any

from lxml import html as lxml_html
from parsel import Selector

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


def text_lines(element: Any) -> list[str]:
    """The visible text of an lxml element as lines: a break at every block element and
    `<br>`, nothing from scripts, styles, media or comments."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        tag = node.tag if isinstance(node.tag, str) else None
        if tag is None:  # comment or processing instruction: only its tail is text
            if node.tail:
                parts.append(node.tail)
            return
        tag = tag.lower()
        if tag not in SKIP_TAGS:
            block = tag in BLOCK_TAGS
            if block:
                parts.append("\n")
            if node.text:
                parts.append(node.text)
            for child in node:
                walk(child)
            if block:
                parts.append("\n")
        if node.tail:
            parts.append(node.tail)

    walk_root = element
    if walk_root.text:
        parts.append(walk_root.text)
    for child in walk_root:
        walk(child)
    return [line.strip() for line in "".join(parts).split("\n") if line.strip()]


def selector_lines(selector: Selector) -> list[str]:
    return text_lines(selector.root)


def fragment_lines(markup: str) -> list[str]:
    """Text lines of an HTML fragment (API `content`, a slice between comments)."""
    if not markup or not markup.strip():
        return []
    root = lxml_html.fragment_fromstring(markup, create_parent="div")
    return text_lines(root)


def without_banners(selector: Selector) -> Selector:
    """A copy of the page without the consent dialog, so no selector can pick its text."""
    copy = Selector(text=selector.get())
    for node in copy.css(BANNER_CSS):
        node.drop()
    return copy


def first_text(selector: Selector, *queries: str) -> str | None:
    """The first non-empty text among CSS queries tried in order (`::attr()` allowed)."""
    for query in queries:
        for value in selector.css(query).getall():
            text = " ".join(value.split())
            if text:
                return text
    return None


def page_datetime(selector: Selector, *queries: str) -> str | None:
    """The publication time shown on the page: a named element first, else the first
    `YYYY-MM-DD HH:MM:SS` in the visible text."""
    for query in queries:
        for text in selector.css(query + " ::text").getall():
            if m := DATETIME_TEXT.search(text):
                return m.group(0)
    body = selector.css("body")
    for line in text_lines(body[0].root) if body else []:
        if m := DATETIME_TEXT.search(line):
            return m.group(0)
    return None


def body_lines(
    page: Selector,
    queries: tuple[str, ...],
    url: str,
    lines_of: Callable[[Selector], list[str]] = selector_lines,
) -> tuple[list[str], list[str]]:
    """Body lines and image URLs of the first container, in cascade order, that holds text."""
    lines: list[str] = []
    images: list[str] = []
    for query in queries:
        found = page.css(query)
        if found:
            lines, images = lines_of(found[0]), image_urls(found[0], url)
            if lines:
                break
    return lines, images


def image_urls(selector: Selector, base_url: str) -> list[str]:
    from urllib.parse import urljoin

    return [urljoin(base_url, src) for src in selector.css("img::attr(src)").getall() if src.strip()]


def drop_leading_repeats(lines: list[str], *repeats: str | None, window: int = 6) -> list[str]:
    """Body containers sometimes repeat the headline near their start (before or after the
    date and share lines): drop such lines from the first few."""
    norm = {" ".join(r.split()) for r in repeats if r}
    return [
        line for i, line in enumerate(lines) if i >= window or " ".join(line.split()) not in norm
    ]
