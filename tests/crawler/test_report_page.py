"""`cri-crawler report` (crawler/report/): the facts gathered by streaming a data directory,
and the page they make, on small archives and run histories written here."""

from __future__ import annotations

import argparse
import io
import json
import os
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from lxml import html

from crawler.archive import lock
from crawler.archive.jsonl import encode_line
from crawler.archive.layout import RUN_LOCK, output_path, warc_path
from crawler.cli import main as cli_main
from crawler.report import facts as collecting
from crawler.report import refresh_after_run, render, report, write_report
from crawler.report.facts import (
    EXTRACTION_METHODS,
    collect,
    likely_gaps,
    month_of,
    months_between,
)
from crawler.report.page import month_labels
from crawler.validation import EXTRACTIONS

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


def article(article_id: str, published: str, **fields: Any) -> dict[str, Any]:
    """An archive record (the fields the report reads, `id` first as the store writes it)."""
    return {
        "id": article_id,
        "url": f"https://polish.cri.cn/{article_id}",
        "era": "E4",
        "headline": f"Nagłówek {article_id}",
        "published": published,
        "modified": None,
        "body": "Akapit.",
        "author": None,
        "edition": "polish",
        "images": [],
        "video": None,
        "extraction": "api",
        "fetched_at": "2026-11-01T10:00:00+00:00",
        "version": 1,
        **fields,
    }


def write_archive(data: Path, records: Iterable[dict[str, Any]], day: str = "2026-11-01") -> Path:
    path = data / output_path(datetime.fromisoformat(day).date())
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as handle:
        for record in records:
            handle.write(encode_line(record))
    return path


def run_report(started: datetime, verdict: str = "healthy", **fields: Any) -> dict[str, Any]:
    return {
        "run": f"{started:%Y%m%dT%H%M%SZ}-1",
        "started": started.isoformat(timespec="seconds"),
        "duration_seconds": 12.5,
        "mode": "monitor",
        "finish_reason": "finished",
        "requests": 30,
        "articles": {"new": 10, "updated": 1, "ended": {"item": 11, "failed/http_404": 2}},
        "pages": {"articles_parsed": 11, "no_body": 1, "soft_404": 3},
        "verdict": verdict,
        "checks": [{"name": "errors", "ok": True}]
        + ([{"name": "fallback_share", "ok": False}] if verdict != "healthy" else []),
        **fields,
    }


def write_runs(data: Path, reports: Iterable[dict[str, Any]], extra: bytes = b"") -> None:
    with (data / "runs.jsonl").open("ab") as handle:
        for one in reports:
            handle.write(encode_line(one))
        handle.write(extra)


def page_of(data: Path) -> html.HtmlElement:
    return html.fromstring(render(collect(data, now=NOW)))


def monthly(
    year_months: Iterable[str], per_month: int, skip: str | None = None
) -> list[dict[str, Any]]:
    return [
        article(f"ARTI{month}-{n}", f"{month}-15T10:00:00+08:00")
        for month in year_months
        if month != skip
        for n in range(per_month)
    ]


# -- the empty and the missing data directory ----------------------------------------------------


def test_an_empty_data_directory_is_a_page_saying_nothing_yet(tmp_path: Path) -> None:
    out = io.StringIO()
    code = report(argparse.Namespace(data_dir=str(tmp_path), out=None), out=out)
    assert code == 0
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Nothing here yet" in page and str(tmp_path / "report.html") in out.getvalue()
    assert "<script" not in page


def test_a_missing_data_directory_is_one_line_and_exit_2(tmp_path: Path) -> None:
    err = io.StringIO()
    code = report(argparse.Namespace(data_dir=str(tmp_path / "nope"), out=None), err=err)
    assert code == 2 and err.getvalue().count("\n") == 1 and "does not exist" in err.getvalue()


