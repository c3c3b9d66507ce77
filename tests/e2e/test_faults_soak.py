"""The soak at CI size (the full one: `python -m tests.support.soak --articles 10000`): 5 % of
requests fail at random with mixed faults, then a normal run: nothing lost, nothing duplicated,
every line parses, memory bounded."""

from __future__ import annotations

from pathlib import Path

from tests.support.soak import run_soak


def test_soak_reduced(tmp_path: Path) -> None:
    figures = run_soak(articles=300, rate=0.1, seed=3, work=tmp_path)
    print(figures)
    faulted, normal = figures["runs"]
    assert faulted["faults_injected"] > 5
    assert [r["finish_reason"] for r in figures["runs"]] == ["finished", "finished"]
    assert (figures["lost"], figures["duplicated"], figures["unexpected"]) == ([], [], [])
    assert figures["archived"] == figures["expected"]
    assert max(r["memory_growth_mb"] for r in figures["runs"]) < 200
