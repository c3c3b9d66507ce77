"""Active content inside article HTML (a page, and the E4 API's `content`): `<script>`, event
handlers, `javascript:` links and images, iframes, `<style>`. No markup and no script text in
any text field; no `javascript:` URL in any field."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.replica import ReplicaServer
from tests.replica.server import Request, Response
from tests.support.crawling import scrapy_crawl

HOSTILE = (
    '<script>alert("xss-script")</script>'
    '<style>p { color: red } /* xss-style */</style>'
    '<iframe src="javascript:alert(\'xss-iframe\')">xss-iframe-text</iframe>'
    '<img src="javascript:alert(\'xss-img\')" onerror="alert(\'xss-onerror\')">'
    '<a href="javascript:alert(\'xss-link\')" onclick="alert(\'xss-onclick\')">link</a>'
    '<noscript><img src="javascript:alert(1)"></noscript>'
)
MARKERS = re.compile(r"xss-|javascript:|<\s*/?\s*(script|iframe|img|a|style|p)\b|onerror|onclick", re.I)

PAGE = "/wisla_i_langcy/4206/20220324/744781.html"
API_ARTICLE = "ARTI1794987595598402"


def hostile_page(request: Request) -> Response:
    text = request.default().body.decode("utf-8")
    # Inside the first paragraph of the body (after the headline), and once more before </body>.
    head, sep, tail = text.partition("</h1>")
    tail = tail.replace("</p>", HOSTILE + "</p>", 1).replace("</body>", HOSTILE + "</body>", 1)
    return Response(200, (head + sep + tail).encode("utf-8"), "text/html; charset=utf-8")


def hostile_api(request: Request) -> Response:
    answer = json.loads(request.default().body)
    answer["result"]["content"] = answer["result"]["content"].replace("</p>", HOSTILE + "</p>", 1)
    answer["result"]["brief"] = HOSTILE + answer["result"]["brief"]
    return Response(200, json.dumps(answer).encode(), "application/json;charset=UTF-8")


@pytest.mark.parametrize(
    ("url", "install"),
    [
        pytest.param(f"http://polish.cri.cn{PAGE}",
                     lambda s: s.overrides.add(PAGE, hostile_page), id="page"),
        pytest.param(f"http://polish.cri.cn/2026/11/18/{API_ARTICLE}",
                     lambda s: s.overrides.add(re.compile(API_ARTICLE), hostile_api, methods=("POST",)),
                     id="api"),
    ],
)
def test_no_markup_and_no_javascript_url_in_any_field(
    make_replica: Callable[..., ReplicaServer], tmp_path: Path, url: str,
    install: Callable[[ReplicaServer], object],
) -> None:
    server = make_replica()
    install(server)
    result = scrapy_crawl(tmp_path, server.base_url, {"urls": url}, {"CRAWLER_BROWSER": "False"},
                          timeout=120)
    assert result.returncode == 0, result.log[-3000:]
    [item] = result.items
    assert item["body"] and "link" in item["body"]  # the text around the markup is kept
    found = {k: MARKERS.findall(json.dumps(v, ensure_ascii=False)) for k, v in item.items()}
    assert {k: v for k, v in found.items() if v} == {}
