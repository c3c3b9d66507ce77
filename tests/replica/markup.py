"""HTML helpers shared by the era renderers: escaping, the site's text roughness, noise blocks.

The clean text of an article becomes the served text here: double spaces, NBSP, zero-width
characters, a decomposed (NFD) paragraph, HTML entities in headlines and the initials glued to
the last paragraph.  ``clean_text`` of the served text gives the clean text back (tested).
"""

from __future__ import annotations

import html
import unicodedata
import zlib
from html.entities import codepoint2name

from .corpus import Article

#: CGTN's shared cookie dialog, verbatim from the dossier (raw ``&`` included).
COOKIE_DIALOG = """<div class="js-tools-dialog none"><div class="cg-tools-dialog"><div class="dialog-body">
  <div class="dialog-header"><p>Our Privacy Statement & Cookie Policy</p><a class="dialog-close" href="javascript:;"></a></div>
  <p class="dialog-content">By continuing to browse our site you agree to our use of cookies, revised Privacy Policy and Terms of Use. You can change your cookie settings through your browser.</p>
  <ul class="dialog-link"><li><a href="">Privacy Policy</a></li><li><a href=""><span>Terms of Use</span></a></li></ul>
  <div class="dialog-confirm"><span class="confirm-icon"></span><span>I agree</span></div>
</div></div></div>"""

#: The React variant of the banner (class names from the dossier).
COOKIE_NOTICE = (
    '<div class="CookieNotice"><div class="CookieNotice__title">Our Privacy Statement &amp; '
    'Cookie Policy</div><div class="CookieNotice__info">By continuing to browse our site you '
    "agree to our use of cookies, revised Privacy Policy and Terms of Use. You can change your "
    'cookie settings through your browser.</div><button class="CookieNotice__agree" '
    'type="button">I agree</button></div>'
)

SHARE_ICONS = (
    '<a class="share-facebook" href="https://www.facebook.com/sharer/sharer.php" target="_blank"></a>'
    '<a class="share-twitter" href="https://twitter.com/intent/tweet" target="_blank"></a>'
    '<a class="share-linkedin" href="https://www.linkedin.com/shareArticle" target="_blank"></a>'
)


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def entity_escape(text: str) -> str:
    """Escape and write every non-ASCII character as an entity (named where HTML has one)."""
    out = []
    for ch in html.escape(text, quote=True):
        code = ord(ch)
        if code < 128:
            out.append(ch)
        elif code in codepoint2name:
            out.append(f"&{codepoint2name[code]};")
        else:
            out.append(f"&#{code};")
    return "".join(out)


def _crc(key: str) -> int:
    return zlib.crc32(key.encode())


def roughen(text: str, key: str, exotic: bool = True) -> str:
    """Add the real site's whitespace habits to clean text (deterministic per ``key``).

    Double space after the first sentence, NBSP after a comma, a trailing NBSP, a zero-width
    space before the last word (``exotic`` only: windows-1250 cannot encode it).
    """
    n = _crc(key)
    out = text.replace(". ", ".  ", 1)
    if n % 2:
        out = out.replace(", ", ",\u00a0", 1)
    if n % 5 == 0:
        out = out.replace(" ", "  ", 1)
    if exotic and n % 3 == 0:
        cut = out.rfind(" ")
        if cut > 0:
            out = out[: cut + 1] + "\u200b" + out[cut + 1 :]
    if n % 7 == 0:
        out += "\u00a0"
    return out


def served_paragraphs(article: Article, *, exotic: bool = True) -> list[str]:
    """The paragraphs as the site serves them (unescaped text), initials glued to the last."""
    out = []
    for j, text in enumerate(article.paragraphs):
        if article.rough:
            text = roughen(text, f"{article.id}:{j}", exotic)
        if article.nfd and exotic and j == 0:
            text = unicodedata.normalize("NFD", text)
        out.append(text)
    if article.initials and out:
        glue = "\u00a0" if _crc(article.id) % 4 == 0 else " "
        out[-1] = out[-1].rstrip() + glue + article.initials
    return out


def served_headline(article: Article, *, attribute: bool = False) -> str:
    """The headline as HTML (entities for some articles, an NBSP for rough ones)."""
    text = article.headline
    if article.rough and not attribute:
        text = text.replace(" ", "\u00a0", 1)
    return entity_escape(text) if article.entities else esc(text)


def body_blocks(
    article: Article,
    indices: range | None = None,
    *,
    exotic: bool = True,
    sub: str = "strong",
    caption_attr: str = ' style="text-align: center;"',
) -> list[str]:
    """``<p>`` blocks of the body: paragraphs, sub-headings, images and their captions."""
    texts = served_paragraphs(article, exotic=exotic)
    images = dict(article.images)
    out = []
    for j in indices if indices is not None else range(len(texts)):
        if j in images:
            out.append(f'<p{caption_attr}><img src="{esc(images[j])}" alt=""></p>')
        text = esc(texts[j])
        if j in article.subheads:
            out.append(f"<h3>{text}</h3>" if sub == "h3" else f"<p><{sub}>{text}</{sub}></p>")
        elif j in article.captions:
            out.append(f"<p{caption_attr}>{text}</p>")
        else:
            out.append(f"<p>{text}</p>")
    return out


def video_tag(article: Article) -> str:
    if not article.video:
        return ""
    return (
        f'<p><video src="{esc(article.video.url)}" controls="controls" '
        f'poster="{esc(article.photo)}" preload="none"></video></p>'
    )


def content_html(article: Article, *, sub: str = "strong") -> str:
    """The HTML body the E4 CMS stores (API ``content``, payload, SSR pages)."""
    return video_tag(article) + "".join(body_blocks(article, sub=sub))


def bucket(key: str, n: int) -> int:
    """A deterministic choice among ``n`` variants."""
    return _crc(key) % n
