"""The report page: the facts of a data directory (`facts.py`) as one self-contained HTML
file, rendered by Jinja (`templates/report.html`, autoescaped), charts as inline SVG
(`crawler/svg.py`), its style inline, no script, no font or image from anywhere.

A page over several data directories (one per edition) has the same sections: totals, how
articles were read, edits, field coverage and the WARC archive summed over them; coverage (each
edition's chart on the same months, its likely gaps judged on its own months: another edition's
articles never hide a hole) and runs (each edition's own 30 days and lock) per directory."""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from crawler import __version__
from crawler.eras import ERAS
from crawler.report.facts import (
    EXTRACTION_METHODS,
    FIELDS,
    GAP_MIN_MEDIAN,
    GAP_NEIGHBOURS,
    GAP_SHARE,
    RUN_WINDOW,
    UNKNOWN,
    ArchiveFacts,
    Edit,
    Facts,
    Part,
    RunFacts,
    RunRow,
    likely_gaps,
    months_between,
)
from crawler.svg import PLOT_WIDTH, Group, Series, grouped_bars, stacked_bars

EDITS_SHOWN = 100  # rows of the edits table; the page says how many there are in all

# Okabe-Ito colours: told apart with the common colour-vision deficiencies, and in print.
ERA_COLOURS = ("#E69F00", "#009E73", "#CC79A7", "#0072B2")
METHOD_COLOURS = {"api": "#0072B2", "html": "#009E73", "browser": "#CC79A7", "fallback": "#D55E00"}
GREY = "#999999"

ERA_SERIES = [
    Series(name, f"{name} ({era.years})", ERA_COLOURS[i % len(ERA_COLOURS)])
    for i, (name, era) in enumerate(ERAS.items())
]
METHOD_SERIES = [Series(m, m, METHOD_COLOURS[m]) for m in EXTRACTION_METHODS]
PROBLEM_SERIES = [
    Series("no_body", "no body", "#E69F00"),
    Series("soft_404", "soft 404", "#CC79A7"),
    Series("gone", "gone (404/410)", "#D55E00"),
]
RUN_SERIES = [Series("new", "new", "#0072B2"), Series("updated", "updated", "#56B4E9")]
FIELD_SERIES = [
    Series("author", "author", "#0072B2"),
    Series("images", "images", "#009E73"),
    Series("video", "video", "#E69F00"),
]
WARC_SERIES = [Series("bytes", "MB", "#0072B2")]


