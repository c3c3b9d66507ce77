"""Validate pipeline and the published output schema: both accept and reject the same items."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler.items import Article
from pipelines.validate import ValidatePipeline
from tests.support.archive import SCHEMA, article, output_schema
from tests.support.settings import project_settings

VALID = {
    **article(1),
    "author": "A. L.",
    "summary": "Zajawka.",
    "section": "https://polish.cri.cn/news/china/",
    "images": ["https://polish.cri.cn/img/1.jpg", "http://p1.img.cctvpic.com/a.png"],
    "video": "https://vod.cgtn.com/x.m3u8",
    "modified": "2020-10-30T12:00:00.123456+08:00",
    "run": "20261127T120000Z-4242",
    "crawler_version": "0.1.0",
    "parser": {"era": "E2", "version": 1, "selector": ".article-con"},
    "content_sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "warc_record_id": "<urn:uuid:0b6f1d4e-5a3c-4c1e-9f1a-2d7c8e9f0a1b>",
    "version": 1,
}
SHA = VALID["content_sha256"]

# field changes -> the reason the pipeline gives (None: valid)
CASES: list[tuple[dict[str, Any], str | None]] = [
    ({}, None),
    ({"id": "ARTIzR7mcXGTA3meOEfr1fMJ240703", "era": "E3"}, None),
    ({"id": "E1-140104", "era": "E1"}, None),
    ({"modified": None, "author": None, "summary": None, "section": None, "video": None,
      "era": None, "extraction": None, "fetched_at": None, "images": []}, None),
    ({"published": "2024-07-03T11:56:10Z"}, None),
    ({"id": None}, "missing_id"),
    ({"url": None}, "missing_url"),
    ({"headline": None}, "missing_headline"),
    ({"headline": ""}, "missing_headline"),
    ({"published": None}, "missing_published"),
    ({"body": None}, "missing_body"),
    ({"language": None}, "missing_language"),
    ({"published_source": None}, "missing_published_source"),
    ({"published_source": "guess"}, "bad_published_source"),
    ({"published_source": "listing"}, None),
    ({"edition": None}, "missing_edition"),
    ({"edition": "klingon"}, "bad_edition"),
    ({"id": "ARTIshort"}, "bad_id"),
    ({"id": "E3-123"}, "bad_id"),
    ({"id": 123}, "bad_id"),
    ({"url": "http://polish.cri.cn/news/1.html"}, "bad_url"),
    ({"url": "https://polish.cgtn.com/news/1.html"}, "bad_url"),
    ({"url": "https://polish.cri.cn/a b"}, "bad_url"),
    ({"headline": "   "}, "bad_headline"),
    ({"body": "\n\n"}, "bad_body"),
    ({"body": ["akapit"]}, "bad_body"),
    ({"published": "2020-10-30 10:26:09"}, "bad_published"),
    ({"published": "2020-10-30T10:26:09"}, "bad_published"),  # no offset
    ({"published": "2020-02-30T10:26:09+08:00"}, "bad_published"),
    ({"published": "wczoraj"}, "bad_published"),
    ({"language": "pol"}, "bad_language"),
    ({"language": "PL"}, "bad_language"),
    ({"era": "E5"}, "bad_era"),
    ({"extraction": "ocr"}, "bad_extraction"),
    ({"author": ""}, "bad_author"),
    ({"summary": 5}, "bad_summary"),
    ({"section": "/news/china/"}, "bad_section"),
    ({"video": "javascript:play()"}, "bad_video"),
    ({"modified": "2020-10-30"}, "bad_modified"),
    ({"fetched_at": "yesterday"}, "bad_fetched_at"),
    ({"images": ["data:image/png;base64,xx"]}, "bad_images"),
    ({"images": "https://polish.cri.cn/img/1.jpg"}, "bad_images"),
    ({"version": 0}, "bad_version"),
    ({"version": True}, "bad_version"),
    ({"version": "1"}, "bad_version"),
    ({"colour": "red"}, "unknown_field"),
    # provenance: null only in records from before it was recorded
    ({"run": None, "crawler_version": None, "parser": None, "content_sha256": None,
      "warc_record_id": None}, None),
    ({"run": "fixture", "parser": {"era": "E4", "version": 2, "selector": "api:content"}}, None),
    ({"run": ""}, "bad_run"),
    ({"run": "20261127T120000Z 4242"}, "bad_run"),
    ({"run": 20261127}, "bad_run"),
    ({"crawler_version": ""}, "bad_crawler_version"),
    ({"content_sha256": SHA.upper()}, "bad_content_sha256"),
    ({"content_sha256": SHA[:-1]}, "bad_content_sha256"),
    ({"content_sha256": SHA + "\n"}, "bad_content_sha256"),
    ({"warc_record_id": "urn:uuid:0b6f1d4e"}, "bad_warc_record_id"),
    ({"warc_record_id": "<urn:uuid:0b6f 1d4e>"}, "bad_warc_record_id"),
    ({"warc_record_id": ["<urn:uuid:a>"]}, "bad_warc_record_id"),
    ({"parser": "E2"}, "bad_parser"),
    ({"parser": {"era": "E5", "version": 1, "selector": "#abody"}}, "bad_parser"),
    ({"parser": {"era": ["E2"], "version": 1, "selector": "#abody"}}, "bad_parser"),
    ({"parser": {"era": "E2", "version": 0, "selector": "#abody"}}, "bad_parser"),
    ({"parser": {"era": "E2", "version": True, "selector": "#abody"}}, "bad_parser"),
    ({"parser": {"era": "E2", "version": "1", "selector": "#abody"}}, "bad_parser"),
    ({"parser": {"era": "E2", "version": 1, "selector": " "}}, "bad_parser"),
    ({"parser": {"era": "E2", "version": 1, "selector": None}}, "bad_parser"),
    ({"parser": {"era": "E2", "version": 1}}, "bad_parser"),
    ({"parser": {"era": "E2", "version": 1, "selector": "#abody", "more": 1}}, "bad_parser"),
]


@pytest.fixture(scope="module")
def schema_validator() -> Draft202012Validator:
    Draft202012Validator.check_schema(json.loads(SCHEMA.read_text("utf-8")))
    return output_schema()


@pytest.fixture
def crawler_and_pipeline():
    crawler = get_crawler(settings_dict={**project_settings(), "CRAWLER_EDITION": "polish"})
    return crawler, ValidatePipeline.from_crawler(crawler)


def test_schema_lists_every_article_field(schema_validator) -> None:
    names = [f.name for f in fields(Article)]
    assert list(schema_validator.schema["properties"]) == names
    assert schema_validator.schema["required"] == names


@pytest.mark.parametrize(("change", "reason"), CASES, ids=lambda v: repr(v)[:60])
def test_pipeline_and_schema_agree(crawler_and_pipeline, schema_validator, change, reason) -> None:
    _, pipeline = crawler_and_pipeline
    record = {**VALID, **change}
    assert pipeline.problem(dict(record)) == reason
    errors = list(schema_validator.iter_errors(record))
    assert bool(errors) == (reason is not None), [e.message for e in errors]


def test_article_item_validates_before_dedupe_sets_version(crawler_and_pipeline) -> None:
    crawler, pipeline = crawler_and_pipeline
    item = Article(**{k: v for k, v in VALID.items() if k != "version"})
    assert pipeline.process_item(item) is item
    assert crawler.stats.get_stats() == {}


def test_invalid_item_dropped_with_reason_counted(crawler_and_pipeline) -> None:
    crawler, pipeline = crawler_and_pipeline
    item = Article(**{**VALID, "headline": None})
    with pytest.raises(DropItem, match=r"invalid item https://polish\.cri\.cn/\S+: missing_head"):
        pipeline.process_item(item)
    with pytest.raises(DropItem, match="not_an_item"):
        pipeline.process_item("not an item")
    assert crawler.stats.get_stats() == {
        "validate/dropped/missing_headline": 1,
        "validate/dropped/not_an_item": 1,
    }


def test_dict_item_without_images_gets_the_default(crawler_and_pipeline, schema_validator) -> None:
    _, pipeline = crawler_and_pipeline
    record = {k: v for k, v in VALID.items() if k != "images"}
    pipeline.process_item(record)
    assert record["images"] == []
    assert asdict(Article(**record))["images"] == []
