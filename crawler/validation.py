"""The output schema's rules, checked by hand: one place for the validate pipeline (an item
before it is written) and `cri-crawler check` (a record of the archive).

The schema is published as JSON Schema (`crawler/data/article.schema.json`, draft 2020-12); the
same rules are written out here because a compiled schema validator costs about a hundred times
more per item (tests check that both agree, case by case). The edition's own rules (its host,
eras and id pattern; the schema holds those of every edition) come from the registry.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from dataclasses import fields
from datetime import datetime
from typing import Any

from crawler.editions import Edition
from crawler.items import Article

FIELDS = frozenset(f.name for f in fields(Article))
REQUIRED = ("id", "url", "headline", "published", "published_source", "body", "edition", "language")
EXTRACTIONS = frozenset({"api", "html", "browser", "fallback"})
PUBLISHED_SOURCES = frozenset({"api", "page", "listing", "url"})

# The schema's patterns, matched whole (fullmatch: Python's `$` would let a final newline pass).
LANGUAGE = re.compile(r"[a-z]{2}")
DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?([+-][0-9]{2}:[0-9]{2}|Z)"
)
HTTP_URL = re.compile(r"https?://\S+")
TOKEN = re.compile(r"\S+")  # a run id, a version: one word
SHA256 = re.compile(r"[0-9a-f]{64}")
WARC_RECORD_ID = re.compile(r"<[^\s<>]+>")  # WARC 1.1: "<" uri ">", e.g. <urn:uuid:...>
PARSER_KEYS = frozenset({"era", "version", "selector"})
_TEXT = ("headline", "body")
_OPTIONAL_TEXT = ("author", "summary")
_OPTIONAL_URL = ("section", "video")
_OPTIONAL_DATETIME = ("modified", "fetched_at")
# Provenance: null only in records written before the crawler recorded it.
_OPTIONAL_PATTERN = (("run", TOKEN), ("crawler_version", TOKEN), ("content_sha256", SHA256),
                     ("warc_record_id", WARC_RECORD_ID))


def _is_datetime(value: Any) -> bool:
    if not isinstance(value, str) or not DATETIME.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:  # 2024-02-30 and the like
        return False
    return True


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and not value.isspace() and value != ""


class ArticleRules:
    """The schema's rules for the articles of one edition."""

    def __init__(self, edition: Edition) -> None:
        self.url = re.compile(rf"https://{re.escape(edition.canonical_host)}/\S*")
        self.eras = frozenset(era.name for era in edition.eras)
        self.id = re.compile(edition.id_pattern)
        self.edition = edition.name

    def problem(self, adapter: MutableMapping[str, Any]) -> str | None:
        """The reason these fields cannot be written (`missing_<field>`, `bad_<field>`), or
        None. A missing `images` becomes the Article default (an empty list)."""
        get = adapter.get
        for name in REQUIRED:
            value = get(name)
            if value is None or value == "":
                return f"missing_{name}"
        if not isinstance(get("id"), str) or not self.id.fullmatch(get("id")):
            return "bad_id"
        if not isinstance(get("url"), str) or not self.url.fullmatch(get("url")):
            return "bad_url"
        for name in _TEXT:
            if not _is_text(get(name)):
                return f"bad_{name}"
        if not _is_datetime(get("published")):
            return "bad_published"
        if get("published_source") not in PUBLISHED_SOURCES:
            return "bad_published_source"
        if not isinstance(get("language"), str) or not LANGUAGE.fullmatch(get("language")):
            return "bad_language"
        if get("era") is not None and get("era") not in self.eras:
            return "bad_era"
        if get("edition") != self.edition:
            return "bad_edition"
        if get("extraction") is not None and get("extraction") not in EXTRACTIONS:
            return "bad_extraction"
        for name in _OPTIONAL_TEXT:
            if get(name) is not None and not _is_text(get(name)):
                return f"bad_{name}"
        for name in _OPTIONAL_URL:
            value = get(name)
            if value is not None and not (isinstance(value, str) and HTTP_URL.fullmatch(value)):
                return f"bad_{name}"
        for name in _OPTIONAL_DATETIME:
            if get(name) is not None and not _is_datetime(get(name)):
                return f"bad_{name}"
        images = get("images")
        if images is None:
            adapter["images"] = images = []  # the Article default, for a dict item without it
        if not isinstance(images, list) or not all(
            isinstance(url, str) and HTTP_URL.fullmatch(url) for url in images
        ):
            return "bad_images"
        version = get("version")
        if version is not None and (type(version) is not int or version < 1):
            return "bad_version"
        for name, pattern in _OPTIONAL_PATTERN:
            value = get(name)
            if value is not None and not (isinstance(value, str) and pattern.fullmatch(value)):
                return f"bad_{name}"
        if get("parser") is not None and not self._is_parser(get("parser")):
            return "bad_parser"
        return None

    def _is_parser(self, value: Any) -> bool:
        """`{"era": <an era of the edition>, "version": <int >= 1>, "selector": <text>}`."""
        return (
            isinstance(value, dict)
            and value.keys() == PARSER_KEYS
            and isinstance(value["era"], str)
            and value["era"] in self.eras
            and type(value["version"]) is int
            and value["version"] >= 1
            and _is_text(value["selector"])
        )