def test_the_command_line_writes_where_told(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_archive(tmp_path, monthly(["2025-01"], 2))
    out = tmp_path / "pages" / "r.html"
    assert cli_main(["report", "--data-dir", str(tmp_path), "--out", str(out)]) == 0
    assert out.exists() and not (tmp_path / "report.html").exists()
    assert f"report written to {out}" in capsys.readouterr().out
    assert [p.name for p in out.parent.iterdir()] == ["r.html"]  # no temporary file left


# -- coverage and gaps ---------------------------------------------------------------------------


def test_one_bar_group_per_month_and_the_hole_marked(tmp_path: Path) -> None:
    months = months_between("2024-01", "2025-06")
    write_archive(tmp_path, monthly(months, 8, skip="2024-09"))
    page = page_of(tmp_path)
    groups = page.xpath('//svg[contains(@class, "coverage")]//g[contains(@class, "bar-group")]')
    assert [g.get("data-key") for g in groups] == months
    marked = [g.get("data-key") for g in groups if "marked" in g.get("class").split()]
    assert marked == ["2024-09"]
    assert "2024-09 (0 articles)" in page.get_element_by_id("gaps").text_content()
    assert "fewer than 25% of the median" in page.text_content()  # the rule is said


@pytest.mark.parametrize(
    ("counts", "gaps"),
    [
        ([8, 8, 8, 1, 8, 8, 8], [3]),  # 1 < a quarter of 8
        ([8, 8, 8, 2, 8, 8, 8], []),  # 2 is a quarter of 8: not fewer
        ([8, 8, 0, 0, 8, 8], [2, 3]),  # two months missing side by side
        ([0, 8, 8, 8, 8, 0], []),  # the first and the last month are not judged
        ([3, 3, 3, 0, 3, 3, 3], []),  # a median under 4: too thin to tell
        ([4, 4, 4, 0, 4, 4, 4], [3]),  # ... from 4 on it can
        ([1, 0, 2, 0, 1, 0, 1], []),  # a sparse era is no gap
        ([], []),
        ([5], []),
    ],
)
def test_the_gap_rule(counts: list[int], gaps: list[int]) -> None:
    assert likely_gaps(counts) == gaps


def test_months_between_and_month_of() -> None:
    assert months_between("2024-11", "2025-02") == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert months_between("2025-02", "2025-02") == ["2025-02"]
    # the Beijing date: 23:30 on the 31st in Beijing is that month, whatever UTC says
    assert month_of("2024-07-31T23:30:00+08:00") == "2024-07"
    assert [month_of(v) for v in (None, "", "2024", "2024-13-01", 20240701)] == [None] * 5


def test_month_labels_thin_out_with_the_months() -> None:
    assert month_labels(["2025-01", "2025-02"]) == {0: "2025-01", 1: "2025-02"}
    years = months_between("2005-01", "2024-12")
    labels = month_labels(years)
    assert set(labels.values()) <= {str(y) for y in range(2005, 2025)}
    assert len(labels) < 20 and all(years[i].endswith("-01") for i in labels)


def test_each_article_counts_once_by_era_method_and_fields(tmp_path: Path) -> None:
    write_archive(tmp_path, [
        article("A", "2025-03-01T08:00:00+08:00", author="A. L.", images=["i.jpg"]),
        article("B", "2025-03-02T08:00:00+08:00", era="E3", extraction="html", video="v.m3u8"),
        article("C", "2025-04-02T08:00:00+08:00", extraction="fallback"),
        article("D", "not a date"),
    ])
    write_archive(tmp_path, [article("A", "2025-03-01T08:00:00+08:00", version=2, body="Nowy.")],
                  day="2026-11-02")
    facts = collect(tmp_path, now=NOW).archive
    assert (facts.articles, facts.records, facts.undated) == (4, 5, 1)
    assert facts.by_month == {"2025-03": {"E4": 1, "E3": 1}, "2025-04": {"E4": 1}}
    assert facts.methods == {"2025-03": {"api": 1, "html": 1}, "2025-04": {"fallback": 1}}
    assert dict(facts.fields["E4"]) == {"articles": 3, "author": 1, "images": 1}
    assert dict(facts.fields["E3"]) == {"articles": 1, "video": 1}


def test_the_page_knows_every_extraction_method() -> None:
    assert set(EXTRACTION_METHODS) == EXTRACTIONS


# -- edits ---------------------------------------------------------------------------------------


def test_edits_latest_first_with_what_changed(tmp_path: Path) -> None:
    write_archive(tmp_path, [
        article("A", "2025-03-01T08:00:00+08:00", body="x" * 100),
        article("B", "2025-03-02T08:00:00+08:00", headline="Stary", body="y" * 50),
        article("C", "2025-03-03T08:00:00+08:00"),
    ])
    write_archive(tmp_path, [
        article("A", "2025-03-01T08:00:00+08:00", version=2, body="x" * 120,
                modified="2026-11-02T09:00:00+00:00"),
        article("B", "2025-03-02T08:00:00+08:00", version=2, headline="Nowy", body="y" * 40,
                modified="2026-11-02T10:00:00+00:00"),
        article("A", "2025-03-01T08:00:00+08:00", version=3, body="x" * 90,
                modified="2026-11-03T08:00:00+00:00"),
    ], day="2026-11-03")
    facts = collect(tmp_path, now=NOW).archive
    assert facts.articles == 3
    assert [(e.id, e.version) for e in facts.edits] == [("A", 3), ("B", 2)]
    a, b = facts.edits
    assert (a.body_chars_before, a.body_chars, a.headline_changed) == (120, 90, False)
    assert (b.headline_before, b.headline) == ("Stary", "Nowy")
    assert (b.body_chars_before, b.body_chars) == (50, 40)
    rows = page_of(tmp_path).get_element_by_id("edits-table").xpath("./tbody/tr")
    assert len(rows) == 2
    assert "120 → 90 chars (-30)" in rows[0].text_content()
    assert rows[1].xpath(".//del")[0].text == "Stary"


def test_an_edit_whose_first_version_is_gone_counts_once(tmp_path: Path) -> None:
    # Version 1 was quarantined (`cri-crawler check --repair`): the article still counts, once.
    write_archive(tmp_path, [article("A", "2025-05-01T08:00:00+08:00", version=2,
                                     extraction="html")])
    facts = collect(tmp_path, now=NOW).archive
    assert facts.articles == 1 and facts.methods == {"2025-05": {"html": 1}}
    assert not facts.edits[0].found_before
    assert "version before not in the archive" in page_of(tmp_path).text_content()


def test_only_the_edited_articles_lines_are_read_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_archive(tmp_path, monthly(months_between("2025-01", "2025-12"), 10))
    write_archive(tmp_path, [article("ARTI2025-03-1", "2025-03-15T10:00:00+08:00", version=2)],
                  day="2026-11-02")
    parsed: list[bytes] = []
    original = collecting.decode_line

    def counting(line: bytes) -> dict[str, Any] | None:
        parsed.append(line)
        return original(line)

    monkeypatch.setattr(collecting, "decode_line", counting)
    facts = collecting.read_archive(tmp_path)
    assert facts.records == 121
    assert len(parsed) == 121 + 2  # the second pass parses that article's two lines only


def test_damaged_and_unfinished_archive_lines_are_skipped(tmp_path: Path) -> None:
    path = write_archive(tmp_path, monthly(["2025-01"], 3))
    with path.open("ab") as handle:
        handle.write(b"{not json\n")
        handle.write(b'{"id":"cut","published":"2025-01-0')  # a write under way: no newline
    facts = collect(tmp_path, now=NOW).archive
    assert (facts.articles, facts.damaged_lines) == (3, 1)
    assert "1 line of the archive could not be read" in page_of(tmp_path).text_content()


# -- runs ----------------------------------------------------------------------------------------


def test_runs_of_the_last_30_days_one_row_each_newest_first(tmp_path: Path) -> None:
    newest = datetime(2026, 11, 30, 10, 0, tzinfo=timezone.utc)
    old = [run_report(newest - timedelta(days=40 + d)) for d in range(3)]
    recent = [run_report(newest - timedelta(hours=h), verdict="unhealthy" if h == 5 else "healthy")
              for h in range(30, -1, -5)]
    write_runs(tmp_path, old + recent)
    page = page_of(tmp_path)
    rows = page.get_element_by_id("runs-table").xpath("./tbody/tr")
    assert len(rows) == len(recent) == 7
    assert rows[0].xpath("./td")[0].text == "2026-11-30 10:00 UTC"
    unhealthy = [r for r in rows if "unhealthy" in r.text_content()]
    assert len(unhealthy) == 1 and "fallback_share" in unhealthy[0].text_content()
    assert "3.0" in rows[0].text_content()  # 30 requests / 10 new
    groups = page.xpath('//svg[contains(@class, "runs")]//g[contains(@class, "bar-group")]')
    assert len(groups) == 7 and sum("marked" in g.get("class") for g in groups) == 1


def test_a_damaged_runs_line_is_skipped_and_counted(tmp_path: Path) -> None:
    start = datetime(2026, 11, 29, tzinfo=timezone.utc)
    write_runs(tmp_path, [run_report(start)], extra=b'{"run": "cut in the mid\n')
    write_runs(tmp_path, [run_report(start + timedelta(hours=1))])
    facts = collect(tmp_path, now=NOW).runs
    assert (facts.total, facts.damaged_lines) == (2, 1)
    page = page_of(tmp_path)
    assert "1 line of runs.jsonl could not be read and was skipped" in page.text_content()
    assert len(page.get_element_by_id("runs-table").xpath("./tbody/tr")) == 2


def test_problems_per_month_of_the_runs(tmp_path: Path) -> None:
    write_runs(tmp_path, [
        run_report(datetime(2026, 9, 3, tzinfo=timezone.utc)),
        run_report(datetime(2026, 11, 3, tzinfo=timezone.utc)),
        run_report(datetime(2026, 11, 4, tzinfo=timezone.utc)),
    ])
    by_month = collect(tmp_path, now=NOW).runs.by_month
    assert by_month["2026-11"]["no_body"] == 2 and by_month["2026-11"]["soft_404"] == 6
    assert by_month["2026-11"]["gone"] == 4 and by_month["2026-09"]["runs"] == 1
    page = page_of(tmp_path)
    groups = page.xpath('//svg[contains(@class, "problems")]//g[contains(@class, "bar-group")]')
    assert [g.get("data-key") for g in groups] == ["2026-09", "2026-10", "2026-11"]


def test_the_lock_holder_is_named(tmp_path: Path) -> None:
    held = lock.acquire(tmp_path, tmp_path / RUN_LOCK)
    try:
        text = page_of(tmp_path).get_element_by_id("lock").text_content()
    finally:
        held.release()
    assert f"run.lock is held by pid {os.getpid()}" in text
    assert "No run holds" in page_of(tmp_path).get_element_by_id("lock").text_content()


# -- WARC, escaping, refresh ---------------------------------------------------------------------


def test_warc_size_per_month_of_writing(tmp_path: Path) -> None:
    write_archive(tmp_path, monthly(["2025-01"], 1))
    for day, size in (("2026-09-30", 1000), ("2026-11-01", 2000), ("2026-11-02", 3000)):
        path = tmp_path / warc_path(datetime.fromisoformat(day).date())
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"w" * size)
    warc = collect(tmp_path, now=NOW).warc
    assert warc is not None and warc.by_month == {"2026-09": 1000, "2026-11": 5000}
    groups = page_of(tmp_path).xpath(
        '//svg[contains(@class, "warc")]//g[contains(@class, "bar-group")]'
    )
    assert [g.get("data-key") for g in groups] == ["2026-09", "2026-10", "2026-11"]
    assert collect(tmp_path / "nothing-here", now=NOW).warc is None


