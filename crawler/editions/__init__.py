"""The registry of editions, Fundus-style: each edition a module (`polish.py`, with its data
file `polish.toml`) declaring its hosts, eras, time zone and noise. Adding an edition: the
README's how-to."""

from __future__ import annotations

from crawler.editions import esperanto, polish
from crawler.editions.base import Banner, Edition, Stripped

EDITIONS: dict[str, Edition] = {e.name: e for e in (polish.EDITION, esperanto.EDITION)}


def get_edition(name: str) -> Edition:
    """The named edition; KeyError names the known ones."""
    try:
        return EDITIONS[name]
    except KeyError:
        raise KeyError(f"unknown edition {name!r}; known: {', '.join(sorted(EDITIONS))}") from None


__all__ = ["EDITIONS", "Banner", "Edition", "Stripped", "get_edition"]
