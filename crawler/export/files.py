"""One partition file of an export, in each format, written the same way every time.

Parquet: zstd, row groups of `ROW_GROUP_ROWS` rows (a few MB: `datasets` streams one at a
time), statistics and the page index, content-defined chunking (an edit moves few pages, so a
release's diff and the Hub's deduplication see only what changed), the declared sort order.
The writer puts no time in a file: its `created_by` is `parquet-cpp-arrow version <pyarrow>`
and its only key-value metadata is `ARROW:schema`, so the same rows give the same bytes.

JSON Lines: one row a line with the archive's encoder (`crawler.archive.encode_line`);
`published_utc` as `2024-07-03T11:56:10Z`. CSV: a header, then one row a line (`\\n`), quoted
where needed (bodies hold newlines); an empty cell is null, lists and structs are JSON text.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from crawler.archive import encode_line, fsync_dir
from crawler.archive.jsonl import sync
from crawler.export import DEFAULT_FORMAT, FORMATS
from crawler.export.profiles import PUBLISHED_UTC, Profile, as_json_text, flat_schema

ROW_GROUP_ROWS = 1000
ZSTD_LEVEL = 9
# Columns with few distinct values: dictionary-encoded (the rest is plain: texts, ids, URLs).
DICTIONARY_COLUMNS = frozenset({
    "era", "published_source", "edition", "language", "section", "extraction",
    "crawler_version", "parser.era", "parser.selector", "domain", "source_domain",
})
SORTED_BY = ("published_utc", "id", "version")


@dataclass(frozen=True)
class Written:
    """A finished partition file."""

    rows: int
    bytes: int
    sha256: str
    arrow_bytes: int  # the rows' size in Arrow memory (the card's `num_bytes`)


def writer_fingerprint() -> dict[str, Any]:
    """Everything besides the rows that decides a file's bytes."""
    return {"pyarrow": pa.__version__, "row_group_rows": ROW_GROUP_ROWS, "zstd_level": ZSTD_LEVEL}


def file_schema(profile: Profile, fmt: str) -> pa.Schema:
    """The columns as the file holds them: CSV flattens lists and structs to JSON text."""
    return flat_schema(profile) if fmt == "csv" else profile.schema


class PartitionFile:
    """Rows of one partition into `path`, a batch (a row group) at a time."""

    def __init__(self, path: Path, profile: Profile, fmt: str) -> None:
        self.path, self.profile, self.format = path, profile, fmt
        self.schema = file_schema(profile, fmt)
        self.rows = 0
        self.arrow_bytes = 0
        self._parquet: pq.ParquetWriter | None = None
        self._text: io.TextIOWrapper | None = None
        self._binary: io.BufferedWriter | None = None
        self._csv: Any = None
        if fmt == "parquet":
            self._parquet = pq.ParquetWriter(
                path, self.schema,
                compression="zstd", compression_level=ZSTD_LEVEL,
                use_dictionary=[c for c in _leaf_paths(self.schema) if c in DICTIONARY_COLUMNS],
                write_statistics=True, store_schema=True, write_page_index=True,
                use_content_defined_chunking=True,
                sorting_columns=_sorting_columns(self.schema),
            )
        elif fmt == "jsonl":
            self._binary = open(path, "wb")  # noqa: SIM115 - closed in close()
        elif fmt == "csv":
            self._text = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
            self._csv = csv.writer(self._text, lineterminator="\n")
            self._csv.writerow(self.schema.names)
        else:
            raise ValueError(f"unknown format {fmt!r}")

    def write(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """One batch of rows (values in column order): one row group in Parquet."""
        if self.format == "csv":
            rows = [tuple(_csv_value(v) for v in row) for row in rows]
        columns = list(zip(*rows)) if rows else [[] for _ in self.schema]
        batch = pa.RecordBatch.from_arrays(
            [pa.array(values, type=f.type) for values, f in zip(columns, self.schema)],
            schema=self.schema,
        )
        self.rows += batch.num_rows
        self.arrow_bytes += batch.nbytes
        if self._parquet is not None:
            self._parquet.write_batch(batch, row_group_size=ROW_GROUP_ROWS)
        elif self._binary is not None:
            names = self.schema.names
            self._binary.write(b"".join(
                encode_line({n: _json_value(v) for n, v in zip(names, row)}) for row in rows
            ))
        else:
            self._csv.writerows((_csv_cell(v) for v in row) for row in rows)

    def close(self) -> Written:
        """Finish the file and make it durable; its size and SHA-256."""
        if self._parquet is not None:
            self._parquet.close()
        for stream in (self._binary, self._text):
            if stream is not None:
                stream.close()
        fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            sync(fd)
        finally:
            os.close(fd)
        digest, size = file_sha256(self.path)
        return Written(self.rows, size, digest, self.arrow_bytes)

    def abandon(self) -> None:
        """After a failure: close what is open and remove the unfinished file."""
        try:
            if self._parquet is not None:
                self._parquet.close()
            for stream in (self._binary, self._text):
                if stream is not None:
                    stream.close()
        except Exception:  # noqa: BLE001 - the first error is the one to report
            pass
        self.path.unlink(missing_ok=True)


def file_sha256(path: Path) -> tuple[str, int]:
    """(hex SHA-256, size) of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def replace_durably(tmp: Path, final: Path) -> None:
    os.replace(tmp, final)
    fsync_dir(final.parent)


def utc_text(value: datetime) -> str:
    """A UTC instant as ISO 8601 with `Z` (`2024-07-03T11:56:10Z`)."""
    return value.astimezone(timezone.utc).replace(tzinfo=None).isoformat() + "Z"


def _json_value(value: Any) -> Any:
    return utc_text(value) if isinstance(value, datetime) else value


def _csv_value(value: Any) -> Any:
    """A value as the CSV column holds it: lists and structs as JSON text."""
    return as_json_text(value) if isinstance(value, (list, dict)) else value


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    return utc_text(value) if isinstance(value, datetime) else value


def _leaf_paths(schema: pa.Schema) -> list[str]:
    """Paths of the flat and struct columns as Parquet names them (`parser.era`)."""
    paths = []
    for f in schema:
        if pa.types.is_struct(f.type):
            paths += [f"{f.name}.{child.name}" for child in f.type]
        elif not pa.types.is_nested(f.type):
            paths.append(f.name)
    return paths


def _sorting_columns(schema: pa.Schema) -> tuple[pq.SortingColumn, ...] | None:
    if not all(name in schema.names for name in SORTED_BY):
        return None  # the other profiles: the same order, but not columns of theirs
    return pq.SortingColumn.from_ordering(schema, [(name, "ascending") for name in SORTED_BY])


__all__ = ["DEFAULT_FORMAT", "FORMATS", "PUBLISHED_UTC", "PartitionFile", "Written", "file_schema",
           "file_sha256", "replace_durably", "utc_text", "writer_fingerprint"]
