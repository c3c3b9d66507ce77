"""Verdicts a pager can trust, against the replica: quiet runs are healthy, every broken path
(tests/replica/breakages.py) is unhealthy naming its check, every job is judged however it was
started, alerts come once per streak, and judging survives what breaks around it."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.replica import ReplicaServer, Response
from tests.replica.breakages import BREAKAGES, Breakage, article_api, listing_api
from tests.support.archive import read_archive
from tests.support.crawling import FAST
from tests.support.paths import ROOT
from tests.support.run import clean_env, cri_run, failing, last_report, run_command
from tests.support.webhook import webhook_receiver

ARTICLES = 40
MONITOR = {"CRAWLER_MONITOR_MAX_PAGES": "1"}


def reports(data: Path) -> list[dict[str, Any]]:
    lines = (data / "runs.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A local webhook: its URL and what it received."""
    with webhook_receiver() as hook:
        yield hook


def test_ten_quiet_monitoring_runs_are_ten_healthy_verdicts(make_replica, tmp_path: Path) -> None:
    server: ReplicaServer = make_replica(articles=ARTICLES)
    data = tmp_path / "data"
    verdicts = []
    for _ in range(10):
        result = cri_run(data, server.base_url, **MONITOR)
        verdicts.append((result.returncode, last_report(data)["verdict"], failing(last_report(data))))
    assert verdicts == [(0, "healthy", set())] * 10
    first, *later = reports(data)
    assert first["articles"]["new"] > 0 and all(r["articles"]["new"] == 0 for r in later)
    assert all(r["alert"]["kind"] == "none" for r in reports(data))


# slow_drip has its own test below, which also checks what the stopped run kept.
QUICK = [b for b in BREAKAGES if b.name != "slow_drip"]


@pytest.mark.parametrize("breakage", QUICK, ids=[b.name for b in QUICK])
def test_every_broken_path_is_unhealthy_naming_its_check(make_replica, tmp_path: Path,
                                                         breakage: Breakage) -> None:
    server: ReplicaServer = make_replica(articles=ARTICLES)
    breakage.install(server)
    data = tmp_path / "data"
    result = cri_run(data, server.base_url, timeout=120, **{**MONITOR, **breakage.settings})
    report = last_report(data)
    assert result.returncode == 1, (breakage.name, report["checks"])
    assert report["verdict"] == "unhealthy"
    assert breakage.fails in failing(report), [c["message"] for c in report["checks"]]
    assert breakage.fails in result.stderr  # the ERROR line names it


def test_a_recovered_403_is_reported_not_judged(make_replica, tmp_path: Path) -> None:
    # One article's API answer is 403: the crawler reads its page instead, as designed.
    server: ReplicaServer = make_replica(articles=ARTICLES)
    server.overrides.fail(article_api, 403, times=1)
    data = tmp_path / "data"
    result = cri_run(data, server.base_url, **MONITOR)
    report = last_report(data)
    assert result.returncode == 0, report["checks"]
    assert report["blocked"] == {"answers": 1, "unrecovered": 0}
    assert report["responses"]["403"] == 1


def test_dead_listings_with_articles_from_the_sitemaps_is_unhealthy(make_replica, tmp_path: Path) -> None:
    server: ReplicaServer = make_replica(articles=ARTICLES)
    server.overrides.add(listing_api, Response.json({"succeed": 0, "errorCode": 500}))
    data = tmp_path / "data"
    result = cri_run(data, server.base_url, **MONITOR)
    report = last_report(data)
    assert result.returncode == 1
    assert report["sitemaps"]["article_links"] > 0 and report["articles"]["new"] > 0
    assert report["listings"]["answers"] == 0 and report["listings"]["unreadable"] > 0
    assert failing(report) == {"listings_unreadable"}


def test_a_run_that_finds_no_link_where_runs_always_did_is_unhealthy(make_replica, tmp_path: Path) -> None:
    server: ReplicaServer = make_replica(articles=ARTICLES)
    data = tmp_path / "data"
    for _ in range(3):
        assert cri_run(data, server.base_url, **MONITOR).returncode == 0
    # A relaunch: listings answer without cards, the sitemaps are empty.
    server.overrides.add(listing_api, Response.json({"succeed": 1, "result": {}}))
    empty = '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>'
    server.overrides.add("*sitemap*", Response.text(empty, "application/xml"))
    result = cri_run(data, server.base_url, **MONITOR)
    report = last_report(data)
    assert result.returncode == 1
    assert report["articles"]["discovered"] == 0
    assert "articles_discovered" in failing(report)


def test_an_alert_streak_alerts_once_and_recovers_once(make_replica, tmp_path: Path, webhook) -> None:
    url, received = webhook
    server: ReplicaServer = make_replica(articles=ARTICLES)
    broken = server.overrides.fail("/robots.txt", 503)
    data = tmp_path / "data"
    env = {"CRAWLER_ALERT_WEBHOOK_URL": url}
    for _ in range(3):
        assert cri_run(data, server.base_url, env=env, **MONITOR).returncode == 1
    broken.remove()
    for _ in range(2):
        assert cri_run(data, server.base_url, env=env, **MONITOR).returncode == 0
    assert [message["kind"] for message in received] == ["failure", "recovery"]
    assert [r["alert"]["kind"] for r in reports(data)] == [
        "failure", "suppressed", "suppressed", "recovery", "none"]


# -- every job is judged ---------------------------------------------------------------------


