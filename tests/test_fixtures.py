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


def test_the_recorder_records_a_case_for_every_variant_it_chooses(tmp_path: Path) -> None:
    """`python -m tests.fixtures.record` (into a scratch folder): no article it chooses is refused
    for differing from the replica's ground truth, and every case it writes reads back."""
    from tests.fixtures.record import record

    assert record(tmp_path / "polish") == 0
    written = sorted(tmp_path.glob("polish/*/*.expected.json"))
    assert {case.parent.name for case in written} == {"E1", "E2", "E3", "E4"}
    for case in written:
        stored = json.loads(case.read_text(encoding="utf-8"))
        assert comparable(parse_stored("polish", stored["fixture"], page_files(case))) == stored["item"]
