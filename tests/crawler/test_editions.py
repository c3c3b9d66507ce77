"""The registry of editions (one data file each) and eras, every edition's own rules as a table,
and the Esperanto edition tried on real material as it is (`shared/site/real/`: a real `getData`
answer of an esperanto.cri.cn section). A crawl of that answer, and of the Turkish edition:
tests/e2e/test_crawl_editions.py. `cri-crawler editions`: test_editions_listing.py."""

from __future__ import annotations

import json
import re
from dataclasses import replace
import tomllib
from datetime import date, datetime, timedelta, timezone
from importlib import resources
from typing import Any

import pytest
from scrapy.utils.test import get_crawler

from crawler import schema
from crawler.editions import EDITIONS, edition_names, get_edition
from crawler.editions.base import edition_from_record
from crawler.eras import ERAS, ParserVersion
from crawler.items import Article
from crawler.parsers import e4
from crawler.parsers.e1 import E1Parser
from crawler.parsers.listing import module_links
from crawler.urls import Kind, classify
from pipelines.validate import ValidatePipeline
from tests.support.real import REAL_LISTING, REAL_SECTION, real_cards
from tests.support.settings import project_settings

BEIJING = timezone(timedelta(hours=8))


# -- the registry ------------------------------------------------------------------------------

# Every edition of the registry: its language, eras, and the dossier section its note cites.
# Hosts are `<name>.cri.cn` (polish has its 2025 alias too). Adding an edition adds a row.
TABLE = {
    "polish": ("pl", ("E1", "E2", "E3", "E4"), "sections 1, 4, 7 and 9"),
    "croatian": ("hr", ("E3", "E4"), "introduction"),
    "czech": ("cs", ("E3", "E4"), "sections 4 and 6"),
    "esperanto": ("eo", ("E3", "E4"), "section 9"),
    "filipino": ("tl", ("E3", "E4"), None),  # host named by issue #17, not in the dossier's text
    "german": ("de", ("E3", "E4"), "section 4"),
    "hindi": ("hi", ("E3", "E4"), "introduction"),
    "romanian": ("ro", ("E3", "E4"), None),
    "serbian": ("sr", ("E3", "E4"), None),
    "swahili": ("sw", ("E3", "E4"), "introduction"),
    "turkish": ("tr", ("E3", "E4"), "section 2"),
}
# An article created on the current platform, and a migrated one linked without `.shtml`.
E4_PATH = "/2026/10/05/ARTI1791339316000053"
MIGRATED_PATH = "/2021/09/21/ARTIG44xVBIGGbyduNANsbHa220817"


def data_file(name: str) -> dict[str, Any]:
    text = resources.files("crawler.editions").joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def test_unknown_edition_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="known: croatian, czech, esperanto, filipino, german, hindi, "
                                       "polish, romanian, serbian, swahili, turkish"):
        get_edition("klingon")


def test_every_data_file_is_an_edition_polish_first_then_by_name() -> None:
    files = sorted(entry.name for entry in resources.files("crawler.editions").iterdir()
                   if entry.name.endswith(".toml"))
    assert sorted(f"{name}.toml" for name in EDITIONS) == files
    assert list(EDITIONS) == edition_names() == ["polish", *sorted(set(TABLE) - {"polish"})]


@pytest.mark.parametrize("name", TABLE)
def test_every_edition_has_its_host_language_eras_and_what_the_dossier_verifies(name: str) -> None:
    edition = get_edition(name)
    language, eras, section = TABLE[name]
    assert edition.name == name
    assert edition.canonical_host == f"{name}.cri.cn"
    aliases = ("polish.cgtn.com",) if name == "polish" else ()
    assert edition.hosts == (f"{name}.cri.cn", *aliases)
    assert (edition.language, tuple(era.name for era in edition.eras)) == (language, eras)
    assert edition.platform_era is not None and edition.platform_era.name == "E4"
    assert (f"(DOSSIER {section})" if section else "issue #17") in edition.verified
    assert edition.local_id_prefix == ("" if name == "polish" else f"{name}-")
    assert edition.tz.utcoffset(None) == timedelta(hours=8)
    # The platform's shared English consent dialog is noise on every edition.
    assert edition.is_noise_line("Our Privacy Statement & Cookie Policy")
    assert edition.is_noise_line("2026-10-05 10:15:20")


