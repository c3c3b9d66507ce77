"""The WARC archive on its own: records readable by warcio, revisits for unchanged payloads,
conversions for rendered pages, an index that finds an article's records, and a start-up that
cuts off a record cut by a crash (and nothing before it)."""

from __future__ import annotations

import gzip
from datetime import datetime, timezone
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.archive.warc import Exchange, WarcArchive

NOON = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
PAGE = "https://polish.cri.cn/2026/11/30/ARTI1764000000000001"


def exchange(body: bytes = b"<html><p>Tekst.</p></html>", **fields: object) -> Exchange:
    base = dict(url=PAGE, method="GET", request_headers=[("User-Agent", "cri-crawler")],
                request_body=b"", status=200, reason="OK",
                headers=[("Content-Type", "text/html; charset=utf-8"),
                         ("Content-Encoding", "gzip"), ("Content-Length", "9")],
                body=body, article_id="ARTI1764000000000001")
    return Exchange(**{**base, **fields})  # type: ignore[arg-type]


@pytest.fixture
def archive(tmp_path: Path):
    warc = WarcArchive(tmp_path, utcnow=lambda: NOON)
    warc.open()
    yield warc
    warc.close()


def records(tmp_path: Path) -> list:
    (file,) = sorted(tmp_path.glob("warc/*/*.warc.gz"))
    with file.open("rb") as stream:
        return [(r.rec_type, dict(r.rec_headers.headers), r.http_headers,
                 r.content_stream().read()) for r in ArchiveIterator(stream)]


def test_an_exchange_is_a_request_and_a_response(archive: WarcArchive, tmp_path: Path) -> None:
    api = exchange(url="https://polish.cri.cn/api/getData", method="POST",
                   request_body=b'{"id": "' + PAGE.encode() + b'"}', body=b'{"succeed": 1}',
                   headers=[("Content-Type", "application/json")])
    stored = archive.store(api)
    archive.close()
    (req_type, req, req_http, req_body), (type_, headers, http, body) = records(tmp_path)
    assert (req_type, type_) == ("request", "response")
    assert (req_http.protocol, req_http.statusline) == ("POST", "/api/getData HTTP/1.1")
    assert req_http.get_header("Host") == "polish.cri.cn"
    assert req_body == api.request_body
    assert req["WARC-Concurrent-To"] == headers["WARC-Record-ID"] == stored.record_id
    assert body == b'{"succeed": 1}' and http.get_header("Content-Length") == "14"
    assert (tmp_path / "warc/2026/2026-11-30.warc.gz").exists()


def test_stored_bodies_are_as_decompressed(archive: WarcArchive, tmp_path: Path) -> None:
    archive.store(exchange())
    archive.close()
    (_, _, _, _), (_, _, http, body) = records(tmp_path)
    assert http.get_header("Content-Encoding") is None
    assert http.get_header("Content-Length") == str(len(body))


def test_an_unchanged_payload_is_a_revisit_of_the_first(archive: WarcArchive, tmp_path: Path) -> None:
    first = archive.store(exchange())
    again = archive.store(exchange())
    changed = archive.store(exchange(body=b"<html><p>Nowy tekst.</p></html>"))
    archive.close()
    assert (first.kind, again.kind, changed.kind) == ("response", "revisit", "response")
    kinds = [(t, h.get("WARC-Refers-To"), len(b)) for t, h, _, b in records(tmp_path)]
    assert kinds[3] == ("revisit", first.record_id, 0)


def test_a_rendered_page_is_a_conversion_of_its_shell(archive: WarcArchive, tmp_path: Path) -> None:
    shell = archive.store(exchange(body=b"<html><div id=__nuxt></div></html>"))
    rendered = archive.store(exchange(body=b"<html><p>Tekst.</p></html>", rendered_from=shell.record_id))
    archive.close()
    assert rendered.kind == "conversion"
    (_, headers, _, body) = records(tmp_path)[3]
    assert headers["WARC-Refers-To"] == shell.record_id and body == b"<html><p>Tekst.</p></html>"


def test_the_index_finds_an_article_s_records(archive: WarcArchive) -> None:
    archive.store(exchange(article_id=None, url="https://polish.cri.cn/robots.txt"))
    response = archive.store(exchange())
    rows = archive.records_of("ARTI1764000000000001")
    assert [row[4] for row in rows] == ["request", "response"]
    assert rows[1][0] == response.record_id
    # The indexed offset and length are one gzip member holding that record.
    _, path, offset, length, _, _ = rows[1]
    member = (archive.data_dir / path).read_bytes()[offset:offset + length]
    assert response.record_id.encode() in gzip.decompress(member)


def test_a_record_cut_by_a_crash_is_cut_off_at_start_up(tmp_path: Path) -> None:
    warc = WarcArchive(tmp_path, utcnow=lambda: NOON)
    warc.open()
    kept = warc.store(exchange())
    warc.close()
    file = tmp_path / "warc/2026/2026-11-30.warc.gz"
    good = file.read_bytes()
    file.write_bytes(good + gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n")[:25])
    again = WarcArchive(tmp_path, utcnow=lambda: NOON)
    again.open()
    assert file.read_bytes() == good
    (moved,) = (tmp_path / "quarantine").iterdir()
    assert moved.name.endswith(f".at{len(good)}.partial")
    assert [r[0] for r in again.records_of("ARTI1764000000000001")][1] == kept.record_id
    again.store(exchange(body=b"<html>po awarii</html>"))
    again.close()
    assert [t for t, _, _, _ in records(tmp_path)] == ["request", "response", "request", "response"]
