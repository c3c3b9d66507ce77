"""Discovery surfaces: robots.txt, sitemaps, the E4 home/section API answers and HTML listings.

Every link written here uses a real host (``https://polish.cri.cn``, ``http://polish.cri.cn``,
``https://polish.cgtn.com``) or carries an ``?spm=`` tracking query, mixed deterministically
per article and place, so a crawler's URL mapping and de-duplication are exercised.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from .corpus import BEIJING, CANONICAL_BASE, Article, epoch_ms
from .e4 import envelope, failure, photo_json
from .markup import esc
from .samples import CHANNEL_ID, HOME_PAGE_ID, SECTIONS, Section
from .site import PAGE_SIZE, Site, alias_url

ROBOTS_TXT = """User-agent: *
Disallow:

User-agent: Baiduspider
Crawl-delay: 120
Disallow: /api/

Sitemap: https://polish.cri.cn/sitemap_index.xml
"""

EXTERNAL_LINK = "https://www.cgtn.com/"
SEARCH_URL = f"{CANONICAL_BASE}/search.html"
LIST_TEMPLATE = ("ShijieyuList20", "list20")
CARDS_TEMPLATE = ("ShijieyuCards124", "cards124")


def _cms_id(prefix: str, key: str) -> str:
    """A CMG-style id: prefix + 20 alphanumerics + yymmdd (stable per key)."""
    digest = hashlib.sha1(key.encode()).hexdigest()
    body = "".join(c.upper() if i % 3 == 0 else c for i, c in enumerate(digest[:20]))
    return f"{prefix}{body}240807"


def _iso(moment: datetime) -> str:
    return moment.astimezone(BEIJING).replace(microsecond=0).isoformat()


# -- robots and sitemaps -----------------------------------------------------------------
def sitemap_index(site: Site) -> str:
    newest = site.listing(0, 1)
    lastmod = f"<lastmod>{_iso(newest[0].last_modified)}</lastmod>" if newest else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"<sitemap><loc>{CANONICAL_BASE}/latest_sitemap.xml</loc>{lastmod}</sitemap>\n"
        "</sitemapindex>\n"
    )


def latest_sitemap(site: Site) -> str:
    rows = []
    for article in site.sitemap_articles():
        loc = alias_url(CANONICAL_BASE + article.e4_path, f"sitemap:{article.id}")
        rows.append(
            f"<url><loc>{xml_escape(loc)}</loc><lastmod>{_iso(article.last_modified)}</lastmod>"
            "<changefreq>hourly</changefreq></url>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "\n".join(rows)
        + "\n</urlset>\n"
    )


# -- API cards and modules ---------------------------------------------------------------
def article_card(article: Article, place: str) -> dict[str, Any]:
    """A card as the E4 API writes it (timestamps epoch ms as strings)."""
    card: dict[str, Any] = {
        "id": article.id,
        "link": alias_url(CANONICAL_BASE + article.e4_path, f"{place}:{article.id}"),
        "title": article.headline,
        "brief": article.brief,
        "date": str(epoch_ms(article.published)),
        "modifyDate": str(epoch_ms(article.last_modified)),
        "isPlay": "1" if article.video else "0",
        "photo": photo_json(article),
    }
    if article.video:
        card["video"] = article.video.as_json()
    return {"card": card}


def nav_card(title: str, link: str) -> dict[str, Any]:
    return {
        "card": {
            "id": _cms_id("DDta", f"nav:{link}"),
            "title": title,
            "link": link,
            "isPlay": "0",
            "date": "",
            "modifyDate": "",
            "brief": "",
            "photo": {"large": "", "width": 0, "content": "", "height": 0, "thurm": ""},
        }
    }


def nav_module() -> dict[str, Any]:
    """``PublicsCriTop``: navigation cards to home, sections, search and an external site."""
    cards = [nav_card("Strona główna", f"{CANONICAL_BASE}/")]
    cards += [nav_card(s.title, s.url) for s in SECTIONS if s.nav]
    cards += [nav_card("Szukaj", SEARCH_URL), nav_card("CGTN", EXTERNAL_LINK)]
    return {
        "templateName": "PublicsCriTop",
        "templateId": "criTop",
        "id": _cms_id("Modu", "top"),
        "title": "",
        "cardgroups": [
            {"cardgroup": {"id": _cms_id("Data", "top"), "title": "", "link": "", "cards": cards}}
        ],
    }


def cards_module(
    title: str, link: str, articles: list[Article], place: str, template: tuple[str, str] = CARDS_TEMPLATE
) -> dict[str, Any]:
    return {
        "templateName": template[0],
        "templateId": template[1],
        "id": _cms_id("Modu", place),
        "title": title,
        "link": link,
        "cardgroups": [
            {
                "cardgroup": {
                    "id": _cms_id("Data", place),
                    "title": "",
                    "link": "",
                    "cards": [article_card(a, place) for a in articles],
                }
            }
        ],
    }


def empty_module() -> dict[str, Any]:
    """A module with empty cards, as the real answers have them."""
    blank = {
        "id": "", "link": "", "title": "", "brief": "", "date": "", "modifyDate": "", "isPlay": "0",
        "photo": {"large": "", "width": 0, "content": "", "height": 0, "thurm": ""},
    }
    return {
        "templateName": "ShijieyuCards124",
        "templateId": "cards124",
        "id": _cms_id("Modu", "empty"),
        "title": "Na skróty",
        "link": "",
        "cardgroups": [
            {"cardgroup": {"id": _cms_id("Data", "empty1"), "title": "", "link": "", "cards": [{"card": {}}, {"card": blank}]}},
            {"cardgroup": {"id": _cms_id("Data", "empty2"), "title": "", "link": "", "cards": []}},
        ],
    }


def home_answer(site: Site) -> dict[str, Any]:
    """``POST /api/getData {"id": "https://polish.cri.cn/"}``."""
    modules = [nav_module()]
    latest = next(s for s in SECTIONS if s.slug == "wiadomosci")
    modules.append(cards_module("Najnowsze", latest.url, site.home_latest(), "home-latest"))
    for section in SECTIONS:
        if section.home:
            modules.append(
                cards_module(section.title, section.url, site.home_section_cards(section), f"home-{section.slug}")
            )
    modules.append(cards_module("Polecane", latest.url, site.featured_articles(), "home-featured"))
    modules.append(empty_module())
    return envelope({"channel": CHANNEL_ID, "id": HOME_PAGE_ID, "title": "Strona główna", "modules": modules})


def section_answer(site: Site, section: Section, page: int) -> dict[str, Any]:
    """A section page's answer; past the last page it behaves as ``section.end`` says."""
    pages = site.section_pages(section)
    if page > pages:
        if section.end == "fail":
            return failure("page not found", 404)
        if section.end == "repeat":
            page_items = site.section_page(section, pages)
        else:
            page_items = []
    else:
        page_items = site.section_page(section, page)
    modules = [nav_module()]
    modules.append(
        cards_module(section.title, section.url, page_items, f"list-{section.slug}", LIST_TEMPLATE)
    )
    if page == 1:
        for child in site.children(section):
            modules.append(
                cards_module(child.title, child.url, site.home_section_cards(child), f"child-{child.slug}")
            )
    return envelope({"channel": CHANNEL_ID, "id": section.page_id, "title": section.title, "modules": modules})


