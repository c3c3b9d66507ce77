"""The SIGKILL loop of the kill tests: crawls killed at random moments, then one normal run.

Whatever the moment of the kill (opening, mid-batch, between a batch's fsync and its state commit,
during start-up reconciliation), afterwards every output line parses, no (id, version) appears
twice, versions have no gaps, and the archive's latest versions are exactly the expected items.
The crawl is one parameter (`KillTarget.command`); the target's source is revised before every
run, so that there is always something new to write when a kill lands, and every third run is
killed once it has begun to write: the moment the archive is most at risk is not left to chance.
"""

from __future__ import annotations

import random
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.support.archive import ROOT, check_versions, crawl_env, latest, output_files, read_archive

WHILE_WRITING_EVERY = 3  # every third run is killed just after its first written bytes
WRITING_WINDOW = (0.0, 0.15)  # seconds after the archive grew, for those
DURING_START_UP = 0.25  # share of the other kills at a random moment of start-up
START_UP_WINDOW = (0.0, 0.8)  # seconds after the start, for those
RUNNING_WINDOW = (0.0, 1.2)  # seconds after "Spider opened", for the rest (at first: see below)
# A run that ended before its kill was drawn too late for this machine and crawler: later kills
# of the running phase are drawn within this share of the time it had run, so that a faster
# crawl (or machine) is still killed while it runs, not left to finish.
ENDED_FIRST_SHRINK = 0.8


@dataclass
class KillTarget:
    command: list[str]  # one complete crawl into `data_dir`
    data_dir: Path
    revise: Callable[[int], None]  # make the source show revision n of every article
    expected: Callable[[int], dict[str, tuple[str, str]]]  # id -> (headline, body) at revision n


def archive_size(data_dir: Path) -> int:
    return sum(f.stat().st_size for f in output_files(data_dir))


def wait_until(ready: Callable[[], bool], process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not ready() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)


def kill_loop(target: KillTarget, kills: int, rng: random.Random, logs: Path) -> dict[str, int]:
    """Start the crawl `kills` times and SIGKILL it at a random moment; count the outcomes."""
    outcomes = {"killed_starting": 0, "killed_running": 0, "ended_first": 0, "killed_writing": 0}
    running_window = RUNNING_WINDOW
    for run in range(kills):
        before = archive_size(target.data_dir)
        target.revise(run)
        log = logs / f"run-{run:02d}.log"
        with log.open("wb") as stderr:
            process = subprocess.Popen(target.command, cwd=ROOT, env=crawl_env(),
                                       stdout=subprocess.DEVNULL, stderr=stderr)
            opened = None  # when the drawn kill of the running phase began to count
            try:
                if run % WHILE_WRITING_EVERY == WHILE_WRITING_EVERY - 1:
                    phase = "killed_running"
                    wait_until(lambda: archive_size(target.data_dir) > before, process)
                    time.sleep(rng.uniform(*WRITING_WINDOW))
                elif rng.random() < DURING_START_UP:
                    phase = "killed_starting"
                    time.sleep(rng.uniform(*START_UP_WINDOW))
                else:
                    phase = "killed_running"
                    wait_until(lambda: b"Spider opened" in log.read_bytes(), process)
                    opened = time.monotonic()
                    time.sleep(rng.uniform(*running_window))
                if process.poll() is None:
                    process.send_signal(signal.SIGKILL)
                    outcomes[phase] += 1
                    # It had written batches and was still going: killed in the middle of its work.
                    outcomes["killed_writing"] += archive_size(target.data_dir) > before
                else:
                    outcomes["ended_first"] += 1
                    if opened is not None:
                        ran = time.monotonic() - opened
                        running_window = (0.0, min(running_window[1], ENDED_FIRST_SHRINK * ran))
            finally:
                process.wait(timeout=30)
    return outcomes


def kill_and_check(target: KillTarget, kills: int, logs: Path, min_writing: int) -> dict[str, int]:
    """The whole kill test on one target; returns the outcome counts."""
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    outcomes = kill_loop(target, kills, rng, logs)
    killed = outcomes["killed_starting"] + outcomes["killed_running"]
    assert killed >= kills * 2 // 3, (outcomes, seed)
    assert outcomes["killed_writing"] >= min_writing, (outcomes, seed)
    print(f"kill loop (seed {seed}): {outcomes}")

    final = kills - 1
    done = subprocess.run(target.command, cwd=ROOT, env=crawl_env(), capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]

    records = read_archive(target.data_dir)  # every line parses, none is cut
    check_versions(records)  # no (id, version) twice, no gaps, no unchanged re-write
    newest = {i: (r["headline"], r["body"]) for i, r in latest(records).items()}
    assert newest == target.expected(final), f"seed {seed}"
    # Every line is one of the texts the source showed, and versions follow the revisions.
    fed = {}
    for n in range(final + 1):
        for article_id, text in target.expected(n).items():
            fed[(article_id, text)] = n
    order: dict[str, list[int]] = {}
    for r in sorted(records, key=lambda r: r["version"]):
        key = (r["id"], (r["headline"], r["body"]))
        assert key in fed, f"unknown text for {r['id']} v{r['version']} (seed {seed})"
        order.setdefault(r["id"], []).append(fed[key])
    assert all(seq == sorted(seq) for seq in order.values()), f"seed {seed}"
    # Only cut lines were ever moved aside: a quarantined file of the JSON Lines holds no
    # complete line. (A WARC file's cut tail is gzip bytes: checked by check_warc.)
    for moved in (target.data_dir / "quarantine").glob("*.jsonl.*.partial"):
        assert b"\n" not in moved.read_bytes(), moved
    assert not list((target.data_dir / "quarantine").glob("*.damaged"))
    return outcomes
