"""The published JSON Schema of an output line (`crawler/data/article.schema.json`): its
edition, era, id and URL rules are derived from the registry of editions. After adding an
edition or an era, `python -m crawler.schema` writes them into the file (a test fails while
the file is stale); the rest of the file is edited by hand."""

from __future__ import annotations

import json
import re
import sys
from importlib import resources
from typing import Any

from crawler.editions import EDITIONS

SCHEMA_FILE = "data/article.schema.json"


def derived() -> dict[str, dict[str, Any]]:
    """The schema's properties that the registry decides (by name; `parser.era` is the era in
    the `parser` definition)."""
    editions = list(EDITIONS.values())
    eras = sorted({era.name for e in editions for era in e.eras})
    ids = sorted({p for e in editions for p in e.id_pattern.split("|")})
    hosts = "|".join(re.escape(e.canonical_host) for e in editions)
    return {
        "edition": {"enum": [e.name for e in editions]},
        "language": {"enum": sorted({e.language for e in editions})},
        "era": {"enum": [*eras, None]},
        "parser.era": {"enum": eras},
        "id": {"pattern": f"^({'|'.join(ids)})$"},
        "url": {"pattern": f"^https://({hosts})/[^\\s]*$"},
    }


def published() -> dict[str, Any]:
    """The schema file as the package ships it."""
    text = resources.files("crawler").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def updated(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with the registry's rules written into its properties."""
    properties = schema["properties"]
    parser = schema["$defs"]["parser"]["properties"]
    for name, rules in derived().items():
        if name.startswith("parser."):
            parser[name.removeprefix("parser.")].update(rules)
        else:
            properties[name].update(rules)
    return schema


def main() -> int:
    path = resources.files("crawler").joinpath(SCHEMA_FILE)
    text = json.dumps(updated(published()), ensure_ascii=False, indent=2) + "\n"
    with resources.as_file(path) as file:
        file.write_text(text, encoding="utf-8")
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
