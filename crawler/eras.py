"""The outlet's eras: the CMS generations of CRI's sites, each with its URL grammar, its id
rule and its page parser (DOSSIER section 1). An edition lists the eras it has; everything
that needs era names or id patterns (the URL grammar, validation, the JSON Schema, the
fixture tests) reads them from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from crawler.parsers.base import PageParser
from crawler.parsers.e1 import E1Parser
from crawler.parsers.e2 import E2Parser
from crawler.parsers.e3 import E3Parser
from crawler.parsers.e4 import E4Parser

if TYPE_CHECKING:
    from collections.abc import Callable


@dataclass(frozen=True)
class ParserVersion:
    """A parser valid for the era's pages dated from `since` on (markup that changed inside
    an era gets a new version: older pages keep theirs)."""

    parser: PageParser
    version: int = 1
    since: date = date.min


@dataclass(frozen=True)
class Era:
    """One CMS generation: how its article URLs look, what id they carry, how pages parse."""

    name: str
    years: str  # as the dossier dates it, for people
    path: re.Pattern[str]  # an article path of this era (topic pages included, for E1)
    canonical: Callable[[re.Match[str]], str]  # the canonical path of a matched path
    article_id: Callable[[re.Match[str]], str]  # the id within the edition
    id_pattern: str  # every id `article_id` can give, as a regular expression
    url_date: Callable[[re.Match[str]], tuple[str, str, str]]  # the path's (y, m, d)
    parsers: tuple[ParserVersion, ...]
    # Ids that number articles per edition (the legacy CMSes' serials): other editions
    # qualify them with their name, so ids stay unique across editions.
    local_ids: bool = False
    api: bool = False  # articles come from the JSON API first, the page second
    page: Callable[[re.Match[str]], int] = field(default=lambda m: 1)  # page n (E1)
    topic: Callable[[re.Match[str]], bool] = field(default=lambda m: False)  # not an article
    # The path at which the current platform serves this era's article again (E3: without
    # `.shtml`), if it does (`PageRef.platform_url`).
    platform_path: Callable[[re.Match[str]], str | None] = field(default=lambda m: None)

    def parser(self, day: date | None = None) -> PageParser:
        """The parser for a page of that date (the newest version without one)."""
        valid = [v for v in self.parsers if day is None or v.since <= day]
        return max(valid or self.parsers[:1], key=lambda v: v.since).parser


E1 = Era(
    name="E1",
    years="2004-2019",
    path=re.compile(
        r"^/(?P<chan>\d+)/(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/"
        r"(?P<zt>Zt)?(?P<prefix>\d+)(?P<sep>[s@])(?P<serial>\d+)(?:_(?P<page>\d+))?\.htm$"
    ),
    # Page 1 of a multi-page article; topic pages keep their `Zt`.
    canonical=lambda m: (
        f"/{m['chan']}/{m['y']}/{m['m']}/{m['d']}/{m['zt'] or ''}{m['prefix']}{m['sep']}{m['serial']}.htm"
    ),
    article_id=lambda m: f"E1-{int(m['serial'])}",
    id_pattern=r"E1-[0-9]+",
    url_date=lambda m: (m["y"], m["m"], m["d"]),
    parsers=(ParserVersion(E1Parser()),),
    local_ids=True,
    page=lambda m: int(m["page"] or 1),
    topic=lambda m: bool(m["zt"]),  # `Zt` collections of teasers
)

E2 = Era(
    name="E2",
    years="2020-2022",
    path=re.compile(r"^/(?P<section>(?:[\w-]+/)+)(?P<chan>\d+)/(?P<ymd>\d{8})/(?P<num>\d+)\.html$"),
    canonical=lambda m: m.group(0),
    article_id=lambda m: f"E2-{int(m['num'])}",
    id_pattern=r"E2-[0-9]+",
    url_date=lambda m: (m["ymd"][:4], m["ymd"][4:6], m["ymd"][6:]),
    parsers=(ParserVersion(E2Parser()),),
    local_ids=True,
)

E3 = Era(
    name="E3",
    years="2022-2024",
    # The same id is served again without `.shtml` on the current platform.
    path=re.compile(
        r"^/(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/(?P<id>ARTI[0-9A-Za-z]{20}\d{6})(?P<shtml>\.shtml)?$"
    ),
    canonical=lambda m: f"/{m['y']}/{m['m']}/{m['d']}/{m['id']}.shtml",
    article_id=lambda m: m["id"],
    id_pattern=r"ARTI[0-9A-Za-z]{20}[0-9]{6}",
    url_date=lambda m: (m["y"], m["m"], m["d"]),
    parsers=(ParserVersion(E3Parser()),),
    platform_path=lambda m: f"/{m['y']}/{m['m']}/{m['d']}/{m['id']}",
)

E4 = Era(
    name="E4",
    years="2025-",
    path=re.compile(r"^/(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/(?P<id>ARTI\d{16})$"),
    canonical=lambda m: m.group(0),
    article_id=lambda m: m["id"],
    id_pattern=r"ARTI[0-9]{16}",
    url_date=lambda m: (m["y"], m["m"], m["d"]),
    parsers=(ParserVersion(E4Parser()),),
    api=True,
)

ERAS: dict[str, Era] = {era.name: era for era in (E1, E2, E3, E4)}
