"""The charset of a page from its bytes (`crawler.charset`): a mislabelled page reads as it was
written, a page labelled right reads as labelled (Polish, Western, Czech, Esperanto, ASCII), and
mojibake is counted in misread text only."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.charset import decode, mojibake
from tests.replica.samples import SEED_PARAGRAPHS
from tests.support.paths import SHARED

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# The dossier's real material, where tests/support/paths.py finds it (beside the repository,
# as CI lays it, or the project machines' /work/shared).
REAL = SHARED / "site"

# A real Polish article (the dossier's seed page).
HEADLINE = "Xi Jinping przeprowadził rozmowy z prezydentem Kazachstanu"
POLISH = "\n".join(f"<p>{html.escape(p)}</p>" for p in SEED_PARAGRAPHS)
# Article 1 of the Universal Declaration of Human Rights, and a line of each language's own.
WESTERN = {
    "french": "Tous les êtres humains naissent libres et égaux en dignité et en droits. Ils sont "
              "doués de raison et de conscience et doivent agir les uns envers les autres dans "
              "un esprit de fraternité. « Voilà », dit-il, « un chef-d’œuvre ».",
    "spanish": "Todos los seres humanos nacen libres e iguales en dignidad y derechos y, dotados "
               "como están de razón y conciencia, deben comportarse fraternalmente los unos con "
               "los otros. ¿Qué pasará mañana en España? ¡Señor!",
    "german": "Alle Menschen sind frei und gleich an Würde und Rechten geboren. Sie sind mit "
              "Vernunft und Gewissen begabt und sollen einander im Geist der Brüderlichkeit "
              "begegnen. „Straße“ – Fuß.",
}
CZECH = ("Všichni lidé rodí se svobodní a sobě rovní co do důstojnosti a práv. Jsou nadáni "
         "rozumem a svědomím a mají spolu jednat v duchu bratrství. Ťukání, ďábel, kůň.")
ESPERANTO = ("Ĉiuj homoj estas denaske liberaj kaj egalaj laŭ digno kaj rajtoj. Ili posedas "
             "racion kaj konsciencon, kaj devus konduti unu al alia en spirito de frateco. "
             "Ĝi ĥoro ĵaŭdo ŝipo.")
ASCII = "<html><head><title>Astana</title></head><body><p>Xi Jinping in Astana.</p></body></html>"


def page(text: str, title: str = HEADLINE) -> str:
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>\n{text}</body></html>"


def served(text: str, written_in: str) -> tuple[bytes, str]:
    """The bytes of `text` written in `written_in` (what the code page lacks as character
    references, as a CMS writes it), and the text they hold: the ground truth."""
    body = text.encode(written_in, "xmlcharrefreplace")
    return body, body.decode(written_in)


# -- mislabelled pages: read as written, the repair named ------------------------------------------

@pytest.mark.parametrize(
    ("written_in", "declared", "repair"),
    [
        # the three cases of issue #13 (Scrapy hands an ISO-8859-1 label on as cp1252)
        ("utf-8", "cp1250", "utf8_under_cp1250"),
        ("cp1250", "cp1252", "cp1250_under_cp1252"),
        ("iso8859-2", "cp1252", "latin2_under_cp1252"),
        # the same label named as the server wrote it
        ("utf-8", "windows-1250", "utf8_under_cp1250"),
        ("cp1250", "iso-8859-1", "cp1250_under_latin1"),
        ("iso8859-2", "windows-1252", "latin2_under_cp1252"),
        # the other mix-ups of the same code pages
        ("utf-8", "iso8859-2", "utf8_under_latin2"),
        ("utf-8", "cp1252", "utf8_under_cp1252"),
        ("cp1250", "iso8859-2", "cp1250_under_latin2"),
        ("iso8859-2", "cp1250", "latin2_under_cp1250"),
        ("cp1250", "utf-8", "cp1250_under_utf8"),
        ("iso8859-2", "utf-8", "latin2_under_utf8"),
        # what Scrapy may guess for a windows-1250 page with no label at all
        ("cp1250", "iso8859-13", "cp1250_under_iso885913"),
        ("cp1250", "cp1257", "cp1250_under_cp1257"),
    ],
)
def test_a_mislabelled_polish_page_reads_as_written(written_in: str, declared: str,
                                                    repair: str) -> None:
    body, truth = served(page(POLISH), written_in)
    decoded = decode(body, declared)
    assert (decoded.text, decoded.repair) == (truth, repair)
    assert body.decode(declared, "replace") != truth  # what the label alone gives


# -- pages labelled right: unchanged, no repair ---------------------------------------------------

RIGHT = [
    ("polish", page(POLISH), "utf-8"),
    ("polish", page(POLISH), "cp1250"),
    ("polish", page(POLISH), "iso8859-2"),
    *((name, page(text, name), code_page) for name, text in WESTERN.items()
      for code_page in ("cp1252", "utf-8")),
    ("spanish", page(WESTERN["spanish"], "es"), "iso8859-1"),
    ("german", page(WESTERN["german"], "de"), "cp1250"),  # every letter of it is in cp1250
    ("czech", page(CZECH, "cs"), "cp1250"),
    ("czech", page(CZECH, "cs"), "iso8859-2"),
    ("esperanto", page(ESPERANTO, "eo"), "utf-8"),
    *(("ascii", ASCII, code_page) for code_page in ("utf-8", "cp1250", "cp1252", "iso8859-2")),
]


@pytest.mark.parametrize(("text", "encoding"), [(t, e) for _, t, e in RIGHT],
                         ids=[f"{n}-{e}" for n, _, e in RIGHT])
def test_a_page_labelled_right_reads_as_labelled(text: str, encoding: str) -> None:
    body, truth = served(text, encoding)
    decoded = decode(body, encoding)
    assert (decoded.text, decoded.repair) == (truth, None)


@pytest.mark.parametrize("declared", ["cp1252", "iso8859-1", "cp1250"])
def test_an_esperanto_utf8_page_under_a_single_byte_label_is_utf8(declared: str) -> None:
    body = page(ESPERANTO, "eo").encode("utf-8")
    decoded = decode(body, declared)
    assert decoded.text == page(ESPERANTO, "eo")
    assert decoded.repair == f"utf8_under_{declared.replace('iso8859-1', 'latin1')}"


def test_a_multi_byte_label_stands() -> None:
    decoded = decode(page(POLISH).encode("utf-16"), "utf-16")
    assert (decoded.text, decoded.repair) == (page(POLISH), None)


# -- stray bytes: the page's encoding stands, the bytes are replaced ------------------------------

def stray(body: bytes, old: str, new: bytes, encoding: str) -> bytes:
    assert body.count(old.encode(encoding)) >= 1
    return body.replace(old.encode(encoding), new, 1)


@pytest.mark.parametrize(
    ("written_in", "declared", "repair"),
    [
        ("utf-8", "utf-8", None),
        # a UTF-8 page with a few broken bytes is still UTF-8, whatever the label
        ("utf-8", "cp1250", "utf8_under_cp1250"),
        ("utf-8", "cp1252", "utf8_under_cp1252"),
        # bytes windows-1250 leaves undefined (0x81, 0x98) in a windows-1250 page
        ("cp1250", "cp1250", None),
    ],
)
def test_a_few_stray_bytes_leave_the_encoding(written_in: str, declared: str,
                                              repair: str | None) -> None:
    body, truth = served(page(POLISH), written_in)
    broken = stray(stray(body, "Żomartem", b"\x81omartem", written_in), "że", b"\x98e", written_in)
    decoded = decode(broken, declared)
    assert decoded.repair == repair
    assert decoded.text.count("\ufffd") == 2
    assert decoded.text.replace("\ufffd", "") == truth.replace("Ż", "", 1).replace("że", "e", 1)


# -- mojibake -------------------------------------------------------------------------------------

def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def real_texts() -> Iterator[tuple[str, str]]:
    """Every real or stored text at hand: the seed article, languages of the editions and of
    names, every stored page and API answer and every expected item, the dossier's material."""
    yield "seed", page(POLISH)
    yield from WESTERN.items()
    yield "czech", CZECH
    yield "esperanto", ESPERANTO
    for path in sorted(FIXTURES.glob("*/*/*")):
        if path.suffix in (".html", ".md"):
            raw = path.read_bytes()
            # old E1 pages are stored in windows-1250, as their `<meta>` says
            encoding = "cp1250" if b"charset=windows-1250" in raw else "utf-8"
            yield str(path.relative_to(FIXTURES)), raw.decode(encoding)
        elif path.suffix == ".json":
            text = " ".join(_strings(json.loads(path.read_text(encoding="utf-8"))))
            yield str(path.relative_to(FIXTURES)), text
    for path in sorted(REAL.glob("*.txt")) + sorted(REAL.glob("real/*")):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            text = " ".join(_strings(json.loads(text)))
        yield path.name, text


