"""Tests of the local replica of polish.cri.cn (``tests/replica``).

They check that the replica serves the site as the dossier describes it, that its ground truth
is consistent with what it serves, and that every article is reachable the way its
reachability says.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.request
import urllib.parse
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.replica import ReplicaServer, Response, Site
from tests.replica import e1 as e1_render
from tests.replica import e2 as e2_render
from tests.replica import e3 as e3_render
from tests.replica import e4 as e4_render
from tests.replica.corpus import BEIJING, ROUTES, Article, clean_text, epoch_ms
from tests.replica.generator import ANCHOR, SPANS
from tests.replica.listings import article_card
from tests.replica.probe import article_key, decode_page, discover, iter_cards, page_lines
from tests.replica.samples import SECTIONS, SEED_ID, SEED_URL, ZT_PATH
from tests.support.paths import SEED_TEXT

ROOT = Path(__file__).resolve().parents[1]
DATE_LINE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
COOKIE_LINES = {
    "Our Privacy Statement & Cookie Policy",
    "By continuing to browse our site you agree to our use of cookies, revised Privacy Policy "
    "and Terms of Use. You can change your cookie settings through your browser.",
    "I agree",
}
ID_GRAMMAR = {
    "E4": re.compile(r"^ARTI\d{16}$"),
    "E3": re.compile(r"^ARTI[A-Za-z0-9]{20}\d{6}$"),
    "E2": re.compile(r"^E2-\d+$"),
    "E1": re.compile(r"^E1-\d+$"),
}
URL_GRAMMAR = {
    "E4": re.compile(r"^https://polish\.cri\.cn/\d{4}/\d{2}/\d{2}/ARTI\d{16}$"),
    "E3": re.compile(r"^https://polish\.cri\.cn/\d{4}/\d{2}/\d{2}/ARTI[A-Za-z0-9]{20}\d{6}\.shtml$"),
    "E2": re.compile(r"^https://polish\.cri\.cn/[A-Za-z_]+(/[A-Za-z_]+)*/\d+/\d{8}/\d+\.html$"),
    "E1": re.compile(r"^https://polish\.cri\.cn/\d+/\d{4}/\d{2}/\d{2}/\d+[s@]\d+\.htm$"),
}
KEYS = ["id", "url", "era", "headline", "published", "published_source", "body", "author",
        "language"]


# -- helpers ---------------------------------------------------------------------------------
def fetch(server: ReplicaServer, url: str) -> tuple[int, dict[str, str], bytes]:
    """GET (following redirects) a path or any real/alias URL of the site on the replica."""
    try:
        with urllib.request.urlopen(server.url(url), timeout=10) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers.items()), error.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def fetch_raw(server: ReplicaServer, url: str) -> tuple[int, dict[str, str], bytes]:
    """GET without following redirects."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(server.url(url), timeout=10) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers.items()), error.read()


