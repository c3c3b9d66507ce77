"""`cri-crawler export` of several data directories, one per edition (crawled apart, brought
together): one dataset, the same bytes however they are named on the command line, a card that
names each, and the merges that must not be made refused in one line with nothing written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import yaml

from crawler.archive import encode_line
from tests.support.export import DAYS, e4, export, snapshot, write_archive


def eo(n: int, published: str, version: int = 1, **fields: Any) -> dict[str, Any]:
    """A valid record of the Esperanto edition (its own ARTI ids, host and language)."""
    article_id = f"ARTI{1736294995900000 + n}"
    day = published[:10].replace("-", "/")
    return e4(n, published, version, **{
        "id": article_id,
        "url": f"https://esperanto.cri.cn/{day}/{article_id}",
        "edition": "esperanto",
        "language": "eo",
        "headline": f"Novaĵo {n}: ĉiuĵaŭde",
        "section": "https://esperanto.cri.cn/news/",
        "images": [],
        **fields,
    })


ESPERANTO = {
    "2026-01-02": [eo(1, "2025-01-10T10:00:00+08:00"), eo(2, "2024-05-05T05:05:05+08:00")],
    "2026-01-05": [eo(1, "2025-01-10T10:00:00+08:00", version=2, headline="Novaĵo 1: korektita",
                      modified="2026-01-05T09:00:00+00:00")],
}


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    """DATA_ROOT/<edition>, as `cri-crawler schedule` lays the jobs' data out."""
    root = tmp_path / "root"
    write_archive(root / "polish")
    write_archive(root / "esperanto", ESPERANTO)
    return root


def rows(folder: Path) -> list[dict[str, Any]]:
    return [r for p in sorted(folder.glob("*.parquet")) for r in pq.read_table(p).to_pylist()]


def card(out: Path) -> tuple[dict[str, Any], str]:
    header, body = (out / "README.md").read_text(encoding="utf-8")[4:].split("\n---\n", 1)
    return yaml.safe_load(header), body


def test_two_editions_make_one_dataset(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    ran = export("--data-dir", str(root / "polish"), "--data-dir", str(root / "esperanto"),
                 "--out", str(out))
    assert (ran.code, ran.err) == (0, "")
    assert "12 articles (current), 16 versions (history)" in ran.out
    current, history = rows(out / "current"), rows(out / "history")
    polish = [r for day in DAYS.values() for r in day]
    esperanto = [r for day in ESPERANTO.values() for r in day]
    assert sorted((r["id"], r["version"]) for r in history) == sorted(
        (r["id"], r["version"]) for r in polish + esperanto)
    assert len({r["id"] for r in current}) == len(current) == 12
    assert {r["edition"] for r in current} == {"polish", "esperanto"}
    assert next(r for r in current if r["id"] == eo(1, "")["id"])["version"] == 2
    for config in (current, history):  # one order over both editions
        keys = [(r["published_utc"], r["id"], r["version"]) for r in config]
        assert keys == sorted(keys)
    header, body = card(out)
    assert header["language"] == ["eo", "pl"] and header["multilinguality"] == "multilingual"
    assert "Esperanto service of China Radio International" in body
    assert "Polish service of China Radio International" in body
    assert "| data directory | edition | articles | versions |" in body
    assert "| `esperanto` | `esperanto` | 2 | 3 |" in body
    assert "| `polish` | `polish` | 10 | 13 |" in body
    assert "| **all** |  | **12** | **16** |" in body
    assert str(tmp_path) not in body  # folders by name: no path of this machine is published
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sources"] == [
        {"data_dir": "esperanto", "edition": "esperanto"},
        {"data_dir": "polish", "edition": "polish"},
    ]


