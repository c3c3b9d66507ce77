"""The egress allowlist (crawler/middlewares/egress.py) URL by URL: what is refused and why,
and which browser sub-requests are aborted. On real crawls: tests/e2e/test_faults_egress.py."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from crawler.middlewares.egress import playwright_abort, refusal

ORIGINS = frozenset({("polish.cri.cn", 443), ("polish.cri.cn", 80), ("127.0.0.1", 8000)})


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://polish.cri.cn/a.html", None),
        ("http://polish.cri.cn/a.html", None),
        ("http://127.0.0.1:8000/a", None),
        ("HTTP://POLISH.CRI.CN./a", None),  # case and a trailing dot name the same host
        ("http://127.0.0.1:8001/a", "host"),  # loopback, another port
        ("http://127.0.0.1/a", "host"),
        ("https://polish.cri.cn:8443/a", "host"),
        ("http://10.0.0.1/", "host"),
        ("http://169.254.169.254/latest/meta-data/", "host"),
        ("http://[::1]:8000/", "host"),
        ("http://example.com/", "host"),
        ("http://polish.cri.cn.evil.example/", "host"),
        ("http://polish.cri.cn@10.0.0.1/", "host"),  # userinfo: the host is 10.0.0.1
        ("file:///etc/passwd", "scheme"),
        ("data:text/html,<p>x</p>", "scheme"),
        ("ftp://polish.cri.cn/", "scheme"),
        ("http://polish.cri.cn:notaport/", "unreadable"),
    ],
)
def test_refusal(url: str, expected: str | None) -> None:
    assert refusal(url, ORIGINS) == expected


def test_browser_sub_requests_off_the_allowlist_are_aborted() -> None:
    counted: list[str] = []
    abort = playwright_abort(ORIGINS, SimpleNamespace(inc_value=counted.append))
    assert not abort(SimpleNamespace(url="http://127.0.0.1:8000/app.js"))
    assert not abort(SimpleNamespace(url="data:image/png;base64,AAAA"))
    assert abort(SimpleNamespace(url="https://hm.baidu.com/hm.js"))
    assert abort(SimpleNamespace(url="http://169.254.169.254/"))
    assert counted == ["egress/browser_aborted"] * 2