def api(server: ReplicaServer, page_id: str | None, body: bytes | None = None) -> tuple[int, Any]:
    data = body if body is not None else json.dumps({"id": page_id}).encode()
    request = urllib.request.Request(
        server.url("/api/getData"), data=data, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            raw = error.read()
            try:
                return error.code, json.loads(raw)
            except json.JSONDecodeError:
                return error.code, raw


def lines_of(server: ReplicaServer, url: str) -> list[str]:
    status, headers, body = fetch(server, url)
    assert status == 200, (url, status)
    text, _ = decode_page(body, headers.get("Content-Type"))
    return page_lines(text)


def expected_lines(article: Article) -> list[str]:
    """The body lines a page of this article must show (initials still glued on)."""
    lines = [clean_text(p) for p in article.paragraphs if clean_text(p)]
    if article.initials:
        lines[-1] = f"{lines[-1]} {clean_text(article.initials)}"
    return lines


def is_subsequence(needles: list[str], haystack: list[str]) -> bool:
    it = iter(haystack)
    return all(any(n == h for h in it) for n in needles)


def assert_page_shows(article: Article, lines: list[str], *, date_required: bool = True) -> None:
    assert clean_text(article.headline) in lines, (article.id, article.headline, lines[:6])
    assert is_subsequence(expected_lines(article), lines), (article.id, expected_lines(article), lines)
    if e4_render.timeless(article):  # `knobs["time"]`: no time anywhere on the page
        assert not [line for line in lines if re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", line)]
    elif date_required:
        stamp = f"{article.published:%Y-%m-%d %H:%M:%S}"
        # 2004 pages put the time zone before the date (DOSSIER section 9).
        assert any(line.removeprefix("(GMT+08:00) ").startswith(stamp) for line in lines), (
            article.id, stamp)


def e1_all_lines(server: ReplicaServer, article: Article) -> list[str]:
    lines: list[str] = []
    for page in range(1, article.pages + 1):
        lines += lines_of(server, e1_render.page_url(article, page))
    return lines


def seed_file_lines() -> list[str]:
    return [line.strip() for line in SEED_TEXT.read_text(encoding="utf-8").splitlines() if line.strip()]


def fixed(site: Site, **where: str) -> list[Article]:
    """Fixed articles whose knobs/fields match ``where``."""
    out = []
    for article_id in list(site._fixed):
        article = site.article(article_id)
        assert article is not None
        if all(article.knobs.get(k) == v or getattr(article, k, None) == v for k, v in where.items()):
            out.append(article)
    return out


@pytest.fixture(scope="module")
def big() -> Any:
    """A replica with generated articles (pagination over several pages)."""
    with ReplicaServer(articles=600, seed=7) as server:
        yield server


# -- robots, sitemaps ------------------------------------------------------------------------
def test_robots_txt(replica: ReplicaServer) -> None:
    status, headers, body = fetch(replica, "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    text = body.decode()
    groups = [g for g in text.strip().split("\n\n")]
    star = next(g for g in groups if "User-agent: *" in g)
    assert "Disallow: /\n" not in star + "\n"
    named = [g for g in groups if "Crawl-delay: 120" in g]
    assert named and "User-agent: *" not in named[0]
    assert "Sitemap: https://polish.cri.cn/sitemap_index.xml" in text.splitlines()


def test_sitemaps(big: ReplicaServer) -> None:
    status, _, body = fetch(big, "/sitemap_index.xml")
    assert status == 200
    assert "<loc>https://polish.cri.cn/latest_sitemap.xml</loc>" in body.decode()
    _, _, latest = fetch(big, "/latest_sitemap.xml")
    _, _, other = fetch(big, "/sitemap/latest_sitemap.xml")
    assert latest == other
    text = latest.decode()
    locs = re.findall(r"<loc>(.*?)</loc>", text)
    lastmods = re.findall(r"<lastmod>(.*?)</lastmod>", text)
    assert len(locs) == 100 == len(lastmods)
    assert all(m.endswith("+08:00") for m in lastmods)
    assert all("127.0.0.1" not in loc for loc in locs)
    forms = {loc.split("/")[2] for loc in locs} | {"spm" for loc in locs if "spm=" in loc}
    assert {"polish.cri.cn", "polish.cgtn.com", "spm"} <= forms
    assert any(loc.startswith("http://") for loc in locs)
    listed = [a.id for a in big.site.listing(0, 100)]
    assert [article_key(loc.replace("&amp;", "&")) for loc in locs] == listed


# -- the E4 API: home and sections -----------------------------------------------------------
def test_home_api(replica: ReplicaServer) -> None:
    status, answer = api(replica, "https://polish.cri.cn/")
    assert status == 200
    assert set(answer) == {"result", "succeed", "errorMessage", "errorCode"}
    assert answer["succeed"] == 1 and answer["errorCode"] == 0 and answer["errorMessage"] == ""
    result = answer["result"]
    assert result["channel"].startswith("CHAL") and result["id"].startswith("Page") and result["title"]
    modules = result["modules"]
    top = modules[0]
    assert top["templateName"] == "PublicsCriTop"
    nav = [w["card"] for w in top["cardgroups"][0]["cardgroup"]["cards"]]
    assert all(c["id"].startswith("DDta") and c["date"] == "" and c["modifyDate"] == "" for c in nav)
    links = {c["link"] for c in nav}
    assert "https://polish.cri.cn/" in links and "https://polish.cri.cn/search.html" in links
    assert any(link.endswith("/page.shtml") for link in links)
    assert any("cri.cn" not in link and "cgtn.com/" in link for link in links)  # external
    content = [m for m in modules[1:] if m.get("link")]
    assert content and all(m["title"] and m["link"].endswith("/page.shtml") for m in content)
    assert any("polish.cgtn.com/vlogi/milomiciepoznac/page.shtml" in m["link"] for m in content)
    # empty cards occur
    raw_cards = [w["card"] for m in modules for g in m["cardgroups"] for w in g["cardgroup"]["cards"]]
    assert {} in raw_cards and any(c and not c.get("id") for c in raw_cards)
    assert any(g["cardgroup"]["cards"] == [] for m in modules for g in m["cardgroups"])
    cards = [c for c in iter_cards(result) if c.get("id", "").startswith("ARTI")]
    for card in cards:
        assert set(card) >= {"id", "link", "title", "brief", "date", "modifyDate", "isPlay", "photo"}
        assert card["date"].isdigit() and len(card["date"]) == 13 and card["modifyDate"].isdigit()
        assert set(card["photo"]) == {"large", "width", "content", "height", "thurm"}
    # duplicates across modules
    ids = [c["id"] for c in cards]
    assert len(ids) > len(set(ids))
    # a migrated card: E3 id, old date, recent modifyDate, linked without .shtml
    migrated = [c for c in cards if len(c["id"]) == 30]
    assert migrated
    for card in migrated:
        assert int(card["date"]) < int(card["modifyDate"])
        assert datetime.fromtimestamp(int(card["date"]) / 1000, BEIJING).year <= 2024
        assert not urlpath(card["link"]).endswith(".shtml")
    # video cards
    videos = [c for c in cards if c["isPlay"] == "1"]
    assert videos and all(set(c["video"]) == {"id", "duration", "url", "hdUrl", "cdUrl"} for c in videos)
    assert all(c["video"]["url"].endswith(".m3u8") for c in videos)
    assert all("video" not in c for c in cards if c["isPlay"] == "0")


def urlpath(url: str) -> str:
    return url.split("//", 1)[1].split("/", 1)[1].split("?", 1)[0]


def test_api_accepts_any_host_and_queries(replica: ReplicaServer) -> None:
    seed_path = "/2024/07/03/ARTIzR7mcXGTA3meOEfr1fMJ240703"
    for url in (
        f"https://polish.cri.cn{seed_path}",
        f"http://polish.cgtn.com{seed_path}?spm=C78358.P8Q1A2.E1.3",
        f"{replica.base_url}{seed_path}",
        f"https://polish.cri.cn{seed_path}.shtml",
    ):
        status, answer = api(replica, url)
        assert status == 200 and answer["succeed"] == 1, url
        assert answer["result"]["title"] == "Xi Jinping przeprowadził rozmowy z prezydentem Kazachstanu"
    for url in (f"{replica.base_url}/", "http://polish.cgtn.com/?spm=x", "https://polish.cri.cn"):
        assert api(replica, url)[1]["result"]["id"].startswith("Page")
    for url in ("https://polish.cri.cn/nope/page.shtml", "https://polish.cri.cn/2024/01/01/ARTI1234567890123456"):
        status, answer = api(replica, url)
        assert status == 200 and answer["succeed"] == 0 and answer["errorMessage"]
    status, answer = api(replica, None, body=b"not json")
    assert status == 200 and answer["succeed"] == 0


def test_sections_and_subsections(replica: ReplicaServer) -> None:
    _, home = api(replica, "https://polish.cri.cn/")
    home_links = json.dumps(home)
    assert "KuchniaChinska" not in home_links  # reachable only through its parent
    _, kultura = api(replica, "https://polish.cri.cn/kultura/page.shtml")
    assert kultura["result"]["title"] == "Kultura"
    child = [m for m in kultura["result"]["modules"] if "KuchniaChinska" in m.get("link", "")]
    assert child and child[0]["cardgroups"][0]["cardgroup"]["cards"]
    _, vlogi = api(replica, "https://polish.cgtn.com/vlogi/milomiciepoznac/page.shtml")
    dates = [
        datetime.fromtimestamp(int(c["date"]) / 1000, BEIJING).strftime("%d-%b-%Y")
        for c in iter_cards(vlogi["result"])
        if c["id"].startswith("ARTI")
    ]
    assert "17-Nov-2025" in dates
    status, _, body = fetch(replica, "https://polish.cgtn.com/vlogi/milomiciepoznac/page.shtml")
    assert status == 200 and "17-Nov-2025" in body.decode()
    assert fetch(replica, "/chiny/page.shtml")[0] == 404  # slugs are case-sensitive
    assert fetch(replica, "/Chiny/page.shtml")[0] == 200


def test_pagination_end_variants(big: ReplicaServer) -> None:
    site = big.site
    seen_ends = set()
    for section in __import__("tests.replica.samples", fromlist=["SECTIONS"]).SECTIONS:
        pages = site.section_pages(section)
        assert pages >= 2, section.slug
        items = []
        for page in range(1, pages + 1):
            _, answer = api(big, f"https://polish.cri.cn{section.path}?page={page}")
            listed = answer["result"]["modules"][1]["cardgroups"][0]["cardgroup"]["cards"]
            assert len(listed) == (20 if page < pages else len(listed))
            items += [w["card"]["id"] for w in listed]
        assert len(items) == len(set(items)) == site.section_count(section)
        dates = [a.listed_at for a in site.section_listing(section, 0, 10**9)]
        assert dates == sorted(dates, reverse=True)  # newest first
        _, past = api(big, f"https://polish.cri.cn{section.path}?page={pages + 1}")
        if section.end == "fail":
            assert past["succeed"] == 0
        elif section.end == "repeat":
            _, last = api(big, f"https://polish.cri.cn{section.path}?page={pages}")
            assert past == last
        else:
            assert past["succeed"] == 1
            assert past["result"]["modules"][1]["cardgroups"][0]["cardgroup"]["cards"] == []
        seen_ends.add(section.end)
    assert seen_ends == {"fail", "repeat", "empty"}


# -- E4 articles -----------------------------------------------------------------------------
def body_lines_from_content(content: str) -> list[str]:
    return page_lines(content)


def find_content(result: dict[str, Any]) -> str:
    """result.content first, then a ShijieyuDetail25 module anywhere."""
    if result.get("content"):
        return result["content"]
    for module in result.get("modules") or []:
        if module.get("templateName") != "ShijieyuDetail25":
            continue
        stack: list[Any] = [module]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                if isinstance(node.get("content"), str) and node["content"]:
                    return node["content"]
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
    return ""


def test_api_article_variants(replica: ReplicaServer) -> None:
    site = replica.site
    variants = {}
    for article in fixed(site, era="E4") + [a for a in fixed(site, era="E3") if a.migrated]:
        variant = e4_render.api_variant(article)
        variants.setdefault(variant, article)
        status, answer = api(replica, article.url.replace(".shtml", ""))
        if variant in ("fail0", "shell_fail"):
            assert status == 200 and answer["succeed"] == 0
            continue
        if variant == "http500":
            assert status == 500
            continue
        result = answer["result"]
        assert result["title"] == article.headline and result["lang"] == "pl"
        assert result["published"] == str(int(article.published.timestamp() * 1000))
        assert ("video" in result) == (article.video is not None)
        content = find_content(result)
        if variant.startswith("shell"):
            assert content == ""
            continue
        if variant == "modules_cards":
            assert "content" not in result
        if variant == "modules_data":
            assert result["content"] == ""
        assert body_lines_from_content(content) == expected_lines(article), article.id
        if article.video:
            assert f'<video src="{article.video.url}"' in content
    assert set(variants) == {
        "content", "modules_cards", "modules_data", "fail0", "http500",
        "shell_fail", "shell_empty", "shell_absent",
    }
    authors = [a for a in fixed(site, era="E4") if a.initials]
    assert authors and [a for a in fixed(site, era="E4") if not a.initials]


def test_e4_html_variants(replica: ReplicaServer) -> None:
    site = replica.site
    markers = {
        "nuxt_a": ['id="__nuxt"', 'class="detail-title"', 'class="detail-content"', 'id="__NUXT_DATA__"'],
        "nuxt_b": ['class="article-title"', 'id="cmsMainContent"', "CookieNotice__agree"],
        "nuxt_c": ['class="cri-detail-title"', 'class="text-con"', 'class="dialog-confirm"'],
    }
    covered = set()
    for article in fixed(site, era="E4"):
        variant = e4_render.html_variant(article)
        if variant == "shell":
            continue
        covered.add(variant)
        status, headers, body = fetch(replica, article.url)
        html = body.decode()
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        for marker in markers[variant]:
            assert marker in html, (variant, marker)
        lines = page_lines(html)
        assert_page_shows(article, lines)
        assert "Podziel się:" in lines
        assert "I agree" in lines
        if variant == "nuxt_a":
            data = json.loads(re.search(r'id="__NUXT_DATA__"[^>]*>(.*?)</script>', html, re.S).group(1))
            assert article.headline in data
    assert covered == {"nuxt_a", "nuxt_b", "nuxt_c"}


def test_client_rendered_shell(replica: ReplicaServer) -> None:
    shells = fixed(replica.site, html="shell")
    assert len(shells) == 3
    for article in shells:
        status, _, body = fetch(replica, article.url)
        html = body.decode()
        assert status == 200 and 'id="__nuxt"' in html and "_payload.json" in html
        visible = " ".join(page_lines(html))
        assert clean_text(article.headline) not in html and clean_text(article.headline) not in visible
        for paragraph in article.paragraphs:
            assert paragraph[:40] not in html
        assert f"{article.published:%Y-%m-%d}" not in html
        status, headers, payload = fetch(replica, article.url + "/_payload.json")
        assert status == 200 and headers["Content-Type"].startswith("application/json")
        data = json.loads(payload)["data"]["article"]
        assert data["title"] == article.headline
        assert data["published"] == str(int(article.published.timestamp() * 1000))
        assert page_lines(data["content"]) == expected_lines(article)
        status, answer = api(replica, article.url)
        assert status == 200
        assert answer["succeed"] == 0 or find_content(answer["result"]) == ""


def test_payload_route(replica: ReplicaServer) -> None:
    seed_payload = fetch(replica, "/2024/07/03/ARTIzR7mcXGTA3meOEfr1fMJ240703/_payload.json")
    assert seed_payload[0] == 200
    assert fetch(replica, "/2024/02/09/ARTISlaAOncqzLLQLIzP3Bry240209/_payload.json")[0] == 404
    assert fetch(replica, "/2026/01/01/ARTI1767225600000123/_payload.json")[0] == 404


# -- E3 ----------------------------------------------------------------------------------------
def test_seed_page_shows_the_seed_text(replica: ReplicaServer) -> None:
    lines = lines_of(replica, SEED_URL)
    shown = [line for line in lines if line not in ("Privacy Policy", "Terms of Use")]
    assert shown == seed_file_lines()


def test_seed_ground_truth_equals_seed_text(replica: ReplicaServer) -> None:
    lines = seed_file_lines()
    noise = {"Baidu", "Podziel się:", "Podziel się"} | COOKIE_LINES
    dates = [line for line in lines if DATE_LINE.match(line)]
    kept = [line for line in lines if line not in noise and not DATE_LINE.match(line)]
    headline, paragraphs = kept[0], kept[1:]
    m = re.search(r"\s*\(((?:[A-ZĄĆĘŁŃÓŚŹŻ]\.\s?){1,3})\)\s*$", paragraphs[-1])
    assert m
    paragraphs[-1] = paragraphs[-1][: m.start()]
    item = next(i for i in replica.site.expected() if i["id"] == SEED_ID)
    assert list(item) == KEYS
    assert item["url"] == SEED_URL and item["era"] == "E3" and item["language"] == "pl"
    assert item["headline"] == headline
    assert item["published"] == datetime.strptime(dates[0], "%Y-%m-%d %H:%M:%S").strftime("%Y-%m-%dT%H:%M:%S+08:00")
    assert item["published"] == "2024-07-03T19:56:10+08:00"
    assert item["body"] == "\n\n".join(paragraphs)
    assert item["author"] == "A. L." == m.group(1).strip()


def test_e3_markups(replica: ReplicaServer) -> None:
    site = replica.site
    seen = {"body": set(), "title": set(), "date": set(), "baidu": set(), "zebian": set()}
    for article in fixed(site, era="E3"):
        status, _, body = fetch(replica, article.url)
        html = body.decode()
        assert status == 200
        for knob in seen:
            seen[knob].add(article.knobs[knob])
        knobs = article.knobs
        if knobs["body"] == "abody":
            assert 'id="abody"' in html
        elif knobs["body"] == "content_area_id":
            assert 'id="content_area"' in html
        elif knobs["body"] == "content_area_class":
            assert 'class="content_area"' in html
        else:
            assert 'class="detailMod-body"' in html
        if knobs["body"].startswith("content_area"):
            inner = html.split("<!--repaste.body.begin-->")[1].split("<!--repaste.body.end-->")[0]
            assert page_lines(inner) == expected_lines(article)
        assert ('id="atitle"' in html) == (knobs["title"] == "atitle")
        assert ('id="apublishtime"' in html) == (knobs["date"] == "apublishtime")
        assert ('class="zebian"' in html) == (knobs["zebian"] == "yes")
        assert f'<meta property="og:title" content="' in html and "<title>" in html
        lines = page_lines(html)
        # the real text order: Baidu, headline, date, share label, paragraphs, cookie dialog
        assert lines[0] == "Baidu"
        assert lines[1] == clean_text(article.headline)
        assert lines[2] == f"{article.published:%Y-%m-%d %H:%M:%S}"
        assert lines[3] == "Podziel się:"
        n = len(expected_lines(article))
        assert lines[4 : 4 + n] == expected_lines(article)
        assert lines[4 + n] == "Our Privacy Statement & Cookie Policy"
        assert lines[-1] == "I agree"
    assert seen["body"] == {"abody", "content_area_id", "content_area_class", "detailmod"}
    assert all(len(values) >= 2 for key, values in seen.items() if key != "body")
    assert seen["baidu"] == {"element", "logo", "line"}


def test_e3_without_shtml(replica: ReplicaServer) -> None:
    site = replica.site
    modes = set()
    for article in fixed(site, era="E3"):
        bare = article.url.removesuffix(".shtml")
        status, headers, body = fetch_raw(replica, bare + "?spm=C78358.P8Q1A2.E1.3")
        mode = "e4" if article.migrated else article.knobs["noshtml"]
        modes.add(mode)
        if mode == "301":
            assert status == 301 and headers["Location"].endswith(article.path)
            assert headers["Location"].startswith(replica.base_url)
        else:
            assert status == 200
            lines = page_lines(body.decode())
            assert_page_shows(article, lines)
            if mode == "e4":
                assert 'id="__nuxt"' in body.decode() and lines[0] != "Baidu"
        assert fetch(replica, bare)[0] == 200  # following the redirect
    assert modes == {"e4", "200", "301"}


# -- E2 ----------------------------------------------------------------------------------------
def test_e2_pages_and_big5_gateway(replica: ReplicaServer) -> None:
    site = replica.site
    for article in fixed(site, era="E2"):
        status, _, body = fetch(replica, article.url)
        html = body.decode()
        assert status == 200
        for css in ("article-left", "article-type-item-time", "article-con"):
            assert css in html
        lines = page_lines(html)
        assert_page_shows(article, lines)
        i = lines.index(clean_text(article.headline))
        assert lines[i + 1] == f"{article.published:%Y-%m-%d %H:%M:%S}"
        assert lines[i + 2] in ("Podziel się:", "Podziel się")
        assert "Ranking" in lines and lines.index("Ranking") > lines.index(expected_lines(article)[-1])
        gateway = "http://big5.cri.cn/gate/big5/polish.cri.cn" + article.path
        assert page_lines(fetch(replica, gateway)[2].decode())[:4] == lines[:4]
    real = site.article("E2-569297")
    assert real and real.url == "https://polish.cri.cn/news/china/3875/20201030/569297.html"
    assert "http://big5.cri.cn/gate/big5/polish.cri.cn/news/china/3875/20201030/569297.html" in site.urls()


# -- E1 ----------------------------------------------------------------------------------------
def test_e1_pages(replica: ReplicaServer) -> None:
    site = replica.site
    styles = set()
    for article in fixed(site, era="E1"):
        styles |= {f"{k}={v}" for k, v in article.knobs.items() if k != "editor"}
        status, headers, body = fetch(replica, article.url)
        assert status == 200
        text, encoding = decode_page(body, headers.get("Content-Type"))
        assert ("id=\"ccontent\"" in text) == (article.knobs["body"] == "ccontent")
        assert ('class="text"' in text) == (article.knobs["body"] == "text")
        lines = e1_all_lines(replica, article)
        assert_page_shows(article, lines)
        first = page_lines(text)
        i = first.index(clean_text(article.headline))
        date_line = first[i + 1]
        dateline = article.knobs["dateline"]
        stamp = f"{article.published:%Y-%m-%d %H:%M:%S}"
        headline = clean_text(article.headline)
        if article.knobs.get("template") == "2004":
            # Navigation, the time zone and the date, the headline again, then the text.
            assert date_line == "Wiadomości | Chiny | Świat | Gospodarka"
            if article.knobs["gmt"] == "before":
                assert first[i + 2 : i + 4] == [f"(GMT+08:00) {stamp}", headline]
            else:
                assert first[i + 2 : i + 5] == ["(GMT+08:00)", stamp, headline]
        elif dateline == "same":
            assert date_line == f"{stamp} CRI"
        elif dateline == "own":
            assert date_line == stamp and first[i + 2] == "CRI"
        else:
            assert date_line == f"{stamp} cri{article.knobs['editor']}"
        last_on_page = clean_text(article.paragraphs[article.page_paragraphs(1)[-1]])
        assert "Zobacz także" in first and "Polecamy" in first
        assert first.index("Polecamy") > first.index("Zobacz także") > first.index(last_on_page)
        if article.knobs.get("comments") == "yes":  # right after the text, before the links
            assert first.index(last_on_page) < first.index("Komentarze") < first.index("Polecamy")
        assert any("All Rights Reserved" in line for line in first)
        assert any(line.startswith("16A Shijingshan Road, Beijing, China") for line in first)
        if article.knobs["pipes"] == "yes":
            assert sum(1 for line in first if set(line) <= {"|", " "}) >= 3
        if article.knobs["encoding"] == "cp1250":
            assert "charset" not in headers["Content-Type"]
            assert b'charset=windows-1250' in body and encoding == "windows-1250"
            with pytest.raises(UnicodeDecodeError):
                body.decode("utf-8")
            for paragraph in article.paragraphs + (article.headline,):
                paragraph.encode("cp1250")  # strictly encodable
    assert {"encoding=cp1250", "encoding=utf8", "encoding=utf8meta"} <= styles
    assert {"dateline=same", "dateline=own", "dateline=runon"} <= styles
    assert {"related=inside", "related=after", "breaks=br", "pipes=yes"} <= styles


def test_e1_multipage_and_at_form(replica: ReplicaServer) -> None:
    site = replica.site
    relay = site.article("E1-144787")
    assert relay and relay.pages == 4 and relay.url.endswith("/1364/2019/09/30/41s144787.htm")
    seen = []
    for page in range(1, 5):
        lines = lines_of(replica, f"http://polish.cri.cn/1364/2019/09/30/41s144787{'' if page == 1 else f'_{page}'}.htm")
        assert lines[lines.index(clean_text(relay.headline)) + 1].startswith("2019-10-01 15:27:51")
        seen += lines
    assert "Sztafeta trwa" in seen and "Obecny zespół redakcji polskiej CRI" in seen
    assert fetch(replica, "/1364/2019/09/30/41s144787_5.htm")[0] == 404
    assert fetch(replica, "/1364/2019/09/30/41s144787_1.htm")[0] == 404
    item = next(i for i in site.expected() if i["id"] == "E1-144787")
    assert item["published"] == "2019-10-01T15:27:51+08:00"
    assert item["body"].split("\n\n") == [clean_text(p) for p in relay.paragraphs]
    at = site.article("E1-75731")
    assert at and "/2@75731.htm" in at.url
    assert fetch(replica, "/141/2008/05/08/2%4075731.htm")[0] == 200  # percent-encoded @
    assert fetch(replica, "/141/2008/05/08/2s75731.htm")[0] == 404


def test_topic_page_is_not_an_article(replica: ReplicaServer) -> None:
    status, _, body = fetch(replica, "https://polish.cri.cn" + ZT_PATH)
    assert status == 200
    lines = page_lines(body.decode())
    assert "Święto Wiosny 2013" in lines and not any(DATE_LINE.match(line) for line in lines)
    assert "Zt162s114951" not in json.dumps(replica.site.expected())
    assert not any("Zt" in url for url in replica.site.urls())


def test_served_text_has_the_real_roughness(replica: ReplicaServer) -> None:
    """Double spaces, NBSP, zero-width characters, NFD and entities are served, not kept."""
    site = replica.site
    column = site.article("ARTI38Lc0FIWtkz2rSvM2B7M230316")
    html = fetch(replica, column.url)[2].decode()
    assert ".  " in html  # the real column's double spaces
    festival = next(a for a in fixed(site, era="E4") if a.entities and a.rough)
    html = fetch(replica, festival.url)[2].decode()
    assert "&bdquo;" in html and ("\u00a0" in html or "&nbsp;" in html) and "  " in html
    nfd = next(a for a in fixed(site, era="E4") if a.nfd)
    html = fetch(replica, nfd.url)[2].decode()
    assert "a\u0328" in html and not unicodedata.is_normalized("NFC", html)
    taiwan = fetch(replica, "https://polish.cri.cn/2022/07/26/ARTIgJSOt72SqMoIUC945n8o220726.shtml")[2].decode()
    assert "MSZ Chin : &bdquo;Niepodleg&#322;o&#347;&#263; Tajwanu&rdquo;" in taiwan
    item = next(i for i in site.expected() if i["id"] == "ARTIgJSOt72SqMoIUC945n8o220726")
    assert item["headline"] == "MSZ Chin : „Niepodległość Tajwanu” to ślepy zaułek" and item["author"] is None
    generated = Site(articles=300, seed=2)
    assert any(a.rough for a in generated.iter_articles()) and any("\u200b" in p for a in generated.iter_articles() for p in __import__("tests.replica.markup", fromlist=["x"]).served_paragraphs(a))


# -- aliases and unknown paths ------------------------------------------------------------------
def test_alias_urls_answer_for_the_same_article(replica: ReplicaServer) -> None:
    for canonical in (
        SEED_URL,
        "https://polish.cri.cn/2026/11/19/ARTI1795050720883117",
        "https://polish.cri.cn/wisla_i_langcy/4206/20220324/744781.html",
        "https://polish.cri.cn/1461/2018/06/08/22s140104.htm",
    ):
        path = canonical.removeprefix("https://polish.cri.cn")
        forms = [
            canonical,
            "http://polish.cri.cn" + path,
            "https://polish.cgtn.com" + path,
            canonical + "?spm=C78358.P8Q1A2.E1.3",
        ]
        if path.endswith(".html"):
            forms.append("http://big5.cri.cn/gate/big5/polish.cri.cn" + path)
        headlines = set()
        for url in forms:
            status, headers, body = fetch(replica, url)
            assert status == 200, url
            assert article_key(url) == article_key(canonical)
            text, _ = decode_page(body, headers.get("Content-Type"))
            headlines.add(re.search(r"<title>(.*?)</title>", text, re.S).group(1))
        assert len(headlines) == 1


def test_not_found_and_redirects(replica: ReplicaServer) -> None:
    for path in (
        "/nope", "/2026/11/19/ARTI1795050720883118", "/2026/11/18/ARTI1795050720883117",
        "/2024/07/04/ARTIzR7mcXGTA3meOEfr1fMJ240703.shtml", "/news/china/3875/20201030/569298.html",
        "/1461/2018/06/08/22s140105.htm", "/wiadomosci/page.html", "/Nope/page.shtml",
    ):
        assert fetch(replica, path)[0] == 404, path
    for path in ("/rss", "/feed"):
        status, headers, _ = fetch_raw(replica, path)
        assert status in (301, 302) and headers["Location"].endswith("/")
        assert fetch(replica, path)[0] == 200
    assert fetch(replica, "/search.html")[0] == 200
    status, _, body = fetch(replica, "/")
    assert status == 200 and "Najnowsze" in body.decode()
    assert re.search(r"\d{2}-[A-Z][a-z]{2}-\d{4}", body.decode())
    status, answer = api(replica, None, body=b"")
    assert answer["succeed"] == 0
    assert fetch(replica, "/api/getData")[0] == 405


# -- ground truth, reachability ------------------------------------------------------------------
def test_every_article_is_reachable(big: ReplicaServer) -> None:
    site = big.site
    backfill = {i["id"] for i in site.expected("backfill")}
    monitor = {i["id"] for i in site.expected("monitor")}
    url_only = {i["id"] for i in site.expected("url_only")}
    everything = {i["id"] for i in site.expected("all")}
    assert monitor < backfill and backfill | url_only == everything and not backfill & url_only
    found = discover(big.base_url)
    assert found.ids == backfill
    assert {"/kultura/KuchniaChinska/page.shtml", "/gospodarka/PasISzlak/page.shtml"} <= found.sections
    assert max(found.pages.values()) >= 3
    quick = discover(big.base_url, paginate=False)
    assert quick.ids == monitor
    # url_only: not linked from discovery, but their URLs answer with their text
    for url in site.urls("url_only"):
        key = article_key(url)
        assert key in url_only and key not in found.ids
        article = site.article(key)
        assert article is not None
        if article.era == "E1":
            lines = e1_all_lines(big, article)
        else:
            lines = lines_of(big, url)
        assert_page_shows(article, lines)
    eras = {site.article(i).era for i in url_only}
    assert eras == {"E1", "E2", "E3"}
    assert {site.article(i).era for i in backfill} == {"E3", "E4"}


def test_listed_articles_show_their_text(big: ReplicaServer) -> None:
    site = big.site
    for article in (site.article(i) for i in sorted(site.ids("backfill"))[:150]):
        assert article is not None
        url = article.url.removesuffix(".shtml")
        if e4_render.html_variant(article) == "shell":
            status, _, body = fetch(big, url + "/_payload.json")
            assert page_lines(json.loads(body)["data"]["article"]["content"]) == expected_lines(article)
        else:
            assert_page_shows(article, lines_of(big, url))


def test_reach_and_since_filters(big: ReplicaServer) -> None:
    site = big.site
    since = date(2025, 6, 1)
    items = site.expected("all", since)
    assert items and all(i["published"][:10] >= "2025-06-01" for i in items)
    assert {i["id"] for i in items} == {
        i["id"] for i in site.expected("all") if i["published"][:10] >= "2025-06-01"
    }
    assert {i["id"] for i in site.expected("backfill", "2024-01-01")} <= {i["id"] for i in site.expected("backfill")}
    migrated = [i for i in site.expected("backfill") if i["era"] == "E3"]
    assert migrated and not [i for i in site.expected("backfill", since) if i["era"] == "E3"]
    assert [i["id"] for i in items] == sorted(i["id"] for i in items)
    assert len(site.urls("url_only")) == len(site.expected("url_only"))


def test_ground_truth_is_clean(big: ReplicaServer) -> None:
    noise = re.compile(
        r"Baidu|Podziel się|Zobacz także|Polecamy|All Rights Reserved|Shijingshan|Ranking|"
        r"Cookie Policy|I agree|\(([A-ZĄĆĘŁŃÓŚŹŻ]\.\s?){1,3}\)\s*$"
    )
    for item in big.site.expected():
        assert list(item) == KEYS
        assert URL_GRAMMAR[item["era"]].match(item["url"]), item["url"]
        assert ID_GRAMMAR[item["era"]].match(item["id"]), item["id"]
        assert item["language"] == "pl"
        for text in [item["headline"]] + item["body"].split("\n\n"):
            assert text and text == text.strip() and "  " not in text
            assert "\u00a0" not in text and "\u200b" not in text
            assert unicodedata.is_normalized("NFC", text)
            assert not noise.search(text), text
            assert not re.fullmatch(r"[|\s]+", text) and text != "CRI"
        assert item["author"] is None or re.fullmatch(r"([A-ZĄĆĘŁŃÓŚŹŻ]\. )*[A-ZĄĆĘŁŃÓŚŹŻ]\.", item["author"])
        published = datetime.fromisoformat(item["published"])
        assert published.utcoffset().total_seconds() == 8 * 3600
        assert published <= ANCHOR


def test_all_renderings_agree_with_the_ground_truth() -> None:
    """In-process, over a larger corpus: every page form holds the ground truth."""
    site = Site(articles=1000, seed=11)
    seen = set()
    for item in site.expected():
        article = site.article(item["id"])
        assert article is not None and article.expected() == item
        if article.era == "E4" or article.migrated:
            seen.add(("api", e4_render.api_variant(article)))
            seen.add(("html", e4_render.html_variant(article)))
            assert page_lines(e4_render.payload(article)["data"]["article"]["content"]) == expected_lines(article)
            status, answer = e4_render.api_answer(article)
            if answer and answer["succeed"] and not e4_render.api_variant(article).startswith("shell"):
                assert page_lines(find_content(answer["result"])) == expected_lines(article)
            if e4_render.html_variant(article) != "shell":
                assert_page_shows(article, page_lines(e4_render.render(article)))
        if article.era == "E3":
            seen.add(("e3", article.knobs["body"]))
            lines = page_lines(e3_render.render(article))
            assert lines[0] == "Baidu" and lines[3] == "Podziel się:"
            assert_page_shows(article, lines)
        if article.era == "E2":
            assert_page_shows(article, page_lines(e2_render.render(article, [])))
        if article.era == "E1":
            encoding = article.knobs["encoding"]
            seen.add(("e1", encoding))
            lines = []
            for page in range(1, article.pages + 1):
                raw = e1_render.render(article, page, [], [])
                text, _ = decode_page(raw, e1_render.content_type(encoding))
                lines += page_lines(text)
            assert_page_shows(article, lines)
            if encoding == "cp1250":
                for text in article.paragraphs + (article.headline,):
                    text.encode("cp1250")
    assert {("html", "shell"), ("e1", "cp1250"), ("api", "modules_data"), ("e3", "detailmod")} <= seen


def test_generated_corpus_is_deterministic_per_seed() -> None:
    a = Site(articles=200, seed=1).expected()
    b = Site(articles=200, seed=1).expected()
    c = Site(articles=200, seed=2).expected()
    assert a == b
    assert a != c
    assert Site(articles=200, seed=1).urls() == Site(articles=200, seed=1).urls()


def test_generated_ids_and_dates() -> None:
    site = Site(articles=2500, seed=5)
    items = site.expected()
    ids = [i["id"] for i in items]
    assert len(ids) == len(set(ids)) == site.article_count
    urls = [i["url"] for i in items]
    assert len(urls) == len(set(urls))
    eras = {}
    for item in items:
        eras[item["era"]] = eras.get(item["era"], 0) + 1
        published = datetime.fromisoformat(item["published"])
        assert published <= datetime.now(BEIJING)
        article = site.article(item["id"])
        if not article.real and article.id.startswith(("E", "ARTI")) and article.id not in site._fixed:
            start, end = SPANS[item["era"]]
            assert start <= published <= end, item
    assert eras["E4"] > eras["E3"] > 0 and eras["E2"] > 0 and eras["E1"] > 0
    gen = site.generator
    assert gen.timestamp(0) <= ANCHOR.timestamp()
    assert all(gen.timestamp(i) > gen.timestamp(i + 1) for i in range(gen.count - 1))
    assert site.article(gen.core(0).id).published <= ANCHOR
    shells = sum(1 for i in range(gen.sizes["E4"]) if gen.build(i).knobs["html"] == "shell")
    assert 0 < shells < gen.sizes["E4"] * 0.03


def test_large_corpus_starts_fast() -> None:
    started = time.perf_counter()
    site = Site(articles=100_000)
    assert time.perf_counter() - started < 2
    core = site.generator.core(54_321)
    assert site.article(core.id).id == core.id
    assert site.resolve(site.article(core.id).path) is not None
    assert len(site.sitemap_articles()) == 100


# -- live changes, overrides, log ------------------------------------------------------------------
def test_edit_and_add(make_replica: Any) -> None:
    server = make_replica(articles=40)
    site = server.site
    target = next(a for a in fixed(site, era="E4") if e4_render.api_variant(a) == "content")
    edited = site.edit(target.id, headline="Nowy  tytuł", paragraphs=["Pierwszy akapit.", "Drugi\u00a0akapit."])
    _, answer = api(server, target.url)
    assert answer["result"]["title"] == "Nowy  tytuł"
    assert page_lines(answer["result"]["content"])[0] == "Pierwszy akapit."
    assert "Drugi akapit." in " ".join(lines_of(server, target.url))
    item = next(i for i in site.expected() if i["id"] == target.id)
    assert item["headline"] == "Nowy tytuł" and item["body"] == "Pierwszy akapit.\n\nDrugi akapit."
    assert edited.last_modified >= target.last_modified
    # over HTTP, for a replica running as a subprocess
    request = urllib.request.Request(
        server.url("/__replica__/edit"),
        data=json.dumps({"id": SEED_ID, "paragraphs": ["Tylko jeden akapit."]}).encode(),
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert json.loads(response.read())["item"]["body"] == "Tylko jeden akapit."
    seed_lines = lines_of(server, SEED_URL)
    assert "Tylko jeden akapit. (A. L.)" in seed_lines
    with pytest.raises(KeyError):
        site.edit("ARTI0000000000000000", headline="x")
    # additions top the listings
    before = site.listing(0, 1)[0]
    added = site.add_articles(2)
    assert [a.id for a in site.listing(0, 2)] == [added[1].id, added[0].id]
    assert added[0].published > before.published
    _, _, sitemap = fetch(server, "/latest_sitemap.xml")
    assert added[1].id in sitemap.decode().split("</url>")[0]
    for article in added:
        _, answer = api(server, f"https://polish.cri.cn/{article.section}/page.shtml")
        first = answer["result"]["modules"][1]["cardgroups"][0]["cardgroup"]["cards"][0]["card"]
        assert first["id"] == article.id
        assert fetch(server, article.url)[0] == 200
    _, home = api(server, "https://polish.cri.cn/")
    assert added[1].id in json.dumps(home)
    request = urllib.request.Request(server.url("/__replica__/add"), data=b'{"n": 1}')
    with urllib.request.urlopen(request, timeout=5) as response:
        new_id = json.loads(response.read())["ids"][0]
    assert site.listing(0, 1)[0].id == new_id
    assert new_id in {i["id"] for i in site.expected("monitor")}
    assert not server.errors


def test_overrides_and_request_log(make_replica: Any) -> None:
    server = make_replica()
    server.requests.clear()
    once = server.overrides.fail("/robots.txt", status=503, times=1)
    assert fetch(server, "/robots.txt")[0] == 503
    assert fetch(server, "/robots.txt")[0] == 200
    assert once.hits == 1 and len(server.overrides) == 0
    server.overrides.truncate("/latest_sitemap.xml", 10)
    with pytest.raises(Exception):
        fetch(server, "/latest_sitemap.xml")
    server.overrides.clear()
    server.overrides.delay(re.compile(r"sitemap_index"), 0.3)
    started = time.perf_counter()
    assert fetch(server, "/sitemap_index.xml")[0] == 200
    assert time.perf_counter() - started >= 0.3
    server.overrides.clear()
    seed_api = SEED_URL.removesuffix(".shtml")
    server.overrides.add(seed_api, Response.json({"result": None, "succeed": 0, "errorMessage": "x", "errorCode": 1}))
    assert api(server, seed_api)[1]["succeed"] == 0
    server.overrides.add(lambda r: r.path.startswith("/gate/"), lambda r: None)  # falls through
    assert fetch(server, "http://big5.cri.cn/gate/big5/polish.cri.cn/news/china/3875/20201030/569297.html")[0] == 200
    assert server.requests.count(path="/robots.txt") == 2
    assert server.requests.count(path="/api/getData", body_id=seed_api) == 1
    assert server.requests.count(method="POST") == 1
    assert any(r.status == 503 for r in server.requests)
    assert not server.errors


# -- command line ---------------------------------------------------------------------------------
def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tests.replica", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout,
    )


def test_cli_serve() -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "tests.replica", "serve", "--port", "0", "--articles", "5"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    ) as proc:
        assert proc.stdout is not None
        first = proc.stdout.readline().strip()
        m = re.fullmatch(r"serving on (http://127\.0\.0\.1:(\d+))", first)
        assert m, first
        with urllib.request.urlopen(m.group(1) + "/robots.txt", timeout=5) as response:
            assert b"Sitemap:" in response.read()
        proc.terminate()
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0 and "Traceback" not in err and err == ""


def test_cli_expected_and_urls() -> None:
    result = run_cli("expected", "--articles", "20", "--seed", "3")
    assert result.returncode == 0 and result.stderr == ""
    items = [json.loads(line) for line in result.stdout.splitlines()]
    assert items == Site(articles=20, seed=3).expected()
    assert all(list(i) == KEYS for i in items)
    assert "„" in result.stdout  # ensure_ascii=False
    monitor = run_cli("expected", "--reach", "monitor", "--since", "2026-11-01")
    assert monitor.returncode == 0
    assert all(json.loads(line)["published"] >= "2026-11-01" for line in monitor.stdout.splitlines())
    urls = run_cli("urls", "--articles", "20", "--reach", "url_only").stdout.splitlines()
    assert len(urls) == len(Site(articles=20).expected("url_only"))
    assert any(u.startswith("http://big5.cri.cn/gate/big5/") for u in urls)
    assert any(u.startswith("http://polish.cri.cn/") and u.endswith(".htm") for u in urls)


@pytest.mark.parametrize(
    "args",
    [
        ("serve", "--bogus"),
        ("expected", "--articles", "-1"),
        ("expected", "--since", "2024-02-30"),
        ("expected", "--reach", "nowhere"),
        ("urls", "--seed", "x"),
        ("serve", "--port", "70000"),
        ("nothing",),
        (),
    ],
)
def test_cli_bad_input(args: tuple[str, ...]) -> None:
    result = run_cli(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("replica: error: ")


def test_cli_port_in_use() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        port = sock.getsockname()[1]
        result = run_cli("serve", "--port", str(port))
    assert result.returncode == 2
    assert result.stderr == f"replica: error: port {port} is already in use\n"


def test_shell_renders_in_a_real_browser(replica: ReplicaServer) -> None:
    """Only a browser sees a shell article's text (Debian's Chromium: `./run test` installs it)."""
    from playwright import sync_api

    chromium = Path(shutil.which("chromium") or "/usr/bin/chromium")
    assert chromium.exists(), "Debian's chromium is missing: ./run test installs it"
    article = fixed(replica.site, html="shell")[0]
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium),
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--disable-sync"],
        )
        try:
            page = browser.new_page()
            page.goto(replica.url(article.url))
            page.wait_for_selector("[data-rendered='1']", timeout=10_000)
            lines = page_lines(page.content())
        finally:
            browser.close()
    assert_page_shows(article, lines)


def test_admin_listing_routes_and_head(replica: ReplicaServer) -> None:
    status, _, body = fetch(replica, "/__replica__/expected?reach=monitor&since=2026-11-01")
    assert status == 200
    items = [json.loads(line) for line in body.decode().splitlines()]
    assert items == replica.site.expected("monitor", "2026-11-01")
    status, _, body = fetch(replica, "/__replica__/urls?reach=url_only")
    assert body.decode().splitlines() == replica.site.urls("url_only")
    request = urllib.request.Request(replica.url(SEED_URL), method="HEAD")
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200 and int(response.headers["Content-Length"]) > 1000
        assert response.read() == b""


def test_real_noise_and_migrated_old_pages_are_served(make_replica) -> None:  # type: ignore[no-untyped-def]
    """The knobs modelled on real material (DOSSIER section 9) occur, and each serves what it
    says: the 2004 template and the comments block on E1 pages, and the old `.shtml` page of a
    migrated article answering 200, 301 (to the platform's address), 404 or the soft 404."""
    server = make_replica(articles=3000, seed=7)
    articles = list(server.site.iter_articles())
    e1 = [a for a in articles if a.era == "E1"]
    assert any(a.knobs.get("template") == "2004" and a.knobs["gmt"] == "before" for a in e1)
    assert any(a.knobs.get("template") == "2004" and a.knobs["gmt"] == "own" for a in e1)
    assert all(a.published.year == 2004 for a in e1 if a.knobs.get("template"))
    assert any(a.knobs.get("comments") == "yes" for a in e1)
    migrated = {}
    for article in articles:
        if article.migrated:
            migrated.setdefault(article.knobs.get("legacy"), article)
    assert set(migrated) >= {"200", "301", "404", "soft404"}
    for legacy, article in migrated.items():
        status, headers, body = fetch_raw(server, article.url)
        if legacy == "301":
            assert status == 301 and headers["Location"].endswith(article.e4_path)
        elif legacy == "404":
            assert status == 404
        elif legacy == "soft404":
            assert status == 200 and b"ng-content-page404" in body and b"Page not found" in body
        elif legacy == "200":
            assert status == 200 and clean_text(article.headline) in page_lines(body.decode())
        # The platform's address always serves it.
        status, _, body = fetch_raw(server, article.e4_path)
        assert status == 200 and b'id="__nuxt"' in body


def test_articles_without_a_time_keep_it_only_in_their_cards(big: ReplicaServer) -> None:
    """`knobs["time"]` (issue #11): a few E4 articles whose API answer has no usable `published`
    (left out, `""`, `"0"`) and whose page shows no time; their cards keep the `date`. Their
    ground truth: the card's time (`listing`) when reached through a card, else the URL's date
    at midnight (`url`)."""
    site = big.site
    articles = list(site.iter_articles())
    e4 = [a for a in articles if a.era == "E4" and a.variant != "shell"]
    timeless = [a for a in e4 if "time" in a.knobs]
    assert 0 < len(timeless) < 0.08 * len(e4)
    assert {a.knobs["time"] for a in timeless} == {"absent", "empty", "zero"}
    assert {a.knobs["html"] for a in timeless} == {"nuxt_a", "nuxt_b", "nuxt_c"}
    assert [a for a in articles if "time" in a.knobs] == timeless  # never a shell, never E1-E3
    for article in timeless:
        form, variant = article.knobs["time"], article.knobs["api"]
        status, answer = api(big, article.url)
        if variant == "http500":
            assert status == 500
        elif variant == "fail0":
            assert answer["succeed"] == 0
        else:
            result = answer["result"]
            shown = {"absent": None, "empty": "", "zero": "0"}[form]
            assert result.get("published") == shown and result["modifyDate"].isdigit()
            if variant == "modules_cards":
                [detail] = iter_cards(result)
                assert detail.get("date") == shown
        status, _, body = fetch(big, article.url)
        html = body.decode()
        assert status == 200 and f"{article.published:%Y-%m-%d}" not in html
        assert str(epoch_ms(article.published)) not in html  # nor in `__NUXT_DATA__`
        assert_page_shows(article, page_lines(html))  # and no time on it
        assert article_card(article, "x")["card"]["date"] == str(epoch_ms(article.published))
        day = re.match(r"https://polish\.cri\.cn/(\d{4})/(\d{2})/(\d{2})/", article.url)
        assert day
        published = article.published.isoformat()
        midnight = f"{day[1]}-{day[2]}-{day[3]}T00:00:00+08:00"
        times = {route: (article.expected(route)["published"],
                         article.expected(route)["published_source"]) for route in ROUTES}
        assert times == {"card": (published, "listing"), "address": (midnight, "url"),
                         "old_address": (midnight, "url")}
        assert article.listed and article.expected() == article.expected("card")
    assert {i["published_source"] for i in site.expected("backfill")} == {"api", "page", "listing"}
    assert {i["published_source"] for i in site.expected("url_only")} == {"page"}


def test_the_monitor_reach_finds_every_sitemap_article_on_a_card(big: ReplicaServer) -> None:
    """A monitoring crawl reads the listings before the sitemap's links (`crawler/discovery.py`
    releases those once nothing is queued): every article the sitemap lists is on the home
    answer or a section's first page, so its item takes the card's time, as the `monitor`
    ground truth says (`Article.expected` through its card)."""
    site = big.site
    on_cards = {a.id for a in site.home_latest() + site.featured_articles()}
    for section in SECTIONS:
        on_cards |= {a.id for a in site.section_page(section, 1) + site.home_section_cards(section)}
    assert {a.id for a in site.sitemap_articles()} <= on_cards


# -- several editions on one server, by host ------------------------------------------------------
ESPERANTO_CAPITALS = re.compile(r"^(?:[A-ZĈĜĤĴŜŬ]\. ?){1,3}$")


@pytest.fixture(scope="module")
def two_editions() -> Any:
    """Polish and Esperanto on one port (the Polish site also at paths without a host)."""
    sites = [Site(articles=120, seed=7), Site(articles=120, seed=7, edition="esperanto")]
    with ReplicaServer(sites=sites) as server:
        yield server
        assert not server.errors, server.errors


def get(url: str, method: str = "GET", data: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    """A request to a full local URL, redirects not followed."""
    request = urllib.request.Request(url, data=data, method=method)
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=10) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers.items()), error.read()


