"""E4, the CGTN Nuxt platform (2025 - now): the JSON API first, the page HTML second.

API shapes are VERIFIED on a sister edition (DOSSIER section 3); the article page's element
ids and classes are UNKNOWN, so the HTML parser tries common article containers and then
the element holding the most paragraph text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from parsel import Selector

from crawler.parsers.base import (
    Body,
    Extract,
    PageParser,
    fragment_lines,
    image_urls,
    matches,
    selector_lines,
)

# The Nuxt mount point: its presence with no text marks a client-rendered shell.
APP_ROOT = "#__nuxt, #app, [data-server-rendered]"
DETAIL_TEMPLATES = ("ShijieyuDetail",)  # modules that carry an article body
# What the body was found with (`Extract.selector`): the API's `content`, a module's `content`,
# or the element with the most paragraph text (`_body_container`, for unknown markup).
API_CONTENT, API_MODULES, DENSEST = "api:content", "api:modules", "//*[p]"


class ApiError(ValueError):
    """The API answered, but not with a usable article."""


def api_result(payload: Any) -> dict[str, Any]:
    """The `result` of a `getData` envelope; ApiError when the answer reports a failure."""
    if not isinstance(payload, dict):
        raise ApiError("answer is not a JSON object")
    if str(payload.get("succeed")) != "1":
        raise ApiError(
            f"succeed={payload.get('succeed')!r} errorCode={payload.get('errorCode')!r} "
            f"errorMessage={str(payload.get('errorMessage'))[:200]!r}"
        )
    result = payload.get("result")
    if not isinstance(result, dict):
        raise ApiError("answer has no result object")
    return result


def parse_api_article(result: dict[str, Any]) -> Extract:
    """An article `result`: body from `content`, else from a detail module's `content`."""
    content = _text(result.get("content"))
    selector = API_CONTENT
    if not content:
        content, selector = next(_module_contents(result), ""), API_MODULES
    lines = fragment_lines(content)
    video = result.get("video") if isinstance(result.get("video"), dict) else {}
    photo = result.get("photo") if isinstance(result.get("photo"), dict) else {}
    headline = _plain(_text(result.get("title"))) or None
    return Extract(
        headline=headline,
        published=[p for p in (_stamp(result.get("published")), _stamp(result.get("date"))) if p],
        paragraphs=lines,
        summary=_plain(_text(result.get("brief"))) or None,
        modified=_stamp(result.get("modifyDate")) or None,
        images=[u for u in (_text(photo.get("large")), _text(photo.get("thurm"))) if u][:1],
        video=_text(video.get("url")) or None,
        method="api",
        selector=selector if lines else None,
    )


class E4Parser(PageParser):
    """The server-rendered article page (the API is the first source: `parse_api_article`)."""

    # Common article containers, tried before the paragraph-density search.
    BODY = (
        '[itemprop="articleBody"]',
        "#abody",
        ".article-content",
        ".detail-content",
        ".content-detail",
        ".article-body",
        "article .content",
    )

    def body(self, page: Selector, url: str) -> Body:
        found = _body_container(page, self.BODY)
        if found is None:
            return Body([], [])
        container, selector = found
        return Body(selector_lines(container), image_urls(container, url), selector)


def is_platform_page(page: Selector) -> bool:
    """A page of the current platform: it has the app's mount point."""
    return matches(page, APP_ROOT)


def is_shell(page: Selector) -> bool:
    """A client-rendered shell: the app root is there but holds no paragraph text."""
    root = page.css(APP_ROOT)
    if not root:
        return False
    return not any(t.strip() for t in root.css("p ::text, h1 ::text").getall())


def _body_container(page: Selector, queries: tuple[str, ...]) -> tuple[Selector, str] | None:
    """The body's container and the selector that found it."""
    for query in queries:
        found = page.css(query)
        if found and found[0].css("p"):
            return found[0], query
    # Unknown markup: the element whose own <p> children hold the most text.
    best, best_size = None, 0
    for candidate in page.xpath("//*[p]"):
        size = sum(len(t.strip()) for t in candidate.xpath("./p//text()").getall())
        if size > best_size:
            best, best_size = candidate, size
    return (best, DENSEST) if best is not None else None


def _module_contents(result: dict[str, Any]) -> Iterator[str]:
    """`content` strings inside `result.modules`, those of detail templates first."""
    modules = [m for m in result.get("modules") or [] if isinstance(m, dict)]
    detail = [m for m in modules if str(m.get("templateName", "")).startswith(DETAIL_TEMPLATES)]
    for module in detail + modules:
        yield from _contents(module)


def _contents(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("content"), str) and node["content"].strip():
            yield node["content"]
        for value in node.values():
            if isinstance(value, (dict, list)):
                yield from _contents(value)
    elif isinstance(node, list):
        for value in node:
            yield from _contents(value)


def _text(value: Any) -> str:
    """A string field; anything else (a number, a list, an object) is no value, never its
    repr: a broken answer must not put `{'p': 1}` or `1e+308` into an article."""
    return value if isinstance(value, str) else ""


def _plain(value: str) -> str:
    """A text field that may hold markup: its visible text (no script or style text)."""
    if not _TAG.search(value):
        return value
    return " ".join(fragment_lines(value))


_TAG = re.compile(r"<[A-Za-z/!?]")


def _stamp(value: Any) -> str:
    """A time field: a string, or epoch milliseconds as a whole number (not NaN, not a bool)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _text(value)
