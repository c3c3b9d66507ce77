"""Walls (maintenance, captcha, consent) told from articles on small pages: short visible text,
then a challenge widget, then the edition's wall words in the title or first heading."""

from __future__ import annotations

import pytest
from parsel import Selector

from crawler.editions import get_edition
from crawler.parsers.interstitial import MAX_TEXT, interstitial
from tests.replica.walls import CAPTCHA, CONSENT, MAINTENANCE

WALL_WORDS = dict(get_edition("polish").wall_words)
WALLS = {"maintenance": MAINTENANCE, "captcha": CAPTCHA, "consent": CONSENT}


def wall(html: str) -> str | None:
    return interstitial(Selector(text=html), WALL_WORDS)


@pytest.mark.parametrize(("kind", "html"), WALLS.items())
def test_walls_are_recognised(kind: str, html: str) -> None:
    assert interstitial(Selector(text=html), WALL_WORDS) == kind


def test_a_real_article_about_cookies_is_not_a_wall() -> None:
    body = "<p>" + "Chińskie przepisy o plikach cookie i zgodzie użytkowników. " * 40 + "</p>"
    html = f"<html><head><title>Cookie i zgoda: nowe przepisy</title></head><body><h1>Cookie</h1>{body}</body></html>"
    assert interstitial(Selector(text=html), WALL_WORDS) is None


@pytest.mark.parametrize(
    ("html", "kind"),
    [
        # the title or the first heading says what it is, in Polish, English or Chinese
        ("<title>Przerwa techniczna</title><p>Wrócimy wkrótce.</p>", "maintenance"),
        ("<h1>Prace serwisowe</h1><p>Wrócimy wkrótce.</p>", "maintenance"),
        ("<title>系统维护</title><p>x</p>", "maintenance"),
        ("<title>Service Unavailable</title><p>x</p>", "maintenance"),
        ("<title>Just a moment...</title><p>x</p>", "captcha"),
        ("<h1>Potwierdź, że nie jesteś robotem</h1>", "captcha"),
        ("<title>Ustawienia cookies</title><p>x</p>", "consent"),
        ("<h1>Twoja prywatność</h1><p>x</p>", "consent"),
        # a challenge widget is a captcha whatever the title says
        ('<title>Przerwa techniczna</title><div class="h-captcha"></div>', "captcha"),
        ('<title>Wiadomości</title><div id="TCaptcha"></div>', "captcha"),
        ('<title>Wiadomości</title><script src="https://x/cdn-cgi/challenge-platform/a.js"></script>',
         "captcha"),
        # the kinds in the edition's order: maintenance before consent
        ("<title>Maintenance of our cookies</title>", "maintenance"),
        # the words count in the title and heading only, not in a paragraph
        ("<title>Wiadomości</title><h1>Most</h1><p>Przerwa techniczna w dostawie prądu.</p>", None),
        ("<title>Wiadomości</title><p>Krótka notka.</p>", None),
    ],
    ids=["title_pl", "heading_pl", "title_zh", "title_en", "captcha_en", "captcha_heading",
         "consent_title", "consent_heading", "widget_over_words", "widget_tcaptcha",
         "challenge_script", "order", "words_in_text", "short_article"],
)
def test_wall_kind(html: str, kind: str | None) -> None:
    assert wall(html) == kind


def test_a_long_page_is_no_wall_even_with_a_widget_or_wall_words() -> None:
    text = "<p>" + "x" * MAX_TEXT + "</p>"
    assert wall(f'<title>Przerwa techniczna</title><div class="g-recaptcha"></div>{text}') is None
    # one character less is short
    assert wall(f"<title>Przerwa techniczna</title><p>{'x' * (MAX_TEXT - 1)}</p>") == "maintenance"


def test_script_and_style_text_does_not_make_a_wall_long() -> None:
    filler = "var a = 1; " * MAX_TEXT
    html = (f"<html><head><title>Just a moment...</title></head><body><p>x</p><script>{filler}"
            f"</script><style>{filler}</style><noscript>{filler}</noscript></body></html>")
    assert wall(html) == "captcha"
