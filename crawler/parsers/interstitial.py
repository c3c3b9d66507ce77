"""Pages that answer 200 but are not the article: a maintenance notice, a captcha or bot
challenge, a cookie/consent wall. Parsed as articles they would give the notice as the body
(the density search and the fallback find its paragraphs), so they are recognised first.

A wall is short (its visible text under `MAX_TEXT` characters: articles are longer) and says
what it is in its title or first heading, or carries a challenge widget.
"""

from __future__ import annotations

import re

from parsel import Selector

MAX_TEXT = 1500
# Challenge widgets and bot-check forms (reCAPTCHA, hCaptcha, Cloudflare, Aliyun, Tencent).
CAPTCHA = (
    ".g-recaptcha, .h-captcha, [class*='captcha'], [id*='captcha'], [name*='captcha'], "
    "form[action*='challenge'], #challenge-form, script[src*='captcha'], "
    "script[src*='challenge-platform'], [id*='nc_'][id*='wrapper'], #TCaptcha"
)
# Words of a wall's title or first heading, Polish, English and Chinese (the outlet's CMS).
WALL_WORDS = {
    "maintenance": re.compile(
        r"\bprzerwa techniczna|\bprace (serwisowe|konserwacyjne|techniczne)|maintenance|"
        r"temporarily unavailable|service unavailable|系统维护|维护中", re.I),
    "captcha": re.compile(
        r"captcha|nie jesteś robotem|jesteś człowiekiem|just a moment|verify you are human|"
        r"are you a robot|安全验证|人机验证", re.I),
    "consent": re.compile(
        r"\bcookies?\b|\bciasteczk|\bprywatnoś|\bzgod[ayę]\b|\bRODO\b|\bconsent\b|\bprivacy\b|隐私",
        re.I),
}
VISIBLE = "//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]"


def interstitial(html: str) -> str | None:
    """`maintenance`, `captcha` or `consent` when the page is such a wall, else None."""
    page = Selector(text=html)
    text = "".join(page.xpath(VISIBLE).getall())
    if len(" ".join(text.split())) >= MAX_TEXT:
        return None
    if page.css(CAPTCHA):
        return "captcha"
    heading = " ".join(
        t for t in (page.css("title::text").get(), " ".join(page.css("h1 ::text").getall()[:3])) if t
    )
    for kind, words in WALL_WORDS.items():
        if words.search(heading):
            return kind
    return None