@pytest.mark.parametrize("name", TABLE)
def test_an_article_url_of_each_host_is_that_editions_and_no_others(name: str) -> None:
    edition = get_edition(name)
    ref = classify(f"https://{name}.cri.cn{E4_PATH}", edition)
    assert ref is not None
    assert (ref.kind, ref.era, ref.id) == (Kind.ARTICLE, "E4", "ARTI1791339316000053")
    assert ref.url == f"https://{name}.cri.cn{E4_PATH}"
    migrated = classify(f"https://{name}.cri.cn{MIGRATED_PATH}", edition)
    assert migrated is not None and migrated.era == "E3" and migrated.linked_on_platform
    assert migrated.url == f"https://{name}.cri.cn{MIGRATED_PATH}.shtml"
    for other in EDITIONS.values():
        if other is not edition:
            assert classify(f"https://{name}.cri.cn{E4_PATH}", other) is None, other.name


def test_ids_stay_unique_across_editions() -> None:
    # The platforms' ARTI tokens are the CMG's own, one namespace; the legacy CMSes' serials
    # are numbered per edition, so an edition's local ids match its own id pattern only.
    local = {"E1": "E1-144787", "E2": "E2-744781"}
    for edition in EDITIONS.values():
        for era in edition.eras:
            if not era.local_ids:
                continue
            own = edition.local_id_prefix + local[era.name]
            assert re.fullmatch(edition.id_pattern, own)
            assert not any(re.fullmatch(other.id_pattern, own)
                           for other in EDITIONS.values() if other is not edition)


@pytest.mark.parametrize(
    ("name", "paragraph", "author"),
    [
        ("turkish", "Fuarı 200 000 kişi ziyaret etti. (Ş. İ.)", "Ş. İ."),
        ("german", "Mehr als 200 000 Besucher. (Ü. K.)", "Ü. K."),
        ("czech", "Veletrh navštívilo přes 200 000 lidí. (Ř. Č.)", "Ř. Č."),
        ("croatian", "Sajam je posjetilo 200 000 ljudi. (Đ. Ž.)", "Đ. Ž."),
        ("swahili", "Watu zaidi ya 200 000. (A. M.)", "A. M."),
        ("romanian", "Târgul a fost vizitat de 200 000 de persoane. (Ș. Ț.)", "Ș. Ț."),
        ("romanian", "Text mai vechi, cu sedilă. (Ş. Ţ.)", "Ş. Ţ."),
        ("filipino", "Mahigit 200 000 katao ang bumisita. (Ñ. R.)", "Ñ. R."),
        ("serbian", "Сајам је посетило 200 000 људи. (Ђ. Ј.)", "Ђ. Ј."),
        ("serbian", "Sajam je posetilo 200 000 ljudi. (Č. Š.)", "Č. Š."),
        ("serbian", "Видети горе (в. с.)", None),
        ("hindi", "प्रदर्शनी में लोग आए। (A. K.)", "A. K."),
        # Dotted Devanagari abbreviations (a party's name) are body text, not initials.
        ("hindi", "चुनाव में भारतीय जनता पार्टी (भा.ज.पा.)", None),
        # Lower-case letters in parentheses are no initials, on any edition.
        ("turkish", "Bkz. önceki haber (s. ö.)", None),
        ("german", "Siehe oben (vgl. s.)", None),
    ],
)
def test_trailing_initials_in_the_editions_letters(name: str, paragraph: str,
                                                   author: str | None) -> None:
    text, found = get_edition(name).split_initials(paragraph)
    assert found == author
    assert text == (paragraph if author is None else paragraph[: paragraph.rindex(" (")])


@pytest.mark.parametrize(
    ("name", "line", "noise"),
    [
        ("czech", "Sdílej:", True),  # the Czech share label of the E3 template (DOSSIER section 4)
        ("polish", "Sdílej:", False),
        ("czech", "Podziel się:", False),
        ("turkish", "Baidu", True),
        ("german", "© China Radio International.CRI. All Rights Reserved.", True),
        ("hindi", "Privacy Policy", True),
        ("swahili", "CRI", True),
    ],
)
def test_noise_lines_of_each_edition(name: str, line: str, noise: bool) -> None:
    assert get_edition(name).is_noise_line(line) is noise


