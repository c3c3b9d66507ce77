"""Bounded sitemap discovery: the newest entries by `<lastmod>` within the run's caps."""

from __future__ import annotations

import tracemalloc
from datetime import datetime, timedelta, timezone

import pytest
from scrapy.utils.sitemap import Sitemap

from crawler.sitemaps import SitemapBudget, lastmod_time, newest

BEIJING = timezone(timedelta(hours=8))
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'

# Document order on purpose not newest first; c and e have no (readable) lastmod.
ENTRIES = [
    ("a", "2026-11-17T10:00:00+08:00"),
    ("b", "2026-11-19T09:54:05+08:00"),
    ("c", ""),
    ("d", "2026-11-18"),
    ("e", "not a date"),
    ("f", "2026-11-19T01:54:05Z"),  # 09:54:05 in Beijing: as new as b, later in the document
]
NEWEST_FIRST = ["b", "f", "d", "a", "c", "e"]


@pytest.mark.parametrize("limit", [0, 1, 3, 4, 5, 6, 7, 100])
def test_newest_first_within_the_cap(limit: int) -> None:
    taken, cut = newest(ENTRIES, limit, BEIJING)
    assert taken == NEWEST_FIRST[:limit]  # below, at and above the number of entries
    assert cut == max(0, len(ENTRIES) - limit)


def test_nothing_listed() -> None:
    assert newest([], 5, BEIJING) == ([], 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-19T09:54:05+08:00", datetime(2026, 11, 19, 9, 54, 5, tzinfo=BEIJING)),
        ("2026-11-19T01:54:05Z", datetime(2026, 11, 19, 9, 54, 5, tzinfo=BEIJING)),
        ("2026-11-19T09:54+08:00", datetime(2026, 11, 19, 9, 54, tzinfo=BEIJING)),
        ("2026-11-19", datetime(2026, 11, 19, tzinfo=BEIJING)),  # the outlet's day
        ("2026-11", datetime(2026, 11, 1, tzinfo=BEIJING)),
        ("2026", datetime(2026, 1, 1, tzinfo=BEIJING)),
        (" 2026-11-19 ", datetime(2026, 11, 19, tzinfo=BEIJING)),
        ("", None),
        ("19.11.2026", None),
        ("2026-13-01", None),
    ],
)
def test_lastmod_time(text: str, expected: datetime | None) -> None:
    assert lastmod_time(text, BEIJING) == expected


def test_the_budget_is_spent_across_sitemaps_and_what_is_taken_waits() -> None:
    budget = SitemapBudget(max_urls=4, max_sitemaps=10, tz=BEIJING)
    assert budget.take(ENTRIES[:3]) == (["b", "a", "c"], 0)
    assert budget.take(ENTRIES[3:]) == (["f"], 2)  # one URL left for the second sitemap
    assert budget.take(ENTRIES) == ([], len(ENTRIES))
    assert list(budget.backlog) == ["b", "a", "c", "f"]


def index(children: list[tuple[str, str]]) -> bytes:
    rows = "".join(f"<sitemap><loc>{loc}</loc>" + (f"<lastmod>{mod}</lastmod>" if mod else "")
                   + "</sitemap>" for loc, mod in children)
    return f'<?xml version="1.0"?><sitemapindex {NS}>{rows}</sitemapindex>'.encode()


def test_a_sitemap_index_fetches_its_newest_children_within_the_cap() -> None:
    sitemap = Sitemap(index([("https://polish.cri.cn/old.xml", "2020-01-01"),
                             ("https://polish.cri.cn/undated.xml", ""),
                             ("https://polish.cri.cn/latest_sitemap.xml", "2026-11-19")]))
    assert sitemap.type == "sitemapindex"
    budget = SitemapBudget(max_urls=100, max_sitemaps=3, tz=BEIJING)
    assert budget.sitemaps([("https://polish.cri.cn/sitemap_index.xml", "")]) == (
        ["https://polish.cri.cn/sitemap_index.xml"], 0)  # robots.txt's: one of the 3
    entries = ((e.get("loc", ""), e.get("lastmod", "")) for e in sitemap)
    assert budget.sitemaps(entries) == (
        ["https://polish.cri.cn/latest_sitemap.xml", "https://polish.cri.cn/old.xml"], 1)
    assert budget.sitemaps([("https://polish.cri.cn/more.xml", "")]) == ([], 1)


def test_a_huge_sitemap_is_read_holding_only_the_newest() -> None:
    rows = "".join(f"<url><loc>https://polish.cri.cn/2019/01/01/ARTI{n:016d}</loc>"
                   f"<lastmod>2019-01-01T00:00:{n % 60:02d}+08:00</lastmod></url>"
                   for n in range(30_000))
    body = f'<?xml version="1.0"?><urlset {NS}>{rows}</urlset>'.encode()
    tracemalloc.start()
    try:
        entries = ((e.get("loc", ""), e.get("lastmod", "")) for e in Sitemap(body))
        taken, cut = newest(entries, 2_000, BEIJING)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (len(taken), cut) == (2_000, 28_000)
    assert taken[0].endswith(f"ARTI{59:016d}")  # second 59 is the newest; the first of them
    assert peak < 2 << 20, peak >> 10  # the 2,000 kept, not 30,000 entries (~10 MB as dicts)
