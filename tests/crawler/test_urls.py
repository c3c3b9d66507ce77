"""URL grammar: every variant of one article gives one id and one canonical URL."""

from __future__ import annotations

from datetime import date

import pytest
from scrapy.exceptions import UsageError

from crawler.editions import get_edition
from crawler.options import CrawlOptions
from crawler.urls import Kind, classify, from_mirror, rebase, unrebase

EDITION = get_edition("polish")

SAME_ARTICLE = [
    (
        "ARTIzR7mcXGTA3meOEfr1fMJ240703",
        "https://polish.cri.cn/2024/07/03/ARTIzR7mcXGTA3meOEfr1fMJ240703.shtml",
        [
            "https://polish.cri.cn/2024/07/03/ARTIzR7mcXGTA3meOEfr1fMJ240703.shtml",
            "http://polish.cri.cn/2024/07/03/ARTIzR7mcXGTA3meOEfr1fMJ240703.shtml",
            "https://polish.cgtn.com/2024/07/03/ARTIzR7mcXGTA3meOEfr1fMJ240703.shtml",
            "https://polish.cri.cn/2024/07/03/ARTIzR7mcXGTA3meOEfr1fMJ240703.shtml?spm=C78358.P1.E2.3",
            "https://polish.cri.cn/2024/07/03/ARTIzR7mcXGTA3meOEfr1fMJ240703",  # re-served on E4
            "  HTTPS://POLISH.CRI.CN/2024/07/03/ARTIzR7mcXGTA3meOEfr1fMJ240703.shtml ",
        ],
    ),
    (
        "E2-569297",
        "https://polish.cri.cn/news/china/3875/20201030/569297.html",
        [
            "http://big5.cri.cn/gate/big5/polish.cri.cn/news/china/3875/20201030/569297.html",
            "https://polish.cri.cn/news/china/3875/20201030/569297.html",
            "https://polish.cgtn.com/news/china/3875/20201030/569297.html?spm=x",
        ],
    ),
    (
        "E1-144787",
        "https://polish.cri.cn/1364/2019/09/30/41s144787.htm",
        [
            "http://polish.cri.cn/1364/2019/09/30/41s144787.htm",
            "http://polish.cri.cn/1364/2019/09/30/41s144787_4.htm",
            "https://polish.cgtn.com/1364/2019/09/30/41s144787_2.htm",
        ],
    ),
    ("E1-75731", "https://polish.cri.cn/141/2008/05/08/2@75731.htm",
     ["https://polish.cri.cn/141/2008/05/08/2@75731.htm"]),
    (
        "ARTI1790268580629320",
        "https://polish.cri.cn/2026/09/25/ARTI1790268580629320",
        [
            "https://polish.cri.cn/2026/09/25/ARTI1790268580629320",
            "https://polish.cgtn.com/2026/09/25/ARTI1790268580629320?spm=C1",
        ],
    ),
]


@pytest.mark.parametrize(
    "expected_id, canonical, variant",
    [(i, c, v) for i, c, variants in SAME_ARTICLE for v in variants],
)
def test_every_variant_maps_to_one_article(expected_id: str, canonical: str, variant: str) -> None:
    ref = classify(variant, EDITION)
    assert ref is not None and ref.kind is Kind.ARTICLE
    assert (ref.id, ref.url) == (expected_id, canonical)


def test_eras_and_url_dates() -> None:
    cases = {
        "http://polish.cri.cn/1461/2018/06/08/22s140104.htm": ("E1", date(2018, 6, 8)),
        "https://polish.cri.cn/wisla_i_langcy/4206/20220324/744781.html": ("E2", date(2022, 3, 24)),
        "https://polish.cri.cn/2022/07/26/ARTIgJSOt72SqMoIUC945n8o220726.shtml": ("E3", date(2022, 7, 26)),
        "https://polish.cri.cn/2026/09/25/ARTI1790268580629320": ("E4", date(2026, 9, 25)),
    }
    for url, (era, day) in cases.items():
        ref = classify(url, EDITION)
        assert ref is not None and (ref.era, ref.url_date) == (era, day), url