def test_esperanto_site_has_the_editions_eras_host_language_and_initials() -> None:
    site = Site(articles=300, seed=7, edition="esperanto")
    items = site.expected()
    assert items and all(list(i) == KEYS for i in items)
    assert {i["era"] for i in items} == {"E3", "E4"} and {i["language"] for i in items} == {"eo"}
    for item in items:
        article = site.article(item["id"])
        assert article is not None and article.listed  # E4, and E3 migrated to the platform
        assert article.era == "E4" or article.migrated
        grammar = URL_GRAMMAR[item["era"]].pattern.replace(r"polish\.cri\.cn", r"esperanto\.cri\.cn")
        assert re.match(grammar, item["url"]), item["url"]
        assert ID_GRAMMAR[item["era"]].match(item["id"]), item["id"]
        assert item["author"] is None or ESPERANTO_CAPITALS.match(item["author"]), item["author"]
    assert any(i["author"] and not i["author"].isascii() for i in items)  # Ĵ, Ŝ, Ĥ occur
    assert site.expected("url_only") == [] and site.ids("backfill") == site.ids()
    assert site.urls() and all(urllib.parse.urlsplit(u).hostname == "esperanto.cri.cn" for u in site.urls())
    # Its own ids: none of the Polish site's (fixed articles included), deterministic per seed.
    assert site.ids().isdisjoint(Site(articles=300, seed=7).ids())
    assert Site(articles=300, seed=7, edition="esperanto").expected() == items
    assert len(site.featured) == 4 and all(site.article(i) for i in site.featured)
    with pytest.raises(ValueError, match="no edition 'klingon'"):
        Site(edition="klingon")


