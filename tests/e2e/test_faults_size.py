"""Size faults: compression bombs, bodies over DOWNLOAD_MAXSIZE with and without a
Content-Length, compressed streams cut short. Each is cancelled at the size limit with bounded
memory (Scrapy's `memusage/max`, sampled every 20 ms), and a partial body never becomes an
item; a truncated stream is retried like a transport failure and fetched by the next run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.replica import ReplicaServer
from tests.replica import faults
from tests.support.archive import check_versions, read_archive
from tests.support.crawling import CrawlResult, scrapy_crawl

ARTICLES = {
    "E1-114710": "/501/2013/02/10/101s114710.htm",
    "E2-744781": "/wisla_i_langcy/4206/20220324/744781.html",
}
FAULTED = "E1-114710"
MAXSIZE = 1 << 20
SETTINGS = {
    "DOWNLOAD_MAXSIZE": str(MAXSIZE),
    "DOWNLOAD_WARNSIZE": str(MAXSIZE // 2),
    "DOWNLOAD_TIMEOUT": "5",
    "RETRY_TIMES": "2",
    "MEMUSAGE_ENABLED": "True",
    "MEMUSAGE_CHECK_INTERVAL_SECONDS": "0.02",
}
BOMB = 256 << 20  # inflated size: 256 times the limit
GROWTH_LIMIT = 120 << 20  # far below what holding a bomb would take


def crawl(tmp: Path, server: ReplicaServer) -> CrawlResult:
    urls = ",".join(f"http://polish.cri.cn{path}" for path in ARTICLES.values())
    result = scrapy_crawl(tmp, server.base_url, {"urls": urls}, SETTINGS, timeout=120)
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats["finish_reason"] == "finished"
    return result


def memory_growth(result: CrawlResult) -> int:
    return result.stats["memusage/max"] - result.stats["memusage/startup"]


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(faults.gzip_bomb(BOMB), id="gzip_bomb"),
        pytest.param(faults.deflate_bomb(BOMB), id="deflate_bomb"),
        pytest.param(faults.brotli_bomb(BOMB), id="brotli_bomb"),
        pytest.param(faults.oversize(8 * MAXSIZE, content_length=True), id="over_limit_with_length"),
        pytest.param(faults.oversize(8 * MAXSIZE, content_length=False), id="over_limit_without_length"),
    ],
)
def test_body_over_the_size_limit_is_cancelled_with_bounded_memory(
    make_replica: Callable[..., ReplicaServer], tmp_path: Path, fault: faults.Fault
) -> None:
    server = make_replica()
    server.overrides.add(ARTICLES[FAULTED], fault)
    result = crawl(tmp_path, server)
    assert [i["id"] for i in result.items] == ["E2-744781"]
    assert result.stats.get("cri/pages/articles_parsed") == 1  # never parsed
    assert result.stats.get("cri/skipped/fetch_failed") == 1
    assert "DOWNLOAD_MAXSIZE" in result.log or "maxsize" in result.log.lower()
    assert memory_growth(result) < GROWTH_LIMIT, memory_growth(result)


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_truncated_compressed_stream_is_retried_never_parsed(
    make_replica: Callable[..., ReplicaServer], tmp_path: Path, encoding: str
) -> None:
    server = make_replica()
    path = ARTICLES[FAULTED]
    override = server.overrides.add(path, faults.truncated_stream(encoding))
    first = crawl(tmp_path, server)
    assert server.requests.count(path=path) == 3
    assert first.stats.get("integrity/truncated_stream") == 3
    assert [i["id"] for i in first.items] == ["E2-744781"]
    assert first.stats.get("cri/pages/articles_parsed") == 1
    errors = [line for line in first.log.splitlines() if " ERROR: " in line]
    assert len(errors) == 1 and "truncated" in errors[0], errors

    override.remove()
    second = crawl(tmp_path, server)
    assert [i["id"] for i in second.items] == [FAULTED]
    records = read_archive(second.data_dir)
    check_versions(records)
    assert Counter(r["id"] for r in records) == Counter(set(ARTICLES))
