"""E1 pages (legacy CRI CMS, 2004 .. 2019-10): ``/<chanId>/<yyyy>/<mm>/<dd>/<prefix>(s|@)<serial>[_<page>].htm``.

Visible text order (VERIFIED): headline, date + ``CRI``, paragraphs, ``Zobacz także``,
``Polecamy``, footer.  Table layout of the 2000s:

* ``<title>`` = headline; ``h1`` elements: an empty logo ``h1`` (image only), the headline
  ``h1``, an empty ``h1`` in the right column, so the title is the last non-empty ``h1``;
* date line ``div.time``: ``knobs["dateline"]`` ``same`` (``2018-06-08 08:43:00 CRI``),
  ``own`` (date, then ``div.source`` ``CRI`` on its own line) or ``runon`` (date, then
  ``<span>cri</span><span>Xue Yanan</span>``, which text extraction reads as ``criXue Yanan``);
* body ``div#ccontent`` (``body=ccontent``) or ``div.text`` (``body=text``): ``<p>``
  paragraphs (``breaks=p``) or text separated by ``<br><br>`` (``breaks=br``, old pages);
  sub-headings ``<p><b>`` (or ``<b>``), photo captions as their own ``<p align="center">`` line
  after the image;
* ``div.related`` (``Zobacz także`` + links) at the END INSIDE the body container
  (``related=inside``) or right after it (``related=after``); then the pager of multi-page
  articles ``div#pages`` (numbers and ``»``), ``div.polecamy`` (``Polecamy`` + links), the
  footer ``div.footer`` (``© China Radio International.CRI. All Rights Reserved.`` /
  ``16A Shijingshan Road, Beijing, China. 100040``, or the short forms without ``©`` and zip);
* 2004-2008 pages (``pipes=yes``) have lines made only of ``|`` in the top bar, inside the
  body between paragraphs, in the right column and before the footer;
* real noise (DOSSIER section 9): ``template=2004`` puts a navigation line, the date line
  (``gmt=before``: ``(GMT+08:00) 2004-10-11 18:59:55``; ``gmt=own``: ``(GMT+08:00)`` on its own
  line, then the date) and the headline again at the start of the text; ``comments=yes`` ends
  the text of later pages with a ``Komentarze`` block;
* encoding (``knobs["encoding"]``): ``utf8`` (HTTP header and meta say utf-8), ``utf8meta``
  (``<meta charset="utf-8">`` only), ``cp1250`` (``<meta http-equiv="Content-Type"
  content="text/html; charset=windows-1250">``, bytes in windows-1250, no charset in the HTTP
  header).

The ``Zt`` topic page is a list of teasers (``div.ztlist``) without a date line.
"""

from __future__ import annotations

from .corpus import Article
from .markup import body_blocks, esc, served_headline, served_paragraphs
from .samples import TopicPage

E1_BASE = "http://polish.cri.cn"


def page_url(article: Article, page: int) -> str:
    path = article.path if page == 1 else article.path[: -len(".htm")] + f"_{page}.htm"
    return E1_BASE + path


def _meta(encoding: str) -> str:
    if encoding == "cp1250":
        return '<meta http-equiv="Content-Type" content="text/html; charset=windows-1250">'
    if encoding == "utf8meta":
        return '<meta charset="utf-8">'
    return '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'


def content_type(encoding: str) -> str:
    """The HTTP header: only the ``utf8`` variant names its charset there."""
    return "text/html; charset=utf-8" if encoding == "utf8" else "text/html"


def encode(page: str, encoding: str) -> bytes:
    return page.encode("cp1250" if encoding == "cp1250" else "utf-8", "xmlcharrefreplace")


def _top(pipes: bool) -> str:
    cells = [
        '<td><h1 class="logo"><a href="http://polish.cri.cn/"><img src="http://polish.cri.cn/images/logo.gif" alt="" border="0"></a></h1></td>'
    ]
    for n in range(1, 5):
        if pipes:
            cells.append("<td>|</td>")
        cells.append(
            f'<td><a href="http://polish.cri.cn/{1300 + n}/more.htm"><img src="http://polish.cri.cn/images/nav{n}.gif" alt="" border="0"></a></td>'
        )
    return (
        '<table width="950" border="0" align="center" cellpadding="0" cellspacing="0" class="top"><tr>'
        + "".join(cells)
        + "</tr></table>"
    )


def _footer(style: str, pipes: bool) -> str:
    lead = "<p>| | | |</p>" if pipes else ""
    if style == "full":
        lines = (
            "<p>© China Radio International.CRI. All Rights Reserved.</p>"
            "<p>16A Shijingshan Road, Beijing, China. 100040</p>"
        )
    else:
        lines = (
            "<p>China Radio International.CRI. All Rights Reserved.</p>"
            "<p>16A Shijingshan Road, Beijing, China</p>"
        )
    return f'{lead}<div class="footer">{lines}</div>'


def _links(title: str, css: str, others: list[Article]) -> str:
    items = "".join(
        f'<li><a href="{esc(E1_BASE + o.path)}" target="_blank">{esc(o.headline)}</a></li>' for o in others
    )
    return f'<div class="{css}"><p class="tit">{title}</p><ul>{items}</ul></div>'