@pytest.mark.parametrize(
    ("name", "heading", "kind"),
    [
        ("turkish", "SAYFA BULUNAMADI", "soft_404"),  # case-insensitive takes I for ı
        ("turkish", "Sitemiz bakım çalışması nedeniyle kapalıdır", "maintenance"),
        ("turkish", "Hata 404", "soft_404"),
        ("german", "Seite nicht gefunden", "soft_404"),
        ("german", "Wegen Wartungsarbeiten nicht erreichbar", "maintenance"),
        ("czech", "Stránka nebyla nalezena", "soft_404"),
        ("czech", "Probíhá údržba", "maintenance"),
        ("croatian", "Stranica nije pronađena", "soft_404"),
        ("romanian", "Pagina nu a fost găsită", "soft_404"),
        ("romanian", "Site-ul este în mentenanță", "maintenance"),
        ("romanian", "Lucrări de mentenanță la metroul din București", None),
        ("serbian", "Страница није пронађена", "soft_404"),
        ("serbian", "Stranica nije pronađena", "soft_404"),
        ("filipino", "Hindi nahanap ang pahina", "soft_404"),
        ("swahili", "Page not found", "soft_404"),  # English: the local words are UNKNOWN
        ("hindi", "Service Unavailable", "maintenance"),
        ("hindi", "Cookie Policy", "consent"),
        # A headline about maintenance or care is no wall.
        ("german", "Wartung der Seidenstraße: neue Züge", None),
        ("turkish", "Sağlık bakımı için yeni adımlar", None),
    ],
)
def test_wall_words_of_each_edition(name: str, heading: str, kind: str | None) -> None:
    words = get_edition(name).wall_words
    assert next((k for k, pattern in words.items() if pattern.search(heading)), None) == kind


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"eras": []}, "eras must name some of E1, E2, E3, E4 once"),
        ({"eras": ["E4", "E5"]}, "eras must name some of"),
        ({"eras": ["E4", "E4"]}, "eras must name some of"),
        ({"era": ["E4"]}, "unknown key era"),
        ({"verified": " "}, "verified must say what the dossier has seen"),
        ({"language": "fil"}, "language must be an ISO 639-1 code, got 'fil'"),
        ({"language_name": ""}, "language_name must name the language in English"),
        ({"noise": {"lines": []}}, "missing noise.initials"),
    ],
)
def test_a_wrong_data_file_is_refused_naming_it(change: dict[str, Any], problem: str) -> None:
    record = {**data_file("turkish"), **change}
    with pytest.raises(ValueError, match=rf"^crawler/editions/turkish\.toml: {re.escape(problem)}"):
        edition_from_record("turkish", record)


def test_a_data_file_without_its_eras_is_refused() -> None:
    record = data_file("turkish")
    del record["eras"]
    with pytest.raises(ValueError, match="turkish.toml: missing eras$"):
        edition_from_record("turkish", record)


def test_a_data_file_is_the_edition() -> None:
    assert edition_from_record("turkish", data_file("turkish")) == get_edition("turkish")


def test_no_host_belongs_to_two_editions() -> None:
    hosts = [host for edition in EDITIONS.values() for host in edition.hosts]
    assert len(hosts) == len(set(hosts))


def test_every_era_parser_is_declared_once_per_era() -> None:
    assert set(ERAS) == {"E1", "E2", "E3", "E4"}
    for era in ERAS.values():
        assert era.parsers and era.parser() is era.parsers[-1].parser


def test_a_markup_version_serves_the_pages_dated_from_its_start() -> None:
    old, new = E1Parser(), E1Parser()
    era = replace(ERAS["E1"], parsers=(ParserVersion(old), ParserVersion(new, 2, date(2012, 5, 1))))
    assert era.parser(date(2012, 4, 30)) is old
    assert era.parser(date(2012, 5, 1)) is new
    assert era.parser(None) is new  # no date in the URL: the newest markup


