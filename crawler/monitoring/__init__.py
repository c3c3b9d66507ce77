"""Health of the hourly runs: checks on each run report and its history (`checks`), the run
history in `<data_dir>/runs.jsonl` (`history`; the file's name is in crawler/archive/layout.py),
and alerts, once per streak of the same failure, and a recovery (`alerts`)."""

from __future__ import annotations

from crawler.monitoring.alerts import announce
from crawler.monitoring.checks import CHECKS, Check, CheckResult, evaluate, verdict
from crawler.monitoring.history import HISTORY_LIMIT, append_report, read_history

__all__ = [
    "CHECKS",
    "HISTORY_LIMIT",
    "Check",
    "CheckResult",
    "announce",
    "append_report",
    "evaluate",
    "read_history",
    "verdict",
]
