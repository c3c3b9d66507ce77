"""The dataset card: the export's `README.md`, as the Hugging Face Hub and `datasets` read it.

A YAML header (`configs` for `current` and `history` with their data files, `dataset_info`
with every column's feature type, languages, size category) and a body made from the archive:
what the outlet is, the date range, articles per year and era, how the texts were extracted,
the fields, how to load it, and whose texts these are. Nothing in it depends on when it was
written: the same archive gives the same card.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pyarrow as pa

from crawler import __version__
from crawler.editions import EDITIONS
from crawler.eras import ERAS
from crawler.export.files import file_schema
from crawler.export.profiles import CRI, Profile
from crawler.export.scan import Entry, edition_tz
from crawler.schema import published as published_schema

CONFIGS = ("current", "history")
# ISO 639-1 -> English name, for people (an edition's language missing here shows as its code)
EXTRACTION = {  # crawler/items.py `extraction`, as the README explains it
    "api": "the platform's JSON API",
    "html": "the server-rendered page, by the era's selectors",
    "browser": "the page rendered in Chromium (a client-rendered shell)",
    "fallback": "trafilatura, where the era's selectors found no body",
}
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# Hugging Face's size categories, by the number of rows of `current`.
SIZE_CATEGORIES = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                   (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M"))


@dataclass(frozen=True)
class ConfigFiles:
    """What one configuration's files hold, for the header."""

    rows: int
    arrow_bytes: int
    file_bytes: int


@dataclass(frozen=True)
class SourceRow:
    """One data directory the export was made from (by its folder's name), and what it gave."""

    name: str
    edition: str | None
    articles: int  # rows of `current`
    versions: int  # rows of `history`


@dataclass(frozen=True)
class Selection:
    """How the export was asked for."""

    profile: Profile
    format: str
    edition: str | None
    since: date | None
    until: date | None


def render(selection: Selection, current: Sequence[Entry], history: Sequence[Entry],
           files: Mapping[str, ConfigFiles], sources: Sequence[SourceRow] = ()) -> str:
    """The whole card."""
    editions = sorted({e.edition for e in current}) or [selection.edition or "polish"]
    header = _header(selection, editions, len(current), files)
    body = _body(selection, editions, current, history, files, sources)
    return "---\n" + dump_yaml(header) + "---\n\n" + body


# -- the YAML header ---------------------------------------------------------------------------


def _header(selection: Selection, editions: list[str], rows: int,
            files: Mapping[str, ConfigFiles]) -> dict[str, Any]:
    languages = sorted({EDITIONS[name].language for name in editions if name in EDITIONS})
    schema = file_schema(selection.profile, selection.format)
    extension = selection.format
    return {
        "pretty_name": pretty_name(editions),
        "language": languages,
        "license": "other",
        "multilinguality": "monolingual" if len(languages) == 1 else "multilingual",
        "size_categories": [size_category(rows)],
        "source_datasets": ["original"],
        "task_categories": ["text-generation", "text-classification"],
        "tags": ["news", "china-radio-international"],
        "configs": [
            {
                "config_name": config,
                **({"default": True} if config == "current" else {}),
                "data_files": [{"split": "train", "path": f"{config}/*.{extension}"}],
            }
            for config in CONFIGS
        ],
        "dataset_info": [
            {
                "config_name": config,
                "features": features(schema),
                "splits": [{"name": "train", "num_bytes": files[config].arrow_bytes,
                            "num_examples": files[config].rows}],
                "download_size": files[config].file_bytes,
                "dataset_size": files[config].arrow_bytes,
            }
            for config in CONFIGS
        ],
    }


def features(schema: pa.Schema) -> list[dict[str, Any]]:
    """The columns as `dataset_info.features` (what `datasets.Features._to_yaml_list` writes)."""
    return [{"name": f.name, **_feature(f.type)} for f in schema]


def _feature(data_type: pa.DataType) -> dict[str, Any]:
    if pa.types.is_struct(data_type):
        return {"struct": [{"name": child.name, **_feature(child.type)} for child in data_type]}
    if pa.types.is_list(data_type):
        inner = _feature(data_type.value_type)
        return {"list": inner["dtype"] if set(inner) == {"dtype"} else inner}
    if pa.types.is_timestamp(data_type):
        zone = f", tz={data_type.tz}" if data_type.tz else ""
        return {"dtype": f"timestamp[{data_type.unit}{zone}]"}
    return {"dtype": str(data_type)}


def type_name(data_type: pa.DataType) -> str:
    """An Arrow type for people: `list<string>`, `struct<era: string, ...>`."""
    if pa.types.is_list(data_type):
        return f"list<{type_name(data_type.value_type)}>"
    if pa.types.is_struct(data_type):
        return "struct<" + ", ".join(f"{c.name}: {type_name(c.type)}" for c in data_type) + ">"
    return str(data_type)


def size_category(rows: int) -> str:
    for limit, name in SIZE_CATEGORIES:
        if rows < limit:
            return name
    return "n>10M"


