"""E4 articles (CGTN Nuxt platform, 2025 ..): HTML variants, API answers, ``_payload.json``.

The E4 page markup is UNKNOWN, so four variants are served (``knobs["html"]``; migrated E3
articles served without ``.shtml`` use ``knobs["e4html"]``):

* ``nuxt_a``: ``div#__nuxt`` > ``main.detail-wrap`` > ``h1.detail-title``,
  ``div.detail-info > span.detail-date`` (``YYYY-MM-DD HH:MM:SS``),
  ``div.detail-share`` (``Podziel się:``), ``div.detail-content`` (``<p>``, sub-headings
  ``<p><strong>``); the CGTN cookie dialog in ``div#teleports``; an inline
  ``<script id="__NUXT_DATA__" type="application/json">`` (devalue-style flat array holding
  id, title, brief, published, content);
* ``nuxt_b``: a navigation bar with section names (visible noise), ``article.article`` >
  ``h1.article-title``, ``time.article-time`` (with ``datetime``), ``div.article-share``
  (``Podziel się:`` as a bare text node), ``div#cmsMainContent.article-content``
  (sub-headings ``<h3>``); the React ``.CookieNotice`` banner;
* ``nuxt_c``: ``div.cri-detail`` > ``h1.cri-detail-title``, ``p.cri-detail-time``,
  ``div.cri-detail-share``, ``div.cri-detail-bd > div.text-con``; a footer line; the CGTN
  cookie dialog; ``window.__NUXT__`` config script (no article data);
* ``shell``: a client-rendered page: ``div#__nuxt`` holds only a loading placeholder, no
  headline, date or paragraph anywhere in the HTML (not even in meta tags).  Its inline script
  fetches ``<article path>/_payload.json`` and builds ``h1.detail-title``,
  ``div.detail-date``, ``div.detail-content`` in the DOM.

API behaviours (``knobs["api"]``): ``content`` (``result.content``), ``modules_cards``
(no ``content`` key; the body in ``result.modules[]`` of template ``ShijieyuDetail25`` at
``cardgroups[0].cardgroup.cards[0].card.content``), ``modules_data`` (``content: ""``; the
body at ``modules[].data.detail.content`` of a ``ShijieyuDetail25`` module), ``fail0``
(``succeed: 0``), ``http500`` (HTTP 500).  Shell articles never give a body through the API:
``shell_fail`` (``succeed: 0``), ``shell_empty`` (``content: ""``, no detail module),
``shell_absent`` (no ``content``, no modules).

Time (``knobs["time"]``, on a few generated E4 articles, never shells): the answer (and the
payload) carries no usable publication time, ``published`` left out (``absent``), ``""``
(``empty``) or ``"0"`` (``zero``), as is the ``date`` of a ``modules_cards`` detail card; its
``modifyDate`` stays. The page shows no date line, and ``__NUXT_DATA__`` has ``published: ""``.
The listing cards keep their ``date``.
"""

from __future__ import annotations

import json
from typing import Any

from .corpus import TIMELESS, Article, epoch_ms
from .markup import (
    COOKIE_DIALOG,
    COOKIE_NOTICE,
    SHARE_ICONS,
    content_html,
    esc,
    served_headline,
)
from .samples import CHANNEL_ID, SECTIONS

TITLE_SUFFIX = " | CRI po polsku"

