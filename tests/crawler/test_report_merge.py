"""`cri-crawler report` over several data directories, one per edition: one page whose totals
add up, each edition's coverage on the same months with its own likely gaps (another edition's
articles never hide a hole), each edition's runs and lock, and where the page goes."""

from __future__ import annotations

import argparse
import io
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from lxml import html

from crawler.archive.jsonl import encode_line
from crawler.archive.layout import output_path
from crawler.archive.sources import resolve
from crawler.cli import main as cli_main
from crawler.report import render, report
from crawler.report.facts import collect, collect_all

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
HOSTS = {"polish": "polish.cri.cn", "esperanto": "esperanto.cri.cn"}


def article(edition: str, n: int, month: str, version: int = 1, **fields: Any) -> dict[str, Any]:
    article_id = f"ARTI{month.replace('-', '')}{n:04d}{'9' if edition == 'esperanto' else '1'}"
    return {
        "id": article_id,
        "url": f"https://{HOSTS[edition]}/{article_id}",
        "era": "E4",
        "headline": f"{edition} {n}",
        "published": f"{month}-15T10:00:00+08:00",
        "modified": None,
        "body": "Akapit.",
        "author": None,
        "edition": edition,
        "images": [],
        "video": None,
        "extraction": "api",
        "fetched_at": "2026-11-01T10:00:00+00:00",
        "version": version,
        **fields,
    }


