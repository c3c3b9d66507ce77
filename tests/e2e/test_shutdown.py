"""Prompt shutdown (crawler/extensions/shutdown.py): SIGTERM or SIGINT during a politeness wait
(a 100,000 s Crawl-delay, a 100,000 s Retry-After) ends `cri-crawler run` within 30 s, with the
run report (`finish_reason: shutdown`, exit code 1) and what was stored durable."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.replica import ReplicaServer, Response
from tests.replica.breakages import article_api
from tests.replica.probe import article_key
from tests.replica.server import Request
from tests.support.archive import read_archive
from tests.support.paths import ROOT
from tests.support.run import clean_env, last_report, run_command

ARTICLES = 40
BOUND = 30.0  # seconds from the signal to the exit
FOREVER = "100000"  # seconds: past any run (robots.py caps a Crawl-delay at 86,400)
ORIGIN = "https://polish.cri.cn"
MONITOR = {"CRAWLER_MONITOR_MAX_PAGES": "1", "CRAWLER_BATCH_ITEMS": "2",
           "CRAWLER_BATCH_SECONDS": "0.2"}


def stop_when(ready: Callable[[], bool], data: Path, log: Path, base_url: str, signum: int,
              **settings: str) -> float:
    """Starts a run, sends `signum` once `ready()`, and returns the seconds to its exit (1)."""
    with log.open("wb") as stderr:
        process = subprocess.Popen(run_command(data, base_url, **{**MONITOR, **settings}),
                                   cwd=ROOT, stderr=stderr, stdout=subprocess.DEVNULL,
                                   env=clean_env())
        try:
            deadline = time.monotonic() + 60
            while not ready():
                assert process.poll() is None, log.read_text()[-3000:]
                assert time.monotonic() < deadline, "never ready: " + log.read_text()[-3000:]
                time.sleep(0.05)
            time.sleep(0.5)  # well into the wait
            sent = time.monotonic()
            process.send_signal(signum)
            code = process.wait(timeout=BOUND + 30)
            elapsed = time.monotonic() - sent
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert code == 1, log.read_text()[-3000:]
    return elapsed


def logged(log: Path, text: str) -> Callable[[], bool]:
    return lambda: log.exists() and text.encode() in log.read_bytes()


def assert_shut_down(data: Path, log: Path, elapsed: float) -> dict[str, object]:
    text = log.read_text()
    assert elapsed < BOUND, text[-3000:]
    report = last_report(data)
    assert report["finish_reason"] == "shutdown" and report["verdict"] == "unhealthy"
    stored = read_archive(data)  # every line parses and ends in \n
    assert report["articles"]["new"] == len(stored)
    assert "requests waiting for politeness dropped, not sent" in text
    assert "forcing unclean shutdown" not in text and "Traceback" not in text
    return report


@pytest.mark.parametrize(("signum", "autothrottle"), [(signal.SIGTERM, "True"),
                                                       (signal.SIGINT, "False")],
                         ids=["SIGTERM-autothrottle", "SIGINT"])
def test_a_signal_during_a_huge_crawl_delay_ends_the_run_within_30_s(
        make_replica: Callable[..., ReplicaServer], tmp_path: Path, signum: int,
        autothrottle: str) -> None:
    server = make_replica(articles=ARTICLES)
    server.overrides.add("/robots.txt", Response.text(f"User-agent: *\nCrawl-delay: {FOREVER}\n"))
    data, log = tmp_path / "data", tmp_path / "run.log"
    elapsed = stop_when(logged(log, "asks a Crawl-delay of 86400 s"), data, log, server.base_url,
                        signum, AUTOTHROTTLE_ENABLED=autothrottle, AUTOTHROTTLE_START_DELAY="0")
    assert_shut_down(data, log, elapsed)
    assert [r.path for r in server.requests] == ["/robots.txt"], "a request did not wait"


def test_sigterm_during_a_huge_retry_after_ends_the_run_within_30_s(
        make_replica: Callable[..., ReplicaServer], tmp_path: Path) -> None:
    server = make_replica(articles=ARTICLES)
    lock, answered = threading.Lock(), [0]

    def after_five_articles(request: Request) -> bool:
        # The sixth article asked for answers 429: five are stored before the host is held.
        if not article_api(request):
            return False
        with lock:
            answered[0] += 1
            return answered[0] == 6

    server.overrides.add(after_five_articles,
                         Response(429, b"slow down", headers=[("Retry-After", FOREVER)]))
    data, log = tmp_path / "data", tmp_path / "run.log"

    def held_after_storing() -> bool:
        stored = any(f.stat().st_size for f in (data / "articles").glob("*/*.jsonl"))
        return stored and logged(log, f"Retry-After {FOREVER} s")()

    elapsed = stop_when(held_after_storing, data, log, server.base_url, signal.SIGTERM,
                        CRAWLER_RETRY_AFTER_MAX=FOREVER)
    report = assert_shut_down(data, log, elapsed)
    assert report["articles"]["new"] > 0  # type: ignore[index]
    # Its retry waited for the hold and was dropped: the article was asked for once (requests
    # logged after the signal can be ones sent before it, which the replica took late).
    asked = [article_key(r.body_id if r.method == "POST" else ORIGIN + r.path)
             for r in server.requests]
    (held,) = [r.body_id for r in server.requests if r.status == 429]
    assert asked.count(article_key(held or "")) == 1
