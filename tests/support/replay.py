"""`cri-crawler reextract` and `import-warc` in a subprocess, behind a network guard: every
`connect`, `sendto` and name lookup of the process fails and is written to a file, so a test
proves that a replay made no connection (not just that it needed none). Optionally with a copy
of a parser module in place of the original (`parser_copy`)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.crawling import FAST
from tests.support.paths import ROOT
from tests.support.run import clean_env

PRELUDE = r'''
import os, socket, sys

def _guard(name):
    def refuse(*args, **kwargs):
        with open(os.environ["NETWORK_GUARD_FILE"], "a") as log:
            log.write(f"{name} {args[1:]!r}\n")
        raise OSError(f"network guard: {name} refused")
    return refuse

for _name in ("connect", "connect_ex", "sendto"):
    setattr(socket.socket, _name, _guard(_name))
socket.getaddrinfo = _guard("getaddrinfo")
socket.gethostbyname = _guard("gethostbyname")

if os.environ.get("PARSER_COPY"):
    import importlib.util
    _module, _, _path = os.environ["PARSER_COPY"].partition("=")
    _spec = importlib.util.spec_from_file_location(_module, _path)
    _copy = importlib.util.module_from_spec(_spec)
    sys.modules[_module] = _copy
    _spec.loader.exec_module(_copy)

from crawler.cli import main
sys.exit(main(sys.argv[1:]))
'''


@dataclass
class Replay:
    returncode: int
    stdout: str
    stderr: str
    connections: list[str]  # what the guard refused: empty for a replay


def cri_replay(command: str, data_dir: Path, *args: str,
               parser_copy: tuple[str, Path] | None = None, timeout: float = 300,
               **settings: str) -> Replay:
    """`cri-crawler <command> --data-dir DIR ARGS` behind the network guard."""
    guard = data_dir.parent / f"network-{data_dir.name}.log"
    guard.unlink(missing_ok=True)
    line = [sys.executable, "-c", PRELUDE, command, "--data-dir", str(data_dir), *args]
    for key, value in {"LOG_LEVEL": FAST["LOG_LEVEL"], **settings}.items():
        line += ["-s", f"{key}={value}"]
    env = {**clean_env(), "NETWORK_GUARD_FILE": str(guard)}
    if parser_copy:
        env["PARSER_COPY"] = f"{parser_copy[0]}={parser_copy[1]}"
    done = subprocess.run(line, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)
    refused = guard.read_text().splitlines() if guard.exists() else []
    return Replay(done.returncode, done.stdout, done.stderr, refused)


def run_reports(data_dir: Path) -> list[dict[str, Any]]:
    path = data_dir / "runs.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()] if path.exists() else []
