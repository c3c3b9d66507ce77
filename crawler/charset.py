"""The charset of a page decided from its bytes when its label disagrees, and the mojibake a text
still holds after decoding.

Old (E1) pages were written in windows-1250, ISO-8859-2 or UTF-8 and served under whatever label
the server or the template had: UTF-8 under `windows-1250`, windows-1250 under `ISO-8859-1`,
latin-2 under `windows-1252`. Read as labelled, Polish letters come out as `podrĂłĹĽ` or `mo¿e`.
The bytes say which it was:

- bytes that are mostly UTF-8 (more valid multi-byte sequences than invalid bytes) under any
  single-byte label are UTF-8: a single-byte Polish text is almost never valid UTF-8 (a letter
  byte followed by a continuation byte is an all-caps pair such as `ÓŁ`), while a UTF-8 page with
  a few stray bytes still is mostly UTF-8;
- otherwise, under a UTF-8 label or any single-byte one (also the code page Scrapy guessed for a
  page without one: cp1257, iso8859-13, ...), a reading that shows symptoms of a misreading
  (control characters, undefined bytes, a symbol between two letters: `mo¿e`, `by³a`, `je¶li`)
  gives way to the Central/Western code page (`CODE_PAGES`) with the fewest symptoms, then the
  most Polish letters. A reading without symptoms is never replaced: a page labelled right
  comes out as labelled, and so does a Western (French, Spanish) page under `windows-1252`,
  whose `ê`, `ñ` or `¿` would read as Polish letters in windows-1250.

Pure: bytes and a label in, text out; no Scrapy, no stats.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

UTF8 = "utf-8"
# The single-byte code pages of Polish and Western pages (codecs' names), in the order that
# breaks a tie between two of them that are not the label: the Polish Windows code page first.
CODE_PAGES = ("cp1250", "iso8859-2", "cp1252", "iso8859-1")
# Short names for the repair names (`cp1250_under_cp1252`). Scrapy reads an ISO-8859-1 or ASCII
# label as cp1252 (as browsers do), so `latin1` is seen as a label only when passed as such.
SHORT_NAMES = {UTF8: "utf8", "cp1250": "cp1250", "iso8859-2": "latin2", "cp1252": "cp1252",
               "iso8859-1": "latin1"}
POLISH_LETTERS = "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ"
_POLISH = re.compile(f"[{POLISH_LETTERS}]")

# Between two letters these are real text (apostrophes typed in several ways, dashes in
# double names, the Catalan middle dot), not a misread byte.
_BETWEEN_LETTERS = "’‘´–—·"


_LETTER = r"[^\W\d_]"


@lru_cache(maxsize=16)
def _symptoms(label: str) -> re.Pattern[str]:
    """Symptoms of a misreading: C1 control characters and undefined bytes (never in real
    text), and a symbol with a letter on both sides (`mo¿e`, `by³a`, `je¶li`, `Ä…`): any
    non-letter that `CODE_PAGES` or the label read a byte >= 0x80 as."""
    symbols = set()
    for code_page in {*CODE_PAGES, label} - {UTF8}:
        for char in bytes(range(0x80, 0x100)).decode(code_page, "replace"):
            if (not char.isalpha() and unicodedata.category(char)[0] in "SPN"
                    and char not in _BETWEEN_LETTERS):
                symbols.add(char)
    between = re.escape("".join(sorted(symbols)))
    return re.compile(rf"[\x80-\x9f\ufffd]|(?<={_LETTER})[{between}](?={_LETTER})")


@dataclass(frozen=True)
class Decoded:
    """A page's text, and the repair made to read it (None: read as labelled)."""

    text: str
    repair: str | None = None  # `<found>_under_<label>`, e.g. `utf8_under_cp1250`
    encoding: str = UTF8  # the codec the text was read with


@dataclass(frozen=True)
class _Reading:
    encoding: str
    text: str
    symptoms: int
    polish: int


def decode(body: bytes, declared: str) -> Decoded:
    """The text of `body`, whose label (the encoding Scrapy chose: HTTP charset, BOM, `<meta>`)
    is `declared`, read in the encoding its bytes show where the label disagrees."""
    label = _codec(declared)
    if body.isascii() or label is None:
        return Decoded(_as(body, label or UTF8), None, label or UTF8)
    valid, invalid = _utf8_counts(body)
    if label == UTF8:
        if valid >= invalid:  # UTF-8, perhaps with a few stray bytes
            return Decoded(_as(body, UTF8), None, UTF8)
        return _best(body, UTF8, CODE_PAGES)
    if not _single_byte(label):  # UTF-16, GB18030, ...: the label stands
        return Decoded(_as(body, label), None, label)
    if valid > invalid:
        return Decoded(_as(body, UTF8), _repair(UTF8, label), UTF8)
    return _best(body, label, CODE_PAGES)