def test_legacy_serials_stay_unique_across_editions() -> None:
    # Two editions with the legacy CMS number their articles independently: the same serial
    # on each must give two ids. polish keeps its unprefixed ids; any other edition is prefixed.
    polish = get_edition("polish")
    sister = replace(polish, name="czech", hosts=("czech.cri.cn",), gateways=(), local_id_prefix="czech-")
    path = "/1364/2019/09/30/41s144787.htm"
    ids = {classify(f"https://{e.canonical_host}{path}", e).id for e in (polish, sister)}  # type: ignore[union-attr]
    assert ids == {"E1-144787", "czech-E1-144787"}
    prefixes = [e.local_id_prefix for e in EDITIONS.values()]
    assert len(prefixes) == len(set(prefixes))
    assert EDITIONS["esperanto"].local_id_prefix == "esperanto-"


def test_the_published_schema_holds_the_registry_rules() -> None:
    assert schema.updated(schema.published()) == schema.published(), (
        "stale: run python -m crawler.schema"
    )


@pytest.mark.parametrize(
    ("edition", "item_id", "era", "problem"),
    [
        ("polish", "E1-144787", "E1", None),
        ("esperanto", "E1-144787", "E1", "bad_id"),  # esperanto has no E1
        ("esperanto", "ARTI1789381806935658", "E2", "bad_era"),  # esperanto has no E2
        ("esperanto", "ARTIwzhK4GXDwVxzBMbXaeoh220817", "E3", None),  # migrated, served again
        ("esperanto", "ARTI1789381806935658", "E4", None),
        ("turkish", "ARTI1791339316000053", "E4", None),
        ("turkish", "turkish-E1-144787", "E1", "bad_id"),  # turkish has no E1
    ],
)
def test_validation_follows_the_crawled_edition(edition: str, item_id: str, era: str,
                                                problem: str | None) -> None:
    record = get_edition(edition)
    crawler = get_crawler(settings_dict=project_settings(CRAWLER_EDITION=edition))
    pipeline = ValidatePipeline.from_crawler(crawler)
    item = Article(id=item_id, url=f"https://{record.canonical_host}/x", era=era, headline="H",
                   published="2026-09-14T18:30:20+08:00", published_source="api", body="B", edition=edition,
                   language=record.language, extraction="api")
    assert pipeline.problem(item) == problem


# -- Esperanto on real material ----------------------------------------------------------------

def test_real_listing_article_cards_are_articles_dated_in_beijing_time() -> None:
    edition = get_edition("esperanto")
    articles = {}
    for link, stamp in real_cards():
        ref = classify(link, edition)
        if ref is not None and ref.kind is Kind.ARTICLE:
            articles[ref.id] = ref
            # The real note: the URL's date is the card's (epoch ms) Beijing calendar date.
            shown = datetime.fromtimestamp(int(stamp) / 1000, BEIJING).date()
            assert ref.url_date == shown, link
            if ref.era == "E4":
                assert ref.url == link
            else:  # migrated: linked where the platform serves it, read there first
                assert (ref.era, ref.addresses) == ("E3", (link, link + ".shtml"))
    # 7 articles created on the current platform (two listed twice) and 3 migrated ones.
    assert sorted(ref.era for ref in articles.values()) == ["E3"] * 3 + ["E4"] * 7


def test_real_listing_navigation_and_foreign_links_are_no_articles() -> None:
    edition = get_edition("esperanto")
    kinds = {link: (ref.kind if (ref := classify(link, edition)) else None) for link, _ in real_cards()}
    assert kinds["https://esperanto.cri.cn/"] is Kind.HOME
    assert kinds[REAL_SECTION] is Kind.SECTION
    assert kinds["https://esperanto.cri.cn/search.html"] is Kind.OTHER
    assert kinds["https://www.facebook.com/@criesperanto/"] is None
    result = e4.api_result(json.loads(REAL_LISTING.read_bytes()))
    sections = [classify(link, edition) for link in module_links(result)]
    assert sections and all(ref is not None and ref.kind is Kind.SECTION for ref in sections)


def test_the_polish_edition_does_not_take_esperanto_links() -> None:
    assert all(classify(link, get_edition("polish")) is None
               for link, _ in real_cards() if "esperanto.cri.cn" in link)