REAL_TEXTS = dict(real_texts())


@pytest.mark.parametrize("name", REAL_TEXTS)
def test_real_text_holds_no_mojibake(name: str) -> None:
    assert mojibake(REAL_TEXTS[name]) == 0


@pytest.mark.parametrize(
    ("text", "least"),
    [
        ("podrĂłĹĽ", 2),  # UTF-8 read as windows-1250 (the example)
        ("podrĂłĹź", 2),  # ... as latin-2
        ("podrÃ³Å¼", 2),  # ... as windows-1252
        ("bÄ™dÄ… Ĺ‚Ăłdka", 4),
        ("â€žcudzysłów”", 1),  # a UTF-8 quotation mark read as windows-1252
        ("mo¿e by³a wiêc", 2),  # windows-1250 read as windows-1252
        ("je¶li w³a¶nie", 3),  # latin-2 read as windows-1252
    ],
)
def test_misread_text_holds_mojibake(text: str, least: int) -> None:
    assert mojibake(text) >= least


@pytest.mark.parametrize("code_page", ["cp1250", "iso8859-2", "cp1252", "iso8859-1"])
def test_every_misreading_of_the_seed_article_holds_mojibake(code_page: str) -> None:
    misread = page(POLISH).encode("utf-8").decode(code_page, "replace")
    assert mojibake(misread) > 50
