"""The site: fixed and generated articles, listings, reachability, live edits.

``Site`` is what the server serves and what the tests compare against:

* ``article(id)`` / ``resolve(path)`` find articles (fixed, added or generated);
* ``listing()`` / ``section_listing()`` give the E4 listings newest first (extras such as
  fixtures and live-added articles merged with the arithmetic generated slots);
* ``expected(reach, since)`` / ``urls(reach)`` give the ground truth and URL lists;
* ``edit()`` / ``add_articles()`` change the site while it runs.

A site is one edition's (``Site(edition="esperanto")``, tests/replica/editions.py): Polish by
default, the whole outlet; another edition has only the eras and reaches it has, on its host.
"""

from __future__ import annotations

import bisect
import random
import re
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from . import texts
from .corpus import (
    BEIJING,
    CANONICAL_BASE,
    REACHES,
    Article,
    clean_text,
    even_page_starts,
    make_brief,
)
from .editions import replica_edition
from .generator import Generator
from .samples import (
    SECTION_BY_SLUG,
    SECTIONS,
    ZT_PAGE,
    Section,
    e4_id,
    e4_url,
    featured_ids,
    fixed_articles,
    pic,
    video_for,
)

PAGE_SIZE = 20
SITEMAP_SIZE = 100
HOME_LATEST = 8
HOME_PER_SECTION = 6

E4_PATH = re.compile(r"^/(\d{4})/(\d{2})/(\d{2})/(ARTI\d{16})$")
E3_PATH = re.compile(r"^/(\d{4})/(\d{2})/(\d{2})/(ARTI[A-Za-z0-9]{20}\d{6})(\.shtml)?$")
E2_PATH = re.compile(r"^/([A-Za-z_]+(?:/[A-Za-z_]+)*)/(\d+)/(\d{8})/(\d+)\.html$")
E1_PATH = re.compile(r"^/(\d+)/(\d{4})/(\d{2})/(\d{2})/((?:Zt)?\d+)([s@])(\d+)(?:_(\d+))?\.htm$")

_UNSET: Any = object()


@dataclass(frozen=True)
class Resolved:
    """What an article path points at."""

    article: Article
    kind: str  # "e4", "e3", "e3-bare" (E3 id without .shtml), "e2", "e1"
    page: int = 1


def alias_url(url: str, key: str, forms: tuple[str, ...] = ("https", "http", "cgtn", "spm")) -> str:
    """One of the alias forms of a canonical URL, chosen deterministically by ``key``.

    Forms: canonical https, ``http://``, the ``polish.cgtn.com`` alias, and a tracking query
    such as ``?spm=C78358.P8Q1A2.E1.3``.
    """
    form = forms[zlib.crc32(key.encode()) % len(forms)]
    path = url[url.index("/", len("https://")):] if "://" in url else url  # any host: Polish
    if form == "http":
        return f"http://polish.cri.cn{path}"
    if form == "cgtn":
        return f"https://polish.cgtn.com{path}"
    if form == "spm":
        n = zlib.crc32(key[::-1].encode())
        return f"{CANONICAL_BASE}{path}?spm=C78358.P8Q1A2.E{n % 9 + 1}.{n % 37}"
    return f"{CANONICAL_BASE}{path}"


