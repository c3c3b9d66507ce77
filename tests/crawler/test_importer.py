"""Reading WARC files of other tools (crawler/importer.py): gzip members one by one through
damage, records paired with their requests in either order, hosts taken and refused, plain
files, members holding several records, revisits without WARC-Refers-To."""

from __future__ import annotations

import gzip
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.editions import get_edition
from crawler.extract import Gate
from crawler.importer import Importer, gzip_members
from crawler.replay import RecordReader, ReplayIndex, replay_article
from tests.fixtures import FIXTURES

EDITION = get_edition("polish")
PAGE = "https://polish.cri.cn/news/china/3875/20201030/560001.html"
BODY = (FIXTURES / "polish" / "E2" / "h1-E2-560001.html").read_bytes()


def records(*specs: tuple[str, str], body: bytes = BODY, concurrent: bool = False) -> list[bytes]:
    """One gzip member a record: `(type, uri)` each; a request names its response when
    `concurrent` (as our archive does), else they are paired by URI (as wget's)."""
    members = []
    last_response_id = None
    for kind, uri in specs:
        out = io.BytesIO()
        writer = WARCWriter(out, gzip=True)
        if kind == "request":
            http = StatusAndHeaders(f"GET /{uri.split('/', 3)[-1]} HTTP/1.1", [("Host", "x")],
                                    is_http_request=True)
            extra = {"WARC-Concurrent-To": last_response_id} if concurrent and last_response_id else None
            record = writer.create_warc_record(uri, "request", payload=io.BytesIO(b""), length=0,
                                               http_headers=http, warc_headers_dict=extra)
        elif kind == "response":
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                    protocol="HTTP/1.1")
            record = writer.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                               length=len(body), http_headers=http)
            last_response_id = record.rec_headers.get_header("WARC-Record-ID")
        else:
            record = writer.create_warc_record(uri, kind, payload=io.BytesIO(body), length=len(body),
                                               warc_content_type="text/html")
        writer.write_record(record)
        members.append(out.getvalue())
    return members


def imported(tmp_path: Path, *files: bytes, base_url: str | None = None) -> tuple[Counter[str], dict]:
    counts: Counter[str] = Counter()
    paths = []
    for n, data in enumerate(files):
        path = tmp_path / f"f{n}.warc.gz"
        path.write_bytes(data)
        paths.append(path)
    with ReplayIndex() as index:
        reader = RecordReader(index)
        importer = Importer(index, reader, EDITION, base_url, counts)
        for path in paths:
            for _ in importer.add(path):
                pass
        index.done()
        done = {a: replay_article(EDITION, a, index.captures(a), reader, card=None, section=None,
                                  gate=Gate(), run="import") for a in index.articles()}
        reader.close()
    return counts, done


def stat(counts: Counter[str], name: str) -> int:
    return counts[f"replay/records/{name}"]


@pytest.mark.parametrize(
    ("order", "concurrent"),
    [(("request", "response"), False), (("response", "request"), False),
     (("request", "response"), True)],
    ids=["wget", "browsertrix", "concurrent-to"],
)
def test_a_page_and_its_request_in_either_order(tmp_path: Path, order: tuple[str, str], concurrent: bool) -> None:
    counts, done = imported(tmp_path, b"".join(records(*((k, PAGE) for k in order), concurrent=concurrent)))
    assert done["E2-560001"].ending == "item"
    assert stat(counts, "without_request") == 0
    assert stat(counts, "answers") == 1


def test_an_answer_without_its_request_is_counted_and_kept(tmp_path: Path) -> None:
    other = "https://polish.cri.cn/news/china/3875/20201030/560002.html"
    counts, done = imported(tmp_path, b"".join(records(("response", PAGE), ("request", other),
                                                       ("response", other))))
    assert done["E2-560001"].ending == "item"
    assert stat(counts, "without_request") == 1


