"""The columns of an export, declared (never inferred from the data): one `Profile` per shape
users expect. `cri` is this project's schema (every Article field, plus `published_utc`);
`cc-news` and `news-please` are the shapes of Hugging Face's `cc_news` and of news-please's JSON
files, so code written for those reads ours unchanged. Each column says where it comes from:
the dataset card and the README render that, the tests check the names against their own table.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any
from urllib.parse import urlsplit

import pyarrow as pa

from crawler.export import PROFILE_NAMES
from crawler.items import Article

STRING = pa.string()
UTC_TIME = pa.timestamp("us", tz="UTC")  # microseconds: Parquet has no second unit
PARSER = pa.struct([("era", STRING), ("version", pa.int32()), ("selector", STRING)])
# Parquet's name for a list's item (use_compliant_nested_type): declared so, it reads back so.
STRINGS = pa.list_(pa.field("element", STRING))
# Naive wall-clock times as news-please and CC-NEWS write them.
WALL_CLOCK = "%Y-%m-%d %H:%M:%S"
BEIJING = timezone(timedelta(hours=8))  # every CRI edition's time; the registry's `tz`


@dataclass(frozen=True)
class Column:
    """One column: its name, its Arrow type, and where its values come from (for people)."""

    name: str
    type: pa.DataType
    source: str


@dataclass(frozen=True)
class Source:
    """One archive record and what every profile derives from it."""

    record: Mapping[str, Any]
    published_utc: datetime | None
    tz: tzinfo  # the edition's time zone: Beijing


@dataclass(frozen=True)
class Profile:
    """A set of columns and the function that makes a row of them from a record."""

    name: str
    title: str
    columns: tuple[Column, ...]
    row: Callable[[Source], tuple[Any, ...]]  # values in column order
    sort_note: str = "rows sorted by `published_utc`, then `id`, then `version`"

    @property
    def schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, c.type) for c in self.columns])

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


# -- cri: the archive's own fields, in the Article's order -----------------------------------

# Every Article field's type; a field missing here fails at import (a new field must be typed).
_ARTICLE_TYPES: dict[str, pa.DataType] = {
    "id": STRING,
    "url": STRING,
    "era": STRING,
    "headline": STRING,
    "published": STRING,  # the archive's string with its offset, e.g. 2024-07-03T19:56:10+08:00
    "published_source": STRING,
    "modified": STRING,  # the outlet's offset, or UTC for an edit the crawler saw: kept as given
    "body": STRING,
    "author": STRING,
    "edition": STRING,
    "language": STRING,
    "section": STRING,
    "summary": STRING,
    "images": STRINGS,
    "video": STRING,
    "extraction": STRING,
    "fetched_at": STRING,
    "run": STRING,
    "crawler_version": STRING,
    "parser": PARSER,
    "content_sha256": STRING,
    "warc_record_id": STRING,
    "version": pa.int32(),
}
ARTICLE_FIELDS = tuple(f.name for f in fields(Article))
if set(_ARTICLE_TYPES) != set(ARTICLE_FIELDS):  # pragma: no cover - caught by any import
    raise RuntimeError(f"export types out of step with Article: "
                       f"{set(_ARTICLE_TYPES) ^ set(ARTICLE_FIELDS)}")
PUBLISHED_UTC = "published_utc"
_CRI_NAMES = tuple(
    name for f in ARTICLE_FIELDS for name in ((f, PUBLISHED_UTC) if f == "published" else (f,))
)


def _cri_row(source: Source) -> tuple[Any, ...]:
    record = source.record
    values = []
    for name in _CRI_NAMES:
        if name == PUBLISHED_UTC:
            values.append(source.published_utc)
        elif name == "images":
            values.append(record.get("images") or [])
        else:
            values.append(record.get(name))
    return tuple(values)


CRI = Profile(
    name="cri",
    title="this project's schema (crawler/data/article.schema.json) plus `published_utc`",
    columns=tuple(
        Column(PUBLISHED_UTC, UTC_TIME, "`published` as a UTC instant")
        if name == PUBLISHED_UTC
        else Column(name, _ARTICLE_TYPES[name], f"`{name}`")
        for name in _CRI_NAMES
    ),
    row=_cri_row,
)


# -- helpers of the other profiles -------------------------------------------------------------


def wall_clock(value: str | None, tz: tzinfo) -> str | None:
    """An ISO 8601 time with offset as naive `YYYY-MM-DD HH:MM:SS` in `tz` (None stays None)."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    if when.tzinfo is None:
        return when.strftime(WALL_CLOCK)
    return when.astimezone(tz).strftime(WALL_CLOCK)


