"""The typed config read once from settings (crawler/config.py): a malformed value is a
ConfigError, the defaults are those of crawler/settings.py."""

from __future__ import annotations

import pytest
from scrapy.utils.test import get_crawler

from crawler.config import ConfigError, CrawlerConfig
from tests.support.settings import project_settings


@pytest.mark.parametrize(("name", "value"), [
    ("CRAWLER_BATCH_ITEMS", "0"), ("CRAWLER_BATCH_ITEMS", "many"),
    ("CRAWLER_BATCH_SECONDS", "0"), ("CRAWLER_BATCH_SECONDS", "-1"),
    ("CRAWLER_BATCH_SECONDS", "nan"), ("CRAWLER_BATCH_SECONDS", "inf"),
    ("CRAWLER_ARCHIVE", "perhaps"), ("CRAWLER_DATA_DIR", " "),
])
def test_bad_settings_are_config_errors(name: str, value: str) -> None:
    with pytest.raises(ConfigError):
        CrawlerConfig.from_settings(get_crawler(settings_dict={**project_settings(), name: value}).settings)


def test_setting_defaults() -> None:
    config = CrawlerConfig.from_settings(get_crawler(settings_dict=project_settings()).settings)
    assert (config.archive, config.batch_items, config.batch_seconds) == (True, 100, 5.0)
