"""The project's own Scrapy signals (sent with `crawler.signals.send_catch_log`)."""

from __future__ import annotations

# Sent by the store before it writes a batch of items: whatever the items refer to (their WARC
# records) must be durable first. No arguments.
batch_writing = object()
