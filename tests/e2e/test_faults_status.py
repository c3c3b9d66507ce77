"""HTTP status faults on listed articles (monitoring runs on the replica): a 500 is retried,
given up and fetched again by the next run; a 404/410 is recorded in the archive state (`gone`)
so that the listing that keeps it does not send the crawler into it every run; the others are
written, each exactly once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.replica import ReplicaServer
from tests.replica.listings import NOT_FOUND_HTML
from tests.replica.probe import article_key
from tests.replica.server import Request, Response
from tests.support.archive import check_versions, read_archive
from tests.support.crawling import CrawlResult, scrapy_crawl

GONE = "ARTI1794104995756244"
BROKEN = "ARTI1794283195192808"
SETTINGS = {"CRAWLER_MONITOR_MAX_PAGES": "1", "CRAWLER_BROWSER": "False", "RETRY_TIMES": "2"}


def about(article_id: str) -> Callable[[Request], bool]:
    """Matches the article's API request and its page requests, in any alias form."""
    def match(request: Request) -> bool:
        url = request.api_id or f"https://polish.cri.cn{request.path}"
        return article_key(url) == article_id

    return match


def hits(server: ReplicaServer, article_id: str) -> int:
    return sum(
        1 for r in server.requests
        if article_key(r.body_id or f"https://polish.cri.cn{r.path.split('?')[0]}") == article_id
    )


def crawl(tmp: Path, server: ReplicaServer) -> CrawlResult:
    result = scrapy_crawl(tmp, server.base_url, settings=SETTINGS, timeout=120)
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats["finish_reason"] == "finished"
    return result


@pytest.mark.parametrize("status", [404, 410])
def test_gone_is_recorded_and_5xx_is_fetched_next_run(
    make_replica: Callable[..., ReplicaServer], tmp_path: Path, status: int
) -> None:
    server = make_replica()
    gone = server.overrides.add(about(GONE), Response.html(NOT_FOUND_HTML, status))
    broken = server.overrides.fail(about(BROKEN), 500)

    first = crawl(tmp_path, server)
    ids = {i["id"] for i in first.items}
    assert GONE not in ids and BROKEN not in ids and len(ids) > 5  # the others are written
    assert first.stats.get(f"cri/gone/{status}") == 1
    assert "cri/gone/500" not in first.stats
    # The page of the broken article: tried 1 + RETRY_TIMES; its API request once (no retries).
    assert hits(server, BROKEN) == 1 + 1 + 2
    assert first.stats.get("retry/max_reached") == 1

    # The follow-up run, everything answering again except the gone article.
    broken.remove()
    server.requests.clear()
    second = crawl(tmp_path, server)
    assert BROKEN in {i["id"] for i in second.items}
    assert hits(server, GONE) == 0, "a gone article was asked again"
    assert second.stats.get("cri/skipped/gone") == 1
    records = read_archive(second.data_dir)
    check_versions(records)
    assert Counter(r["id"] for r in records) == Counter(ids | {BROKEN})
    gone.remove()


def test_gone_table_is_bounded_and_expires(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import crawler.archive.state as state_module
    from crawler.archive import ArchiveState

    monkeypatch.setattr(state_module, "GONE_MAX", 3)
    state = ArchiveState()
    state.open(tmp_path / "state.sqlite3")
    try:
        for n in range(5):
            state.mark_gone(f"ARTI{n}", 404)
        assert [state.is_gone(f"ARTI{n}", 30) for n in range(5)] == [False, False, True, True, True]
        assert not state.is_gone("ARTI4", 0)  # recheck window over: asked again
    finally:
        state.close()