@pytest.mark.parametrize(
    "url, kind",
    [
        ("https://polish.cri.cn/501/2013/02/25/Zt162s114951.htm", Kind.TOPIC),
        ("https://polish.cri.cn/vlogi/page.shtml", Kind.SECTION),
        ("https://polish.cgtn.com/vlogi/milomiciepoznac/page.shtml?spm=1", Kind.SECTION),
        ("https://polish.cri.cn/", Kind.HOME),
        ("https://polish.cri.cn", Kind.HOME),
        ("https://polish.cri.cn/search.html", Kind.OTHER),
        ("https://polish.cri.cn/2024/13/45/ARTIzR7mcXGTA3meOEfr1fMJ240703.shtml", Kind.ARTICLE),
    ],
)
def test_page_kinds(url: str, kind: Kind) -> None:
    ref = classify(url, EDITION)
    assert ref is not None and ref.kind is kind


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/2024/07/03/ARTIzR7mcXGTA3meOEfr1fMJ240703.shtml",
        "https://esperanto.cri.cn/2026/09/25/ARTI1790268580629320",
        "http://big5.cri.cn/gate/big5/german.cri.cn/news/1/20201030/1.html",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "ftp://polish.cri.cn/x",
    ],
)
def test_not_the_outlet(url: str) -> None:
    assert classify(url, EDITION) is None


def test_impossible_url_date_is_no_date() -> None:
    ref = classify("https://polish.cri.cn/2024/13/45/ARTIzR7mcXGTA3meOEfr1fMJ240703.shtml", EDITION)
    assert ref is not None and ref.url_date is None


def test_section_pagination_kept_tracking_dropped() -> None:
    ref = classify("https://polish.cri.cn/vlogi/page.shtml?spm=C1&page=3", EDITION)
    assert ref is not None and (ref.url, ref.query) == ("https://polish.cri.cn/vlogi/page.shtml", "page=3")


def test_e1_page_urls() -> None:
    ref = classify("http://polish.cri.cn/1364/2019/09/30/41s144787_4.htm", EDITION)
    assert ref is not None and ref.page == 4
    assert ref.page_url(1) == "https://polish.cri.cn/1364/2019/09/30/41s144787.htm"
    assert ref.page_url(3) == "https://polish.cri.cn/1364/2019/09/30/41s144787_3.htm"


def test_rebase_keeps_path_and_query() -> None:
    url = "https://polish.cri.cn/vlogi/page.shtml?page=2"
    assert rebase(url, None) == url
    assert rebase(url, "http://127.0.0.1:8080") == "http://127.0.0.1:8080/vlogi/page.shtml?page=2"


@pytest.mark.parametrize(
    ("url", "base", "fetched"),
    [
        # A base without a path: the URL's path and query on it (as ever; a "/" is no path).
        ("https://h.cn/a/b?q=1", "http://m:8000", "http://m:8000/a/b?q=1"),
        ("https://h.cn/a/b?q=1", "http://m:8000/", "http://m:8000/a/b?q=1"),
        # A base with a path: a mirror under that path.
        ("https://h.cn/a/b", "http://m/x", "http://m/x/a/b"),
        ("https://h.cn/a/b?q=1", "https://m/x/y/", "https://m/x/y/a/b?q=1"),
        # `{host}`: the URL's host, as `wget --mirror` lays a copy out (`<host>/<path>`).
        ("https://esperanto.cri.cn/2026/09/25/ARTI1790268580629320", "http://127.0.0.1:8000/{host}",
         "http://127.0.0.1:8000/esperanto.cri.cn/2026/09/25/ARTI1790268580629320"),
        ("http://POLISH.cgtn.com/vlogi/page.shtml?page=2", "http://m/copies/{host}/www",
         "http://m/copies/polish.cgtn.com/www/vlogi/page.shtml?page=2"),
        ("http://big5.cri.cn/gate/big5/polish.cri.cn/news/china/3875/20201030/569297.html",
         "http://m/{host}", "http://m/big5.cri.cn/gate/big5/polish.cri.cn/news/china/3875/20201030/569297.html"),
        ("https://h.cn:8443/a", "http://m/{host}", "http://m/h.cn:8443/a"),  # wget keeps a port
        ("https://h.cn", "http://m/{host}", "http://m/h.cn"),
    ],
)
def test_rebase_on_a_mirror(url: str, base: str, fetched: str) -> None:
    assert rebase(url, base) == fetched


