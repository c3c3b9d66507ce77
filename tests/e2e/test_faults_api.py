"""Broken answers of the E4 API (`POST /api/getData`) for an article: truncated JSON, an HTML
error page with 200, `succeed: 0`, wrong types, huge numbers, `NaN`. No crash, no item from the
broken answer (the article's page is the next source, so the item says `html`), one clear log
line. Answers that are valid but hostile (lone surrogates, U+2028/U+2029 in strings) give an
item whose output is valid UTF-8 and one record per `\\n`."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.replica import ReplicaServer
from tests.replica.server import Request, Response
from tests.support.archive import output_files
from tests.support.crawling import CrawlResult, scrapy_crawl

ARTICLE = "ARTI1794987595598402"
URL = f"http://polish.cri.cn/2026/11/18/{ARTICLE}"


def edit(change: Callable[[dict[str, Any]], Any]) -> Callable[[Request], Response]:
    """The normal answer, its parsed JSON changed by `change` (which may return raw bytes)."""
    def handler(request: Request) -> Response:
        answer = json.loads(request.default().body)
        raw = change(answer)
        body = raw if isinstance(raw, bytes) else json.dumps(answer, ensure_ascii=True).encode()
        return Response(200, body, "application/json;charset=UTF-8")

    return handler


def set_result(**fields: Any) -> Callable[[dict[str, Any]], None]:
    return lambda answer: answer["result"].update(fields)


def raw_field(name: str, raw: str) -> Callable[[dict[str, Any]], bytes]:
    """A field replaced by raw JSON text (NaN, a number json.dumps would not write)."""
    def change(answer: dict[str, Any]) -> bytes:
        answer["result"][name] = "@@RAW@@"
        return json.dumps(answer).replace('"@@RAW@@"', raw).encode()

    return change


BROKEN = {
    "truncated": lambda r: Response(200, r.default().body[:200], "application/json;charset=UTF-8"),
    "html_with_200": lambda r: Response.html("<html><body><h1>502 Bad Gateway</h1></body></html>"),
    "succeed_0": edit(lambda a: a.update(succeed=0, result=None, errorCode=500)),
    "succeed_string": edit(lambda a: a.update(succeed="no")),
    "result_a_list": edit(lambda a: a.update(result=[1, 2])),
    "wrong_types": edit(set_result(title=12345, content={"p": 1}, brief=["x"], photo="x",
                                   video=7, published=None, date=[1])),
    "content_number": edit(set_result(content=1e308)),
    "huge_integer": edit(raw_field("content", "9" * 5000)),  # over Python's int digit limit
    "nan_content": edit(raw_field("content", "NaN")),
    "empty_object": lambda r: Response(200, b"{}", "application/json"),
    "empty_body": lambda r: Response(200, b"", "application/json"),
}


def crawl(tmp: Path, server: ReplicaServer) -> CrawlResult:
    result = scrapy_crawl(tmp, server.base_url, {"urls": URL}, {"CRAWLER_BROWSER": "False"}, timeout=120)
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats["finish_reason"] == "finished"
    assert not [k for k in result.stats if k.startswith("spider_exceptions")], result.log[-3000:]
    return result


def archive_lines(result: CrawlResult) -> list[dict[str, Any]]:
    """Every archive line, decoded strictly: valid UTF-8, one record per `\\n`."""
    records = []
    for file in output_files(result.data_dir):
        text = file.read_bytes().decode("utf-8")  # strict: raises on invalid UTF-8
        records += [json.loads(line) for line in text.split("\n")[:-1]]
    return records


@pytest.mark.parametrize("name", BROKEN)
def test_broken_api_answer_gives_no_item_and_one_log_line(
    make_replica: Callable[..., ReplicaServer], tmp_path: Path, name: str
) -> None:
    server = make_replica()
    server.overrides.add(re.compile(ARTICLE), BROKEN[name], methods=("POST",))
    result = crawl(tmp_path, server)
    # Unusable (not JSON, a failure, no result object) or no body in it (no text field).
    assert result.stats.get("cri/api/unusable", 0) + result.stats.get("cri/api/no_body", 0) == 1
    assert [(i["id"], i["extraction"]) for i in result.items] == [(ARTICLE, "html")]
    lines = [line for line in result.log.splitlines()
             if "API gave no article" in line or "API answer for" in line]
    assert len(lines) == 1 and ARTICLE in lines[0]
    assert len(archive_lines(result)) == 1


HOSTILE = {
    "lone_surrogates": set_result(title="Chiny \ud800 i Polska \udfff", brief="zdanie \udc00 koniec"),
    "line_separators": set_result(title="Linia\u2028druga\u2029trzecia\u0085koniec"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_strings_in_the_api_keep_the_output_valid(
    make_replica: Callable[..., ReplicaServer], tmp_path: Path, name: str
) -> None:
    server = make_replica()
    server.overrides.add(re.compile(ARTICLE), edit(HOSTILE[name]), methods=("POST",))
    result = crawl(tmp_path, server)
    records = archive_lines(result)
    assert [r["id"] for r in records] == [ARTICLE]
    text = json.dumps(records[0], ensure_ascii=False)
    assert not re.search("[\ud800-\udfff]", text)
    for file in output_files(result.data_dir):
        assert b"\xe2\x80\xa8" not in file.read_bytes()  # U+2028 is written escaped