# -- HTML listings -----------------------------------------------------------------------
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _card_date(article: Article) -> str:
    """``17-Nov-2025`` (English month abbreviations whatever the locale)."""
    day = article.published.astimezone(BEIJING)
    return f"{day.day:02d}-{_MONTHS[day.month - 1]}-{day.year}"


def _card_li(article: Article, place: str) -> str:
    link = esc(alias_url(CANONICAL_BASE + article.e4_path, f"{place}:{article.id}"))
    return (
        f'<li class="card"><a class="card-pic" href="{link}"><img src="{esc(photo_json(article)["thurm"])}" alt=""></a>'
        f'<h3 class="card-title"><a href="{link}">{esc(article.headline)}</a></h3>'
        f'<p class="card-brief">{esc(article.brief)}</p><span class="card-date">{_card_date(article)}</span></li>'
    )


def _html_module(title: str, link: str, articles: list[Article], place: str) -> str:
    items = "".join(_card_li(a, place) for a in articles)
    heading = f'<a href="{esc(link)}">{esc(title)}</a>' if link else esc(title)
    return f'<section class="module"><h2 class="module-title">{heading}</h2><ul class="card-list">{items}</ul></section>'


def _html_page(title: str, inner: str) -> str:
    nav = "".join(
        f'<a href="{esc(s.url)}">{esc(s.title)}</a>' for s in SECTIONS if s.nav
    )
    return f"""<!DOCTYPE html>
<html lang="pl">
<head>
<meta charset="utf-8">
<title>{esc(title)} | CRI po polsku</title>
</head>
<body>
<div id="__nuxt"><div class="layout">
<nav class="main-nav"><a href="{CANONICAL_BASE}/">Strona główna</a>{nav}<a href="{SEARCH_URL}">Szukaj</a></nav>
<main class="listing">
{inner}
</main>
</div></div>
</body>
</html>
"""


