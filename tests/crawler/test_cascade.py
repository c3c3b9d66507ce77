"""An article's sources in order (`crawler/cascade.py`): the one cascade the crawl and the replay
walk, by tables of steps and outcomes."""

from __future__ import annotations

from typing import Any

import pytest

from crawler import stats
from crawler.cascade import Lead, Step, after, after_failure, first_step
from crawler.editions import get_edition
from crawler.extract import Item, Need, Needed, Outcome, Skip, Via
from crawler.urls import classify

EDITION = get_edition("polish")
E1 = "https://polish.cri.cn/501/2013/02/10/101s114710.htm"
E3 = "https://polish.cri.cn/2024/07/03/ARTIzR7mcXGTA3meOEfr1fMJ240703.shtml"
E4 = "https://polish.cri.cn/2026/11/10/ARTI1794283195192808"
# An E3 id as the current platform links it (no `.shtml`): served there again.
MIGRATED = "https://polish.cri.cn/2024/07/03/ARTIzR7mcXGTA3meOEfr1fMJ240703"
COVERED = {"cri/pages/articles_parsed": 1, "cri/fields/body": 1, "cri/interstitial/soft_404": 1}


def lead(url: str) -> Lead:
    ref = classify(url, EDITION)
    assert ref is not None
    return Lead.of(ref)


@pytest.mark.parametrize(
    ("url", "via", "tries"),
    [
        (E4, Via.API, (E4,)),
        (MIGRATED, Via.API, (MIGRATED, E3)),  # the platform's address first, as linked
        (E3, Via.PAGE, (E3, MIGRATED)),  # the old page first, as linked
        (E1, Via.PAGE, (E1,)),
    ],
)
def test_the_first_source_is_the_api_where_the_platform_serves_the_article(
    url: str, via: Via, tries: tuple[str, ...],
) -> None:
    step = first_step(lead(url), EDITION)
    assert (step.via, step.lead.tries, step.lead.url) == (via, tries, tries[0])


@pytest.mark.parametrize(
    ("url", "via", "expected"),
    [
        (E4, Via.API, (Via.PAGE, E4, stats.API_FAILED)),  # a failed API gives way to the page
        (MIGRATED, Via.API, (Via.PAGE, MIGRATED, stats.API_FAILED)),
        (MIGRATED, Via.PAGE, (Via.PAGE, E3, stats.NEXT_ADDRESS)),  # then the old page
        (E3, Via.PAGE, (Via.PAGE, MIGRATED, stats.NEXT_ADDRESS)),
        (E4, Via.PAGE, None),  # no other address: ended, unread
        (E4, Via.BROWSER, None),
    ],
)
def test_after_a_failed_fetch(url: str, via: Via, expected: tuple[Via, str, str] | None) -> None:
    following, stat = after_failure(Step(lead(url), via))
    if expected is None:
        assert (following, stat) == (None, None)
    else:
        assert following is not None and (following.via, following.lead.url, stat) == expected


def test_after_the_last_address_failed_the_article_ends() -> None:
    following, _ = after_failure(Step(lead(E3), Via.PAGE))
    assert following is not None
    assert after_failure(following) == (None, None)


ABSENT = Skip(COVERED, reason="soft_404", absent=True)
WALL = Skip(COVERED, reason="maintenance", absent=False)


@pytest.mark.parametrize(
    ("url", "outcome", "expected"),
    [
        (E3, Item(COVERED), None),
        (E4, WALL, None),  # the site is in the way, not absent: no other address helps
        (E4, ABSENT, None),  # absent, but no other address
        (E3, ABSENT, (Via.PAGE, MIGRATED)),
        (E4, Need(COVERED, what=Needed.PAGE), (Via.PAGE, E4)),
        (E4, Need(COVERED, what=Needed.BROWSER), (Via.BROWSER, E4)),
    ],
)
def test_after_an_outcome(url: str, outcome: Outcome, expected: tuple[Via, str] | None) -> None:
    following, counts = after(Step(lead(url), Via.PAGE), outcome, record="<urn:uuid:1>")
    if expected is None:
        assert following is None
    else:
        assert following is not None and (following.via, following.lead.url) == expected
        assert following.shell == ("<urn:uuid:1>" if following.via is Via.BROWSER else None)
    if outcome is ABSENT and expected is not None:
        # A page superseded by the next address: its walls count, its coverage does not.
        assert counts == {"cri/interstitial/soft_404": 1, stats.NEXT_ADDRESS: 1}
    else:
        assert counts == COVERED


def test_a_multi_page_article_goes_on_to_its_next_page_not_to_another_address() -> None:
    pages: tuple[Any, ...] = ("page-1-extract",)  # what the extractor read of page 1
    following, _ = after(Step(lead(E1), Via.PAGE), Need(what=Needed.NEXT_PAGE, pages=pages), None)
    assert following is not None
    assert (following.via, following.lead.pages, following.lead.url) == (
        Via.PAGE, pages, "https://polish.cri.cn/501/2013/02/10/101s114710_2.htm")
    # Once a page is read, a failure is the article's end: its pages have no other address.
    assert following.lead.next_address() is None
