"""The benchmarks keep working: the shingle metric by tables, the whole command at tiny size.

The real sizes run only by `./run bench`; here every part runs at a few hundred articles.
Peers and py-spy run only if their venvs already exist in `benchmarks/venvs/` (never created
here), so a fresh clone checks our side, trafilatura and every crawl path.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from itemadapter import ItemAdapter

from benchmarks import extraction, metrics
from benchmarks.__main__ import PARTS, SIZES
from crawler.editions import get_edition
from crawler.extract import Item
from tests.fixtures import cases, comparable, page_files
from tests.replica import Site

ROOT = Path(__file__).resolve().parent.parent
TEN = "jeden dwa trzy cztery pięć sześć siedem osiem dziewięć dziesięć"


@pytest.mark.parametrize(
    ("truth", "prediction", "precision", "recall"),
    [
        (TEN, TEN, 1.0, 1.0),  # identical
        (TEN, "alfa beta gamma delta epsilon", 0.0, 0.0),  # disjoint
        # 7 true shingles; the prediction has the first 4 of them and nothing else
        (TEN, "jeden dwa trzy cztery pięć sześć siedem", 1.0, 4 / 7),
        # the prediction has all 7 and 3 more of its own (noise after the body)
        (TEN, TEN + " Zobacz także Polecamy", 7 / 10, 1.0),
        (TEN, "", None, 0.0),  # nothing predicted: no precision, recall 0
        ("", "coś zostało", 0.0, None),  # nothing true: precision 0, no recall
        ("", "", None, None),  # both empty: the page counts for neither
        ("dwa słowa", "dwa słowa", 1.0, 1.0),  # shorter than 4 tokens: one shingle of all
        ("dwa słowa", "dwa", 0.0, 0.0),  # ... which a shorter text does not match
        ("Ala, ma  kota!", "ala ma kota", 0.0, 0.0),  # tokens are case-sensitive words
        ("Ala, ma  kota!", "Ala ma\nkota", 1.0, 1.0),  # punctuation and spacing do not count
    ],
)
def test_shingle_match(
    truth: str, prediction: str, precision: float | None, recall: float | None
) -> None:
    got = metrics.match(truth, prediction)
    assert (
        got.precision == pytest.approx(precision)
        if precision is not None
        else got.precision is None
    )
    assert got.recall == pytest.approx(recall) if recall is not None else got.recall is None


def test_repeated_shingles_count_as_a_multiset() -> None:
    # "a b c d a b c d": 5 shingles, (a, b, c, d) twice; the truth has it once.
    got = metrics.match("a b c d", "a b c d a b c d")
    assert (got.precision, got.recall) == (pytest.approx(1 / 5), 1.0)


@pytest.mark.parametrize(
    ("pages", "f1"),
    [
        ([(TEN, TEN)], 1.0),
        ([(TEN, "alfa beta gamma delta")], 0.0),
        ([(TEN, TEN), (TEN, "alfa beta gamma delta")], 0.5),  # means over pages: P 0.5, R 0.5
        ([(TEN, TEN), ("", "")], 1.0),  # an empty-empty page does not count
    ],
)
def test_body_score_is_f1_of_mean_precision_and_recall(
    pages: list[tuple[str, str]], f1: float
) -> None:
    assert metrics.body_score(metrics.match(t, p) for t, p in pages).f1 == pytest.approx(f1)


@pytest.mark.parametrize(
    ("body", "kinds"),
    [
        ("Pierwszy akapit.\n\nDrugi akapit.", []),
        ("Baidu\nPierwszy akapit.", ["line:Baidu"]),
        ("Akapit.\nPodziel się:", ["line:Podziel się:"]),
        ("Akapit.\nZobacz także\nInny tytuł", ["marker:Zobacz także"]),
        ("Akapit. Our Privacy Statement & Cookie Policy By continuing", ["banner"]),
        ("Akapit.\nI agree", ["banner"]),
        ("2018-06-08 08:43:00 CRI\nAkapit.", ["pattern"]),
        ("| | |\nAkapit.", ["pattern"]),
        ("Akapit kończy się inicjałami. (A. L.)", ["initials"]),
        ("Akapit o polityce Privacy Policy w zdaniu.", []),  # a sentence, not the banner
    ],
)
def test_noise_catalogue(body: str, kinds: list[str]) -> None:
    found = metrics.NoiseCatalogue(get_edition("polish")).kinds(body)
    assert [k.split(":")[0] if k.startswith("pattern:") else k for k in found] == kinds


@pytest.mark.parametrize(
    ("value", "exact", "day"),
    [
        ("2024-07-03T19:56:10+08:00", True, True),
        ("2024-07-03T11:56:10+00:00", False, True),  # the same instant, another offset
        ("2024-07-03T19:56:10", False, True),  # naive
        ("2024-07-03", False, True),
        ("2024-07-04T00:00:00+08:00", False, False),
        (None, False, False),
        ("wczoraj", False, False),
    ],
)
def test_published_match(value: str | None, exact: bool, day: bool) -> None:
    truth = "2024-07-03T19:56:10+08:00"
    assert metrics.same_published(truth, value) is exact
    assert metrics.same_day(truth, value) is day


PAGE_FIXTURES = [
    case
    for case in cases()
    if case.parent.parent.name == extraction.EDITION.name
    and json.loads(case.read_text(encoding="utf-8"))["fixture"]["kind"] != "api"
]


@pytest.mark.parametrize("case", PAGE_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name[:-14]}")
def test_benchmark_measures_the_production_path(case: Path) -> None:
    # What part 1 times for "ours" is the item the fixture regression expects: the stored
    # bytes and Content-Type through `crawler.extract.extract`, page after page.
    stored = json.loads(case.read_text(encoding="utf-8"))
    meta = stored["fixture"]
    answers = [(path.read_bytes(), meta["content_type"]) for path in page_files(case)]
    outcome = extraction.extract_pages(extraction.article_ref(meta["url"]), answers)
    assert isinstance(outcome, Item), outcome
    got = ItemAdapter(outcome.article).asdict()
    # The same item but for when and by which run it was made.
    volatile = {"fetched_at": None, "run": None}
    assert {**comparable(got), **volatile} == {**stored["item"], **volatile}


def test_tiny_run_writes_every_section(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--size",
            "tiny",
            "--out",
            str(out),
            "--work",
            str(tmp_path / "work"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["size"] == "tiny" and results["machine"]["cpus"]
    for part in PARTS:
        assert part in results and "error" not in results[part], (part, results.get(part))
    ours = results["extraction"]["extractors"]["ours"]
    assert ours["pages"] >= 40 and ours["body_f1"] > 0.99
    assert results["extraction"]["extractors"]["trafilatura"]["available"]
    assert results["throughput"]["full"]["items"] == results["throughput"]["bare"]["items"] > 100
    assert results["scale"]["memory_growth"] is not None
    assert results["incremental"]["monitoring_run"]["new_articles_fetched"] == 20
    assert results["browser"]["items"] == results["browser"]["correct_items"] == 3
    assert results["report_page"]["page_kb"] > 0 and results["report_page"]["runs"] == 720
    assert "0 files written" in results["export"]["exports"]["parquet_again"]["summary"]
    warc = results["warc"]
    assert warc["crawls"]["on"]["items"] == warc["crawls"]["off"]["items"] > 100
    assert warc["disk"]["warc_bytes_per_article"] > 0
    # The large archive is the crawl's copied under new ids: as many items again, each time.
    assert warc["reextract_big"]["new"] == warc["big_archive"]["copies"] * warc["reextract"]["new"]
    # Two editions as two Scrapyd jobs: both healthy, each stored what the bare crawl fetched.
    scale_out = results["scrapyd"]
    assert {e: j["verdict"] for e, j in scale_out["scrapyd"]["jobs"].items()} == {
        "polish": "healthy", "esperanto": "healthy"}
    for edition, job in scale_out["scrapyd"]["jobs"].items():
        assert job["new"] == scale_out["bare"][edition]["items"] == scale_out["sequential"][edition]["items"] > 0
    assert_real_material(results["real_material"], SIZES["tiny"].real_material_articles)
    names = {t["part"] for t in results["targets"]}
    assert names == {
        "extraction", "throughput", "scale", "incremental", "report_page", "export", "warc",
        "real_material",
    }
    text = (out / "RESULTS.md").read_text(encoding="utf-8")
    for heading in (
        "## Targets",
        "## 1. Extraction",
        "## 2. Crawl throughput",
        "## 3. Scale",
        "## 4. Incremental cost",
        "## 5. Browser path",
        "## 6. Report page",
        "## 7. Export",
        "## 8. WARC archive",
        "## 9. Scale-out",
        "## 10. Real material",
    ):
        assert heading in text
    assert "Not run yet" not in text and "This part failed" not in text


def assert_real_material(part: dict[str, Any], articles: int) -> None:
    """Part 10 against the replica's own knobs (`Site` of the same size and seed): from the
    listings every migrated article asked for once through the API at its address as linked,
    its E4 page only when its API fails by the knob, its old `.shtml` page never; from old
    addresses the old page first, the platform's page after any answer but 200; every item
    stored as the ground truth has it, its time from where the knobs say: the API's where it
    answers with one, the listing card's for an article without a time reached through the
    listings, its URL's date for the same asked for by URL, else the page's."""
    site = Site(articles)
    listed = [a for a in site.iter_articles("backfill") if a.knobs.get("html") != "shell"]
    migrated = [a for a in listed if a.migrated]
    timeless = [a for a in listed if "time" in a.knobs]
    api_fails = sum(a.knobs.get("api", "content") in ("fail0", "http500") for a in migrated)
    legacy = Counter(a.knobs.get("legacy", "200") for a in migrated)
    assert migrated and api_fails and legacy.keys() == {"200", "301", "404", "soft404"}
    assert timeless and part["timeless_articles"] == len(timeless)

    listings = part["listings"]
    assert listings["items"] == listings["equal_to_ground_truth"] == len(listed)
    from_api = sum(a.knobs.get("api", "content") in ("content", "modules_cards", "modules_data")
                   for a in listed if a not in timeless)
    assert listings["published_source"] == {
        "api": from_api, "page": len(listed) - from_api - len(timeless),
        "listing": len(timeless), "url": 0}
    assert listings["soft_404_answers"] == listings["dropped_soft_404"] == 0
    asked = listings["migrated"]
    assert asked["reached"] == asked["api_as_linked"] == len(migrated)
    assert asked["requests"] == {"api": len(migrated), "e4_page": api_fails, "old_shtml": 0}
    assert asked["by_group"]["api answers"]["per_article"] == 1.0

    old = part["old_addresses"]
    url_only = sum(1 for _ in site.iter_articles("url_only"))
    assert old["items"] == old["equal_to_ground_truth"] == url_only + len(migrated) + len(timeless)
    assert old["published_source"] == {
        "api": 0, "page": url_only + len(migrated), "listing": 0, "url": len(timeless)}
    assert old["soft_404_answers"] == legacy["soft404"] and old["dropped_soft_404"] == 0
    assert old["migrated"]["requests"] == {
        "api": 0, "e4_page": len(migrated) - legacy["200"], "old_shtml": len(migrated)}
    for knob in ("template_2004", "comments"):
        assert part["e1_noise"][knob]["equal"] == part["e1_noise"][knob]["articles"] > 0
