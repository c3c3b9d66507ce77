"""The edition record: what is specific to one language edition of CRI, read from its data file."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from importlib import resources
from types import MappingProxyType
from typing import Any, NamedTuple

from crawler.eras import ERAS, Era


@dataclass(frozen=True)
class Banner:
    """A consent banner: its texts in page order; `anchors`: texts no article sentence holds."""

    name: str
    texts: tuple[str, ...]
    anchors: tuple[str, ...]

    def cut(self, line: str) -> tuple[str, int]:
        """The line without a run of this banner's texts glued to its end and/or its start (each
        run in page order, holding an anchor, on word boundaries); and how many runs were cut."""
        if not any(anchor in line for anchor in self.anchors):
            return line, 0  # the fast path: almost every paragraph
        runs = 0
        end = self._run_start_from_end(line)
        if end is not None:
            line, runs = line[:end], 1
        start = self._run_end_from_start(line)
        if start is not None:
            line, runs = line[start:], runs + 1
        return line, runs

    def _run_start_from_end(self, line: str) -> int | None:
        """Where a glued run that ends the line starts (trailing space before it excluded)."""
        end = len(line.rstrip())
        limit, anchored, cut = len(self.texts), False, None
        while True:
            for k in range(limit - 1, -1, -1):
                text = self.texts[k]
                start = end - len(text)
                if start >= 0 and line.startswith(text, start) and (
                    start == 0 or line[start - 1].isspace()
                ):
                    break
            else:
                break
            anchored = anchored or text in self.anchors
            limit, end = k, len(line[:start].rstrip())
            if anchored:
                cut = end
        return cut

    def _run_end_from_start(self, line: str) -> int | None:
        """Where the text after a glued run that starts the line begins (space after it skipped)."""
        start = len(line) - len(line.lstrip())
        first, anchored, cut = 0, False, None
        while True:
            for k in range(first, len(self.texts)):
                text = self.texts[k]
                end = start + len(text)
                if line.startswith(text, start) and (end == len(line) or line[end].isspace()):
                    break
            else:
                break
            anchored = anchored or text in self.anchors
            first, start = k + 1, len(line) - len(line[end:].lstrip())
            if anchored:
                cut = start
        return cut


class Stripped(NamedTuple):
    """A text without its noise: how many whole noise lines went, and how many banner pieces."""

    text: str
    lines: int
    banners: int


@dataclass(frozen=True)
class Edition:
    """One language edition: its hosts, eras, language, time zone and noise. Built from its
    data file by `Edition.from_toml`; the registry (`crawler.editions`) holds them all."""

    name: str
    language: str
    language_name: str  # in English ("Polish"): the dataset card's and the listing's
    hosts: tuple[str, ...]
    gateways: tuple[str, ...]
    tz: timezone
    eras: tuple[Era, ...]
    earliest: datetime  # no article of the edition is older: earlier dates are misread
    api_path: str  # the current platform's JSON API (POST)
    sitemap_path: str  # the sitemap index, when robots.txt names none
    body_end_markers: frozenset[str]
    noise_lines: frozenset[str]
    noise_patterns: tuple[re.Pattern[str], ...]
    initials: re.Pattern[str]
    # Words of a wall's (maintenance, captcha, consent) title or first heading, by kind.
    wall_words: Mapping[str, re.Pattern[str]]  # read-only
    banners: tuple[Banner, ...] = ()
    soft_404_css: str = ""  # elements that make a page the platform's "not found" page
    generic_titles: frozenset[str] = frozenset()  # the site's own titles: never a headline
    # Prefix of ids that the legacy CMSes number per edition (`Era.local_ids`): "" keeps the
    # ids an archive already holds (polish, the first edition); every other edition its name.
    local_id_prefix: str = ""
    # What the dossier has seen of this edition (for people: `cri-crawler editions`).
    verified: str = ""

    @property
    def canonical_host(self) -> str:
        return self.hosts[0]

    @property
    def platform_era(self) -> Era | None:
        """The era of the current platform (E4), whose API serves older articles too."""
        return next((era for era in self.eras if era.api), None)

    def era(self, name: str | None) -> Era:
        """The edition's era of that name (KeyError when it has none)."""
        for era in self.eras:
            if era.name == name:
                return era
        raise KeyError(f"edition {self.name} has no era {name!r}")

    @property
    def id_pattern(self) -> str:
        """Every article id of the edition, as a regular expression (from its eras' rules)."""
        return "|".join(
            re.escape(self.local_id_prefix) + era.id_pattern if era.local_ids else era.id_pattern
            for era in self.eras
        )

    def is_noise_line(self, line: str) -> bool:
        """True for a line that is never body text (share label, banner, date line, ...)."""
        return line in self.noise_lines or any(p.match(line) for p in self.noise_patterns)

    def strip_noise(self, text: str) -> Stripped:
        """`text` without its noise lines and glued banner runs, every other character kept.

        Lines are split on line feeds only; a removed line takes the line break before it along
        (the one after it, for the first line). Nothing to remove: the very same string returns.
        `banners` counts banner texts removed as whole lines and glued runs cut off."""
        parts = text.split("\n")  # str.split, not re: ~100 times faster on Polish text
        last = len(parts) - 1
        kept: list[str] = []
        lines = banners = newlines = 0
        for i, line in enumerate(parts):
            if i:
                newlines += 1
            if not line and 0 < i < last:
                continue  # inside a run of line breaks: they belong to the next line
            before, newlines = newlines, 0
            bare = line.strip()
            if bare:
                if self.is_noise_line(bare):
                    lines += 1
                    banners += any(bare in banner.texts for banner in self.banners)
                    continue
                for banner in self.banners:
                    line, runs = banner.cut(line)
                    banners += runs
                if not line.strip():
                    continue
            if kept:
                kept.append("\n" * before)
            kept.append(line)
        if not lines and not banners:
            return Stripped(text, 0, 0)
        return Stripped("".join(kept), lines, banners)

    def ends_body(self, line: str) -> bool:
        """True for a line after which nothing belongs to the article (`Zobacz także`, ...)."""
        return line in self.body_end_markers

    def split_initials(self, text: str) -> tuple[str, str | None]:
        """Split trailing author initials off a paragraph: ("... tekst.", "A. L.")."""
        if not text.rstrip().endswith(")"):
            return text, None  # the fast path: initials end in a parenthesis
        match = self.initials.search(text)
        if not match:
            return text, None
        letters = re.findall(r"[^\s.]\.", match.group(1))
        return text[: match.start()].rstrip(), " ".join(letters)


