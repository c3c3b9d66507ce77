"""The archive (dedupe, versions, crash safety) on real crawls of the replica by the cri spider."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.replica import ReplicaServer
from tests.support.archive import check_versions, check_warc, latest, read_archive
from tests.support.crawling import FAST, scrapy_crawl
from tests.support.kill import KillTarget, kill_and_check

KILLS = 30


# Every stored article counts as recent: fetched again each run, so dedupe judges it. (With the
# default window, articles of the replica are too old to be fetched again at all: test_run.py.)
RECHECK_ALL = {"CRAWLER_RECHECK_HOURS": "1000000", "CRAWLER_MONITOR_MAX_PAGES": "1"}


def test_second_run_writes_nothing_and_an_edit_becomes_version_2(make_replica, tmp_path: Path) -> None:
    server: ReplicaServer = make_replica()
    expected = server.site.expected(reach="monitor")
    first = scrapy_crawl(tmp_path, server.base_url, settings=RECHECK_ALL)
    assert first.returncode == 0, first.log[-3000:]
    assert first.stats["dedupe/new"] == len(expected) == first.stats["store/items"]

    second = scrapy_crawl(tmp_path, server.base_url, settings=RECHECK_ALL)
    assert second.returncode == 0, second.log[-3000:]
    assert second.items == []
    assert "store/items" not in second.stats
    assert second.stats["dedupe/unchanged"] == len(expected)

    edited = expected[len(expected) // 2]["id"]
    article = server.site.article(edited)
    server.site.edit(edited, paragraphs=[*article.paragraphs, "Aktualizacja: dodano nowy akapit."])
    third = scrapy_crawl(tmp_path, server.base_url, settings=RECHECK_ALL)
    assert third.returncode == 0, third.log[-3000:]
    assert [(i["id"], i["version"]) for i in third.items] == [(edited, 2)]
    assert third.items[0]["body"].endswith("Aktualizacja: dodano nowy akapit.")
    assert third.items[0]["modified"]

    records = read_archive(first.data_dir)
    check_versions(records)
    assert {i: (r["headline"], r["body"]) for i, r in latest(records).items()} == {
        e["id"]: (e["headline"], e["body"]) for e in server.site.expected(reach="monitor")
    }


def replica_target(server: ReplicaServer, tmp_path: Path) -> KillTarget:
    """Monitoring crawls of the replica; every revision edits a quarter of its articles.
    Without the browser: a SIGKILLed crawl must not leave Chromium behind in a test."""
    site = server.site
    shells = {a["id"] for a in site.expected(reach="monitor") if site.article(a["id"]).variant == "shell"}
    ids = sorted(a["id"] for a in site.expected(reach="monitor") if a["id"] not in shells)
    snapshots: dict[int, dict[str, tuple[str, str]]] = {}

    def revise(n: int) -> None:
        for article_id in ids[n % 4 :: 4] if n else ():
            article = site.article(article_id)
            site.edit(article_id, paragraphs=[*article.paragraphs[:-1], f"Akapit w wersji {n}."])
        snapshots[n] = {
            e["id"]: (e["headline"], e["body"]) for e in site.expected(reach="monitor") if e["id"] in ids
        }

    data_dir = tmp_path / "data"
    settings = {**FAST, **RECHECK_ALL, "CRAWLER_DATA_DIR": str(data_dir), "CRAWLER_BROWSER": "False",
                "CRAWLER_BATCH_ITEMS": "3", "CRAWLER_BATCH_SECONDS": "0.05"}
    command = [sys.executable, "-m", "scrapy", "crawl", "cri", "-a", f"base_url={server.base_url}"]
    for key, value in settings.items():
        command += ["-s", f"{key}={value}"]
    return KillTarget(command, data_dir, revise, lambda n: snapshots[n])


def test_sigkill_loop_on_the_replica_loses_and_duplicates_nothing(make_replica, tmp_path: Path) -> None:
    server: ReplicaServer = make_replica()
    target = replica_target(server, tmp_path)
    kill_and_check(target, KILLS, tmp_path, min_writing=KILLS // 4)
    # The WARC archive went through the same kills: every record whole, every item's found.
    records = check_warc(target.data_dir)
    assert {r["type"] for r in records.values()} >= {"request", "response", "revisit"}
