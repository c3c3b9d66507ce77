"""Per-era page parsers: pure functions from a response (or API answer) to an Extract."""

from crawler.parsers.base import Extract

__all__ = ["Extract"]
