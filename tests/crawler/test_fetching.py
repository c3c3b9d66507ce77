"""Why a request failed, as the stat name the run report counts."""

from __future__ import annotations

import pytest
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, IgnoreRequest
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.error import ConnectionRefusedError
from twisted.python.failure import Failure

from crawler.fetching import failure_cause


def _http(status: int) -> HttpError:
    return HttpError(Response("https://polish.cri.cn/x", status=status, request=Request("https://polish.cri.cn/x")), "")


@pytest.mark.parametrize(
    ("error", "cause"),
    [
        (_http(403), "http_403"),
        (_http(503), "http_503"),
        (IgnoreRequest("egress allowlist: host elsewhere.example.com is not the edition's"), "egress_refused"),
        (IgnoreRequest("Forbidden by robots.txt"), "robots_denied"),
        (IgnoreRequest("robots.txt of polish.cri.cn unavailable: host closed for this run"), "robots_denied"),
        (IgnoreRequest("truncated gzip body: https://polish.cri.cn/x"), "ignored"),
        (DownloadCancelledError("over the max size"), "too_large"),
        (CancelledError(), "too_large"),
        (DownloadTimeoutError("took longer than 30 seconds"), "timeout"),
        (ConnectionRefusedError(), "ConnectionRefusedError"),
    ],
)
def test_failure_cause(error: Exception, cause: str) -> None:
    assert failure_cause(Failure(error)) == cause
