"""E4 listings on small `getData` results: cards in page order through
`modules[].cardgroups[].cardgroup.cards[].card`, section links, a card's time (DOSSIER section 3)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from crawler.parsers.listing import Card, cards, module_links

BEIJING = timezone(timedelta(hours=8))


def group(*entries: Any, link: str = "") -> dict[str, Any]:
    return {"cardgroup": {"link": link, "cards": list(entries)}}


def test_cards_in_page_order_with_what_the_listing_tells() -> None:
    result = {"modules": [
        {"cardgroups": [group({"card": {"link": "https://polish.cri.cn/", "date": ""}})]},
        {"cardgroups": [group(
            {"card": {
                "link": " https://polish.cri.cn/2026/09/22/ARTI1790076169550487 ",
                "date": "1790076173000", "modifyDate": "1790076999000", "brief": " Zapowiedź ",
                "photo": {"thurm": "https://img/t.jpg"}, "video": {"url": "https://vod/x.m3u8"},
            }},
            {"card": {"link": "https://polish.cri.cn/2026/09/21/ARTI1789989769550123",
                      "date": 1789989773000, "photo": {"large": "https://img/l.jpg", "thurm": "t"}}},
        )]},
    ]}
    assert list(cards(result)) == [
        Card("https://polish.cri.cn/"),
        Card("https://polish.cri.cn/2026/09/22/ARTI1790076169550487", date="1790076173000",
             modify_date="1790076999000", brief="Zapowiedź", video="https://vod/x.m3u8",
             photo="https://img/t.jpg"),
        # a number where the API sends a string: its digits
        Card("https://polish.cri.cn/2026/09/21/ARTI1789989769550123", date="1789989773000",
             photo="https://img/l.jpg"),
    ]


@pytest.mark.parametrize(
    "result",
    [
        {},
        {"modules": "x"},
        {"modules": [None, {"cardgroups": [{"cardgroup": None}, {"cardgroup": {"cards": "x"}}]}]},
        # empty cards occur
        {"modules": [{"cardgroups": [group({"card": {"link": ""}}, {"card": {"title": "T"}},
                                           {"card": None}, "x")]}]},
    ],
    ids=["no_modules", "modules_not_list", "broken_groups", "empty_cards"],
)
def test_no_card_from_broken_or_empty_entries(result: dict[str, Any]) -> None:
    assert list(cards(result)) == []


def test_module_links_of_modules_and_card_groups_in_order() -> None:
    result = {"modules": [
        {"link": "https://polish.cri.cn/swiat/page.shtml",
         "cardgroups": [group(link="https://polish.cri.cn/swiat/azja/page.shtml"), group()]},
        {"link": "", "cardgroups": [group(link="https://polish.cri.cn/kultura/page.shtml")]},
        {"link": None, "cardgroups": [{"cardgroup": "x"}]},
        "x",
    ]}
    assert list(module_links(result)) == [
        "https://polish.cri.cn/swiat/page.shtml",
        "https://polish.cri.cn/swiat/azja/page.shtml",
        "https://polish.cri.cn/kultura/page.shtml",
    ]


@pytest.mark.parametrize(
    ("date", "time"),
    [
        ("0", datetime(1970, 1, 1, 8, 0, tzinfo=BEIJING)),
        ("1500", datetime(1970, 1, 1, 8, 0, 1, 500000, tzinfo=BEIJING)),
        # the DOSSIER's card: created 2026-09-22 in Beijing (the date of its URL)
        ("1790076173000", datetime(2026, 9, 22, 19, 22, 53, tzinfo=BEIJING)),
        ("", None),  # navigation cards
        ("2025-11-17", None),
        ("-1000", None),
        ("9" * 30, None),  # out of range
    ],
)
def test_card_time(date: str, time: datetime | None) -> None:
    found = Card("https://polish.cri.cn/x", date=date).time(BEIJING)
    assert found == time
    if found is not None:
        assert found.utcoffset() == timedelta(hours=8)