SERVER_ERROR_PAGE = (
    "<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n<body>\r\n"
    "<center><h1>500 Internal Server Error</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)

#: The shell's client-side renderer (ES5, no framework): fetch the payload, build the DOM.
SHELL_SCRIPT = r"""(function () {
  var path = window.location.pathname.replace(/\/+$/, "");
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function stamp(ms) {
    var d = new Date(Number(ms) + 8 * 3600 * 1000);
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) +
      " " + pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds());
  }
  fetch(path + "/_payload.json", { credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(function (payload) {
      var a = payload.data.article;
      var root = document.getElementById("__nuxt");
      var wrap = document.createElement("main");
      wrap.className = "detail-wrap";
      var h1 = document.createElement("h1");
      h1.className = "detail-title";
      h1.textContent = a.title;
      var date = document.createElement("div");
      date.className = "detail-date";
      date.textContent = stamp(a.published);
      var body = document.createElement("div");
      body.className = "detail-content";
      body.innerHTML = a.content;
      wrap.appendChild(h1);
      wrap.appendChild(date);
      wrap.appendChild(body);
      root.innerHTML = "";
      root.appendChild(wrap);
      document.title = a.title + " | CRI po polsku";
      root.setAttribute("data-rendered", "1");
    });
})();"""


def html_variant(article: Article) -> str:
    if article.era == "E3":
        return article.knobs.get("e4html", "nuxt_a")
    return article.knobs.get("html", "nuxt_a")


def api_variant(article: Article) -> str:
    return article.knobs.get("api", "content")


def e4_url(article: Article) -> str:
    return article.base + article.e4_path


def photo_json(article: Article) -> dict[str, Any]:
    thumb = article.photo.replace("_1280.jpg", "_245.jpg") if article.photo else ""
    return {
        "large": article.photo,
        "width": 1280 if article.photo else 0,
        "content": "",
        "height": 720 if article.photo else 0,
        "thurm": thumb,
    }


def timeless(article: Article) -> bool:
    """Neither its API answer nor its page carries a publication time (``knobs["time"]``)."""
    return article.knobs.get("time") in TIMELESS


def published_field(article: Article, key: str = "published") -> dict[str, str]:
    """Its publication time as an answer writes it, ``{key: epoch ms}``; by ``knobs["time"]``
    no field (``absent``), ``""`` (``empty``) or ``"0"`` (``zero``)."""
    form = article.knobs.get("time")
    if form == "absent":
        return {}
    if form in TIMELESS:
        return {key: "0" if form == "zero" else ""}
    return {key: str(epoch_ms(article.published))}


def article_fields(article: Article) -> dict[str, Any]:
    """Fields every successful article answer (and the payload) carries."""
    fields: dict[str, Any] = {
        "id": article.id,
        "title": article.headline,
        "brief": article.brief,
        **published_field(article),
        "modifyDate": str(epoch_ms(article.last_modified)),
        "lang": article.language,
        "link": e4_url(article),
        "channel": CHANNEL_ID,
        "isPlay": "1" if article.video else "0",
        "photo": photo_json(article),
    }
    if article.video:
        fields["video"] = article.video.as_json()
    return fields


def envelope(result: Any) -> dict[str, Any]:
    return {"result": result, "succeed": 1, "errorMessage": "", "errorCode": 0}


def failure(message: str = "Data not found", code: int = 404) -> dict[str, Any]:
    return {"result": None, "succeed": 0, "errorMessage": message, "errorCode": code}


def api_answer(article: Article) -> tuple[int, dict[str, Any] | None]:
    """(HTTP status, JSON) of ``POST /api/getData`` for an article; JSON None on HTTP 500."""
    api = api_variant(article)
    if api in ("fail0", "shell_fail"):
        return 200, failure()
    if api == "http500":
        return 500, None
    result = article_fields(article)
    content = content_html(article)
    if api == "content":
        result["content"] = content
        result["modules"] = []
    elif api == "modules_cards":
        result["modules"] = [
            {
                "templateName": "ShijieyuDetail25",
                "templateId": "detail25",
                "id": "Modu" + article.id[4:24].ljust(20, "0") + "250101",
                "title": "",
                "cardgroups": [
                    {
                        "cardgroup": {
                            "id": "Data" + article.id[4:24].ljust(20, "1") + "250101",
                            "title": "",
                            "link": "",
                            "cards": [
                                {
                                    "card": {
                                        "id": article.id,
                                        "title": article.headline,
                                        "content": content,
                                        **published_field(article, "date"),
                                    }
                                }
                            ],
                        }
                    }
                ],
            }
        ]
    elif api == "modules_data":
        result["content"] = ""
        result["modules"] = [
            {
                "templateName": "ShijieyuDetail25",
                "templateId": "detail25",
                "title": "",
                "data": {"detail": {"id": article.id, "title": article.headline, "content": content}},
            }
        ]
    elif api == "shell_empty":
        result["content"] = ""
        result["modules"] = []
    # "shell_absent": neither content nor modules.
    return 200, envelope(result)


def payload(article: Article) -> dict[str, Any]:
    """``<article path>/_payload.json`` (always holds the full content)."""
    fields = article_fields(article)
    fields["content"] = content_html(article)
    return {"data": {"article": fields}, "prerenderedAt": epoch_ms(article.last_modified)}


def _nuxt_data(article: Article) -> str:
    """A devalue-style flat array, as Nuxt 3 inlines it in ``__NUXT_DATA__``."""
    values = [
        ["ShallowReactive", 1],
        {"data": 2, "state": 8, "once": 9, "_errors": 10, "serverRendered": 11, "path": 12},
        ["ShallowReactive", 3],
        {f"article-{article.id}": 4},
        {"id": 5, "title": 6, "content": 7, "published": 13, "brief": 14},
        article.id,
        article.headline,
        content_html(article),
        {},
        ["Set"],
        ["ShallowReactive", 15],
        True,
        article.e4_path,
        "" if timeless(article) else str(epoch_ms(article.published)),
        article.brief,
        {},
    ]
    # "</" must not close the script element early.
    return json.dumps(values, ensure_ascii=False).replace("</", "<\\/")


def _head(article: Article, suffix: str = TITLE_SUFFIX) -> str:
    og = served_headline(article, attribute=True)
    return (
        '<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{og}{esc(suffix)}</title>\n"
        f'<meta property="og:title" content="{og}">\n'
        f'<meta property="og:description" content="{esc(article.brief)}">\n'
        f'<meta property="og:image" content="{esc(article.photo)}">\n'
        f'<link rel="canonical" href="{esc(e4_url(article))}">\n'
        '<link rel="modulepreload" as="script" crossorigin href="/_nuxt/entry.Cx8d2kQ1.js">'
    )


def _nav() -> str:
    links = ['<a href="https://polish.cri.cn/">Strona główna</a>']
    links += [f'<a href="{esc(s.url)}">{esc(s.title)}</a>' for s in SECTIONS if s.nav]
    return f'<nav class="main-nav">{"".join(links)}</nav>'


def render(article: Article) -> str:
    """The HTML of an E4 article page (or of a migrated E3 article served without .shtml)."""
    variant = html_variant(article)
    if variant == "shell":
        return render_shell()
    headline = served_headline(article)
    stamp = f"{article.published:%Y-%m-%d %H:%M:%S}"
    shown = not timeless(article)  # else the template's date slot stays empty
    if variant == "nuxt_b":
        moment = article.published.isoformat()
        time = f'<time class="article-time" datetime="{moment}">{stamp}</time>' if shown else ""
        body = (
            f'<div id="__nuxt"><div class="layout">{_nav()}<article class="article">'
            f'<header class="article-header"><h1 class="article-title">{headline}</h1>'
            f'<div class="article-meta">{time}</div>'
            f'<div class="article-share">Podziel się:{SHARE_ICONS}</div></header>'
            f'<div class="article-content" id="cmsMainContent">\n{content_html(article, sub="h3")}\n</div>'
            f"</article></div></div>\n{COOKIE_NOTICE}\n"
            '<script type="module" src="/_nuxt/entry.Cx8d2kQ1.js" crossorigin></script>'
        )
        return f'<!DOCTYPE html>\n<html lang="pl">\n<head>\n{_head(article, " - polish.cgtn.com")}\n</head>\n<body>\n{body}\n</body>\n</html>\n'
    if variant == "nuxt_c":
        time = f'<p class="cri-detail-time">{stamp}</p>' if shown else ""
        body = (
            '<div id="__nuxt"><div id="app" class="cri-app"><div class="cri-detail">'
            f'<div class="cri-detail-hd"><h1 class="cri-detail-title">{headline}</h1>{time}'
            f'<div class="cri-detail-share"><span>Podziel się:</span>{SHARE_ICONS}</div></div>'
            f'<div class="cri-detail-bd"><div class="text-con">\n{content_html(article)}\n</div></div>'
            '</div><footer class="cri-footer"><p>Copyright © China Media Group. All Rights Reserved.</p>'
            f"</footer></div></div>\n{COOKIE_DIALOG}\n"
            '<script>window.__NUXT__={config:{public:{apiBase:"/api/getData",lang:"pl"}}}</script>'
        )
        return f'<!DOCTYPE html>\n<html lang="pl">\n<head>\n{_head(article)}\n</head>\n<body>\n{body}\n</body>\n</html>\n'
    time = f'<span class="detail-date">{stamp}</span>' if shown else ""
    body = (
        '<div id="__nuxt"><div class="page-wrap"><header class="cri-header">'
        '<a class="cri-logo" href="https://polish.cri.cn/"><img src="https://38picres.cgtn.com/polish/logo.png" alt=""></a>'
        f'</header><main class="detail-wrap"><h1 class="detail-title">{headline}</h1>'
        f'<div class="detail-info">{time}</div>'
        f'<div class="detail-share"><span class="share-label">Podziel się:</span>{SHARE_ICONS}</div>'
        f'<div class="detail-content">\n{content_html(article)}\n</div></main></div></div>\n'
        f'<div id="teleports">{COOKIE_DIALOG}</div>\n'
        f'<script type="application/json" id="__NUXT_DATA__" data-ssr="true">{_nuxt_data(article)}</script>\n'
        '<script type="module" src="/_nuxt/entry.Cx8d2kQ1.js" crossorigin></script>'
    )
    return f'<!DOCTYPE html>\n<html lang="pl" data-capo="">\n<head>\n{_head(article)}\n</head>\n<body>\n{body}\n</body>\n</html>\n'


def render_shell() -> str:
    """The client-rendered shell: no article text in the HTML at all."""
    return f"""<!DOCTYPE html>
<html lang="pl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>CRI po polsku</title>
<link rel="modulepreload" as="script" crossorigin href="/_nuxt/entry.Cx8d2kQ1.js">
</head>
<body>
<div id="__nuxt"><div class="nuxt-loading" aria-busy="true"></div></div>
<div id="teleports">{COOKIE_DIALOG}</div>
<script>{SHELL_SCRIPT}</script>
</body>
</html>
"""
