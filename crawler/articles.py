"""From a parsed page to an Article: the one place where parser output meets the loader."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from crawler.editions import Edition
from crawler.items import Article
from crawler.loaders import ArticleLoader, clean_text
from crawler.parsers.base import Extract
from crawler.parsers.listing import Card
from crawler.urls import PageRef


@dataclass(frozen=True)
class Provenance:
    """What made an item, besides the answer it came from: the crawl's run (its id in
    `runs.jsonl`), the crawler's version, and the parser that read the answer (its era's name
    and registered version, `crawler.eras.ParserVersion`)."""

    run: str
    crawler_version: str
    parser_era: str | None = None
    parser_version: int | None = None


def build_article(
    edition: Edition,
    ref: PageRef,
    extract: Extract,
    card: Card | None = None,
    section: str | None = None,
    fetched_at: datetime | None = None,
    *,
    provenance: Provenance,
) -> Article:
    """The normalised item; values from the page first, then from the listing's card, then
    from the URL (published date); its provenance as given, and as the extract has it (the
    selector, the payload's digest and WARC record)."""
    loader = ArticleLoader(edition=edition, headline=clean_text(extract.headline))
    loader.add_value("id", ref.id)
    loader.add_value("url", ref.url)
    loader.add_value("era", ref.era)
    loader.add_value("edition", edition.name)
    loader.add_value("language", edition.language)
    loader.add_value("headline", extract.headline)
    # The first source with a readable time wins, and the item says which one it was.
    sources = (
        ("api" if extract.method == "api" else "page", extract.published),
        ("listing", card.date if card else None),
        ("url", ref.url_date),
    )
    for source, value in sources:
        loader.add_value("published", value)
        if loader.get_collected_values("published"):
            loader.add_value("published_source", source)
            break
    for block in (extract.paragraphs, *extract.more_pages):
        loader.add_value("body", block)  # one call a page: each page's end markers cut it
    loader.add_value("author", extract.author)
    loader.add_value("summary", extract.summary or (card.brief if card else None))
    loader.add_value("modified", extract.modified or (card.modify_date if card else None))
    loader.add_value("images", extract.images + ([card.photo] if card and card.photo else []))
    loader.add_value("video", extract.video or (card.video if card else None))
    loader.add_value("section", section)
    loader.add_value("extraction", extract.method)
    when = fetched_at or datetime.now(timezone.utc)
    loader.add_value("fetched_at", when.isoformat(timespec="seconds"))
    item: Article = loader.load_item()
    if item.modified and item.published and item.modified <= item.published:
        item.modified = None  # the outlet reports no later edit
    # Provenance is recorded as made, not normalised: set past the loader.
    item.run, item.crawler_version = provenance.run, provenance.crawler_version
    item.parser = {"era": provenance.parser_era, "version": provenance.parser_version,
                   "selector": extract.selector}
    item.content_sha256, item.warc_record_id = extract.payload_sha256, extract.warc_record_id
    return item
