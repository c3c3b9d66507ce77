"""The typed config read once from settings (crawler/config.py): a malformed value is a
ConfigError, the defaults are those of crawler/settings.py."""

from __future__ import annotations

from dataclasses import fields

import pytest
from scrapy.utils.test import get_crawler

from crawler import config as config_module
from crawler.config import ConfigError, CrawlerConfig, HealthThresholds
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


@pytest.mark.parametrize(("cls", "table"), [
    (CrawlerConfig, config_module._CONFIG_FIELDS), (HealthThresholds, config_module._HEALTH_FIELDS),
])
def test_every_field_is_read_in_field_order(cls: type, table: dict[str, object]) -> None:
    # A field missing from its table would silently keep its default; the order is the order in
    # which bad settings are reported.
    assert list(table) == [f.name for f in fields(cls)]
