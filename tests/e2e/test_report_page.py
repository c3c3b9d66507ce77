"""End to end: `cri-crawler report` over runs of the replica with one month of articles taken
off the site, opened in the project's Chromium (Debian's, as the browser path uses it).

The page must show the hole, render from the file alone (every other request is refused and
fails the test), log no console error, and keep a screenshot under the test's temporary
folder (`report.png`: CI keeps it as an artifact)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import ConsoleMessage, Route, sync_playwright

from crawler.settings import PLAYWRIGHT_LAUNCH_OPTIONS
from tests.replica import ReplicaServer
from tests.replica import e4 as replica_e4
from tests.replica.corpus import BEIJING
from tests.replica.server import Request, Response
from tests.support.paths import ROOT
from tests.support.run import cri_run

REMOVED = "2025-09"  # in the middle of the E4 era: months with articles on either side


def remove_month(server: ReplicaServer, month: str) -> None:
    """Every article published in `month` (Beijing) is gone from the site: its pages answer
    404 and the API says it knows no such article (the listings still name them)."""
    site = server.site

    def in_month(request: Request) -> bool:
        path = urlsplit(request.api_id).path if request.api_id else request.path
        resolved = site.resolve(path)
        return bool(resolved) and f"{resolved.article.published.astimezone(BEIJING):%Y-%m}" == month

    def gone(request: Request) -> Response:
        if request.api_id:
            return Response.json(replica_e4.failure())
        return Response.html("<html><body><h1>404</h1></body></html>", 404)

    server.overrides.add(in_month, gone)


def archive_months(data: Path) -> list[str]:
    months = {
        json.loads(line)["published"][:7]
        for path in sorted((data / "articles").glob("*/*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    }
    return sorted(months)


def test_report_marks_the_missing_month_and_renders_offline(make_replica, tmp_path: Path) -> None:
    server: ReplicaServer = make_replica(articles=300, seed=11)
    remove_month(server, REMOVED)
    data = tmp_path / "data"
    backfill = cri_run(data, server.base_url, "--since", "2025-01-01")
    assert backfill.returncode in (0, 1), backfill.stderr[-3000:]
    # Two monitoring runs: new articles, then one of them edited (a second version).
    added = [a.id for a in server.site.add_articles(3)]
    assert cri_run(data, server.base_url).returncode in (0, 1)
    assert not (data / "report.html").exists()  # CRAWLER_REPORT_AFTER_RUN is off by default
    edited = server.site.article(added[0])
    server.site.edit(added[0], headline="Poprawiony tytuł",
                     paragraphs=[*edited.paragraphs, "Aktualizacja redakcji."])
    last = cri_run(data, server.base_url, CRAWLER_REPORT_AFTER_RUN="True")
    assert last.returncode in (0, 1)
    assert "Poprawiony tytuł" in (data / "report.html").read_text(encoding="utf-8")

    months = archive_months(data)
    assert REMOVED not in months and months[0] < REMOVED < months[-1]
    out = tmp_path / "report.html"
    done = subprocess.run(
        [sys.executable, "-m", "crawler", "report", "--data-dir", str(data), "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    runs = len((data / "runs.jsonl").read_text(encoding="utf-8").splitlines())
    assert runs == 3

    url = out.resolve().as_uri()
    refused: list[str] = []
    console_errors: list[str] = []

    def only_the_file(route: Route) -> None:
        if route.request.url == url:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            console_errors.append(message.text)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**PLAYWRIGHT_LAUNCH_OPTIONS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            page.route("**/*", only_the_file)
            page.on("console", on_console)
            page.on("pageerror", lambda error: console_errors.append(str(error)))
            page.goto(url)
            page.wait_for_load_state("load")
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
            groups = page.eval_on_selector_all(
                "svg.coverage g.bar-group",
                "gs => gs.map(g => [g.dataset.key, g.classList.contains('marked')])",
            )
            run_rows = page.locator("#runs-table tbody tr").count()
            edits = page.locator("#edits-table tbody tr").all_inner_texts()
            # A phone: the page is as wide as the screen (charts and tables scroll inside).
            page.set_viewport_size({"width": 390, "height": 844})
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            page.screenshot(path=str(tmp_path / "report-phone.png"))
        finally:
            browser.close()

    assert refused == [] and console_errors == []
    assert (tmp_path / "report.png").stat().st_size > 10_000
    assert [key for key, _ in groups] == _months(months[0], months[-1])  # one group a month
    marked = [key for key, is_marked in groups if is_marked]
    assert REMOVED in marked
    assert run_rows == runs  # one row per run
    assert len(edits) == 1 and "Poprawiony tytuł" in edits[0]
    assert overflow <= 0


def _months(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out
