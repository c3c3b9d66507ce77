"""`cri-crawler reextract` on crawls of the replica: with the replica stopped and every socket
of the process refused, the archive's WARC files alone give the crawl's items again; an
unchanged archive gains nothing; a changed selector gives exactly the articles it reads a new
version; selections (`--ids`, `--since`, `--until`) and progress lines."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.replica import ReplicaServer
from tests.support.archive import check_versions, check_warc, latest, read_archive, schema_errors
from tests.support.crawling import scrapy_crawl
from tests.support.paths import ROOT
from tests.support.replay import cri_replay, run_reports

# What a replay of the same answers may change: the run that made the item, and when the
# answer was fetched, to the second (the crawl takes the time it parsed the answer, the replay
# the record's WARC-Date, written a moment before); the record named is that source's latest.
PROVENANCE = {"run", "fetched_at", "warc_record_id"}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """Two archives of one replica, crawled with the WARC on and the browser on, after which
    the replica is stopped: `listings` (discovery: the API's listings, their cards and
    sections, E4 and migrated E3 articles) and `urls` (every era's articles by URL, in their
    alias forms: E1 pages n, E2 gateways, E3 on the platform, shells)."""
    root = tmp_path_factory.mktemp("reextract")
    server = ReplicaServer(articles=60, seed=14).start()
    try:
        url_file = root / "urls.txt"
        url_file.write_text("\n".join(server.site.urls()) + "\n", encoding="utf-8")
        dirs = {}
        for name, args in (("listings", {"since": "2004-01-01"}), ("urls", {"url_file": str(url_file)})):
            crawl = scrapy_crawl(root / name, server.base_url, spider_args=args)
            assert crawl.returncode == 0, crawl.log[-3000:]
            assert crawl.stats.get("warc/records"), "the crawl kept no WARC record"
            dirs[name] = crawl.data_dir
    finally:
        server.stop()
    yield dirs


def fresh_copy(data_dir: Path, target: Path, whole: bool = False) -> Path:
    """A data directory holding only the crawl's WARC archive (or everything, `whole`)."""
    if whole:
        shutil.copytree(data_dir, target)
    else:
        target.mkdir(parents=True)
        shutil.copytree(data_dir / "warc", target / "warc")
    return target


def without(item: dict[str, Any], names: set[str]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in names}


@pytest.mark.parametrize("source", ["listings", "urls"])
def test_the_warc_alone_gives_the_crawls_items_again_without_a_connection(
    crawled: dict[str, Path], tmp_path: Path, source: str
) -> None:
    crawl_dir = crawled[source]
    crawl_items = latest(read_archive(crawl_dir))
    target = fresh_copy(crawl_dir, tmp_path / "data")

    done = cri_replay("reextract", target)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.connections == []  # the replica is down, and no socket was even tried

    items = read_archive(target)
    check_versions(items)
    assert schema_errors(items) == []
    again = {item["id"]: item for item in items}
    assert again.keys() == crawl_items.keys()
    for article_id, item in again.items():
        before = crawl_items[article_id]
        assert without(item, PROVENANCE) == without(before, PROVENANCE), article_id
        seconds = abs(_time(item["fetched_at"]) - _time(before["fetched_at"]))
        assert seconds <= 2, (article_id, item["fetched_at"], before["fetched_at"])
    report = run_reports(target)[-1]
    assert {item["run"] for item in items} == {report["run"]}
    assert report["mode"] == "reextract"
    assert report["requests"] == 0
    assert report["replay"]["articles"] == len(crawl_items) == report["articles"]["new"]
    assert f"{len(crawl_items):,} new" in done.stdout

    # Every record an item names is a record of the archive, read with warcio's
    # ArchiveIterator, and holds the payload the item says it was read from.
    records = check_warc(target)
    later_pages = {r["uri"].rsplit("/", 1)[-1].replace("_2.htm", ".htm") for r in records.values()
                   if r["uri"] and r["uri"].endswith("_2.htm")}
    for item in items:
        record = records[item["warc_record_id"]]
        payload = records[record["refers_to"]]["body"] if record["type"] == "revisit" else record["body"]
        if item["url"].rsplit("/", 1)[-1] not in later_pages:  # multi-page: a digest of digests
            assert hashlib.sha256(payload).hexdigest() == item["content_sha256"], item["id"]


def _time(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text).timestamp()


