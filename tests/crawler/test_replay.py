"""The replay core (crawler/replay.py) on small WARC archives written by the crawl's own
writer: the cascade on stored answers (API, page, rendered DOM, pages of E1, next address),
revisits, listing cards, archives whose index names no article; and its small helpers."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from crawler.archive.warc import Exchange, WarcArchive
from crawler.editions import get_edition
from crawler.extract import Gate
from crawler.replay import (
    ReplayIndex,
    Replayed,
    RecordReader,
    fetch_time,
    in_range,
    index_archive,
    read_ids,
    replay_article,
    report,
)
from tests.fixtures import FIXTURES, page_files

EDITION = get_edition("polish")
API = "https://polish.cri.cn/api/getData"
HTML = [("Content-Type", "text/html; charset=utf-8")]
JSON = [("Content-Type", "application/json;charset=UTF-8")]
SHELL = b'<html><head><title>CRI</title></head><body><div id="__nuxt"></div></body></html>'
# What a replay of a stored answer changes in the fixture's item: who made it, when the answer
# was fetched, and the record it names.
MADE = {"run", "fetched_at", "warc_record_id", "crawler_version"}


def fixture(name: str) -> tuple[dict[str, Any], list[bytes]]:
    """A stored case: its meta and expected item, and its answer(s)."""
    case = next(FIXTURES.glob(f"polish/*/{name}.expected.json"))
    return json.loads(case.read_text("utf-8")), [p.read_bytes() for p in page_files(case)]


class Archive:
    """A WARC archive in a temporary data directory, written as a crawl writes it."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.warc = WarcArchive(data_dir)
        self.warc.open()

    def api(self, page_url: str, body: bytes, article: str | None, status: int = 200) -> str:
        return self.warc.store(Exchange(API, "POST", [("Content-Type", "application/json")],
                                        json.dumps({"id": page_url}).encode(), status, "OK", JSON,
                                        body, article_id=article)).record_id

    def page(self, url: str, body: bytes, article: str | None, status: int = 200,
             rendered_from: str | None = None) -> str:
        return self.warc.store(Exchange(url, "GET", [], b"", status, "OK", HTML, body,
                                        article_id=article, rendered_from=rendered_from)).record_id

    def replay(self, **gate: Any) -> dict[str, Replayed]:
        self.warc.close()
        counts: Counter[str] = Counter()
        with ReplayIndex() as index:
            reader = RecordReader(index)
            for _ in index_archive(self.data_dir, index, reader, EDITION, counts):
                pass
            index.done()
            done = {}
            for article_id in index.articles():
                found = index.card(article_id)
                card, section = found if found else (None, None)
                done[article_id] = replay_article(EDITION, article_id, index.captures(article_id),
                                                  reader, card=card, section=section,
                                                  gate=Gate(**gate), run="replay")
            reader.close()
        self.counts = counts
        return done


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive(tmp_path)


def same_as_fixture(replayed: Replayed, expected: dict[str, Any]) -> None:
    assert replayed.ending == "item", replayed
    item = asdict(replayed.item)
    assert {k: v for k, v in item.items() if k not in MADE} == {
        k: v for k, v in expected.items() if k not in MADE}
    assert item["run"] == "replay"


@pytest.mark.parametrize("article", [True, False], ids=["indexed", "unattributed"])
def test_an_api_answer_gives_the_fixtures_item(archive: Archive, article: bool) -> None:
    """Also from an archive whose index names no article (written before it did): the API
    answer is attributed by the page its request asked for."""
    case, (body,) = fixture("api-content-ARTI1736294995095905")
    url = case["fixture"]["url"]
    record = archive.api(url, body, "ARTI1736294995095905" if article else None)
    done = archive.replay()["ARTI1736294995095905"]
    same_as_fixture(done, case["item"])
    assert done.item.warc_record_id == record
    assert done.item.fetched_at.startswith(str(date.today().year))


def test_a_page_gives_the_fixtures_item_and_a_revisit_its_originals_payload(archive: Archive) -> None:
    case, (body,) = fixture("h1-E2-560001")
    url = case["fixture"]["url"]
    archive.page(url, body, "E2-560001")
    again = archive.page(url, body, "E2-560001")  # the same payload again: a revisit record
    done = archive.replay()["E2-560001"]
    same_as_fixture(done, case["item"])
    assert done.item.warc_record_id == again  # the latest capture, as the crawl named it


