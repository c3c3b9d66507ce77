"""The registry of editions, Fundus-style, as data: every `<name>.toml` of this package is one
edition (its hosts, language, eras, time zone, noise and what the dossier verifies of it), read
once at import. Adding an edition is adding its data file: the README's how-to;
`cri-crawler editions` lists them."""

from __future__ import annotations

from importlib import resources

from crawler.editions.base import Banner, Edition, Stripped, read_edition

# The outlet this crawler monitors comes first (the default edition); its sisters follow by
# name, so that every listing of the registry keeps one order whatever the file system's.
FIRST = "polish"


def edition_names() -> list[str]:
    """The names of the editions' data files in this package: polish first, then by name."""
    names = sorted(
        entry.name.removesuffix(".toml")
        for entry in resources.files(__name__).iterdir()
        if entry.name.endswith(".toml") and entry.is_file()
    )
    return sorted(names, key=lambda name: name != FIRST)  # stable: the rest stay by name


EDITIONS: dict[str, Edition] = {name: read_edition(name) for name in edition_names()}


def get_edition(name: str) -> Edition:
    """The named edition; KeyError names the known ones."""
    try:
        return EDITIONS[name]
    except KeyError:
        raise KeyError(f"unknown edition {name!r}; known: {', '.join(sorted(EDITIONS))}") from None


__all__ = ["EDITIONS", "FIRST", "Banner", "Edition", "Stripped", "edition_names", "get_edition"]