def test_reextracting_an_unchanged_archive_writes_nothing(crawled: dict[str, Path], tmp_path: Path) -> None:
    target = fresh_copy(crawled["urls"], tmp_path / "data", whole=True)
    before = read_archive(target)

    done = cri_replay("reextract", target)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.connections == []
    assert read_archive(target) == before
    report = run_reports(target)[-1]
    assert report["mode"] == "reextract"
    assert report["articles"]["unchanged"] == len(latest(before))
    assert report["articles"]["new"] == report["articles"]["updated"] == 0
    assert report["replay"]["unchanged"] == len(latest(before))
    assert set(report["replay"]["by_era"]) == {item["era"] for item in before}
    assert report["verdict"] == "healthy", report["checks"]


def test_a_changed_selector_gives_exactly_the_articles_it_reads_a_new_version(
    crawled: dict[str, Path], tmp_path: Path
) -> None:
    target = fresh_copy(crawled["urls"], tmp_path / "data", whole=True)
    before = latest(read_archive(target))
    # A copy of the E3 parser whose headline selector reads the element's id, not its text.
    source = (ROOT / "crawler" / "parsers" / "e3.py").read_text(encoding="utf-8")
    assert '"#atitle::text"' in source
    copy = tmp_path / "e3_copy.py"
    copy.write_text(source.replace('"#atitle::text"', '"#atitle::attr(id)"'), encoding="utf-8")
    # The articles that selector reads: E3 pages parsed by the E3 parser that have #atitle.
    records = check_warc(target)

    def page(item: dict[str, Any]) -> bytes:
        record = records[item["warc_record_id"]]
        return records[record["refers_to"]]["body"] if record["type"] == "revisit" else record["body"]

    affected = {
        article_id for article_id, item in before.items()
        if item["parser"]["era"] == "E3" and b'id="atitle"' in page(item)
    }
    assert affected and len(affected) < len(before)

    done = cri_replay("reextract", target, parser_copy=("crawler.parsers.e3", copy))
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.connections == []
    after = read_archive(target)
    check_versions(after)
    changed = [item for item in after if item["version"] > 1]
    assert {item["id"] for item in changed} == affected
    for item in changed:
        assert item["headline"] == "atitle"
        assert item["run"] == run_reports(target)[-1]["run"]
        assert item["modified"]
        assert without(item, PROVENANCE | {"headline", "version", "modified"}) == without(
            before[item["id"]], PROVENANCE | {"headline", "version", "modified"})
    report = run_reports(target)[-1]
    assert report["replay"]["changed"] == len(affected)
    assert report["replay"]["by_era"]["E3"]["changed"] == len(affected)
    assert report["replay"]["unchanged"] == len(before) - len(affected)


def test_ids_since_and_until_select_articles(crawled: dict[str, Path], tmp_path: Path) -> None:
    items = sorted(latest(read_archive(crawled["urls"])).values(), key=lambda i: i["published"])
    chosen = [items[0]["id"], items[len(items) // 2]["url"]]  # an id, and an article URL
    ids = tmp_path / "ids.txt"
    ids.write_text(f"# two articles\n{chosen[0]}\n{chosen[1]}\nARTI_NOT_IN_THE_ARCHIVE\n", encoding="utf-8")
    target = fresh_copy(crawled["urls"], tmp_path / "ids")
    done = cri_replay("reextract", target, "--ids", str(ids))
    assert done.returncode == 0, done.stderr[-3000:]
    assert {item["id"] for item in read_archive(target)} == {items[0]["id"], items[len(items) // 2]["id"]}
    assert run_reports(target)[-1]["replay"]["ids_not_found"] == 1

    middle = items[len(items) // 2]["published"][:10]
    target = fresh_copy(crawled["urls"], tmp_path / "since")
    done = cri_replay("reextract", target, "--since", middle, "--until", items[-1]["published"][:10])
    assert done.returncode == 0, done.stderr[-3000:]
    expected = {item["id"] for item in items if item["published"][:10] >= middle}
    assert {item["id"] for item in read_archive(target)} == expected
    assert run_reports(target)[-1]["replay"]["out_of_range"] == len(items) - len(expected)


def test_plain_progress_lines_without_a_terminal(crawled: dict[str, Path], tmp_path: Path) -> None:
    target = fresh_copy(crawled["urls"], tmp_path / "data")
    done = cri_replay("reextract", target, CRAWLER_PROGRESS_MINUTES="0.0005")
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [line for line in done.stderr.splitlines() if "reextract: " in line and " articles (" in line]
    assert lines and "\r" not in done.stderr
    assert "articles/s" in lines[-1]


def test_the_network_guard_sees_a_connection(tmp_path: Path) -> None:
    """The guard of these tests is real: a crawl behind it is refused at its first socket."""
    data = tmp_path / "data"
    data.mkdir()
    done = cri_replay("run", data, "--base-url", "http://127.0.0.1:9", RETRY_TIMES="0")
    assert done.connections, done.stderr[-2000:]
