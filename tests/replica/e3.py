"""E3 pages (CMG "ARTI" CMS, 2022-07 .. 2024-07): ``/<yyyy>/<mm>/<dd>/ARTI<26>.shtml``.

Visible text order, as on the six real Polish pages: ``Baidu``, headline, date line,
``Podziel się:``, paragraphs (initials glued to the last one in some), the cookie dialog.
Nothing else on the page has visible text (the logo and share links are images).

Knobs (``article.knobs``), each spread over articles:

* ``body``: ``abody`` (``<div id="abody">`` of ``<p>``), ``content_area_id`` (``<div
  id="content_area">`` with the body between ``<!--repaste.body.begin-->`` and
  ``<!--repaste.body.end-->``), ``content_area_class`` (the same with ``class="content_area"``),
  ``detailmod`` (``<div class="detailMod-body">``);
* ``title``: ``atitle`` (``<h1 id="atitle">``) or ``h1`` (a plain ``<h1 class="title">``);
  ``<title>`` is ``<headline> - Polskie Radio Chiny`` and ``og:title`` the headline everywhere;
* ``date``: ``apublishtime`` (``<span id="apublishtime">``) or ``bare`` (text of ``div.info``);
* ``baidu``: ``element`` (``<div class="baidu">Baidu</div>``), ``logo`` (a link whose text
  is ``Baidu``), ``line`` (the first text line of ``div.page-header`` before a search form);
* ``zebian``: ``yes`` adds an (empty) CMG editor block ``<div class="zebian">``.
"""

from __future__ import annotations

from .corpus import Article
from .markup import COOKIE_DIALOG, SHARE_ICONS, body_blocks, esc, served_headline

SITE_NAME = "Polskie Radio Chiny"

_BAIDU = {
    "element": (
        '<div class="header"><div class="baidu">Baidu</div>'
        '<a class="logo" href="https://polish.cri.cn/"><img src="//rcrires.cri.cn/polish/logo.png" alt=""></a></div>'
    ),
    "logo": (
        '<div class="header"><a class="logo-baidu" href="https://www.baidu.com/" target="_blank">Baidu</a>'
        '<a class="logo" href="https://polish.cri.cn/"><img src="//rcrires.cri.cn/polish/logo.png" alt=""></a></div>'
    ),
    "line": (
        '<div class="page-header">Baidu<form class="search" action="https://www.baidu.com/s" '
        'method="get"><input type="text" name="wd" value=""><input type="hidden" name="si" '
        'value="polish.cri.cn"><button type="submit" class="search-btn"></button></form>'
        '<a class="logo" href="https://polish.cri.cn/"><img src="//rcrires.cri.cn/polish/logo.png" alt=""></a></div>'
    ),
}


def render(article: Article) -> str:
    """The full E3 page of an article."""
    knobs = article.knobs
    headline = served_headline(article)
    stamp = f"{article.published:%Y-%m-%d %H:%M:%S}"
    if knobs.get("title") == "atitle":
        title = f'<h1 id="atitle">{headline}</h1>'
    else:
        title = f'<h1 class="title">{headline}</h1>'
    if knobs.get("date") == "apublishtime":
        date_line = f'<div class="info"><span id="apublishtime">{stamp}</span></div>'
    else:
        date_line = f'<div class="info">{stamp}</div>'
    share = f'<div class="share"><span class="share-label">Podziel się:</span>{SHARE_ICONS}</div>'
    paragraphs = "\n".join(body_blocks(article))
    zebian = '<div class="zebian"><span class="zb-name"></span></div>' if knobs.get("zebian") == "yes" else ""
    body = knobs.get("body", "abody")
    if body == "abody":
        main = (
            f'<div class="article-box">{title}{date_line}{share}'
            f'<div id="abody" class="abody">\n{paragraphs}\n</div>{zebian}</div>'
        )
    elif body in ("content_area_id", "content_area_class"):
        attr = 'id="content_area"' if body == "content_area_id" else 'class="content_area"'
        main = (
            f'<div class="article-box">{title}{date_line}{share}'
            f"<div {attr}><!--repaste.body.begin-->\n{paragraphs}\n<!--repaste.body.end-->"
            f'<div class="share-bottom">{SHARE_ICONS}</div></div>{zebian}</div>'
        )
    else:
        main = (
            f'<div class="detailMod"><div class="detailMod-hd">{title}{date_line}{share}</div>'
            f'<div class="detailMod-body">\n{paragraphs}\n</div>{zebian}</div>'
        )
    og_title = served_headline(article, attribute=True)
    return f"""<!DOCTYPE html>
<html lang="pl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{og_title} - {SITE_NAME}</title>
<meta property="og:title" content="{og_title}">
<meta property="og:type" content="article">
<meta property="og:url" content="{esc(article.url)}">
<meta property="og:image" content="{esc(article.photo)}">
<meta name="description" content="{esc(article.brief)}">
<link rel="canonical" href="{esc(article.url)}">
<link rel="stylesheet" href="//rcrires.cri.cn/polish/style/detail.css">
<script>var _hmt = _hmt || [];(function () {{var hm = document.createElement("script");hm.src = "https://hm.baidu.com/hm.js?6a8e1c7d9f0b2c3d4e5f60718293a4b5";var s = document.getElementsByTagName("script")[0];s.parentNode.insertBefore(hm, s);}})();</script>
</head>
<body>
{_BAIDU.get(knobs.get("baidu", "element"), _BAIDU["element"])}
<div class="column_wrapper"><div class="col_w660">
{main}
</div></div>
{COOKIE_DIALOG}
<script src="//rcrires.cri.cn/polish/js/common.js"></script>
</body>
</html>
"""