# The keys of an edition's data file: a key not named here is a typo, and an error.
REQUIRED_KEYS = frozenset({
    "verified", "language", "language_name", "hosts", "eras", "utc_offset_hours", "earliest_year", "api_path",
    "sitemap_path", "noise", "wall_words",
})
OPTIONAL_KEYS = frozenset({
    "gateways", "soft_404_markers", "generic_titles", "local_id_prefix", "body_end_markers",
    "banners",
})


def read_edition(name: str) -> Edition:
    """The edition from its data file `crawler/editions/<name>.toml` (its eras named there)."""
    text = resources.files("crawler.editions").joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return edition_from_record(name, tomllib.loads(text))


def edition_from_record(name: str, record: Mapping[str, Any]) -> Edition:
    """The edition from the contents of its data file. ValueError names the file and what is
    wrong with it: a missing or unknown key, no era, an era that does not exist, no verified
    note, no initials pattern."""
    file = f"crawler/editions/{name}.toml"
    if missing := sorted(REQUIRED_KEYS - set(record)):
        raise ValueError(f"{file}: missing {', '.join(missing)}")
    if unknown := sorted(set(record) - REQUIRED_KEYS - OPTIONAL_KEYS):
        raise ValueError(f"{file}: unknown key {', '.join(unknown)}")
    eras = record["eras"]
    if not eras or len(set(eras)) != len(eras) or not all(era in ERAS for era in eras):
        raise ValueError(f"{file}: eras must name some of {', '.join(ERAS)} once, got {eras!r}")
    # The output's `language` is a two-letter ISO 639-1 code (crawler/validation.py).
    if not re.fullmatch(r"[a-z]{2}", str(record["language"])):
        raise ValueError(f"{file}: language must be an ISO 639-1 code, got {record['language']!r}")
    if not str(record["verified"]).strip():
        raise ValueError(f"{file}: verified must say what the dossier has seen of the edition")
    if not str(record["language_name"]).strip():
        raise ValueError(f"{file}: language_name must name the language in English")
    noise = record["noise"]
    if "initials" not in noise:
        raise ValueError(f"{file}: missing noise.initials")
    banners = tuple(
        Banner(name=b["name"], texts=tuple(b["texts"]), anchors=tuple(b.get("anchors", ())))
        for b in record.get("banners", ())
    )
    tz = timezone(timedelta(hours=record["utc_offset_hours"]))
    return Edition(
        name=name,
        language=record["language"],
        language_name=record["language_name"],
        hosts=tuple(record["hosts"]),
        gateways=tuple(record.get("gateways", ())),
        tz=tz,
        eras=tuple(ERAS[era] for era in eras),
        earliest=datetime(record["earliest_year"], 1, 1, tzinfo=timezone.utc),
        api_path=record["api_path"],
        sitemap_path=record["sitemap_path"],
        body_end_markers=frozenset(record.get("body_end_markers", ())),
        # A banner's text alone on a line is noise wherever it stands.
        noise_lines=frozenset(noise.get("lines", ())).union(*(b.texts for b in banners)),
        noise_patterns=tuple(re.compile(p) for p in noise.get("patterns", ())),
        initials=re.compile(noise["initials"]),
        wall_words=MappingProxyType(
            {kind: re.compile(words, re.I) for kind, words in record["wall_words"].items()}
        ),
        banners=banners,
        soft_404_css=", ".join(record.get("soft_404_markers", ())),
        generic_titles=frozenset(record.get("generic_titles", ())),
        local_id_prefix=record.get("local_id_prefix", f"{name}-"),
        verified=record["verified"],
    )
