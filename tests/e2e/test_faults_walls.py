"""200 answers that are not the article: a maintenance page, a captcha, a consent wall. No item
(the notice must not become a body, not even through the density search or the fallback),
counted under `cri/interstitial/<kind>` and as an article page without a body, so the health
check `no_body_share` sees them. (How a wall is told from an article, page by page:
tests/crawler/parsers/test_interstitial.py.)"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.replica import ReplicaServer
from tests.replica.probe import article_key
from tests.replica.server import Request, Response
from tests.replica.walls import CAPTCHA, CONSENT, MAINTENANCE
from tests.support.crawling import scrapy_crawl
from tests.support.run import cri_run, failing, last_report

WALLS = {"maintenance": MAINTENANCE, "captcha": CAPTCHA, "consent": CONSENT}
# One article of each era, as plain pages (E4 also through its API).
ARTICLES = {
    "E1": "/501/2013/02/10/101s114710.htm",
    "E2": "/wisla_i_langcy/4206/20220324/744781.html",
    "E3": "/2024/07/03/ARTIzR7mcXGTA3meOEfr1fMJ240703.shtml",
    "E4": "/2026/11/10/ARTI1794283195192808",
}


@pytest.mark.parametrize(("kind", "html"), WALLS.items())
def test_wall_instead_of_the_article_gives_no_item_in_any_era(
    make_replica: Callable[..., ReplicaServer], tmp_path: Path, kind: str, html: str
) -> None:
    server = make_replica()
    for path in ARTICLES.values():
        server.overrides.add(path, Response.html(html))
    server.overrides.add("/api/getData", Response.html(html), methods=("POST",))  # the API too
    urls = ",".join(f"http://polish.cri.cn{path}" for path in ARTICLES.values())
    result = scrapy_crawl(tmp_path, server.base_url, {"urls": urls}, {"CRAWLER_BROWSER": "False"})
    assert result.returncode == 0, result.log[-3000:]
    assert result.items == []
    assert result.stats.get(f"cri/interstitial/{kind}") == len(ARTICLES)
    assert result.stats.get("cri/skipped/no_body") == len(ARTICLES)
    assert result.stats.get("cri/pages/articles_parsed") == len(ARTICLES)


def test_health_check_sees_walls_as_pages_without_body(
    make_replica: Callable[..., ReplicaServer], tmp_path: Path
) -> None:
    server = make_replica()
    walled = "ARTI1794283195192808"

    def about(request: Request) -> bool:
        return article_key(request.api_id or f"https://polish.cri.cn{request.path}") == walled

    server.overrides.add(about, Response.html(MAINTENANCE))
    # One page in a small run: judged from one case (the minimum count: test_checks.py).
    proc = cri_run(tmp_path / "data", server.base_url, CRAWLER_MONITOR_MAX_PAGES="1",
                   CRAWLER_HEALTH_MAX_NO_BODY_SHARE="0.01", CRAWLER_HEALTH_MIN_JUDGED="1")
    assert proc.returncode == 1, proc.stderr[-3000:]
    report = last_report(tmp_path / "data")
    assert report["pages"]["no_body"] == 1
    assert "no_body_share" in failing(report)
