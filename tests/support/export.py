"""Helpers for the export tests: a generated archive of several day files, the export command
in process, and snapshots that tell whether a folder's files were touched."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Sequence
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler import cli
from crawler.archive import encode_line

PROVENANCE = ("run", "crawler_version", "parser", "content_sha256", "warc_record_id")


def e2(n: int, published: str, version: int = 1, **fields: Any) -> dict[str, Any]:
    """A valid E2 record (2020-2022), all optional fields null and no provenance keys: as the
    archive's older lines are."""
    record: dict[str, Any] = {
        "id": f"E2-{500000 + n}",
        "url": f"https://polish.cri.cn/news/china/3875/20201030/{500000 + n}.html",
        "era": "E2",
        "headline": f"Wiadomość {n}: Zażółć gęślą jaźń",
        "published": published,
        "published_source": "page",
        "modified": None,
        "body": f"Pierwszy akapit artykułu {n}.\n\nDrugi akapit, wersja {version}. Łódź.",
        "author": None,
        "edition": "polish",
        "language": "pl",
        "section": None,
        "summary": None,
        "images": [],
        "video": None,
        "extraction": "html",
        "fetched_at": "2026-01-01T08:00:00+00:00",
        "version": version,
    }
    record.update(fields)
    return record


def e4(n: int, published: str, version: int = 1, **fields: Any) -> dict[str, Any]:
    """A valid E4 record (2025-) with every field given, provenance included."""
    article_id = f"ARTI{1736294995000000 + n}"
    day = published[:10].replace("-", "/")
    record = e2(n, published, version, **{
        "id": article_id,
        "url": f"https://polish.cri.cn/{day}/{article_id}",
        "era": "E4",
        "published_source": "api",
        "author": "A. L.",
        "section": "https://polish.cri.cn/news/",
        "summary": f"Zapowiedź {n}.",
        "images": [f"https://polish.cri.cn/img/{n}.jpg", f"https://polish.cri.cn/img/{n}b.jpg"],
        "video": f"https://polish.cri.cn/video/{n}.m3u8",
        "extraction": "api",
        "fetched_at": "2026-01-02T08:00:00+00:00",
        "run": "20260102T080000Z-4242",
        "crawler_version": "0.1.0",
        "parser": {"era": "E4", "version": 1, "selector": "api:content"},
        "content_sha256": hashlib.sha256(str(n).encode()).hexdigest(),
        "warc_record_id": f"<urn:uuid:00000000-0000-0000-0000-{n:012d}>",
    })
    record.update(fields)
    return record


# Three UTC days of writing: the first holds only old E2 lines (every optional column and the
# provenance null in that file), the second E4 lines with everything, the third new versions
# (`modified` set) and new articles. Publication years 2020-2025.
DAYS: dict[str, list[dict[str, Any]]] = {
    "2026-01-01": [
        e2(1, "2020-10-30T10:26:09+08:00"),
        e2(2, "2020-12-31T23:59:59+08:00"),  # 2020 in Beijing, 2020 in UTC too
        e2(3, "2021-01-01T00:30:00+08:00"),  # 2021 in Beijing, still 2020 in UTC
        e2(4, "2021-06-01T12:00:00+08:00"),
        e2(5, "2022-03-15T08:00:00+08:00"),
    ],
    "2026-01-02": [
        e4(1, "2025-01-07T19:56:10+08:00"),
        e4(2, "2025-02-01T07:00:00+08:00"),
        e4(3, "2025-02-01T07:00:00+08:00"),  # the same instant: ordered by id
        e4(4, "2025-03-03T00:00:00+08:00"),
    ],
    "2026-01-03": [
        e2(4, "2021-06-01T12:00:00+08:00", version=2, modified="2026-01-03T09:00:00+00:00"),
        e4(2, "2025-02-01T07:00:00+08:00", version=2, modified="2025-02-02T10:00:00+08:00",
           headline="Wiadomość 2: poprawiona"),
        e4(2, "2025-02-01T07:00:00+08:00", version=3, modified="2025-02-03T10:00:00+08:00",
           headline="Wiadomość 2: poprawiona drugi raz"),
        e4(5, "2025-12-31T23:30:00+08:00", author=None, images=[]),
    ],
}


def write_archive(data_dir: Path, days: dict[str, Sequence[dict[str, Any]]] | None = None,
                  omit: Iterable[str] = PROVENANCE) -> list[dict[str, Any]]:
    """The archive of `days` (default DAYS) under `data_dir`, with the project's encoder; keys
    in `omit` are left out of records where they are null (older records lack them). Returns
    the records in file order."""
    omitted = set(omit)
    written = []
    for day, records in (days or DAYS).items():
        folder = data_dir / "articles" / day[:4]
        folder.mkdir(parents=True, exist_ok=True)
        lines = []
        for record in records:
            kept = {k: v for k, v in record.items() if not (k in omitted and v is None)}
            lines.append(encode_line(kept))
            written.append(record)
        (folder / f"{day}.jsonl").write_bytes(b"".join(lines))
    return written


@dataclass
class Ran:
    code: int
    out: str
    err: str


def export(*args: str) -> Ran:
    """`cri-crawler export ARGS` in this process."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = cli.main(["export", *args])
        except SystemExit as exc:  # argparse's own errors
            code = int(exc.code or 0)
    return Ran(code, out.getvalue(), err.getvalue())


def snapshot(folder: Path) -> dict[str, tuple[int, int, str]]:
    """Each file under `folder`: (inode, mtime_ns, SHA-256) — what writing it would change."""
    result = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            stat = path.stat()
            result[path.relative_to(folder).as_posix()] = (
                stat.st_ino, stat.st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest())
    return result
