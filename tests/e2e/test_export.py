"""`cri-crawler export` on the archive of real crawls of the replica: `datasets` loads the
export, one row per article in `current` with the archive's `published` string, every line of
the archive in `history`, the declared types in every file, and a second export identical."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

from crawler.export.profiles import PROFILES
from tests.replica import ReplicaServer
from tests.support.archive import latest, output_files, read_archive
from tests.support.crawling import scrapy_crawl
from tests.support.export import snapshot
from tests.support.paths import ROOT

# Every stored article counts as recent: the second crawl fetches it again and sees the edit.
RECHECK_ALL = {
    "CRAWLER_RECHECK_HOURS": "1000000",
    "CRAWLER_MONITOR_MAX_PAGES": "1",
    "CRAWLER_BROWSER": "False",
}


def split_into_days(data_dir: Path) -> list[Path]:
    """The crawls wrote one file (one UTC day); spread its lines over three days of writing as
    a week of runs would, the E4 lines apart (so `summary`, `video` and the like are null on
    every line of some files)."""
    [file] = output_files(data_dir)
    lines = file.read_bytes().splitlines(keepends=True)
    current = [line for line in lines if json.loads(line)["era"] == "E4"]
    older = [line for line in lines if json.loads(line)["era"] != "E4"]
    days = {
        "2026-01-01": older[: len(older) // 2],
        "2026-01-02": older[len(older) // 2 :],
        "2026-01-03": current,
    }
    file.unlink()
    paths = []
    for day, chunk in days.items():
        path = data_dir / "articles" / day[:4] / f"{day}.jsonl"
        path.write_bytes(b"".join(chunk))
        paths.append(path)
    return paths


def cli_export(data_dir: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crawler", "export", "--data-dir", str(data_dir), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_export_of_a_crawled_archive_loads_in_datasets(make_replica, tmp_path: Path) -> None:
    import datasets

    datasets.disable_progress_bars()
    server: ReplicaServer = make_replica(articles=30)
    first = scrapy_crawl(tmp_path / "crawl", server.base_url, {"since": "2004-01-01"}, RECHECK_ALL)
    assert first.returncode == 0, first.log[-3000:]
    edited = sorted(item["id"] for item in first.items)[0]
    article = server.site.article(edited)
    server.site.edit(edited, paragraphs=[*article.paragraphs, "Aktualizacja: nowy akapit."])
    second = scrapy_crawl(tmp_path / "crawl", server.base_url, settings=RECHECK_ALL)
    assert second.returncode == 0, second.log[-3000:]
    data_dir = first.data_dir
    split_into_days(data_dir)
    records = read_archive(data_dir)
    assert (edited, 2) in {(r["id"], r["version"]) for r in records}
    assert {r["era"] for r in records} == {"E3", "E4"}  # listings reach these; E1, E2 by URL only

    before = snapshot(data_dir)
    out = tmp_path / "export"
    done = cli_export(data_dir, out)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert snapshot(data_dir) == before

    cache = str(tmp_path / "hf")
    current = datasets.load_dataset(str(out), "current", split="train", cache_dir=cache)
    history = datasets.load_dataset(str(out), "history", split="train", cache_dir=cache)
    newest = latest(records)
    assert sorted(current["id"]) == sorted(newest)  # one row per id
    for row in current:
        record = newest[row["id"]]
        assert row["published"] == record["published"]
        assert (row["version"], row["headline"], row["body"]) == (
            record["version"],
            record["headline"],
            record["body"],
        )
    assert len(history) == len(records)

    declared = PROFILES["cri"].schema
    for path in sorted(out.glob("*/*.parquet")):
        assert pq.read_schema(path).equals(declared, check_metadata=False), path

    exported = snapshot(out)
    again = cli_export(data_dir, out)
    assert again.returncode == 0, again.stderr
    assert "0 files written" in again.stdout
    assert snapshot(out) == exported