def test_a_parent_or_any_order_gives_the_same_bytes_and_again_touches_nothing(
    root: Path, tmp_path: Path
) -> None:
    by_parent, by_order = tmp_path / "by-parent", tmp_path / "by-order"
    ran = export("--data-dir", str(root), "--out", str(by_parent))
    assert ran.code == 0, ran.err
    ran = export("--data-dir", str(root / "esperanto"), "--data-dir", str(root / "polish"),
                 "--out", str(by_order))
    assert ran.code == 0, ran.err
    assert {k: v[2] for k, v in snapshot(by_parent).items()} == {
        k: v[2] for k, v in snapshot(by_order).items()
    }
    before = snapshot(by_parent)
    again = export("--data-dir", str(root / "polish"), "--data-dir", str(root / "esperanto"),
                   "--out", str(by_parent))
    assert "0 files written, 10 unchanged, 0 removed; card unchanged" in again.out
    assert snapshot(by_parent) == before


def test_one_edition_of_a_merge(root: Path, tmp_path: Path) -> None:
    ran = export("--data-dir", str(root), "--out", str(tmp_path / "out"), "--edition", "esperanto")
    assert ran.code == 0 and "2 articles (current), 3 versions (history)" in ran.out
    assert {r["edition"] for r in rows(tmp_path / "out" / "current")} == {"esperanto"}


def test_an_id_in_two_data_directories_is_refused_and_nothing_written(
    root: Path, tmp_path: Path
) -> None:
    # An Esperanto record under a Polish article's id (ARTI ids are platform-wide: it cannot
    # happen unless the directories were mixed up).
    stolen = e4(2, "2025-02-01T07:00:00+08:00")["id"]
    day = root / "esperanto" / "articles" / "2026" / "2026-01-05.jsonl"
    offset = day.stat().st_size
    with day.open("ab") as stream:
        stream.write(encode_line(eo(3, "2025-02-01T07:00:00+08:00", id=stolen,
                                    url=f"https://esperanto.cri.cn/2025/02/01/{stolen}")))
    polish_day = root / "polish" / "articles" / "2026" / "2026-01-02.jsonl"
    polish_offset = polish_day.read_bytes().index(f'{{"id":"{stolen}"'.encode())
    before = snapshot(root)
    out = tmp_path / "out"
    ran = export("--data-dir", str(root), "--out", str(out))
    assert (ran.code, ran.out) == (2, "")
    assert ran.err == (
        f"cri-crawler: error: article {stolen} is in two data directories: {day} at byte "
        f"{offset} and {polish_day} at byte {polish_offset}; ids must be unique across the "
        "merged editions, nothing exported\n"
    )
    assert not out.exists() and snapshot(root) == before


def test_two_data_directories_of_one_edition_are_refused(root: Path, tmp_path: Path) -> None:
    copy = tmp_path / "backup" / "polish"
    shutil.copytree(root / "polish", copy)
    ran = export("--data-dir", str(root), "--data-dir", str(copy), "--out", str(tmp_path / "out"))
    assert (ran.code, ran.err) == (
        2,
        f"cri-crawler: error: data directories {root / 'polish'} and {copy} both hold edition "
        "polish: give one data directory per edition (the same articles would be in both, "
        "their versions numbered apart)\n",
    )
    assert not (tmp_path / "out").exists()


def test_a_directory_that_is_no_data_directory_is_one_line(root: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "todo.txt").write_text("not an archive")
    ran = export("--data-dir", str(root), "--data-dir", str(notes), "--out", str(tmp_path / "out"))
    assert (ran.code, ran.err) == (
        2,
        f"cri-crawler: error: {notes} is neither a data directory (no articles, state.sqlite3, "
        "runs.jsonl) nor a parent of data directories\n",
    )


def test_out_inside_any_of_the_data_directories_is_refused(root: Path) -> None:
    out = root / "esperanto" / "export"
    ran = export("--data-dir", str(root), "--out", str(out))
    assert (ran.code, ran.err) == (
        2,
        f"cri-crawler: error: --out {out} is inside the data directory {root / 'esperanto'}: "
        "an export never writes there\n",
    )
    assert not out.exists()
