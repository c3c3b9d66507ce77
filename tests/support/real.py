"""Real material of the outlet (`shared/site/real/`, DOSSIER section 9), as the tests read it."""

from __future__ import annotations

import json

from crawler.parsers import e4
from crawler.parsers.listing import cards
from tests.support.paths import SHARED

# A real `getData` answer of an esperanto.cri.cn section, and the section it is of.
REAL_LISTING = SHARED / "site" / "real" / "esperanto-api-getData-aktualajo-2026-09-25.json"
REAL_SECTION = "https://esperanto.cri.cn/aktualajo/page.shtml"


def real_cards() -> list[tuple[str, str]]:
    """(link, date) of every card of the real listing, in page order."""
    result = e4.api_result(json.loads(REAL_LISTING.read_bytes()))
    return [(card.link, card.date) for card in cards(result)]
