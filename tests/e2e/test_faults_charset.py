"""Charset faults on an article page: a wrong or missing charset, windows-1250 bytes, invalid
UTF-8, a BOM, UTF-16. Polish letters come out right wherever the bytes allow it, the output is
valid UTF-8, and replacement characters (bytes no encoding reads) are counted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.replica import ReplicaServer
from tests.replica.server import Request, Response
from tests.support.archive import output_files
from tests.support.crawling import CrawlResult, scrapy_crawl

PATH = "/wisla_i_langcy/4206/20220324/744781.html"  # served as UTF-8 with <meta charset>
ARTICLE = "E2-744781"


def recoded(encoding: str, content_type: str, bom: bytes = b"", meta: str | None = None,
            corrupt: bool = False) -> Callable[[Request], Response]:
    def handler(request: Request) -> Response:
        text = request.default().body.decode("utf-8")
        if meta is not None:
            text = text.replace('<meta charset="utf-8">', meta)
        body = bom + text.encode(encoding)
        if corrupt:  # invalid UTF-8 inside the first paragraph's letters
            body = body.replace("ę".encode(), b"\xff", 1)
        return Response(200, body, content_type)

    return handler


CASES = {
    "utf8_under_latin1_header": recoded("utf-8", "text/html; charset=iso-8859-1"),
    "utf8_under_cp1252_header_no_meta": recoded("utf-8", "text/html; charset=windows-1252", meta=""),
    "utf8_no_charset_anywhere": recoded("utf-8", "text/html", meta=""),
    "cp1250_declared_in_meta": recoded(
        "cp1250", "text/html",
        meta='<meta http-equiv="Content-Type" content="text/html; charset=windows-1250">'),
    "bom_under_latin1_header": recoded("utf-8", "text/html; charset=iso-8859-1", bom=b"\xef\xbb\xbf"),
    "utf16_with_bom_under_utf8_header": recoded("utf-16", "text/html; charset=utf-8"),
}


def crawl(tmp: Path, server: ReplicaServer) -> CrawlResult:
    result = scrapy_crawl(tmp, server.base_url, {"urls": f"http://polish.cri.cn{PATH}"},
                          {"CRAWLER_BROWSER": "False"}, timeout=120)
    assert result.returncode == 0, result.log[-3000:]
    for file in output_files(result.data_dir):
        file.read_bytes().decode("utf-8")  # strict: the archive is valid UTF-8
    return result


def text_of(item: dict[str, Any]) -> tuple[str, str]:
    return item["headline"], item["body"]


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    with ReplicaServer() as server:
        result = crawl(tmp_path_factory.mktemp("plain"), server)
    [item] = result.items
    assert "ę" in item["headline"]
    return text_of(item)


@pytest.mark.parametrize("name", CASES)
def test_polish_letters_survive_charset_faults(
    make_replica: Callable[..., ReplicaServer], tmp_path: Path, expected: tuple[str, str], name: str
) -> None:
    server = make_replica()
    server.overrides.add(PATH, CASES[name])
    result = crawl(tmp_path, server)
    assert [text_of(i) for i in result.items] == [expected]
    assert "cri/encoding/replacement_chars" not in result.stats


def test_invalid_utf8_is_replaced_and_counted(
    make_replica: Callable[..., ReplicaServer], tmp_path: Path, expected: tuple[str, str]
) -> None:
    server = make_replica()
    server.overrides.add(PATH, recoded("utf-8", "text/html; charset=utf-8", corrupt=True))
    result = crawl(tmp_path, server)
    [item] = result.items
    assert result.stats.get("cri/encoding/replacement_chars", 0) >= 1
    assert result.stats.get("cri/encoding/pages_with_replacements") == 1
    # Everything but the one broken letter is right.
    got, want = "".join(text_of(item)), "".join(expected)
    assert len(got) == len(want) and sum(a != b for a, b in zip(got, want)) <= 1