def test_one_server_serves_each_edition_under_its_hosts(two_editions: ReplicaServer) -> None:
    server = two_editions
    polish, esperanto = server.sites["polish"], server.sites["esperanto"]
    assert server.site is polish and list(server.sites) == ["polish", "esperanto"]
    assert server.mirror_url == server.base_url + "/{host}"
    server.requests.clear()
    _, _, robots = get(server.base_url + "/esperanto.cri.cn/robots.txt")
    assert b"Sitemap: https://esperanto.cri.cn/sitemap_index.xml" in robots
    for path in ("/robots.txt", "/polish.cri.cn/robots.txt", "/POLISH.cgtn.com/robots.txt"):
        assert b"Sitemap: https://polish.cri.cn/sitemap_index.xml" in get(server.base_url + path)[2]
    # Every answer of the Esperanto site names its host only, never a Polish one.
    home = json.loads(get(server.base_url + "/esperanto.cri.cn/api/getData", "POST",
                          json.dumps({"id": "https://esperanto.cri.cn/"}).encode())[2])
    cards = [c for c in iter_cards(home["result"]) if article_key(c.get("link") or "")]
    assert cards and {urllib.parse.urlsplit(c["link"]).hostname for c in cards} == {"esperanto.cri.cn"}
    article = esperanto.article(cards[0]["id"])
    assert article is not None
    answers = [
        get(server.base_url + "/esperanto.cri.cn/latest_sitemap.xml")[2],
        get(server.base_url + "/esperanto.cri.cn/vlogi/page.shtml")[2],
        get(server.base_url + "/esperanto.cri.cn" + article.e4_path)[2],
        get(server.base_url + "/esperanto.cri.cn/api/getData", "POST",
            json.dumps({"id": article.url}).encode())[2],
        json.dumps(home).encode(),
    ]
    for body in answers:
        assert b"polish.cri.cn" not in body and b"polish.cgtn.com" not in body
        assert b"esperanto.cri.cn" in body
    # A Polish article is not the Esperanto site's (and the other way round).
    seed = polish.article(SEED_ID)
    assert seed is not None
    assert get(server.base_url + "/esperanto.cri.cn" + seed.path)[0] == 404
    assert get(server.base_url + "/polish.cri.cn" + seed.path)[0] == 200
    assert get(server.base_url + "/polish.cri.cn" + article.e4_path)[0] == 404
    # The request log says which host and site each request went to, by the path inside it.
    log = [(r.host, r.edition, r.path) for r in server.requests]
    assert log[:4] == [
        ("esperanto.cri.cn", "esperanto", "/robots.txt"), ("", "polish", "/robots.txt"),
        ("polish.cri.cn", "polish", "/robots.txt"), ("polish.cgtn.com", "polish", "/robots.txt"),
    ]
    assert server.requests.count(path="/robots.txt") == 4
    assert server.requests.count(path="/robots.txt", edition="polish") == 3
    assert server.requests.count(path="/robots.txt", host="") == 1
    assert server.requests.count(path="/api/getData", edition="esperanto") == 2
    # server.url() puts another site's URL under its host's name.
    assert server.url(article.url) == f"{server.base_url}/esperanto.cri.cn{article.path}"
    assert server.url(seed.url) == f"{server.base_url}{seed.path}"


