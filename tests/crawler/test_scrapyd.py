"""`crawler.scrapyd` and the verdict line without a node: the egg, job names, the line that
carries a job's verdict through its log. Against a real node: tests/e2e/test_scrapyd.py."""

from __future__ import annotations

import io
import zipfile

import pytest

from crawler import __version__
from crawler.editions import EDITIONS
from crawler.monitoring.verdict_line import MARKER, find_verdict, verdict_line
from crawler.scrapyd import JOB_ID, Node, ScrapydError, build_egg

REPORT = {
    "run": "20261130T101500Z-42", "edition": "polish", "mode": "monitor", "verdict": "unhealthy",
    "finish_reason": "finished", "requests": 78, "articles": {"new": 3, "updated": 1},
    "checks": [{"name": "lost_share", "ok": False}, {"name": "robots_unavailable", "ok": True}],
    "started": "2026-11-30T10:15:00+00:00", "finished": "2026-11-30T10:16:00+00:00",
}


def test_the_verdict_line_carries_the_verdict_through_a_log() -> None:
    line = verdict_line(REPORT, "0.1.0")
    log = f"2026-11-30 10:16:00 [crawler.extensions.verdict] ERROR: {line}\n"
    assert find_verdict(log) == {
        "run": "20261130T101500Z-42", "edition": "polish", "mode": "monitor",
        "verdict": "unhealthy", "failed": ["lost_share"], "finish_reason": "finished",
        "new": 3, "updated": 1, "requests": 78, "started": "2026-11-30T10:15:00+00:00",
        "finished": "2026-11-30T10:16:00+00:00", "version": "0.1.0",
    }
    assert "\n" not in line and line.startswith(MARKER)


@pytest.mark.parametrize("log", [
    "",
    "INFO: Spider closed (finished)\n",
    f"INFO: {MARKER}{{not json\n",
    f"INFO: {MARKER}{{\"verdict\": \"fine\"}}\n",  # not a verdict of ours
    f"INFO: {MARKER}[1, 2]\n",
])
def test_a_log_without_a_readable_verdict_has_none(log: str) -> None:
    assert find_verdict(log) is None


def test_the_last_verdict_of_a_log_counts() -> None:
    healthy = verdict_line({**REPORT, "verdict": "healthy", "checks": []}, "0.1.0")
    log = f"x {verdict_line(REPORT, '0.1.0')}\ny {healthy}\nz {MARKER}{{cut"
    assert find_verdict(log)["verdict"] == "healthy"


def test_the_egg_holds_the_project_and_its_settings_entry_point() -> None:
    version, egg = build_egg()
    assert version.startswith(f"{__version__}+") and len(version) == len(__version__) + 13
    with zipfile.ZipFile(io.BytesIO(egg)) as archive:
        names = set(archive.namelist())
        entry_points = archive.read("EGG-INFO/entry_points.txt").decode()
    assert "[scrapy]\nsettings = crawler.settings\n" in entry_points
    assert {"crawler/settings.py", "spiders/cri.py", "pipelines/store.py",
            "crawler/data/article.schema.json"} <= names
    assert {f"crawler/editions/{name}.toml" for name in EDITIONS} <= names
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in names)


def test_the_same_code_makes_the_same_egg_and_version() -> None:
    assert build_egg() == build_egg()


@pytest.mark.parametrize(("job", "edition"), [
    ("polish-20261130T101500Z", "polish"),
    ("esperanto-20260101T000000Z", "esperanto"),
    ("polish-1764500000", None),  # scheduled by hand: not one of ours
    ("0a1b2c3d4e5f", None),
])
def test_job_names_give_their_edition(job: str, edition: str | None) -> None:
    match = JOB_ID.match(job)
    assert (match["edition"] if match else None) == edition


@pytest.mark.parametrize("url", ["localhost:6800", "ftp://node/", "http://"])
def test_a_node_url_must_be_http(url: str) -> None:
    with pytest.raises(ScrapydError, match="is not an http"):
        Node(url)


def test_credentials_in_the_node_url_become_basic_auth_and_leave_the_url() -> None:
    node = Node("http://ops:s3cret@127.0.0.1:6800/scrapyd")
    assert node.url == "http://127.0.0.1:6800/scrapyd/"
    assert node.auth == "Basic b3BzOnMzY3JldA=="
