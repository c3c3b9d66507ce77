"""Clean pipeline: banners and boilerplate out, everything else exactly as it was."""

from __future__ import annotations

import pytest
from scrapy.utils.test import get_crawler

from crawler.editions import get_edition
from crawler.items import Article
from pipelines.clean import CleanPipeline
from tests.support.settings import project_settings

TITLE = "Our Privacy Statement & Cookie Policy"
CONSENT = (
    "By continuing to browse our site you agree to our use of cookies, revised Privacy Policy and "
    "Terms of Use. You can change your cookie settings through your browser."
)
DIALOG = [TITLE, CONSENT, "Privacy Policy", "Terms of Use", "I agree"]  # CGTN dialog, as lines
NOTICE = [TITLE, CONSENT, "Privacy policy", "Terms of use", "×", "I agree"]  # React .CookieNotice
P1 = "3 lipca przed południem czasu lokalnego, w pałacu prezydenckim w Astanie, odbyły się rozmowy."
P2 = "Po rozmowach przywódcy podpisali wspólne oświadczenie. (A. L.)"
BODY = f"{P1}\n\n{P2}"

CASES = {
    # name: (input, expected)
    "no noise": (BODY, BODY),
    "banner at the end, one paragraph a text": ("\n\n".join([P1, P2, *DIALOG]), BODY),
    "banner at the end, one line a text": (BODY + "\n\n" + "\n".join(DIALOG), BODY),
    "banner at the start": ("\n\n".join([*DIALOG, P1, P2]), BODY),
    "banner glued to the end of the last paragraph": (f"{P1}\n\n{P2} " + " ".join(DIALOG), BODY),
    "banner glued to the start of the first paragraph": (" ".join(DIALOG) + f" {P1}\n\n{P2}", BODY),
    "banner glued, links left out": (f"{P1}\n\n{P2} {TITLE} {CONSENT} I agree", BODY),
    "consent sentence alone glued": (f"{P1}\n\n{P2} {CONSENT}", BODY),
    "React notice glued": (f"{P1}\n\n{P2} " + " ".join(NOTICE), BODY),
    "React notice as lines": ("\n\n".join([P1, P2, *NOTICE]), BODY),
    "whole banner as one paragraph": (f"{P1}\n\n" + " ".join(DIALOG) + f"\n\n{P2}", BODY),
    "E3 page noise": (f"Baidu\n\nPodziel się:\n\n{P1}\n\n{P2}\n\n" + "\n\n".join(DIALOG), BODY),
    "E1 footer and separators": (
        (
            f"|||\n\n{P1}\n\n| |\n\n{P2}\n\n© China Radio International.CRI. All Rights Reserved."
            "\n\n16A Shijingshan Road, Beijing, China. 100040"
        ),
        BODY,
    ),
    "E1 date line with CRI token": (f"2018-06-08 08:43:00 CRI\n\n{P1}\n\n{P2}", BODY),
    "E2 sidebar heading": (f"{P1}\n\n{P2}\n\nRanking", BODY),
}

# Bodies that mention cookies, privacy or a banner word in a sentence: returned unchanged.
UNTOUCHED = [
    "Komisja Europejska przyjęła nowe zasady dotyczące plików cookies i prywatności w sieci.",
    "Serwis opublikował nową Privacy Policy\n\nTerms of Use zmieniono w marcu.",
    "Na koniec delegat powiedział po angielsku: I agree",
    "Baidu ogłosiło nowy model językowy.\n\nCRI relacjonowało konferencję.",
    f"Komunikat na stronie brzmiał: „{TITLE}” i nic więcej nie wyjaśniał.",
    f"Tekst zgody („{CONSENT}”) krytykowano w prasie.",
    f"{P1}  Podwójna spacja zostaje.\n\n\n{P2}\n",
    "Privacy Policy Terms of Use I agree, mówili uczestnicy, ale nikt nie czytał regulaminu.",
    "  Wcięty akapit z Privacy Policy  ",
]


@pytest.fixture(scope="module")
def edition():
    return get_edition("polish")


@pytest.mark.parametrize("name", CASES)
def test_strip_noise_exact(edition, name: str) -> None:
    given, expected = CASES[name]
    assert edition.strip_noise(given).text == expected


@pytest.mark.parametrize("body", UNTOUCHED)
def test_text_without_noise_is_unchanged_to_the_character(edition, body: str) -> None:
    result = edition.strip_noise(body)
    assert result.text is body
    assert (result.lines, result.banners) == (0, 0)


def test_removed_line_takes_one_line_break_with_it(edition) -> None:
    assert edition.strip_noise("A.\nBaidu\n\nB.").text == "A.\n\nB."
    assert edition.strip_noise("Baidu\nA.\n\nB.").text == "A.\n\nB."
    assert edition.strip_noise("A.\n\nB.\nI agree\n").text == "A.\n\nB.\n"
    assert edition.strip_noise("\n\nA.\n\nBaidu").text == "\n\nA."
    assert edition.strip_noise("Baidu\n\n\nA.").text == "A."
    assert edition.strip_noise("A.\n\n\nBaidu\n\nB.").text == "A.\n\nB."
    assert edition.strip_noise(" \nBaidu\n \nA.").text == " \n \nA."
    assert edition.strip_noise("Baidu").text == ""


def test_counts(edition) -> None:
    result = edition.strip_noise("\n\n".join(["Baidu", P1, *DIALOG]))
    assert (result.lines, result.banners) == (6, 5)
    result = edition.strip_noise(f"{P1} " + " ".join(DIALOG))
    assert (result.lines, result.banners) == (0, 1)


def test_banner_texts_are_noise_lines_for_the_loaders_too(edition) -> None:
    for text in NOTICE:
        assert edition.is_noise_line(text)


def _pipeline():
    crawler = get_crawler(settings_dict={**project_settings(), "CRAWLER_EDITION": "polish"})
    return crawler, CleanPipeline.from_crawler(crawler)


def test_pipeline_cleans_every_text_field() -> None:
    crawler, pipeline = _pipeline()
    item = Article(
        id="E2-1", headline="Xi Jinping przeprowadził rozmowy z prezydentem Kazachstanu",
        body="\n\n".join(["Baidu", P1, P2, *DIALOG]), summary=f"Krótko. {TITLE} {CONSENT}",
        author="CRI",
    )
    result = pipeline.process_item(item)
    assert result is item
    assert item.headline == "Xi Jinping przeprowadził rozmowy z prezydentem Kazachstanu"
    assert item.body == BODY
    assert item.summary == "Krótko."
    assert item.author is None  # the whole field was noise
    stats = crawler.stats.get_stats()
    assert stats["clean/items_changed"] == 1
    assert stats["clean/lines_removed"] == 7  # Baidu, 5 banner lines, CRI
    assert stats["clean/banner_removed"] == 6  # 5 banner lines, 1 glued run


def test_pipeline_leaves_clean_item_alone() -> None:
    crawler, pipeline = _pipeline()
    item = Article(id="E2-1", headline="Nagłówek", body=UNTOUCHED[0], summary=None)
    pipeline.process_item(item)
    assert item.body is UNTOUCHED[0]
    assert crawler.stats.get_stats() == {}


def test_pipeline_takes_dict_items() -> None:
    _, pipeline = _pipeline()
    item = {"id": "E2-1", "headline": "Baidu", "body": f"{P1}\n\nI agree"}
    pipeline.process_item(item)
    assert item == {"id": "E2-1", "headline": None, "body": P1}
