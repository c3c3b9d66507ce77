"""The Article item: the closed field vocabulary of the output (documented in the README)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Article:
    """One article of the outlet, as written to the output (one JSON object a line)."""

    id: str | None = None  # stable id: ARTI token (E3/E4), E2-<numId>, E1-<serial>
    url: str | None = None  # canonical URL on the edition's first host: https://polish.cri.cn/...
    era: str | None = None  # "E1".."E4": the CMS generation of the article's URL
    headline: str | None = None
    published: str | None = None  # ISO 8601 in Beijing time, e.g. 2024-07-03T19:56:10+08:00
    published_source: str | None = None  # where that time came from: api, page, listing, url
    modified: str | None = None  # ISO 8601, when the outlet reports a later edit
    body: str | None = None  # paragraphs joined by a blank line, no noise
    author: str | None = None  # initials such as "A. L.", or None
    edition: str | None = None  # the edition's name in the registry: "polish", "esperanto"
    language: str | None = None  # ISO 639-1 of the edition: "pl", "eo"
    section: str | None = None  # listing URL the article was found in, when known
    summary: str | None = None  # the outlet's teaser (E4 API `brief`)
    images: list[str] = field(default_factory=list)  # image URLs
    video: str | None = None  # video stream URL (E4 video articles)
    extraction: str | None = None  # how the body was found: api, html, browser, fallback
    fetched_at: str | None = None  # ISO 8601 UTC time of the fetch
    # Provenance (README): what made the item, and from what. Null only in records written
    # before the crawler recorded it.
    run: str | None = None  # the crawl's id, as in runs.jsonl: 20261127T120000Z-4242
    crawler_version: str | None = None  # crawler.__version__
    parser: dict[str, Any] | None = None  # {"era": "E3", "version": 1, "selector": "#abody"}
    content_sha256: str | None = None  # hex SHA-256 of the payload read (multi-page: of its pages')
    warc_record_id: str | None = None  # the WARC record of that payload (multi-page: page 1's)
    version: int | None = None  # 1, then n+1 each time the text changes (set by dedupe)