def home_html(site: Site) -> str:
    latest = next(s for s in SECTIONS if s.slug == "wiadomosci")
    parts = [_html_module("Najnowsze", latest.url, site.home_latest(), "html-latest")]
    for section in SECTIONS:
        if section.home:
            parts.append(
                _html_module(section.title, section.url, site.home_section_cards(section), f"html-{section.slug}")
            )
    parts.append(_html_module("Polecane", "", site.featured_articles(), "html-featured"))
    return _html_page("Strona główna", "\n".join(parts))


def section_html(site: Site, section: Section, page: int) -> str:
    pages = site.section_pages(section)
    items = site.section_page(section, min(page, pages)) if page <= pages or section.end == "repeat" else []
    parts = [_html_module(section.title, section.url, items, f"html-list-{section.slug}")]
    if page == 1:
        for child in site.children(section):
            parts.append(_html_module(child.title, child.url, site.home_section_cards(child), f"html-child-{child.slug}"))
    if page < pages:
        parts.append(f'<a class="more" href="{esc(section.url)}?page={page + 1}">Więcej</a>')
    return _html_page(section.title, "\n".join(parts))


def search_html() -> str:
    return _html_page(
        "Szukaj",
        '<form class="search-form" action="/search.html" method="get"><input type="text" name="keyword" value="">'
        '<button type="submit">Szukaj</button></form><div id="search-result"></div>',
    )


NOT_FOUND_HTML = (
    "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
    "<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)

# The current platform's "Page not found" template, answered with HTTP 200 (DOSSIER section 9):
# `.ng-content-page404`, "Page not found", "Back to: www.cgtn.com or ...", the site's generic
# title, and the cookie dialog of section 4.
SOFT_404_HTML = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>CGTN | Breaking News, China News, World News and Video</title></head><body>
<div id="__nuxt"><div class="layout"><header class="cri-header"><a href="/">Polskie Radio Chiny</a></header>
<div class="ng-content-page404"><div class="page404-img"></div><p class="page404-title">Page not found</p>
<p class="page404-back">Back to: <a href="https://www.cgtn.com">www.cgtn.com</a> or <a href="/">home page</a></p></div>
<div class="js-tools-dialog cg-tools-dialog"><p>Our Privacy Statement &amp; Cookie Policy</p><p>By continuing to browse our site you agree to our use of cookies, revised Privacy Policy and Terms of Use. You can change your cookie settings through your browser.</p><a>Privacy Policy</a> <a>Terms of Use</a><button>I agree</button></div>
</div></div></body></html>"""

__all__ = [
    "NOT_FOUND_HTML",
    "PAGE_SIZE",
    "SOFT_404_HTML",
    "ROBOTS_TXT",
    "article_card",
    "home_answer",
    "home_html",
    "latest_sitemap",
    "nav_module",
    "search_html",
    "section_answer",
    "section_html",
    "sitemap_index",
]
