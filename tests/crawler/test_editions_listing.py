"""`cri-crawler editions [--json]` (crawler/editions/listing.py): every edition of the registry
with its hosts, language, eras, earliest year and what the dossier verifies of it."""

from __future__ import annotations

import json

import pytest

from crawler.cli import main
from crawler.editions import EDITIONS


def test_the_table_lists_every_edition_with_its_hosts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["editions"]) == 0
    out, err = capsys.readouterr()
    header, *rows = out.splitlines()
    assert header.split() == ["edition", "language", "hosts", "eras", "earliest", "verified"]
    assert [row.split()[0] for row in rows] == list(EDITIONS)  # polish first, then by name
    assert rows[0].split()[:8] == [
        "polish", "pl", "polish.cri.cn,", "polish.cgtn.com", "E1,", "E2,", "E3,", "E4"
    ]
    turkish = next(row for row in rows if row.startswith("turkish "))
    assert turkish.split()[:6] == ["turkish", "tr", "turkish.cri.cn", "E3,", "E4", "1998"]
    assert "sitemap index" in turkish and "(DOSSIER section 2)" in turkish
    # Columns line up: every row's hosts start where the header's do.
    assert all(row[header.index("hosts"):].startswith(EDITIONS[row.split()[0]].canonical_host)
               for row in rows)
    assert err == ""


def test_json_is_one_object_of_every_edition(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["editions", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert list(listing) == ["editions"]
    assert [e["name"] for e in listing["editions"]] == list(EDITIONS)
    by_name = {e["name"]: e for e in listing["editions"]}
    assert by_name["czech"] == {
        "name": "czech",
        "language": "cs",
        "language_name": "Czech",
        "hosts": ["czech.cri.cn"],
        "gateways": [],
        "eras": ["E3", "E4"],
        "earliest_year": 1998,
        "verified": "the E3 template with the share label `Sdílej:` (DOSSIER sections 4 and 6)",
    }
    assert by_name["polish"]["hosts"] == ["polish.cri.cn", "polish.cgtn.com"]
    assert by_name["polish"]["gateways"] == ["big5.cri.cn/gate/big5/polish.cri.cn"]
    assert by_name["polish"]["earliest_year"] == 2004
    assert all(e["verified"] and e["hosts"][0] == f"{e['name']}.cri.cn"
               for e in listing["editions"])
