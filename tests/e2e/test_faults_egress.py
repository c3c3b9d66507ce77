"""Redirect faults and the egress allowlist (crawler/middlewares/egress.py): a redirect loop is
stopped; a redirect off the outlet's hosts (another host, loopback on another port, private and
link-local addresses, `[::1]`, `file:`, `data:`) is refused before any connection; the run goes
on. Proof that nothing was attempted: every request the downloader counted reached the replica,
and a trap server on another loopback port saw nothing. (The allowlist's rule, URL by URL:
tests/crawler/middlewares/test_egress.py.)"""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.replica import ReplicaServer
from tests.replica import faults
from tests.replica.server import Request, Response
from tests.support.crawling import CrawlResult, scrapy_crawl

ARTICLES = {
    "E1-114710": "/501/2013/02/10/101s114710.htm",
    "E2-744781": "/wisla_i_langcy/4206/20220324/744781.html",
}
FAULTED = "E1-114710"


def free_port() -> int:
    """A loopback port where nothing listens (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def crawl(tmp: Path, server: ReplicaServer) -> CrawlResult:
    urls = ",".join(f"http://polish.cri.cn{path}" for path in ARTICLES.values())
    result = scrapy_crawl(tmp, server.base_url, {"urls": urls}, {"DOWNLOAD_TIMEOUT": "2"}, timeout=120)
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats["finish_reason"] == "finished"
    return result


@pytest.fixture()
def trap(make_replica: Callable[..., ReplicaServer]) -> ReplicaServer:
    return make_replica()


@pytest.mark.parametrize(
    "location",
    [
        "TRAP/501/2013/02/10/101s114710.htm",  # the same page on another loopback port
        "http://127.0.0.1:FREE/",
        "http://example.com/501/2013/02/10/101s114710.htm",
        "http://10.255.255.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:FREE/",
    ],
)
def test_redirect_off_the_allowlist_is_refused_before_any_connection(
    make_replica: Callable[..., ReplicaServer], trap: ReplicaServer, tmp_path: Path, location: str
) -> None:
    server = make_replica()
    location = location.replace("TRAP", trap.base_url).replace("FREE", str(free_port()))
    server.overrides.add(ARTICLES[FAULTED], faults.redirect_to(location))

    result = crawl(tmp_path, server)

    assert result.stats.get("egress/refused/host") == 1
    assert "egress refused (host)" in result.log
    assert len(trap.requests) == 0
    # Every download the crawler made reached the replica: none went anywhere else.
    assert result.stats["downloader/request_count"] == len(server.requests)
    assert [i["id"] for i in result.items] == ["E2-744781"]
    assert result.stats.get("cri/skipped/fetch_failed") == 1


@pytest.mark.parametrize("location", ["file:///etc/passwd", "data:text/html,<p>Tekst</p>"])
def test_redirect_to_a_non_http_scheme_is_not_followed(
    make_replica: Callable[..., ReplicaServer], tmp_path: Path, location: str
) -> None:
    server = make_replica()
    server.overrides.add(ARTICLES[FAULTED], faults.redirect_to(location))
    result = crawl(tmp_path, server)
    # Scrapy's redirect middleware keeps the 302 (never a request for that URL); no item.
    assert result.stats["downloader/request_count"] == len(server.requests)
    assert [i["id"] for i in result.items] == ["E2-744781"]
    assert location not in str(result.items)


@pytest.mark.parametrize("endless", [False, True], ids=["loop", "endless_chain"])
def test_redirect_loop_is_stopped_and_the_run_goes_on(
    make_replica: Callable[..., ReplicaServer], tmp_path: Path, endless: bool
) -> None:
    server = make_replica()
    path = ARTICLES[FAULTED]

    def hop(request: Request) -> Response:
        n = int(request.query.get("hop", ["0"])[0])
        return Response.redirect(f"{path}?hop={n + 1 if endless else (n + 1) % 2}", 302)

    server.overrides.add(path, hop)
    result = crawl(tmp_path, server)
    if endless:  # a new URL each time: REDIRECT_MAX_TIMES (20) redirects, then given up
        assert server.requests.count(path=path) == 21
    else:  # back to a URL already requested: the duplicate filter ends it
        assert server.requests.count(path=path) == 3  # page, ?hop=1, ?hop=0, then ?hop=1 again
    assert [i["id"] for i in result.items] == ["E2-744781"]
    assert result.stats.get("cri/skipped/fetch_failed", 0) + result.stats.get(
        "dupefilter/filtered", 0) >= 1
