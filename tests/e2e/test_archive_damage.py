"""Damage to the archive, found at start-up, on real crawls of the replica: a line of a closed
file cut short (it runs into the next), with the state deleted or kept. Only the damaged
record goes to the quarantine, every valid record stays where it was, and the article whose
record it was is fetched again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.replica import ReplicaServer
from tests.support.archive import check_versions, latest, output_files, read_archive
from tests.support.crawling import scrapy_crawl

SETTINGS = {"CRAWLER_BROWSER": "False", "CRAWLER_MONITOR_MAX_PAGES": "1"}


@pytest.mark.parametrize("state", ["deleted", "kept"])
def test_a_cut_line_costs_one_record_which_is_fetched_again(make_replica, tmp_path: Path,
                                                             state: str) -> None:
    server: ReplicaServer = make_replica(articles=60)
    first = scrapy_crawl(tmp_path / "one", server.base_url, settings=SETTINGS)
    assert first.returncode == 0, first.log[-3000:]
    data = tmp_path / "one" / "data"
    (file,) = output_files(data)
    lines = file.read_bytes().splitlines(keepends=True)
    assert len(lines) > 20
    middle = len(lines) // 2
    victim = json.loads(lines[middle])["id"]
    cut = lines[middle][: len(lines[middle]) // 2]  # its second half and newline gone
    file.write_bytes(b"".join(lines[:middle]) + cut + b"".join(lines[middle + 1:]))
    if state == "deleted":
        (data / "state.sqlite3").unlink()

    second = scrapy_crawl(tmp_path / "one", server.base_url, settings=SETTINGS)
    assert second.returncode == 0, second.log[-3000:]
    assert second.stats["store/quarantined_lines"] == 1
    (moved,) = (data / "quarantine").iterdir()
    assert moved.read_bytes() == cut
    # Every other record stays, byte for byte and in order; the run's own line comes after.
    kept = b"".join(lines[:middle] + lines[middle + 1:])
    content = file.read_bytes()
    assert content.startswith(kept)
    assert [json.loads(line)["id"] for line in content[len(kept):].splitlines()] == [victim]
    # The damaged one's article is not known any more: fetched again, written again.
    assert [item["id"] for item in second.items] == [victim]
    records = read_archive(data)
    check_versions(records)
    assert set(latest(records)) == {json.loads(line)["id"] for line in lines}
