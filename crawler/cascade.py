"""An article's sources, in order: the cascade the crawl walks over the network and the replay
walks over stored answers (`spiders/cri.py`, `crawler/replay.py`), written once so that the two
cannot drift apart.

An article is read from the current platform's API when its era has one (or when the platform
links it), else from its page; an API that fails or answers no article gives way to the page,
a client-rendered page to the browser, a multi-page article to its next page, and an address
that does not have the article (or fails) to the article's next address. Each `Step` is one
fetch; `after` and `after_failure` say which comes next, or that the article ended.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from crawler import stats
from crawler.editions import Edition
from crawler.extract import Item, Need, Needed, Outcome, Skip, Via
from crawler.parsers.base import Extract
from crawler.parsers.listing import Card
from crawler.urls import PageRef


@dataclass(frozen=True)
class Lead:
    """An article being fetched, and what discovery knew of it: the addresses to read it at,
    in order (an older article served again by the current platform: that address first, its
    old URL last), the pages read so far (multi-page E1), its listing card and section."""

    ref: PageRef
    card: Card | None = None
    section: str | None = None
    tries: tuple[str, ...] = ()
    pages: tuple[Extract, ...] = ()

    @classmethod
    def of(cls, ref: PageRef, card: Card | None = None, section: str | None = None) -> Lead:
        return cls(ref, card, section, ref.addresses)

    @property
    def url(self) -> str:
        """The page to fetch now."""
        return self.ref.page_url(len(self.pages) + 1) if self.pages else self.tries[0]

    def next_address(self, outcome: Outcome | None = None) -> Lead | None:
        """The same article at its next address, when the current one did not have it: a
        failed fetch (no outcome), or a page without the article."""
        if len(self.tries) < 2 or self.pages:
            return None
        if outcome is not None and not (isinstance(outcome, Skip) and outcome.absent):
            return None
        return replace(self, tries=self.tries[1:])


@dataclass(frozen=True)
class Step:
    """One fetch of an article: which source, for which lead."""

    lead: Lead
    via: Via
    shell: str | None = None  # the browser's: the WARC record of the plain page it renders


def first_step(lead: Lead, edition: Edition) -> Step:
    """The API for the current platform's articles (and those it links), else the page."""
    assert lead.ref.era is not None
    api = lead.ref.linked_on_platform or edition.era(lead.ref.era).api
    return Step(lead, Via.API if api else Via.PAGE)


def after_failure(step: Step) -> tuple[Step | None, str | None]:
    """The next fetch when this one failed (an error answer, a timeout), and the stat it
    counts; (None, None) when the article ended there, unread."""
    if step.via is Via.API:
        return Step(step.lead, Via.PAGE), stats.API_FAILED
    if (elsewhere := step.lead.next_address()) is not None:
        return Step(elsewhere, Via.PAGE), stats.NEXT_ADDRESS
    return None, None


def after(step: Step, outcome: Outcome, record: str | None) -> tuple[Step | None, Counter[str]]:
    """The next fetch after the extractor's outcome for this one (None when the article ended:
    an Item or a Skip), and the stats the outcome counts (`record`: the answer's WARC record).
    A page superseded by the article's next address counts the walls it met, not its coverage."""
    retry = step.lead.next_address(outcome)
    counts = Counter({name: amount for name, amount in outcome.counts.items()
                      if not (retry and name.startswith(stats.PAGE_COVERAGE))})
    if retry is not None:
        counts[stats.NEXT_ADDRESS] += 1
        return Step(retry, Via.PAGE), counts
    if isinstance(outcome, (Item, Skip)):
        return None, counts
    assert isinstance(outcome, Need)
    if outcome.what is Needed.NEXT_PAGE:
        return Step(replace(step.lead, pages=outcome.pages), Via.PAGE), counts
    if outcome.what is Needed.PAGE:
        return Step(step.lead, Via.PAGE), counts
    return Step(step.lead, Via.BROWSER, shell=record), counts
