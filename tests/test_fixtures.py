"""Fixture regression: every stored page of every era and markup variant, whole item compared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.editions import EDITIONS
from tests.fixtures import cases, comparable, page_files, parse_stored

CASES = cases()
REQUIRED = ("id", "url", "era", "headline", "published", "body", "edition", "language", "extraction")


def test_every_era_of_every_edition_has_fixtures() -> None:
    found = {(case.parent.parent.name, case.parent.name) for case in CASES}
    assert found == {(e.name, era.name) for e in EDITIONS.values() for era in e.eras}


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.name.removesuffix('.expected.json')}")
def test_parser_matches_fixture(case: Path) -> None:
    stored = json.loads(case.read_text(encoding="utf-8"))
    expected = stored["item"]
    assert all(expected.get(name) for name in REQUIRED), "a fixture may not expect an empty field"
    edition = case.parent.parent.name
    assert comparable(parse_stored(edition, stored["fixture"], page_files(case))) == expected, (
        "re-record only on purpose: python -m tests.fixtures.record"
    )