def pretty_name(editions: Sequence[str]) -> str:
    parts = [f"{EDITIONS[n].language_name if n in EDITIONS else n} service "
             f"({EDITIONS[n].canonical_host if n in EDITIONS else n})" for n in editions]
    return "China Radio International: " + ", ".join(parts)


# -- the body ----------------------------------------------------------------------------------


def _body(selection: Selection, editions: list[str], current: Sequence[Entry],
          history: Sequence[Entry], files: Mapping[str, ConfigFiles],
          sources: Sequence[SourceRow]) -> str:
    out = [f"# {pretty_name(editions)}", ""]
    out += _outlet(editions)
    out += [
        "Two configurations:",
        "",
        f"- `current`: one row per article, its latest version ({len(current):,} rows);",
        f"- `history`: every version of every article ({len(history):,} rows). The crawler "
        "writes an article again, as version n+1, when its headline or body changes.",
        "",
    ]
    out += _contents(selection, current, history)
    out += _sources(sources)
    out += _fields(selection)
    out += _loading(selection)
    out += _files(selection, files)
    out += [
        "## Rights",
        "",
        "The headlines, texts and images are the outlet's: they belong to China Radio "
        "International, which published them. This export is a copy of pages it made public, "
        "made for research; it grants no licence to them (hence `license: other`). Check the "
        "outlet's terms and the law that applies to you (quotation, text and data mining) "
        "before republishing any of it.",
        "",
    ]
    return "\n".join(out)


def _outlet(editions: list[str]) -> list[str]:
    lines = []
    for name in editions:
        edition = EDITIONS.get(name)
        if edition is None:
            continue
        language = edition.language_name
        also = ", ".join(edition.hosts[1:])
        lines.append(
            f"Articles of the {language} service of China Radio International (CRI), the "
            f"international broadcaster of the People's Republic of China, from its website "
            f"https://{edition.canonical_host}/" + (f" (also served as {also})" if also else "")
            + f", in {language} (`{edition.language}`). Edition `{name}` of "
            f"[cri-crawler](https://github.com/cri-crawler/cri-crawler) {__version__}, which "
            "collected and cleaned them."
        )
    return [part for line in lines for part in (line, "")]  # a paragraph each


def _contents(selection: Selection, current: Sequence[Entry],
              history: Sequence[Entry]) -> list[str]:
    out = ["## Contents", ""]
    chosen: list[str] = []
    if selection.since or selection.until:
        chosen.append(f"articles published from {selection.since or 'the first'} to "
                      f"{selection.until or 'the last'} (Beijing dates, both included)")
    if selection.edition:
        chosen.append(f"edition `{selection.edition}` only")
    if chosen:
        out += [f"This export holds {' and '.join(chosen)}.", ""]
    if current:
        first = min(current, key=lambda e: e.published_us)
        last = max(current, key=lambda e: e.published_us)
        out += [f"Published from {_local(first)} to {_local(last)} (the outlet's time, "
                "Beijing, UTC+8).", ""]
    eras = sorted({e.era or "none" for e in current} | {e.era or "none" for e in history})
    by_year_era = Counter((e.year, e.era or "none") for e in current)
    versions = Counter(e.year for e in history)
    years = sorted({e.year for e in current} | set(versions))
    header = ["year", *eras, "articles", "versions"]
    rows = [[str(y), *(f"{by_year_era[(y, era)]:,}" for era in eras),
             f"{sum(by_year_era[(y, era)] for era in eras):,}", f"{versions[y]:,}"] for y in years]
    rows.append(["**all**", *(f"{sum(by_year_era[(y, era)] for y in years):,}" for era in eras),
                 f"**{len(current):,}**", f"**{len(history):,}**"])
    out += ["Articles (latest versions) per publication year (Beijing time) and era, and all "
            "versions per year:", ""]
    out += _table(header, rows)
    era_notes = [f"`{name}` {ERAS[name].years}" for name in eras if name in ERAS]
    if era_notes:
        out += ["An era is the generation of the outlet's web platform whose URL the article has "
                f"(the year the outlet used it): {', '.join(era_notes)}.", ""]
    methods = Counter(e.extraction or "none" for e in current)
    out += ["How the texts were extracted (latest versions):", ""]
    out += _table(["extraction", "articles", "meaning"],
                  [[f"`{m}`", f"{n:,}", EXTRACTION.get(m, "")] for m, n in sorted(methods.items())])
    return out


def _sources(sources: Sequence[SourceRow]) -> list[str]:
    if not sources:
        return []
    several = len(sources) > 1
    intro = ("Made from these data directories, one per edition, each crawled on its own and "
             "merged here (article ids are unique across editions):" if several else
             "Made from one data directory:")
    rows = [[f"`{s.name}`", f"`{s.edition}`" if s.edition else "-", f"{s.articles:,}",
             f"{s.versions:,}"] for s in sources]
    if several:
        rows.append(["**all**", "", f"**{sum(s.articles for s in sources):,}**",
                     f"**{sum(s.versions for s in sources):,}**"])
    return [intro, "", *_table(["data directory", "edition", "articles", "versions"], rows)]


