"""Helpers for archive tests: input articles, crawls in a subprocess, reading and checking."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from tests.support.paths import ROOT

SCHEMA = ROOT / "crawler" / "data" / "article.schema.json"


@cache
def output_schema() -> Draft202012Validator:
    """A validator of the published output schema (crawler/data/article.schema.json)."""
    # jsonschema checks "date-time" only with an optional package; the schema's pattern already
    # fixes the form (RFC 3339), this adds the calendar (no 30 February).
    formats = FormatChecker()

    @formats.checks("date-time", raises=ValueError)
    def date_time(value: object) -> bool:
        return not isinstance(value, str) or bool(datetime.fromisoformat(value))

    return Draft202012Validator(json.loads(SCHEMA.read_text("utf-8")), format_checker=formats)


def schema_errors(records: Iterable[dict[str, Any]]) -> list[str]:
    validator = output_schema()
    return [f"{r.get('id')}: {e.message}" for r in records for e in validator.iter_errors(r)]


def article(n: int, revision: int = 0, **fields: Any) -> dict[str, Any]:
    """A valid Article record (as the spider yields it); `revision` changes its body."""
    record: dict[str, Any] = {
        "id": f"E2-{100000 + n}",
        "url": f"https://polish.cri.cn/news/china/3875/20201030/{100000 + n}.html",
        "era": "E2",
        "headline": f"Wiadomość nr {n}: Zażółć gęślą jaźń",
        "published": "2020-10-30T10:26:09+08:00",
        "published_source": "page",
        "body": f"Pierwszy akapit artykułu {n}.\n\nDrugi akapit, wersja {revision}. Łódź, źródło.",
        "edition": "polish",
        "language": "pl",
        "extraction": "html",
        "fetched_at": "2026-01-01T00:00:00+00:00",
    }
    record.update(fields)
    return record


def write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def output_files(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "articles").glob("*/*.jsonl"))


def read_archive(data_dir: Path) -> list[dict[str, Any]]:
    """Every record of the archive; fails on a line that does not parse or is not `\\n`-ended."""
    records = []
    for file in output_files(data_dir):
        data = file.read_bytes()
        assert not data or data.endswith(b"\n"), f"{file}: last line is not terminated"
        for number, line in enumerate(data.split(b"\n")[:-1], 1):
            try:
                records.append(json.loads(line))
            except ValueError as exc:  # pragma: no cover - the failure message is the point
                raise AssertionError(f"{file}:{number}: not JSON: {line[:80]!r}") from exc
    return records


def check_versions(records: Sequence[dict[str, Any]]) -> None:
    """No (id, version) twice; versions 1..n without gaps; each version's text differs."""
    pairs = Counter((r["id"], r["version"]) for r in records)
    assert [p for p, c in pairs.items() if c > 1] == []
    by_id: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        by_id.setdefault(r["id"], []).append(r)
    for article_id, versions in by_id.items():
        versions.sort(key=lambda r: r["version"])
        assert [r["version"] for r in versions] == list(range(1, len(versions) + 1)), article_id
        texts = [(r["headline"], r["body"]) for r in versions]
        assert all(a != b for a, b in pairwise(texts)), f"{article_id}: unchanged re-written"


def latest(records: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {}
    for r in records:
        if r["id"] not in result or r["version"] > result[r["id"]]["version"]:
            result[r["id"]] = r
    return result


@dataclass
class CrawlResult:
    returncode: int
    stats: dict[str, Any]
    log: str


def feed_command(data_dir: Path, input_path: Path, *extra: str, delay: float = 0,
                 shuffle: bool = False, stats_out: Path | None = None) -> list[str]:
    """The crawl command of these tests: the `feed` spider via tests/support/run_feed.py."""
    command = [sys.executable, "-m", "tests.support.run_feed", "--data-dir", str(data_dir),
               "--input", str(input_path), "--delay", str(delay)]
    if shuffle:
        command.append("--shuffle")
    if stats_out is not None:
        command += ["--stats-out", str(stats_out)]
    return command + list(extra)


def crawl_env(fault: str | None = None) -> dict[str, str]:
    drop = ("CRAWL_FAULT", "SCRAPY_SETTINGS_MODULE")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if fault:
        env["CRAWL_FAULT"] = fault
    return env


def crawl(data_dir: Path, input_path: Path, *settings: str, fault: str | None = None,
          delay: float = 0, timeout: float = 60) -> CrawlResult:
    """One complete crawl in a subprocess; settings as `NAME=VALUE`."""
    stats_out = data_dir.parent / f"stats-{os.urandom(4).hex()}.json"
    extra = [arg for s in settings for arg in ("-s", s)]
    done = subprocess.run(
        feed_command(data_dir, input_path, *extra, delay=delay, stats_out=stats_out),
        cwd=ROOT, env=crawl_env(fault), capture_output=True, text=True, timeout=timeout,
    )
    stats = json.loads(stats_out.read_text("utf-8")) if stats_out.exists() else {}
    return CrawlResult(done.returncode, stats, done.stderr)


def warc_records(data_dir: Path) -> dict[str, dict[str, Any]]:
    """Every record of the data directory's WARC files, read with warcio from start to end
    (fails on a record that does not parse), by record id: type, URI, file and offset."""
    from warcio.archiveiterator import ArchiveIterator

    found: dict[str, dict[str, Any]] = {}
    for file in sorted((data_dir / "warc").glob("*/*.warc.gz")):
        with file.open("rb") as stream:
            records = ArchiveIterator(stream, check_digests="raise")
            for record in records:
                headers = record.rec_headers
                body = record.content_stream().read()  # before the offset: that reads past it
                found[headers.get_header("WARC-Record-ID")] = {
                    "type": record.rec_type, "uri": headers.get_header("WARC-Target-URI"),
                    "refers_to": headers.get_header("WARC-Refers-To"),
                    "path": file.relative_to(data_dir).as_posix(),
                    "offset": records.get_record_offset(),
                    "body": body,
                }
    return found


def check_warc(data_dir: Path) -> dict[str, dict[str, Any]]:
    """The WARC archive is whole: every record parses, every index row names a record at its
    offset, and every archived item's `warc_record_id` is a record of the archive."""
    import sqlite3

    records = warc_records(data_dir)
    with sqlite3.connect(data_dir / "warc" / "index.sqlite3") as db:
        rows = list(db.execute("SELECT record_id, path, offset, type FROM records"))
    assert len(rows) == len(records), (len(rows), len(records))
    for record_id, path, offset, kind in rows:
        found = records[record_id]
        assert (found["path"], found["offset"], found["type"]) == (path, offset, kind)
    for item in read_archive(data_dir):
        if item.get("warc_record_id") is not None:
            assert item["warc_record_id"] in records, item["id"]
    return records
