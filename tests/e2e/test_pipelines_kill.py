"""Kill test on the `feed` spider: small batches and item delays, so that most kills land
while batches are being written (the loop itself: tests/support/kill.py; the same loop on the
cri spider and the replica: tests/e2e/test_archive_replica.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.archive import article, feed_command, write_jsonl
from tests.support.kill import KillTarget, kill_and_check

KILLS = 30
ARTICLES = 60


@pytest.fixture
def feed_target(tmp_path: Path) -> KillTarget:
    source = tmp_path / "in.jsonl"

    def revision(n: int) -> list[dict]:
        return [article(i, revision=n) for i in range(ARTICLES)]

    def revise(n: int) -> None:
        write_jsonl(source, revision(n))

    revise(0)
    data_dir = tmp_path / "data"
    command = feed_command(data_dir, source, "-s", "CRAWLER_BATCH_ITEMS=3", "-s",
                           "CRAWLER_BATCH_SECONDS=0.05", delay=0.015, shuffle=True)
    return KillTarget(command, data_dir, revise,
                      lambda n: {a["id"]: (a["headline"], a["body"]) for a in revision(n)})


def test_sigkill_at_random_moments_loses_and_duplicates_nothing(
    feed_target: KillTarget, tmp_path: Path
) -> None:
    kill_and_check(feed_target, KILLS, tmp_path, min_writing=KILLS // 3)