class Site:
    """The whole replica site (thread-safe for concurrent reads and edits)."""

    def __init__(self, articles: int = 0, seed: int = 1, edition: str = "polish") -> None:
        if articles < 0:
            raise ValueError("article count must not be negative")
        self.edition = replica_edition(edition)
        self.seed = seed
        self._lock = threading.RLock()
        fixed, featured = self._fixed_articles()
        self._fixed: dict[str, Article] = {a.id: a for a in fixed}
        self.featured = featured
        self.generator = Generator(articles, seed, set(self._fixed), self.edition)
        self._added: dict[str, Article] = {}
        self._edits: dict[str, dict[str, Any]] = {}
        # Extras: listed articles that are not generated slots (fixtures and live additions),
        # kept sorted newest first by listing time.
        self._extras: list[tuple[float, str]] = sorted(
            ((-a.listed_at.timestamp(), a.id) for a in fixed if a.listed and a.listed_at),
        )
        self.version = 0  # bumped on every change (lets callers notice edits)

    def _fixed_articles(self) -> tuple[list[Article], tuple[str, ...]]:
        """The fixed articles of the edition, and the featured ones' ids: for another edition
        than Polish, those of its eras its listings show, with ids of their own."""
        fixed, edition = fixed_articles(), self.edition
        featured = featured_ids(fixed)
        if edition.is_polish:
            return fixed, featured
        kept = [a for a in fixed if a.era in edition.eras and (edition.url_only or a.listed)]
        adopted = {a.id: edition.adopt(a, rekey=True) for a in kept}
        return list(adopted.values()), tuple(adopted[i].id for i in featured if i in adopted)

    # -- lookups --------------------------------------------------------------------------
    @property
    def article_count(self) -> int:
        return len(self._fixed) + len(self._added) + self.generator.count

    def article(self, article_id: str) -> Article | None:
        """The current state of an article (edits applied), or None."""
        base = self._fixed.get(article_id) or self._added.get(article_id)
        if base is None:
            index = self.generator.find(article_id)
            if index is None:
                return None
            base = self.generator.article(index)
        changes = self._edits.get(article_id)
        return replace(base, **changes) if changes else base

    def _generated(self, index: int) -> Article:
        base = self.generator.build(index)
        changes = self._edits.get(base.id)
        return replace(base, **changes) if changes else base

    def resolve(self, path: str) -> Resolved | None:
        """The article behind an article path (any era, any page), or None."""
        if m := E4_PATH.match(path):
            article = self.article(m.group(4))
            if article and article.era == "E4" and article.path == path:
                return Resolved(article, "e4")
            return None
        if m := E3_PATH.match(path):
            article = self.article(m.group(4))
            if not article or article.era != "E3":
                return None
            if m.group(5) and article.path == path:
                return Resolved(article, "e3")
            if not m.group(5) and article.e4_path == path:
                return Resolved(article, "e3-bare")
            return None
        if m := E2_PATH.match(path):
            article = self.article(f"E2-{m.group(4)}")
            if article and article.path == path:
                return Resolved(article, "e2")
            return None
        if m := E1_PATH.match(path):
            article = self.article(f"E1-{m.group(7)}")
            page = int(m.group(8) or 1)
            first = re.sub(r"_\d+\.htm$", ".htm", path)
            if article and article.path == first and (m.group(8) is None or 2 <= page <= article.pages):
                return Resolved(article, "e1", page)
            return None
        return None

    def is_topic_page(self, path: str) -> bool:
        return path == ZT_PAGE.path and "E1" in self.edition.eras

    # -- listings -------------------------------------------------------------------------
    def _extra_time(self, article_id: str) -> float:
        article = self._fixed.get(article_id) or self._added[article_id]
        return (article.listed_at or article.published).timestamp()

    def _merged(
        self,
        extras: list[str],
        gen_count: int,
        gen_time: Callable[[int], float],
        gen_article: Callable[[int], Article],
        start: int,
        stop: int,
    ) -> list[Article]:
        """Items ``[start, stop)`` of extras (sorted newest first) merged with generated items.

        An extra goes before every generated item that is not newer than it; its merged
        position is its rank plus the number of generated items newer than it.
        """
        positions = []
        for rank, article_id in enumerate(extras):
            t = self._extra_time(article_id)
            lo, hi = 0, gen_count
            while lo < hi:  # generated items strictly newer than t
                mid = (lo + hi) // 2
                if gen_time(mid) > t:
                    lo = mid + 1
                else:
                    hi = mid
            positions.append(rank + lo)
        out: list[Article] = []
        total = len(extras) + gen_count
        for m in range(max(0, start), min(stop, total)):
            x = bisect.bisect_left(positions, m)
            if x < len(positions) and positions[x] == m:
                article = self.article(extras[x])
            else:
                article = gen_article(m - x)
            assert article is not None
            out.append(article)
        return out

    def _extras_snapshot(self, section: str | None = None) -> list[str]:
        with self._lock:
            ids = [article_id for _, article_id in self._extras]
        if section is None:
            return ids
        return [i for i in ids if (self._fixed.get(i) or self._added[i]).section == section]

    def listing_count(self) -> int:
        return len(self._extras) + self.generator.n_slots

    def listing(self, start: int, stop: int) -> list[Article]:
        """All E4-listed articles newest first (sitemap, "latest" modules)."""
        g = self.generator
        return self._merged(
            self._extras_snapshot(),
            g.n_slots,
            g.slot_time,
            lambda j: self._generated(g.slot_index(j)),
            start,
            stop,
        )

    def section_count(self, section: Section) -> int:
        pos = SECTIONS.index(section)
        return len(self._extras_snapshot(section.slug)) + self.generator.section_count(pos)

    def section_listing(self, section: Section, start: int, stop: int) -> list[Article]:
        """The articles of one section newest first."""
        g = self.generator
        pos = SECTIONS.index(section)
        return self._merged(
            self._extras_snapshot(section.slug),
            g.section_count(pos),
            lambda j: g.slot_time(g.section_slot(pos, j)),
            lambda j: self._generated(g.slot_index(g.section_slot(pos, j))),
            start,
            stop,
        )

    def section_pages(self, section: Section) -> int:
        return max(1, -(-self.section_count(section) // PAGE_SIZE))

    def section_page(self, section: Section, page: int) -> list[Article]:
        return self.section_listing(section, (page - 1) * PAGE_SIZE, page * PAGE_SIZE)

    def children(self, section: Section) -> list[Section]:
        return [s for s in SECTIONS if s.parent == section.slug]

    def featured_articles(self) -> list[Article]:
        return [a for a in (self.article(i) for i in self.featured) if a is not None]

    def home_latest(self) -> list[Article]:
        return self.listing(0, HOME_LATEST)

    def home_section_cards(self, section: Section) -> list[Article]:
        return self.section_listing(section, 0, HOME_PER_SECTION)

    def sitemap_articles(self) -> list[Article]:
        return self.listing(0, SITEMAP_SIZE)

    # -- reachability ---------------------------------------------------------------------
    def monitor_ids(self) -> set[str]:
        """Ids a monitoring crawl finds without paginating (sitemap, home, page 1 of sections)."""
        found = {a.id for a in self.sitemap_articles()}
        found |= {a.id for a in self.home_latest()}
        found |= {a.id for a in self.featured_articles()}
        for section in SECTIONS:
            if section.home:
                found |= {a.id for a in self.home_section_cards(section)}
            found |= {a.id for a in self.section_page(section, 1)}
            for child in self.children(section):  # teaser module of sub-sections
                found |= {a.id for a in self.home_section_cards(child)}
        return found

    def _refs(self, reach: str, since: date | None = None) -> list[tuple[str, str | int]]:
        """(id, reference) of every article matching ``reach`` and ``since``, sorted by id.

        A reference is the id of a fixed or added article, or a generated index: only the
        cheap cores are computed here, so the list stays small even for 100 000 articles.
        """
        if reach not in REACHES:
            raise ValueError(f"unknown reach {reach!r}")
        monitor = self.monitor_ids() if reach == "monitor" else set()

        def wanted(article_id: str, listed: bool, published: datetime) -> bool:
            if since is not None and published.astimezone(BEIJING).date() < since:
                return False
            if reach == "all":
                return True
            if reach == "monitor":
                return article_id in monitor
            if reach == "backfill":
                return listed
            return not listed

        refs: list[tuple[str, str | int]] = []
        with self._lock:
            others = list(self._fixed) + list(self._added)
        for article_id in others:
            article = self.article(article_id)
            if article and wanted(article.id, article.listed, article.published):
                refs.append((article.id, article.id))
        g = self.generator
        core = g.core if g.count <= 16384 else g._core  # do not churn the cache on big corpora
        for i in range(g.count):
            c = core(i)
            if wanted(c.id, c.listed, c.published):
                refs.append((c.id, i))
        refs.sort()
        return refs

    def _load(self, ref: str | int) -> Article:
        article = self.article(ref) if isinstance(ref, str) else self._generated(ref)
        assert article is not None
        return article

    def iter_articles(self, reach: str = "all", since: date | str | None = None) -> Iterator[Article]:
        """Articles matching ``reach``/``since`` sorted by id, built one at a time."""
        if isinstance(since, str):
            since = date.fromisoformat(since)
        for _, ref in self._refs(reach, since):
            yield self._load(ref)

    def iter_expected(self, reach: str = "all", since: date | str | None = None) -> Iterator[dict[str, Any]]:
        """Ground truth lines (see ``Article.expected``) sorted by id, lazily."""
        for article in self.iter_articles(reach, since):
            yield article.expected()

    def expected(self, reach: str = "all", since: date | str | None = None) -> list[dict[str, Any]]:
        """Ground truth lines (see ``Article.expected``), sorted by id."""
        return list(self.iter_expected(reach, since))

    def ids(self, reach: str = "all") -> set[str]:
        return {article_id for article_id, _ in self._refs(reach)}

    def urls(self, reach: str = "all") -> list[str]:
        """Article URLs for crawls by URL list, in mixed real alias forms, sorted by id."""
        return [self.listed_url(article) for article in self.iter_articles(reach)]

    def listed_url(self, article: Article) -> str:
        """The form in which the URL list gives an article (on the edition's hosts)."""
        return self.edition.localise(self._listed_url(article))

    def _listed_url(self, article: Article) -> str:
        key = f"urls:{article.id}"
        if article.era == "E1":
            if article.id == "E1-144787":  # the real URL the dossier saw is page 4
                return "http://polish.cri.cn/1364/2019/09/30/41s144787_4.htm"
            return "http://polish.cri.cn" + article.path
        if article.era == "E2":
            if article.knobs.get("big5") == "yes":
                return "http://big5.cri.cn/gate/big5/polish.cri.cn" + article.path
            return alias_url(article.url, key, ("https", "http"))
        if article.era == "E3" and not article.real and zlib.crc32(key.encode()) % 4 == 0:
            # The E4 platform's form of an old id (no .shtml): 200 or 301 for unmigrated ones.
            return alias_url(CANONICAL_BASE + article.e4_path, key)
        if article.migrated and zlib.crc32(key.encode()) % 3 == 0:
            return alias_url(CANONICAL_BASE + article.e4_path, key)
        return alias_url(article.url, key)

    # -- changes while running ------------------------------------------------------------
    def edit(
        self,
        article_id: str,
        *,
        paragraphs: list[str] | tuple[str, ...] | None = None,
        headline: str | None = None,
        author: str | None = _UNSET,
    ) -> Article:
        """Change an article's text; HTML, API and ground truth follow.  Returns the new state."""
        with self._lock:
            current = self.article(article_id)
            if current is None:
                raise KeyError(article_id)
            changes = dict(self._edits.get(article_id, {}))
            if headline is not None:
                changes["headline"] = headline
            if paragraphs is not None:
                new = tuple(paragraphs)
                if not any(clean_text(p) for p in new):
                    raise ValueError("an article needs at least one non-empty paragraph")
                pages = min(current.pages, len(new))
                changes.update(
                    paragraphs=new,
                    subheads=frozenset(),
                    captions=frozenset(),
                    images=(),
                    brief=make_brief(new),
                    pages=pages,
                    page_starts=even_page_starts(len(new), pages),
                )
            if author is not _UNSET:
                changes["author"] = author
                changes["initials"] = f"({author})" if author else None
            now = datetime.now(BEIJING).replace(microsecond=0)
            changes["modified"] = max(now, current.published)
            self._edits[article_id] = changes
            self.version += 1
            result = self.article(article_id)
            assert result is not None
            return result

    def add_articles(self, n: int) -> list[Article]:
        """Publish ``n`` new E4 articles now; they top the listings and the sitemap."""
        if n < 0:
            raise ValueError("n must not be negative")
        created: list[Article] = []
        with self._lock:
            candidates = [-self._extras[0][0]] if self._extras else []
            if self.generator.n_slots:
                candidates.append(self.generator.slot_time(0))
            newest = max(candidates, default=0.0)
            now = datetime.now(BEIJING).replace(microsecond=0)
            for _ in range(n):
                k = len(self._added)
                published = max(now, datetime.fromtimestamp(newest + 1, BEIJING))
                newest = published.timestamp()
                article = self._new_article(k, published)
                self._added[article.id] = article
                bisect.insort(self._extras, (-published.timestamp(), article.id))
                created.append(article)
            self.version += 1
        return created

    def _new_article(self, k: int, published: datetime) -> Article:
        rng = random.Random(f"{self.seed}:added:{k}")
        section = SECTIONS[k % len(SECTIONS)]
        created = published - timedelta(seconds=3)
        article_id = e4_id(created, rng.randint(0, 999))
        while article_id in self._added or article_id in self._fixed:
            created -= timedelta(milliseconds=1)
            article_id = e4_id(created, rng.randint(0, 999))
        paragraphs = tuple(texts.paragraph(rng, published.year) for _ in range(rng.randint(2, 6)))
        html = ("nuxt_a", "nuxt_b", "nuxt_c")[k % 3]
        return Article(
            id=article_id,
            era="E4",
            url=self.edition.localise(e4_url(article_id, created)),
            headline=texts.headline(rng),
            published=published,
            modified=published,
            paragraphs=paragraphs,
            section=section.slug,
            brief=make_brief(paragraphs),
            variant=html,
            knobs={"api": "content", "html": html},
            photo=pic(published, article_id[4:17]),
            video=video_for(article_id, published, "120.00") if section.video else None,
            reach="listed",
            listed_at=published,
            language=self.edition.language,
        )


def section_by_path(path: str) -> tuple[Section | None, bool]:
    """``/<slug>/page.shtml`` -> (section, True); other paths -> (None, False)."""
    if not path.endswith("/page.shtml"):
        return None, False
    slug = path[1 : -len("/page.shtml")]
    return SECTION_BY_SLUG.get(slug), True
