"""`cri-crawler import-warc` on a capture of the replica made by Debian's wget
(`wget --warc-file`), compared with a crawl of the same replica; and damaged files: a corrupt
gzip member, a truncated file, another host's record, answers without their request.

The fair comparison: wget fetches pages (GET), never the platform's API (a JSON POST), and it
renders nothing. So wget is given every page address the crawl could read its articles at (the
article's addresses, E1 pages 2..n) and then:
- an article the crawl read from its own page (`extraction` html, fallback, by its era's
  parser) imports to the crawl's item, apart from the run and the record (the capture's) and
  its fetch time;
- an article the crawl read from the API, or from the platform's page of an older article
  (linked there: E3 without `.shtml`), imports from its server-rendered page (a capture
  without the API answer reads an older article at its own address first) with the same
  headline and body: one text, read another way;
- a client-rendered shell (the crawl read it in the browser) gives no item: counted as
  `skipped/shell_without_browser`, as a crawl without the browser does.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.editions import get_edition
from crawler.urls import classify, rebase
from tests.replica import ReplicaServer
from tests.support.archive import check_versions, latest, read_archive, schema_errors
from tests.support.crawling import scrapy_crawl
from tests.support.replay import cri_replay, run_reports

WGET = Path("/usr/bin/wget")
EDITION = get_edition("polish")
PROVENANCE = {"run", "fetched_at", "warc_record_id"}
# How each item was read: its page, or the API (then only the text is the page's too).
FROM_PAGE, FROM_API = {"html", "fallback"}, {"api"}

pytestmark = pytest.mark.skipif(not WGET.exists(), reason="Debian's wget is not installed")


@pytest.fixture(scope="module")
def captured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A crawl of the replica's articles by URL (every era, the browser on) and a wget capture
    of the same pages; then the replica is stopped."""
    root = tmp_path_factory.mktemp("import")
    server = ReplicaServer(articles=60, seed=15).start()
    try:
        urls = server.site.urls()
        url_file = root / "urls.txt"
        url_file.write_text("\n".join(urls) + "\n", encoding="utf-8")
        crawl = scrapy_crawl(root / "crawl", server.base_url, spider_args={"url_file": str(url_file)})
        assert crawl.returncode == 0, crawl.log[-3000:]
        pages = {rebase(address, server.base_url)
                 for url in urls for address in classify(url, EDITION).addresses}  # type: ignore[union-attr]
        pages |= {uri for uri in _uris(crawl.data_dir) if uri.rsplit("_", 1)[-1][:-4].isdigit()
                  and uri.endswith(".htm")}  # E1 pages 2..n, as the crawl fetched them
        wanted = root / "wget-urls.txt"
        wanted.write_text("\n".join(sorted(pages)) + "\n", encoding="utf-8")
        capture = root / "capture"
        subprocess.run(
            [str(WGET), f"--warc-file={capture}", f"--input-file={wanted}", "--output-document=/dev/null",
             "--tries=1", "--timeout=10", "--no-verbose", "-e", "robots=off"],
            cwd=root, capture_output=True, text=True, timeout=300,
        )  # exit code 8 for the replica's 404s: expected
        assert (root / "capture.warc.gz").stat().st_size > 0
        base_url = server.base_url
    finally:
        server.stop()
    yield {"root": root, "crawl": crawl.data_dir, "capture": root / "capture.warc.gz",
           "base_url": base_url}


def _uris(data_dir: Path) -> list[str]:
    import sqlite3

    with sqlite3.connect(data_dir / "warc" / "index.sqlite3") as db:
        return [uri for (uri,) in db.execute("SELECT uri FROM records WHERE type != 'request'")]


def without(item: dict[str, Any], names: set[str]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in names}


def capture_records(path: Path) -> dict[str, dict[str, Any]]:
    """The records of a WARC file by id, read with warcio's ArchiveIterator: type, URI, where,
    the payload (the HTTP body), the record it refers to."""
    found: dict[str, dict[str, Any]] = {}
    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        for record in records:
            body = record.content_stream().read()
            headers = record.rec_headers
            found[headers.get_header("WARC-Record-ID")] = {
                "type": record.rec_type, "uri": headers.get_header("WARC-Target-URI"),
                "offset": records.get_record_offset(), "length": records.get_record_length(),
                "body": body, "http": record.http_headers,
            }
    return found


