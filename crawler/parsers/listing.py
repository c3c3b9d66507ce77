"""E4 listings: cards and section links from a home or section `getData` result."""

from __future__ import annotations

from collections.abc import Iterator
import re
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

# The date E4 listing pages show under a card (`17-Nov-2025`, DOSSIER section 2): English
# month names whatever the edition's language.
LISTING_DATE = re.compile(r"^\s*(\d{1,2})-([A-Z][a-z]{2})-(\d{4})\s*$")
MONTHS = {m: n for n, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}


def listing_day(text: str) -> date | None:
    """The day of a listing date such as `17-Nov-2025`; None for anything else."""
    m = LISTING_DATE.match(text)
    if not m or m[2] not in MONTHS:
        return None
    try:
        return date(int(m[3]), MONTHS[m[2]], int(m[1]))
    except ValueError:
        return None


@dataclass(frozen=True)
class Card:
    """One card of a listing: a link with what the listing tells about it."""

    link: str
    date: str = ""  # epoch ms as a string; "" on navigation cards
    modify_date: str = ""
    brief: str = ""
    video: str = ""
    photo: str = ""

    def time(self, tz: tzinfo) -> datetime | None:
        """The card's publication time (epoch milliseconds, or a listing date at midnight);
        None on navigation cards."""
        if day := listing_day(self.date):
            return datetime(day.year, day.month, day.day, tzinfo=tz)
        if not self.date.isdigit():
            return None
        try:
            return datetime.fromtimestamp(int(self.date) / 1000, tz)
        except (OverflowError, ValueError, OSError):
            return None


def cards(result: dict[str, Any]) -> Iterator[Card]:
    """Every card with a link, in page order (`modules[].cardgroups[].cardgroup.cards[].card`)."""
    for module in _dicts(result.get("modules")):
        for group in _dicts(module.get("cardgroups")):
            cardgroup = group.get("cardgroup")
            if not isinstance(cardgroup, dict):
                continue
            for entry in _dicts(cardgroup.get("cards")):
                card = entry.get("card")
                if not isinstance(card, dict) or not (link := _str(card.get("link"))):
                    continue  # empty cards occur
                video = card.get("video") if isinstance(card.get("video"), dict) else {}
                photo = card.get("photo") if isinstance(card.get("photo"), dict) else {}
                yield Card(
                    link=link,
                    date=_str(card.get("date")),
                    modify_date=_str(card.get("modifyDate")),
                    brief=_str(card.get("brief")),
                    video=_str(video.get("url")),
                    photo=_str(photo.get("large")) or _str(photo.get("thurm")),
                )


def module_links(result: dict[str, Any]) -> Iterator[str]:
    """Links of modules and card groups ("more" links to section pages)."""
    for module in _dicts(result.get("modules")):
        if _str(module.get("link")):
            yield _str(module["link"])
        for group in _dicts(module.get("cardgroups")):
            cardgroup = group.get("cardgroup")
            if isinstance(cardgroup, dict) and _str(cardgroup.get("link")):
                yield _str(cardgroup["link"])


def _dicts(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        yield from (v for v in value if isinstance(v, dict))


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))