def mojibake(text: str) -> int:
    """How many mojibake sequences `text` holds: UTF-8 letters read as a single-byte code page
    (`Ăł`, `ĹĽ`, `Ä…`, `Ã³`, `Å‚`, `â€ž`, ...) and single-byte Polish letters read in the
    wrong code page (`mo¿e`, `je¶li`). Real text in Polish, Esperanto or a Western language
    holds none: each pattern is a letter followed by a symbol, or two letters no language puts
    side by side."""
    if not _MOJIBAKE_START.search(text):  # most texts: one scan for a handful of characters
        return 0
    return len(_MOJIBAKE.findall(text))


def _best(body: bytes, label: str, candidates: tuple[str, ...]) -> Decoded:
    """The reading as labelled, unless it shows symptoms and another has fewer (then more
    Polish letters; the label, then `candidates`' order, breaks ties)."""
    symptoms = _symptoms(label)
    declared = _reading(body, label, symptoms)
    if not declared.symptoms:
        return Decoded(declared.text, None, label)
    readings = [declared] + [_reading(body, c, symptoms) for c in candidates if c != label]
    best = min(readings, key=lambda r: (r.symptoms, -r.polish))
    if best.symptoms >= declared.symptoms:
        return Decoded(declared.text, None, label)
    return Decoded(best.text, _repair(best.encoding, label), best.encoding)


def _reading(body: bytes, encoding: str, symptoms: re.Pattern[str]) -> _Reading:
    text = _as(body, encoding)
    return _Reading(encoding, text, len(symptoms.findall(text)), len(_POLISH.findall(text)))


def _as(body: bytes, encoding: str) -> str:
    # A UTF-8 byte order mark is no text (Scrapy drops it too).
    return body.decode("utf-8-sig" if encoding == UTF8 else encoding, "replace")


def _utf8_counts(body: bytes) -> tuple[int, int]:
    """(valid multi-byte sequences, invalid bytes) of `body` read as UTF-8."""
    text = body.decode("utf-8", "replace")
    literal = body.count("\ufffd".encode())  # a replacement character the page itself holds
    invalid = text.count("\ufffd") - literal
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    return non_ascii - invalid, invalid


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except (LookupError, TypeError):
        return None


@lru_cache(maxsize=64)
def _single_byte(encoding: str) -> bool:
    """Whether `encoding` reads every byte as one character (cp1251, koi8-r, ...)."""
    try:
        return len(bytes(range(256)).decode(encoding, "replace")) == 256
    except (LookupError, UnicodeError, TypeError):
        return False


def _repair(found: str, label: str) -> str:
    return f"{_short(found)}_under_{_short(label)}"


def _short(encoding: str) -> str:
    return SHORT_NAMES.get(encoding) or re.sub(r"[^a-z0-9]", "", encoding.lower())


def _mojibake_pattern() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """UTF-8 of the letters and typography of Polish and Esperanto pages (and the foreign
    letters of names) as each of `CODE_PAGES` reads it, an undefined byte read as a control
    character or a replacement character; and the symptoms of single-byte misreadings that are
    never real text (¹ ³ ¿ ± ¶ ¼ ¦ ¬ between letters). Also the characters any of them starts
    with: a text without one holds none."""
    letters = POLISH_LETTERS + "ĉĝĥĵŝŭĈĜĤĴŜŬ" + "áäéëíöúüçñšžčěřÁÄÉÖÜŠŽČ"
    typography = "„”“’–—…"
    sequences = set()
    for char in letters + typography:
        raw = char.encode()
        for code_page in CODE_PAGES:
            read = raw.decode(code_page, "replace")
            if any(r.isspace() for r in read):  # `Å` + NBSP (Š) may be a Swedish word's end
                continue
            sequences.add(read)
            # an undefined byte: a replacement character, or its C1 control (as browsers read it)
            sequences.add("".join(r if r != "\ufffd" else chr(b) for r, b in zip(read, raw)))
    alternatives = "|".join(re.escape(s) for s in sorted(sequences, key=len, reverse=True))
    symbols = "¹³¿±¶¼¦¬"
    starts = re.escape("".join(sorted({s[0] for s in sequences} | set(symbols))))
    pattern = re.compile(rf"{alternatives}|(?<={_LETTER})[{re.escape(symbols)}](?={_LETTER})")
    return pattern, re.compile(f"[{starts}]")


_MOJIBAKE, _MOJIBAKE_START = _mojibake_pattern()
