"""`cri-crawler check [--repair]`: the whole archive against its state and the output schema.

Reads every output file record by record (streaming: memory holds one entry per article, not
the archive) and the state read-only, and counts each problem:

- `cut_lines`: a last line without its newline (a write cut short);
- `damaged_lines`: a line that is no record (not JSON, no id or version);
- `invalid_records`: a record the output schema rejects (`crawler/validation.py`);
- `duplicate_versions`: an (id, version) written twice;
- `state_behind`: an article whose latest version in the archive is not the state's (a state
  left behind by a crash catches up at the next start-up; anything else is damage);
- `state_without_record`: an article the state knows at a version no record holds (the run
  would never fetch it again);
- `missing_files`: an output file the state records that is gone.

Exit 1 when any is found. `--repair` takes the writer's lock (no crawl may run), moves each
damaged, invalid or duplicate record to `quarantine/` alone (named after its file and byte
offset), sets the state aside (`state.sqlite3.damaged-<time>`) and rebuilds it from what
remains (`crawler/archive/reconcile.py`, as a start-up does), then checks again.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from crawler.archive import ArchiveState, lock
from crawler.archive.layout import ARTICLES_DIR, CRAWL_LOCK, STATE_FILE
from crawler.archive.reconcile import Reconciliation, read_record
from crawler.editions import EDITIONS
from crawler.validation import ArticleRules

EXIT_CLEAN, EXIT_PROBLEMS, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3
PROBLEMS = ("cut_lines", "damaged_lines", "invalid_records", "duplicate_versions",
            "state_behind", "state_without_record", "missing_files")
EXAMPLES = 5  # shown per problem


@dataclass
class Findings:
    records: int = 0
    articles: int = 0
    problems: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    # (file, byte offset, line) of each record --repair takes out
    to_take_out: dict[Path, list[tuple[int, bytes]]] = field(default_factory=dict)

    def found(self, problem: str, where: str) -> None:
        self.problems[problem] += 1
        shown = self.examples.setdefault(problem, [])
        if len(shown) < EXAMPLES:
            shown.append(where)

    def as_dict(self) -> dict[str, Any]:
        return {"records": self.records, "articles": self.articles,
                "problems": {p: self.problems[p] for p in PROBLEMS},
                "examples": self.examples}


def check(data_dir: Path) -> Findings:
    findings = Findings()
    latest: dict[str, int] = {}
    seen: set[tuple[str, int]] = set()
    rules: dict[str, ArticleRules] = {}
    files = sorted((data_dir / ARTICLES_DIR).glob("*/*.jsonl"))
    for file in files:
        position = 0
        with file.open("rb") as stream:
            for raw in stream:
                where = f"{file.relative_to(data_dir)} at byte {position}"
                problem = _problem(raw, rules)
                if problem is None:
                    article_id, entry = read_record(raw)  # type: ignore[misc]
                    if (article_id, entry.version) in seen:
                        problem = "duplicate_versions"
                    else:
                        seen.add((article_id, entry.version))
                        latest[article_id] = max(latest.get(article_id, 0), entry.version)
                        findings.records += 1
                if problem is not None:
                    findings.found(problem, where)
                    if problem != "cut_lines":  # a start-up takes those out by itself
                        findings.to_take_out.setdefault(file, []).append((position, raw))
                position += len(raw)
    findings.articles = len(latest)
    _against_state(data_dir, files, latest, findings)
    return findings


def _problem(raw: bytes, rules: dict[str, ArticleRules]) -> str | None:
    if not raw.endswith(b"\n"):
        return "cut_lines"
    if read_record(raw) is None:
        return "damaged_lines"
    record = json.loads(raw)
    edition = EDITIONS.get(record.get("edition"))
    if edition is None:
        return "invalid_records"
    checker = rules.setdefault(edition.name, ArticleRules(edition))
    return "invalid_records" if checker.problem(record) is not None else None


def _against_state(data_dir: Path, files: list[Path], latest: dict[str, int],
                   findings: Findings) -> None:
    state = data_dir / STATE_FILE
    if not state.exists():
        for article_id in sorted(latest)[:EXAMPLES]:
            findings.found("state_behind", f"{article_id} (no state file)")
        findings.problems["state_behind"] += max(0, len(latest) - EXAMPLES)
        return
    db = sqlite3.connect(f"{state.resolve().as_uri()}?mode=ro", uri=True)
    try:
        known = dict(db.execute("SELECT id, version FROM articles"))
        recorded = {path for (path,) in db.execute("SELECT path FROM files")}
    finally:
        db.close()
    for article_id, version in latest.items():
        if known.get(article_id) != version:
            findings.found("state_behind", f"{article_id}: archive v{version}, state "
                           f"{'v' + str(known[article_id]) if article_id in known else 'none'}")
    for article_id, version in known.items():
        if latest.get(article_id, 0) < version:
            findings.found("state_without_record", f"{article_id} v{version}")
    present = {file.relative_to(data_dir).as_posix() for file in files}
    for path in sorted(recorded - present):
        findings.found("missing_files", path)


def repair(data_dir: Path, findings: Findings) -> None:
    """Take out what `check` found (the writer's lock held), then rebuild the state."""
    held = lock.acquire(data_dir / ARTICLES_DIR, data_dir / CRAWL_LOCK)
    try:
        state = ArchiveState()
        counts: Counter[str] = Counter()
        now = lambda: datetime.now(timezone.utc)  # noqa: E731
        fixer = Reconciliation(data_dir, state, lambda name, n=1: counts.update({name: n}), now)
        for file, damaged in findings.to_take_out.items():
            fixer.take_out(file, damaged)
        if (data_dir / STATE_FILE).exists():
            fixer.set_aside_state("rebuilt by cri-crawler check --repair")
        state.open(data_dir / STATE_FILE)
        try:
            fixer.run()
        finally:
            state.close()
    finally:
        held.release()


def main(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """The `check` subcommand (args: data_dir, repair, json)."""
    out, err = out or sys.stdout, err or sys.stderr
    data_dir = Path(args.data_dir)
    if not (data_dir / ARTICLES_DIR).is_dir():
        print(f"cri-crawler: error: {data_dir} holds no archive ({ARTICLES_DIR}/)", file=err)
        return EXIT_USAGE
    findings = check(data_dir)
    result: dict[str, Any] = {"data_dir": str(data_dir), "before": findings.as_dict()}
    if args.repair and sum(findings.problems.values()):
        try:
            repair(data_dir, findings)
        except BlockingIOError:
            print(f"cri-crawler: a crawl is writing {data_dir}; repair when it has finished",
                  file=err)
            return EXIT_LOCKED
        findings = check(data_dir)
        result["after"] = findings.as_dict()
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2), file=out)
    else:
        print(_render(result), file=out)
    return EXIT_PROBLEMS if sum(findings.problems.values()) else EXIT_CLEAN


def _render(result: dict[str, Any]) -> str:
    lines = [f"archive {result['data_dir']}"]
    for moment in ("before", "after"):
        if moment not in result:
            continue
        part = result[moment]
        title = "after repair" if moment == "after" else "found"
        lines.append(f"{title}: {part['records']} records of {part['articles']} articles")
        for problem, count in part["problems"].items():
            lines.append(f"  {problem:<22} {count}")
            for example in part["examples"].get(problem, []):
                lines.append(f"      {example}")
    return "\n".join(lines)
