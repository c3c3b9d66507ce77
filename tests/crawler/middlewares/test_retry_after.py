"""Retry-After values (crawler/middlewares/retry_after.py): seconds or an HTTP date, read as the
wait in seconds, or None. Waited for on real crawls: tests/e2e/test_politeness.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from crawler.middlewares.retry_after import parse_retry_after

NOW = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2", 2.0),
        (b" 120 ", 120.0),
        ("0", 0.0),
        ("1.5", 1.5),  # not RFC 9110 (digits only), tolerated
        ("9" * 30, 1e30),  # huge: returned as is, the middleware caps it
        (format_datetime(NOW + timedelta(seconds=90), usegmt=True), 90.0),  # IMF-fixdate
        ("Saturday, 28-Nov-26 12:01:00 GMT", 60.0),  # RFC 850
        ("Sat Nov 28 12:00:30 2026", 30.0),  # asctime, GMT by definition
        ("Sat, 28 Nov 2026 13:00:00 +0100", 0.0),  # a zone other than GMT: noon UTC
        ("Fri, 27 Nov 2026 12:00:00 GMT", 0.0),  # in the past: no wait
        ("Fri, 31 Dec 9999 23:59:59 GMT", (datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC) - NOW)
         .total_seconds()),
        ("-5", None),  # negative
        ("", None),
        ("soon", None),
        ("2 s", None),
        ("1e3", None),
        ("Sat, 32 Nov 2026 12:00:00 GMT", None),  # no such day
    ],
)
def test_parse_retry_after(value: str | bytes, expected: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == expected
