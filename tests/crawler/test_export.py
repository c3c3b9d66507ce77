"""`cri-crawler export` on a generated archive of three day files (tests/support/export.py):
what `datasets`, pyarrow and pandas read from it, determinism, incremental rewrites, the date
bounds, and bad input (one line, exit 2, the archive untouched)."""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest

from crawler.archive import encode_line
from crawler.editions import EDITIONS
from crawler.export.profiles import PROFILES
from tests.support.export import DAYS, e2, e4, export, snapshot, write_archive


@pytest.fixture()
def archive(tmp_path: Path) -> Path:
    data_dir = tmp_path / "data"
    write_archive(data_dir)
    return data_dir


def records() -> list[dict[str, Any]]:
    return [r for day in DAYS.values() for r in day]


def latest(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    best: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["id"] not in best or r["version"] > best[r["id"]]["version"]:
            best[r["id"]] = r
    return best


def parquet_rows(folder: Path) -> list[dict[str, Any]]:
    return [
        row for path in sorted(folder.glob("*.parquet")) for row in pq.read_table(path).to_pylist()
    ]


def test_datasets_loads_current_and_history_with_the_archive_values(
    archive: Path, tmp_path: Path
) -> None:
    import datasets

    datasets.disable_progress_bars()
    out = tmp_path / "out"
    ran = export("--data-dir", str(archive), "--out", str(out))
    assert ran.code == 0, ran.err
    assert ran.err == ""
    current = datasets.load_dataset(
        str(out), "current", split="train", cache_dir=str(tmp_path / "hf")
    )
    history = datasets.load_dataset(
        str(out), "history", split="train", cache_dir=str(tmp_path / "hf")
    )
    expected = latest(records())
    assert len(current) == len(expected) == len(set(current["id"]))
    by_id = {row["id"]: row for row in current}
    for article_id, record in expected.items():
        row = by_id[article_id]
        assert row["published"] == record["published"]  # the offset kept, as a string
        assert row["published_utc"] == datetime.fromisoformat(record["published"]).astimezone(
            timezone.utc
        )
        assert (row["version"], row["headline"], row["body"]) == (
            record["version"],
            record["headline"],
            record["body"],
        )
        assert row["images"] == record["images"] and row["modified"] == record["modified"]
        assert row["parser"] == record.get("parser")
    assert len(history) == sum(len(day) for day in DAYS.values())
    assert Counter(zip(history["id"], history["version"])) == Counter(
        (r["id"], r["version"]) for r in records()
    )
    assert history.features["parser"]["version"].dtype == "int32"


def test_every_file_has_the_declared_schema_even_for_columns_all_null(
    archive: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert export("--data-dir", str(archive), "--out", str(out)).code == 0
    declared = PROFILES["cri"].schema
    files = sorted(out.glob("*/*.parquet"))
    assert [f.relative_to(out).as_posix() for f in files] == [
        f"{config}/{year}.parquet"
        for config in ("current", "history")
        for year in (2020, 2021, 2022, 2025)
    ]
    for path in files:
        schema = pq.read_schema(path)
        assert schema.equals(declared, check_metadata=False), path
        assert str(schema.field("images").type) == "list<element: string>"
    # 2020's rows are old E2 lines: every optional column and the provenance are null there.
    old = pq.read_table(out / "history" / "2020.parquet")
    for column in ("video", "author", "modified", "summary", "parser", "run", "warc_record_id"):
        assert old.column(column).null_count == old.num_rows, column
    metadata = pq.ParquetFile(out / "history" / "2025.parquet").metadata
    assert metadata.created_by.startswith("parquet-cpp-arrow version ")
    assert set(metadata.metadata) == {b"ARROW:schema"}  # no time, nothing that varies
    assert metadata.row_group(0).column(0).compression == "ZSTD"


def test_rows_are_in_publication_order_and_years_are_beijing_years(
    archive: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert export("--data-dir", str(archive), "--out", str(out)).code == 0
    rows = parquet_rows(out / "history")
    keys = [(r["published_utc"], r["id"], r["version"]) for r in rows]
    assert keys == sorted(keys)
    # 2021-01-01T00:30+08:00 is 2020 in UTC, and a 2021 article in Beijing.
    in_2021 = pq.read_table(out / "current" / "2021.parquet").column("id").to_pylist()
    assert e2(3, "2021-01-01T00:30:00+08:00")["id"] in in_2021


def test_the_same_archive_gives_the_same_bytes_and_a_second_export_touches_nothing(
    archive: Path, tmp_path: Path
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert export("--data-dir", str(archive), "--out", str(first)).code == 0
    assert export("--data-dir", str(archive), "--out", str(second)).code == 0
    assert {k: v[2] for k, v in snapshot(first).items()} == {
        k: v[2] for k, v in snapshot(second).items()
    }
    before = snapshot(first)
    again = export("--data-dir", str(archive), "--out", str(first))
    assert again.code == 0
    assert "0 files written, 8 unchanged, 0 removed; card unchanged" in again.out
    assert snapshot(first) == before  # same inodes, times and bytes


def test_a_changed_archive_rewrites_only_the_partitions_whose_rows_changed(
    archive: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert export("--data-dir", str(archive), "--out", str(out)).code == 0
    before = snapshot(out)
    # A new day: version 2 of a 2022 article.
    write_archive(
        archive,
        {
            "2026-01-04": [
                e2(5, "2022-03-15T08:00:00+08:00", version=2, modified="2026-01-04T09:00:00+00:00")
            ]
        },
    )
    ran = export("--data-dir", str(archive), "--out", str(out))
    assert ran.code == 0, ran.err
    after = snapshot(out)
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {"current/2022.parquet", "history/2022.parquet", "README.md", "manifest.json"}
    assert "2 files written, 6 unchanged, 0 removed; card written" in ran.out
    # A narrower export into the same folder removes the years it no longer has.
    ran = export("--data-dir", str(archive), "--out", str(out), "--since", "2022-01-01")
    assert ran.code == 0, ran.err
    assert sorted(p.relative_to(out).as_posix() for p in out.glob("*/*")) == [
        "current/2022.parquet",
        "current/2025.parquet",
        "history/2022.parquet",
        "history/2025.parquet",
    ]
    assert "4 removed" in ran.out


@pytest.mark.parametrize(
    ("since", "until", "ids"),
    [
        # 2024-07-03 in Beijing runs from 2024-07-02T16:00Z to 2024-07-03T15:59:59Z.
        ("2024-07-03", "2024-07-03", {2, 3}),
        ("2024-07-03", None, {2, 3, 4}),
        (None, "2024-07-03", {1, 2, 3}),
        ("2024-07-02", "2024-07-02", {1}),
        ("2024-07-04", "2024-07-04", {4}),
    ],
)
def test_since_and_until_are_inclusive_beijing_days(
    tmp_path: Path, since: str | None, until: str | None, ids: set[int]
) -> None:
    data_dir = tmp_path / "data"
    write_archive(
        data_dir,
        {
            "2026-01-01": [
                e4(1, "2024-07-02T23:59:59+08:00"),
                e4(2, "2024-07-03T00:00:00+08:00"),  # 2024-07-02 in UTC
                e4(3, "2024-07-03T23:59:59+08:00"),
                e4(4, "2024-07-04T00:00:00+08:00"),  # 2024-07-03 in UTC
            ]
        },
    )
    bounds = [*(["--since", since] if since else []), *(["--until", until] if until else [])]
    out = tmp_path / "out"
    assert export("--data-dir", str(data_dir), "--out", str(out), *bounds).code == 0
    got = {row["id"] for row in parquet_rows(out / "current")}
    assert got == {e4(n, "2024-07-03T00:00:00+08:00")["id"] for n in ids}


def test_current_is_the_latest_version_even_when_a_date_bound_cuts_it_off(tmp_path: Path) -> None:
    # Version 2 moved the article to another day: --until before it exports no stale version 1.
    data_dir = tmp_path / "data"
    write_archive(
        data_dir,
        {
            "2026-01-01": [
                e4(1, "2024-07-01T10:00:00+08:00"),
                e4(1, "2024-07-05T10:00:00+08:00", version=2),
                e4(2, "2024-07-01T11:00:00+08:00"),
            ]
        },
    )
    out = tmp_path / "out"
    assert export("--data-dir", str(data_dir), "--out", str(out), "--until", "2024-07-02").code == 0
    assert [(r["id"][-1], r["version"]) for r in parquet_rows(out / "current")] == [("2", 1)]
    assert [(r["id"][-1], r["version"]) for r in parquet_rows(out / "history")] == [
        ("1", 1),
        ("2", 1),
    ]


def test_csv_round_trips_through_pandas(archive: Path, tmp_path: Path) -> None:
    parquet, csv = tmp_path / "parquet", tmp_path / "csv"
    assert export("--data-dir", str(archive), "--out", str(parquet)).code == 0
    assert export("--data-dir", str(archive), "--out", str(csv), "--format", "csv").code == 0
    for config in ("current", "history"):
        expected = parquet_rows(parquet / config)
        frames = [
            pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
            for path in sorted((csv / config).glob("*.csv"))
        ]
        got = [row for frame in frames for row in frame.to_dict("records")]
        assert len(got) == len(expected)
        for want, row in zip(expected, got):
            assert list(row) == list(want)
            decoded = {k: _from_csv(k, v) for k, v in row.items()}
            assert decoded == want


def _from_csv(name: str, value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if name in ("images", "parser"):
        return json.loads(value)
    if name == "version":
        return int(value)
    if name == "published_utc":
        return datetime.fromisoformat(value)
    return value


def test_json_lines_hold_the_same_rows(archive: Path, tmp_path: Path) -> None:
    parquet, jsonl = tmp_path / "parquet", tmp_path / "jsonl"
    assert export("--data-dir", str(archive), "--out", str(parquet)).code == 0
    assert export("--data-dir", str(archive), "--out", str(jsonl), "--format", "jsonl").code == 0
    expected = parquet_rows(parquet / "history")
    got = [
        json.loads(line)
        for path in sorted((jsonl / "history").glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    for row in expected:
        row["published_utc"] = row["published_utc"].strftime("%Y-%m-%dT%H:%M:%SZ")
    assert got == expected


def test_edition_selects_the_articles_of_one_edition(archive: Path, tmp_path: Path) -> None:
    ran = export(
        "--data-dir", str(archive), "--out", str(tmp_path / "eo"), "--edition", "esperanto"
    )
    assert (ran.code, ran.err) == (
        2,
        f"cri-crawler: error: nothing to export: no article in {archive} of edition esperanto\n",
    )
    ran = export("--data-dir", str(archive), "--out", str(tmp_path / "pl"), "--edition", "polish")
    assert ran.code == 0 and "10 articles (current), 13 versions (history)" in ran.out


# -- bad input: one line, exit 2 (or the cut line skipped and counted), the archive untouched ---


def test_a_cut_last_line_is_skipped_and_counted(archive: Path, tmp_path: Path) -> None:
    day = archive / "articles" / "2026" / "2026-01-03.jsonl"
    whole = encode_line(e4(9, "2025-05-05T05:05:05+08:00"))
    with day.open("ab") as stream:
        stream.write(whole[: len(whole) // 2])  # a killed run's last line
    before = snapshot(archive)
    ran = export("--data-dir", str(archive), "--out", str(tmp_path / "out"))
    assert ran.code == 0
    assert ran.err == (
        "cri-crawler: warning: skipped 1 cut line (first: "
        f"articles/2026/2026-01-03.jsonl at byte {len(day.read_bytes()) - len(whole) // 2})\n"
    )
    assert "10 articles (current), 13 versions (history)" in ran.out
    assert snapshot(archive) == before


def test_damaged_invalid_and_duplicate_lines_are_skipped_and_counted(
    archive: Path, tmp_path: Path
) -> None:
    day = archive / "articles" / "2026" / "2026-01-03.jsonl"
    with day.open("ab") as stream:
        stream.write(b"not json\n")
        stream.write(encode_line(e4(8, "2025-05-05T05:05:05+08:00", url="https://example.com/x")))
        stream.write(encode_line(e4(1, "2025-01-07T19:56:10+08:00")))  # version 1 again
    ran = export("--data-dir", str(archive), "--out", str(tmp_path / "out"))
    assert ran.code == 0
    assert [line.split(" (first")[0] for line in ran.err.splitlines()] == [
        "cri-crawler: warning: skipped 1 damaged line",
        "cri-crawler: warning: skipped 1 invalid record",
        "cri-crawler: warning: skipped 1 duplicate version",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--profile", "fundus"],
            "argument --profile: invalid choice: 'fundus' (choose from 'cri', "
            "'cc-news', 'news-please')",
        ),
        (
            ["--format", "xlsx"],
            "argument --format: invalid choice: 'xlsx' (choose from 'parquet', 'jsonl', 'csv')",
        ),
        (
            ["--since", "2025-02-01", "--until", "2025-01-31"],
            "--until 2025-01-31 is before --since 2025-02-01",
        ),
        (["--since", "1.2.2025"], "--since must be a day as YYYY-MM-DD, got '1.2.2025'"),
        (["--until", "2025-02-30"], "--until must be a day as YYYY-MM-DD, got '2025-02-30'"),
        (["--edition", "klingon"],
         f"unknown edition 'klingon'; known: {', '.join(sorted(EDITIONS))}"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(
    archive: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    before = snapshot(archive)
    out = tmp_path / "out"
    ran = export("--data-dir", str(archive), "--out", str(out), *args)
    assert (ran.code, ran.err, ran.out) == (2, f"cri-crawler: error: {message}\n", "")
    assert not out.exists()
    assert snapshot(archive) == before


def test_out_inside_the_archive_is_refused(archive: Path) -> None:
    before = snapshot(archive)
    for out in (archive, archive / "export", archive / "articles" / "x"):
        ran = export("--data-dir", str(archive), "--out", str(out))
        assert (ran.code, ran.err) == (
            2,
            f"cri-crawler: error: --out {out} is inside the data "
            f"directory {archive}: an export never writes there\n",
        )
    assert snapshot(archive) == before
    assert not (archive / "export").exists()


def test_unwritable_out_is_one_line(archive: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    ran = export("--data-dir", str(archive), "--out", str(blocker / "out"))
    assert (ran.code, ran.err) == (
        2,
        f"cri-crawler: error: cannot write to --out {blocker / 'out'}: {blocker} is not a "
        "directory\n",
    )
    # Where even root cannot create a folder: found when it is made, still one line.
    ran = export("--data-dir", str(archive), "--out", "/proc/cri-export-test")
    assert (ran.code, ran.err) == (
        2,
        "cri-crawler: error: cannot write to --out /proc/cri-export-test: No such file or "
        "directory\n",
    )
    ran = export("--data-dir", str(archive), "--out", str(blocker))
    assert (ran.code, ran.err) == (2, f"cri-crawler: error: --out {blocker} is not a directory\n")


def test_a_folder_with_other_files_is_never_written_over(archive: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "README.md").write_text("my own README")
    ran = export("--data-dir", str(archive), "--out", str(project))
    assert (ran.code, ran.err) == (
        2,
        f"cri-crawler: error: --out {project} is not empty and holds no "
        "export (manifest.json missing): give a new or empty "
        "directory, or an earlier export's\n",
    )
    assert [p.name for p in project.iterdir()] == ["README.md"]
    assert (project / "README.md").read_text() == "my own README"


def test_a_missing_data_directory_or_an_empty_archive_is_one_line(tmp_path: Path) -> None:
    ran = export("--data-dir", str(tmp_path / "none"), "--out", str(tmp_path / "out"))
    assert (ran.code, ran.err) == (
        2,
        f"cri-crawler: error: data directory {tmp_path / 'none'} does not exist\n",
    )
    (tmp_path / "empty").mkdir()
    ran = export("--data-dir", str(tmp_path / "empty"), "--out", str(tmp_path / "out"))
    assert (ran.code, ran.err) == (
        2,
        f"cri-crawler: error: nothing to export: no article in {tmp_path / 'empty'}\n",
    )


def test_an_export_cut_short_is_brought_up_to_date_by_the_next(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crawler.export import files

    out = tmp_path / "out"
    calls = {"n": 0}
    close = files.PartitionFile.close

    def killed_on_the_third(self: files.PartitionFile) -> files.Written:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # as a Ctrl-C mid-way
        return close(self)

    monkeypatch.setattr(files.PartitionFile, "close", killed_on_the_third)
    with pytest.raises(KeyboardInterrupt):
        export("--data-dir", str(archive), "--out", str(out))
    assert sorted(p.name for p in out.rglob("*")) == [
        "2020.parquet",
        "2021.parquet",
        "current",
        "manifest.json",
    ]
    monkeypatch.undo()
    ran = export("--data-dir", str(archive), "--out", str(out))
    assert ran.code == 0, ran.err
    assert not list(out.rglob("*.partial"))
    assert len(list(out.glob("*/*.parquet"))) == 8


def test_an_archive_rewritten_during_the_export_is_exit_1(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crawler.export import build

    scan = build.scan

    def scan_then_repair(*args: Any, **kwargs: Any) -> Any:
        found = scan(*args, **kwargs)
        day = archive / "articles" / "2026" / "2026-01-01.jsonl"
        day.write_bytes(day.read_bytes().split(b"\n", 1)[1])  # a record taken out
        return found

    monkeypatch.setattr(build, "scan", scan_then_repair)
    ran = export("--data-dir", str(archive), "--out", str(tmp_path / "out"))
    assert ran.code == 1
    assert ran.err.startswith("cri-crawler: error: ") and ran.err.endswith(
        "changed during the export (at byte 0); run it again\n"
    )
    assert not list((tmp_path / "out").rglob("*.partial"))
