"""Pages that answer 200 but are not the article: the platform's "not found" page (a soft
404), a maintenance notice, a captcha or bot challenge, a cookie/consent wall. Parsed as
articles they would give the notice as the body (the density search and the fallback find its
paragraphs), so they are recognised first.

A soft 404 is known by its template's elements (the edition's `soft_404_markers`). A wall is
short (its visible text under `MAX_TEXT` characters: articles are longer) and says what it is in
its title or first heading, or carries a challenge widget.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from lxml import etree
from parsel import Selector

from crawler.parsers.base import matches

MAX_TEXT = 1500
# Challenge widgets and bot-check forms (reCAPTCHA, hCaptcha, Cloudflare, Aliyun, Tencent).
CAPTCHA = (
    ".g-recaptcha, .h-captcha, [class*='captcha'], [id*='captcha'], [name*='captcha'], "
    "form[action*='challenge'], #challenge-form, script[src*='captcha'], "
    "script[src*='challenge-platform'], [id*='nc_'][id*='wrapper'], #TCaptcha"
)
VISIBLE = "//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]"
# Run on lxml directly, compiled once: every page goes through it, and a Selector for each
# text node of a page cost more than the rest of the check.
_VISIBLE_TEXT = etree.XPath(VISIBLE, smart_strings=False)


def interstitial(page: Selector, wall_words: Mapping[str, re.Pattern[str]],
                 soft_404_css: str = "") -> str | None:
    """`soft_404`, `maintenance`, `captcha` or `consent` when the page is such a wall, else
    None. `wall_words`: the edition's words of a wall's title or first heading, by kind;
    `soft_404_css`: elements that only the platform's "not found" page has (any length)."""
    if soft_404_css and matches(page, soft_404_css):  # every page: the compiled query
        return "soft_404"
    text = "".join(_VISIBLE_TEXT(page.root))
    if len(" ".join(text.split())) >= MAX_TEXT:
        return None
    if matches(page, CAPTCHA):
        return "captcha"
    heading = " ".join(
        t for t in (page.css("title::text").get(), " ".join(page.css("h1 ::text").getall()[:3])) if t
    )
    for kind, words in wall_words.items():
        if words.search(heading):
            return kind
    return None