def test_redirects_admin_and_overrides_stay_in_the_site(two_editions: ReplicaServer) -> None:
    server = two_editions
    esperanto = server.sites["esperanto"]
    mount = f"{server.base_url}/esperanto.cri.cn"
    # Redirects stay under the host's name: the old page of a migrated article, /rss.
    moved = next(a for a in esperanto.iter_articles() if a.migrated and a.knobs.get("legacy") == "301")
    status, headers, _ = get(mount + moved.path)
    assert status == 301 and headers["Location"] == mount + moved.e4_path
    assert get(mount + "/rss")[1]["Location"] == mount + "/"
    # Admin routes under a host are that site's.
    _, _, body = get(mount + "/__replica__/expected?reach=monitor")
    assert [json.loads(line) for line in body.decode().splitlines()] == esperanto.expected("monitor")
    _, _, body = get(server.base_url + "/__replica__/expected?reach=monitor")
    assert [json.loads(line)["id"] for line in body.decode().splitlines()] == [
        i["id"] for i in server.site.expected("monitor")]
    # Overrides see the path inside the site, and the host it named.
    once = server.overrides.add(lambda r: r.host == "esperanto.cri.cn" and r.path == "/robots.txt",
                                Response.text("User-agent: *\nDisallow: /\n"), times=1)
    assert get(mount + "/robots.txt")[2] == b"User-agent: *\nDisallow: /\n"
    assert get(server.base_url + "/polish.cri.cn/robots.txt")[2].startswith(b"User-agent: *\nDisallow:\n")
    assert once.hits == 1
    # The gateway's mirror form reaches the site its path names.
    status, _, _ = get(server.base_url + "/big5.cri.cn/gate/big5/polish.cri.cn/news/china/3875/20201030/569297.html")
    assert status == 200