def domain(url: str | None) -> str | None:
    return urlsplit(url).hostname if url else None


def first_image(record: Mapping[str, Any]) -> str | None:
    images = record.get("images") or []
    return images[0] if images else None


def _strings(*columns: tuple[str, str]) -> tuple[Column, ...]:
    """String columns, each given by its name and where its values come from."""
    return tuple(Column(name, STRING, source) for name, source in columns)


# -- cc-news: Hugging Face's `cc_news` (news-please's fields, flattened; "" for none) ------------

def _cc_news_row(source: Source) -> tuple[Any, ...]:
    record = source.record
    values = (
        record.get("headline"),
        record.get("body"),
        domain(record.get("url")),
        wall_clock(record.get("published"), source.tz),
        record.get("summary"),
        record.get("url"),
        first_image(record),
    )
    return tuple("" if value is None else value for value in values)


CC_NEWS = Profile(
    name="cc-news",
    title="the columns of Hugging Face's `cc_news` (CC-NEWS as extracted by news-please): "
    "seven strings, an empty string where there is no value",
    columns=_strings(
        ("title", "`headline`"),
        ("text", "`body` (paragraphs separated by a blank line)"),
        ("domain", "the host of `url`: `polish.cri.cn`"),
        ("date", "`published` as `YYYY-MM-DD HH:MM:SS`, Beijing time (as the page shows it; the "
                 "offset is +08:00)"),
        ("description", "`summary`"),
        ("url", "`url`"),
        ("image_url", "the first of `images`"),
    ),
    row=_cc_news_row,
)


# -- news-please: the fields of news-please's JSON files, in its order ---------------------------

def _news_please_row(source: Source) -> tuple[Any, ...]:
    record = source.record
    author = record.get("author")
    return (
        [author] if author else [],
        wall_clock(record.get("fetched_at"), timezone.utc),
        wall_clock(record.get("modified"), source.tz),
        wall_clock(record.get("published"), source.tz),
        record.get("summary"),
        None,
        first_image(record),
        record.get("language"),
        None,
        record.get("headline"),
        None,
        None,
        domain(record.get("url")),
        record.get("body"),
        record.get("url"),
    )


NEWS_PLEASE = Profile(
    name="news-please",
    title="the fields of news-please's JSON output (`ExtractedInformationStorage`), in its "
    "order; null where there is no value",
    columns=(
        Column("authors", STRINGS, "`[author]`, or `[]`"),
        *_strings(
            ("date_download", "`fetched_at` as `YYYY-MM-DD HH:MM:SS`, UTC (as news-please "
                              "writes it)"),
            ("date_modify", "`modified` as `YYYY-MM-DD HH:MM:SS`, Beijing time"),
            ("date_publish", "`published` as `YYYY-MM-DD HH:MM:SS`, Beijing time (as the page "
                             "shows it)"),
            ("description", "`summary`"),
            ("filename", "null (no file of a page is kept)"),
            ("image_url", "the first of `images`"),
            ("language", "`language`"),
            ("localpath", "null"),
            ("title", "`headline`"),
            ("title_page", "null (the page's `<title>` is not kept)"),
            ("title_rss", "null (no RSS feed)"),
            ("source_domain", "the host of `url`: `polish.cri.cn`"),
            ("maintext", "`body`"),
            ("url", "`url`"),
        ),
    ),
    row=_news_please_row,
)

PROFILES: dict[str, Profile] = {p.name: p for p in (CRI, CC_NEWS, NEWS_PLEASE)}
if tuple(PROFILES) != PROFILE_NAMES:  # pragma: no cover - caught by any import
    raise RuntimeError(f"profiles {tuple(PROFILES)} are not the command's {PROFILE_NAMES}")


# -- the flat shape of CSV ----------------------------------------------------------------------


def flat_type(data_type: pa.DataType) -> pa.DataType:
    """The type of a column in CSV: lists and structs become JSON text, the rest stays."""
    return STRING if pa.types.is_nested(data_type) else data_type


def flat_schema(profile: Profile) -> pa.Schema:
    return pa.schema([pa.field(c.name, flat_type(c.type)) for c in profile.columns])


def as_json_text(value: Any) -> str | None:
    """A list or struct value as compact JSON (None stays None), as CSV cells carry them."""
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
