"""The project's settings as a dict, for building crawlers in unit tests."""

from __future__ import annotations

from typing import Any

from scrapy.settings import Settings


def project_settings(**overrides: Any) -> dict[str, Any]:
    """The project's own settings (CRAWLER_*) with their defaults from crawler/settings.py,
    overrides on top. Scrapy's settings stay Scrapy's defaults (no reactor is installed)."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    own = {k: v for k, v in settings.items() if k.startswith("CRAWLER_")}
    return {**own, **overrides}
