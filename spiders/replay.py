"""The `replay` spider: items made again from stored answers with the current parsers, written
through the pipelines as any crawl's (`cri-crawler reextract`, `cri-crawler import-warc`;
README "Re-extraction and imports").

It makes no request at all: `start()` indexes the answers (crawler/replay.py, crawler/importer.py),
replays each article's source cascade on them and yields the items it gives, one at a time
(streaming: the event loop turns between two, the pipelines keep up, memory stays flat). Every
download handler is replaced by one that refuses (crawler/offline.py), so not even a component
could reach the network by mistake; the WARC recorder is off (nothing is fetched, so there is
nothing new to keep).

Why not requests served from the WARC files by a download handler: an article takes one to
three stored answers, and each request's round trip through the scheduler, the downloader and
their middlewares would cost as much as extracting it; a plain loop over the index keeps
re-extraction at the extractor's own pace (README: the figures).

Versions: dedupe writes a new version only for an article whose headline or body changed
(`modified` = when the replay saw it); unchanged ones are left alone. Such a version carries the
replay's `run`, whose line in `runs.jsonl` has `mode` `reextract` (or `import`): that is how a
reader tells a version a parser change made from one the outlet made.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from scrapy.utils.misc import load_object

from crawler import replay, stats
from crawler.archive.layout import WARC_DIR, WARC_INDEX
from crawler.config import CrawlerConfig
from crawler.context import CrawlContext
from crawler.editions import EDITIONS, Edition
from crawler.extract import Gate
from crawler.importer import Importer
from crawler.items import Article
from spiders.edition import EditionSpider

logger = logging.getLogger(__name__)

REEXTRACT, IMPORT = "reextract", "import"
ARGUMENTS = frozenset({"mode", "edition", "since", "until", "ids", "files", "base_url"})
OFFLINE = "crawler.offline.OfflineDownloadHandler"
SCHEMES = ("http", "https", "ftp", "s3", "file", "data")


@dataclass(frozen=True)
class ReplayOptions:
    """What one replay is asked to do."""

    mode: str
    edition: Edition
    since: date | None = None  # items published before this day are left out
    until: date | None = None  # ... and after this one
    ids: Path | None = None  # only these articles (one id or URL a line)
    files: tuple[Path, ...] = ()  # import: the WARC files, oldest first
    base_url: str | None = None  # import: the origin a capture of a copy was made from

    @classmethod
    def checked(cls, settings: BaseSettings, arguments: Mapping[str, Any]) -> ReplayOptions:
        """The spider arguments, checked; UsageError (one line) for a bad one."""
        given = {k: v for k, v in arguments.items() if k in ARGUMENTS}
        given.setdefault("edition", CrawlerConfig.from_settings(settings).edition)
        return cls.parse(**given)

    @classmethod
    def parse(cls, mode: str = REEXTRACT, edition: str = "polish", since: str | None = None,
              until: str | None = None, ids: str | None = None,
              files: str | list[str] | tuple[str, ...] | None = None,
              base_url: str | None = None) -> ReplayOptions:
        if mode not in (REEXTRACT, IMPORT):
            raise UsageError(f"mode={mode!r}: {REEXTRACT} or {IMPORT}")
        if edition not in EDITIONS:
            raise UsageError(f"edition={edition!r} is unknown; known: {', '.join(sorted(EDITIONS))}")
        first, last = _day("since", since), _day("until", until)
        if first and last and first > last:
            raise UsageError(f"since={first} is after until={last}")
        listed = [f.strip() for f in files.split(",")] if isinstance(files, str) else list(files or ())
        paths = tuple(Path(f) for f in listed if f)
        if mode == IMPORT and not paths:
            raise UsageError("import: no WARC file given")
        if mode == REEXTRACT and paths:
            raise UsageError("reextract reads the data directory's archive: files are for import")
        for path in paths:
            _readable(path, "WARC file")
        if ids:
            _readable(Path(ids), "ids file")
        if base_url:
            parts = urlsplit(base_url.strip())
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise UsageError(f"base_url={base_url!r} is not an http(s) URL")
            base_url = f"{parts.scheme}://{parts.netloc}"
        return cls(mode, EDITIONS[edition], first, last, Path(ids) if ids else None, paths, base_url)


def _loaded(key: Any) -> Any:
    """A component of a priority dictionary, as its class (keys may be import strings)."""
    try:
        return load_object(key) if isinstance(key, str) else key
    except (ImportError, NameError, ValueError):
        return key


def _set(settings: BaseSettings, name: str, value: Any) -> None:
    """Set at the spider's priority, unless the command line set it."""
    priority = max(settings.getpriority(name) or 0, SETTINGS_PRIORITIES["spider"])
    if priority < SETTINGS_PRIORITIES["cmdline"]:
        settings.set(name, value, priority=priority)