def test_text_from_the_archive_is_escaped(tmp_path: Path) -> None:
    evil = '<script>alert("x")</script>'
    write_archive(tmp_path, [article("A", "2025-01-01T08:00:00+08:00", headline="a"),
                             article("A", "2025-01-01T08:00:00+08:00", version=2, headline=evil)])
    text = render(collect(tmp_path, now=NOW))
    assert "<script" not in text and "&lt;script&gt;" in text


def test_refresh_after_run_writes_the_page_and_never_raises(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_archive(tmp_path, monthly(["2025-01"], 1))
    refresh_after_run(tmp_path)
    assert (tmp_path / "report.html").exists()
    (tmp_path / "report.html").unlink()
    (tmp_path / "report.html").mkdir()  # cannot be replaced by a file
    refresh_after_run(tmp_path)
    assert "warning: report not written" in capsys.readouterr().err


def test_write_report_default_place_and_size(tmp_path: Path) -> None:
    write_runs(tmp_path, [run_report(datetime(2026, 11, 29, tzinfo=timezone.utc))])
    path, size = write_report(tmp_path)
    assert path == tmp_path / "report.html" and size == path.stat().st_size
    assert json.loads((tmp_path / "runs.jsonl").read_text().splitlines()[0])["verdict"] == "healthy"
