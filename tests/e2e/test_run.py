"""`cri-crawler run` end to end against the replica: lock, incremental runs, health, alerts."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.replica import ReplicaServer, Response
from tests.replica.probe import article_key
from tests.support.archive import check_versions, read_archive
from tests.support.paths import ROOT
from tests.support.run import clean_env, cri_run, failing, last_report, run_command


def article_requests(server: ReplicaServer) -> set[str]:
    """Ids of the articles the crawl asked the replica for (API or page)."""
    ids = set()
    for request in server.requests:
        url = request.body_id if request.method == "POST" else "https://polish.cri.cn" + request.path
        if url and (key := article_key(url)):
            ids.add(key)
    return ids


def wait_for(path: Path, text: bytes, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_bytes():
            return
        time.sleep(0.05)
    raise AssertionError(f"{text!r} never appeared in {path}")


# -- the lock ----------------------------------------------------------------------------------


def test_second_run_exits_3_at_once_and_a_killed_run_leaves_no_lock(make_replica, tmp_path: Path) -> None:
    server: ReplicaServer = make_replica()
    server.overrides.delay("/robots.txt", 5.0)  # keeps the first run busy
    data = tmp_path / "data"
    log = tmp_path / "first.log"
    with log.open("wb") as stderr:
        first = subprocess.Popen(run_command(data, server.base_url), cwd=ROOT, stderr=stderr,
                                 stdout=subprocess.DEVNULL, env=clean_env())
        try:
            wait_for(log, b"Spider opened")
            started = time.monotonic()
            second = cri_run(data, server.base_url)
            assert time.monotonic() - started < 10
            assert second.returncode == 3
            assert second.stderr.strip().splitlines() == [
                f"cri-crawler: another run holds {data} (pid {first.pid}); exiting"
            ]
            # Deleting the pid files lets no second run in: the locks are on the directories.
            (data / "run.lock").unlink()
            (data / "crawl.lock").unlink()
            third = cri_run(data, server.base_url)
            assert third.returncode == 3, third.stderr[-3000:]
            first.send_signal(signal.SIGKILL)
        finally:
            first.wait(timeout=30)
    server.overrides.clear()
    again = cri_run(data, server.base_url, CRAWLER_MONITOR_MAX_PAGES="1")
    assert again.returncode == 0, again.stderr[-3000:]
    assert last_report(data)["verdict"] == "healthy"


# -- incremental runs --------------------------------------------------------------------------


def test_incremental_runs_fetch_only_new_and_recent_articles(make_replica, tmp_path: Path) -> None:
    server: ReplicaServer = make_replica(articles=300, seed=5)
    site, data = server.site, tmp_path / "data"
    first = cri_run(data, server.base_url)
    assert first.returncode == 0, first.stderr[-3000:]
    stored = {r["id"] for r in read_archive(data)}
    report = last_report(data)
    assert report["articles"]["new"] == len(stored) > 0

    # Twenty new articles appear; one older article is edited outside the recheck window.
    added = [a.id for a in site.add_articles(20)]
    old = sorted(stored)[0]
    site.edit(old, paragraphs=[*site.article(old).paragraphs, "Zmiana poza oknem."])
    server.requests.clear()
    second = cri_run(data, server.base_url)
    assert second.returncode == 0, second.stderr[-3000:]
    requested = article_requests(server)
    assert not requested & stored  # no stored article outside the window was asked for
    assert set(added) <= requested  # (and, browser off, the shells that were never stored)
    report = last_report(data)
    assert report["articles"]["new"] == 20
    assert report["articles"]["known_not_fetched"] > 0

    # An article inside the window is edited: the next run fetches the recent ones again.
    edited = added[3]
    site.edit(edited, paragraphs=[*site.article(edited).paragraphs, "Aktualizacja redakcji."])
    server.requests.clear()
    third = cri_run(data, server.base_url)
    assert third.returncode == 0, third.stderr[-3000:]
    requested = article_requests(server)
    assert set(added) <= requested and not requested & stored
    records = read_archive(data)
    check_versions(records)
    versions = {(r["id"], r["version"]) for r in records}
    assert (edited, 2) in versions
    assert {i for i, v in versions if v == 2} == {edited}
    assert last_report(data)["articles"]["updated"] == 1


def test_interrupted_backfill_goes_on_without_refetching(make_replica, tmp_path: Path) -> None:
    server: ReplicaServer = make_replica(articles=200, seed=9)
    data = tmp_path / "data"
    site = server.site
    expected = {e["id"] for e in site.expected(reach="backfill", since="2004-01-01")
                if site.article(e["id"]).variant != "shell"}  # the browser is off in these runs
    # The first backfill dies after a few batches.
    log = tmp_path / "first.log"
    with log.open("wb") as stderr:
        first = subprocess.Popen(
            run_command(data, server.base_url, "--since", "2004-01-01", CRAWLER_BATCH_ITEMS="5",
                        CONCURRENT_REQUESTS="2", CONCURRENT_REQUESTS_PER_DOMAIN="2"),
            cwd=ROOT, stderr=stderr, stdout=subprocess.DEVNULL, env=clean_env(),
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and len(_archive_ids(data)) < 30:
                time.sleep(0.05)
            first.send_signal(signal.SIGKILL)
        finally:
            first.wait(timeout=30)
    done_before = _archive_ids(data)
    assert 0 < len(done_before) < len(expected)
    server.requests.clear()
    second = cri_run(data, server.base_url, "--since", "2004-01-01")
    assert second.returncode == 0, second.stderr[-3000:]
    assert _archive_ids(data) == expected
    assert not (article_requests(server) & done_before)
    check_versions(read_archive(data))


def _archive_ids(data: Path) -> set[str]:
    ids = set()
    for file in sorted((data / "articles").glob("*/*.jsonl")):
        for line in file.read_bytes().split(b"\n")[:-1]:
            ids.add(json.loads(line)["id"])
    return ids


# -- health ------------------------------------------------------------------------------------


def test_changed_layout_makes_the_run_unhealthy(make_replica, tmp_path: Path) -> None:
    server: ReplicaServer = make_replica()

    def new_layout(request: Any) -> Response | None:
        if request.method == "POST" and request.api_id and article_key(request.api_id):
            return Response.json({"succeed": 0, "errorCode": 1, "errorMessage": "moved", "result": None})
        if request.method == "GET" and article_key("https://polish.cri.cn" + request.path):
            return Response.html(
                "<html><body><div class='x-art'><span class='x-t'>Nowy układ strony</span>"
                "<section class='x-b'><span>Tekst w nowym układzie bez akapitów.</span></section>"
                "</div></body></html>"
            )
        return None

    server.overrides.add(lambda request: True, new_layout)
    data = tmp_path / "data"
    result = cri_run(data, server.base_url, CRAWLER_MONITOR_MAX_PAGES="1")
    assert result.returncode == 1, result.stderr[-3000:]
    report = last_report(data)
    assert report["verdict"] == "unhealthy"
    assert failing(report) & {"no_body_share", "fallback_share", "coverage_body"}, report["checks"]
    assert "unhealthy" in result.stderr


def test_no_new_article_for_too_long_fails_that_check(make_replica, tmp_path: Path) -> None:
    server: ReplicaServer = make_replica()
    data = tmp_path / "data"
    assert cri_run(data, server.base_url, CRAWLER_MONITOR_MAX_PAGES="1").returncode == 0
    # Pretend the run that found articles was 30 hours ago.
    report = last_report(data)
    old = datetime.now(timezone.utc) - timedelta(hours=30)
    report["started"] = old.isoformat(timespec="seconds")
    report["finished"] = (old + timedelta(minutes=1)).isoformat(timespec="seconds")
    (data / "runs.jsonl").write_text(json.dumps(report) + "\n", encoding="utf-8")
    quiet = cri_run(data, server.base_url, CRAWLER_HEALTH_MAX_HOURS_WITHOUT_NEW="24")
    assert quiet.returncode == 1, quiet.stderr[-3000:]
    assert failing(last_report(data)) == {"hours_without_new"}
    # The same quiet run, with the last find 23 hours back, is healthy.
    report["started"] = (datetime.now(timezone.utc) - timedelta(hours=23)).isoformat(timespec="seconds")
    report["finished"] = report["started"]
    (data / "runs.jsonl").write_text(json.dumps(report) + "\n", encoding="utf-8")
    assert cri_run(data, server.base_url, CRAWLER_HEALTH_MAX_HOURS_WITHOUT_NEW="24").returncode == 0


def test_robots_503_fails_closed_and_unhealthy(make_replica, tmp_path: Path) -> None:
    server: ReplicaServer = make_replica()
    server.overrides.fail("/robots.txt", 503)
    data = tmp_path / "data"
    result = cri_run(data, server.base_url)
    assert result.returncode == 1, result.stderr[-3000:]
    assert article_requests(server) == set()
    assert "robots_unavailable" in failing(last_report(data))


class _Receiver(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length", 0))
        type(self).received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_unhealthy_run_posts_to_the_webhook(make_replica, tmp_path: Path) -> None:
    server: ReplicaServer = make_replica()
    server.overrides.fail("/robots.txt", 503)
    _Receiver.received = []
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=receiver.serve_forever, daemon=True)
    thread.start()
    try:
        token = "s3cr3t-token"
        url = f"http://127.0.0.1:{receiver.server_address[1]}/hook/{token}"
        result = cri_run(tmp_path / "data", server.base_url, env={"CRAWLER_ALERT_WEBHOOK_URL": url})
    finally:
        receiver.shutdown()
        receiver.server_close()
    assert result.returncode == 1
    [alert] = _Receiver.received
    assert "robots_unavailable" in json.dumps(alert)
    assert token not in result.stderr
    assert token not in (tmp_path / "data" / "runs.jsonl").read_text(encoding="utf-8")


# -- bad input: exit 2, one line, no request -----------------------------------------------------


@pytest.mark.parametrize(
    "args, settings, env, message",
    [
        (["--bogus"], {}, {}, "unrecognized arguments: --bogus"),
        (["--since", "yesterday"], {}, {}, "is not a date"),
        ([], {"CRAWLER_HEALTH_MAX_ERRORS": "many"}, {}, "CRAWLER_HEALTH_MAX_ERRORS must be a whole number"),
        ([], {"CRAWLER_HEALTH_MIN_COVERAGE": "1.5"}, {}, "CRAWLER_HEALTH_MIN_COVERAGE is a share"),
        ([], {}, {"CRAWLER_ALERT_WEBHOOK_URL": "ftp://x/token"}, "CRAWLER_ALERT_WEBHOOK_URL is not an http(s) URL"),
        (["--set", "oops"], {}, {}, "--set takes NAME=VALUE"),
        (["--edition", "klingon"], {}, {}, "edition='klingon' is unknown; known: croatian, czech, "
         "esperanto, filipino, german, hindi, polish, romanian, serbian, swahili, turkish"),
        ([], {"CRAWLER_EDITION": "klingon"}, {}, "edition='klingon' is unknown"),
        ([], {"DOWNLOAD_DELAY": "abc"}, {}, "DOWNLOAD_DELAY must be a number, got 'abc'"),
        ([], {"LOG_LEVEL": "LOUD"}, {}, "LOG_LEVEL must be a logging level"),
        ([], {}, {"CRAWLER_ALERT_WEBHOOK_URL": "http://[::1"}, "CRAWLER_ALERT_WEBHOOK_URL is not an http(s) URL"),
        ([], {"CRAWLER_DATA_DIR": "/elsewhere"}, {}, "and -s CRAWLER_DATA_DIR=/elsewhere disagree"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(replica: ReplicaServer, tmp_path: Path, args: list[str],
                                         settings: dict[str, str], env: dict[str, str], message: str) -> None:
    before = len(replica.requests)
    result = cri_run(tmp_path / "data", replica.base_url, *args, env=env, **settings)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert len(replica.requests) == before


def test_unwritable_data_dir_is_exit_2(replica: ReplicaServer, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = cri_run(blocker / "data", replica.base_url)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("cri-crawler: error: data directory")


def test_the_data_dir_may_come_from_the_setting_alone(replica: ReplicaServer, tmp_path: Path) -> None:
    data = tmp_path / "from-setting"
    command = [part for part in run_command(data, replica.base_url) if part not in ("--data-dir", str(data))]
    result = subprocess.run(command + ["-s", f"CRAWLER_DATA_DIR={data}"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300, env=clean_env())
    assert result.returncode == 0, result.stderr[-3000:]
    assert last_report(data)["verdict"] == "healthy"


def test_a_since_in_the_future_is_one_warning(replica: ReplicaServer, tmp_path: Path) -> None:
    result = cri_run(tmp_path / "data", replica.base_url, "--since", "2099-01-01")
    assert result.returncode == 0, result.stderr[-3000:]
    warned = [line for line in result.stderr.splitlines() if "is in the future" in line]
    assert warned == ["cri-crawler: warning: --since 2099-01-01 is in the future: nothing is "
                      "published after it yet"]
