"""The one log line that carries a run's verdict.

The verdict extension writes it at the end of every crawl; `cri-crawler status --scrapyd` reads
it back from a job's log as Scrapyd serves it. A job's log is all that a Scrapyd node lets a
machine elsewhere read, and Scrapyd's own job state says only "finished", healthy or not.
One JSON object after a fixed marker, so that the log format around it (Scrapy's LOG_FORMAT)
does not matter.
"""

from __future__ import annotations

import json
from typing import Any

MARKER = "cri-crawler verdict: "


def verdict_line(report: dict[str, Any], version: str) -> str:
    """The line for a judged run report (`version`: the crawler's, as the job ran it)."""
    articles = report.get("articles", {})
    summary = {
        "run": report.get("run"),
        "edition": report.get("edition"),
        "mode": report.get("mode"),
        "verdict": report.get("verdict"),
        "failed": [c["name"] for c in report.get("checks", ()) if not c.get("ok", True)],
        "finish_reason": report.get("finish_reason"),
        "new": articles.get("new", 0),
        "updated": articles.get("updated", 0),
        "requests": report.get("requests", 0),
        "started": report.get("started"),
        "finished": report.get("finished"),
        "version": version,
    }
    return MARKER + json.dumps(summary, ensure_ascii=False, separators=(",", ":"))


def find_verdict(log: str) -> dict[str, Any] | None:
    """The last verdict of a log, or None when it holds none (the job died before judging,
    or the log was cut)."""
    for line in reversed(log.splitlines()):
        at = line.find(MARKER)
        if at < 0:
            continue
        try:
            found = json.loads(line[at + len(MARKER):])
        except ValueError:
            continue
        if isinstance(found, dict) and found.get("verdict") in ("healthy", "unhealthy"):
            return found
    return None
