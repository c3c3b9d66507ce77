"""Crawler core: edition knowledge, URL grammar, items, loaders, parsers, CLI."""

__version__ = "0.1.0"
