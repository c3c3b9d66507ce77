"""An export of the archive into a directory: `current/` and `history/`, one file per
publication year, a dataset card (`README.md`) and `manifest.json`.

Streaming: the first pass keeps a small entry per record (`crawler/export/scan.py`); each
partition is then read back in its order and written a row group at a time, so memory holds
the entries and one row group, never the archive.

Incremental and deterministic: a partition's `source` digest is made of its records' bytes in
order and of everything else that decides the file (format, profile, writer settings, versions).
`manifest.json` keeps it with the file's SHA-256; an export into an earlier one skips each
partition whose digest and file are unchanged (the file is not opened for writing, its time
not touched), writes the others to a hidden `.partial` file renamed over the old one, and
removes the files of partitions that are gone. The card and the manifest are written only
when their text changes.

Several data directories (one per edition) make one export: their records are read as one
archive (an id in two of them is an error, `IdCollision`), the partitions hold every edition's
rows in the same order, and the card and the manifest name each directory (by its folder's
name: a published card tells no path of the machine it was made on) with its edition.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from crawler import __version__
from crawler.archive import fsync_dir
from crawler.archive.sources import DataDir
from crawler.export import card
from crawler.export.files import (
    ROW_GROUP_ROWS,
    PartitionFile,
    Written,
    file_sha256,
    replace_durably,
    writer_fingerprint,
)
from crawler.export.profiles import Profile, Source
from crawler.export.scan import Entry, Lines, Scan, edition_tz, scan, sort_key

EXPORT_VERSION = 1  # raise when the same rows would give other bytes
MANIFEST = "manifest.json"
CARD = "README.md"
CONFIGS = card.CONFIGS
PARTIAL = ".partial"
# What a manifest may name: nothing outside the export's own folders.
_OUR_FILE = re.compile(r"(current|history)/[0-9A-Za-z_-]+\.(parquet|jsonl|csv)")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class ExportError(Exception):
    """An export that cannot be made as asked: one line for the user."""


@dataclass(frozen=True)
class Options:
    sources: tuple[DataDir, ...]  # one or several (crawler/archive/sources.py `resolve`)
    out: Path
    format: str
    profile: Profile
    edition: str | None = None
    since: date | None = None
    until: date | None = None

    @property
    def data_dirs(self) -> list[Path]:
        return [source.path for source in self.sources]


@dataclass
class Outcome:
    """What an export did."""

    scan: Scan
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    card_written: bool = False
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # the new manifest's files


def export(options: Options) -> Outcome:
    """Make or bring up to date the export in `options.out` (see the module's docstring).
    ExportError for what the user can fix; OSError for a write that failed."""
    for data_dir in options.data_dirs:
        if not data_dir.is_dir():
            raise ExportError(f"data directory {data_dir} does not exist")
    if options.since and options.until and options.until < options.since:
        raise ExportError(f"--until {options.until} is before --since {options.since}")
    previous = check_out(options.out, *options.data_dirs)
    found = scan(options.data_dirs, options.edition, options.since, options.until)
    if not found.current:
        raise ExportError(f"nothing to export: no article in "
                          f"{', '.join(map(str, options.data_dirs))}" + _selection_text(options))
    create_out(options.out, previous)
    outcome = Outcome(found)
    fingerprint = {"export": EXPORT_VERSION, "crawler": __version__, "format": options.format,
                   "profile": options.profile.name, **writer_fingerprint()}
    sizes: dict[str, card.ConfigFiles] = {}
    with Lines(found.files) as lines:
        for config, entries in (("current", found.current), ("history", found.history)):
            (options.out / config).mkdir(exist_ok=True)
            _clear_partials(options.out / config)
            rows = arrow = size = 0
            for year, part in sorted(_partitions(entries).items()):
                name = f"{config}/{year}.{options.format}"
                source = _source_digest(fingerprint, part)
                info = previous.get(name)
                if info is not None and _still_there(options.out / name, info, source):
                    outcome.unchanged.append(name)
                else:
                    done = _write(options, lines, options.out / name, part)
                    info = {"rows": done.rows, "bytes": done.bytes, "sha256": done.sha256,
                            "arrow_bytes": done.arrow_bytes, "source": source}
                    outcome.written.append(name)
                outcome.files[name] = info
                rows += info["rows"]
                arrow += info["arrow_bytes"]
                size += info["bytes"]
            sizes[config] = card.ConfigFiles(rows, arrow, size)
    for name in sorted(set(previous) - set(outcome.files)):
        (options.out / name).unlink(missing_ok=True)
        outcome.removed.append(name)
    selection = card.Selection(options.profile, options.format, options.edition, options.since,
                               options.until)
    sources = source_rows(options.sources, found)
    text = card.render(selection, found.current, found.history, sizes, sources)
    outcome.card_written = _write_text_if_changed(options.out / CARD, text)
    manifest = {
        "cri_crawler_export": EXPORT_VERSION,
        "format": options.format,
        "profile": options.profile.name,
        "edition": options.edition,
        "since": options.since.isoformat() if options.since else None,
        "until": options.until.isoformat() if options.until else None,
        "sources": [{"data_dir": s.name, "edition": s.edition} for s in sources],
        "writer": writer_fingerprint(),
        "files": outcome.files,
    }
    text = json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    _write_text_if_changed(options.out / MANIFEST, text)
    return outcome


def check_out(out: Path, *data_dirs: Path) -> dict[str, dict[str, Any]]:
    """Whether the export may be written to `out` (nothing is written yet); the files of the
    earlier export in it. An export never writes into a data directory, nor over a folder
    that holds anything but an earlier export."""
    target = out.resolve()
    for data_dir in data_dirs:
        archive = data_dir.resolve()
        if target == archive or archive in target.parents:
            raise ExportError(f"--out {out} is inside the data directory {data_dir}: an export "
                              "never writes there")
    if out.exists() and not out.is_dir():
        raise ExportError(f"--out {out} is not a directory")
    existing = next((p for p in (target, *target.parents) if p.exists()), Path("/"))
    if not existing.is_dir():
        raise ExportError(f"cannot write to --out {out}: {existing} is not a directory")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ExportError(f"cannot write to --out {out}: {existing} is not writable")
    if out.is_dir() and any(out.iterdir()):
        return _read_manifest(out)
    return {}


def create_out(out: Path, previous: dict[str, dict[str, Any]]) -> None:
    """The output directory, with a manifest of no files when it has none: an export cut short
    is still an export, which the next one brings up to date (rather than refusing a folder
    that is not empty)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        if not previous and not (out / MANIFEST).exists():
            _write_text_if_changed(out / MANIFEST, json.dumps(
                {"cri_crawler_export": EXPORT_VERSION, "files": {}}) + "\n")
    except OSError as exc:
        raise ExportError(f"cannot write to --out {out}: {exc.strerror or exc}") from None


def _read_manifest(out: Path) -> dict[str, dict[str, Any]]:
    path = out / MANIFEST
    not_ours = (f"--out {out} is not empty and holds no export ({MANIFEST} {{}}): give a new or "
                "empty directory, or an earlier export's")
    if not path.is_file():
        raise ExportError(not_ours.format("missing"))
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ExportError(not_ours.format("unreadable")) from None
    if not isinstance(manifest, dict) or "cri_crawler_export" not in manifest:
        raise ExportError(not_ours.format("not cri-crawler's"))
    files = manifest.get("files")
    if not isinstance(files, dict):
        return {}
    return {name: info for name, info in files.items()
            if _OUR_FILE.fullmatch(name) and isinstance(info, dict)}


def source_rows(sources: tuple[DataDir, ...], found: Scan) -> list[card.SourceRow]:
    """Each data directory with its edition and what it gave, by edition then name (the order
    of `--data-dir` changes no byte of the export)."""
    current, history = found.by_data_dir(found.current), found.by_data_dir(found.history)
    rows = [card.SourceRow(_folder_name(s.path), s.edition, current[i], history[i])
            for i, s in enumerate(sources)]
    return sorted(rows, key=lambda r: (r.edition or "", r.name))


def _folder_name(path: Path) -> str:
    return path.resolve().name or str(path)


def _partitions(entries: list[Entry]) -> dict[int, list[Entry]]:
    groups: dict[int, list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[entry.year].append(entry)
    for group in groups.values():
        group.sort(key=sort_key)
    return groups


def _source_digest(fingerprint: dict[str, Any], entries: list[Entry]) -> str:
    digest = hashlib.blake2b(json.dumps(fingerprint, sort_keys=True).encode(), digest_size=16)
    for entry in entries:
        digest.update(entry.digest)
    return digest.hexdigest()


def _still_there(path: Path, info: dict[str, Any], source: str) -> bool:
    """Whether the file of an unchanged partition is the one the manifest recorded."""
    if info.get("source") != source or not path.is_file():
        return False
    if path.stat().st_size != info.get("bytes"):
        return False
    return file_sha256(path)[0] == info.get("sha256") and all(
        isinstance(info.get(k), int) for k in ("rows", "arrow_bytes"))


def _write(options: Options, lines: Lines, final: Path, entries: list[Entry]) -> Written:
    tmp = final.with_name(f".{final.name}{PARTIAL}")
    partition = PartitionFile(tmp, options.profile, options.format)
    try:
        batch: list[tuple[Any, ...]] = []
        for entry in entries:
            record = json.loads(lines.read(entry))
            source = Source(record, _EPOCH + timedelta(microseconds=entry.published_us),
                            edition_tz(entry.edition))
            batch.append(options.profile.row(source))
            if len(batch) == ROW_GROUP_ROWS:
                partition.write(batch)
                batch = []
        if batch:
            partition.write(batch)
        written = partition.close()
    except BaseException:
        partition.abandon()
        raise
    replace_durably(tmp, final)
    return written


def _clear_partials(folder: Path) -> None:
    """Unfinished files an interrupted export left (ours by their name)."""
    for leftover in folder.glob(f".*{PARTIAL}"):
        leftover.unlink(missing_ok=True)


def _write_text_if_changed(path: Path, text: str) -> bool:
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    tmp = path.with_name(f".{path.name}{PARTIAL}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)
    return True


def _selection_text(options: Options) -> str:
    parts = []
    if options.edition:
        parts.append(f"of edition {options.edition}")
    if options.since or options.until:
        parts.append(f"published from {options.since or 'the first'} to "
                     f"{options.until or 'the last'} (Beijing dates)")
    return (" " + " ".join(parts)) if parts else ""
