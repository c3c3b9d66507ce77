"""Pathological article pages: 10,000 nested elements, a 20 MB text node. Bounded time and
memory, and a clean skip with a reason (`cri/skipped/too_deep`, `cri/skipped/body_too_long`):
no spider exception, no item holding megabytes of filler."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.replica import ReplicaServer
from tests.replica.server import Request, Response
from tests.support.crawling import scrapy_crawl

PAGE = "/wisla_i_langcy/4206/20220324/744781.html"
OTHER = "/501/2013/02/10/101s114710.htm"


def deep(request: Request) -> Response:
    text = request.default().body.decode("utf-8")
    text = text.replace("<body>", "<body>" + "<div>" * 10_000, 1)
    text = text.replace("</body>", "</div>" * 10_000 + "</body>", 1)
    return Response(200, text.encode("utf-8"), "text/html; charset=utf-8")


def huge_text_node(request: Request) -> Response:
    head, sep, tail = request.default().body.decode("utf-8").partition("</h1>")
    tail = tail.replace("</p>", "x" * (20 << 20) + "</p>", 1)
    return Response(200, (head + sep + tail).encode("utf-8"), "text/html; charset=utf-8")


@pytest.mark.parametrize(
    ("fault", "reason"),
    [(deep, "too_deep"), (huge_text_node, "body_too_long")],
    ids=["10000_deep", "20MB_text_node"],
)
def test_pathological_page_is_skipped_cleanly_in_bounded_time(
    make_replica: Callable[..., ReplicaServer], tmp_path: Path,
    fault: Callable[[Request], Response], reason: str,
) -> None:
    server = make_replica()
    server.overrides.add(PAGE, fault)
    urls = f"http://polish.cri.cn{PAGE},http://polish.cri.cn{OTHER}"
    started = time.monotonic()
    result = scrapy_crawl(tmp_path, server.base_url, {"urls": urls},
                          {"CRAWLER_BROWSER": "False", "DOWNLOAD_MAXSIZE": str(32 << 20),
                           "MEMUSAGE_ENABLED": "True", "MEMUSAGE_CHECK_INTERVAL_SECONDS": "0.05"},
                          timeout=120)
    assert time.monotonic() - started < 60
    assert result.returncode == 0, result.log[-3000:]
    assert not [k for k in result.stats if k.startswith("spider_exceptions")]
    assert result.stats.get(f"cri/skipped/{reason}") == 1
    assert [i["id"] for i in result.items] == ["E1-114710"]  # the run went on
    growth = result.stats["memusage/max"] - result.stats["memusage/startup"]
    assert growth < 600 << 20, growth  # a 20 MB page in a few copies, not unbounded