def _scrapy_command(data: Path, base_url: str, *extra: str) -> list[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", "cri", "-a", f"base_url={base_url}"]
    for key, value in {**FAST, "CRAWLER_BROWSER": "False", "CRAWLER_DATA_DIR": str(data), **MONITOR}.items():
        command += ["-s", f"{key}={value}"]
    return command + list(extra)


def test_scrapy_crawl_is_judged_too(make_replica, tmp_path: Path) -> None:
    server: ReplicaServer = make_replica(articles=ARTICLES)
    data = tmp_path / "data"
    done = subprocess.run(_scrapy_command(data, server.base_url), cwd=ROOT, env=clean_env(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert last_report(data)["verdict"] == "healthy"
    # Unhealthy but finished: Scrapy's convention, exit 0; the verdict is in the report and log.
    server.overrides.fail("/robots.txt", 503)
    done = subprocess.run(_scrapy_command(data, server.base_url), cwd=ROOT, env=clean_env(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    assert "robots_unavailable" in failing(last_report(data))
    assert "unhealthy" in done.stderr


def test_a_job_started_the_way_scrapyd_starts_it_is_judged(make_replica, tmp_path: Path) -> None:
    # Scrapyd's runner: `python -m scrapyd.runner crawl <spider> -a _job=<id> -s LOG_FILE=...`,
    # which is Scrapy's `cmdline.execute` with the project's settings module.
    server: ReplicaServer = make_replica(articles=ARTICLES)
    data = tmp_path / "data"
    log = tmp_path / "job.log"
    argv = [*_scrapy_command(data, server.base_url)[3:], "-a", "_job=6487ec79", "-s", f"LOG_FILE={log}"]
    code = f"import sys; from scrapy.cmdline import execute; execute(['scrapy', *{argv!r}])"
    env = {**clean_env(), "SCRAPY_SETTINGS_MODULE": "crawler.settings", "SCRAPY_PROJECT": "cri"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, log.read_text()[-3000:]
    report = last_report(data)
    assert report["verdict"] == "healthy" and report["articles"]["new"] > 0
    assert "healthy" in log.read_text()


# -- bounded runs and what they keep ---------------------------------------------------------


def test_the_time_bound_stops_a_hung_run_and_keeps_what_was_stored(make_replica, tmp_path: Path) -> None:
    (slow,) = [b for b in BREAKAGES if b.name == "slow_drip"]
    server: ReplicaServer = make_replica(articles=ARTICLES)
    slow.install(server)
    data = tmp_path / "data"
    result = cri_run(data, server.base_url, timeout=120, **{**MONITOR, **slow.settings})
    report = last_report(data)
    assert result.returncode == 1
    assert report["finish_reason"] == "closespider_timeout"
    # A download in flight is let finish or time out: CLOSESPIDER_TIMEOUT + DOWNLOAD_TIMEOUT.
    assert report["duration_seconds"] < 5 + 10 + 10
    stored = {r["id"] for r in read_archive(data)}
    assert stored and len(stored) == report["articles"]["new"]
    assert slow.fails in failing(report) and slow.fails in result.stderr


def test_after_a_double_sigterm_new_is_what_the_archive_gained(make_replica, tmp_path: Path) -> None:
    server: ReplicaServer = make_replica(articles=ARTICLES)
    server.overrides.delay(article_api, 0.3)
    data = tmp_path / "data"
    log = tmp_path / "run.log"
    settings = {**MONITOR, "CRAWLER_BATCH_ITEMS": "2", "CRAWLER_BATCH_SECONDS": "0.2"}
    with log.open("wb") as stderr:
        process = subprocess.Popen(run_command(data, server.base_url, **settings), cwd=ROOT,
                                   stderr=stderr, stdout=subprocess.DEVNULL, env=clean_env())
        try:
            _wait_for(lambda: any((data / "articles").glob("*/*.jsonl")), process)
            process.send_signal(signal.SIGTERM)
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=60) == 1
        finally:
            if process.poll() is None:
                process.kill()
    report = last_report(data)
    assert report["finish_reason"] == "shutdown"
    versions = [(r["id"], r["version"]) for r in read_archive(data)]
    assert report["articles"]["new"] == len(versions) > 0


def _wait_for(ready: Any, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert process.poll() is None and time.monotonic() < deadline, "the run ended first"
        time.sleep(0.02)


# -- judging never dies ----------------------------------------------------------------------


def test_a_report_that_cannot_be_written_still_alerts(make_replica, tmp_path: Path, webhook) -> None:
    url, received = webhook
    server: ReplicaServer = make_replica(articles=ARTICLES)
    data = tmp_path / "data"
    (data / "runs.jsonl").mkdir(parents=True)  # as on a full disk: the append fails
    result = cri_run(data, server.base_url, env={"CRAWLER_ALERT_WEBHOOK_URL": url}, **MONITOR)
    assert result.returncode == 1
    assert "run_report" in result.stderr and "Traceback" not in result.stderr
    [alert] = received
    assert [c["name"] for c in alert["failing"]] == ["run_report"]


def test_a_lock_that_cannot_be_taken_is_exit_2_in_one_line(replica: ReplicaServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "run.lock").mkdir(parents=True)  # as on a disk that cannot take the lock file
    before = len(replica.requests)
    result = cri_run(data, replica.base_url)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("cri-crawler: error: cannot take") and "run.lock" in line
    assert len(replica.requests) == before
    assert not (data / "runs.jsonl").exists()


def test_a_robots_txt_that_forbids_everything_is_one_warning(make_replica, tmp_path: Path) -> None:
    (forbid,) = [b for b in BREAKAGES if b.name == "robots_forbid_all"]
    server: ReplicaServer = make_replica(articles=ARTICLES)
    forbid.install(server)
    result = cri_run(tmp_path / "data", server.base_url, **MONITOR)
    warned = [line for line in result.stderr.splitlines() if "WARNING" in line and "forbids" in line]
    assert len(warned) == 1, result.stderr[-3000:]
    assert result.returncode == 1
