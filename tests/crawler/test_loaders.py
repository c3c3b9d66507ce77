"""Loader processors, tested by tables: headline, dates, body, author."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from crawler.editions import get_edition
from crawler.loaders import ArticleLoader, clean_text, to_datetime

EDITION = get_edition("polish")
CONTEXT = {"edition": EDITION}


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("MSZ Chin : „Niepodległość Tajwanu” to ślepy zaułek", "MSZ Chin : „Niepodległość Tajwanu” to ślepy zaułek"),
        ("  Xi&nbsp;Jinping &amp; Tokajew  ", "Xi Jinping & Tokajew"),
        ("Xi\u00a0Jinping\u202fw  Astanie", "Xi Jinping w Astanie"),
        ("zero\u200bwidth\u2060joiner\ufeff", "zerowidthjoiner"),
        ("tab\tand\nnewline", "tab and newline"),
        ("Zo\u0301ltko", "Zóltko"),  # NFC: o + combining acute becomes ó
        ("&quot;cytat&quot; &#8222;polski&#8221;", '"cytat" „polski”'),
        ("   ", None),
        ("", None),
        (None, None),
    ],
)
def test_clean_text(raw: str | None, clean: str | None) -> None:
    assert clean_text(raw) == clean


BEIJING = timezone(timedelta(hours=8))


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2024-07-03 19:56:10", datetime(2024, 7, 3, 19, 56, 10, tzinfo=BEIJING)),
        ("Opublikowano 2019-10-01 15:27:51 CRI", datetime(2019, 10, 1, 15, 27, 51, tzinfo=BEIJING)),
        ("2008-05-08 20:13", datetime(2008, 5, 8, 20, 13, tzinfo=BEIJING)),
        ("1790076173000", datetime(2026, 9, 22, 19, 22, 53, tzinfo=BEIJING)),
        (1790076173000, datetime(2026, 9, 22, 19, 22, 53, tzinfo=BEIJING)),
        ("2024-02-30 10:00:00", None),  # no such day
        # The listing format (DOSSIER section 2): the day at midnight, a source of last resort
        # (`published_source` says `listing`); any other month spelling is no date.
        ("17-Nov-2025", datetime(2025, 11, 17, tzinfo=BEIJING)),
        ("17-lis-2025", None),
        ("31-Feb-2025", None),
        ("wczoraj", None),  # never fuzzy
        ("2099-01-01 00:00:00", None),  # future
        ("2003-12-31 23:59:59", None),  # before the archive
        ("", None),
    ],
)
def test_to_datetime(raw: object, expected: datetime | None) -> None:
    got = to_datetime(raw, CONTEXT)
    assert got == expected
    if got is not None:
        assert got.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize(("ahead", "kept"), [(timedelta(seconds=20), True),
                                             (timedelta(minutes=59), True),
                                             (timedelta(minutes=61), False)])
def test_a_time_just_ahead_of_our_clock_is_the_outlet_s(ahead: timedelta, kept: bool) -> None:
    # An article fetched seconds after it appeared, from a server whose clock runs ahead of ours.
    when = (datetime.now(timezone.utc) + ahead).replace(microsecond=0)
    assert (to_datetime(str(int(when.timestamp() * 1000)), CONTEXT) == when) is kept


def test_url_date_is_midnight_beijing() -> None:
    from datetime import date

    assert to_datetime(date(2018, 6, 8), CONTEXT) == datetime(2018, 6, 8, tzinfo=BEIJING)


def load(**values: object):
    loader = ArticleLoader(edition=EDITION)
    for name, value in values.items():
        if name == "pages":
            for page in value:  # type: ignore[attr-defined]
                loader.add_value("body", page)
        else:
            loader.add_value(name, value)
    return loader.load_item()


def test_published_takes_first_readable_candidate_and_keeps_offset() -> None:
    item = load(published=["", "1790076173000", "2024-07-03 19:56:10"])
    assert item.published == "2026-09-22T19:22:53+08:00"


@pytest.mark.parametrize(
    "lines, body, author",
    [
        (["Baidu", "Tytuł", "2024-02-09 10:53:13", "Podziel się:", "Akapit  pierwszy.", "Ostatni. (A. L.)"],
         "Tytuł\n\nAkapit pierwszy.\n\nOstatni.", "A. L."),
        (["Akapit.", "Our Privacy Statement & Cookie Policy", "I agree"], "Akapit.", None),
        (["Akapit o plikach cookies i polityce prywatności."], "Akapit o plikach cookies i polityce prywatności.", None),
        (["2018-06-08 08:43:00 CRI", "Treść.", "Zobacz także", "Inny artykuł", "Polecamy"], "Treść.", None),
        (["|", "||||", "Treść | z kreską.", "| |"], "Treść | z kreską.", None),
        (["2019-10-01 15:27:51 criXue Yanan", "Podpis zdjęcia", "Śródtytuł", "Treść."],
         "Podpis zdjęcia\n\nŚródtytuł\n\nTreść.", None),
        (["Akapit (ChRL) w nawiasie.", "Koniec (A.L.)"], "Akapit (ChRL) w nawiasie.\n\nKoniec", "A. L."),
        (["Ranking", "1. Tekst z rankingu"], None, None),
        ([], None, None),
    ],
)
def test_body_noise_and_initials(lines: list[str], body: str | None, author: str | None) -> None:
    item = load(pages=[lines])
    assert (item.body, item.author) == (body, author)


def test_end_marker_cuts_only_its_own_page() -> None:
    item = load(pages=[["Strona pierwsza.", "Zobacz także", "link"], ["Strona druga."]])
    assert item.body == "Strona pierwsza.\n\nStrona druga."


def test_images_only_http_and_unique() -> None:
    item = load(images=["javascript:alert(1)", "https://p.cgtn.com/a.jpg", "https://p.cgtn.com/a.jpg", "/rel.jpg"])
    assert item.images == ["https://p.cgtn.com/a.jpg"]