def test_other_hosts_and_a_base_url(tmp_path: Path) -> None:
    replica = "http://127.0.0.1:8000/news/china/3875/20201030/560001.html"
    elsewhere = "https://example.com/news/china/3875/20201030/560003.html"
    data = b"".join(records(("request", replica), ("response", replica),
                            ("request", elsewhere), ("response", elsewhere),
                            ("resource", "metadata://gnu.org/software/wget/warc/wget.log")))
    counts, done = imported(tmp_path, data)
    assert done == {} and stat(counts, "other_host") == 2 and stat(counts, "other_type") == 1
    counts, done = imported(tmp_path, data, base_url="http://127.0.0.1:8000")
    assert set(done) == {"E2-560001"} and stat(counts, "other_host") == 1
    assert done["E2-560001"].item.url == PAGE  # the outlet's URL, whatever it was fetched from


def test_a_gateway_url_is_the_outlets(tmp_path: Path) -> None:
    gateway = "http://big5.cri.cn/gate/big5/polish.cri.cn/news/china/3875/20201030/560001.html"
    counts, done = imported(tmp_path, b"".join(records(("request", gateway), ("response", gateway))))
    assert done["E2-560001"].ending == "item"


def test_a_corrupt_member_is_skipped_and_the_next_ones_read(tmp_path: Path) -> None:
    other = "https://polish.cri.cn/news/china/3875/20201030/560002.html"
    members = records(("request", PAGE), ("response", PAGE), ("request", other), ("response", other))
    broken = bytearray(members[1])
    broken[len(broken) // 2:len(broken) // 2 + 8] = b"\xff" * 8
    counts, done = imported(tmp_path, members[0] + bytes(broken) + members[2] + members[3])
    assert set(done) == {"E2-560002"}
    assert stat(counts, "corrupt_members") == 1


def test_a_truncated_file_keeps_what_came_before(tmp_path: Path) -> None:
    other = "https://polish.cri.cn/news/china/3875/20201030/560002.html"
    members = records(("request", PAGE), ("response", PAGE), ("request", other), ("response", other))
    counts, done = imported(tmp_path, b"".join(members[:3]) + members[3][: len(members[3]) // 2])
    assert set(done) == {"E2-560001"}
    assert stat(counts, "truncated") == 1


def test_garbage_and_a_non_warc_member(tmp_path: Path) -> None:
    members = records(("request", PAGE), ("response", PAGE))
    counts, done = imported(tmp_path, gzip.compress(b"not a WARC record at all\r\n\r\n") + b"".join(members))
    assert set(done) == {"E2-560001"}
    assert stat(counts, "unreadable") == 1


def test_a_plain_warc_with_damage_between_records(tmp_path: Path) -> None:
    other = "https://polish.cri.cn/news/china/3875/20201030/560002.html"
    plain = [gzip.decompress(m) for m in records(("request", PAGE), ("response", PAGE),
                                                  ("request", other), ("response", other))]
    path = tmp_path / "plain.warc"
    path.write_bytes(plain[0] + plain[1] + b"WARC/1.0\r\nbroken header\r\n\r\n" + plain[2] + plain[3])
    counts: Counter[str] = Counter()
    with ReplayIndex() as index:
        reader = RecordReader(index)
        for _ in Importer(index, reader, EDITION, None, counts).add(path):
            pass
        index.done()
        endings = {a: replay_article(EDITION, a, index.captures(a), reader, card=None, section=None,
                                     gate=Gate(), run="import").ending for a in index.articles()}
        reader.close()
    assert endings == {"E2-560001": "item", "E2-560002": "item"}
    assert stat(counts, "unreadable") == 1


def test_a_member_holding_several_records(tmp_path: Path) -> None:
    other = "https://polish.cri.cn/news/china/3875/20201030/560002.html"
    plain = b"".join(gzip.decompress(m) for m in records(("request", PAGE), ("response", PAGE),
                                                          ("request", other), ("response", other)))
    counts, done = imported(tmp_path, gzip.compress(plain))
    assert {a: d.ending for a, d in done.items()} == {"E2-560001": "item", "E2-560002": "item"}


def test_a_revisit_without_refers_to_finds_its_original_by_digest(tmp_path: Path) -> None:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    first = writer.create_warc_record(PAGE, "response", payload=io.BytesIO(BODY), length=len(BODY),
                                      http_headers=http)
    writer.write_record(first)
    digest = first.rec_headers.get_header("WARC-Payload-Digest")
    writer.write_record(writer.create_revisit_record(PAGE, digest=digest, refers_to_uri=PAGE,
                                                     refers_to_date="2026-01-01T00:00:00Z",
                                                     http_headers=http))
    counts, done = imported(tmp_path, out.getvalue())
    assert done["E2-560001"].ending == "item"
    assert stat(counts, "without_request") == 2


def test_an_api_answer_names_its_page_through_its_request(tmp_path: Path) -> None:
    case = json.loads((FIXTURES / "polish/E4/api-content-ARTI1736294995095905.expected.json").read_text())
    body = (FIXTURES / "polish/E4/api-content-ARTI1736294995095905.json").read_bytes()
    api = "https://polish.cri.cn/api/getData"
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    request_body = json.dumps({"id": case["fixture"]["url"]}).encode()
    http = StatusAndHeaders("POST /api/getData HTTP/1.1", [("Content-Type", "application/json")],
                            is_http_request=True)
    writer.write_record(writer.create_warc_record(api, "request", payload=io.BytesIO(request_body),
                                                  length=len(request_body), http_headers=http))
    answer = StatusAndHeaders("200 OK", [("Content-Type", "application/json")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(api, "response", payload=io.BytesIO(body),
                                                  length=len(body), http_headers=answer))
    writer.write_record(writer.create_warc_record(api, "response", payload=io.BytesIO(body),
                                                  length=len(body), http_headers=answer))
    counts, done = imported(tmp_path, out.getvalue())
    assert done["ARTI1736294995095905"].item.body == case["item"]["body"]
    assert stat(counts, "api_without_request") == 1


def test_gzip_members_offsets(tmp_path: Path) -> None:
    members = [gzip.compress(b"a" * n) for n in (10, 2000, 5)]
    path = tmp_path / "m.gz"
    path.write_bytes(b"".join(members))
    counts: Counter[str] = Counter()
    with path.open("rb") as handle:
        found = list(gzip_members(handle, counts))
    starts = [0, len(members[0]), len(members[0]) + len(members[1])]
    assert [(o, n) for o, n, _ in found] == list(zip(starts, map(len, members)))
    assert [d for _, _, d in found] == [b"a" * 10, b"a" * 2000, b"a" * 5]
    assert not counts


WGET_RESPONSE = (
    b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:a7a39c5f-8a92-4f67-8948-c6ad33f5d54f>\r\n"
    b"WARC-Target-URI: <" + PAGE.encode() + b">\r\nWARC-Date: 2026-11-30T21:01:26Z\r\n"
    b"Content-Type: application/http;msgtype=response\r\nContent-Length: 72\r\n\r\n"
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Tekst.</p>\r\n\r\n"
)


@pytest.mark.parametrize("data", [
    WGET_RESPONSE,  # WARC/1.0, the target URI in angle brackets (wget)
    *(gzip.decompress(m) for m in records(("request", PAGE), ("response", PAGE), ("resource", PAGE))),
], ids=["wget", "request", "response", "resource"])
def test_the_fast_reading_is_warcios(data: bytes) -> None:
    from warcio.archiveiterator import ArchiveIterator

    from crawler.replay import plain_record, stored_record

    fast = plain_record(data)
    slow = stored_record(next(iter(ArchiveIterator(io.BytesIO(data)))))
    assert fast is not None
    names = ("type", "record_id", "uri", "date", "content_type", "refers_to", "concurrent_to",
             "digest", "status", "http_headers", "method")
    assert {n: getattr(fast, n) for n in names} == {n: getattr(slow, n) for n in names}
    assert fast.body() == slow.body()
    assert fast.uri == PAGE


def test_a_chunked_body_is_left_to_warcio() -> None:
    from crawler.replay import parse_record, plain_record

    body = b"5\r\nTekst\r\n0\r\n\r\n"
    block = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body
    data = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
            b"WARC-Target-URI: " + PAGE.encode() + b"\r\nContent-Type: application/http;msgtype=response\r\n"
            b"Content-Length: " + str(len(block)).encode() + b"\r\n\r\n" + block + b"\r\n\r\n")
    assert plain_record(data) is None
    assert parse_record(data).body() == b"Tekst"