def test_every_listed_esperanto_article_is_reachable_under_its_host(two_editions: ReplicaServer) -> None:
    esperanto = two_editions.sites["esperanto"]
    found = discover(two_editions.base_url + "/esperanto.cri.cn")
    assert found.ids == esperanto.ids("backfill") == esperanto.ids()
    assert discover(two_editions.base_url + "/esperanto.cri.cn", paginate=False).ids == esperanto.ids("monitor")


def test_a_single_site_server_also_answers_under_its_hosts(replica: ReplicaServer) -> None:
    assert get(replica.base_url + "/polish.cri.cn" + urllib.parse.urlsplit(SEED_URL).path)[0] == 200
    assert get(replica.base_url + "/esperanto.cri.cn/robots.txt")[0] == 404  # no such site here


def test_servers_of_sites_refuse_two_of_one_edition() -> None:
    with pytest.raises(ValueError, match="two sites of the edition 'esperanto'"):
        ReplicaServer(sites=[Site(edition="esperanto"), Site(seed=2, edition="esperanto")])
    with pytest.raises(ValueError, match="site or sites"):
        ReplicaServer(site=Site(), sites=[Site()])
    with pytest.raises(ValueError, match="at least one"):
        ReplicaServer(sites=[])


def test_cli_serves_and_prints_several_editions() -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "tests.replica", "serve", "--port", "0", "--articles", "5",
         "--edition", "esperanto", "--edition", "polish"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    ) as proc:
        assert proc.stdout is not None
        m = re.fullmatch(r"serving on (http://127\.0\.0\.1:\d+)", proc.stdout.readline().strip())
        assert m, "first line"
        base = m.group(1)
        assert proc.stdout.readline().strip() == (
            f"editions: esperanto at {base}/esperanto.cri.cn/, polish at {base}/polish.cri.cn/; "
            f"crawl one with -a edition=NAME -a base_url={base}/{{host}}")
        # The first edition named also answers at paths without a host.
        with urllib.request.urlopen(base + "/robots.txt", timeout=5) as response:
            assert b"https://esperanto.cri.cn/" in response.read()
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0 and err == ""
    result = run_cli("expected", "--edition", "esperanto", "--articles", "20")
    assert [json.loads(line) for line in result.stdout.splitlines()] == Site(20, edition="esperanto").expected()
