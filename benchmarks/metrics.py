"""Scores of an extraction against the ground truth: exact fields, shingle F1, leakage.

The body metric is the one of the article-extraction-benchmark (scrapinghub), implemented
here from its description: the text is cut into word tokens (`\\w+`), the tokens into
overlapping 4-token shingles (a text of fewer than 4 tokens is one shingle of all its tokens,
an empty text has none), and the shingle multisets of truth and prediction give true
positives, false positives and false negatives. Each page's counts are normalised to sum to 1
(a long page weighs no more than a short one); precision is the mean over pages that
predicted anything, recall the mean over pages whose truth has anything, F1 the harmonic
mean of those two means.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import mean
from typing import Any

from crawler.editions import Edition

SHINGLE = 4
_TOKEN = re.compile(r"\w+")


# -- body: shingle precision, recall, F1 ----------------------------------------------------------
def shingles(text: str | None, n: int = SHINGLE) -> Counter[tuple[str, ...]]:
    """The multiset of n-token shingles of a text."""
    tokens = _TOKEN.findall(text or "")
    if not tokens:
        return Counter()
    if len(tokens) < n:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


@dataclass(frozen=True)
class Match:
    """One page's shingle counts, normalised to sum to 1 (all zero when both texts are empty)."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float | None:
        """None when nothing was predicted (the page does not count for precision)."""
        if self.tp + self.fp == 0:
            return None
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        """None when the truth is empty (the page does not count for recall)."""
        if self.tp + self.fn == 0:
            return None
        return self.tp / (self.tp + self.fn)


def match(truth: str | None, prediction: str | None, n: int = SHINGLE) -> Match:
    true, pred = shingles(truth, n), shingles(prediction, n)
    tp = sum((true & pred).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    if not total:
        return Match(0.0, 0.0, 0.0)
    return Match(tp / total, fp / total, fn / total)


@dataclass(frozen=True)
class BodyScore:
    precision: float
    recall: float
    f1: float


def body_score(matches: Iterable[Match]) -> BodyScore:
    """Corpus precision, recall and F1 from per-page matches (see the module docstring)."""
    matches = list(matches)
    precisions = [p for m in matches if (p := m.precision) is not None]
    recalls = [r for m in matches if (r := m.recall) is not None]
    precision = mean(precisions) if precisions else 0.0
    recall = mean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BodyScore(precision, recall, f1)


# -- exact fields ---------------------------------------------------------------------------------
def norm(text: str | None) -> str:
    """Whitespace runs collapsed, NFC: what 'exact' compares (extractors differ in spacing only)."""
    return unicodedata.normalize("NFC", " ".join((text or "").split()))


def body_lines(text: str | None) -> list[str]:
    """A body as its non-empty lines (paragraph separators differ: `\\n\\n` ours, `\\n` others)."""
    return [line for line in (norm(part) for part in (text or "").split("\n")) if line]


def same_text(truth: str | None, value: str | None) -> bool:
    return norm(truth) == norm(value)


def same_body(truth: str | None, value: str | None) -> bool:
    return body_lines(truth) == body_lines(value)


def same_author(truth: str | None, value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value if v)
    return norm(truth) == norm(value)


def same_published(truth: str, value: Any) -> bool:
    """The same wall time AND the same UTC offset as the truth (a naive time never matches)."""
    moment = as_datetime(value)
    if moment is None or moment.tzinfo is None:
        return False
    expected = datetime.fromisoformat(truth)
    return moment == expected and moment.utcoffset() == expected.utcoffset()


def same_day(truth: str, value: Any) -> bool:
    """The same calendar date as the truth's, whatever the time or zone (a lenient check)."""
    moment = as_datetime(value)
    return moment is not None and moment.date() == datetime.fromisoformat(truth).date()


def as_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None


# -- leakage: the dossier's noise catalogue, read from the edition record -----------------------
class NoiseCatalogue:
    """Tells which noise of the dossier's catalogue (section 6) a body still holds.

    Everything comes from `crawler/editions/polish.toml`: noise lines and patterns (share
    labels, `Baidu`, `CRI` date lines, `|` lines, footers), the body-end markers (`Zobacz
    także`, `Polecamy`, `Ranking`), the consent banners' texts (a whole line) and anchors (also
    glued inside a line), and the author initials left at the end of a paragraph.
    """

    def __init__(self, edition: Edition) -> None:
        self.edition = edition
        self.banner_texts = frozenset(t for b in edition.banners for t in b.texts)
        self.anchors = tuple(dict.fromkeys(a for b in edition.banners for a in b.anchors))

    def kinds(self, body: str | None) -> list[str]:
        """The kinds of noise found in a body (empty: clean)."""
        found: list[str] = []
        for line in body_lines(body):
            if line in self.edition.body_end_markers:
                found.append(f"marker:{line}")
            elif line in self.banner_texts:
                found.append("banner")
            elif line in self.edition.noise_lines:
                found.append(f"line:{line}")
            elif pattern := next((p for p in self.edition.noise_patterns if p.match(line)), None):
                found.append(f"pattern:{pattern.pattern}")
            elif any(anchor in line for anchor in self.anchors):
                found.append("banner")
            elif self.edition.initials.search(line):
                found.append("initials")
        return found


def share(flags: Sequence[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0