def _body(article: Article, page: int, exotic: bool) -> list[str]:
    knobs = article.knobs
    indices = article.page_paragraphs(page)
    pipes = knobs.get("pipes") == "yes"
    if knobs.get("breaks") == "br":
        texts = served_paragraphs(article, exotic=exotic)
        images = dict(article.images)
        lines: list[str] = []
        for n, j in enumerate(indices):
            if j in images:
                lines.append(f'<img src="{esc(images[j])}" border="0">')
            text = esc(texts[j])
            lines.append(f"<b>{text}</b>" if j in article.subheads else text)
            if pipes and n % 2 == 1:
                lines.append("|")
        return ["<br>\n<br>\n".join(lines)]
    blocks = body_blocks(article, indices, exotic=exotic, sub="b", caption_attr=' align="center"')
    if not pipes:
        return blocks
    out = []
    for n, block in enumerate(blocks):
        out.append(block)
        if n % 2 == 1:
            out.append("<p>|</p>")
    out.insert(1, '<div class="sep">| | |</div>')
    return out


def render(article: Article, page: int, related: list[Article], recommended: list[Article]) -> bytes:
    """The bytes of page ``page`` of an E1 article (encoded as its knobs say)."""
    knobs = article.knobs
    encoding = knobs.get("encoding", "utf8")
    exotic = encoding != "cp1250"
    pipes = knobs.get("pipes") == "yes"
    stamp = f"{article.published:%Y-%m-%d %H:%M:%S}"
    dateline = knobs.get("dateline", "same")
    if dateline == "own":
        date_html = f'<div class="time">{stamp}</div>\n<div class="source">CRI</div>'
    elif dateline == "runon":
        editor = esc(knobs.get("editor") or "Xue Yanan")
        date_html = (
            f'<div class="time">{stamp} <span class="source">cri</span>'
            f'<span class="editor">{editor}</span></div>'
        )
    else:
        date_html = f'<div class="time">{stamp} CRI</div>'
    body = _body(article, page, exotic)
    if knobs.get("template") == "2004":
        # The 2004 template: navigation and the date line open the text, then the headline
        # again; the time zone before the date or on its own line.
        nav = " | ".join(f'<a href="http://polish.cri.cn/{1300 + n}/more.htm">{label}</a>'
                         for n, label in enumerate(("Wiadomości", "Chiny", "Świat", "Gospodarka")))
        zone = (f'<div class="time">(GMT+08:00) {stamp}</div>' if knobs.get("gmt") == "before"
                else f'<div class="zone">(GMT+08:00)</div><div class="time">{stamp}</div>')
        body[:0] = [f'<div class="nav">{nav}</div>', zone, f"<p><b>{served_headline(article)}</b></p>"]
        date_html = ""
    if knobs.get("comments") == "yes":  # 2014 pages: the comments block ends the text
        body.append('<div class="comments"><p class="tit">Komentarze</p><p>Dodaj komentarz</p></div>')
    related_html = _links("Zobacz także", "related", related)
    inside = knobs.get("related") == "inside"
    if inside:
        body.append(related_html)
    container = (
        '<div id="ccontent">' if knobs.get("body", "ccontent") == "ccontent" else '<div class="text">'
    )
    pager = ""
    if article.pages > 1:
        parts = []
        for p in range(1, article.pages + 1):
            if p == page:
                parts.append(f'<span class="cur">{p}</span>')
            else:
                parts.append(f'<a href="{esc(page_url(article, p))}">{p}</a>')
        if page < article.pages:
            parts.append(f'<a href="{esc(page_url(article, page + 1))}">»</a>')
        pager = f'<div id="pages" class="pages">{" ".join(parts)}</div>'
    right = "<h1></h1>" + ("<div>|</div><div>|</div>" if pipes else "")
    html = f"""<html>
<head>
{_meta(encoding)}
<title>{served_headline(article, attribute=True)}</title>
<link href="http://polish.cri.cn/css/polish.css" rel="stylesheet" type="text/css">
</head>
<body>
{_top(pipes)}
<table width="950" border="0" align="center" cellpadding="0" cellspacing="0" class="main"><tr>
<td class="left" valign="top">
<h1>{served_headline(article)}</h1>
{date_html}
{container}
{chr(10).join(body)}
</div>
{"" if inside else related_html}
{pager}
{_links("Polecamy", "polecamy", recommended)}
</td>
<td class="right" valign="top">{right}</td>
</tr></table>
{_footer(knobs.get("footer", "full"), pipes)}
</body>
</html>
"""
    return encode(html, encoding)


def render_topic(topic: TopicPage, teasers: list[tuple[Article, str]]) -> bytes:
    """The ``Zt`` topic page: a list of teasers, not an article."""
    items = "".join(
        f'<dl><dt><a href="{esc(E1_BASE + a.path)}">{esc(a.headline)}</a></dt><dd>{esc(text)}</dd></dl>'
        for a, text in teasers
    )
    html = f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{esc(topic.title)}</title>
</head>
<body>
{_top(False)}
<table width="950" border="0" align="center" class="main"><tr><td class="left" valign="top">
<h1>{esc(topic.title)}</h1>
<div class="ztlist">{items}</div>
</td></tr></table>
{_footer("full", False)}
</body>
</html>
"""
    return html.encode("utf-8")
