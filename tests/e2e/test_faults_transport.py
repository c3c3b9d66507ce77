"""Transport faults on the replica (tests/replica/faults.py): a server that never answers, a
stalled body, a reset, a short body, a chunked body without its end. Each: bounded retries, one
ERROR line, the run goes on, nothing half-received becomes an item, and the next normal run
gets the article ("nothing lost": each article exactly once in the archive, every line parses).
"""

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
    "E1-114938": "/501/2013/02/24/101s114938.htm",
    "E2-744781": "/wisla_i_langcy/4206/20220324/744781.html",
}
FAULTED = "E1-114938"
RETRY_TIMES = 2
# Small timeouts: the replica answers in milliseconds, a stall is known within a second.
FAST = {"DOWNLOAD_TIMEOUT": "1", "RETRY_TIMES": str(RETRY_TIMES)}


def crawl(tmp: Path, server: ReplicaServer) -> CrawlResult:
    urls = ",".join(f"http://polish.cri.cn{path}" for path in ARTICLES.values())
    result = scrapy_crawl(tmp, server.base_url, {"urls": urls}, FAST, timeout=120)
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats["finish_reason"] == "finished"
    return result


def error_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if " ERROR: " in line]


def assert_nothing_lost(data_dir: Path) -> None:
    records = read_archive(data_dir)
    check_versions(records)
    assert Counter(r["id"] for r in records) == Counter(set(ARTICLES))


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(faults.stall(), id="never_answers"),
        pytest.param(faults.headers_then_stall(), id="headers_then_stalled_body"),
        pytest.param(faults.reset_mid_body(), id="reset_mid_body"),
        pytest.param(faults.short_content_length(), id="content_length_over_body"),
        pytest.param(faults.chunked_without_end(), id="chunked_without_last_chunk"),
    ],
)
def test_transport_fault_is_retried_then_given_up_and_fetched_next_run(
    make_replica: Callable[..., ReplicaServer], tmp_path: Path, fault: faults.Fault
) -> None:
    server = make_replica()
    path = ARTICLES[FAULTED]
    override = server.overrides.add(path, fault)

    first = crawl(tmp_path / "faulted", server)

    # Bounded retries: the first try and RETRY_TIMES more, then given up with one ERROR line.
    assert server.requests.count(path=path) == 1 + RETRY_TIMES
    errors = error_lines(first.log)
    assert len(errors) == 1 and path in errors[0], errors
    assert first.stats.get("retry/max_reached") == 1
    assert first.stats.get("cri/skipped/fetch_failed") == 1
    # The run went on; the faulted article was never parsed, so not recorded.
    assert sorted(i["id"] for i in first.items) == sorted(set(ARTICLES) - {FAULTED})
    assert first.stats.get("cri/pages/articles_parsed") == len(ARTICLES) - 1

    override.remove()
    second = crawl(tmp_path / "faulted", server)  # same data directory: the follow-up run
    assert [i["id"] for i in second.items] == [FAULTED]
    assert_nothing_lost(second.data_dir)
