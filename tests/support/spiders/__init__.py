"""Spiders for crawl-level tests (`-s SPIDER_MODULES=tests.support.spiders`)."""
