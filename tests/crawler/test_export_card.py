"""The dataset card of an export: its YAML header as `datasets` and the Hub read it, and a body
made from the archive."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from crawler.export import FORMATS, PROFILE_NAMES
from crawler.export.card import dump_yaml, size_category
from crawler.export.files import file_schema
from crawler.export.profiles import PROFILES
from tests.support.export import export, write_archive


def card(out: Path) -> tuple[dict[str, Any], str]:
    text = (out / "README.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    header, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(header), body


@pytest.fixture()
def exported(tmp_path: Path) -> Path:
    data_dir = tmp_path / "data"
    write_archive(data_dir)
    out = tmp_path / "out"
    assert export("--data-dir", str(data_dir), "--out", str(out)).code == 0
    return out


def test_header_configs_and_sizes(exported: Path) -> None:
    header, _ = card(exported)
    assert header["language"] == ["pl"]
    assert header["license"] == "other"
    assert header["size_categories"] == ["n<1K"]
    assert header["configs"] == [
        {
            "config_name": "current",
            "default": True,
            "data_files": [{"split": "train", "path": "current/*.parquet"}],
        },
        {"config_name": "history", "data_files": [{"split": "train", "path": "history/*.parquet"}]},
    ]
    manifest = json.loads((exported / "manifest.json").read_text(encoding="utf-8"))
    for info in header["dataset_info"]:
        config = info["config_name"]
        files = [f for name, f in manifest["files"].items() if name.startswith(config + "/")]
        assert info["splits"] == [
            {
                "name": "train",
                "num_examples": sum(f["rows"] for f in files),
                "num_bytes": sum(f["arrow_bytes"] for f in files),
            }
        ]
        assert info["download_size"] == sum(f["bytes"] for f in files)
    assert [i["splits"][0]["num_examples"] for i in header["dataset_info"]] == [10, 13]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("profile", PROFILE_NAMES)
def test_features_are_what_datasets_writes_for_the_schema(
    tmp_path: Path, fmt: str, profile: str
) -> None:
    from datasets import Features

    data_dir = tmp_path / "data"
    write_archive(data_dir)
    out = tmp_path / "out"
    assert (
        export(
            "--data-dir", str(data_dir), "--out", str(out), "--format", fmt, "--profile", profile
        ).code
        == 0
    )
    header, _ = card(out)
    expected = Features.from_arrow_schema(file_schema(PROFILES[profile], fmt))._to_yaml_list()
    for info in header["dataset_info"]:
        assert info["features"] == expected
    assert header["configs"][0]["data_files"][0]["path"] == f"current/*.{fmt}"
    _, body = card(out)
    assert ("pyarrow's type inference" in body) is (fmt == "jsonl")


def test_body_is_made_from_the_archive(exported: Path) -> None:
    _, body = card(exported)
    assert "Polish service of China Radio International (CRI)" in body
    assert "https://polish.cri.cn/ (also served as polish.cgtn.com)" in body
    assert "Published from 2020-10-30T10:26:09+08:00 to 2025-12-31T23:30:00+08:00" in body
    # per year: latest versions by era, then all versions
    assert "| year | E2 | E4 | articles | versions |" in body
    assert "| 2021 | 2 | 0 | 2 | 3 |" in body
    assert "| 2025 | 0 | 5 | 5 | 7 |" in body
    assert "| **all** | 5 | 5 | **10** | **13** |" in body
    assert "| `api` | 5 | the platform's JSON API |" in body
    assert "| `published_utc` | `timestamp[us, tz=UTC]` |" in body
    assert "| `images` | `list<string>` | Image URLs, in page order, without repeats. |" in body
    assert 'load_dataset("path/to/this/folder", "current", split="train")' in body
    assert "they belong to China Radio International" in body


def test_body_names_the_selection(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    write_archive(data_dir)
    out = tmp_path / "out"
    assert (
        export(
            "--data-dir",
            str(data_dir),
            "--out",
            str(out),
            "--since",
            "2021-01-01",
            "--edition",
            "polish",
            "--profile",
            "news-please",
        ).code
        == 0
    )
    _, body = card(out)
    assert (
        "This export holds articles published from 2021-01-01 to the last (Beijing dates, "
        "both included) and edition `polish` only."
    ) in body
    assert (
        "| `date_publish` | `string` | `published` as `YYYY-MM-DD HH:MM:SS`, Beijing time" in body
    )


@pytest.mark.parametrize(
    ("rows", "category"),
    [
        (0, "n<1K"),
        (999, "n<1K"),
        (1000, "1K<n<10K"),
        (99_999, "10K<n<100K"),
        (100_000, "100K<n<1M"),
        (10_000_000, "n>10M"),
    ],
)
def test_size_category(rows: int, category: str) -> None:
    assert size_category(rows) == category


def test_yaml_writer_round_trips() -> None:
    value = {
        "plain": "string",
        "quoted": ["n<1K", "current/*.parquet", "yes", "timestamp[us, tz=UTC]", 'Zażółć: "x"'],
        "number": 3,
        "flag": True,
        "nested": [{"name": "a", "struct": [{"name": "b", "dtype": "int32"}]}, {"list": "string"}],
        "empty": [],
    }
    assert yaml.safe_load(dump_yaml(value)) == value
