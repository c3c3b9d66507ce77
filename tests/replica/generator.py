"""Deterministic generated articles: article ``i`` is a pure function of ``(edition, seed, N, i)``.

Nothing is pre-computed, so ``N = 100000`` starts instantly and stays small in memory.  Index 0
is the newest article and publication times fall strictly as ``i`` grows, era after era
(E4, then E3, E2, E1, each spread over its real date range).  That makes everything the
listings need arithmetic:

* the *listing slots* (E4 articles plus the E3 articles migrated into the new CMS, newest
  first) map to indices and back with a few integer operations;
* sections are dealt out block by block (a seeded permutation of the sections per block of
  ``len(SECTIONS)`` slots), so the j-th article of a section is found without scanning;
* an id or a path is resolved by a binary search on the publication time.

The edition (tests/replica/editions.py) sets the eras' shares, which E3 articles are migrated,
the host of the URLs, the language and the initials; the Polish corpus is the default.
"""

from __future__ import annotations

import hashlib
import random
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from . import texts
from .corpus import (
    BEIJING,
    TIMELESS,
    Article,
    bj,
    even_page_starts,
    make_brief,
)
from .editions import POLISH, ReplicaEdition
from .samples import SECTIONS, e4_id, pic, video_for

#: The newest generated article (fixed, so the corpus never depends on the clock).
ANCHOR = bj(2026, 11, 20, 9, 30, 0)

#: Era spans in Beijing time (the dossier's era table; boundaries INFERRED).
SPANS: dict[str, tuple[datetime, datetime]] = {
    "E4": (bj(2025, 1, 6, 8, 0, 0), ANCHOR),
    "E3": (bj(2022, 7, 18, 8, 0, 0), bj(2024, 7, 12, 20, 0, 0)),
    "E2": (bj(2020, 10, 12, 8, 0, 0), bj(2022, 3, 30, 20, 0, 0)),
    "E1": (bj(2004, 1, 5, 8, 0, 0), bj(2019, 10, 25, 20, 0, 0)),
}
#: Shares of the generated corpus per era (the rest is E4), of the Polish edition (each
#: edition has its own: tests/replica/editions.py).
SHARES = POLISH.shares
#: Every MIGRATION_STEP-th E3 article (offset 1) is migrated into the E4 listings (Polish).
MIGRATION_STEP = POLISH.migrate_every
#: One interleaved migrated card per INTERLEAVE listing slots (at offset 5).
INTERLEAVE = 8
#: Share of the generated E4 articles (client-rendered shells aside) whose API answer and page
#: carry no publication time (`knobs["time"]`, one of `TIMELESS`).
TIMELESS_SHARE = 0.04

E2_SECTIONS = (
    ("news/china", "3875"), ("news/world", "3876"), ("news/polska", "3879"),
    ("wisla_i_langcy", "4206"), ("kultura", "3881"), ("gospodarka", "3877"),
)
E2_RANGE = (560001, 749999)
E1_CHANNELS = ("1461", "1364", "501", "141", "1321", "1388")
E1_RANGE = (18001, 145500)
_ALNUM = string.ascii_letters + string.digits
_PARAGRAPH_COUNTS = (2, 3, 3, 4, 4, 5, 5, 5, 6, 6, 6, 7, 7, 8, 8, 9, 10, 11, 12, 13, 14, 15)