def test_every_page_of_a_multi_page_article(archive: Archive) -> None:
    case, bodies = fixture("ccontent-E1-49861")
    from crawler.urls import classify

    ref = classify(case["fixture"]["url"], EDITION)
    assert ref is not None and len(bodies) == 4
    for number, body in enumerate(bodies, 1):
        archive.page(ref.page_url(number), body, ref.id)
    same_as_fixture(archive.replay()[ref.id], case["item"])  # type: ignore[index]


def test_a_page_missing_of_a_multi_page_article_fails(archive: Archive) -> None:
    case, bodies = fixture("ccontent-E1-49861")
    from crawler.urls import classify

    ref = classify(case["fixture"]["url"], EDITION)
    assert ref is not None
    archive.page(ref.page_url(1), bodies[0], ref.id)
    done = archive.replay()[ref.id]  # type: ignore[index]
    assert (done.ending, done.item) == ("failed/not_captured", None)


def test_an_api_answer_without_a_body_sends_to_the_page(archive: Archive) -> None:
    case, (body,) = fixture("nuxt_a-ARTI1737003232052872")
    url = case["fixture"]["url"]
    archive.api(url, json.dumps({"succeed": 0, "errorCode": 1}).encode(), "ARTI1737003232052872")
    archive.page(url, body, "ARTI1737003232052872")
    done = archive.replay()["ARTI1737003232052872"]
    same_as_fixture(done, case["item"])
    assert done.counts["cri/api/unusable"] == 1


def test_a_failed_api_request_sends_to_the_page(archive: Archive) -> None:
    case, (body,) = fixture("nuxt_a-ARTI1737003232052872")
    url = case["fixture"]["url"]
    archive.api(url, b"busy", "ARTI1737003232052872", status=503)
    archive.page(url, body, "ARTI1737003232052872")
    done = archive.replay()["ARTI1737003232052872"]
    same_as_fixture(done, case["item"])
    assert done.counts["cri/api/failed"] == 1


def test_a_shell_is_read_from_its_rendered_copy_or_skipped_without_one(archive: Archive) -> None:
    case, (rendered,) = fixture("nuxt_a-ARTI1737003232052872")
    url = case["fixture"]["url"]
    other = "https://polish.cri.cn/2025/01/07/ARTI1736226271115181"
    archive.api(url, b"{}", "ARTI1737003232052872")
    shell = archive.page(url, SHELL, "ARTI1737003232052872")
    archive.page(url, rendered, "ARTI1737003232052872", rendered_from=shell)
    archive.api(other, b"{}", "ARTI1736226271115181")
    archive.page(other, SHELL, "ARTI1736226271115181")
    done = archive.replay()
    assert done["ARTI1737003232052872"].item.extraction == "browser"
    assert done["ARTI1737003232052872"].item.body == case["item"]["body"]
    assert done["ARTI1736226271115181"].ending == "skipped/shell_without_browser"


def test_an_old_article_at_its_next_address(archive: Archive) -> None:
    """E3 linked with `.shtml`: that page answered 404, the platform's page has it."""
    case, (body,) = fixture("abody-ARTI2LeX8wLWaH8XXNofdIj7221228")
    url = case["fixture"]["url"]
    platform = url.removesuffix(".shtml")
    archive.page(url, b"gone", "ARTI2LeX8wLWaH8XXNofdIj7221228", status=404)
    archive.page(platform, body, "ARTI2LeX8wLWaH8XXNofdIj7221228")
    done = archive.replay()["ARTI2LeX8wLWaH8XXNofdIj7221228"]
    assert done.ending == "item"
    assert done.counts["cri/address/next"] == 1
    assert done.item.body == case["item"]["body"]


def test_a_page_that_answered_an_error_fails_with_its_status(archive: Archive) -> None:
    archive.page("https://polish.cri.cn/news/china/3875/20201030/560001.html", b"no", "E2-560001", status=410)
    assert archive.replay()["E2-560001"].ending == "failed/http_410"


