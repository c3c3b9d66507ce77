"""`cri-crawler run` in a subprocess (`python -m crawler run`), and reading its run report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.support.crawling import FAST
from tests.support.paths import ROOT


def run_command(data_dir: Path, base_url: str | None, *args: str, **settings: str) -> list[str]:
    command = [sys.executable, "-m", "crawler", "run", "--data-dir", str(data_dir)]
    if base_url:
        command += ["--base-url", base_url]
    for key, value in {**FAST, "CRAWLER_BROWSER": "False", **settings}.items():
        command += ["-s", f"{key}={value}"]
    return command + list(args)


def cri_run(data_dir: Path, base_url: str | None, *args: str, env: dict[str, str] | None = None,
            timeout: float = 300, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        run_command(data_dir, base_url, *args, **settings), cwd=ROOT, capture_output=True,
        text=True, timeout=timeout, env={**clean_env(), **(env or {})},
    )


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("CRAWLER_ALERT_")}


def last_report(data_dir: Path) -> dict[str, Any]:
    lines = (data_dir / "runs.jsonl").read_text(encoding="utf-8").splitlines()
    return json.loads(lines[-1])


def failing(report: dict[str, Any]) -> set[str]:
    return {check["name"] for check in report["checks"] if not check["ok"]}
