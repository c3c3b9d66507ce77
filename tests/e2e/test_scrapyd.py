"""Editions as jobs on a real Scrapyd node (tests/support/scrapyd.py: 127.0.0.1, a free port,
a Python that sees the dependencies but not the project, so a job runs only what was deployed):
`scrapyd-deploy` from a clean checkout, `cri-crawler schedule` and `status --scrapyd`, a verdict
and an alert for every job, a job still running refusing the next, a node that is not there."""

from __future__ import annotations

import io
import json
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.cli import main
from crawler.monitoring.verdict_line import find_verdict
from crawler.scrapyd import PROJECT, Node
from tests.replica import ReplicaServer
from tests.replica.breakages import BREAKAGES, article_api
from tests.replica.faults import stall
from tests.support.archive import read_archive
from tests.support.crawling import FAST
from tests.support.ground_truth import assert_same_items, cross_edition_requests, editions_replica
from tests.support.paths import ROOT
from tests.support.scrapyd import ScrapydNode, scrapyd_node
from tests.support.webhook import webhook_receiver

# Every job of these tests: the replica is local (no politeness), no browser.
JOB_SETTINGS = [*(f"{k}={v}" for k, v in FAST.items()), "CRAWLER_BROWSER=False",
                "CRAWLER_MONITOR_MAX_PAGES=1"]


@pytest.fixture(scope="module")
def hook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    with webhook_receiver() as receiver:
        yield receiver


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory, hook) -> Iterator[ScrapydNode]:
    """One node for the module; its jobs alert the local webhook (the node's environment)."""
    with scrapyd_node(tmp_path_factory.mktemp("scrapyd"),
                      env={"CRAWLER_ALERT_WEBHOOK_URL": hook[0]}) as running:
        yield running


