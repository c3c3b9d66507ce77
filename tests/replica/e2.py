"""E2 pages (numeric CMS, 2020-10 .. 2022-03): ``/<section path>/<chanId>/<yyyymmdd>/<numId>.html``.

Visible text order (VERIFIED): headline, date, ``Podziel się:``, paragraphs, ``Ranking``.
Markup (the related English CMS's selectors, INFERRED):

* container ``div.article-left``; headline ``h1.article-title`` (knob ``title=h1``) or
  ``div.article-title > h2`` (``title=h2``); ``<title>`` is the bare headline;
* date ``span.article-type-item-time`` inside ``div.article-type``;
* ``div.article-share`` with ``Podziel się:`` (``share=colon``) or ``Podziel się``
  (``share=bare``) right after the date;
* body ``div.article-con`` of ``<p>``;
* sidebar ``div.article-right > div.ranking``: heading ``Ranking`` and links to other E2
  articles (noise); the CGTN cookie dialog on pages with ``cookie=yes``.

Also served through the traditional-Chinese gateway ``/gate/big5/polish.cri.cn/<path>``
(same page; its sidebar links rewritten to the gateway host, as such gateways do).
"""

from __future__ import annotations

from .corpus import Article
from .markup import COOKIE_DIALOG, SHARE_ICONS, body_blocks, esc, served_headline

BIG5_BASE = "http://big5.cri.cn/gate/big5/polish.cri.cn"


def render(article: Article, ranking: list[Article], *, via_gateway: bool = False) -> str:
    knobs = article.knobs
    headline = served_headline(article)
    if knobs.get("title") == "h2":
        title = f'<div class="article-title"><h2>{headline}</h2></div>'
    else:
        title = f'<h1 class="article-title">{headline}</h1>'
    label = "Podziel się" if knobs.get("share") == "bare" else "Podziel się:"
    stamp = f"{article.published:%Y-%m-%d %H:%M:%S}"
    paragraphs = "\n".join(body_blocks(article, caption_attr=' class="pic-title"'))
    items = []
    for other in ranking:
        link = (BIG5_BASE + other.path) if via_gateway else other.url
        items.append(f'<li><span class="num"></span><a href="{esc(link)}">{esc(other.headline)}</a></li>')
    cookie = COOKIE_DIALOG if knobs.get("cookie") == "yes" else ""
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>{served_headline(article, attribute=True)}</title>
<meta name="description" content="{esc(article.brief)}">
<link rel="stylesheet" href="https://polish.cri.cn/css/article.css">
</head>
<body>
<div class="header"><a class="logo" href="https://polish.cri.cn/"><img src="https://polish.cri.cn/images/logo.png" alt=""></a></div>
<div class="article-wrap clearfix">
<div class="article-left">
{title}
<div class="article-type"><span class="article-type-item article-type-item-time">{stamp}</span></div>
<div class="article-share"><span>{label}</span>{SHARE_ICONS}</div>
<div class="article-con">
{paragraphs}
</div>
</div>
<div class="article-right"><div class="ranking"><div class="ranking-title">Ranking</div>
<ul class="ranking-list">{"".join(items)}</ul></div></div>
</div>
{cookie}
</body>
</html>
"""
