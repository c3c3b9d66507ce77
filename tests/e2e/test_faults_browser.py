"""Browser faults on a client-rendered (E4 shell) page: a page that never finishes loading (its
data request stalls), a page that opens dialogs and a popup. The page is closed within the
navigation timeout, the request is dropped with a reason (or rendered, dialogs dismissed), the
run finishes, and no Chromium process is left behind."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from crawler import settings as defaults
from tests.replica import ReplicaServer
from tests.replica import faults
from tests.replica.server import Request, Response
from tests.support.crawling import scrapy_crawl

ARTICLE = "ARTI1793583905871129"
PAGE = f"/2026/11/02/{ARTICLE}"
TIMEOUT_MS = 3000


def with_dialogs(request: Request) -> Response:
    response = request.default()
    script = ('<script>alert("a"); confirm("b"); prompt("c"); window.open("/"); '
              'window.onbeforeunload = function () { return "stay"; };</script>')
    response.body = response.body.replace(b"</head>", script.encode() + b"</head>", 1)
    return response


def chromium_processes(marker: str) -> list[int]:
    """Chromium processes whose command line holds `marker` (only this test's Chromium has it;
    the crawl's own process holds it inside its settings, and is not Chromium)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
            if b"chrom" in argv[0].lower() and marker.encode() in argv:
                found.append(int(proc.name))
        except OSError:
            continue
    return found


@pytest.mark.parametrize(
    ("install", "rendered"),
    [
        pytest.param(lambda s: s.overrides.add(f"{PAGE}/_payload.json", faults.stall(30)), False,
                     id="never_finishes_loading"),
        pytest.param(lambda s: s.overrides.add(PAGE, with_dialogs), True, id="dialogs_and_popup"),
    ],
)
def test_browser_page_is_closed_in_time_and_no_chromium_is_left(
    make_replica: Callable[..., ReplicaServer], tmp_path: Path,
    install: Callable[[ReplicaServer], object], rendered: bool,
) -> None:
    server = make_replica()
    install(server)
    marker = f"--cri-test-marker={uuid.uuid4().hex}"  # Chromium ignores unknown switches
    launch = dict(defaults.PLAYWRIGHT_LAUNCH_OPTIONS)
    launch["args"] = [*launch["args"], marker]
    started = time.monotonic()
    result = scrapy_crawl(
        tmp_path, server.base_url, {"urls": f"http://polish.cri.cn{PAGE}"},
        {"CRAWLER_BROWSER_TIMEOUT_MS": str(TIMEOUT_MS), "PLAYWRIGHT_LAUNCH_OPTIONS": json.dumps(launch),
         "DOWNLOAD_TIMEOUT": "10"},
        timeout=120,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats["finish_reason"] == "finished"
    assert result.stats.get("cri/browser/started") == 1
    if rendered:
        assert [(i["id"], i["extraction"]) for i in result.items] == [(ARTICLE, "browser")]
    else:
        assert result.items == []
        assert result.stats.get("cri/skipped/fetch_failed") == 1
        assert elapsed < 60  # the navigation timeout (and its retries), not the 30 s stall
    opened = result.stats.get("playwright/page_count", 0)
    assert opened >= 1 and result.stats.get("playwright/page_count/closed", 0) == opened
    time.sleep(0.5)
    assert chromium_processes(marker) == []


def test_chromium_killed_mid_crawl_is_restarted_and_the_run_goes_on(
    make_replica: Callable[..., ReplicaServer], tmp_path: Path
) -> None:
    import os
    import signal
    import threading

    server = make_replica()
    second = "/2026/11/05/ARTI1793866515325675"
    marker = f"--cri-test-marker={uuid.uuid4().hex}"
    killed: list[int] = []

    def kill_then_stall(request: Request) -> Response:
        # The first shell's data request: Chromium is killed while it waits for the answer.
        for pid in chromium_processes(marker):
            try:
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            except OSError:
                pass
        return faults.stall(5)(request)

    server.overrides.add(f"{PAGE}/_payload.json", kill_then_stall, times=1)
    launch = dict(defaults.PLAYWRIGHT_LAUNCH_OPTIONS)
    launch["args"] = [*launch["args"], marker]
    urls = f"http://polish.cri.cn{PAGE},http://polish.cri.cn{second}"
    done: list[object] = []
    thread = threading.Thread(target=lambda: done.append(scrapy_crawl(
        tmp_path, server.base_url, {"urls": urls},
        {"CRAWLER_BROWSER_TIMEOUT_MS": str(TIMEOUT_MS), "PLAYWRIGHT_LAUNCH_OPTIONS": json.dumps(launch),
         "CONCURRENT_REQUESTS": "1", "DOWNLOAD_TIMEOUT": "10"},
        timeout=120,
    )))
    thread.start()
    thread.join(150)
    [result] = done
    assert killed, "Chromium was not running when its page asked for data"
    assert result.returncode == 0, result.log[-3000:]  # type: ignore[attr-defined]
    stats = result.stats  # type: ignore[attr-defined]
    assert stats["finish_reason"] == "finished"
    # The second shell was rendered by a new browser.
    assert ("ARTI1793866515325675", "browser") in {(i["id"], i["extraction"]) for i in result.items}  # type: ignore[attr-defined]
    assert stats.get("playwright/browser_count", 0) >= 2
    time.sleep(0.5)
    assert chromium_processes(marker) == []
