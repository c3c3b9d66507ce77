"""A real Scrapyd node (scrapyd 1.6 from the package index) on 127.0.0.1 and a free port, started
and stopped by the test.

The node's Python sees every package of the project's environment but not the project itself:
a `.pth` file names the environment's site-packages, and the `.pth` files inside it (the
editable install of this project) are not read from there. So a job can only run the code
that was deployed to the node as an egg, as on a machine where only the dependencies are
installed; the node works in its own directory, not in the checkout.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.scrapyd import PROJECT

CONFIG = """\
[scrapyd]
bind_address = 127.0.0.1
http_port = {port}
eggs_dir = {root}/eggs
logs_dir = {root}/logs
dbs_dir = {root}/dbs
items_dir =
jobs_to_keep = 100
finished_to_keep = 100
max_proc = 4
poll_interval = 0.2
"""


@dataclass
class ScrapydNode:
    root: Path  # the node's working directory: relative data directories land here
    url: str
    process: subprocess.Popen[bytes]
    env: dict[str, str] = field(default_factory=dict)

    def get(self, endpoint: str, **query: str) -> dict[str, Any]:
        url = f"{self.url}{endpoint}?project={PROJECT}" + "".join(
            f"&{k}={v}" for k, v in query.items())
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.loads(response.read())

    def cancel(self, job: str) -> None:
        data = f"project={PROJECT}&job={job}".encode()
        urllib.request.urlopen(f"{self.url}cancel.json", data=data, timeout=10).close()

    def wait(self, *jobs: str, state: str = "finished", timeout: float = 240) -> None:
        """Until every named job is in `state` (AssertionError after `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if set(jobs) <= {job["id"] for job in self.get("listjobs.json")[state]}:
                return
            time.sleep(0.3)
        raise AssertionError(f"jobs {jobs} not {state} after {timeout} s: {self.get('listjobs.json')}")

    def log(self, job: str) -> str:
        return (self.root / "logs" / PROJECT / "cri" / f"{job}.log").read_text(encoding="utf-8")


def node_python(where: Path) -> Path:
    """A Python that imports the environment's packages but not the project (see above)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    python = where / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True, capture_output=True, text=True).stdout.strip()
    (Path(purelib) / "project-dependencies.pth").write_text(
        sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    return python


@contextmanager
def scrapyd_node(root: Path, env: Mapping[str, str] | None = None) -> Iterator[ScrapydNode]:
    """A Scrapyd node working in `root`, its environment `env` on top of this one's."""
    python = node_python(root / "python")
    work = root / "node"
    work.mkdir()
    for attempt in range(5):
        port = _free_port()
        (work / "scrapyd.conf").write_text(CONFIG.format(port=port, root=work), encoding="utf-8")
        environment = {**{k: v for k, v in os.environ.items() if not k.startswith("CRAWLER_")},
                       **(env or {})}
        environment.pop("PYTHONPATH", None)
        with (work / "scrapyd.out").open("wb") as output:  # the child keeps its own copy
            process = subprocess.Popen([str(python), "-m", "scrapyd"], cwd=work, env=environment,
                                       stdout=output, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        node = ScrapydNode(work, f"http://127.0.0.1:{port}/", process, dict(env or {}))
        if _started(node):
            break
        _stop(process)
    else:
        raise AssertionError("Scrapyd did not start: " + (work / "scrapyd.out").read_text())
    try:
        yield node
    finally:
        _stop(process)


def _started(node: ScrapydNode, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if node.process.poll() is not None:
            return False  # the port was taken meanwhile: try another
        try:
            with urllib.request.urlopen(f"{node.url}daemonstatus.json", timeout=2) as response:
                return json.loads(response.read()).get("status") == "ok"
        except OSError:
            time.sleep(0.2)
    return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Scrapyd and the jobs it started (one session): SIGTERM, then SIGKILL."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    try:
        os.killpg(process.pid, signal.SIGKILL)  # a job that outlived its Scrapyd
    except ProcessLookupError:
        pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
