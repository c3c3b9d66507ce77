"""`cri-crawler editions [--json]`: the editions of the registry, with their hosts, language,
eras, earliest year and what the dossier verifies of each (their data files say why)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from crawler.editions import EDITIONS, Edition

EXIT_OK = 0
# (title, field of `describe()`) in the table's order; `verified` last: it is the long one.
COLUMNS = (
    ("edition", "name"),
    ("language", "language"),
    ("hosts", "hosts"),
    ("eras", "eras"),
    ("earliest", "earliest_year"),
    ("verified", "verified"),
)


def describe(edition: Edition) -> dict[str, Any]:
    """One edition as the listing shows it (JSON-serialisable; the first host is canonical)."""
    return {
        "name": edition.name,
        "language": edition.language,
        "language_name": edition.language_name,
        "hosts": list(edition.hosts),
        "gateways": list(edition.gateways),
        "eras": [era.name for era in edition.eras],
        "earliest_year": edition.earliest.year,
        "verified": edition.verified,
    }


def collect() -> dict[str, Any]:
    """Every edition, in the registry's order (polish first, then by name)."""
    return {"editions": [describe(edition) for edition in EDITIONS.values()]}


def render(content: dict[str, Any]) -> str:
    """The listing as a table, one edition a line."""
    table = [[title for title, _ in COLUMNS]]
    for edition in content["editions"]:
        table.append([_cell(edition[key]) for _, key in COLUMNS])
    widths = [max(len(row[i]) for row in table) for i in range(len(COLUMNS))]
    return "\n".join(
        "  ".join(f"{cell:<{width}}" for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in table
    )


def main(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """The `editions` subcommand (args: json)."""
    out = out or sys.stdout
    content = collect()
    if args.json:
        print(json.dumps(content, ensure_ascii=False, indent=2), file=out)
    else:
        print(render(content), file=out)
    return EXIT_OK


def _cell(value: Any) -> str:
    return ", ".join(value) if isinstance(value, list) else str(value)