def write_archive(data: Path, records: Iterable[dict[str, Any]]) -> None:
    path = data / output_path(date(2026, 11, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as handle:
        for record in records:
            handle.write(encode_line(record))


def write_runs(data: Path, edition: str | None, hours: Iterable[int]) -> None:
    data.mkdir(parents=True, exist_ok=True)
    with (data / "runs.jsonl").open("ab") as handle:
        for h in hours:
            started = NOW - timedelta(hours=h)
            handle.write(encode_line({
                "run": f"{started:%Y%m%dT%H%M%SZ}-{h}", "started": started.isoformat(),
                "duration_seconds": 10.0, "mode": "monitor", "finish_reason": "finished",
                "requests": 20, "edition": edition, "verdict": "healthy",
                "articles": {"new": 2, "updated": 0, "ended": {"item": 2}},
                "pages": {"articles_parsed": 2, "no_body": 0, "soft_404": 1},
                "checks": [{"name": "errors", "ok": True}],
            }))


def months(first: int, last: int) -> list[str]:
    return [f"2024-{m:02d}" for m in range(first, last + 1)]


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    """Polish every month of 2024; Esperanto from March, with August missing: 6 Polish articles
    keep the combined August well above the gap line."""
    root = tmp_path / "root"
    write_archive(root / "polish", [article("polish", n, m) for m in months(1, 12)
                                    for n in range(6)])
    write_archive(root / "polish", [article("polish", 0, "2024-02", version=2, headline="Nowy",
                                            modified="2026-11-02T10:00:00+00:00")])
    write_runs(root / "polish", "polish", [3, 2, 1])
    write_archive(root / "esperanto", [article("esperanto", n, m) for m in months(3, 12)
                                       if m != "2024-08" for n in range(6)])
    write_runs(root / "esperanto", "esperanto", [50 * 24, 5])  # the first: outside 30 days
    return root


def page(root: Path) -> html.HtmlElement:
    return html.fromstring(render(collect_all(resolve([root]), now=NOW)))


def marked(svg: html.HtmlElement) -> list[str]:
    return [g.get("data-key") for g in svg.xpath('.//g[contains(@class, "bar-group")]')
            if "marked" in (g.get("class") or "").split()]


def test_totals_add_up_and_each_edition_is_named(root: Path) -> None:
    facts = collect_all(resolve([root]), now=NOW)
    polish, esperanto = collect(root / "polish", NOW), collect(root / "esperanto", NOW)
    assert facts.archive.articles == polish.archive.articles + esperanto.archive.articles == 126
    assert facts.archive.records == 127 and len(facts.archive.edits) == 1
    assert facts.runs.total == 5 and len(facts.runs.recent) == 4
    assert facts.archive.by_month["2024-08"]["E4"] == 6
    doc = page(root)
    assert doc.findtext(".//title") == "cri-crawler report: polish, esperanto"
    meta = doc.xpath('//p[@class="meta"]')[0].text_content()
    assert f"{root / 'esperanto'} (esperanto), {root / 'polish'} (polish)" in meta
    assert doc.get_element_by_id("lock-polish").text_content() == (
        "polish: No run holds the data directory's lock now.")
    summary = dict(zip(doc.xpath("//dl/div/dt/text()"), doc.xpath("//dl/div/dd/text()"),
                       strict=True))
    assert summary["editions"] == "esperanto 54, polish 72"
    assert summary["articles"] == "126"


def test_each_edition_has_its_own_gaps_on_the_same_months(root: Path) -> None:
    doc = page(root)
    charts = doc.xpath('//svg[contains(@class, "coverage")]')
    assert len(charts) == 2  # esperanto, polish: by name, as the parent's directories
    for svg in charts:
        keys = [g.get("data-key") for g in svg.xpath('.//g[contains(@class, "bar-group")]')]
        assert keys == months(1, 12)
    esperanto, polish = charts
    # Esperanto's hole is marked, though the page's August holds six Polish articles; its
    # January and February (before its first month) are not judged.
    assert marked(esperanto) == ["2024-08"] and marked(polish) == []
    assert "2024-08 (0 articles)" in doc.get_element_by_id("gaps-esperanto").text_content()
    assert doc.get_element_by_id("gaps-polish").text_content() == (
        "No likely gap among 12 months.")
    assert len(doc.xpath('//p[@class="rule"]')) == 1


def test_each_edition_has_its_runs_of_its_own_30_days(root: Path) -> None:
    doc = page(root)
    assert len(doc.get_element_by_id("runs-table-polish").xpath("./tbody/tr")) == 3
    assert len(doc.get_element_by_id("runs-table-esperanto").xpath("./tbody/tr")) == 1
    # the runs of every edition, per month, in one table
    problems = doc.get_element_by_id("problems").xpath("./tbody/tr")
    assert [r.xpath("./td")[1].text for r in problems] == ["4", "1"]  # 2026-11, 2026-10


def test_a_data_directory_without_articles_yet(root: Path, tmp_path: Path) -> None:
    write_runs(tmp_path / "new", None, [1])  # runs, no article, no edition said
    doc = html.fromstring(render(collect_all(resolve([root / "polish", tmp_path / "new"]),
                                             now=NOW)))
    assert doc.get_element_by_id("gaps-new").text_content() == "No article in this archive yet."
    assert len(doc.get_element_by_id("runs-table-new").xpath("./tbody/tr")) == 1


def test_where_the_page_goes(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
                             ) -> None:
    # A parent given: its report.html (and the parent is still a parent afterwards).
    assert cli_main(["report", "--data-dir", str(root)]) == 0
    assert (root / "report.html").is_file()
    assert [d.path for d in resolve([root])] == [root / "esperanto", root / "polish"]
    capsys.readouterr()
    # Several given: no one home for the page, --out is needed.
    args = ["report", "--data-dir", str(root / "polish"), "--data-dir", str(root / "esperanto")]
    assert cli_main(args) == 2
    assert capsys.readouterr().err == (
        "cri-crawler: error: several --data-dir given: say where the page goes with --out FILE\n")
    out = tmp_path / "merged.html"
    assert cli_main([*args, "--out", str(out)]) == 0
    assert "esperanto" in out.read_text(encoding="utf-8")
    assert not (root / "polish" / "report.html").exists()


def test_what_cannot_be_merged_is_one_line_and_exit_2(root: Path, tmp_path: Path) -> None:
    (tmp_path / "stuff").mkdir()
    (tmp_path / "stuff" / "a.txt").write_text("x")
    err = io.StringIO()
    code = report(argparse.Namespace(data_dir=[str(root), str(tmp_path / "stuff")],
                                     out=str(tmp_path / "r.html")), err=err)
    assert code == 2 and err.getvalue().count("\n") == 1
    assert "is neither a data directory" in err.getvalue()
    assert not (tmp_path / "r.html").exists()
