"""The edition record: what is specific to one language edition of CRI, loaded from data."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import timedelta, timezone
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Edition:
    """One language edition (hosts, language, time zone, noise), built from `editions.toml`."""

    name: str
    language: str
    hosts: tuple[str, ...]
    gateways: tuple[str, ...]
    tz: timezone
    body_end_markers: frozenset[str]
    noise_lines: frozenset[str]
    noise_patterns: tuple[re.Pattern[str], ...]
    initials: re.Pattern[str]

    @property
    def canonical_host(self) -> str:
        return self.hosts[0]

    def is_noise_line(self, line: str) -> bool:
        """True for a line that is never body text (share label, banner, date line, ...)."""
        return line in self.noise_lines or any(p.match(line) for p in self.noise_patterns)

    def ends_body(self, line: str) -> bool:
        """True for a line after which nothing belongs to the article (`Zobacz także`, ...)."""
        return line in self.body_end_markers

    def split_initials(self, text: str) -> tuple[str, str | None]:
        """Split trailing author initials off a paragraph: ("... tekst.", "A. L.")."""
        match = self.initials.search(text)
        if not match:
            return text, None
        letters = re.findall(r"[^\s.]\.", match.group(1))
        return text[: match.start()].rstrip(), " ".join(letters)


@cache
def load_edition(name: str = "polish") -> Edition:
    """The named edition from the packaged data file; KeyError names the known ones."""
    data = tomllib.loads(
        resources.files("crawler").joinpath("data/editions.toml").read_text(encoding="utf-8")
    )
    if name not in data:
        raise KeyError(f"unknown edition {name!r}; known: {', '.join(sorted(data))}")
    record = data[name]
    noise = record.get("noise", {})
    return Edition(
        name=name,
        language=record["language"],
        hosts=tuple(record["hosts"]),
        gateways=tuple(record.get("gateways", ())),
        tz=timezone(timedelta(hours=record["utc_offset_hours"])),
        body_end_markers=frozenset(record.get("body_end_markers", ())),
        noise_lines=frozenset(noise.get("lines", ())),
        noise_patterns=tuple(re.compile(p) for p in noise.get("patterns", ())),
        initials=re.compile(noise["initials"]),
    )
