"""Fixture regression: every stored page of every era and markup variant, whole item compared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fixtures import FIXTURES, page_files, parse_stored

CASES = sorted(FIXTURES.glob("*/*.expected.json"))
REQUIRED = ("id", "url", "era", "headline", "published", "body", "language", "extraction")


def test_every_era_has_fixtures() -> None:
    assert {case.parent.name for case in CASES} == {"E1", "E2", "E3", "E4"}


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name.removesuffix('.expected.json')}")
def test_parser_matches_fixture(case: Path) -> None:
    stored = json.loads(case.read_text(encoding="utf-8"))
    expected = stored["item"]
    assert all(expected.get(name) for name in REQUIRED), "a fixture may not expect an empty field"
    assert parse_stored(stored["fixture"], page_files(case)) == expected, (
        "re-record only on purpose: python -m tests.fixtures.record"
    )