@pytest.mark.parametrize(
    ("fetched", "base", "outlet"),
    [
        ("http://m:8000/a/b?q=1", None, "http://m:8000/a/b?q=1"),
        ("http://m:8000/a/b?q=1", "http://m:8000", "http://m:8000/a/b?q=1"),  # no path: as it is
        ("http://m/x/a/b?q=1", "http://m/x", "http://m/a/b?q=1"),
        ("http://m/x", "http://m/x/", "http://m"),
        ("http://m/esperanto.cri.cn/2026/09/25/ARTI1790268580629320", "http://m/{host}",
         "https://esperanto.cri.cn/2026/09/25/ARTI1790268580629320"),
        ("http://m/copies/polish.cgtn.com/www/vlogi/page.shtml?page=2", "http://m/copies/{host}/www",
         "https://polish.cgtn.com/vlogi/page.shtml?page=2"),
        # Not under the base: as it is (another origin, another path, a longer first segment).
        ("https://polish.cri.cn/a", "http://m/{host}", "https://polish.cri.cn/a"),
        ("http://n/x/a", "http://m/x", "http://n/x/a"),
        ("http://m/y/a", "http://m/x", "http://m/y/a"),
        ("http://m/xy/a", "http://m/x", "http://m/xy/a"),
        ("http://m/copies/h.cn/a", "http://m/copies/{host}/www", "http://m/copies/h.cn/a"),
    ],
)
def test_unrebase_is_the_inverse(fetched: str, base: str | None, outlet: str) -> None:
    assert unrebase(fetched, base) == outlet


@pytest.mark.parametrize(
    ("base", "back"),
    [  # what an answer's URL stands for: the outlet's path on the base's origin, or the URL
        ("http://m:8000", "http://m:8000/2024/07/03/ARTI1790268580629320?page=2"),
        ("http://m/x", "http://m/2024/07/03/ARTI1790268580629320?page=2"),
        ("http://m/{host}", "https://esperanto.cri.cn/2024/07/03/ARTI1790268580629320?page=2"),
        ("http://m/a/{host}/b", "https://esperanto.cri.cn/2024/07/03/ARTI1790268580629320?page=2"),
    ],
)
def test_unrebase_undoes_rebase(base: str, back: str) -> None:
    url = "https://esperanto.cri.cn/2024/07/03/ARTI1790268580629320?page=2"
    assert unrebase(rebase(url, base), base) == back


def test_from_mirror_reads_the_mirror_layout_of_the_editions_hosts() -> None:
    mirrored = "http://127.0.0.1:8000/polish.cri.cn/2024/07/03/ARTIzR7mcXGTA3meOEfr1fMJ240703?spm=1"
    assert from_mirror(mirrored, EDITION) == (
        "https://polish.cri.cn/2024/07/03/ARTIzR7mcXGTA3meOEfr1fMJ240703?spm=1")
    gateway = "http://m/big5.cri.cn/gate/big5/polish.cri.cn/news/china/3875/20201030/569297.html"
    ref = classify(from_mirror(gateway, EDITION), EDITION)
    assert ref is not None and ref.id == "E2-569297"
    for same in (
        "https://polish.cri.cn/polish.cri.cn/a",  # on the outlet itself: its own path
        "http://127.0.0.1:8000/2024/07/03/ARTIzR7mcXGTA3meOEfr1fMJ240703",  # the replica's paths
        "http://m/esperanto.cri.cn/a",  # another edition's host
    ):
        assert from_mirror(same, EDITION) == same


def test_the_base_url_argument_keeps_its_path() -> None:
    def base(value: str) -> str | None:
        return CrawlOptions.parse(edition="polish", base_url=value).base_url

    assert base("http://127.0.0.1:8000") == "http://127.0.0.1:8000"
    assert base(" http://127.0.0.1:8000/{host}/ ") == "http://127.0.0.1:8000/{host}"
    assert base("http://m/x?q=1#f") == "http://m/x"
    with pytest.raises(UsageError, match=r"\{host\} may stand only in the path"):
        CrawlOptions.parse(edition="polish", base_url="http://{host}.m:8000/")
