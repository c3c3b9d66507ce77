"""Charset repair through the extractor (`crawler.extract.extract`): a real E1 article of the
replica, served in one encoding under another's label, becomes its ground-truth item and the
repair is counted; a page whose text still holds mojibake after decoding is no body."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from crawler.editions import get_edition
from crawler.extract import Answer, Item, Outcome, Skip, extract
from crawler.urls import classify
from tests.replica import e1
from tests.replica.samples import fixed_articles

EDITION = get_edition("polish")
FETCHED_AT = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
# "Spotkanie Xi Jinping z prezydentem Kazachstanu" (dossier section 7), served in windows-1250.
ARTICLE = next(a for a in fixed_articles() if a.id == "E1-140104")
PAGE = e1.render(ARTICLE, 1, [], []).decode("cp1250")
TRUTH = ARTICLE.expected()


def run(body: bytes, content_type: str) -> Outcome:
    ref = classify(ARTICLE.url, EDITION)
    assert ref is not None
    answer = Answer(ref.page_url(1), body, {"Content-Type": content_type})
    return extract(EDITION, ref, answer, fetched_at=FETCHED_AT, run="test")


def charset_counts(outcome: Outcome) -> dict[str, int]:
    return {name: n for name, n in outcome.counts.items() if name.startswith("charset/")}


@pytest.mark.parametrize(
    ("written_in", "content_type", "repair"),
    [
        # the three cases of issue #13 (Scrapy reads an ISO-8859-1 label as windows-1252)
        ("utf-8", "text/html; charset=windows-1250", "utf8_under_cp1250"),
        ("cp1250", "text/html; charset=ISO-8859-1", "cp1250_under_cp1252"),
        ("iso8859-2", "text/html; charset=windows-1252", "latin2_under_cp1252"),
        # labelled right: read as labelled, nothing counted
        ("cp1250", "text/html; charset=windows-1250", None),
        ("cp1250", e1.content_type("cp1250"), None),  # as the replica serves it: `<meta>` only
        ("utf-8", "text/html; charset=utf-8", None),
    ],
)
def test_an_e1_page_under_a_wrong_label_is_its_ground_truth(
    written_in: str, content_type: str, repair: str | None
) -> None:
    outcome = run(PAGE.encode(written_in, "xmlcharrefreplace"), content_type)
    assert isinstance(outcome, Item), outcome
    assert (outcome.article.headline, outcome.article.body) == (TRUTH["headline"], TRUTH["body"])
    expected = {"charset/repaired": 1, f"charset/repaired/{repair}": 1} if repair else {}
    assert charset_counts(outcome) == expected
    assert "cri/encoding/replacement_chars" not in outcome.counts


def test_utf8_under_a_latin_label_is_still_counted_apart() -> None:
    outcome = run(PAGE.encode("utf-8"), "text/html; charset=ISO-8859-1")
    assert isinstance(outcome, Item)
    assert outcome.counts["cri/encoding/utf8_under_latin_charset"] == 1
    assert charset_counts(outcome) == {"charset/repaired": 1,
                                       "charset/repaired/utf8_under_cp1252": 1}


def test_mojibake_left_after_decoding_is_no_body() -> None:
    # Mojibake written into the page itself (UTF-8 read as windows-1250 once, stored as UTF-8):
    # valid UTF-8 under a UTF-8 label, so no decoding brings the letters back.
    garbled = PAGE.encode("utf-8").decode("cp1250", "replace")
    outcome = run(garbled.encode("utf-8"), "text/html; charset=utf-8")
    assert isinstance(outcome, Skip)
    assert (outcome.reason, outcome.detail, outcome.absent) == (
        "no_body", "mojibake left after decoding", False)
    assert outcome.counts["charset/mojibake_pages"] == 1
    assert outcome.counts["cri/pages/articles_parsed"] == 1
    assert "cri/fields/body" not in outcome.counts