def _unit(seed: int, i: int, salt: str) -> float:
    """A cheap deterministic number in [0, 1) for (seed, i, salt)."""
    digest = hashlib.blake2b(f"{seed}:{i}:{salt}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


@dataclass(frozen=True)
class Core:
    """The cheap part of a generated article: enough to list, find and filter it."""

    index: int
    era: str
    k: int  # index within its era block
    id: str
    url: str
    published: datetime
    listed: bool
    slot: int | None  # listing slot (E4 and migrated E3)
    section: str | None


class Generator:
    """The generated part of the corpus."""

    def __init__(self, count: int, seed: int, reserved_ids: set[str],
                 edition: ReplicaEdition = POLISH) -> None:
        if count < 0:
            raise ValueError("article count must not be negative")
        self.count = count
        self.seed = seed
        self.edition = edition
        self._reserved = reserved_ids
        # Another edition draws its ids apart: two editions of one seed share no article.
        self._salt = "" if edition.is_polish else f"{edition.name}:"
        shares = edition.shares
        n1 = round(count * shares.get("E1", 0))
        n2 = round(count * shares.get("E2", 0))
        n3 = round(count * shares.get("E3", 0))
        n4 = count - n1 - n2 - n3
        self.sizes = {"E4": n4, "E3": n3, "E2": n2, "E1": n1}
        self.offsets = {"E4": 0, "E3": n4, "E2": n4 + n3, "E1": n4 + n3 + n2}
        self._order = ("E4", "E3", "E2", "E1")
        # Listing slots: all E4 articles and the migrated E3 ones (the E3 articles k with
        # k % step == offset: every 4th from the 2nd for Polish, all with a step of 1).
        self._step = edition.migrate_every
        self._first_migrated = 1 % self._step
        self.n_migrated = max(0, n3 - self._first_migrated + self._step - 1) // self._step
        self.n_interleaved = min(self.n_migrated, n4 // (INTERLEAVE - 1))
        self.n_slots = n4 + self.n_migrated
        self.n_sections = len(SECTIONS)
        # Arithmetic ids of the old eras: numbers rise with time, never reused.
        self._e2_step = max(2, (E2_RANGE[1] - E2_RANGE[0]) // max(1, n2))
        self._e1_step = max(2, (E1_RANGE[1] - E1_RANGE[0]) // max(1, n1))
        self._reserved_numbers = {
            int(x.split("-")[1]) for x in reserved_ids if x.startswith(("E1-", "E2-"))
        }
        # Per-instance caches (a class-level lru_cache would keep every generator alive).
        self._permutation = lru_cache(maxsize=4096)(self._permutation_of)
        self.core = lru_cache(maxsize=16384)(self._core)
        self.article = lru_cache(maxsize=1024)(self.build)

    # -- era blocks and time ------------------------------------------------------------
    def era_of(self, i: int) -> tuple[str, int]:
        if not 0 <= i < self.count:
            raise IndexError(i)
        for era in reversed(self._order):
            if i >= self.offsets[era] and self.sizes[era]:
                return era, i - self.offsets[era]
        raise IndexError(i)  # pragma: no cover

    def timestamp(self, i: int) -> int:
        """Publication time of article ``i`` in epoch seconds (strictly falling with ``i``)."""
        era, k = self.era_of(i)
        start, end = (t.timestamp() for t in SPANS[era])
        jitter = (_unit(self.seed, i, "t") - 0.5) * 0.7
        frac = (k + 0.5 + jitter) / self.sizes[era]
        return int(end - frac * (end - start))

    def first_at_or_before(self, ts: float) -> int:
        """The smallest index whose publication time is <= ``ts`` (``count`` if none)."""
        lo, hi = 0, self.count
        while lo < hi:
            mid = (lo + hi) // 2
            if self.timestamp(mid) <= ts:
                hi = mid
            else:
                lo = mid + 1
        return lo

    def indices_between(self, start_ts: float, end_ts: float) -> range:
        """Indices published in ``[start_ts, end_ts]``."""
        return range(self.first_at_or_before(end_ts), self.first_at_or_before(start_ts - 1))

    # -- listing slots --------------------------------------------------------------------
    def slot_index(self, slot: int) -> int:
        """Generated index of listing slot ``slot`` (0 = newest)."""
        n4, interleaved = self.sizes["E4"], self.n_interleaved
        if slot < INTERLEAVE * interleaved:
            block, r = divmod(slot, INTERLEAVE)
            if r == 5:
                return self._migrated_index(block)
            return block * (INTERLEAVE - 1) + (r if r < 5 else r - 1)
        if slot < n4 + interleaved:
            return slot - interleaved
        return self._migrated_index(slot - n4)

    def _migrated_index(self, m: int) -> int:
        return self.offsets["E3"] + m * self._step + self._first_migrated

    def slot_of(self, era: str, k: int) -> int | None:
        if era == "E4":
            block, r = divmod(k, INTERLEAVE - 1)
            if block < self.n_interleaved:
                return block * INTERLEAVE + (r if r < 5 else r + 1)
            return k + self.n_interleaved
        if era == "E3" and k % self._step == self._first_migrated:
            m = k // self._step
            return m * INTERLEAVE + 5 if m < self.n_interleaved else self.sizes["E4"] + m
        return None

    def slot_time(self, slot: int) -> int:
        """Listing time of a slot: publication for E4, the migration time for migrated E3."""
        i = self.slot_index(slot)
        if i < self.sizes["E4"]:
            return self.timestamp(i)
        if slot < INTERLEAVE * self.n_interleaved:
            return self.timestamp(self.slot_index(slot - 1)) - 60
        last_e4 = self.timestamp(self.sizes["E4"] - 1) if self.sizes["E4"] else ANCHOR.timestamp()
        return int(last_e4) - (slot - self.sizes["E4"] - self.n_interleaved + 1) * 3600

    def _permutation_of(self, block: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(order, inverse) of the sections in one block of ``len(SECTIONS)`` slots."""
        order = list(range(self.n_sections))
        random.Random(f"{self.seed}:perm:{block}").shuffle(order)
        inverse = [0] * self.n_sections
        for position, section in enumerate(order):
            inverse[section] = position
        return tuple(order), tuple(inverse)

    def section_of_slot(self, slot: int) -> str:
        block, r = divmod(slot, self.n_sections)
        return SECTIONS[self._permutation(block)[0][r]].slug

    def section_count(self, section_pos: int) -> int:
        """How many generated slots belong to the section at position ``section_pos``."""
        full, rest = divmod(self.n_slots, self.n_sections)
        return full + (1 if self._permutation(full)[1][section_pos] < rest else 0)

    def section_slot(self, section_pos: int, j: int) -> int:
        """The slot of the j-th (newest first) generated article of a section."""
        return j * self.n_sections + self._permutation(j)[1][section_pos]

    # -- the cheap core -------------------------------------------------------------------
    def _core(self, i: int) -> Core:
        era, k = self.era_of(i)
        published = datetime.fromtimestamp(self.timestamp(i), BEIJING)
        rng = random.Random(f"{self._salt}{self.seed}:{i}:core")
        slot = self.slot_of(era, k)
        section = self.section_of_slot(slot) if slot is not None else None
        if era == "E4":
            created_ms = int(published.timestamp() * 1000) - rng.randint(1500, 45000)
            created = datetime.fromtimestamp(created_ms / 1000, BEIJING)
            article_id = e4_id(created, rng.randint(0, 999))
            url = f"{self.edition.base}/{created:%Y/%m/%d}/{article_id}"
        elif era == "E3":
            while True:
                made = published - timedelta(days=1) if rng.random() < 0.2 else published
                article_id = "ARTI" + "".join(rng.choices(_ALNUM, k=20)) + f"{made:%y%m%d}"
                if article_id not in self._reserved:
                    break
            url = f"{self.edition.base}/{published:%Y/%m/%d}/{article_id}.shtml"
        elif era == "E2":
            number = self._number("E2", k)
            path, chan = rng.choice(E2_SECTIONS)
            article_id = f"E2-{number}"
            section = path
            url = f"{self.edition.base}/{path}/{chan}/{published:%Y%m%d}/{number}.html"
        else:
            number = self._number("E1", k)
            chan = rng.choice(E1_CHANNELS)
            prefix = str(rng.randint(1, 200))
            sep = "@" if published.year <= 2009 and rng.random() < 0.25 else "s"
            url_day = published - timedelta(days=1) if rng.random() < 0.08 else published
            article_id = f"E1-{number}"
            section = chan
            url = f"{self.edition.base}/{chan}/{url_day:%Y/%m/%d}/{prefix}{sep}{number}.htm"
        return Core(i, era, k, article_id, url, published, slot is not None, slot, section)

    def _number(self, era: str, k: int) -> int:
        low, step = (E2_RANGE[0], self._e2_step) if era == "E2" else (E1_RANGE[0], self._e1_step)
        number = low + (self.sizes[era] - 1 - k) * step
        return number + 1 if number in self._reserved_numbers else number

    # -- finding ---------------------------------------------------------------------------
    def find(self, article_id: str) -> int | None:
        """The index of a generated id, or None."""
        candidates: range | list[int]
        if article_id.startswith(("E1-", "E2-")):
            era = article_id[:2]
            try:
                number = int(article_id[3:])
            except ValueError:
                return None
            low, step = (E2_RANGE[0], self._e2_step) if era == "E2" else (E1_RANGE[0], self._e1_step)
            back = (number - low) // step
            k = self.sizes[era] - 1 - back
            if not 0 <= k < self.sizes[era]:
                return None
            candidates = [self.offsets[era] + k]
        elif article_id.startswith("ARTI") and len(article_id) == 20 and article_id[4:].isdigit():
            created = int(article_id[4:17]) / 1000
            candidates = self.indices_between(created, created + 46)
        elif article_id.startswith("ARTI") and len(article_id) == 30:
            try:
                made = datetime.strptime(article_id[-6:], "%y%m%d").replace(tzinfo=BEIJING)
            except ValueError:
                return None
            candidates = self.indices_between(made.timestamp(), made.timestamp() + 2 * 86400)
        else:
            return None
        for i in candidates:
            if self.core(i).id == article_id:
                return i
        return None

    # -- the full article -----------------------------------------------------------------
    def build(self, i: int) -> Article:
        """Article ``i`` with its text and variant knobs (deterministic)."""
        core = self.core(i)
        rng = random.Random(f"{self.seed}:{i}:text")
        era, published = core.era, core.published
        n = rng.choice(_PARAGRAPH_COUNTS)
        blocks: list[tuple[str, str]] = [("p", texts.paragraph(rng, published.year)) for _ in range(n)]
        # Sub-headings and captions go strictly inside, so the first paragraph stays the lead
        # and the last one stays a text paragraph (initials are glued to it).
        if n >= 6 and rng.random() < 0.3:
            for _ in range(rng.randint(1, 2)):
                blocks.insert(rng.randint(2, len(blocks) - 1), ("sub", texts.subhead(rng)))
        if n >= 3 and rng.random() < 0.2:
            for _ in range(rng.randint(1, 2)):
                blocks.insert(rng.randint(1, len(blocks) - 1), ("cap", texts.caption(rng)))
        paragraphs = tuple(text for _, text in blocks)
        subheads = frozenset(j for j, (kind, _) in enumerate(blocks) if kind == "sub")
        captions = frozenset(j for j, (kind, _) in enumerate(blocks) if kind == "cap")
        headline = texts.headline(rng)
        knobs: dict[str, str] = {}
        author = initials = None
        video = None
        pages, page_starts = 1, (0,)
        photo_key = f"{self.seed}x{i}"
        images = tuple((j, pic(published, f"{photo_key}_{j}")) for j in sorted(captions))
        if era in ("E3", "E4") and rng.random() < (0.7 if era == "E3" else 0.5):
            author = rng.choice(self.edition.authors)  # as many as texts.AUTHORS: same draws
            form = rng.random()
            if form < 0.7:
                initials = f"({author})"
            elif form < 0.9:
                initials = f"({author.replace(' ', '')})"
            else:
                initials = f"({author.replace(' ', chr(0xA0))})"
        if era == "E4":
            shell = _unit(self.seed, i, "shell") < 0.01
            if shell:
                knobs["html"] = "shell"
                knobs["api"] = rng.choice(("shell_fail", "shell_empty", "shell_absent"))
            else:
                knobs["html"] = rng.choice(("nuxt_a", "nuxt_b", "nuxt_c"))
                knobs["api"] = _pick_api(rng)
                # No time in the API answer nor on the page (UNKNOWN: issue #11), drawn apart
                # so that other draws stay put; its time is its card's, else its URL's date.
                if _unit(self.seed, i, "time") < TIMELESS_SHARE:
                    knobs["time"] = TIMELESS[int(_unit(self.seed, i, "time_form") * len(TIMELESS))]
            section = next(s for s in SECTIONS if s.slug == core.section)
            if section.video or rng.random() < 0.03:
                video = video_for(core.id, published, f"{rng.uniform(40, 900):.2f}")
            variant = knobs["html"]
        elif era == "E3":
            knobs = {
                "body": rng.choice(("abody", "content_area_id", "content_area_class", "detailmod")),
                "title": rng.choice(("atitle", "h1")),
                "date": rng.choice(("apublishtime", "bare")),
                "baidu": rng.choice(("element", "logo", "line")),
                "zebian": rng.choice(("yes", "no")),
            }
            if core.listed:
                knobs.update(noshtml="e4", e4html=rng.choice(("nuxt_a", "nuxt_b", "nuxt_c")))
                knobs["api"] = _pick_api(rng)
                # The old `.shtml` page of a migrated article (UNKNOWN: every answer is served).
                legacy = _unit(self.seed, i, "legacy")
                knobs["legacy"] = "200" if legacy < 0.4 else "301" if legacy < 0.6 else (
                    "404" if legacy < 0.8 else "soft404")
            else:
                knobs["noshtml"] = rng.choice(("200", "301"))
            variant = knobs["body"]
        elif era == "E2":
            knobs = {
                "title": rng.choice(("h1", "h2")),
                "share": rng.choice(("colon", "bare")),
                "cookie": rng.choice(("yes", "no")),
                "big5": "yes" if rng.random() < 0.3 else "no",
            }
            variant = knobs["title"]
        else:
            old = published.year <= 2008
            encoding_pick = rng.random()
            knobs = {
                "body": rng.choice(("ccontent", "text")),
                "dateline": rng.choice(("same", "same", "own", "runon")),
                "editor": rng.choice(texts.EDITORS),
                "related": rng.choice(("inside", "after")),
                "encoding": "cp1250" if encoding_pick < 0.3 else ("utf8meta" if encoding_pick < 0.5 else "utf8"),
                "pipes": "yes" if old else "no",
                "breaks": "br" if old and rng.random() < 0.5 else "p",
                "footer": rng.choice(("full", "short")),
            }
            # Real E1 noise (DOSSIER section 9), drawn apart so that other draws stay put: the
            # 2004 template (navigation and date line, the time zone before or on its own
            # line, then the headline again, inside the text), the 2014 comments block.
            if published.year == 2004 and _unit(self.seed, i, "template") < 0.7:
                knobs["template"] = "2004"
                knobs["gmt"] = "before" if _unit(self.seed, i, "gmt") < 0.5 else "own"
            if 2009 <= published.year and _unit(self.seed, i, "comments") < 0.3:
                knobs["comments"] = "yes"
            if len(paragraphs) >= 4 and rng.random() < 0.12:
                pages = rng.randint(2, min(4, len(paragraphs) // 2))
                page_starts = even_page_starts(len(paragraphs), pages)
            variant = knobs["body"]
        rough = rng.random() < 0.2
        exotic_ok = not (era == "E1" and knobs.get("encoding") == "cp1250")
        listed_at = (
            datetime.fromtimestamp(self.slot_time(core.slot), BEIJING) if core.slot is not None else None
        )
        modified = None
        if era == "E4":
            modified = published + timedelta(minutes=rng.choice((0, 0, 0, 5, 30, 240)))
        elif core.listed:
            modified = listed_at
        return Article(
            id=core.id,
            era=era,
            url=core.url,
            headline=headline,
            published=published,
            modified=modified,
            paragraphs=paragraphs,
            section=core.section,
            author=author,
            brief=make_brief(paragraphs),
            variant=variant,
            knobs=knobs,
            pages=pages,
            page_starts=page_starts,
            subheads=subheads,
            captions=captions,
            images=images,
            photo=pic(published, photo_key) if era in ("E3", "E4") else "",
            video=video,
            reach="listed" if core.listed else "url_only",
            listed_at=listed_at,
            rough=rough,
            nfd=exotic_ok and rng.random() < 0.03,
            entities=era != "E2" and rng.random() < 0.15,
            initials=initials,
            language=self.edition.language,
        )


def _pick_api(rng: random.Random) -> str:
    """The E4 API behaviour for one article (shares are arbitrary: the real mix is UNKNOWN)."""
    roll = rng.random()
    for limit, name in (
        (0.45, "content"), (0.57, "modules_cards"), (0.69, "modules_data"), (0.82, "fail0"),
    ):
        if roll < limit:
            return name
    return "http500"


__all__ = ["ANCHOR", "Core", "Generator", "SPANS"]