def cli(*argv: str) -> tuple[int, str, str]:
    """`cri-crawler ARGV` in this process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        code = main(list(argv))
    finally:
        sys.stdout, sys.stderr = stdout, stderr
    return code, out.getvalue(), err.getvalue()


def schedule(node: ScrapydNode, *argv: str) -> tuple[int, str, str]:
    settings = [arg for pair in JOB_SETTINGS for arg in ("-s", pair)]
    return cli("schedule", "--scrapyd", node.url, *settings, *argv)


def scheduled_jobs(out: str) -> list[str]:
    """The job ids `schedule` printed ("<edition>: scheduled job <id> (...)")."""
    return [line.split()[3] for line in out.splitlines() if ": scheduled job " in line]


def clean_checkout(where: Path) -> Path:
    """The repository's files (tracked, and new ones not ignored) as they are in the work
    tree: what a fresh clone of the next commit holds, without
    build directories, eggs or a setup.py."""
    tracked = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, check=True,
                             capture_output=True).stdout.decode().split("\0")
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (where / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, where / name)
    return where


def test_scrapyd_deploy_from_a_clean_checkout_runs_a_judged_job(node: ScrapydNode,
                                                               tmp_path: Path) -> None:
    checkout = clean_checkout(tmp_path / "checkout")
    with (checkout / "scrapy.cfg").open("a", encoding="utf-8") as cfg:
        cfg.write(f"\n[deploy:node]\nurl = {node.url}\nproject = {PROJECT}\n")
    deploy = subprocess.run([str(Path(sys.executable).with_name("scrapyd-deploy")), "node",
                             "--version", "from-checkout"], cwd=checkout, capture_output=True,
                            text=True, timeout=300)
    assert deploy.returncode == 0, deploy.stderr[-3000:]
    assert "from-checkout" in node.get("listversions.json")["versions"]
    # The deployed egg is what runs: the node's Python cannot import the project otherwise.
    with ReplicaServer(articles=20) as replica:
        Node(node.url).schedule("polish-20260101T000000Z", "from-checkout",
                                dict(pair.split("=", 1) for pair in JOB_SETTINGS)
                                | {"CRAWLER_DATA_DIR": "deployed/polish"},
                                {"edition": "polish", "base_url": replica.base_url})
        node.wait("polish-20260101T000000Z")
    verdict = find_verdict(node.log("polish-20260101T000000Z"))
    assert verdict is not None and verdict["verdict"] == "healthy", node.log("polish-20260101T000000Z")[-3000:]
    assert verdict["new"] == len(read_archive(node.root / "deployed/polish")) > 0


def test_two_editions_as_two_jobs_each_store_exactly_their_edition(node: ScrapydNode) -> None:
    with editions_replica({"polish": (60, 7), "esperanto": (40, 8)}) as replica:
        code, out, err = schedule(node, "--edition", "polish", "--edition", "esperanto",
                                  "--data-root", "two", "--base-url", replica.mirror_url)
        assert code == 0, err
        jobs = scheduled_jobs(out)
        assert [job.split("-")[0] for job in jobs] == ["polish", "esperanto"]
        node.wait(*jobs)
        for name, site in replica.sites.items():
            # The jobs run without a browser: the client-rendered shells are not stored.
            expected = [item for item in site.expected(reach="monitor")
                        if site.article(item["id"]).variant != "shell"]
            stored = read_archive(node.root / "two" / name)
            assert_same_items(stored, expected)
            assert {item["edition"] for item in stored} == {name}
        assert cross_edition_requests(replica) == []
    for job in jobs:  # the suite turns warnings into errors; a job's log must hold none either
        assert "Warning:" not in node.log(job), node.log(job)[-3000:]
    code, out, _ = cli("status", "--scrapyd", node.url, "--json")
    shown = {e["edition"]: e for e in json.loads(out)["editions"]}
    assert code == 0, shown
    assert {name: (e["job"], e["state"], e["verdict"]) for name, e in shown.items()} == {
        job.split("-")[0]: (job, "finished", "healthy") for job in jobs
    }
    assert shown["esperanto"]["new"] == len(read_archive(node.root / "two/esperanto"))
    code, table, _ = cli("status", "--scrapyd", node.url)
    assert code == 0 and all(job in table for job in jobs)


def test_a_broken_layout_is_unhealthy_in_status_and_alerts(node: ScrapydNode, hook) -> None:
    (broken,) = [b for b in BREAKAGES if b.name == "soft_404"]
    url, received = hook
    with ReplicaServer(articles=40) as replica:
        broken.install(replica)
        code, out, err = schedule(node, "--edition", "polish", "--data-root", "broken",
                                  "--base-url", replica.base_url)
        assert code == 0, err
        (job,) = scheduled_jobs(out)
        node.wait(job)
    code, out, _ = cli("status", "--scrapyd", node.url, "--json")
    shown = {e["edition"]: e for e in json.loads(out)["editions"]}
    assert code == 1
    assert shown["polish"]["job"] == job and shown["polish"]["verdict"] == "unhealthy"
    assert broken.fails in shown["polish"]["failed"]
    alerts = [a for a in received if broken.fails in json.dumps(a)]
    assert len(alerts) == 1 and "polish" in json.dumps(alerts[0])
    # The job's own run history holds the same verdict.
    history = (node.root / "broken/polish/runs.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(history[-1])["verdict"] == "unhealthy"


def test_an_edition_whose_job_still_runs_is_refused(node: ScrapydNode) -> None:
    with ReplicaServer(articles=40) as replica:
        replica.overrides.add(article_api, stall(120))  # the job hangs on its articles
        code, out, err = schedule(node, "--edition", "polish", "--data-root", "busy",
                                  "--base-url", replica.base_url)
        assert code == 0, err
        (job,) = scheduled_jobs(out)
        node.wait(job, state="running")
        again = schedule(node, "--edition", "polish", "--data-root", "busy",
                         "--base-url", replica.base_url)
        assert again[0] == 1 and scheduled_jobs(again[1]) == []
        assert again[2].strip().splitlines() == [f"polish: not scheduled: its job {job} is still running"]
        node.cancel(job)
        node.wait(job)


@pytest.mark.parametrize("command", ["schedule", "status"])
def test_an_unreachable_node_is_exit_2_in_one_line(command: str) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/"
    code, out, err = cli(command, "--scrapyd", url)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"cri-crawler: error: Scrapyd at {url} is unreachable")


@pytest.mark.parametrize(("argv", "message"), [
    (["--edition", "klingon"], "unknown edition 'klingon'"),
    (["-s", "DOWNLOAD_DELAY"], "-s 'DOWNLOAD_DELAY': expected NAME=VALUE"),
    (["-s", "CRAWLER_DATA_DIR=/srv/x"], "give --data-root"),
])
def test_bad_input_is_refused_before_the_node_is_asked(argv: list[str], message: str) -> None:
    code, _, err = cli("schedule", "--scrapyd", "http://127.0.0.1:9/", *argv)
    assert code == 2 and message in err and err.count("\n") == 1