def _day(name: str, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"{name}={value!r} is not a date (YYYY-MM-DD)") from None


def _readable(path: Path, what: str) -> None:
    try:
        with path.open("rb"):
            pass
    except OSError as exc:  # a directory too: "Is a directory"
        raise UsageError(f"{what} {path}: {exc.strerror}") from None


class ReplaySpider(EditionSpider):
    name = "replay"
    ARGUMENTS = ARGUMENTS
    OPTIONS = ReplayOptions

    options: ReplayOptions

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.counts: Counter[str] = Counter()  # indexing's, flushed into the stats

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """No network, nothing recorded, a replay's progress line, no time bound (a replay
        reads the whole archive) unless `-s` gives one. At the spider's priority: a crawler
        process applies its own (project) settings again when the crawl starts."""
        super().update_settings(settings)
        from crawler.extensions.progress import Progress
        from crawler.extensions.replay_progress import ReplayProgress
        from crawler.middlewares.warc import WarcRecorder

        schemes = {*SCHEMES, *settings.getdict("DOWNLOAD_HANDLERS_BASE"),
                   *settings.getdict("DOWNLOAD_HANDLERS")}
        _set(settings, "DOWNLOAD_HANDLERS", dict.fromkeys(schemes, OFFLINE))
        middlewares = {k: v for k, v in settings.getdict("DOWNLOADER_MIDDLEWARES").items()
                       if _loaded(k) is not WarcRecorder}
        _set(settings, "DOWNLOADER_MIDDLEWARES", middlewares)
        extensions = settings.getdict("EXTENSIONS")
        progress = {k: v for k, v in extensions.items() if _loaded(k) is Progress}
        if progress:
            extensions = {k: v for k, v in extensions.items() if k not in progress}
            extensions[ReplayProgress] = next(iter(progress.values()))
        _set(settings, "EXTENSIONS", extensions)
        if (settings.getpriority("CLOSESPIDER_TIMEOUT") or 0) < SETTINGS_PRIORITIES["cmdline"]:
            settings.set("CLOSESPIDER_TIMEOUT", 0, priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ReplaySpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(spider.item_dropped, signal=signals.item_dropped)
        return spider

    @property
    def mode(self) -> str:
        return self.options.mode

    # -- the replay ------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Article]:
        context = CrawlContext.of(self.crawler)
        config, options, counter = context.config, self.options, self.crawler.stats
        assert counter is not None
        gate = Gate(config.max_body_chars, options.since, True, config.max_date_mismatch_days)
        with replay.ReplayIndex() as index:
            reader = replay.RecordReader(index)
            try:
                await self._index(index, reader)
                if options.ids:
                    index.want(replay.read_ids(options.ids, self.edition))
                    counter.set_value(replay.IDS_NOT_FOUND, index.missing_wanted())
                index.done()
                total = index.count()
                counter.set_value(replay.TOTAL, total)
                logger.info("%s: %d articles to extract (records: %s)", self.mode, total,
                            _counts(self.counts))
                for n, article_id in enumerate(index.articles(), 1):
                    found = index.card(article_id)
                    card, section = found if found else (None, None)
                    done = replay.replay_article(self.edition, article_id, index.captures(article_id),
                                                 reader, card=card, section=section, gate=gate,
                                                 run=context.run)
                    item = self._account(article_id, done)
                    if item is not None:
                        yield item
                    elif n % replay.YIELD_EVERY == 0:
                        await asyncio.sleep(0)  # articles without items: let the loop turn
            finally:
                reader.close()

    async def _index(self, index: replay.ReplayIndex, reader: replay.RecordReader) -> None:
        """Fill the index; the event loop turns now and then (the progress line)."""
        counter = self.crawler.stats
        assert counter is not None
        if self.mode == REEXTRACT:
            data_dir = Path(CrawlContext.of(self.crawler).config.data_dir)
            if not (data_dir / WARC_DIR / WARC_INDEX).exists():
                logger.warning("reextract: %s holds no WARC archive (%s/%s): nothing to extract",
                               data_dir, WARC_DIR, WARC_INDEX)
            sources = [replay.index_archive(data_dir, index, reader, self.edition, self.counts)]
        else:
            importer = Importer(index, reader, self.edition, self.options.base_url, self.counts)
            sources = [importer.add(path) for path in self.options.files]
        for source in sources:
            for _ in source:
                counter.set_value(replay.INDEXED, self.counts[replay.record_stat(replay.READ)])
                await asyncio.sleep(0)
        for name, amount in self.counts.items():
            counter.set_value(name, amount)

    def _account(self, article_id: str, done: replay.Replayed) -> Article | None:
        """Stats of one replayed article (as the crawl's, and the replay's by era); its item,
        unless it is outside --since/--until."""
        counter = self.crawler.stats
        assert counter is not None
        item = done.item
        if done.ending == "skipped/before_since" or (
                item is not None and not replay.in_range(item.published, None, self.options.until)):
            counter.inc_value(replay.OUT_OF_RANGE)
            return None
        for name, amount in done.counts.items():
            counter.inc_value(name, amount)
        counter.inc_value(replay.ARTICLES)
        counter.inc_value(stats.ARTICLES_DISCOVERED)
        counter.inc_value(stats.article_ended(done.ending))
        if item is None:
            counter.inc_value(replay.FAILED + done.ending.partition("/")[2])
            counter.inc_value(replay.era_stat(done.era, "failed"))
            logger.info("%s: no item for %s: %s (%s)", self.mode, article_id, done.ending, done.detail)
        return item

    # -- what the pipelines made of the items ----------------------------------------------------

    def item_scraped(self, item: Any) -> None:
        version = getattr(item, "version", None)
        what = "new" if version == 1 else "changed"
        self._count(replay.era_stat(getattr(item, "era", None), what))

    def item_dropped(self, item: Any, exception: BaseException) -> None:
        # Dedupe's own words for an unchanged text (pipelines/dedupe.py); anything else was
        # refused (invalid, unwritten): no item of this article.
        what = "unchanged" if str(exception).startswith("unchanged:") else "failed"
        self._count(replay.era_stat(getattr(item, "era", None), what))
        if what == "failed":
            self._count(replay.FAILED + "dropped")

    def _count(self, name: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(name)

    def report_fields(self) -> dict[str, Any]:
        """What the run report says of a replay: its `mode` and a `replay` section (the
        verdict adds them to the line in `runs.jsonl`)."""
        stats_ = self.crawler.stats
        assert stats_ is not None
        sources = [str(p.resolve()) for p in self.options.files]
        section = replay.report(stats_.get_stats(), self.mode, sources)
        return {"mode": self.mode, "replay": section}


def _counts(counts: Counter[str]) -> str:
    found = sorted((name[len(replay.RECORDS):], amount) for name, amount in counts.items()
                   if name.startswith(replay.RECORDS))
    return ", ".join(f"{name} {amount:,}" for name, amount in found) or "nothing read"
