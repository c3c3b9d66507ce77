"""The profiles of `cri-crawler export`: each one's columns and types against a table written
here, and the values a record becomes in each."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from crawler.export import PROFILE_NAMES
from crawler.export.profiles import BEIJING, PROFILES, Source
from crawler.items import Article
from tests.support.export import e2, e4, export, write_archive

S, TS, I32 = "string", "timestamp[us, tz=UTC]", "int32"
LIST = "list<element: string>"
PARSER = "struct<era: string, version: int32, selector: string>"

COLUMNS = {
    "cri": [
        ("id", S),
        ("url", S),
        ("era", S),
        ("headline", S),
        ("published", S),
        ("published_utc", TS),
        ("published_source", S),
        ("modified", S),
        ("body", S),
        ("author", S),
        ("edition", S),
        ("language", S),
        ("section", S),
        ("summary", S),
        ("images", LIST),
        ("video", S),
        ("extraction", S),
        ("fetched_at", S),
        ("run", S),
        ("crawler_version", S),
        ("parser", PARSER),
        ("content_sha256", S),
        ("warc_record_id", S),
        ("version", I32),
    ],
    # Hugging Face's cc_news: seven strings.
    "cc-news": [
        ("title", S),
        ("text", S),
        ("domain", S),
        ("date", S),
        ("description", S),
        ("url", S),
        ("image_url", S),
    ],
    # news-please's JSON files (ExtractedInformationStorage.extract_relevant_info), its order.
    "news-please": [
        ("authors", LIST),
        ("date_download", S),
        ("date_modify", S),
        ("date_publish", S),
        ("description", S),
        ("filename", S),
        ("image_url", S),
        ("language", S),
        ("localpath", S),
        ("title", S),
        ("title_page", S),
        ("title_rss", S),
        ("source_domain", S),
        ("maintext", S),
        ("url", S),
    ],
}


def test_every_profile_is_in_the_table() -> None:
    assert tuple(PROFILES) == PROFILE_NAMES == tuple(COLUMNS)


@pytest.mark.parametrize("name", list(COLUMNS))
def test_profile_columns(name: str) -> None:
    schema = PROFILES[name].schema
    assert [(f.name, str(f.type)) for f in schema] == COLUMNS[name]


def test_the_cri_profile_has_every_article_field_and_published_utc() -> None:
    names = [name for name, _ in COLUMNS["cri"]]
    assert [n for n in names if n != "published_utc"] == [f.name for f in fields(Article)]


def source(record: dict) -> Source:
    when = datetime.fromisoformat(record["published"]).astimezone(timezone.utc)
    return Source(record, when, BEIJING)


RECORD = e4(
    1,
    "2024-07-03T19:56:10+08:00",
    modified="2024-07-04T01:00:00+00:00",
    fetched_at="2024-07-05T10:11:12+00:00",
)


def test_cc_news_values() -> None:
    row = dict(zip(PROFILES["cc-news"].names, PROFILES["cc-news"].row(source(RECORD))))
    assert row == {
        "title": RECORD["headline"],
        "text": RECORD["body"],
        "domain": "polish.cri.cn",
        "date": "2024-07-03 19:56:10",  # the outlet's Beijing time, as the page shows it
        "description": RECORD["summary"],
        "url": RECORD["url"],
        "image_url": RECORD["images"][0],
    }
    bare = dict(
        zip(
            PROFILES["cc-news"].names,
            PROFILES["cc-news"].row(source(e2(1, "2020-10-30T10:26:09+08:00"))),
        )
    )
    assert bare["description"] == bare["image_url"] == ""  # cc_news has "" where there is none


def test_news_please_values() -> None:
    row = dict(zip(PROFILES["news-please"].names, PROFILES["news-please"].row(source(RECORD))))
    assert row == {
        "authors": ["A. L."],
        "date_download": "2024-07-05 10:11:12",  # UTC, as news-please writes it
        "date_modify": "2024-07-04 09:00:00",  # Beijing time
        "date_publish": "2024-07-03 19:56:10",
        "description": RECORD["summary"],
        "filename": None,
        "image_url": RECORD["images"][0],
        "language": "pl",
        "localpath": None,
        "title": RECORD["headline"],
        "title_page": None,
        "title_rss": None,
        "source_domain": "polish.cri.cn",
        "maintext": RECORD["body"],
        "url": RECORD["url"],
    }
    bare = dict(
        zip(
            PROFILES["news-please"].names,
            PROFILES["news-please"].row(source(e2(1, "2020-10-30T10:26:09+08:00"))),
        )
    )
    assert (bare["authors"], bare["date_modify"], bare["image_url"]) == ([], None, None)


@pytest.mark.parametrize("name", ["cc-news", "news-please"])
@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_a_profile_export_has_its_columns(tmp_path: Path, name: str, fmt: str) -> None:
    data_dir = tmp_path / "data"
    write_archive(data_dir, {"2026-01-01": [RECORD, e2(1, "2020-10-30T10:26:09+08:00")]})
    out = tmp_path / "out"
    ran = export("--data-dir", str(data_dir), "--out", str(out), "--profile", name, "--format", fmt)
    assert ran.code == 0, ran.err
    for path in sorted(out.glob(f"*/*.{fmt}")):
        if fmt == "parquet":
            got = [(f.name, str(f.type)) for f in pq.read_schema(path)]
            assert got == COLUMNS[name], path
        else:
            header = path.read_text(encoding="utf-8").splitlines()[0]
            assert header == ",".join(n for n, _ in COLUMNS[name])
    card = (out / "README.md").read_text(encoding="utf-8")
    assert f"Profile `{name}`" in card


def test_cc_news_export_concatenates_with_cc_news_features(tmp_path: Path) -> None:
    # The point of the profile: `concatenate_datasets([cc_news, ours])` needs equal features.
    import datasets

    datasets.disable_progress_bars()
    data_dir = tmp_path / "data"
    write_archive(data_dir, {"2026-01-01": [RECORD, e2(1, "2020-10-30T10:26:09+08:00")]})
    out = tmp_path / "out"
    assert export("--data-dir", str(data_dir), "--out", str(out), "--profile", "cc-news").code == 0
    ours = datasets.load_dataset(str(out), "current", split="train", cache_dir=str(tmp_path / "hf"))
    cc_news = datasets.Features({n: datasets.Value("string") for n, _ in COLUMNS["cc-news"]})
    assert ours.features == cc_news
    both = datasets.concatenate_datasets(
        [ours, datasets.Dataset.from_list([dict.fromkeys(cc_news, "x")], features=cc_news)]
    )
    assert len(both) == 3
    assert pa.types.is_string(both.data.schema.field("date").type)