def environment() -> Environment:
    return Environment(
        loader=PackageLoader("crawler.report", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(facts: Facts) -> str:
    """The whole page."""
    return environment().get_template("report.html").render(**context(facts))


def write(facts: Facts, out: Path) -> int:
    """Write the page to `out` at once (a temporary file renamed over it, so that a reader
    never sees half a page); its size in bytes."""
    data = render(facts).encode("utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(name, 0o644)
        os.replace(name, out)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return len(data)


# -- the view ------------------------------------------------------------------------------------


def context(facts: Facts) -> dict[str, Any]:
    archive = facts.archive
    edition = ", ".join(e for e, _ in archive.editions.most_common() if e != UNKNOWN)
    parts = facts.parts if facts.several else []
    return {
        "version": __version__,
        "edition": edition,
        "data_dir": str(facts.data_dir),
        "several": facts.several,
        "sources": [
            {"name": p.name, "data_dir": str(p.data_dir), "suffix": _suffix(p),
             "lock": {"text": lock_line(p.lock), "held": bool(p.lock.get("held"))}}
            for p in parts
        ],
        "generated": _when(facts.generated),
        "empty": facts.empty,
        "lock": {"text": lock_line(facts.lock), "held": bool(facts.lock.get("held"))},
        "summary": summary(facts),
        "notes": notes(facts),
        "coverages": coverages(facts),
        "coverage_legend": _with_unknown(
            ERA_SERIES, {e for c in archive.by_month.values() for e in c}),
        "gap_rule": GAP_RULE,
        "reading": reading(facts),
        "run_parts": run_parts(facts),
        "edits": {
            "rows": [edit_row(e) for e in archive.edits[:EDITS_SHOWN]],
            "total": len(archive.edits),
            "shown": min(len(archive.edits), EDITS_SHOWN),
        },
        "fields": fields_view(facts),
        "warc": warc_view(facts),
    }


def summary(facts: Facts) -> list[tuple[str, str]]:
    archive, runs = facts.archive, facts.runs
    months = archive.months()
    items = [
        ("articles", _n(archive.articles)),
        ("versions stored", _n(archive.records)),
        ("edited articles", _n(len(archive.edits))),
        ("months", f"{months[0]} to {months[-1]}" if months else "none"),
        ("runs", _n(runs.total)),
    ]
    if runs.newest is not None:
        newest = runs.newest
        ago = _ago(facts.generated, newest.started)
        items.append(("newest run", f"{_when(newest.started)} ({ago}), {newest.verdict or '?'}"))
    if facts.warc is not None:
        items.append(("WARC archive", _size(facts.warc.total_bytes + facts.warc.index_bytes)))
    if facts.several:
        items.insert(0, ("editions", ", ".join(
            f"{p.name} {_n(p.archive.articles)}" for p in facts.parts)))
    return items


def notes(facts: Facts) -> list[str]:
    out = []
    if facts.runs.damaged_lines:
        n = facts.runs.damaged_lines
        out.append(f"{_n(n)} line{'s' if n != 1 else ''} of runs.jsonl could not be read and "
                   f"{'were' if n != 1 else 'was'} skipped.")
    if facts.archive.damaged_lines:
        n = facts.archive.damaged_lines
        out.append(f"{_n(n)} line{'s' if n != 1 else ''} of the archive could not be read and "
                   f"{'were' if n != 1 else 'was'} skipped: `cri-crawler check` finds and "
                   "repairs them.")
    if facts.archive.undated:
        out.append(f"{_n(facts.archive.undated)} articles have no readable publication month "
                   "and are left out of the monthly charts.")
    return out


def lock_line(lock: Mapping[str, Any]) -> str:
    if not lock.get("held"):
        return "No run holds the data directory's lock now."
    pid = f" by pid {lock['pid']}" if lock.get("pid") else ""
    return f"A run is going on: {lock.get('file')} is held{pid}."


GAP_RULE = (
    f"A month is marked as a likely gap when it holds fewer than {GAP_SHARE:.0%} of the "
    f"median of the months around it (up to {GAP_NEIGHBOURS} on either side), and that "
    f"median is at least {GAP_MIN_MEDIAN} articles. The first and the last month are "
    "not judged: an archive starts, and a month is under way, part-way through."
)


def coverages(facts: Facts) -> list[dict[str, Any]]:
    """The coverage chart of the archive; of several data directories, one per directory on
    the months of them all (an edition without articles: a chart of None)."""
    if not facts.several:
        view = coverage(facts)
        return [view] if view is not None else []
    months = facts.archive.months()
    if not months:
        return []
    views = []
    for part in facts.parts:
        view = coverage_of(part.archive, months) or {"chart": None, "gaps": [], "months": 0}
        views.append({**view, "title": f"{part.name} ({part.data_dir})", "suffix": _suffix(part)})
    return views


def coverage(facts: Facts) -> dict[str, Any] | None:
    return coverage_of(facts.archive)


def coverage_of(archive: ArchiveFacts, months: list[str] | None = None) -> dict[str, Any] | None:
    """One archive's coverage chart, on `months` (default: its own, first to last); its gaps
    judged on its own months only."""
    own = archive.months()
    if not own:
        return None
    months = months or own
    series = _with_unknown(ERA_SERIES, {e for c in archive.by_month.values() for e in c})
    counts = [sum(archive.by_month.get(m, Counter()).values()) for m in months]
    start = months.index(own[0])
    gaps = {start + i for i in likely_gaps(counts[start : start + len(own)])}
    groups = []
    for i, month in enumerate(months):
        per_era = archive.by_month.get(month, Counter())
        detail = ", ".join(f"{s.key} {per_era[s.key]}" for s in series if per_era[s.key])
        title = f"{month}: {_n(counts[i])} article{'s' if counts[i] != 1 else ''}"
        title += f" ({detail})" if detail else ""
        title += " - likely gap" if i in gaps else ""
        groups.append(Group(month, dict(per_era), title, marked=i in gaps, classes=("month",)))
    chart = stacked_bars(groups, series, label="Articles per month of publication, by era",
                         x_labels=month_labels(months), css_class="coverage")
    return {
        "chart": chart,
        "legend": series,
        "months": len(own),
        "gaps": [{"month": months[i], "articles": counts[i]} for i in sorted(gaps)],
        "rule": GAP_RULE,
        "title": None,
        "suffix": "",
    }


def reading(facts: Facts) -> dict[str, Any] | None:
    archive, runs = facts.archive, facts.runs
    months = archive.months()
    out: dict[str, Any] = {}
    if months:
        series = _with_unknown(METHOD_SERIES, {m for c in archive.methods.values() for m in c})
        groups = []
        for month in months:
            methods = archive.methods.get(month, Counter())
            total = sum(methods.values())
            detail = ", ".join(
                f"{s.key} {methods[s.key] / total:.0%}" for s in series if methods[s.key]
            )
            groups.append(Group(month, dict(methods), f"{month}: {detail or 'no articles'}",
                                classes=("month",)))
        out["methods"] = stacked_bars(
            groups, series, label="Share of articles by extraction method, per month of "
            "publication", x_labels=month_labels(months), percent=True, css_class="methods")
        out["methods_legend"] = series
    if runs.by_month:
        run_months = months_between(min(runs.by_month), max(runs.by_month))
        groups = []
        rows = []
        for month in run_months:
            c = runs.by_month.get(month, Counter())
            groups.append(Group(month, {s.key: c[s.key] for s in PROBLEM_SERIES},
                                f"{month}: {_n(c['runs'])} runs, no body {c['no_body']}, "
                                f"soft 404 {c['soft_404']}, gone {c['gone']}",
                                classes=("run-month",)))
            rows.append({"month": month, **{k: _n(c[k]) for k in (
                "runs", "unhealthy", "parsed", "no_body", "soft_404", "gone", "new", "updated")}})
        out["problems"] = grouped_bars(
            groups, PROBLEM_SERIES, label="Pages without a body, soft 404s and gone articles "
            "per month of the runs", x_labels=month_labels(run_months), css_class="problems")
        out["problems_legend"] = PROBLEM_SERIES
        out["problem_rows"] = list(reversed(rows))
    return out or None


def run_parts(facts: Facts) -> list[dict[str, Any]]:
    """The runs section: of the data directory, or of each of several with its lock."""
    if not facts.several:
        return [{"title": None, "suffix": "", "runs": runs_view(facts),
                 "lock": {"text": lock_line(facts.lock), "held": bool(facts.lock.get("held"))}}]
    return [
        {"title": f"{part.name} ({part.data_dir})", "suffix": _suffix(part),
         "runs": runs_of(part.runs),
         "lock": {"text": lock_line(part.lock), "held": bool(part.lock.get("held"))}}
        for part in facts.parts
    ]


def runs_view(facts: Facts) -> dict[str, Any] | None:
    return runs_of(facts.runs)


def runs_of(runs: RunFacts) -> dict[str, Any] | None:
    if not runs.recent:
        return None
    recent = runs.recent
    groups = [
        Group(
            row.run or str(i),
            {"new": row.new or 0, "updated": row.updated or 0},
            f"{_when(row.started)}: {row.verdict or '?'}, {_n(row.new)} new, "
            f"{_n(row.updated)} updated" + (f"; failing: {', '.join(row.failing)}"
                                            if row.failing else ""),
            marked=row.verdict not in (None, "healthy"),
            classes=("run",),
        )
        for i, row in enumerate(recent)
    ]
    first, last = recent[0].started, recent[-1].started
    return {
        "chart": stacked_bars(groups, RUN_SERIES, label="New and updated articles per run; "
                              "unhealthy runs marked", css_class="runs"),
        "legend": RUN_SERIES,
        "window": f"{_when(first)} to {_when(last)}",
        "days": RUN_WINDOW.days,
        "count": len(recent),
        "unhealthy": sum(1 for r in recent if r.verdict not in (None, "healthy")),
        "rows": [run_row(r) for r in reversed(recent)],
    }


def run_row(row: RunRow) -> dict[str, Any]:
    per_new = row.requests_per_new
    return {
        "started": _when(row.started),
        "mode": row.mode or "-",
        "verdict": row.verdict or "-",
        "healthy": row.verdict == "healthy",
        "finish_reason": row.finish_reason if row.finish_reason not in (None, "finished") else "",
        "duration": _duration(row.duration),
        "new": _n(row.new),
        "updated": _n(row.updated),
        "requests": _n(row.requests),
        "per_new": f"{per_new:.1f}" if per_new is not None else "-",
        "failing": ", ".join(row.failing),
    }


def edit_row(edit: Edit) -> dict[str, Any]:
    delta = (
        edit.body_chars - edit.body_chars_before if edit.body_chars_before is not None else None
    )
    return {
        "when": _when(_parse_time(edit.when)) if edit.when else "-",
        "id": edit.id,
        "url": edit.url,
        "era": edit.era,
        "versions": f"v{edit.version - 1} → v{edit.version}",
        "headline": edit.headline or "-",
        "headline_before": edit.headline_before if edit.headline_changed else None,
        "headline_changed": edit.headline_changed,
        "found_before": edit.found_before,
        "body": (
            f"{_n(edit.body_chars_before)} → {_n(edit.body_chars)} chars "
            f"({delta:+,})" if delta is not None else f"{_n(edit.body_chars)} chars"
        ),
    }


def fields_view(facts: Facts) -> dict[str, Any] | None:
    fields = facts.archive.fields
    if not fields:
        return None
    order = [s.key for s in ERA_SERIES if s.key in fields]
    order += sorted(e for e in fields if e not in order)
    groups, rows = [], []
    for era in order:
        c = fields[era]
        shares = {f: c[f] / c["articles"] if c["articles"] else 0.0 for f in FIELDS}
        groups.append(Group(era, shares, f"{era}: {_n(c['articles'])} articles; " + ", ".join(
            f"{f} {shares[f]:.0%}" for f in FIELDS), classes=("era",)))
        rows.append({"era": era, "articles": _n(c["articles"]),
                     **{f: f"{shares[f]:.0%} ({_n(c[f])})" for f in FIELDS}})
    return {
        "chart": grouped_bars(groups, FIELD_SERIES, label="Share of articles with an author, "
                              "images, a video, by era", x_labels=dict(enumerate(order)),
                              percent=True, css_class="fields", centre_labels=True),
        "legend": FIELD_SERIES,
        "rows": rows,
    }


def warc_view(facts: Facts) -> dict[str, Any] | None:
    warc = facts.warc
    if warc is None:
        return None
    if not warc.by_month:
        return {"chart": None, "total": _size(warc.total_bytes), "files": 0,
                "index": _size(warc.index_bytes)}
    months = months_between(min(warc.by_month), max(warc.by_month))
    groups = [
        Group(m, {"bytes": warc.by_month.get(m, 0) / 2**20},
              f"{m}: {_size(warc.by_month.get(m, 0))}", classes=("month",))
        for m in months
    ]
    return {
        "chart": stacked_bars(groups, WARC_SERIES, label="WARC archive size per month of "
                              "writing (MB)", x_labels=month_labels(months), unit="MB",
                              css_class="warc"),
        "total": _size(warc.total_bytes),
        "files": warc.files,
        "index": _size(warc.index_bytes),
    }


# -- formatting ----------------------------------------------------------------------------------


def month_labels(
    months: Sequence[str], min_slot_px: float = 44.0, width: float = PLOT_WIDTH
) -> dict[int, str]:
    """Labels under a month axis, as dense as fits: every month, quarter, half year, year, or
    every few years (`width`: the plot's width in the SVG's units)."""
    if not months:
        return {}
    slot = width / len(months)
    step = next((s for s in (1, 3, 6, 12, 24, 60, 120) if s * slot >= min_slot_px), 120)
    labels = {}
    for i, month in enumerate(months):
        year, number = int(month[:4]), int(month[5:7])
        if ((year * 12 + number - 1) % step) == 0:
            labels[i] = month[:4] if step >= 12 else month
    return labels


def _suffix(part: Part) -> str:
    """What makes the ids of a part's elements unique on the page (`gaps-polish`)."""
    return "-" + re.sub(r"[^A-Za-z0-9_-]+", "_", part.name)


def _with_unknown(series: Sequence[Series], seen: set[str]) -> list[Series]:
    known = {s.key for s in series}
    extra = sorted(seen - known)
    return [*series, *(Series(key, "unknown" if key == UNKNOWN else key, GREY) for key in extra)]


def _n(value: int | float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,}"


def _size(n: int) -> str:
    for unit, scale in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "-"
    return f"{moment.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC"


def _ago(now: datetime, then: datetime | None) -> str:
    if then is None:
        return "?"
    hours = (now - then).total_seconds() / 3600
    if hours < 0:
        return "in the future"
    if hours < 48:
        return f"{hours:.0f} h ago"
    return f"{hours / 24:.0f} days ago"


def _parse_time(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)