def test_a_listing_gives_its_articles_their_card_and_section(archive: Archive) -> None:
    case, (body,) = fixture("api-content-ARTI1736294995095905")
    url = case["fixture"]["url"]
    card = {"link": url, "date": "1736295000000", "brief": "Zapowiedź.",
            "photo": {"large": "https://polish.cri.cn/photo.jpg"}}
    listing = {"succeed": 1, "result": {"modules": [{"cardgroups": [{"cardgroup": {"cards": [{"card": card}]}}]}]}}
    archive.api("https://polish.cri.cn/news/page.shtml", json.dumps(listing).encode(), None)
    archive.api("https://polish.cri.cn/news/page.shtml?page=2", json.dumps(listing).encode(), None)
    archive.api(url, body, "ARTI1736294995095905")
    done = archive.replay()
    assert done.keys() == {"ARTI1736294995095905"}
    item = done["ARTI1736294995095905"].item
    assert item.section == "https://polish.cri.cn/news/page.shtml"
    assert "https://polish.cri.cn/photo.jpg" in item.images
    assert archive.counts["replay/records/listings"] == 2


def test_items_out_of_the_gate_are_skipped(archive: Archive) -> None:
    case, (body,) = fixture("h1-E2-560001")
    archive.page(case["fixture"]["url"], body, "E2-560001")
    assert archive.replay(since=date(2030, 1, 1))["E2-560001"].ending == "skipped/before_since"


@pytest.mark.parametrize(
    ("published", "since", "until", "expected"),
    [
        ("2024-07-03T19:56:10+08:00", None, None, True),
        ("2024-07-03T19:56:10+08:00", date(2024, 7, 3), date(2024, 7, 3), True),  # both ends in
        ("2024-07-03T19:56:10+08:00", date(2024, 7, 4), None, False),
        ("2024-07-03T19:56:10+08:00", None, date(2024, 7, 2), False),
        ("2024-07-03T00:30:00+08:00", None, date(2024, 7, 3), True),  # its own (Beijing) day
        (None, None, date(2024, 7, 2), False),
    ],
)
def test_in_range(published: str | None, since: date | None, until: date | None, expected: bool) -> None:
    assert in_range(published, since, until) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-30T20:32:30.311430Z", datetime(2026, 11, 30, 20, 32, 30, 311430, tzinfo=timezone.utc)),
        ("2026-11-30T20:32:30Z", datetime(2026, 11, 30, 20, 32, 30, tzinfo=timezone.utc)),
        ("2026-11-30T20:32:30", datetime(2026, 11, 30, 20, 32, 30, tzinfo=timezone.utc)),
        ("not a date", None),
    ],
)
def test_fetch_time(text: str, expected: datetime | None) -> None:
    assert fetch_time(text) == expected


def test_read_ids(tmp_path: Path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("# a comment\nE2-560001\n\n  ARTI1736294995095905  # trailing comment\n"
                   "https://polish.cgtn.com/2022/12/28/ARTI2LeX8wLWaH8XXNofdIj7221228.shtml?spm=x\n",
                   encoding="utf-8")
    assert list(read_ids(ids, EDITION)) == ["E2-560001", "ARTI1736294995095905",
                                            "ARTI2LeX8wLWaH8XXNofdIj7221228"]


def test_the_report_section() -> None:
    stats = {"replay/articles": 5, "store/new": 1, "store/updated": 2, "dedupe/unchanged": 1,
             "replay/era/E2/new": 1, "replay/era/E2/changed": 2, "replay/era/E4/unchanged": 1,
             "replay/era/E4/failed": 1, "replay/failed/no_body": 1, "replay/records/read": 9,
             "replay/records/corrupt_members": 1, "replay/out_of_range": 3}
    section = report(stats, "import", ["/data/a.warc.gz"])
    assert section == {
        "mode": "import", "articles": 5, "new": 1, "changed": 2, "unchanged": 1, "failed": 1,
        "failed_by_reason": {"no_body": 1}, "out_of_range": 3, "ids_not_found": 0,
        "by_era": {"E2": {"new": 1, "changed": 2}, "E4": {"unchanged": 1, "failed": 1}},
        "records": {"corrupt_members": 1, "read": 9}, "sources": ["/data/a.warc.gz"],
    }