def _fields(selection: Selection) -> list[str]:
    profile = selection.profile
    schema = file_schema(profile, selection.format)
    out = ["## Fields", ""]
    if profile is CRI:
        described = published_schema()["properties"]
        out += [f"Profile `{profile.name}`: {profile.title}; {profile.sort_note}.", ""]
        rows = [[f"`{f.name}`", f"`{type_name(f.type)}`", _one_line(
            described[f.name]["description"] if f.name in described else c.source)]
            for f, c in zip(schema, profile.columns)]
        rows = [[n, t, "`published` as a UTC timestamp (`published` keeps the outlet's offset)"
                 if n == "`published_utc`" else d] for n, t, d in rows]
        out += _table(["column", "type", "meaning"], rows)
    else:
        out += [f"Profile `{profile.name}`: {profile.title}; {profile.sort_note} (the archive's "
                "fields, which this profile does not keep). Each column and the archive field it "
                "comes from:", ""]
        out += _table(["column", "type", "from"],
                      [[f"`{f.name}`", f"`{type_name(f.type)}`", c.source]
                       for f, c in zip(schema, profile.columns)])
    if selection.format == "csv":
        out += ["In CSV an empty cell is null, and lists and structs are JSON text.", ""]
    return out


def _loading(selection: Selection) -> list[str]:
    fmt = selection.format
    pandas = {"parquet": 'pd.read_parquet("path/to/this/folder/current")',
              "jsonl": 'pd.read_json("path/to/this/folder/current/2024.jsonl", lines=True, '
                       'dtype=False)',
              "csv": 'pd.read_csv("path/to/this/folder/current/2024.csv", dtype=str, '
                     'keep_default_na=False, na_values=[""])'}[fmt]
    duckdb = {"parquet": "read_parquet", "jsonl": "read_json", "csv": "read_csv"}[fmt]
    caveat = ["`datasets` reads JSON Lines with pyarrow's type inference, which turns `published` "
              "and `modified` into times without their offset: an export in Parquet keeps them.",
              ""] if fmt == "jsonl" else []
    return [
        "## Loading",
        "",
        *caveat,
        "```python",
        "from datasets import load_dataset",
        'articles = load_dataset("path/to/this/folder", "current", split="train")  '
        "# or the Hub repository's name",
        'versions = load_dataset("path/to/this/folder", "history", split="train")',
        "",
        "import pandas as pd",
        f"current = {pandas}",
        "```",
        "",
        "```sql",
        f"SELECT * FROM {duckdb}('path/to/this/folder/current/*.{fmt}');  -- DuckDB",
        "```",
        "",
    ]


def _files(selection: Selection, files: Mapping[str, ConfigFiles]) -> list[str]:
    streaming = (" Parquet: zstd, row groups of at most 1,000 rows (a few MB) for streaming."
                 if selection.format == "parquet" else "")
    return [
        "## Files",
        "",
        f"`current/<year>.{selection.format}` and `history/<year>.{selection.format}`: one file "
        "per publication year (Beijing time), rows in a fixed order; `manifest.json` lists every "
        "file with its rows and SHA-256. The same archive gives byte-identical files, and a new "
        "export rewrites only the years whose rows changed, so two releases differ where the "
        "articles do." + streaming,
        "",
        *_table(["configuration", "rows", "bytes on disk"],
                [[c, f"{files[c].rows:,}", f"{files[c].file_bytes:,}"] for c in CONFIGS]),
    ]


def _local(entry: Entry) -> str:
    when = _EPOCH + timedelta(microseconds=entry.published_us)
    return when.astimezone(edition_tz(entry.edition)).isoformat()


def _one_line(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return [*lines, *("| " + " | ".join(row) + " |" for row in rows), ""]


# -- a small YAML writer: the header's few shapes, the same text every time ----------------------

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*")
_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


def dump_yaml(value: Any, indent: int = 0) -> str:
    """Mappings, lists, strings, integers and booleans as block YAML (strings quoted as JSON
    unless plainly safe: a JSON string is a valid YAML double-quoted scalar)."""
    return "".join(_yaml_lines(value, indent))


def _yaml_lines(value: Any, indent: int) -> Iterable[str]:
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if _is_block(item):
                yield f"{pad}{key}:\n"
                yield from _yaml_lines(item, indent + (0 if isinstance(item, list) else 2))
            else:
                yield f"{pad}{key}: {_scalar(item)}\n"
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                text = "".join(_yaml_lines(item, indent + 2))
                yield f"{pad}- {text[indent + 2:]}"
            elif _is_block(item):
                yield f"{pad}-\n"
                yield from _yaml_lines(item, indent + 2)
            else:
                yield f"{pad}- {_scalar(item)}\n"
    else:
        yield f"{pad}{_scalar(value)}\n"


def _is_block(value: Any) -> bool:
    return isinstance(value, (dict, list)) and bool(value)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (dict, list)):
        return "{}" if isinstance(value, dict) else "[]"
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _RESERVED:
        return text
    return json.dumps(text, ensure_ascii=False)
