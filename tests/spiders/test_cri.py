"""The `cri` spider's requests: what Scrapy did once per request, done once per spider (its
callbacks read by `is_generator_with_return_value`), and what the spider dedupes itself, so
that Scrapy's duplicate filter keeps only where redirects lead (`RedirectDupeFilter`)."""

from __future__ import annotations

import ast
import gc
import json
from typing import Any

import pytest
import scrapy.utils.misc
from scrapy.crawler import Crawler
from scrapy.http import Request, TextResponse
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from crawler import stats
from crawler.discovery import Discovery, ListingPage
from crawler.fetching import RedirectDupeFilter
from crawler.pagination import Walk
from crawler.urls import classify
from spiders.cri import CALLBACKS, CriSpider
from tests.support.settings import project_settings

BASE = "http://127.0.0.1:9"
SECTION = "https://polish.cri.cn/kultura/page.shtml"


def make_spider(**arguments: str) -> CriSpider:
    crawler = Crawler(CriSpider, Settings(project_settings()))
    spider = CriSpider.from_crawler(crawler, base_url=BASE, **arguments)
    crawler.spider, crawler.stats = spider, MemoryStatsCollector(crawler)
    spider.discovery = Discovery(spider.edition, spider.config, spider.options, crawler.stats)
    return spider


def article(n: int) -> str:
    return f"https://polish.cri.cn/2026/09/25/ARTI17902685806{n:05d}"


def test_every_callback_is_one_bound_method_for_the_spider_s_life() -> None:
    spider = make_spider()
    for name in CALLBACKS:
        assert getattr(spider, name) is getattr(spider, name), name
    first = next(spider._follow(article(1)))
    second = next(spider._follow(article(2)))
    assert first.callback is second.callback is spider.parse_article
    assert first.errback is second.errback is spider.on_article_error


def test_scrapy_reads_a_callback_s_source_once_not_once_a_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parsed: list[str] = []

    class CountingAst:  # Scrapy's `ast`, counting the sources it parses
        def __getattr__(self, name: str) -> Any:
            return getattr(ast, name)

        def parse(self, source: str, *args: Any, **kwargs: Any) -> ast.Module:
            parsed.append(source)
            return ast.parse(source, *args, **kwargs)

    monkeypatch.setattr(scrapy.utils.misc, "ast", CountingAst())
    scrapy.utils.misc._generator_callbacks_cache.clear()
    spider = make_spider()
    for n in range(20):  # one request at a time, each gone before the next, as in a crawl
        request = next(spider._follow(article(n)))
        assert not scrapy.utils.misc.is_generator_with_return_value(request.callback)
        del request
        gc.collect()
    assert len(parsed) == 1


def test_the_spider_s_own_requests_are_not_fingerprinted() -> None:
    dupefilter = RedirectDupeFilter()
    spider = make_spider()
    requests = [*spider._follow(article(1)), *spider._follow(article(1)), *spider._follow(SECTION)]
    assert len(requests) == 2  # the article once, by its id; the section once, by its URL
    assert not any(dupefilter.request_seen(r) for r in requests + requests)
    # Nothing of them was kept: a redirect to one of their URLs is the first request of it.
    assert not dupefilter.request_seen(Request(requests[0].url, meta={"redirect_urls": [BASE]}))


def test_a_redirect_loop_and_a_second_redirect_to_one_page_are_dropped() -> None:
    dupefilter = RedirectDupeFilter()
    page = f"{BASE}/a"

    def hop(url: str, *chain: str) -> Request:
        return Request(url, meta={"redirect_urls": list(chain)})

    assert not dupefilter.request_seen(hop(f"{page}?hop=1", page))
    assert not dupefilter.request_seen(hop(f"{page}?hop=0", page, f"{page}?hop=1"))
    assert dupefilter.request_seen(hop(f"{page}?hop=1", page, f"{page}?hop=1", f"{page}?hop=0"))
    assert dupefilter.request_seen(hop(page, page))  # a page that redirects to itself
    assert dupefilter.request_seen(hop(f"{page}?hop=0", f"{BASE}/b"))  # another chain, same page


def test_a_sitemap_listed_again_is_not_requested_again() -> None:
    spider = make_spider()

    def robots(*names: str) -> TextResponse:
        lines = "".join(f"Sitemap: https://polish.cri.cn/{name}.xml\n" for name in names)
        return TextResponse(f"{BASE}/robots.txt", body=lines.encode())

    first = [r.url for r in spider.parse_robots(robots("a", "b", "a"))]
    again = [r.url for r in spider.parse_robots(robots("a"))]
    assert first == [f"{BASE}/a.xml", f"{BASE}/b.xml"] and again == []
    assert spider.crawler.stats.get_value(stats.SITEMAP_REQUESTED) == 2


def listing_answer(links: list[str]) -> TextResponse:
    cards = [{"card": {"id": link.rsplit("/", 1)[1], "link": link, "title": "t", "date": ""}}
             for link in links]
    body = {"succeed": 1, "result": {"id": "Page", "modules": [
        {"templateName": "ShijieyuCards124", "id": "Modu", "title": "", "link": "",
         "cardgroups": [{"cardgroup": {"id": "Data", "title": "", "link": "", "cards": cards}}]}]}}
    return TextResponse(f"{BASE}/api/getData", body=json.dumps(body).encode(),
                        headers={"Content-Type": "application/json"})


def section_pages(outputs: list[Any]) -> list[int]:
    return [r.cb_kwargs["page"].walk.page for r in outputs if r.callback.__name__ == "parse_listing"]


def test_a_backfill_stops_a_section_at_its_first_page_without_article_links() -> None:
    spider = make_spider(since="2004-01-01")
    ref = classify(SECTION, spider.edition)
    assert ref is not None
    full = list(spider.parse_listing(listing_answer([article(1), article(2)]), ListingPage(ref, Walk(4))))
    assert section_pages(full) == [5]
    empty = list(spider.parse_listing(listing_answer([]), ListingPage(ref, Walk(5))))
    assert section_pages(empty) == []  # past the last page: no page 6
    assert spider.crawler.stats.get_value(stats.LISTING_STOPPED_EMPTY) == 1
    assert spider.crawler.stats.get_value(stats.LISTING_WITHOUT_ARTICLE_LINK) == 1