def test_a_wget_capture_imports_to_the_crawls_items(captured: dict[str, Any], tmp_path: Path) -> None:
    crawl = latest(read_archive(captured["crawl"]))
    target = tmp_path / "data"
    done = cri_replay("import-warc", target, "--base-url", captured["base_url"], str(captured["capture"]))
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.connections == []

    items = read_archive(target)
    check_versions(items)
    assert schema_errors(items) == []
    imported = {item["id"]: item for item in items}
    from_page = {i for i, item in crawl.items()
                 if item["extraction"] in FROM_PAGE and item["parser"]["era"] == item["era"]}
    from_api = {i for i, item in crawl.items() if item["extraction"] in FROM_API
                or (item["extraction"] in FROM_PAGE and item["parser"]["era"] != item["era"])}
    assert from_page and from_api
    assert from_page <= imported.keys()
    for article_id in from_page:
        assert without(imported[article_id], PROVENANCE) == without(crawl[article_id], PROVENANCE), article_id
    shells = from_api - imported.keys()
    for article_id in from_api & imported.keys():
        got, expected = imported[article_id], crawl[article_id]
        assert (got["headline"], got["body"]) == (expected["headline"], expected["body"]), article_id
        assert got["extraction"] in FROM_PAGE
    rendered = {i for i, item in crawl.items() if item["extraction"] == "browser"}
    assert imported.keys() <= crawl.keys()
    assert imported.keys() == crawl.keys() - shells - rendered

    report = run_reports(target)[-1]
    section = report["replay"]
    assert report["mode"] == "import"
    assert report["requests"] == 0
    assert section["sources"] == [str(captured["capture"].resolve())]
    assert section["failed_by_reason"] == {"shell_without_browser": len(shells | rendered)}
    assert section["records"].get("other_host", 0) == 0
    assert section["records"].get("without_request", 0) == 0
    # Provenance: each item names its record in the source file, which holds its payload.
    records = capture_records(captured["capture"])
    for item in items:
        record = records[item["warc_record_id"]]
        assert record["type"] == "response"
        if not item["id"].startswith("E1-") or item["id"] not in _multi_page(records):
            assert hashlib.sha256(record["body"]).hexdigest() == item["content_sha256"], item["id"]

    # Imported again: nothing changed, nothing written.
    again = cri_replay("import-warc", target, "--base-url", captured["base_url"], str(captured["capture"]))
    assert again.returncode == 0, again.stderr[-3000:]
    assert read_archive(target) == items
    assert run_reports(target)[-1]["replay"]["unchanged"] == len(imported)


def _multi_page(records: dict[str, dict[str, Any]]) -> set[str]:
    ids = set()
    for record in records.values():
        uri = record["uri"] or ""
        if record["type"] == "response" and uri.endswith(".htm") and "_" in uri.rsplit("/", 1)[-1]:
            ref = classify("https://polish.cri.cn/" + uri.split("/", 3)[-1], EDITION)
            if ref is not None and ref.id:
                ids.add(ref.id)
    return ids


def test_damaged_files_are_counted_and_nothing_else_is_lost(captured: dict[str, Any], tmp_path: Path) -> None:
    """From the capture: A, every exchange but a few, one of whose answers (X) is a corrupt
    gzip member in the middle; B, two exchanges (V, then Z) cut inside Z's answer; C, an
    uncompressed WARC with W's answer and no request, another host's page, an API answer
    without its request. Everything but X and Z imports as from the whole capture."""
    capture: Path = captured["capture"]
    clean_dir = tmp_path / "clean"
    clean = cri_replay("import-warc", clean_dir, "--base-url", captured["base_url"], str(capture))
    assert clean.returncode == 0, clean.stderr[-3000:]
    expected = latest(read_archive(clean_dir))

    records = capture_records(capture)
    members = sorted(records.values(), key=lambda r: r["offset"])
    data = capture.read_bytes()
    # Single-page E2 articles (one exchange each), to play X, V, Z and W.
    exchanges: dict[str, list[dict[str, Any]]] = {}
    for record in members:
        ref = classify("https://polish.cri.cn/" + (record["uri"] or "").split("/", 3)[-1], EDITION)
        if ref is not None and ref.id and ref.era == "E2" and record["type"] in ("request", "response"):
            exchanges.setdefault(ref.id, []).append(record)
    chosen = [i for i, rs in sorted(exchanges.items()) if len(rs) == 2 and i in expected]
    assert len(chosen) >= 4
    x, v, z, w = chosen[0], chosen[1], chosen[2], chosen[3]
    held = {id(r) for i in (v, z, w) for r in exchanges[i]}

    def member(record: dict[str, Any]) -> bytes:
        return data[record["offset"]:record["offset"] + record["length"]]

    corrupt = exchanges[x][1]
    a = bytearray()
    for record in members:
        if id(record) in held:
            continue
        chunk = bytearray(member(record))
        if record is corrupt:
            middle = len(chunk) // 2
            chunk[middle:middle + 16] = bytes(b ^ 0x5A for b in chunk[middle:middle + 16])
        a += chunk
    file_a = tmp_path / "a.warc.gz"
    file_a.write_bytes(bytes(a))
    answer_z = member(exchanges[z][1])
    file_b = tmp_path / "b.warc.gz"
    file_b.write_bytes(member(exchanges[v][0]) + member(exchanges[v][1]) + member(exchanges[z][0])
                       + answer_z[: len(answer_z) // 2])
    file_c = tmp_path / "c.warc"
    response_w = exchanges[w][1]
    with file_c.open("wb") as out:
        writer = WARCWriter(out, gzip=False)
        for uri, body, http in (
            (response_w["uri"], response_w["body"], response_w["http"]),
            ("https://example.com/" + response_w["uri"].split("/", 3)[-1], response_w["body"], response_w["http"]),
            (captured["base_url"] + "/api/getData", b'{"succeed": 1, "result": {}}',
             StatusAndHeaders("200 OK", [("Content-Type", "application/json")], protocol="HTTP/1.1")),
        ):
            writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                                          length=len(body), http_headers=http))

    target = tmp_path / "data"
    done = cri_replay("import-warc", target, "--base-url", captured["base_url"],
                      str(file_a), str(file_b), str(file_c))
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.connections == []
    got = latest(read_archive(target))
    assert got.keys() == expected.keys() - {x, z}
    for article_id, item in got.items():
        assert without(item, PROVENANCE) == without(expected[article_id], PROVENANCE), article_id
    counts = run_reports(target)[-1]["replay"]["records"]
    assert counts["corrupt_members"] == 1
    assert counts["truncated"] == 1
    assert counts["other_host"] == 1
    assert counts["without_request"] == 1
    assert counts["api_without_request"] == 1
    assert "records: " in done.stdout and "corrupt members 1" in done.stdout
    shutil.rmtree(clean_dir)
